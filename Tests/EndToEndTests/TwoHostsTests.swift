import CareplanCore
import CareplanSQLite
import Foundation
import ReliabilityKnobs
import RepositoryTestSupport
import XCTest

/// Two careplan processes on one PostgreSQL schema, standing in for two hosts: they share nothing but the
/// server (each its own home, log folder and copy of the audit key, as an administrator sets hosts up).
/// Ratings of different concerns given at once are both kept; the same concern rated at once on both is a
/// conflict one of them is told about, naming the value not saved and the one kept, and nothing else is lost.
final class TwoHostsTests: ServerEndToEndCase {
    /// careplan as host `name` runs it: its own HOME and data folder, the shared audit key copied in (0600).
    func hostCommand(_ name: String) throws -> String {
        let home = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let key = home.appendingPathComponent("audit.key").path
        if !FileManager.default.fileExists(atPath: key) {
            try FileManager.default.copyItem(atPath: AuditKeeper.defaultKeyPath(), toPath: key)
            chmod(key, 0o600)
        }
        let pgpass = ProcessInfo.processInfo.environment["PGPASSFILE"].map { "PGPASSFILE=\(Self.quote($0)) " } ?? ""
        return careplanCommand(environment: "HOME=\(Self.quote(home.path)) XDG_DATA_HOME=\(Self.quote(home.path)) "
                               + "CAREPLAN_AUDIT_KEY=\(Self.quote(key)) \(pgpass)")
    }

    /// One patient with an assessment, open on the checklist on hosts "a" and "b"; the store, through a
    /// connection of the test's own, and the assessment's id.
    func twoHostsOnTheChecklist() throws -> (CareStore, Int64) {
        let (_, id) = try Reliability.storeWithAssessment(at: store, family: "Shared")
        for host in ["a", "b"] {
            try tmux.start(host, remainOnExit: true, command: try hostCommand(host))
            try toPatients(host)
            try openChecklist(of: "Shared", in: host)
        }
        return (try openStore(), id)
    }

    func scores(_ s: CareStore, _ id: Int64) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for c in try XCTUnwrap(try s.assessment(id: id)).concerns { if let score = c.score { out[c.label] = score } }
        return out
    }

    /// One chain for both hosts: no fork, no gap.
    func assertTrailIntact(_ s: CareStore, file: StaticString = #filePath, line: UInt = #line) {
        guard case .intact = try? s.verifyAuditTrail() else {
            return XCTFail("the audit trail: \(String(describing: try? s.verifyAuditTrail()))", file: file, line: line)
        }
    }

    func testTwoHostsRatingDifferentConcernsAtOnceKeepBoth() throws {
        let t = tmux!
        let (s, id) = try twoHostsOnTheChecklist()
        try t.keys("Down", to: "b")
        try t.type("7", to: "a")
        try t.type("4", to: "b")
        try t.waitFor("“Breathing difficulties” rated 7", in: "a")
        try t.waitFor("“Passing urine” rated 4", in: "b")
        XCTAssertEqual(try scores(s, id), ["Breathing difficulties": 7, "Passing urine": 4])
        // Each host shows the other's within a moment.
        for host in ["a", "b"] {
            try t.waitUntil("both ratings on \(host)", in: host) {
                $0.contains(Self.checklistRow("Breathing difficulties", 7)) && $0.contains(Self.checklistRow("Passing urine", 4))
            }
        }
        assertTrailIntact(s)
    }

    func testTwoHostsRatingTheSameConcernAtOnceShowTheConflict() throws {
        let t = tmux!
        let (s, id) = try twoHostsOnTheChecklist()
        try t.type("3", to: "a")
        try t.type("8", to: "b")
        var told: [String: String] = [:]
        for host in ["a", "b"] {
            try t.waitUntil("a rating or a conflict on \(host)", in: host) { $0.contains("” rated ") || $0.contains("another terminal changed") }
        }
        let kept = try XCTUnwrap(try scores(s, id)["Breathing difficulties"], "neither rating was saved")
        XCTAssertTrue([3, 8].contains(kept), "the store has \(kept), typed neither")
        for host in ["a", "b"] { told[host] = try t.screen(host) }
        let loser = kept == 3 ? "b" : "a", lost = kept == 3 ? 8 : 3
        // The host whose rating was not kept says so, naming both values (unless it typed after seeing the
        // other's, which is then no conflict but a change: the store has its value, which it does not).
        XCTAssertTrue(told[loser]!.contains("Your \(lost) was not saved: another terminal changed “Breathing difficulties” to \(kept)"),
                      "host \(loser)'s \(lost) was not kept and it was not told:\n\(told[loser]!)")
        // And both end showing what is stored.
        for host in ["a", "b"] {
            try t.waitUntil("the kept rating on \(host)", in: host) { $0.contains(Self.checklistRow("Breathing difficulties", kept)) }
        }
        XCTAssertEqual(try scores(s, id), ["Breathing difficulties": kept])
        assertTrailIntact(s)
    }
}
