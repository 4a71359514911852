import CareplanCore
@testable import CareplanRuntime
import CareplanScreens
import TermUI
import XCTest

/// What must never be cut off: the outcome of an export, a note's saved state, a question's answer keys.
final class StatusLineTests: XCTestCase {
    /// A long text loses only the part that may give way: a folder in its middle, a label at its end.
    func testFitShortensOnlyThePartGiven() {
        let folder = "/home/nurse/a/very/deep/folder/of/plans/for/the/ward/team"
        let text = "Saved PDF, DRAFT v1: care-plan-Singh-9990000166-plan5-v1-DRAFT-2026-11-28-2.pdf in \(folder + folder)"
        let rows = TextWrap.fit(text, width: 79, lines: 2, shortening: folder + folder, at: .middle)
        XCTAssertEqual(rows.count, 2, "\(rows)")
        XCTAssertEqual(rows[0], "Saved PDF, DRAFT v1: care-plan-Singh-9990000166-plan5-v1-DRAFT-2026-11-28-2.pdf")
        XCTAssertTrue(rows[1].hasPrefix("in /home/nurse/a/very/deep"), rows[1])
        XCTAssertTrue(rows[1].hasSuffix("ward/team") && rows[1].contains("…"), rows[1])
        XCTAssertTrue(rows.allSatisfy { DisplayWidth.of($0) <= 79 }, "\(rows)")
        XCTAssertEqual(TextWrap.fit("Short · saved", width: 20, shortening: "Short"), ["Short · saved"])
        XCTAssertEqual(TextWrap.fit("Not being at peace with the past · saving…", width: 30, shortening: "Not being at peace with the past"),
                       ["Not being at peace… · saving…"])
        XCTAssertEqual(DisplayWidth.shorten("/tmp/abcdefghij/team", to: 11, at: .middle), "/tmp/…/team")
    }

    /// Issue 9 (screens): the review's P at 80x24 from a deep folder: what was saved first, then the file's
    /// name whole (its -2 tells one press from the next), then the folder shortened in its middle.
    func testReviewSaysWhatWasSavedWithTheWholeFileName() throws {
        let h = Harness()
        h.startRating("pain", 8)
        h.press(.ctrl("n"), .ctrl("n"), .ctrl("n"), .ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .planReview)
        let folder = "/home/nurse/Documents/clinic/Tuesday/oncology/plans-to-send/for/the/GP/surgery"
        h.program.session.sayWritten("PDF", of: try XCTUnwrap(h.assessment), to: folder + "/care-plan-Wisniewski-9434765919-plan1-v1-DRAFT-2026-11-23-2.pdf")
        h.assertGolden("review-saved-deep-folder")
        XCTAssertTrue(h.lines[21].hasPrefix(" Saved PDF, DRAFT v1, not yet agreed:"), h.screen)
        XCTAssertTrue(h.lines[22].hasPrefix(" care-plan-Wisniewski-9434765919-plan1-v1-DRAFT-2026-11-23-2.pdf in /home/"), h.screen)
        XCTAssertTrue(h.lines[22].hasSuffix("…rgery"), h.screen)
        h.program.session.sayNoPrinting()
        XCTAssertTrue(h.lines[21].hasPrefix(" Not printed: no printer on this computer"), h.screen)
    }

    /// Issue 9 (screens): a long concern label gives way to "· saving…" / "· saved" in the notes header.
    func testNotesHeaderKeepsTheSavedStateForALongLabel() throws {
        let h = Harness()
        h.startRating("peace", 5)
        h.press(.ctrl("n"), .text(" "), .ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .conversationNotes)
        h.press(.tab, .down, .enter)
        h.type("Regrets leaving work")
        XCTAssertTrue(h.lines[3].hasSuffix("(scored 5) · saving…"), h.screen)
        XCTAssertTrue(h.lines[3].contains("Not being at peace with or"), h.screen)
        h.wait(1.1)
        XCTAssertTrue(h.lines[3].hasSuffix("(scored 5) · saved"), h.screen)
        h.assertGolden("notes-long-label-saved")
    }

    /// Issue 9 (screens): a y/n question shortens what it quotes, never its answer keys, and the key line
    /// says them too (at 40 columns the question itself cannot say everything).
    func testQuestionsKeepTheirAnswerKeys() throws {
        let h = Harness()
        h.startRating("pain", 8)
        h.press(.ctrl("n"), .text(" "), .ctrl("n"), .ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .agreedActions)
        h.press(.text("a"))
        let long = "Refer to local befriending group weekly, and ask the befriending coordinator to call on Tuesdays "
            + "after the clinic, when her daughter can be there too, to agree a time that suits them both"
        h.type(long)
        h.press(.tab, .tab, .tab)
        h.type("28/11/2026")
        h.press(.ctrl("s"))
        XCTAssertEqual(h.assessment?.actions.first?.what, long)
        h.press(.delete)
        XCTAssertTrue(h.lines[21].hasPrefix(" Remove the action “Refer to local befriending group weekly"), h.screen)
        XCTAssertTrue(h.lines[22].hasSuffix("…”? y = remove, any other key = keep"), h.screen)
        XCTAssertTrue(h.lines[23].hasPrefix(" y remove  any other key keep"), h.screen)
        h.assertGolden("actions-remove-question")
        h.press(.text("n"))
        XCTAssertEqual(h.assessment?.actions.count, 1)
        h.resize(40, 12)
        h.press(.delete)
        XCTAssertTrue(h.lines[10].hasSuffix("y = remove, any other key = keep"), h.screen)
        XCTAssertTrue(h.lines[11].hasPrefix(" y remove "), h.screen)
        h.press(.text("y"))
        XCTAssertEqual(h.assessment?.actions.count, 0)
    }

    /// Issue 10: every question is answered the same way: y, or any other key for no, step and help keys
    /// too (they once left the screen under a question that said "any other key = keep"). The program's own
    /// question before leaving is one of them, and its y leaves without asking again.
    func testEveryKeyAnswersAQuestion() throws {
        let h = Harness()
        h.startRating("pain", 8)
        h.press(.ctrl("n"), .text(" "), .ctrl("n"), .ctrl("n"))
        h.press(.text("a"))
        h.type("Refer to befriending")
        h.press(.tab, .tab, .tab)
        h.type("28/11/2026")
        h.press(.ctrl("s"))
        for key: Key in [.ctrl("n"), .ctrl("p"), .function(1), .ctrl("q")] {
            h.press(.delete)
            XCTAssertEqual(h.program.question?.yes, [.apply(.deleteAction(id: try XCTUnwrap(h.assessment?.actions.first?.id)),
                                                             saying: Said("Action removed", .success))], "\(key)")
            XCTAssertFalse(h.lines[23].contains("^N next"), "the step keys are no answer: \(h.lines[23])")
            h.press(key)
            XCTAssertEqual(h.program.currentKind, .agreedActions, "\(key) answered no")
            XCTAssertNil(h.program.question)
            XCTAssertEqual(h.program.helpScroll, nil, "\(key)")
            XCTAssertTrue(h.screen.contains(" Kept"), "\(key): " + h.screen)
            XCTAssertEqual(h.assessment?.actions.count, 1)
        }
        h.press(.text("a"))
        h.type("half typed")
        h.press(.ctrl("q"))
        let leave = try XCTUnwrap(h.program.question)
        XCTAssertEqual(leave.yes, [.go(.quit)])
        XCTAssertTrue(leave.confirmsLeaving)
        XCTAssertTrue(h.lines[23].hasPrefix(" y quit  any other key stay"), h.lines[23])
        h.press(.text("y"))
        XCTAssertEqual(h.effects, [.quit], "y leaves without asking again")
    }

    /// Issue 9 (screens): quitting with unsaved text asks, and its keys show on the key line.
    func testLeavingQuestionShowsItsKeys() throws {
        let h = Harness(size: Size(width: 40, height: 12))
        h.addPatient()
        h.press(.text("e"))
        XCTAssertEqual(h.program.currentKind, .patientForm)
        h.press(.tab); h.type("x")
        h.press(.ctrl("q"))
        XCTAssertTrue(h.lines[10].hasSuffix("any other key = stay"), h.screen)
        XCTAssertTrue(h.lines[11].hasPrefix(" y quit "), h.screen)
    }

    /// Issue 9 (screens): the new assessment form's key line says "Enter start": Enter starts it from the first
    /// field too, and a wrong date is said next to it.
    func testEnterStartsTheAssessmentFromAnyField() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("n"))
        XCTAssertEqual(h.program.currentKind, .assessmentStart)
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .concernChecklist, h.screen)
        XCTAssertNotNil(h.assessment)

        let g = Harness()
        g.addPatient()
        g.press(.text("n"), .down, .down, .ctrl("u"))
        g.type("31/02/2026")
        g.press(.up, .up, .enter)
        XCTAssertEqual(g.program.currentKind, .assessmentStart)
        XCTAssertTrue(g.screen.contains("Not started: correct the date"), g.screen)
        XCTAssertTrue(g.screen.contains("! "), g.screen)
    }
}
