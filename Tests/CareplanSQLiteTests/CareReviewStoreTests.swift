import GRDB
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite

/// The SQLite side of issue 13: its schema step under its agreed name, after v10, and the practice view reads
/// only the recently diagnosed, through an index, whatever the size of the register.
final class CareReviewStoreTests: XCTestCase {
    func testTheStepIsV11CCRAfterV10() throws {
        // Named so parallel branches do not collide; appended after v9 and v10 (v12-search-keys came after it).
        // (Later steps of other branches follow: only the order of these is asserted.)
        let ours = ["v10-documents", "v11-ccr", "v12-search-keys"]
        XCTAssertEqual(CareStore.migrationNames.filter(ours.contains), ours)
        let store = try CareStore()
        XCTAssertEqual(try store.appliedMigrations().filter(ours.contains), ours)
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
