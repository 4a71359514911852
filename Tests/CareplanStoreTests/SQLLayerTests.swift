@testable import CareplanStore
import Foundation
import XCTest

/// A connection answering from a table of canned rows, recording what it was asked.
final class CannedConnection: SQLConnection {
    let dialect: Dialect
    var answers: [String: [Row]] = [:]
    var executed: [(String, StatementArguments)] = []
    var changes = 0
    var lastID: Int64 = 0
    init(_ dialect: Dialect = .sqlite) { self.dialect = dialect }
    func execute(_ sql: String, _ arguments: StatementArguments) throws -> Int {
        executed.append((sql, arguments))
        return changes
    }
    func fetch(_ sql: String, _ arguments: StatementArguments) throws -> [Row] {
        executed.append((sql, arguments))
        return answers[sql] ?? []
    }
    func lastInsertedRowID() throws -> Int64 { lastID }
}

final class SQLValueTests: XCTestCase {
    func testEachTypeRoundTripsThroughItsStorageClass() {
        XCTAssertEqual(42.sqlValue, .int64(42))
        XCTAssertEqual(Int64(-7).sqlValue, .int64(-7))
        XCTAssertEqual(Int32(5).sqlValue, .int64(5))
        XCTAssertEqual(true.sqlValue, .int64(1))
        XCTAssertEqual(false.sqlValue, .int64(0))
        XCTAssertEqual(2.5.sqlValue, .double(2.5))
        XCTAssertEqual("x".sqlValue, .text("x"))
        XCTAssertEqual(Data([1, 2]).sqlValue, .blob(Data([1, 2])))
        XCTAssertEqual((nil as Int?).sqlValue, .null)
        XCTAssertEqual((3 as Int?).sqlValue, .int64(3))
        XCTAssertEqual(Int.fromSQL(.int64(42)), 42)
        XCTAssertEqual(Bool.fromSQL(.int64(1)), true)
        XCTAssertEqual(Bool.fromSQL(.int64(0)), false)
        XCTAssertEqual(Data.fromSQL(.text("ab")), Data("ab".utf8))
    }

    func testConversionsAreThoseGRDBAllows() {
        // A whole double reads as an integer (PostgreSQL's sums), a fractional one does not.
        XCTAssertEqual(Int.fromSQL(.double(3)), 3)
        XCTAssertNil(Int.fromSQL(.double(3.5)))
        XCTAssertEqual(Double.fromSQL(.int64(2)), 2)
        XCTAssertNil(Int.fromSQL(.text("3")))
        XCTAssertNil(String.fromSQL(.int64(3)))
        XCTAssertNil(Int32.fromSQL(.int64(Int64(Int32.max) + 1)))
        XCTAssertNil(Int.fromSQL(.null))
        // NULL is a value for an optional, a missing one for anything else.
        XCTAssertEqual(Int?.fromSQL(.null), .some(nil))
        XCTAssertEqual(Int?.fromSQL(.int64(1)), .some(1))
        XCTAssertEqual(Int?.fromSQL(.text("a")), nil as Int??)
    }

    func testDatesAreGRDBsTextToTheMillisecond() {
        let d = Date(timeIntervalSince1970: 1_764_400_000.123)
        XCTAssertEqual(d.sqlValue, .text("2025-11-29 07:06:40.123"))
        XCTAssertEqual(Date.fromSQL(.text("2025-11-29 07:06:40.123"))?.timeIntervalSince1970 ?? 0, 1_764_400_000.123, accuracy: 0.0005)
    }

    func testDateParsingTakesGRDBsFormsAndNothingElse() throws {
        let utc = { (s: String) in SQLDate.parse(s)?.timeIntervalSince1970 }
        XCTAssertEqual(utc("2026-11-29"), 1_795_910_400)
        XCTAssertEqual(utc("2026-11-29 10:15"), 1_795_910_400 + 36900)
        XCTAssertEqual(utc("2026-11-29T10:15:07"), 1_795_910_400 + 36907)
        XCTAssertEqual(try XCTUnwrap(utc("2026-11-29 10:15:07.5")), 1_795_910_400 + 36907.5, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(utc("2026-11-29 10:15:07.12399")), 1_795_910_400 + 36907.123, accuracy: 1e-6)
        XCTAssertEqual(utc("2026-11-29T10:15:07Z"), 1_795_910_400 + 36907)
        XCTAssertEqual(utc("2026-11-29T10:15:07+01:00"), 1_795_910_400 + 36907 - 3600)
        XCTAssertEqual(utc("2026-11-29T10:15:07.000-02:30"), 1_795_910_400 + 36907 + 9000)
        for bad in ["", "10:15", "2026-11-2", "2026/11/29", "2026-11-29 10", "2026-11-29 10:15:07.", "2026-11-29x", "2026-11-29 10:15 "] {
            XCTAssertNil(SQLDate.parse(bad), bad)
        }
        XCTAssertEqual(Date.fromSQL(.int64(86400))?.timeIntervalSince1970, 86400)
        XCTAssertEqual(Date.fromSQL(.double(1.5))?.timeIntervalSince1970, 1.5)
    }
}

final class StatementArgumentsTests: XCTestCase {
    func testPositionalNamedAndNumbered() {
        let a: StatementArguments = [1, "two", nil, true]
        XCTAssertEqual(a.positional, [.int64(1), .text("two"), .null, .int64(1)])
        var next = 0
        XCTAssertEqual(a.value(for: "?", next: &next), .int64(1))
        XCTAssertEqual(a.value(for: "?", next: &next), .text("two"))
        XCTAssertEqual(next, 2)
        XCTAssertEqual(a.value(for: "?4", next: &next), .int64(1))
        XCTAssertNil(a.value(for: "?5", next: &next))
        XCTAssertNil(a.value(for: "?0", next: &next))
        let n: StatementArguments = ["today": "2026-11-29", "none": nil]
        XCTAssertEqual(n.value(for: ":today", next: &next), .text("2026-11-29"))
        XCTAssertEqual(n.value(for: ":none", next: &next), .null)
        XCTAssertNil(n.value(for: ":other", next: &next))
    }

    func testBuiltFromArraysAndAdded() {
        let strings = ["a", "b"]
        let mixed: [any SQLValueConvertible] = ["a", 2]
        XCTAssertEqual(StatementArguments(strings).positional, [.text("a"), .text("b")])
        XCTAssertEqual(StatementArguments(mixed + [3]).positional, [.text("a"), .int64(2), .int64(3)])
        let sum: StatementArguments = [1] + StatementArguments(strings)
        XCTAssertEqual(sum.positional, [.int64(1), .text("a"), .text("b")])
        XCTAssertTrue(StatementArguments().isEmpty)
        XCTAssertEqual(databaseQuestionMarks(count: 3), "?,?,?")
        XCTAssertEqual(databaseQuestionMarks(count: 0), "NULL", "PostgreSQL refuses IN ()")
        XCTAssertEqual(sqlIdList([12, 3, 7] as Set<Int64>), "3,7,12")
        XCTAssertEqual(sqlIdList([Int64]()), "NULL")
    }
}

final class RowTests: XCTestCase {
    let row = Row(["id": .int64(7), "Name": .text("Ann"), "score": .null, "id": .int64(8)])

    func testColumnsByNameIgnoreCaseAndTakeTheFirst() {
        XCTAssertEqual(row["id"] as Int, 7)
        XCTAssertEqual(row["name"] as String, "Ann")
        XCTAssertEqual(row["NAME"] as SQLValue, .text("Ann"))
        XCTAssertNil(row["score"] as Int?)
        XCTAssertEqual(row["missing"] as SQLValue, .null)
        XCTAssertEqual(row[3] as Int64, 8)
        XCTAssertNil(row[2] as Int?)
        XCTAssertTrue(row.hasColumn("SCORE"))
        XCTAssertFalse(row.hasColumn("other"))
    }

    func testFetchingThroughADatabase() throws {
        let c = CannedConnection()
        c.answers["SELECT n"] = [Row(["n": .int64(1)]), Row(["n": .null]), Row(["n": .int64(3)])]
        c.answers["SELECT null"] = [Row(["n": .null])]
        c.answers["SELECT text"] = [Row(["n": .text("x")])]
        let db = Database(c)
        XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT n"), 1)
        XCTAssertNil(try Int.fetchOne(db, sql: "SELECT null"), "NULL is no value")
        XCTAssertNil(try Int.fetchOne(db, sql: "SELECT nothing"), "no row is no value")
        XCTAssertEqual(try Int?.fetchAll(db, sql: "SELECT n"), [1, nil, 3])
        XCTAssertThrowsError(try Int.fetchAll(db, sql: "SELECT n"), "a NULL where a number must be")
        XCTAssertThrowsError(try Int.fetchOne(db, sql: "SELECT text"))
        XCTAssertEqual(try Row.fetchAll(db, sql: "SELECT n").count, 3)
        XCTAssertEqual(try Row.fetchOne(db, sql: "SELECT n")?["n"] as Int?, 1)
        let cursor = try Row.fetchCursor(db, sql: "SELECT n").map { $0["n"] as Int? }
        var read: [Int?] = []
        while let n = try cursor.next() { read.append(n) }
        XCTAssertEqual(read, [1, nil, 3])
        let statement = try db.cachedStatement(sql: "SELECT n")
        XCTAssertEqual(try Int.fetchOne(statement, arguments: [5]), 1)
        XCTAssertEqual(c.executed.last?.1, [5])
    }

    func testExecuteKeepsTheChangesAndTheLastRow() throws {
        let c = CannedConnection()
        let db = Database(c)
        c.changes = 2
        c.lastID = 41
        try db.execute(sql: "UPDATE x SET a = ?", arguments: [1])
        XCTAssertEqual(db.changesCount, 2)
        XCTAssertEqual(try db.lastInsertedRowID, 41)
        c.changes = 0
        try db.makeStatement(sql: "DELETE FROM x").execute()
        XCTAssertEqual(db.changesCount, 0)
        XCTAssertEqual(c.executed.map(\.0), ["UPDATE x SET a = ?", "DELETE FROM x"])
    }

    func testTablesAndIndexesAreAskedForInTheDialectsOwnWay() throws {
        for dialect in [Dialect.sqlite, .postgres] {
            let c = CannedConnection(dialect)
            c.answers[dialect.tableExistsSQL] = [Row(["1": .int64(1)])]
            let db = Database(c)
            XCTAssertTrue(try db.tableExists("patient"))
            XCTAssertEqual(c.executed.last?.1, ["patient"])
            XCTAssertFalse(try db.indexExists("nothing"))
        }
    }
}
