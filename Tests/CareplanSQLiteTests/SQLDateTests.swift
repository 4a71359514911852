import CareplanStore
import Foundation
import GRDB
import XCTest

/// The SQL layer writes and reads dates as GRDB did, so every store made before it reads the same.
final class SQLDateTests: XCTestCase {
    func testTheTextIsGRDBsForEveryDate() {
        var generator = SystemRandomNumberGenerator()
        var dates = [0, -0.0005, 0.0004, 0.0005, 0.0006, 0.9994, 0.9995, 0.9996, 59.9999, 1_764_400_000.123, 1_764_400_000.1234999,
                     1_764_400_000.9999999, -86_400.001, 4_102_444_799.9995, 951_782_400.5].map { Date(timeIntervalSince1970: $0) }
        dates += (0..<20_000).map { _ in Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_000_000_000, using: &generator)) }
        // Sub-millisecond steps around one instant: wherever GRDB rounds or truncates, the layer does too.
        dates += (0..<2_000).map { Date(timeIntervalSince1970: 1_795_910_400 + Double($0) * 0.0001) }
        for d in dates {
            guard case .string(let grdb) = d.databaseValue.storage else { return XCTFail("GRDB stored \(d) as no text") }
            XCTAssertEqual(SQLDate.text(d), grdb, "\(d.timeIntervalSince1970)")
            XCTAssertEqual(d.sqlValue, .text(grdb))
        }
    }

    func testTheFormsReadBackAreGRDBs() {
        var texts = ["2026-11-29", "2026-11-29 10:15", "2026-11-29T10:15", "2026-11-29 10:15:07", "2026-11-29 10:15:07.1",
                     "2026-11-29 10:15:07.12", "2026-11-29 10:15:07.123", "2026-11-29 10:15:07.123456789", "2026-11-29T10:15:07Z",
                     "2026-11-29T10:15:07.5+01:00", "2026-11-29 10:15-02:30", "2026-02-30", "2026-13-01", "10:15", "10:15:07.5",
                     "", "2026", "2026-11-29 ", "2026-11-29x10:15", "2026-11-29 10:15:07.", "2026-11-29 25:00", "0000-01-01 00:00:00.000"]
        texts += (0..<2_000).map { _ in SQLDate.text(Date(timeIntervalSince1970: Double.random(in: -1e9...4e9))) }
        for t in texts {
            XCTAssertEqual(SQLDate.parse(t), Date.fromDatabaseValue(t.databaseValue), t)
        }
        for n in [0.0, 1.5, -86_400, 1_764_400_000.123] {
            XCTAssertEqual(Date.fromSQL(.double(n)), Date.fromDatabaseValue(n.databaseValue))
        }
    }
}

/// The benchmark's seeding shifts dates in SQL through the dialect; on SQLite as it did before it went through it.
final class SeedingDialectTests: XCTestCase {
    func testShiftedDatesAndTimesAreTheStoresText() throws {
        let d = Dialect.sqlite
        let row = try DatabaseQueue().read { db in
            try GRDB.Row.fetchOne(db, sql: "SELECT \(d.date("'2026-03-01'", plusDays: "-1")) AS a, \(d.date("'2026-11-29'", plusDays: "-730")) AS b, "
                                  + "\(d.time("'2026-11-29'", plusDays: "3 - 5", hours: "10 + 47")) AS c, \(d.time("'2024-02-28'", plusDays: "1", hours: "0")) AS e")!
        }
        XCTAssertEqual(row["a"] as String, "2026-02-28")
        XCTAssertEqual(row["b"] as String, "2024-11-29")
        XCTAssertEqual(row["c"] as String, "2026-11-29 09:00:00.000")
        XCTAssertEqual(row["e"] as String, "2024-02-29 00:00:00.000")
        XCTAssertEqual(SQLDate.parse(row["c"]).map(SQLDate.text), "2026-11-29 09:00:00.000", "a time the store reads as GRDB wrote them")
    }
}
