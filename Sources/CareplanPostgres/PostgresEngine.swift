import CareplanCore
import CareplanStore
import Foundation
import NIOCore
import NIOSSL
import PostgresNIO
import Synchronization

/// The PostgreSQL engine under the store (design 3 and 6): one connection, one transaction at a time. Writes
/// take one row lock shared by every host first (as SQLite's BEGIN IMMEDIATE), reads see one snapshot, and
/// no call waits longer than its deadline: a server gone makes every call fail at once with the runtime's
/// "cannot be reached", while a background thread reconnects.
public final class PostgresEngine: SQLEngine {
    public let location: PostgresLocation
    let link: PostgresLink
    /// One transaction at a time on the one connection, as GRDB's DatabaseQueue.
    private let serial = NSLock()
    let facts: FactsBox
    /// What opening found that the person must hear about (the address's warnings, fsync off).
    public let warnings: [String]

    /// Shared with the link's reconnect thread, which checks each new connection.
    final class FactsBox: Sendable {
        private let facts = Mutex(Facts())
        let notes = Mutex<[String]>([])
        func withLock<T>(_ body: (inout Facts) -> T) -> T { facts.withLock { body(&$0) } }
    }

    struct Facts {
        /// Whether careplan_state (the write lock row) exists yet: not before the schema step that makes it.
        var hasState = false
        /// This connection's own commits, taken off the shared counter (design 6.3).
        var ownCommits = 0
        var damage: String?
        var backendPID: Int64 = 0
        /// The token of a write whose COMMIT was sent but not answered: asked about after reconnecting (design 6.5).
        var pendingToken: String?
        /// The fingerprint of that write, when the store named it (a change the runtime replays).
        var pendingFingerprint: String?
        /// Tokens whose fate is known after a lost answer: true when the write was stored.
        var resolvedTokens: [String: Bool] = [:]
        /// Named writes that were stored although their answer was lost: `committed` says so once.
        var committedFingerprints: Set<String> = []
        var migrating = false
    }

    /// Deadlines (seconds) for one statement's answer; `CAREPLAN_PG_DEADLINE_MS` sets both (tests shorten them).
    let readDeadline: Double, writeDeadline: Double
    static let migrationDeadline: Double = 3600
    static let pruneEvery = 1000

    /// Connects (in the foreground, the only time), checks the server and sets up the session; a server
    /// that cannot be reached, or refuses, is an error here.
    public init(_ location: PostgresLocation, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.location = location
        if let ms = environment["CAREPLAN_PG_DEADLINE_MS"].flatMap(Double.init), ms > 0 {
            readDeadline = ms / 1000; writeDeadline = ms / 1000
        } else {
            // Above the server's own limits, so that they answer first: a lock wait fails as busy at lock_timeout
            // (10 s), a slow statement as busy at statement_timeout (30 s). A read may be long (verifying a large
            // store reads whole tables); a server gone is found at once by isClosed or its reset, and only a
            // silent network costs the full wait, once, before every call fails at once.
            readDeadline = 35; writeDeadline = 12
        }
        let facts = FactsBox()
        self.facts = facts
        do {
            link = try PostgresLink(location) { link, connection in
                try Self.prepare(connection, facts: facts)
            }
        } catch {
            throw StoreError.cannotOpen(Self.words(for: error, location: location, facts: facts) ?? "\(error)")
        }
        warnings = location.warnings + facts.notes.withLock { $0 }
    }

    deinit { link.close() }

    /// Ends the connection (the store is closed); nothing reconnects after this.
    public func close() { link.close() }

    public var dialect: Dialect { .postgres }
    public var identity: String { location.identity }
    public var damage: String? { facts.withLock { $0.damage } }
    var backendPID: Int64 { facts.withLock { $0.backendPID } }
    var isLost: Bool { link.isLost }
    /// Writes whose COMMIT answer was lost with the connection, by token: true when the server had stored them.
    var resolvedTokens: [String: Bool] { facts.withLock { $0.resolvedTokens } }

    /// Checks a new connection: UTF-8, PostgreSQL 13 or later, fsync, whether the lock row exists yet, and the
    /// fate of a write whose answer was lost. One round trip (two after a lost commit).
    static func prepare(_ connection: PostgresConnection, facts: FactsBox) throws {
        let query: PostgresQuery = """
            SELECT current_setting('server_encoding'), current_setting('server_version_num')::int,
                   current_setting('fsync'), pg_backend_pid()::bigint, to_regclass('careplan_state') IS NOT NULL
            """
        let rows = try PostgresLink.wait(connection.query(query, logger: PostgresLink.silent), seconds: 10).rows
        guard let row = rows.first else { throw StoreError.cannotOpen("the database server did not answer its settings") }
        let (encoding, version, fsync, pid, hasState) = try row.decode((String, Int, String, Int64, Bool).self)
        guard encoding == "UTF8" else {
            throw StoreError.cannotOpen("the database's encoding is \(encoding): careplan needs UTF8 (an administrator creates the database with ENCODING 'UTF8')")
        }
        guard version >= 130000 else {
            throw StoreError.cannotOpen("careplan needs PostgreSQL 13 or later; this server is \(version / 10000).\(version % 10000)")
        }
        if fsync != "on" {
            facts.notes.withLock { $0 = ["the database server does not flush to disk (fsync = off): a power cut there can lose saved answers"] }
        }
        let pending = facts.withLock { f in f.backendPID = pid; f.hasState = hasState; return f.pendingToken }
        if let pending, hasState {
            let found = try PostgresLink.wait(connection.query("SELECT 1 FROM careplan_write WHERE token = \(pending)", logger: PostgresLink.silent),
                                              seconds: 10).rows.isEmpty == false
            facts.withLock { f in
                f.resolvedTokens[pending] = found
                if found, let fingerprint = f.pendingFingerprint { f.committedFingerprints.insert(fingerprint) }
                f.pendingToken = nil
                f.pendingFingerprint = nil
                if found { f.ownCommits += 1 }
            }
        }
    }

    // MARK: transactions

    public func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try serial.withLock {
            try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", deadline: deadline(readDeadline), writes: false, body)
        }
    }

    public func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try serial.withLock {
            try transaction("BEGIN", deadline: deadline(writeDeadline), writes: true, body)
        }
    }

    public func write<T>(fingerprint: String, _ body: (any SQLConnection) throws -> T) throws -> T {
        try serial.withLock {
            try transaction("BEGIN", deadline: deadline(writeDeadline), writes: true, fingerprint: fingerprint, body)
        }
    }

    public func committed(_ fingerprint: String) -> Bool {
        facts.withLock { $0.committedFingerprints.remove(fingerprint) != nil }
    }

    /// For tests: the schema's foreign keys are dropped for the body and put back NOT VALID (the rows the body
    /// left are not checked), all in the one transaction, as the tables' owner may; replica mode, the other
    /// way round them, needs a superuser.
    public func writeWithoutForeignKeys<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try write { db in
            let keys = try db.fetch("""
                SELECT conrelid::regclass::text AS tab, confrelid::regclass::text AS ref, quote_ident(conname) AS name,
                       pg_get_constraintdef(oid) AS def
                FROM pg_constraint WHERE contype = 'f' AND connamespace = to_regnamespace(current_schema())
                """, [])
            for key in keys { _ = try db.execute("ALTER TABLE \(key["tab"] as String) DROP CONSTRAINT \(key["name"] as String)", []) }
            let result = try body(db)
            for key in keys {
                let tables = try db.fetch("SELECT to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL", [key["tab"] as String, key["ref"] as String])
                guard tables.first?[0] as Bool? == true else { continue }    // a table the body dropped
                _ = try db.execute("ALTER TABLE \(key["tab"] as String) ADD CONSTRAINT \(key["name"] as String) \(key["def"] as String) NOT VALID", [])
            }
            return result
        }
    }

    public func migrating<T>(_ body: () throws -> T) throws -> T {
        // Alone among the hosts opening the store together; no statement timeout (an index on a big table).
        try serial.withLock {
            _ = try link.query("SELECT pg_advisory_lock(\(Self.migrationLockKey))", deadline: Self.migrationDeadline)
            _ = try link.query("SET statement_timeout = 0", deadline: Self.migrationDeadline)
        }
        facts.withLock { $0.migrating = true }
        defer {
            facts.withLock { $0.migrating = false }
            serial.withLock {
                _ = try? link.query("RESET statement_timeout", deadline: readDeadline)
                _ = try? link.query("SELECT pg_advisory_unlock(\(Self.migrationLockKey))", deadline: readDeadline)
            }
        }
        return try body()
    }

    /// The advisory lock key for migrations ("careplan" in ASCII, shortened to fit a bigint).
    static let migrationLockKey: Int64 = 0x63617265706c616e & 0x7fff_ffff_ffff_ffff

    private func deadline(_ normal: Double) -> Double { facts.withLock { $0.migrating } ? Self.migrationDeadline : normal }

    private func transaction<T>(_ begin: String, deadline: Double, writes: Bool, fingerprint: String? = nil,
                                _ body: (any SQLConnection) throws -> T) throws -> T {
        let connection = try link.connection()
        let hasState = writes && facts.withLock { $0.hasState }
        let token = UUID().uuidString
        // BEGIN and the lock statements go out together; only the last answer is awaited (one round trip).
        var opening = [PostgresQuery(unsafeSQL: begin)]
        if hasState {
            opening.append("UPDATE careplan_state SET changes = changes + 1 WHERE id = 1")
            opening.append("INSERT INTO careplan_write (token, at) VALUES (\(token), \(SQLDate.text(Date())))")
            // A token only matters until its host has reconnected: those older than a week go, every 1,000th write.
            if facts.withLock({ ($0.ownCommits + 1) % Self.pruneEvery == 0 }) {
                opening.append("DELETE FROM careplan_write WHERE at < \(SQLDate.text(Date().addingTimeInterval(-7 * 86400)))")
            }
        }
        let futures = try opening.map { try link.send($0, on: connection) }
        do {
            for future in futures { _ = try link.answer(future, on: connection, deadline: deadline) }
        } catch {
            rollBack(connection)
            throw error
        }
        let transaction = PostgresTransaction(link: link, connection: connection, deadline: deadline)
        let result: T
        do {
            result = try body(transaction)
        } catch {
            rollBack(connection)
            throw error
        }
        if writes {
            facts.withLock { f in
                f.pendingToken = hasState ? token : nil
                f.pendingFingerprint = hasState ? fingerprint : nil
            }
        }
        do {
            _ = try link.query("COMMIT", on: connection, deadline: deadline)
        } catch {
            // Stored or not? Asked after reconnecting, if the answer was lost with the connection.
            if !PostgresLink.meansGone(error) {
                facts.withLock { $0.pendingToken = nil; $0.pendingFingerprint = nil }
                rollBack(connection)
            }
            throw error
        }
        // Before the schema step that makes the lock row, each write looks for it again (a new store's migration).
        let stateNow = writes && !hasState ? (try? stateExists(connection)) ?? false : hasState
        facts.withLock { f in
            f.pendingToken = nil
            f.pendingFingerprint = nil
            if writes && hasState { f.ownCommits += 1 }
            if writes { f.hasState = stateNow }
        }
        return result
    }

    private func stateExists(_ connection: PostgresConnection) throws -> Bool {
        try link.query("SELECT to_regclass('careplan_state') IS NOT NULL", on: connection, deadline: readDeadline).rows.first?.decode(Bool.self) ?? false
    }

    private func rollBack(_ connection: PostgresConnection) {
        guard !connection.isClosed else { return }
        _ = try? link.query("ROLLBACK", on: connection, deadline: readDeadline)
    }

    // MARK: the rest of the engine's duties

    /// Not cached: a save on another host must show at the next call (one round trip, ~0.1-0.3 ms on loopback).
    public func changeCounter() throws -> Int {
        try serial.withLock {
            guard facts.withLock({ $0.hasState }) else { return 0 }
            let rows = try link.query("SELECT changes FROM careplan_state WHERE id = 1", deadline: readDeadline).rows
            let changes = try rows.first?.decode(Int.self) ?? 0
            return changes - facts.withLock { $0.ownCommits }
        }
    }

    public func integrityCheck() throws -> String {
        // PostgreSQL checks its pages itself; amcheck, when an administrator installed it, also checks the indexes.
        try read { db in
            let amcheck = try db.fetch("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'", []).isEmpty == false
            guard amcheck else { return "ok" }
            let problems = try db.fetch("""
                SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
                JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.amname = 'btree' AND n.nspname = current_schema()
                """, []).compactMap { row -> String? in
                let name: String = row["relname"]
                do { _ = try db.fetch("SELECT bt_index_check(to_regclass(?))", [name]); return nil }
                catch { return "index \(name): \(self.describe(error) ?? "\(error)")" }
            }
            return problems.isEmpty ? "ok" : problems.joined(separator: "\n")
        }
    }

    public func queryPlan(_ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try read { db in
            // Tiny test tables are always scanned whole unless scans are made dear.
            _ = try db.execute("SET LOCAL enable_seqscan = off", [])
            return try db.fetch("EXPLAIN (COSTS OFF) " + sql, arguments).map { $0[0] as String }
        }
    }

    public func describe(_ error: any Error) -> String? {
        Self.words(for: error, location: location, facts: facts)
    }

    /// Every engine failure in words (design 6.6); nil for errors that are not the engine's.
    static func words(for error: any Error, location: PostgresLocation, facts: FactsBox) -> String? {
        if let e = error as? StoreError {
            switch e { case .cannotOpen(let why), .cannotWrite(let why): return why; default: return nil }
        }
        if error is LinkFailure { return WriteFailure.serverUnreachable.rawValue }
        if error is NIOSSLError || error is BoringSSLError {
            return "the secure connection to the database server failed (its certificate is not trusted, or not for \(location.host))"
        }
        guard let e = error as? PSQLError else { return nil }
        switch e.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return WriteFailure.serverUnreachable.rawValue
        case .sslUnsupported:
            return "the database server does not offer a secure connection, which sslmode=\(location.sslMode.rawValue) needs"
        case .authMechanismRequiresPassword:
            return location.noPasswordFound
        case .unsupportedAuthMechanism:
            return "the database server asks for a sign-in careplan cannot do (use scram-sha-256 or md5 in pg_hba.conf)"
        case .saslError:
            return refusedPassword
        case .server:
            break
        default:
            return "database error (\(e.code))"
        }
        let state = e.serverInfo?[.sqlState] ?? ""
        switch state {
        case _ where state.hasPrefix("08"), "57P01", "57P02", "57P03": return WriteFailure.serverUnreachable.rawValue
        case "55P03", "57014", "40001", "40P01": return WriteFailure.busy.rawValue
        case "53100": return WriteFailure.serverDiskFull.rawValue
        case "25006": return WriteFailure.serverReadOnly.rawValue
        case "53300", "53200": return "the database server is full (too many connections)"
        case "28P01", "28000": return refusedPassword
        case "3D000": return "there is no database named \(location.database) on \(location.host): an administrator creates it (see the README)"
        case "42501": return "the database user \(location.user) may not do this (permission denied): an administrator grants it (see the README)"
        case "XX001", "XX002":
            let why = "the database server found damaged data (SQLSTATE \(state)): tell an administrator, who restores the last backup"
            facts.withLock { $0.damage = why }
            return why
        default: return "database error \(state)"
        }
    }

    static let refusedPassword = "the database server refused the user name or password: check ~/.pgpass or PGPASSWORD"

    /// For an administrator's command (`store copy`): the engine's words, where they would say only "database
    /// error <SQLSTATE>", the SQLSTATE's meaning and the object the server names: a table, column or constraint
    /// name, never a value or the server's whole message (either may hold a patient's details).
    public func administratorWords(for error: any Error) -> String? {
        guard let e = error as? PSQLError, e.code == .server, let state = e.serverInfo?[.sqlState],
              describe(error) == "database error \(state)" else { return describe(error) }
        let info = e.serverInfo
        let table = info?[.tableName].map { " (table \($0)" + (info?[.columnName].map { ", column \($0)" } ?? "") + ")" } ?? ""
        let constraint = info?[.constraintName].map { " (rule \($0)" + (info?[.tableName].map { " on \($0)" } ?? "") + ")" } ?? table
        // "relation "x" already exists" and its kin: the one quoted name is an object's, set by whoever made it.
        let named = info?[.message]?.split(separator: "\"", omittingEmptySubsequences: false).dropFirst().first.map(String.init)
        let meaning: String
        switch state {
        case "42P07": meaning = "a table named \(named ?? "like one of careplan's") already exists there"
        case "42710", "42723": meaning = "an object named \(named ?? "like one of careplan's") already exists there"
        case "42P01": meaning = "a table careplan needs is not there\(named.map { ": \($0)" } ?? "")"
        case "42703": meaning = "a column careplan needs is not there\(table)"
        case "23503": meaning = "a row names a record that is not there\(constraint)"
        case "23505": meaning = "two rows have the same key\(constraint)"
        case "23502": meaning = "a value careplan needs is missing\(table)"
        case "23514": meaning = "a value breaks a rule of the store\(constraint)"
        case _ where state.hasPrefix("22"): meaning = "the database server cannot take a value\(table)"
        case _ where state.hasPrefix("54"): meaning = "the statement is beyond the database server's limits"
        case _ where state.hasPrefix("42"): meaning = "the database server refused a statement of careplan's"
        default: meaning = "the database server failed the statement"
        }
        return meaning + " (SQLSTATE \(state))"
    }
}

/// What the store's code runs its statements on inside one transaction.
final class PostgresTransaction: SQLConnection {
    let link: PostgresLink
    let connection: PostgresConnection
    let deadline: Double

    init(link: PostgresLink, connection: PostgresConnection, deadline: Double) {
        self.link = link; self.connection = connection; self.deadline = deadline
    }

    var dialect: Dialect { .postgres }

    func execute(_ sql: String, _ arguments: StatementArguments) throws -> Int {
        if arguments.isEmpty {
            // A schema step's script: PostgreSQL's extended protocol takes one statement at a time.
            var changes = 0
            for statement in SQLScanner.statements(sql) { changes = try run(statement, arguments).metadata.rows ?? 0 }
            return changes
        }
        return try run(sql, arguments).metadata.rows ?? 0
    }

    func fetch(_ sql: String, _ arguments: StatementArguments) throws -> [Row] {
        try run(sql, arguments).rows.map { row in
            var columns: [String] = [], values: [SQLValue] = []
            for cell in row {
                columns.append(cell.columnName)
                values.append(try cell.sqlValue())
            }
            return Row(columns: columns, values: values)
        }
    }

    func lastInsertedRowID() throws -> Int64 {
        try run("SELECT lastval()", []).rows.first?.decode(Int64.self) ?? 0
    }

    private func run(_ sql: String, _ arguments: StatementArguments) throws -> PostgresQueryResult {
        try link.query(PostgresSQL.query(sql, arguments), on: connection, deadline: deadline)
    }
}
