import ReliabilityKnobs
import CareplanCore
import Foundation
import XCTest

/// The window resized at random while a note is being typed (a ward terminal's window dragged about, a tmux
/// pane split and unsplit; from 40x12 up while typing, as keys typed on the "too small" screen are not used,
/// then from 1x1 to 300x100): careplan must not crash, must keep every character typed, and must draw the
/// same screen at 80x24 afterwards as before.
///
/// Seeded: `CAREPLAN_RELIABILITY_SEED=<seed>` repeats the sizes and the text; `CAREPLAN_RELIABILITY_SCALE`
/// multiplies the number of resizes (120 while typing, 60 without, at scale 1).
final class ResizeStormTests: EndToEndCase {
    static let words = ["Zoë", "wants", "to", "walk", "the", "dog", "in", "Łódź", "park", "日本語", "before", "(breakfast)", "tired", "after",
                        "chemo", "العربية", "but", "hopeful,", "🐕", "sleeps", "badly", "on", "Tuesdays.", "Café", "visits", "help."]
    // No word ends in ";": tmux takes an argument ending in ";" as a command separator and drops the ";".

    func testResizeStormWhileTypingANote() throws {
        let seed = Reliability.seed()
        var r = SeededRandom(seed: seed)
        let typingResizes = Reliability.scaled(120), quietResizes = Reliability.scaled(60)
        print("resize storm: seed \(seed), \(typingResizes) resizes while typing, \(quietResizes) after (CAREPLAN_RELIABILITY_SEED=\(seed) repeats it)")
        let t = tmux!
        let (_, _) = try Reliability.storeWithAssessment(at: store, family: "Storm")
        try t.start(remainOnExit: true, command: careplanCommand())
        try toPatients()
        let pid = try t.pid()
        try t.keys("Enter")
        try t.waitFor(" careplan · Patient record")
        try t.keys("Enter")
        try t.waitFor(" careplan · Concerns checklist")
        try t.keys("C-n")
        try t.waitFor(" careplan · Prioritise")
        try t.keys("C-n")
        try t.waitFor("│What matters to me · saved")

        // Typing in small bursts, a resize between most of them; the text only grows at the end (no
        // Backspace), so what the store must hold is exactly what was sent.
        let started = Date()
        var typed = ""
        for i in 0..<typingResizes {
            if r.chance(0.8) {
                // Never below the smallest screen while typing: keys typed there are not used (issue 9, item 4).
                let w = Int.random(in: 40...300, using: &r), h = Int.random(in: 12...100, using: &r)
                try t.resize(width: w, height: h)
            }
            let chunk = (typed.isEmpty ? "" : " ") + r.pick(ResizeStormTests.words)
            if typed.count + chunk.count > 600 { continue }  // what an 80x24 note box shows whole
            try t.type(chunk)
            typed += chunk
            if i % 20 == 19 { usleep(UInt32(Int.random(in: 0...50_000, using: &r))) }  // now and then, let it catch up
        }
        let stormSeconds = Date().timeIntervalSince(started)
        try t.resize(width: 80, height: 24)
        XCTAssertEqual(try t.display("#{pane_dead}"), "0", "careplan died in the storm (seed \(seed))")
        XCTAssertFalse(Shell.isGone(pid), "careplan (pid \(pid)) is gone after the storm (seed \(seed))")
        var screen = try t.waitFor("│What matters to me · saved", timeout: 5)

        // Every character typed is in the store, and nothing else.
        XCTAssertEqual(try sql("SELECT what_matters FROM assessment"), [["what_matters": typed]], "seed \(seed)")
        // And on screen, in the note's box: every word typed, in order.
        let boxText = screen.components(separatedBy: "\n").compactMap { line -> String? in
            guard let open = line.firstIndex(of: "│") else { return nil }
            return String(line[line.index(after: open)...]).replacingOccurrences(of: "│", with: "").trimmingCharacters(in: .whitespaces)
        }.joined(separator: " ")
        let wordsOnScreen = boxText.split(separator: " ").map(String.init)
        let wordsTyped = typed.split(separator: " ").map(String.init)
        XCTAssertTrue(wordsOnScreen.contains(wordsTyped.first!) && wordsOnScreen.contains(wordsTyped.last!),
                      "the note's first and last words are not on the 80x24 screen after the storm (seed \(seed)):\n\(screen)")

        // Then a storm with nothing typed: back at 80x24, exactly the screen from before it.
        let before = screen
        for _ in 0..<quietResizes {
            try t.resize(width: Int.random(in: 1...300, using: &r), height: Int.random(in: 1...100, using: &r))
        }
        try t.resize(width: 80, height: 24)
        screen = try t.waitUntil("the same 80x24 screen as before the second storm (seed \(seed))", timeout: 5) { $0 == before }
        XCTAssertEqual(try t.display("#{pane_dead}"), "0", "careplan died in the second storm (seed \(seed))")
        XCTAssertEqual(try sql("SELECT what_matters FROM assessment"), [["what_matters": typed]], "seed \(seed)")
        print("resize storm: \(typed.count) characters typed across \(typingResizes) resizes in \(String(format: "%.1f", stormSeconds)) s")
    }
}
