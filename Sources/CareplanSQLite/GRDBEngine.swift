import CareplanCore
import CareplanStore
import Foundation
import GRDB
import Synchronization

/// SQLite through GRDB, under the store: one connection, writes in IMMEDIATE transactions, WAL with
/// `synchronous = FULL` (set when the store is opened), so every change a write returns from is on disk.
final class GRDBEngine: SQLEngine {
    let queue: DatabaseQueue
    /// The store's file; nil in memory.
    let path: String?
    /// What opening found and corrected, or left alone, in the files' permissions (CareStore's opening warnings).
    let correctedPermissions: [String], permissionsLeftAlone: [String], folderWarning: String?
    /// Why the store must not be written (a corrupted page), once SQLite has said so: at opening or later.
    let damageFound = Mutex<String?>(nil)

    init(queue: DatabaseQueue, path: String?, correctedPermissions: [String] = [], permissionsLeftAlone: [String] = [], folderWarning: String? = nil) {
        self.queue = queue
        self.path = path
        self.correctedPermissions = correctedPermissions
        self.permissionsLeftAlone = permissionsLeftAlone
        self.folderWarning = folderWarning
    }

    var dialect: Dialect { .sqlite }
    var identity: String { path ?? "the store in memory" }

    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try queue.read { db in try body(GRDBConnection(db)) }
    }

    /// An IMMEDIATE transaction: the write lock is taken at the start, so two processes never both read a
    /// revision and then both write (WAL would refuse the second with BUSY_SNAPSHOT).
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in try Self.immediate(db, body) }
    }

    func writeWithoutForeignKeys<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            return try Self.immediate(db, body)
        }
    }

    static func immediate<T>(_ db: GRDB.Database, _ body: (any SQLConnection) throws -> T) throws -> T {
        var result: T?
        try db.inTransaction(.immediate) {
            result = try body(GRDBConnection(db))
            return .commit
        }
        return result!
    }

    /// Each schema step takes SQLite's write lock, which is all the serialising a file needs.
    func migrating<T>(_ body: () throws -> T) throws -> T { try body() }

    /// SQLite's count of changes committed by other connections: one pragma, so an open screen can look every tick.
    func changeCounter() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }

    func integrityCheck() throws -> String {
        try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    func queryPlan(_ sql: String, _ arguments: CareplanStore.StatementArguments) throws -> [String] {
        try queue.read { db in try GRDB.Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: Self.grdb(arguments)).map { $0["detail"] } }
    }

    var damage: String? { damageFound.withLock { $0 } }

    static let damagedStore = "the store is damaged (SQLite found a corrupted page), so careplan writes nothing more to it. "
        + "Run `careplan check --store PATH` for the details, keep a copy of the store, then restore it from its last backup or ask IT"

    func noteDamage() {
        damageFound.withLock { $0 = $0 ?? Self.damagedStore.replacingOccurrences(of: "PATH", with: path ?? "PATH") }
    }

    /// What went wrong, in words a nurse can act on; every SQLITE_CORRUPT or SQLITE_NOTADB answer marks the
    /// store damaged for the rest of this process.
    func describe(_ error: any Error) -> String? {
        guard let e = error as? DatabaseError else { return nil }
        guard e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB else { return Self.explain(e) }
        noteDamage()
        return damage ?? Self.explain(e)
    }

    static func explain(_ e: DatabaseError) -> String {
        switch e.resultCode {
        case .SQLITE_FULL: return WriteFailure.diskFull.rawValue
        case .SQLITE_READONLY: return WriteFailure.readOnly.rawValue
        case .SQLITE_BUSY, .SQLITE_LOCKED: return WriteFailure.busy.rawValue
        case .SQLITE_IOERR: return WriteFailure.diskError.rawValue
        case .SQLITE_CANTOPEN: return WriteFailure.cannotOpen.rawValue
        case .SQLITE_ERROR where e.message?.hasPrefix("no such table") == true:
            // Only a store changed outside careplan lacks one of its tables.
            return "the store is damaged: \(e.message ?? "a table is missing") (it was changed outside careplan). Run `careplan check --store`, "
                + "then restore the last backup"
        default: return "database error \(e.resultCode.rawValue)"
        }
    }

    /// SQLite's quick check: it reads every page, about 250 ms at 100,000 patients (8 times the application's
    /// start-up), so the application and the kiosk run it beside their start-up, on a connection of its own;
    /// the other commands run it before anything else.
    /// A check that cannot run (another terminal creating the store) is no finding: corrupt answers later still are.
    func checkForDamage(inBackground: Bool) {
        do {
            var config = GRDB.Configuration()
            config.readonly = true
            config.busyMode = .timeout(10)
            let connection = try inBackground ? path.map { try DatabaseQueue(path: $0, configuration: config) } ?? queue : queue
            let answer = try connection.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            if answer != ["ok"] { noteDamage() }
        } catch {
            _ = describe(error)
        }
    }

    static func grdb(_ arguments: CareplanStore.StatementArguments) -> GRDB.StatementArguments {
        let positional = GRDB.StatementArguments(arguments.positional.map(databaseValue))
        return arguments.named.isEmpty ? positional : positional + GRDB.StatementArguments(arguments.named.mapValues(databaseValue))
    }

    static func databaseValue(_ value: SQLValue) -> DatabaseValue {
        switch value {
        case .null: return .null
        case .int64(let i): return i.databaseValue
        case .double(let d): return d.databaseValue
        case .text(let s): return s.databaseValue
        case .blob(let b): return b.databaseValue
        }
    }

    static func sqlValue(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: return .null
        case .int64(let i): return .int64(i)
        case .double(let d): return .double(d)
        case .string(let s): return .text(s)
        case .blob(let b): return .blob(b)
        }
    }
}

/// One GRDB connection inside a transaction, as the store's SQL layer sees it. Placeholders are GRDB's own.
final class GRDBConnection: SQLConnection {
    let db: GRDB.Database
    init(_ db: GRDB.Database) { self.db = db }

    var dialect: Dialect { .sqlite }

    func execute(_ sql: String, _ arguments: CareplanStore.StatementArguments) throws -> Int {
        // One statement is prepared once per connection (the import runs the same few thousands of times);
        // a script, several each time.
        if !arguments.isEmpty && !sql.contains(";") {
            try db.cachedStatement(sql: sql).execute(arguments: GRDBEngine.grdb(arguments))
        } else {
            try db.execute(sql: sql, arguments: GRDBEngine.grdb(arguments))
        }
        return db.changesCount
    }

    func fetch(_ sql: String, _ arguments: CareplanStore.StatementArguments) throws -> [CareplanStore.Row] {
        let statement = try db.cachedStatement(sql: sql)
        let columns = statement.columnNames
        let cursor = try GRDB.Row.fetchCursor(statement, arguments: GRDBEngine.grdb(arguments))
        var rows: [CareplanStore.Row] = []
        while let row = try cursor.next() {
            rows.append(CareplanStore.Row(columns: columns, values: (0..<columns.count).map { GRDBEngine.sqlValue(row[$0] as DatabaseValue) }))
        }
        return rows
    }

    func lastInsertedRowID() throws -> Int64 { db.lastInsertedRowID }
}
