import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import Foundation
import TermUI
import XCTest

/// Screens are values: a key gives commands, an answer changes what is shown. No database here: the session
/// screens read holds no store, so only the commands they return could reach one.
final class ScreenCommandTests: XCTestCase {
    let session: Session = {
        let s = Session(configuration: Harness.configuration, flowId: "clinician", user: "kiosk", now: Harness.start)
        s.signIn(Harness.nurse)
        return s
    }()

    func send(_ screen: inout some Screen, _ keys: Key...) -> [Command] {
        keys.flatMap { screen.update(.key($0), session) }
    }

    func type(_ screen: inout some Screen, _ text: String) {
        for c in text { XCTAssertEqual(screen.update(.key(.text(String(c))), session), []) }
    }

    func filledForm() -> PatientFormScreen {
        var form = PatientFormScreen(session)
        for (text, last) in [("943 476 5919", false), ("Wiśniewski", false), ("Siân", false), ("05/03/1961", false), ("Breast", true)] {
            type(&form, text)
            if !last { XCTAssertEqual(send(&form, .tab), []) }
        }
        return form
    }

    func testSavingANewPatientAsksTheRuntimeAndLeavesOnlyOnceSaved() throws {
        var form = filledForm()
        let commands = send(&form, .ctrl("s"))
        guard case .savePatient(let p)? = commands.first, commands.count == 1 else { return XCTFail("\(commands)") }
        XCTAssertNil(p.id, "a new patient")
        XCTAssertEqual(p.nhsNumber.formatted, "943 476 5919")
        XCTAssertEqual([p.familyName, p.givenName, p.diagnosis], ["Wiśniewski", "Siân", "Breast"])
        XCTAssertEqual(p.dateOfBirth, try LocalDate.parse("05/03/1961").get())
        XCTAssertTrue(form.hasUnsavedInput, "not saved until the runtime says so")

        var stored = p
        stored.id = 7
        XCTAssertEqual(form.update(.answer(.patientSaved(stored)), session), [.exit("done")])
        XCTAssertFalse(form.hasUnsavedInput)
        XCTAssertEqual(session.message?.text, "Patient added")
    }

    func testAnInvalidFormGivesNoCommand() {
        var form = PatientFormScreen(session)
        type(&form, "123")
        XCTAssertEqual(send(&form, .ctrl("s")), [])
        XCTAssertEqual(session.message?.text, "Not saved yet: correct the field marked with !")
    }

    func testADuplicateNHSNumberMarksTheField() {
        var form = filledForm()
        _ = send(&form, .ctrl("s"))
        XCTAssertEqual(form.update(.answer(.failed(.duplicateNHSNumber(existing: "Ann Other"))), session), [])
        XCTAssertNotNil(form.form.fields[0].problem)
        XCTAssertEqual(form.form.focus, 0)
        XCTAssertTrue(form.hasUnsavedInput, "what was typed stays")
    }

    func testEscapeOnANewPatientGoesBack() {
        var form = PatientFormScreen(session)
        XCTAssertEqual(send(&form, .escape), [.go(.back)])
    }
}

extension ScreenCommandTests {
    func summary(_ id: Int64, _ given: String) -> PatientSummary {
        PatientSummary(patient: Patient(id: id, nhsNumber: NHSNumber("9434765919")!, familyName: "Test", givenName: given,
                                        dateOfBirth: try! LocalDate.parse("05/03/1961").get()))
    }

    func testTheRegisterAsksForItsRowsAndOpensThePatientChosen() {
        var register = RegisterScreen(session)
        // The search first: a failed read ends the commands, and only a failed search says why in the list.
        XCTAssertEqual(register.update(.opened, session), [.query(.patients(matching: "", limit: 200)), .query(.waitingSelfAssessments), .query(.patientCount)])
        XCTAssertEqual(send(&register, .text("s")), [.query(.patients(matching: "s", limit: 200))], "typing searches; the waiting list is for an empty search")
        _ = register.update(.answer(.counted(2)), session)
        _ = register.update(.answer(.patients(matching: "s", [summary(4, "Siân"), summary(5, "Sam")])), session)
        XCTAssertEqual(send(&register, .down, .enter), [.openPatient(5), .exit("open")], "leaves only once the patient is open")
        // An answer to an older search is not shown for the newer one.
        _ = register.update(.answer(.patients(matching: "", [summary(6, "Ann")])), session)
        XCTAssertEqual(register.results.map(\.patient.id), [4, 5])
    }

    func testAnEmptyRegisterOffersTheNewPatient() {
        var register = RegisterScreen(session)
        _ = register.update(.answer(.counted(0)), session)
        XCTAssertEqual(send(&register, .enter), [.exit("new")])
    }
}

extension ScreenCommandTests {
    func openAssessment(concerns: [ConcernEntry] = []) {
        session.assessment = Assessment(id: 3, patientId: 4, pathwayPoint: PathwayPoint.allCases[0], completedBy: .patientWithClinician, date: session.today,
                                        catalogueId: "ncat-hna", catalogueVersion: "1", createdAt: Harness.start, updatedAt: Harness.start,
                                        concerns: concerns)
    }

    func testRatingAConcernIsAChangeSaidOnlyOnceItStands() {
        openAssessment(concerns: [ConcernEntry(key: "pain", categoryId: "physical", label: "Pain")])
        var checklist = ChecklistScreen(session)
        _ = send(&checklist, .text("p"), .text("a"), .text("i"), .text("n"))
        var rated = ConcernEntry(key: "pain", categoryId: "physical", label: "Pain")
        rated.score = 10
        XCTAssertEqual(send(&checklist, .text("1")).count, 1)
        XCTAssertEqual(send(&checklist, .text("0")), [.apply(.setConcern(rated), saying: Said("“Pain” rated 10", .success))], "1 then 0 is 10")
        XCTAssertNil(session.message, "nothing said before the runtime has saved it")
        XCTAssertEqual(send(&checklist, .escape, .escape), [.go(.back)], "Esc clears the filter, then goes back")
    }

    func testAMoveOnThePrioritiesMovesTheSelectionOnceSaved() {
        var first = ConcernEntry(key: "pain", categoryId: "physical", label: "Pain")
        first.score = 9
        var second = ConcernEntry(key: "fatigue", categoryId: "physical", label: "Fatigue")
        second.score = 5
        openAssessment(concerns: [first, second])
        var screen = PrioritiseScreen(session)
        XCTAssertEqual(send(&screen, .text("]")), [.apply(.setOrder(["fatigue", "pain"]))])
        XCTAssertEqual(screen.selected, 0)
        _ = screen.update(.answer(.saved(.setOrder(["fatigue", "pain"]))), session)
        XCTAssertEqual(screen.selected, 1)
    }
}

extension ScreenCommandTests {
    func testTheKioskAsksTheRuntimeToRedeemACodeAndToCheckThePIN() throws {
        var identify = KioskIdentifyScreen(session)
        type(&identify, "123 456")
        XCTAssertEqual(send(&identify, .tab), [])
        type(&identify, "05/03/1961")
        XCTAssertEqual(send(&identify, .enter), [.redeemKioskCode("123456", dateOfBirth: try LocalDate.parse("05/03/1961").get())])

        var staff = KioskStaffScreen(session)
        type(&staff, "2468")
        XCTAssertEqual(send(&staff, .enter), [.checkStaffPIN("2468"), .go(.quit)], "the kiosk closes only once the PIN is accepted")
        _ = staff.update(.answer(.failed(nil)), session)
        XCTAssertEqual(staff.pin.text, "", "a refused PIN is cleared")
    }
}

extension ScreenCommandTests {
    func testANoteIsSavedOnTheTickAfterASecondAndAMoveWaitsForTheSave() {
        var pain = ConcernEntry(key: "pain", categoryId: "physical", label: "Pain")
        pain.discuss = true
        openAssessment(concerns: [pain])
        var notes = NotesScreen(session)
        type(&notes, "Walks")
        XCTAssertEqual(notes.update(.tick, session), [], "typed just now: not yet")
        session.now += NotesScreen.saveAfter
        let save = AssessmentChange.setWhatMattersToMe("Walks")
        XCTAssertEqual(notes.update(.tick, session), [.apply(save, basedOn: .text(""))])
        XCTAssertEqual(send(&notes, .tab), [.apply(save, basedOn: .text(""))], "leaving the box saves now")
        XCTAssertEqual(send(&notes, .down), [.apply(save, basedOn: .text(""))], "a move saves first")
        XCTAssertEqual(notes.selected, 0, "and waits for the answer")
        session.assessment?.whatMattersToMe = "Walks"  // as the runtime leaves it once saved
        XCTAssertEqual(notes.update(.answer(.saved(save)), session), [])
        XCTAssertEqual(notes.selected, 1)
        XCTAssertFalse(notes.hasUnsavedInput)
    }
}

extension ScreenCommandTests {
    func testTenIsTypedAsOneThenZeroInOnePlace() {
        var digits = ScoreDigits()
        XCTAssertEqual([Key.text("1"), .text("0")].map { digits.take($0) }, [1, 10])
        XCTAssertEqual([Key.text("1"), .down, .text("0")].map { digits.take($0) }, [1, nil, 0], "another key between: 0")
        XCTAssertEqual(digits.take(.text("1"), at: 3), 1)
        XCTAssertEqual(digits.take(.text("0"), at: 4), 0, "on another row: 0")
        XCTAssertNil(digits.take(.text("a")))
    }
}

extension ScreenCommandTests {
    func testUnChoosingAConcernWithNotesAsksFirst() {
        var pain = ConcernEntry(key: "pain", categoryId: "physical", label: "Pain")
        pain.note = "Worse at night"
        openAssessment(concerns: [pain])
        var checklist = ChecklistScreen(session)
        _ = send(&checklist, .text("p"), .text("a"), .text("i"), .text("n"))
        let commands = send(&checklist, .text(" "))
        guard case .ask(let q)? = commands.first, commands.count == 1 else { return XCTFail("\(commands)") }
        XCTAssertEqual(q.yes, [.apply(.removeConcern(key: "pain"), saying: Said("Removed, with its notes and actions", .success))])
        XCTAssertEqual(q.no, Said("Kept"))
        XCTAssertEqual(q.hints.map(\.keys), ["y", "any other key"])
    }
}

/// One confirmation for every question: a screen returns `.ask`, the program asks before leaving what is not
/// saved, and each is answered the same way (y, one of its other keys, or any other key for no).
extension ScreenCommandTests {
    func recordWith(_ status: AssessmentStatus) -> RecordScreen {
        session.patient = summary(4, "Siân").patient
        var record = RecordScreen(session)
        let a = AssessmentSummary(id: 3, date: session.today, pathwayPoint: PathwayPoint.allCases[0], status: status, version: 1, concernCount: 2, distressScore: nil)
        _ = record.update(.answer(.timeline([.assessment(a)], due: nil)), session)
        return record
    }

    func testTheRecordAsksBeforeDiscardingWithAReadingTime() {
        var record = recordWith(.inProgress)
        let commands = send(&record, .text("d"))
        guard case .ask(let q)? = commands.first, commands.count == 1 else { return XCTFail("\(commands)") }
        XCTAssertTrue(q.text.hasPrefix("Discard the assessment of 23 Nov 2026 (2 concerns)?"), q.text)
        XCTAssertEqual(q.yes, [.discardAssessment(3)])
        XCTAssertEqual(q.no, Said("Kept: nothing discarded"))
        XCTAssertEqual(q.readingTime, RecordScreen.readingTime, "d and y typed as one word do not discard")
        XCTAssertEqual(q.hints.map(\.action), ["discard", "keep"])
        XCTAssertNil(session.message, "the program says the question, as it says every other")
    }

    func testNewOnARecordWithOneInProgressAsksWithEnterToOpenIt() {
        var record = recordWith(.inProgress)
        let commands = send(&record, .text("n"))
        guard case .ask(let q)? = commands.first, commands.count == 1 else { return XCTFail("\(commands)") }
        XCTAssertEqual(q.yes, [.exit("new")])
        XCTAssertEqual(q.others, [Question.Choice(.enter, "Enter", "open it", [.openAssessment(3), .exit("continue")])])
        XCTAssertEqual(q.hints.map(\.keys), ["y", "Enter", "any other key"])
        XCTAssertEqual(q.readingTime, RecordScreen.readingTime)
        // Without one in progress, N just starts one.
        var agreed = recordWith(.agreed)
        XCTAssertEqual(send(&agreed, .text("n")), [.exit("new")])
    }

    func testAKeyTooSoonAfterTheRecordsQuestionMakesTheNextLettersTyping() {
        var record = recordWith(.inProgress)
        XCTAssertEqual(record.update(.answeredTooSoon, session), [])
        XCTAssertEqual(send(&record, .text("e")), [], "a command letter straight after is more typing")
        session.now += StrayTyping.gap
        XCTAssertEqual(send(&record, .text("e")), [.exit("edit")])
    }

    func testAgreeingWithADiscussedConcernWithoutActionAsksAndYesOpensTheForm() {
        var pain = ConcernEntry(key: "pain", categoryId: "physical", label: "Pain")
        pain.score = 8
        pain.discuss = true
        openAssessment(concerns: [pain])
        var review = ReviewScreen(session)
        let commands = send(&review, .text("a"))
        guard case .ask(let q)? = commands.first, commands.count == 1 else { return XCTFail("\(commands)") }
        XCTAssertEqual(q.text, "Agree with no action for “Pain”? y = yes, any other key = no")
        XCTAssertEqual(q.yes, [.proceed(ReviewScreen.agree)])
        XCTAssertEqual(q.no, Said("Not agreed: add actions on step 4 (Ctrl-P), or agree again"))
        XCTAssertNil(review.agreeing, "nothing opens before the answer")
        XCTAssertEqual(review.update(.proceed(ReviewScreen.agree), session), [])
        XCTAssertNotNil(review.agreeing, "yes opens the agree form")
        XCTAssertTrue(review.inSubForm)
    }
}

extension ScreenCommandTests {
    /// A person field offers the staff (asked for as the form opens, by the query any clinician may make) and
    /// keeps a name typed for someone who is not one of them.
    func testAPersonIsOneOfTheStaffByTheirUserNameOrANameAsTyped() throws {
        session.document = Document(id: 7, patientId: 1, templateId: "eots", templateVersion: "1", title: "End of Treatment Summary",
                                    date: LocalDate(year: 2026, month: 11, day: 23)!, createdAt: Harness.start, updatedAt: Harness.start)
        var form = DocumentFormScreen(session)
        XCTAssertEqual(form.update(.opened, session), [.query(.staffNames)])
        XCTAssertEqual(form.update(.answer(.staffNames([StaffName(userName: "nurse", fullName: "Nia Nurse", roleName: "Nurse"),
                                                        StaffName(userName: "cns", fullName: "Cara Specialist", roleName: "Clinical nurse specialist")])),
                                   session), [])
        form.page = 9                                             // Completed by: its first field
        type(&form, "nia")
        XCTAssertEqual(form.options(try XCTUnwrap(form.focusedField(session)), session, filter: "nia").map(\.label),
                       ["Nia Nurse, Nurse", "“nia”, as typed (not one of the staff)"])
        XCTAssertEqual(send(&form, .enter), [.applyDocument(.setField("completed-by", .person(name: "Nia Nurse", staffId: "nurse")))])
        type(&form, "Dr Adams")
        XCTAssertEqual(send(&form, .enter), [.applyDocument(.setField("completed-by", .person(name: "Dr Adams", staffId: nil)))],
                       "no one of the staff matches: the name as typed")
    }
}
