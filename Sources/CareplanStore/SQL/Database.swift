/// What an engine gives the store inside one of its transactions: statements with GRDB's placeholders
/// (`?`, `?NNN`, `:name`), which the engine translates if it must.
public protocol SQLConnection: AnyObject {
    var dialect: Dialect { get }
    /// Runs one statement, or a script of several when there are no arguments (schema steps); returns how many
    /// rows the (last) statement changed.
    func execute(_ sql: String, _ arguments: StatementArguments) throws -> Int
    /// Runs one statement and returns all its rows.
    func fetch(_ sql: String, _ arguments: StatementArguments) throws -> [Row]
    /// The id of the last row inserted on this connection.
    func lastInsertedRowID() throws -> Int64
}

/// The store's view of a transaction, handed to every read and write body: GRDB's names, so the store's
/// code reads as it did over GRDB. Valid only inside the body it was handed to.
public final class Database {
    let connection: any SQLConnection
    /// The store's audit key and test clock: `audit()` keys its entries with it, in Swift, on every engine.
    public let keeper: AuditKeeper
    /// Rows changed by the last `execute`.
    public private(set) var changesCount = 0

    public init(_ connection: any SQLConnection, keeper: AuditKeeper = AuditKeeper()) {
        self.connection = connection
        self.keeper = keeper
    }

    public var dialect: Dialect { connection.dialect }

    public func execute(sql: String, arguments: StatementArguments = []) throws {
        changesCount = try connection.execute(sql, arguments)
    }

    func fetch(_ sql: String, _ arguments: StatementArguments) throws -> [Row] {
        try connection.fetch(sql, arguments)
    }

    public var lastInsertedRowID: Int64 {
        get throws { try connection.lastInsertedRowID() }
    }

    public func makeStatement(sql: String) throws -> Statement { Statement(database: self, sql: sql) }

    /// The engines keep their own statement caches; the name stays for the code written against GRDB.
    public func cachedStatement(sql: String) throws -> Statement { Statement(database: self, sql: sql) }

    public func tableExists(_ name: String) throws -> Bool {
        try Int.fetchOne(self, sql: dialect.tableExistsSQL, arguments: [name]) != nil
    }

    public func indexExists(_ name: String) throws -> Bool {
        try Int.fetchOne(self, sql: dialect.indexExistsSQL, arguments: [name]) != nil
    }
}

/// What a store needs from an engine. Every failure an engine throws from `read` and `write` is either the
/// body's own error, passed through, or one of its own, which `describe` puts in words.
public protocol SQLEngine: AnyObject, Sendable {
    var dialect: Dialect { get }
    /// What names this store for its audit anchor outside it: the file's path, or
    /// `postgres://host:port/database#schema` (never a password).
    var identity: String { get }
    /// A consistent snapshot for the whole body.
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T
    /// Serialised with every other writer, on every host, from its first statement; durable when it returns.
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T
    /// `write`, for a change the runtime replays after a failure, named by `fingerprint`. An engine that can lose a
    /// commit's answer (a server gone between COMMIT and its reply) finds out after reconnecting whether that
    /// write committed, and `committed` then says so once, so the replayed change is not written twice.
    func write<T>(fingerprint: String, _ body: (any SQLConnection) throws -> T) throws -> T
    /// Whether the write named `fingerprint`, whose answer was lost, committed after all (true once, then forgotten).
    func committed(_ fingerprint: String) -> Bool
    /// For tests only: `write` with foreign keys not enforced, to change a store as someone going around careplan
    /// could (a record deleted under the ones that name it). An engine that cannot throws.
    func writeWithoutForeignKeys<T>(_ body: (any SQLConnection) throws -> T) throws -> T
    /// Runs the schema migration: alone among the processes opening the store together (PostgreSQL takes a
    /// session advisory lock; SQLite's write lock already serialises each step).
    func migrating<T>(_ body: () throws -> T) throws -> T
    /// A number that moves when another connection commits (and not for this one's own writes).
    func changeCounter() throws -> Int
    /// The engine's own check of the stored data: `ok`, or one line per problem.
    func integrityCheck() throws -> String
    /// The engine's plan for a query, one line per step (tests hold the worklist to index scans with it).
    func queryPlan(_ sql: String, _ arguments: StatementArguments) throws -> [String]
    /// Why the store must not be written (damage found), once the engine has seen it.
    var damage: String? { get }
    /// An error of the engine's in words a nurse can act on (`WriteFailure`'s words where one fits), or nil
    /// when it is not the engine's. Damage is noted on the way.
    func describe(_ error: any Error) -> String?
}

extension SQLEngine {
    /// An engine that never loses a commit's answer (SQLite: the answer is the local call's return) needs neither.
    public func write<T>(fingerprint: String, _ body: (any SQLConnection) throws -> T) throws -> T { try write(body) }
    public func committed(_ fingerprint: String) -> Bool { false }
}
