import GRDB
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore

/// v16-report-speed (issue 15 testers: 12-month reports took 1-2 s at 100,000 patients): each report reads a
/// narrow covering index, and the eots report finds a treatment's end date without decoding every row.
final class ReportSpeedTests: XCTestCase {
    func store() throws -> (CareStore, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("speed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (try CareStore(path: dir.appendingPathComponent("s.sqlite").path), dir)
    }

    func plan(_ store: CareStore, _ sql: String) throws -> String {
        try store.db.read { db in try GRDB.Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "\n") }
    }

    func testTheReportsQueriesReadCoveringIndexes() throws {
        let (store, dir) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let offers = try plan(store, """
            SELECT substr(o.date, 1, 7), o.offered_role, p.team_id, substr(p.diagnosis_code, 1, 3), o.outcome, a.status, count(*)
            FROM hna_offer o JOIN patient p ON p.id = o.patient_id LEFT JOIN assessment a ON a.id = o.assessment_id
            WHERE o.date BETWEEN '2026-01-01' AND '2026-12-31' GROUP BY 1, 2, 3, 4, 5, 6
            """)
        XCTAssertTrue(offers.contains("COVERING INDEX hna_offer_report"), offers)
        XCTAssertTrue(try store.db.read { db in try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'sqlite_stat1'") } ?? false,
                      "analysed, so a grown store's planner can take patient_report_keys over the patient's rows")
        let concerns = try plan(store, """
            SELECT c.key, count(*) FROM assessment a JOIN concern c ON c.assessment_id = a.id
            WHERE a.status IN ('in-progress', 'agreed') AND a.date BETWEEN '2026-01-01' AND '2026-12-31' AND NOT \(CareStore.ownWordsConcern) GROUP BY c.key
            """)
        XCTAssertTrue(concerns.contains("COVERING INDEX assessment_report") && concerns.contains("COVERING INDEX concern_report"), concerns)
        let own = try plan(store, """
            SELECT count(DISTINCT a.id) FROM concern c CROSS JOIN assessment a
            WHERE a.id = c.assessment_id AND a.status IN ('in-progress', 'agreed') AND a.date BETWEEN '2026-01-01' AND '2026-12-31' AND \(CareStore.ownWordsConcern)
            """)
        XCTAssertTrue(own.contains("INDEX concern_key") && own.contains("concern_category"), "own words are found by index, not by reading every concern: \(own)")
    }

    func testAnEndDateIsFoundAsTheStoreWritesItAndTextCannotPassForOne() throws {
        let row: [String: FieldValue] = [EoTSDue.treatmentEndField: .date(LocalDate(year: 2026, month: 3, day: 4)!),
                                         "notes": .text("\"end-date\":{\"date\":{\"_0\":\"1999-01-01\"}}")]
        XCTAssertEqual(CareStore.treatmentEnd(try CareStore.encode(row)), LocalDate(year: 2026, month: 3, day: 4)!)
        let textOnly: [String: FieldValue] = ["notes": .text("\"end-date\":{\"date\":{\"_0\":\"1999-01-01\"}}")]
        XCTAssertNil(CareStore.treatmentEnd(try CareStore.encode(textOnly)), "quotes inside text are escaped: never taken for a date")
        XCTAssertEqual(CareStore.treatmentEnd("{ \"end-date\" : { \"date\" : { \"_0\" : \"2026-05-06\" } } }"), LocalDate(year: 2026, month: 5, day: 6)!,
                       "written otherwise: decoded")
        XCTAssertNil(CareStore.treatmentEnd("{}"))
    }
}
