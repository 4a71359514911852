import Foundation
import XCTest

/// Issue 9 on the real binary in tmux: a word typed on the record after one Esc too many (17), keys typed on
/// the "window too small" screen (4).
final class SlipEndToEndTests: EndToEndCase {
    func testWordsTypedOnTheRecordAreNotCommandsAndAMistakenAssessmentIsDiscarded() throws {
        let t = tmux!
        try launch()
        try addPatient(nhs: FictionalNHS.spaced(21), family: "Esterházy", given: "Siân")
        try startAssessment()
        try t.type("pain")
        try t.waitFor("Filter: pain")
        try rate("Pain", 6)
        try t.keys("Escape")
        try t.waitFor(" Type to filter")
        try t.keys("Escape")
        try t.waitFor(" careplan · Patient record")
        // The nurse thinks she is still filtering the checklist.
        try t.type("breath")
        try t.type("money")
        try t.waitFor("Typing is not used on Siân Esterházy's record")
        usleep(300_000)
        let screen = try t.screen()
        XCTAssertTrue(screen.contains(" careplan · Patient record"), screen)
        XCTAssertEqual(try sql("SELECT count(*) AS n FROM assessment"), [["n": "1"]], "no new assessment from “money”")
        XCTAssertEqual(try sql("SELECT family_name FROM patient"), [["family_name": "Esterházy"]], "no edit from “breath”")

        // N on its own, a moment later, asks: one is in progress.
        usleep(1_200_000)
        try t.type("n")
        try t.waitFor("is still in progress. Start another as well?")
        usleep(600_000)                                 // an answer comes after the question is read
        try t.type("y")
        try t.waitFor(" careplan · New assessment")
        try t.keys("Enter")
        try t.waitFor(" Assessment started")
        try t.keys("Escape")
        try t.waitFor(" careplan · Patient record")
        // It was a mistake: discard it (the newest, selected). Kept, marked, audited.
        usleep(1_200_000)
        try t.type("d")
        try t.waitFor("(0 concerns)? It stays on the record")
        usleep(600_000)
        try t.type("y")
        try t.waitFor(" Discarded: it stays on the record")
        try t.waitFor("Discarded ")
        let rows = try sql("SELECT status, discarded_by FROM assessment ORDER BY id")
        XCTAssertEqual(rows, [["status": "in-progress", "discarded_by": ""], ["status": "discarded", "discarded_by": Self.account]])
        XCTAssertEqual(try sql("SELECT count(*) AS n FROM audit_log WHERE action = 'discarded assessment' AND user = '\(Self.account)'"), [["n": "1"]])
    }

    func testKeysTypedOnTheTooSmallScreenAreNotApplied() throws {
        let t = tmux!
        try launch()
        try addPatient(nhs: FictionalNHS.spaced(22), family: "Small", given: "Window")
        try startAssessment()
        try t.keys("C-n")
        try t.waitFor(" careplan · Prioritise")
        try t.keys("C-n")
        try t.waitFor(" careplan · Conversation notes")
        try t.resize(width: 30, height: 8)
        try t.waitFor("Window too small")
        try t.type(" X")
        try t.keys("Enter", "C-n")
        try t.waitFor("used: 4.")
        try t.waitFor("but Ctrl-Q")
        try t.resize(width: 80, height: 24)
        try t.waitFor(" 4 keys typed while the window was too small were not used")
        let screen = try t.screen()
        XCTAssertTrue(screen.contains(" careplan · Conversation notes"), "Ctrl-N was not applied:\n\(screen)")
        usleep(1_500_000)  // longer than a note waits before it is saved
        XCTAssertEqual(try sql("SELECT what_matters FROM assessment"), [["what_matters": ""]])
    }
}

extension KioskTests {
    /// Item 21: on a terminal without an alternate screen (the Linux console) the previous patient must not be
    /// left in the scrollback when the kiosk clears itself.
    func testIdleKioskOnALinuxConsoleLeavesNoPatientInTheScrollback() throws {
        let t = tmux!
        try setPIN()
        try launch("nurse")
        try addPatient(nhs: FictionalNHS.spaced(23), family: "Scrollwood", given: "Siân", in: "nurse")
        let code = try issueCode()
        try t.start("k", command: kioskCommand(idleSeconds: 6).replacingOccurrences(of: "TERM=xterm-256color", with: "TERM=linux"))
        try t.waitFor("Press Enter to start.", in: "k")
        try identify(code)
        try t.waitFor(" Hello Siân. Thank you for doing this.", in: "k")
        try tickAndScore(15, "Pain", 7)
        try t.waitFor(KioskTests.stillThere, in: "k", timeout: 8)
        try t.waitFor("Press Enter to start.", in: "k", timeout: 8)
        usleep(300_000)
        // The pane's whole history, as scrolling back would show it.
        let history = try t.tmux(["capture-pane", "-p", "-S", "-", "-E", "-", "-t", "k"])
        for secret in ["Siân", "Scrollwood", "Pain", "out of 10"] {
            XCTAssertFalse(history.contains(secret), "“\(secret)” is still in the scrollback:\n\(history)")
        }
    }
}
