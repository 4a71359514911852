import Foundation

/// One result row: its columns by name (as GRDB, case-insensitively, the first of that name) and by index.
public struct Row: Hashable, Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        precondition(columns.count == values.count, "a row needs one value per column")
        self.columns = columns
        self.values = values
    }

    public init(_ pairs: KeyValuePairs<String, SQLValue>) {
        self.init(columns: pairs.map(\.key), values: pairs.map(\.value))
    }

    public var count: Int { values.count }

    public func index(of column: String) -> Int? {
        columns.firstIndex(of: column) ?? columns.firstIndex { $0.caseInsensitiveCompare(column) == .orderedSame }
    }

    public func hasColumn(_ column: String) -> Bool { index(of: column) != nil }

    /// The stored value; NULL for a column the row does not have (as GRDB).
    public subscript(_ column: String) -> SQLValue {
        index(of: column).map { values[$0] } ?? .null
    }

    public subscript(_ index: Int) -> SQLValue { values[index] }

    /// A value that must be there and of this type: anything else is a programming error, as in GRDB.
    public subscript<T: SQLValueConvertible>(_ column: String) -> T {
        Self.decode(self[column] as SQLValue, column)
    }

    /// NULL (or a missing column) is nil; a value of another type is a programming error, as in GRDB.
    public subscript<T: SQLValueConvertible>(_ column: String) -> T? {
        let value: SQLValue = self[column]
        return value.isNull ? nil : Self.decode(value, column) as T
    }

    public subscript<T: SQLValueConvertible>(_ index: Int) -> T { Self.decode(values[index], "#\(index)") }

    public subscript<T: SQLValueConvertible>(_ index: Int) -> T? {
        values[index].isNull ? nil : Self.decode(values[index], "#\(index)") as T
    }

    static func decode<T: SQLValueConvertible>(_ value: SQLValue, _ column: String) -> T {
        guard let decoded = T.fromSQL(value) else { fatalError("could not read \(T.self) from \(value.kind) in column \(column)") }
        return decoded
    }
}

extension SQLValue {
    /// The storage class, for messages (never the value: it may be patient data).
    var kind: String {
        switch self {
        case .null: return "NULL"
        case .int64: return "an integer"
        case .double: return "a real"
        case .text: return "text"
        case .blob: return "a blob"
        }
    }
}

/// Rows read one at a time, as GRDB's cursors are used (`while let r = try rows.next()`); the engines read the
/// whole answer first, which is fine at the store's sizes (100,000 rows).
public final class SQLCursor<Element> {
    private var iterator: IndexingIterator<[Element]>
    init(_ elements: [Element]) { iterator = elements.makeIterator() }
    public func next() throws -> Element? { iterator.next() }
    public func map<T>(_ transform: (Element) throws -> T) rethrows -> SQLCursor<T> {
        var all: [T] = []
        while let e = iterator.next() { all.append(try transform(e)) }
        return SQLCursor<T>(all)
    }
}

/// A statement to run many times with different arguments (GRDB's `makeStatement`/`cachedStatement`).
public struct Statement {
    public let database: Database
    public let sql: String

    public func execute(arguments: StatementArguments = []) throws {
        try database.execute(sql: sql, arguments: arguments)
    }
}

extension Row {
    public static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [Row] {
        try db.fetch(sql, arguments)
    }

    public static func fetchOne(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> Row? {
        try db.fetch(sql, arguments).first
    }

    public static func fetchCursor(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> SQLCursor<Row> {
        SQLCursor(try db.fetch(sql, arguments))
    }

    public static func fetchAll(_ statement: Statement, arguments: StatementArguments = []) throws -> [Row] {
        try fetchAll(statement.database, sql: statement.sql, arguments: arguments)
    }

    public static func fetchOne(_ statement: Statement, arguments: StatementArguments = []) throws -> Row? {
        try fetchOne(statement.database, sql: statement.sql, arguments: arguments)
    }

    public static func fetchCursor(_ statement: Statement, arguments: StatementArguments = []) throws -> SQLCursor<Row> {
        try fetchCursor(statement.database, sql: statement.sql, arguments: arguments)
    }
}

/// A value of the wrong type where a query's first column was read: a programming error, reported rather than
/// crashing, since the value may come from a store changed outside careplan.
public struct SQLDecodingError: Error, CustomStringConvertible {
    public let description: String
}

extension SQLValueConvertible {
    /// The first column of each row; NULLs are skipped over only for optional types (GRDB refuses them too).
    public static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [Self] {
        try db.fetch(sql, arguments).map { try firstColumn($0) }
    }

    /// The first column of the first row; nil when there is no row or its value is NULL.
    public static func fetchOne(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> Self? {
        guard let row = try db.fetch(sql, arguments).first, row.count > 0, !row.values[0].isNull else { return nil }
        return try firstColumn(row)
    }

    public static func fetchAll(_ statement: Statement, arguments: StatementArguments = []) throws -> [Self] {
        try fetchAll(statement.database, sql: statement.sql, arguments: arguments)
    }

    public static func fetchOne(_ statement: Statement, arguments: StatementArguments = []) throws -> Self? {
        try fetchOne(statement.database, sql: statement.sql, arguments: arguments)
    }

    static func firstColumn(_ row: Row) throws -> Self {
        try firstColumn(row, fromSQL)
    }

    static func firstColumn<T>(_ row: Row, _ fromSQL: (SQLValue) -> T?) throws -> T {
        guard row.count > 0, let value = fromSQL(row.values[0]) else {
            throw SQLDecodingError(description: "could not read \(T.self) from \(row.count > 0 ? row.values[0].kind : "a row without columns")")
        }
        return value
    }
}

extension Optional where Wrapped: SQLValueConvertible {
    /// The first column of each row, NULL as nil.
    public static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [Wrapped?] {
        try db.fetch(sql, arguments).map { try Wrapped.firstColumn($0, fromSQL) }
    }
}
