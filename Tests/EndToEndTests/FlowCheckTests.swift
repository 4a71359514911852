import Foundation
import XCTest

/// `careplan check` and start-up on a flow whose exits are wrong: refused, with file, line and fix.
final class FlowCheckTests: XCTestCase {
    func testABadExitIsReportedAndRefused() throws {
        let dir = try Paths.copyOfScreensAndResources()
        defer { try? FileManager.default.removeItem(at: dir) }
        let flow = dir.appendingPathComponent("Screens/clinician.yaml")
        let text = try String(contentsOf: flow, encoding: .utf8)
        try text.replacingOccurrences(of: "exits: {open: record,", with: "exits: {opne: record,").write(to: flow, atomically: true, encoding: .utf8)
        let r = try Shell.run(Paths.careplan, ["check"], env: ["CAREPLAN_HOME": dir.path, "LANG": "C.UTF-8"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("Screens/clinician.yaml:77:19: a `patient-register` screen has no exit `opne`. Fix: did you mean `open`?"), r.stderr)
        XCTAssertTrue(r.stderr.contains("screen `register` has no exit `open` (Enter on a patient)"), r.stderr)
    }
}
