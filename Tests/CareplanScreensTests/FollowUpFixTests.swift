import CareplanCore
import CareplanSQLite
@testable import CareplanRuntime
@testable import CareplanScreens
import Foundation
import RepositoryTestSupport
import TermUI
import XCTest

/// Issue 14 testers' findings on the follow-up and worklist screens (N2, N4, N6, N11-N20), driven by keys on an
/// in-memory store at 80x24 (today is 23 Nov 2026 in the harness).
final class FollowUpFixTests: XCTestCase {
    var colorectal: Pathway { Harness.configuration.pathways["colorectal-standard"]! }

    /// Siân, on the colorectal pathway since 1 Mar 2026 (her first CEA, 1 Sep, overdue), her follow-up open.
    /// `prepare` adds to the store before the screen opens.
    func onFollowUp(_ h: Harness? = nil, prepare: (Harness, Enrolment) throws -> Void = { _, _ in }) throws -> (Harness, Patient, Enrolment) {
        let h = h ?? Harness()
        let p = try h.store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                               dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!, diagnosis: "Colorectal"), by: "cns", now: h.now)
        let e = try h.store.enrol(patientId: p.id!, pathway: colorectal, start: LocalDate(year: 2026, month: 3, day: 1)!, fromDocument: nil, by: "cns", now: h.now)
        try prepare(h, e)
        h.type("Wiś")
        h.press(.enter)
        h.wait(1)
        h.press(.text("f"))
        XCTAssertEqual(h.program.currentKind, .followUp)
        return (h, p, e)
    }

    func history(_ h: Harness, _ e: Enrolment) throws -> [FollowUpChange.Kind] { try h.store.followUpHistory(enrolmentId: e.id).map(\.kind) }

    // MARK: N6: stray typing

    func testTypingOnTheFollowUpIsRefusedAndACommandLetterStraightAfterIsMoreTyping() throws {
        let (h, _, e) = try onFollowUp()
        h.type("nan")
        XCTAssertFalse(h.screen.contains("Add a test"), "the a of nan opens nothing: \(h.screen)")
        XCTAssertTrue(h.screen.contains("Typing is not used on Siân Wiśniewski's follow-up"), h.screen)
        h.type("0x10")
        XCTAssertFalse(h.screen.contains("Discharge from follow-up"), h.screen)
        h.press(.enter, .text("y"))
        XCTAssertEqual(try history(h, e), [.enrolled], "nothing changed")
        XCTAssertEqual(try h.store.enrolment(id: e.id)?.status, .active)
        // On its own, a second later, the letter is a command.
        h.wait(1)
        h.press(.text("a"))
        XCTAssertTrue(h.screen.contains("Add a test"), h.screen)
    }

    func testDischargeAsksFirstSayingWhatIsStillOpen() throws {
        let (h, _, e) = try onFollowUp()
        h.press(.text("x"), .tab)
        h.type("Moved away")
        h.press(.ctrl("s"))
        XCTAssertEqual(try h.store.enrolment(id: e.id)?.status, .active, "asked first")
        XCTAssertTrue(h.screen.contains("Discharge with 1 test not done (CEA blood test due 01 Sep 2026: not done)?"), "the tests due by the discharge: \(h.screen)")
        h.wait(1)
        h.press(.text("n"))
        XCTAssertEqual(try h.store.enrolment(id: e.id)?.status, .active)
        XCTAssertTrue(h.screen.contains("Moved away"), "the form stays as typed: \(h.screen)")
        h.press(.ctrl("s"))
        h.wait(1)
        h.press(.text("y"))
        XCTAssertEqual(try h.store.enrolment(id: e.id)?.status, .discharged)
    }

    func testAnEscInAPasteCancelsOnlyTheFormAndTheRestIsNeitherCommandsNorLeaving() throws {
        let (h, _, e) = try onFollowUp()
        h.press(.text("e"))
        h.type("12")
        h.press(.escape)
        h.type("dx")
        h.press(.escape)
        h.type("Wiś")
        XCTAssertEqual(h.program.currentKind, .followUp, "the paste's second Esc does not leave: \(h.screen)")
        XCTAssertFalse(h.screen.contains("mark done"), h.screen)
        XCTAssertEqual(try history(h, e), [.enrolled])
        // A deliberate Esc, on its own, leaves.
        h.wait(1)
        h.press(.escape)
        XCTAssertEqual(h.program.currentKind, .patientRecord)
    }

    // MARK: N4: the review form

    /// Siân's first CEA, 9 ug/L (above 5), with a note: to review.
    @discardableResult
    func resultToReview(_ h: Harness, _ e: Enrolment, note: String = "Haemolysed sample, repeat advised") throws -> TestResult {
        let test = try h.store.scheduledTests(enrolmentId: e.id).first!
        return try h.store.recordResult(NewResult(value: .measured(9, unit: "ug/L"), takenOn: LocalDate(year: 2026, month: 9, day: 2)!, note: note),
                                        testId: test.id, pathway: colorectal, by: "cns", now: h.now)
    }

    func testTheReviewFormShowsTheResultAndAssumesNoOutcome() throws {
        var recorded: TestResult?
        let (h, _, e) = try onFollowUp { h, e in recorded = try self.resultToReview(h, e) }
        let r = try XCTUnwrap(recorded)
        h.press(.tab, .text("v"))
        XCTAssertTrue(h.screen.contains("Review the result of CEA blood test"), h.screen)
        XCTAssertTrue(h.screen.contains("Result: 9 ug/L (needs review: above 5 ug/L"), h.screen)
        XCTAssertTrue(h.screen.contains("Taken on 02 Sep 2026"), h.screen)
        XCTAssertTrue(h.screen.contains("Note: Haemolysed sample, repeat advised"), h.screen)
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! Choose the outcome"), h.screen)
        XCTAssertNil(try h.store.results(enrolmentId: e.id).first { $0.id == r.id }?.review, "one Ctrl-S closes nothing")
        h.assertGolden("follow-up-review-80x24")
        h.press(.text("3"), .ctrl("s"))
        XCTAssertEqual(try h.store.results(enrolmentId: e.id).first { $0.id == r.id }?.review?.outcome, .referToClinic)
    }

    // MARK: N2: every enrolment reachable

    /// Siân's first enrolment (colorectal, from 1 Mar 2026) left with a result to review and discharged; a new
    /// one from 1 Oct 2026.
    func twoEnrolments(_ h: Harness, _ first: Enrolment) throws -> (old: TestResult, new: Enrolment) {
        let r = try resultToReview(h, first)
        _ = try h.store.discharge(enrolmentId: first.id, reason: .early("Recurrence, treated"), on: LocalDate(year: 2026, month: 9, day: 20)!, acknowledging: true, by: "cns", now: h.now)
        let again = try h.store.enrol(patientId: first.patientId, pathway: colorectal, start: LocalDate(year: 2026, month: 10, day: 1)!, fromDocument: nil, by: "cns", now: h.now)
        return (r, again)
    }

    func testEveryEnrolmentIsReachableAndAnOldResultIsReviewed() throws {
        var made: (old: TestResult, new: Enrolment)?
        let (h, _, first) = try onFollowUp { h, e in made = try self.twoEnrolments(h, e) }
        let (old, new) = try XCTUnwrap(made)
        XCTAssertTrue(h.screen.contains("From 01 Oct 2026"), "the newest first: \(h.screen)")
        XCTAssertTrue(h.screen.contains("O shows also: from 01 Mar 2026, discharged 20 Sep 2026, 1 to review"), h.screen)
        h.press(.text("o"))
        XCTAssertTrue(h.screen.contains("From 01 Mar 2026"), h.screen)
        h.press(.tab, .text("v"), .text("1"), .ctrl("s"))
        XCTAssertEqual(try h.store.results(enrolmentId: first.id).first { $0.id == old.id }?.review?.outcome, .noAction)
        h.wait(1)
        h.press(.text("o"))
        XCTAssertTrue(h.screen.contains("From 01 Oct 2026"), h.screen)
        XCTAssertEqual(new.status, .active)
    }

    func testTheWorklistOpensTheEnrolmentItsItemBelongsTo() throws {
        let setup = Harness()
        let p = try setup.store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                                   dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!, diagnosis: "Colorectal"), by: "cns", now: setup.now)
        let first = try setup.store.enrol(patientId: p.id!, pathway: colorectal, start: LocalDate(year: 2026, month: 3, day: 1)!, fromDocument: nil, by: "cns", now: setup.now)
        let (old, _) = try twoEnrolments(setup, first)
        let h = Harness(store: setup.store, onWorklist: true)
        let row = try XCTUnwrap(h.lines.firstIndex { $0.contains("Result to review") }, h.screen)
        for _ in 0..<(row - 5) { h.press(.down) }
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .followUp)
        XCTAssertTrue(h.screen.contains("From 01 Mar 2026"), "the old enrolment, where the result is: \(h.screen)")
        XCTAssertTrue(h.screen.contains("[Results 1 (1 to review)]"), h.screen)
        h.press(.text("v"), .text("2"), .ctrl("s"))
        XCTAssertEqual(try h.store.results(enrolmentId: first.id).first { $0.id == old.id }?.review?.outcome, .contactPatient)
    }

    // MARK: N14, N18, N12: forms

    func testTypingReplacesAValuePutInForTheUserAndCursorKeysEditIt() throws {
        let (h, _, e) = try onFollowUp()
        h.press(.down, .text("m"))                               // the second CEA, due 01 Mar 2027
        h.type("15/03/2027")
        XCTAssertTrue(h.screen.contains("15/03/2027") && !h.screen.contains("01/03/202715"), "replaced, not appended: \(h.screen)")
        h.press(.tab)
        h.type("Away in March")
        h.press(.ctrl("s"))
        XCTAssertTrue(try h.store.scheduledTests(enrolmentId: e.id).contains { $0.due == LocalDate(year: 2027, month: 3, day: 15)! })
        // A cursor key first: the value is edited in place.
        h.wait(1)
        h.press(.home, .text("r"), .home, .right, .delete)       // the first test requested; its date edited
        h.type("2")
        h.press(.ctrl("s"))
        XCTAssertEqual(try h.store.scheduledTests(enrolmentId: e.id).first { $0.status == .requested }?.statusDate, LocalDate(year: 2026, month: 11, day: 22))
    }

    func testAPasteCutAtTheLimitIsSaidAndWhatWasKeptSaves() throws {
        let (h, p, _) = try onFollowUp()
        h.press(.text("c"), .tab, .tab)
        h.press(.text(String(repeating: "Worried about a new pain. ", count: 240)))  // 6,240 characters, pasted
        XCTAssertTrue(h.screen.contains("Limit is \(Limits.actionText) characters: the last \(6240 - Limits.actionText) typed were not added"), h.screen)
        XCTAssertFalse(h.screen.contains("! "), "not a problem: \(h.screen)")
        h.press(.ctrl("s"))
        XCTAssertEqual(try h.store.contacts(patientId: p.id!).first?.reason.count, Limits.actionText)
    }

    func testAFormLeftUnsavedComesBackAndOnlyQuittingLosesItSayingSo() throws {
        let (h, _, _) = try onFollowUp()
        h.press(.text("c"), .tab, .tab)
        h.type("Pain in the right side")
        h.press(.ctrl("q"))
        XCTAssertTrue(h.screen.contains("Quit and lose the follow-up form not saved (Log a call from the patient)?"), h.screen)
        h.press(.text("n"))
        XCTAssertTrue(h.effects.isEmpty, "stayed")
        XCTAssertTrue(h.screen.contains("Pain in the right side"), h.screen)
        h.press(.ctrl("s"))
        h.effects = []
        h.press(.ctrl("q"))
        XCTAssertEqual(h.effects, [.quit], "saved: nothing to ask")
    }

    /// Leaving the screen any other way than quitting (the lock's switch user, a sign-out by an administrator)
    /// keeps the form in the session: the same user reopening the patient's follow-up finds it as they left it.
    func testAFormLeftIsKeptInTheSessionForTheSameUserAndPatient() throws {
        let s = Session(configuration: Harness.configuration, flowId: "clinician", user: "kiosk", now: Harness.start)
        s.signIn(Harness.nurse)
        s.patient = Patient(id: 1, nhsNumber: NHSNumber("9434765919")!, familyName: "W", givenName: "S", dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!)
        var screen = FollowUpScreen(s)
        _ = screen.update(.opened, s)
        _ = screen.update(.key(.text("c")), s)
        for k in [Key.tab, .tab, .text("Pain")] { _ = screen.update(.key(k), s) }
        XCTAssertTrue(screen.hasUnsavedInput)
        _ = screen.update(.leaving, s)
        XCTAssertFalse(screen.hasUnsavedInput, "kept: leaving loses nothing")
        XCTAssertEqual(s.unsavedFollowUpForms, ["Log a call from the patient"])
        var again = FollowUpScreen(s)
        XCTAssertEqual(again.update(.opened, s), [.query(.followUp(patientId: 1))])
        XCTAssertEqual(again.entry?.form.text("reason"), "Pain")
        XCTAssertEqual(s.unsavedFollowUpForms, [], "taken back")
        s.signIn(Harness.staff("sam", role: "nurse"))
        _ = again.update(.leaving, s)
        XCTAssertNil(FollowUpScreen(s).entry)
        var other = FollowUpScreen(s)
        _ = other.update(.opened, s)
        XCTAssertNotNil(other.entry, "the same user's own draft only: sam's here")
        s.signIn(Harness.nurse)
        var nurse = FollowUpScreen(s)
        _ = nurse.update(.opened, s)
        XCTAssertNil(nurse.entry, "another user's draft is not given to the nurse")
    }

    // MARK: N13: another terminal's changes

    func testTheFollowUpShowsAnotherTerminalsChangesOnTheNextTickKeepingTheChosenRowAndTheForm() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("follow-up-two-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sqlite").path
        let (a, p, e) = try onFollowUp(Harness(store: try CareStore(path: path)))
        a.press(.down, .down)
        let other = try CareStore(path: path)
        _ = try other.recordContact(NewContact(patientId: p.id!, enrolmentId: e.id, at: a.now.addingTimeInterval(-600), reason: "Tired", redFlag: false),
                                    by: "cns2", now: a.now)
        try resultToReview(Harness(store: other), e)
        a.wait(1)
        XCTAssertTrue(a.screen.contains("Results 1 (1 to review)") && a.screen.contains("Calls 1 (1 open)"), a.screen)
        XCTAssertTrue(a.screen.contains("result 9 ug/L: TO REVIEW"), a.screen)
        a.press(.text("m"))
        XCTAssertTrue(a.screen.contains("CT chest, abdomen and pelvis, due 01 Mar 2027: move"), "the chosen row stays chosen: \(a.screen)")
        a.press(.escape)
        a.wait(1)
        // A form open here stays as typed while the other terminal writes.
        a.press(.text("c"), .tab, .tab)
        a.type("Short of breath")
        _ = try other.discharge(enrolmentId: e.id, reason: .early("Moved away"), on: LocalDate(year: 2026, month: 11, day: 20)!, acknowledging: true, by: "cns2", now: a.now)
        a.wait(1)
        XCTAssertTrue(a.screen.contains("Short of breath"), a.screen)
        a.press(.escape)
        XCTAssertTrue(a.screen.contains("discharged 20 Nov 2026"), a.screen)
    }

    // MARK: N15: the worklist keeps its place

    func testTheWorklistKeepsItsKindAndChosenItemAfterEnterThenEsc() throws {
        let setup = Harness()
        for (nhs, name) in [("9434765919", "Wiśniewski"), ("9434765870", "Jones"), ("9434765862", "Smith")] {
            let p = try setup.store.addPatient(Patient(nhsNumber: NHSNumber(nhs)!, familyName: name, givenName: "Sam",
                                                       dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!, diagnosis: "Colorectal"), by: "cns", now: setup.now)
            _ = try setup.store.enrol(patientId: p.id!, pathway: colorectal, start: LocalDate(year: 2026, month: 3, day: 1)!, fromDocument: nil, by: "cns", now: setup.now)
        }
        let h = Harness(store: setup.store, onWorklist: true)
        h.press(.tab)
        let showing = try XCTUnwrap(h.lines.first { $0.contains("Showing:") })
        h.press(.down, .down)
        let chosen = h.lines[5 + 2]
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .followUp)
        h.press(.escape)
        XCTAssertEqual(h.program.currentKind, .worklist)
        XCTAssertEqual(h.lines.first { $0.contains("Showing:") }, showing, h.screen)
        h.press(.enter)
        XCTAssertTrue(chosen.contains(h.program.session.patient!.nhsNumber.formatted), "the same item chosen: \(chosen)")
    }

    // MARK: N17: reasons readable

    func testACallsReasonIsReadInFullOnTheListAndInTheReturnFormAndALongNoteWraps() throws {
        let reason = "Pain in the right side under the ribs for three days, worse at night, and has lost her appetite since Sunday"
        let (h, p, _) = try onFollowUp { h, e in
            _ = try h.store.recordContact(NewContact(patientId: e.patientId, enrolmentId: e.id, at: h.now.addingTimeInterval(-3600), reason: reason, redFlag: true),
                                          by: "cns", now: h.now)
        }
        h.press(.tab, .tab)
        XCTAssertTrue(h.screen.contains("Why: Pain in the right side") && h.screen.contains("appetite since Sunday (red-flag symptoms)"), h.screen)
        h.assertGolden("follow-up-calls-detail-80x24")
        h.press(.enter)
        XCTAssertTrue(h.screen.contains("Why they called: " + reason.prefix(40)), h.screen)
        h.press(.tab)
        let note = "Spoke to her at length: advised paracetamol, urgent appointment booked for Thursday in the colorectal clinic with bloods first"
        h.type(note)
        XCTAssertTrue(h.screen.contains("Note in full:") && h.screen.contains("with bloods first"), h.screen)
        h.press(.ctrl("s"))
        XCTAssertEqual(try h.store.contacts(patientId: p.id!).first?.responseNote, note)
        XCTAssertTrue(h.screen.contains("12:00 by nurse: advice: Spoke to her at length"), "the response and its note under the list: \(h.screen)")
    }

    func testASkipsReasonAndAHistoryLineAreReadInFull() throws {
        let (h, _, _) = try onFollowUp()
        h.press(.text("s"))
        h.type("Had a CEA at the private hospital in August; the letter is scanned into the notes, value normal")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("skipped: Had a CEA at the private hospital in") && h.screen.contains("scanned into the notes, value normal"), h.screen)
        h.wait(1)
        h.press(.tab, .tab, .tab)
        XCTAssertTrue(h.screen.contains("value normal"), "the history line whole: \(h.screen)")
    }

    // MARK: N11, N20: letters and keys after discharge

    func testAfterDischargeLSavesTheChosenResultsLetterGTheDischargeLettersAndTheKeyLineOffersOnlyWhatApplies() throws {
        var result: TestResult?
        let (h, _, e) = try onFollowUp { h, e in
            result = try self.resultToReview(h, e)
            _ = try h.store.reviewResult(result!.id, outcome: .noAction, note: "", by: "cns", now: h.now)
            _ = try h.store.discharge(enrolmentId: e.id, reason: .early("Moved away"), on: LocalDate(year: 2026, month: 11, day: 20)!, acknowledging: true, by: "cns", now: h.now)
        }
        let keyLine = h.lines.last!
        for gone in ["E result", "R/D", "M move", "S skip", "A add", "U suspend", "X discharge"] { XCTAssertFalse(keyLine.contains(gone), keyLine) }
        XCTAssertTrue(keyLine.contains("G discharge letter") && keyLine.contains("P pathway"), keyLine)
        h.press(.tab)
        XCTAssertEqual(h.lines.last!.components(separatedBy: "letter").count - 1, 2, "each letter once: \(h.lines.last!)")
        h.press(.text("l"))
        XCTAssertEqual(h.effects, [.exportFollowUpLetter(.results(resultId: result!.id, enrolmentId: e.id), format: "pdf")])
        h.effects = []
        h.press(.text("g"))
        XCTAssertEqual(h.effects, [.exportFollowUpLetter(.discharge(enrolmentId: e.id), format: "pdf")])
    }

    func testACallAnsweredTestBroughtForwardOffersToMoveTheNextTest() throws {
        let (h, _, e) = try onFollowUp { h, e in
            _ = try h.store.recordContact(NewContact(patientId: e.patientId, enrolmentId: e.id, at: h.now.addingTimeInterval(-3600), reason: "Bleeding", redFlag: true),
                                          by: "cns", now: h.now)
        }
        h.press(.tab, .tab, .enter, .text("3"), .ctrl("s"))    // test brought forward
        XCTAssertTrue(h.screen.contains("CEA blood test, due 01 Sep 2026: move"), h.screen)
        h.press(.ctrl("s"))
        XCTAssertEqual(try h.store.followUpHistory(enrolmentId: e.id).last?.reason, "Brought forward after the call of 23 Nov 2026 11:00")
        XCTAssertTrue(try h.store.scheduledTests(enrolmentId: e.id).contains { $0.due == LocalDate(year: 2026, month: 11, day: 23)! })
        XCTAssertEqual(try history(h, e).last, .moved)
    }

    // MARK: N20/A16: cosmetics

    func testTheWorklistNamesTheTestSaysEscAndWhoseWorkItShows() throws {
        let setup = Harness()
        _ = try StaffFixture.addUsers(to: setup.store, now: setup.now)
        let team = try setup.store.addTeam(named: "Colorectal CNS", by: StaffFixture.administrator, now: setup.now)
        let p = try setup.store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                                   dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!, diagnosis: "Colorectal"), by: "cns", now: setup.now)
        let e = try setup.store.enrol(patientId: p.id!, pathway: colorectal, start: LocalDate(year: 2026, month: 3, day: 1)!, fromDocument: nil, by: "cns", now: setup.now)
        try resultToReview(setup, e)
        let h = Harness(store: setup.store, signedIn: Harness.staff("cns", role: "nurse", teams: [team.id]), onWorklist: true)
        XCTAssertTrue(h.lines.last!.contains("Esc patients"), h.lines.last!)
        XCTAssertTrue(h.screen.contains("What needs doing for your teams' patients"), h.screen)
        h.press(.ctrl("t"))
        XCTAssertTrue(h.screen.contains("What needs doing for every patient"), h.screen)
        let row = try XCTUnwrap(h.lines.first { $0.contains("Result to review") }, h.screen)
        XCTAssertTrue(row.hasSuffix("CEA blood test") || row.contains("CEA blood test"), "the test's name, not cea: \(row)")
        // The patients of the user's teams: none, said with how many the store holds.
        h.press(.ctrl("t"), .escape)
        XCTAssertTrue(h.screen.contains("No patients in your teams: 1 in the store (Ctrl-T shows everyone)"), h.screen)
    }

    func testUnderTheTestClockTheTitleBarKeepsThePatientAndTestsMonthsAwayAreScheduled() throws {
        let (h, _, _) = try onFollowUp()
        XCTAssertTrue(h.screen.contains("01 Mar 2027 CEA blood test                scheduled"), h.screen)
        h.program.session.clock = CareClock(offsetDays: 181)
        h.wait(1)
        XCTAssertTrue(h.lines[0].contains("TEST CLOCK 23 May 2027") && h.lines[0].contains("WIŚNIEWSKI, Siân · 943 476 5919"), h.lines[0])
        h.press(.escape)
        h.wait(1)
        h.press(.escape)
        XCTAssertTrue(h.lines[0].contains("TEST CLOCK: today is 23 May 2027 (+181 days)"), "the whole notice where there is room: \(h.lines[0])")
    }

    func testThePathwayNameUsesTheRoomItHasAndTheResultNoteHelpIsWhole() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("f"), .text("p"), .left)
        XCTAssertTrue(h.screen.contains("‹ Colorectal cancer after curative treatment (example) ›"), h.screen)
        h.press(.escape)
        let (c, _, _) = try onFollowUp()
        c.press(.text("e"), .tab, .tab, .tab)
        XCTAssertTrue(c.screen.contains("optional · needs review: above 5 ug/L, or a rise of more than 2 ug/L"), c.screen)
    }
}
