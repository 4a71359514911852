import GRDB
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite

/// The SQLite side of issue 13: its schema step under its agreed name, after v10, and the practice view reads
/// only the recently diagnosed, through an index, whatever the size of the register.
final class CareReviewStoreTests: XCTestCase {
    func testTheStepIsV11CCRAfterV10() throws {
        // Named so parallel branches do not collide; after v9 and v10. Later steps follow it, so the test asks
        // for the order, not for the last names.
        let names = CareStore.migrationNames
        let at = try XCTUnwrap(names.firstIndex(of: "v11-ccr"))
        XCTAssertEqual(names.firstIndex(of: "v10-documents").map { $0 < at }, true)
        let store = try CareStore()
        XCTAssertEqual(try store.appliedMigrations(), names, "a new store applies every step, in order")
    }

    func testThePracticeViewReadsPatientsThroughTheDiagnosisDateIndex() throws {
        let store = try CareStore()
        let plans = try store.db.read { db in
            try ["SELECT * FROM patient WHERE diagnosis_date BETWEEN ? AND ?",
                 "SELECT r.* FROM qof_record r JOIN patient p ON p.id = r.patient_id WHERE p.diagnosis_date BETWEEN ? AND ? ORDER BY r.date, r.id"].map {
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + $0, arguments: ["2024-11-27", "2026-11-28"]).map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        for plan in plans { XCTAssertTrue(plan.contains("patient_diagnosis_date"), plan) }
        XCTAssertTrue(plans[1].contains("qof_record_patient"), plans[1])
    }
}
