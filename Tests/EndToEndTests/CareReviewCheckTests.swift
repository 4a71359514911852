import Foundation
import XCTest

/// `careplan check` reads the QOF rules and the information library: it names the shipped library as an
/// example, and refuses a broken file of either with file, line and fix.
final class CareReviewCheckTests: XCTestCase {
    func testCheckNamesTheExampleLibraryAndRefusesBrokenRulesAndLibrary() throws {
        let dir = try Paths.copyOfScreensAndResources()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["CAREPLAN_HOME": dir.path, "LANG": "C.UTF-8"]
        let ok = try Shell.run(Paths.careplan, ["check"], env: env)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("OK: QOF rules (1 edition(s): from 2021-04-01); information library of "), ok.stdout)
        XCTAssertTrue(ok.stdout.contains("(the shipped example: replace it with your own)"), ok.stdout)

        func edit(_ path: String, _ from: String, _ to: String) throws {
            let url = dir.appendingPathComponent(path)
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertTrue(text.contains(from), from)
            try text.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
        }
        try edit("Resources/qof.yaml", "done-within: 12 months", "done-within: a year")
        try edit("Resources/information/library.yaml", "topics: [sleep]\n", "topics: [slep]\n")
        try edit("Resources/information/library.yaml", "example: yes", "example: no")
        let r = try Shell.run(Paths.careplan, ["check"], env: env)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("Resources/qof.yaml:37:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("`done-within` in an indicator should be a number of days or months. Fix: e.g. `done-within: 93 days`"), r.stderr)
        XCTAssertTrue(r.stderr.contains("Resources/information/library.yaml:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("topic `slep` of item `sleep-well` is not listed under `topics`. Fix: did you mean `sleep`?"), r.stderr)
    }
}

extension Paths {
    /// A new folder holding a copy of the shipped Screens/ and Resources/, to break a file in (remove it after).
    static func copyOfScreensAndResources() throws -> URL {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        for folder in ["Screens", "Resources"] {
            try fm.copyItem(at: Paths.packageRoot.appendingPathComponent(folder), to: dir.appendingPathComponent(folder))
        }
        return dir
    }
}
