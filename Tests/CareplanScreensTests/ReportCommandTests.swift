import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import CareplanSQLite
import Foundation
import XCTest

/// The runtime's side of the Reports screen (issue 15): `query(.report)` runs a report for a role with `reports`,
/// audits the run, and says why a report cannot run as asked; saving one is an effect that needs `reports`, not `export`.
final class ReportCommandTests: XCTestCase {
    let november = ReportScope(from: LocalDate(year: 2026, month: 11, day: 1)!, to: LocalDate(year: 2026, month: 11, day: 30)!)

    func testAReportIsAnsweredAsItsTableAndTheRunAudited() throws {
        let h = Harness()
        h.addPatient()
        let runtime = h.program.runtime
        guard case .report(let table) = runtime.execute(.query(.report(ReportRequest(name: "distress", scope: november)))) else {
            return XCTFail("no report")
        }
        XCTAssertEqual(table.report, "distress")
        XCTAssertEqual(table.from, november.from)
        XCTAssertEqual(table.rows.count, 13, "scores 0 to 10, the share at the threshold, the total")
        let entry = try XCTUnwrap(try h.store.auditTrail(patientId: nil).last)
        XCTAssertEqual(entry.action, "ran report distress")
        XCTAssertEqual(entry.user, Harness.nurse.userName)
        XCTAssertNil(entry.patientId)
        XCTAssertEqual(Runtime.permission(for: .query(.report(ReportRequest(name: "hna", scope: november)))), .reports)
        // Asked wrongly: refused with the problem in words, nothing audited.
        let runs = try h.store.auditTrail(patientId: nil).count
        XCTAssertEqual(runtime.execute(.query(.report(ReportRequest(name: "concerns", scope: november, by: .team)))),
                       .failed(.refused("the concerns report has rows of its own: leave out --by")))
        XCTAssertEqual(try h.store.auditTrail(patientId: nil).count, runs)
    }

    func testARoleWithoutReportsIsRefusedAndReadOnlyMayRunThem() throws {
        let support = Harness(signedIn: Harness.staff("sam", role: "support-worker"))
        XCTAssertEqual(support.program.runtime.execute(.query(.report(ReportRequest(name: "hna", scope: november)))), .failed(nil))
        XCTAssertFalse(try support.store.auditTrail(patientId: nil).contains { $0.action.hasPrefix("ran report") })
        let audit = Harness(signedIn: Harness.staff("audit", role: "read-only"))
        guard case .report = audit.program.runtime.execute(.query(.report(ReportRequest(name: "hna", scope: november)))) else {
            return XCTFail("read-only runs reports")
        }
    }
}
