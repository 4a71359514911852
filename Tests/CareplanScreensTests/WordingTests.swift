import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import TermUI
import XCTest

/// The screens take their words from Resources/: a test copy with changed words shows them. (The golden
/// screens, unchanged since the words moved to Resources/, show the move kept every sentence.)
final class WordingTests: XCTestCase {
    /// The shipped Screens/ and Resources/, copied, with each (file, old, new) replacement made.
    static func changedCopy(_ changes: [(String, String, String)]) throws -> Configuration {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("words-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        for folder in ["Screens", "Resources"] {
            try fm.copyItem(at: Harness.root.appendingPathComponent(folder), to: dir.appendingPathComponent(folder))
        }
        for (file, old, new) in changes {
            let url = dir.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertTrue(text.contains(old), "\(file) has no “\(old)”")
            try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        }
        return try Configuration.load(root: dir).get()
    }

    func testChangedWordsShowOnTheKiosk() throws {
        let config = try Self.changedCopy([
            ("Resources/wording.yaml", "greeting: Welcome.", "greeting: Croeso."),
            ("Resources/wording.yaml", "Hello {name}.", "Shwmae {name}."),
            ("Resources/wording.yaml", "scale-high: 10 = very much", "scale-high: 10 = llawer iawn"),
        ])
        let (h, code) = try Harness.kioskWithCode(configuration: config)
        XCTAssertTrue(h.screen.contains("Croeso."), h.screen)
        XCTAssertFalse(h.screen.contains("Welcome."), h.screen)
        h.identify(code)
        XCTAssertTrue(h.screen.contains("Shwmae Siân."), h.screen)
        h.press(.text(" "))
        XCTAssertTrue(h.screen.contains("10 = llawer iawn"), h.screen)
    }

    func testChangedLabelsAndThresholdShowOnTheClinicianScreens() throws {
        let config = try Self.changedCopy([
            ("Resources/codelists.yaml", "label: Initial diagnosis", "label: Newly diagnosed"),
            ("Resources/wording.yaml", "  point: Point of pathway", "  point: Pathway point"),
            ("Resources/policy.yaml", "distress-threshold: 4", "distress-threshold: 7"),
        ])
        let h = Harness(configuration: config)
        h.addPatient()
        h.press(.text("n"))
        XCTAssertTrue(h.screen.contains("Pathway point"), h.screen)
        XCTAssertTrue(h.screen.contains("Newly diagnosed"), h.screen)
        XCTAssertFalse(h.screen.contains("Initial diagnosis"), h.screen)
        h.press(.ctrl("s"))
        h.press(.end)  // the checklist's last row: overall distress
        h.type("6")
        XCTAssertEqual(h.program.session.assessment?.distressScore, 6)
        XCTAssertEqual(h.program.session.message?.text, "Overall distress 6", "below the changed threshold")
        h.type("7")
        XCTAssertEqual(h.program.session.message?.text, "Overall distress 7: significant (7 or more)")
    }
}
