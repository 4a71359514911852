import CareplanCore
import CareplanRuntime
import CareplanScreens
import TermUI
import CareplanSQLite
import XCTest

/// The clinician's screens driven by keys, with rendered screens compared to golden text.
final class ClinicianFlowTests: XCTestCase {
    func testEmptyStoreGreetsWithWhatToDoFirst() {
        let h = Harness()
        h.assertGolden("register-empty-80x24")
        h.resize(40, 12)
        h.assertGolden("register-empty-40x12")
    }

    func testPatientFormKeepsWhatWasTypedAndSaysWhatIsWrongNextToTheField() {
        let h = Harness()
        h.addPatient(nhs: "943 476 5918")
        XCTAssertEqual(h.program.currentKind, .patientForm, "an invalid NHS number is not saved")
        h.assertGolden("patient-form-invalid-nhs")
        // Correct only the last digit: everything else is still there.
        h.press(.up, .up, .up, .up, .up, .up, .end, .backspace)
        h.type("9")
        h.press(.ctrl("s"))
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        XCTAssertEqual(h.program.session.patient?.givenName, "Siân")
        XCTAssertEqual(h.program.session.patient?.diagnosisDate, LocalDate(year: 2026, month: 9, day: 1))
        h.assertGolden("patient-record-new")
    }

    func testFormRefusesFutureBirthAndDuplicateNumber() {
        let h = Harness()
        h.addPatient()
        h.press(.escape)
        h.press(.ctrl("a"))
        h.type("9434765919"); h.press(.tab)
        h.type("Other"); h.press(.tab)
        h.type("Person"); h.press(.tab)
        h.type("1/1/2030"); h.press(.tab)
        XCTAssertTrue(h.screen.contains("! A date of birth cannot be in the future"), h.screen)
        h.press(.up); h.press(.ctrl("u")); h.type("1/1/1950"); h.press(.tab)
        h.type("Lung")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! This NHS number is already registered, for WIŚNIEWSKI, Siân"), h.screen)
        XCTAssertEqual(h.program.currentKind, .patientForm)
        // Leaving with unsaved input asks first.
        h.press(.escape)
        XCTAssertTrue(h.screen.contains("Not saved yet. Leave anyway?"), h.screen)
        h.press(.text("n"))
        XCTAssertEqual(h.program.currentKind, .patientForm)
    }

    func testChecklistChoosesRatesFiltersAndSavesEachAnswer() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        XCTAssertEqual(h.program.currentKind, .concernChecklist)
        h.press(.text("7"))                        // Breathing difficulties, chosen by rating
        h.press(.down, .down, .down, .text(" "))   // Diarrhoea chosen, not rated
        h.type("pain")                             // filter across categories
        h.press(.text("1"), .text("0"))            // 1 then 0 is 10
        h.press(.escape)                           // clear the filter
        h.press(.end, .text("6"))                  // overall distress
        h.press(.up, .enter)
        h.type("Worried about my dog 🐕 日本語")
        h.press(.enter, .text("4"))
        let a = try XCTUnwrap(h.assessment)
        XCTAssertEqual(a.concern("breathing")?.score, 7)
        XCTAssertEqual(a.concern("pain")?.score, 10)
        XCTAssertNil(a.concern("diarrhoea")?.score)
        XCTAssertEqual(a.concern("other-1")?.label, "Worried about my dog 🐕 日本語")
        XCTAssertEqual(a.concern("other-1")?.score, 4)
        XCTAssertEqual(a.distressScore, 6)
        // Saved, not just on screen: a fresh read of the store has every answer.
        let stored = try XCTUnwrap(try h.store.assessment(id: a.id))
        XCTAssertEqual(stored.concerns.count, 4)
        XCTAssertEqual(stored.distressScore, 6)
        h.press(.home)
        h.assertGolden("checklist-80x24")
        h.resize(40, 12)
        h.assertGolden("checklist-40x12")
    }

    func testUnchoosingAConcernWithNotesAsksFirst() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.text("5"))
        _ = h.program.runtime.apply(.setNote(key: "breathing", text: "Breathless on stairs"))
        h.press(.text(" "))
        XCTAssertTrue(h.screen.contains("Un-choose “Breathing difficulties”?"), h.screen)
        h.press(.text("n"))
        XCTAssertEqual(h.assessment?.concern("breathing")?.note, "Breathless on stairs")
        h.press(.text(" "), .text("y"))
        XCTAssertNil(h.assessment?.concern("breathing"))
    }

    func testPrioritiseOrdersByScoreThenByHand() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.text("3"))                        // breathing 3
        h.type("pain"); h.press(.text("9")); h.press(.escape)
        h.type("worry"); h.press(.text("6")); h.press(.escape)
        h.press(.ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .prioritise)
        XCTAssertEqual(h.assessment?.prioritisedConcerns.map(\.key), ["pain", "worry", "breathing"])
        h.press(.down, .text("["))                 // worry above pain
        h.press(.text(" "), .down, .text(" "))     // discuss worry and pain
        XCTAssertEqual(h.assessment?.prioritisedConcerns.map(\.key), ["worry", "pain", "breathing"])
        XCTAssertEqual(h.assessment?.discussedConcerns.map(\.key), ["worry", "pain"])
        h.assertGolden("prioritise")
    }

    func testNotesAreSavedWithinASecondOfTypingAndOnLeaving() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.type("pain"); h.press(.text("8")); h.press(.escape)
        h.press(.ctrl("n"), .text(" "), .ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .conversationNotes)
        h.type("Being at home with Zoë; the Łódź café. العربية 日本語")
        XCTAssertEqual(try h.store.assessment(id: h.assessment!.id)?.whatMattersToMe, "", "not yet: typed a moment ago")
        h.wait(1.1)
        XCTAssertEqual(try h.store.assessment(id: h.assessment!.id)?.whatMattersToMe, "Being at home with Zoë; the Łódź café. العربية 日本語")
        h.press(.tab, .down, .enter)
        h.type("Worse at night.")
        h.press(.enter)
        h.type("Left hip.")
        h.press(.tab)                               // leaving the note saves it at once
        XCTAssertEqual(try h.store.assessment(id: h.assessment!.id)?.concern("pain")?.note, "Worse at night.\nLeft hip.")
        h.press(.up, .enter)
        h.assertGolden("notes-unicode")
    }

    /// The note starts focused, so a Tab sends the nurse to the list: what is typed there goes into the
    /// selected note instead of vanishing without a word.
    func testTypingOnTheNotesListWritesIntoTheSelectedNote() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.type("pain"); h.press(.text("8")); h.press(.escape)
        h.press(.ctrl("n"), .text(" "), .ctrl("n"))
        h.press(.tab)
        h.type("Lives alone")
        h.press(.tab)
        XCTAssertEqual(try h.store.assessment(id: h.assessment!.id)?.whatMattersToMe, "Lives alone")
    }

    func testFlushSavesANoteTypedJustNow() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.ctrl("n"), .ctrl("n"))
        h.type("typed just before the line dropped")
        h.program.flush(now: h.now)                 // what the run loop does on SIGHUP / SIGTERM / quit
        XCTAssertEqual(try h.store.assessment(id: h.assessment!.id)?.whatMattersToMe, "typed just before the line dropped")
    }

    func testAHugePasteIsCutToTheLimitAndSaysSo() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.ctrl("n"), .ctrl("n"))
        let paste = String(repeating: "abcdefghij\u{1B}[31m\u{202E}", count: 100_000)  // ~1.6 MB with escapes and bidi controls
        h.press(.text(paste))
        XCTAssertTrue(h.screen.contains("A note holds at most 20000 characters"), h.screen)
        h.press(.escape)
        let stored = try XCTUnwrap(try h.store.assessment(id: h.assessment!.id)?.whatMattersToMe)
        XCTAssertEqual(stored.count, Limits.note)
        XCTAssertFalse(stored.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
    }

    func testActionsAreValidatedAndSaved() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.type("pain"); h.press(.text("8")); h.press(.escape)
        h.press(.ctrl("n"), .text(" "), .ctrl("n"), .ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .agreedActions)
        h.press(.text("a"))
        h.press(.tab, .right, .right, .right, .right)    // Who: Other, with no name
        h.press(.tab, .tab)
        h.type("31/11/2026")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! Say what will be done"), h.screen)
        XCTAssertTrue(h.screen.contains("! Name the person (or team) who will do it"), h.screen)
        XCTAssertTrue(h.screen.contains("! There is no such date"), h.screen)
        h.assertGolden("action-form-invalid")
        h.press(.up, .up, .up)
        h.type("Review pain relief at night")
        h.press(.tab, .tab)
        h.type("Pain clinic")
        h.press(.tab, .ctrl("u"))
        h.type("28/11/2026")
        h.press(.tab, .right)                           // the first service offered for pain
        h.press(.ctrl("s"))
        let action = try XCTUnwrap(h.assessment?.actions.first)
        XCTAssertEqual(action.what, "Review pain relief at night")
        XCTAssertEqual(action.owner, .other)
        XCTAssertEqual(action.ownerName, "Pain clinic")
        XCTAssertEqual(action.due, LocalDate(year: 2026, month: 11, day: 28))
        XCTAssertNotNil(action.serviceId)
        h.assertGolden("actions-saved")
    }

    func testReviewAgreeLocksThePlanAndVNewVersionCopiesIt() throws {
        let h = Harness()
        h.reviewADraftPlan()
        XCTAssertEqual(h.program.currentKind, .planReview)
        h.assertGolden("review-draft")
        h.press(.text("a"), .text("y"))            // y: agree although Pain, discussed, has no action
        h.press(.ctrl("u")); h.type("1/1/2020")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! The review date should be after today"), h.screen)
        XCTAssertNotEqual(h.assessment?.status, .agreed)
        h.press(.ctrl("u")); h.type("23/02/2027")
        h.press(.ctrl("s"))
        XCTAssertEqual(h.assessment?.status, .agreed)
        XCTAssertEqual(h.assessment?.reviewDate, LocalDate(year: 2027, month: 2, day: 23))
        XCTAssertEqual(h.assessment?.agreedBy, "Nia Nurse")
        // Locked: the checklist refuses changes.
        h.press(.ctrl("p"), .ctrl("p"), .ctrl("p"), .ctrl("p"))
        XCTAssertEqual(h.program.currentKind, .concernChecklist)
        h.press(.text("3"))
        XCTAssertTrue(h.screen.contains("This plan is agreed and locked"), h.screen)
        h.press(.ctrl("n"), .ctrl("n"), .ctrl("n"), .ctrl("n"), .text("v"))
        XCTAssertEqual(h.assessment?.version, 2)
        XCTAssertEqual(h.assessment?.status, .inProgress)
        XCTAssertEqual(h.program.currentKind, .concernChecklist)
    }

    func testExportKeysAskTheRunLoop() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.ctrl("n"), .ctrl("n"), .ctrl("n"), .ctrl("n"), .text("p"), .text("l"))
        let id = try XCTUnwrap(h.assessment?.id)
        XCTAssertEqual(h.effects, [.export(assessmentId: id, format: "pdf"), .print(assessmentId: id)])
    }

    func testHelpTooSmallAndBack() {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.function(1))
        h.assertGolden("help-checklist")
        h.press(.escape)
        h.resize(30, 8)
        h.assertGolden("too-small-30x8")
        h.resize(1, 1)
        XCTAssertEqual(h.lines, ["W"])
        h.resize(80, 24)
        XCTAssertTrue(h.screen.contains("Concerns checklist"), h.screen)
    }

    /// Keys that arrive together are still separate presses on screens that read single keys; a long run
    /// (a paste) is refused there rather than replayed as commands.
    func testKeysArrivingTogetherEachCount() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.text("10"))
        XCTAssertEqual(h.assessment?.concern("breathing")?.score, 10)
        h.press(.down, .down, .down, .text(" 4"))
        XCTAssertEqual(h.assessment?.concern("diarrhoea")?.score, 4)
        h.press(.ctrl("n"), .text("] "))
        XCTAssertEqual(h.assessment?.prioritisedConcerns.map(\.key), ["diarrhoea", "breathing"], "] moved breathing down")
        XCTAssertEqual(h.assessment?.discussedConcerns.map(\.key), ["breathing"], "Space marked it, still selected after the move")
        h.press(.text(String(repeating: "qx", count: 500)))
        XCTAssertTrue(h.screen.contains("Pasted text can only go into a box you are typing in."), h.screen)
        XCTAssertEqual(h.program.currentKind, .prioritise)
    }

    func testQuitAsksNothingWhenEverythingIsSaved() {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.text("4"), .ctrl("q"))
        XCTAssertEqual(h.effects, [.quit])
    }

    func testASecondTerminalIsToldAndNothingIsOverwritten() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("two-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sqlite").path
        let first = Harness(store: try CareStore(path: path))
        first.addPatient()
        first.startAssessment()
        let second = Harness(store: try CareStore(path: path))
        second.press(.enter, .enter)                // open the patient, then the assessment in progress
        XCTAssertEqual(second.program.currentKind, .concernChecklist)
        first.press(.text("7"))                     // breathing 7, saved by the first terminal
        second.press(.text("2"))                    // the second still has the old revision
        XCTAssertTrue(second.screen.contains("Your 2 was not saved: another terminal changed “Breathing difficulties” to 7"), second.screen)
        XCTAssertEqual(try first.store.assessment(id: first.assessment!.id)?.concern("breathing")?.score, 7, "not overwritten")
        XCTAssertEqual(second.assessment?.concern("breathing")?.score, 7, "the second terminal now shows what is stored")
        second.press(.text("2"))                    // a deliberate second try is applied
        XCTAssertEqual(try first.store.assessment(id: first.assessment!.id)?.concern("breathing")?.score, 2)
    }
}
