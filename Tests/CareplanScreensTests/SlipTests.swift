import CareplanCore
import CareplanRuntime
import CareplanScreens
import TermUI
import XCTest

/// Slips a nurse makes (a typo in a filter, one Esc too many, a window made small, a line deleted by mistake)
/// that must never cost an answer or do something unasked (issue 9).
final class SlipTests: XCTestCase {
    /// Item 2: a filter that matched nothing, cleared, then a real one: the digit rates the first match.
    func testARatingAfterAFilterThatMatchedNothingRatesTheFirstMatch() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.type("zzz")
        h.press(.text("7"))
        XCTAssertTrue(h.screen.contains("Not rated: no concern matches “zzz”. Esc clears the filter"), h.screen)
        XCTAssertTrue(h.assessment?.concerns.isEmpty ?? false)
        h.press(.escape)
        h.type("nausea")
        h.press(.text("7"))
        XCTAssertEqual(h.assessment?.concern("nausea")?.score, 7)
        XCTAssertEqual(try h.store.assessment(id: h.assessment!.id)?.concern("nausea")?.score, 7)
        h.assertGolden("checklist-filter-after-no-match")
        // Moving off the first match and narrowing the filter goes back to the first match.
        h.press(.escape)
        h.type("pai")
        h.press(.down, .down)
        h.type("n")
        h.press(.text("5"))
        XCTAssertEqual(h.assessment?.concern("pain")?.score, 5)
    }

    /// Item 2: "Something else" added under a filter shows the new concern (the filter cleared) and the next digit rates it.
    func testSomethingElseAddedUnderAFilterIsShownAndRatedByTheNextDigit() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.type("dog")
        XCTAssertTrue(h.screen.contains("Filter: dog"), h.screen)
        h.press(.enter)                                 // nothing matches: the highlight is on "Something else"
        h.type("Worried about the cat")
        h.press(.enter)
        h.press(.text("6"))
        XCTAssertEqual(h.assessment?.concern("other-1")?.label, "Worried about the cat")
        XCTAssertEqual(h.assessment?.concern("other-1")?.score, 6)
        XCTAssertFalse(h.screen.contains("Filter:"), h.screen)
        XCTAssertTrue(h.screen.contains("[x] Worried about the cat"), h.screen)
        h.press(.down, .text("3"))                      // on "Something else": a digit says why it rates nothing
        XCTAssertTrue(h.screen.contains("Not rated: no concern here. ↑↓ to one, or Enter to add one in their words"), h.screen)
        XCTAssertEqual(h.assessment?.concern("other-1")?.score, 6)
    }

    /// Item 4: keys typed on the "window too small" screen are not applied; the screen says so, and so
    /// does the message when the window is big again.
    func testKeysOnTheTooSmallScreenAreNotApplied() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.ctrl("n"), .ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .conversationNotes)
        h.resize(30, 8)
        h.type(" X")
        h.press(.enter, .text("7"), .ctrl("n"), .escape)
        h.wait(2)
        h.assertGolden("too-small-keys-not-used")
        XCTAssertEqual(try h.store.assessment(id: h.assessment!.id)?.whatMattersToMe, "", "nothing typed blind was saved")
        XCTAssertEqual(h.program.currentKind, .conversationNotes, "Ctrl-N and Esc were not applied either")
        h.resize(80, 24)
        XCTAssertTrue(h.screen.contains("6 keys typed while the window was too small were not used"), h.screen)
        // Quit still works, and its question can be answered while small.
        h.resize(30, 8)
        h.press(.ctrl("q"))
        XCTAssertEqual(h.effects, [.quit])
    }

    /// Item 17: the record screen after one Esc too many: typed words are not commands; N asks when an
    /// assessment is in progress; a mistaken one is discarded, kept on the record and in the audit trail.
    /// Leaving an assessment puts the highlight back on it, not on the newest: the next D or Enter is about
    /// the assessment the nurse was in.
    func testTheRecordHighlightsTheAssessmentJustLeft() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        let older = try XCTUnwrap(h.assessment?.id)
        h.press(.escape)
        h.wait(2)
        h.press(.text("n")); h.wait(1); h.press(.text("y"), .ctrl("s"))
        h.press(.escape)
        h.press(.down, .enter)
        XCTAssertEqual(h.assessment?.id, older)
        h.press(.escape)
        h.wait(2)
        h.press(.text("d")); h.wait(1); h.press(.text("y"))
        XCTAssertEqual(try h.store.assessment(id: older)?.status, .discarded, "the one just left, second in the list")
    }

    func testTypingOnTheRecordIsNotTakenAsCommandsAndAMistakenAssessmentCanBeDiscarded() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        let first = try XCTUnwrap(h.assessment?.id)
        h.type("pain"); h.press(.text("4"))
        h.press(.escape, .escape)
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        h.type("breath")
        h.type("money")
        XCTAssertEqual(h.program.currentKind, .patientRecord, "neither N nor E was taken from a typed word")
        XCTAssertTrue(h.screen.contains("Typing is not used on Siân Wiśniewski's record"), h.screen)
        XCTAssertEqual(try h.store.assessments(patientId: h.program.session.patient!.id!).count, 1)
        // A deliberate N, a moment later, asks because an assessment is in progress.
        h.wait(2)
        h.press(.text("n"))
        XCTAssertTrue(h.screen.contains("is still in progress. Start another as well?"), h.screen)
        h.press(.text("x"))
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        h.wait(2)
        h.press(.text("n")); h.wait(1); h.press(.enter)  // Enter opens the one in progress
        XCTAssertEqual(h.program.currentKind, .concernChecklist)
        XCTAssertEqual(h.assessment?.id, first)
        h.press(.escape)
        h.wait(2)
        h.press(.text("n")); h.wait(1); h.press(.text("y"))
        XCTAssertEqual(h.program.currentKind, .assessmentStart)
        h.press(.ctrl("s"))
        let second = try XCTUnwrap(h.assessment?.id)
        XCTAssertNotEqual(second, first)
        // The second was a mistake: discard it (the newest is listed first and selected).
        h.press(.escape)
        h.wait(2)
        h.type("dyspnoea")                             // a word: its d asks, its y comes too soon to answer
        XCTAssertEqual(try h.store.assessment(id: second)?.status, .inProgress, "typing never discards")
        h.wait(2)
        h.press(.text("d"))
        XCTAssertTrue(h.screen.contains("Discard the assessment of 23 Nov 2026 (0 concerns)?"), h.screen)
        h.wait(1)
        h.press(.text("y"))
        let discarded = try XCTUnwrap(try h.store.assessment(id: second))
        XCTAssertEqual(discarded.status, .discarded)
        XCTAssertEqual(discarded.discardedBy, "nurse")
        XCTAssertEqual(discarded.discardedAt, h.now)
        XCTAssertEqual(try h.store.assessment(id: first)?.status, .inProgress)
        h.assertGolden("record-discarded")
        XCTAssertTrue(try h.store.auditTrail().contains { $0.action == "discarded assessment" && $0.assessmentId == second })
        // Read only from now on, and no new version of it.
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .planReview)
        XCTAssertTrue(h.screen.contains("Discarded by nurse"), h.screen)
        XCTAssertFalse(h.lines[h.lines.count - 1].contains("new version"), "a discarded assessment offers no new version")
        h.press(.text("v"))
        XCTAssertTrue(h.screen.contains("A discarded assessment cannot become a plan"), h.screen)
        XCTAssertThrowsError(try h.store.apply(.setDistress(3), to: second, basedOn: discarded))
    }

    /// Item 18: agreeing a plan with a discussed concern that has no action asks first; agreeing is refused
    /// when careplan does not know who is at the keyboard.
    func testAgreeingAsksAboutDiscussedConcernsWithoutActionAndNeedsSomeoneSignedIn() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.type("pain"); h.press(.text("8")); h.press(.escape)
        h.press(.ctrl("n"), .text(" "), .ctrl("n"), .ctrl("n"), .ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .planReview)
        h.press(.text("a"))
        XCTAssertTrue(h.screen.contains("Agree with no action for “Pain”? y = yes, any other key = no"), h.screen)
        h.press(.text("n"))
        XCTAssertTrue(h.screen.contains("Not agreed"), h.screen)
        XCTAssertFalse(h.screen.contains("Agree the plan with the patient"), h.screen)
        h.press(.text("a"), .text("y"))
        XCTAssertTrue(h.screen.contains("Agree the plan with the patient"), h.screen)

        // Nobody agrees a plan unsigned: without a sign-in the program shows only the sign-in (here, a store
        // with no administrator: only the creation of the first one).
        let p = Program(store: h.store, configuration: Harness.configuration, size: Size(width: 80, height: 24), now: h.now)
        XCTAssertEqual(p.currentKind, .firstAdministrator)
    }

    /// Item 22: Ctrl-U deleted a line and saved at once; Ctrl-Z brings it back, and that is saved too.
    func testUndoInANoteIsSavedAndTheKeysAreListed() throws {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.ctrl("n"), .ctrl("n"))
        h.type("Being at home")
        h.press(.ctrl("u"))
        h.wait(1.1)
        XCTAssertEqual(try h.store.assessment(id: h.assessment!.id)?.whatMattersToMe, "")
        h.press(.ctrl("z"))
        h.wait(1.1)
        XCTAssertEqual(try h.store.assessment(id: h.assessment!.id)?.whatMattersToMe, "Being at home")
        XCTAssertTrue(h.screen.contains("^Z/^Y undo/redo"), h.screen)
        XCTAssertTrue(h.screen.contains("^U del line"), h.screen)
        XCTAssertTrue(h.screen.contains("^N next"), h.screen)
        h.press(.ctrl("z"), .ctrl("z"), .ctrl("z"), .ctrl("z"))
        XCTAssertTrue(h.screen.contains("Nothing to undo in this note"), h.screen)
        h.press(.function(1))
        XCTAssertTrue(h.screen.contains("Ctrl-U to the start of the line"), h.screen)
        XCTAssertTrue(h.screen.contains("Ctrl-Z undoes"), h.screen)
    }
}
