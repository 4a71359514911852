import CareplanCore
import Crypto
import Foundation
import Synchronization

/// The store: every repository method once, over an engine that runs its SQL (SQLite through GRDB in
/// CareplanSQLite, a PostgreSQL server in CareplanPostgres). Each engine adds its own `init`.
public final class CareStore: CareRepository {
    public let engine: any SQLEngine
    /// The audit key and the anchor of the trail's head, outside the store.
    let auditKeeper: AuditKeeper
    /// Why entries must not be appended with the key at hand: the trail's newest entry was not made with it.
    let wrongKey = Mutex<String?>(nil)
    let notes = Mutex<[String]>([])
    /// What the engine found at opening that the user must hear about (permissions corrected, say), as sentences.
    let engineWarnings: [String]

    /// What opening found that the user must hear about (the audit trail's guards restored, the trail keyed
    /// from now on, a damaged store), each a sentence without its full stop.
    public var openingNotes: [String] { notes.withLock { $0 } }

    public var openingWarnings: [String] { engineWarnings + openingNotes.map { "Note: \($0)." } }

    /// Opens the store the engine holds: schema brought up to date, the audit trail's guards, key and anchor
    /// checked. `warnings` are the engine's own, shown first.
    public init(engine: any SQLEngine, keeper: AuditKeeper, warnings: [String] = []) throws {
        self.engine = engine
        auditKeeper = keeper
        engineWarnings = warnings
        try migrate()
        if let damage { notes.withLock { $0.append(damage) } }
        let audit = try openAuditTrail()
        notes.withLock { $0 += audit }
    }

    /// Runs `body` in one write transaction, serialised with every other writer; durable when it returns. The
    /// anchor outside the store moves on once it has committed.
    func write<T>(_ body: (Database) throws -> T) throws -> T { try write(fingerprint: nil, body) }

    /// `write`, for a change the runtime may replay after a failure (design 6.5): when the engine found that an
    /// earlier try committed though its answer was lost, `stored` reads the result instead of writing it twice.
    /// `change` names the change exactly (what, where, from which base, by whom), not when.
    func write<T>(once change: String, _ body: (Database) throws -> T, stored: (Database) throws -> T) throws -> T {
        let fingerprint = SHA256.hash(data: Data(change.utf8)).hex
        if engine.committed(fingerprint) { return try read(stored) }
        return try write(fingerprint: fingerprint, body)
    }

    private func write<T>(fingerprint: String?, _ body: (Database) throws -> T) throws -> T {
        if let refused = writesRefused { throw StoreError.cannotWrite(refused) }
        func run(_ c: any SQLConnection) throws -> T { try body(Database(c, keeper: auditKeeper)) }
        let result = try mappingFailures(StoreError.cannotWrite) {
            if let fingerprint { return try engine.write(fingerprint: fingerprint, run) }
            return try engine.write(run)
        }
        anchorAuditHead()
        return result
    }

    /// Runs `body` on one consistent snapshot.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try mappingFailures(StoreError.cannotOpen) { try engine.read { try body(Database($0, keeper: auditKeeper)) } }
    }

    /// The engine's failures in words a nurse can act on, as `failure` (cannotWrite or cannotOpen); the store's
    /// own errors, and any the engine does not know, pass as they are.
    func mappingFailures<T>(_ failure: (String) -> StoreError, _ body: () throws -> T) throws -> T {
        do { return try body() }
        catch let e as StoreError { throw e }
        catch {
            guard let why = engine.describe(error) else { throw error }
            throw failure(why)
        }
    }

    /// Writes with no audit entry, straight through the engine (foreign keys not enforced, if so asked): for
    /// tests that change a store as someone going around careplan would, to show that verify notices.
    @_spi(StoreTesting) public func unauditedWrite(foreignKeys: Bool = true, _ body: (Database) throws -> Void) throws {
        let run = { (c: any SQLConnection) in try body(Database(c, keeper: self.auditKeeper)) }
        try foreignKeys ? engine.write(run) : engine.writeWithoutForeignKeys(run)
    }

    /// Reads straight through the engine, for tests.
    @_spi(StoreTesting) public func unauditedRead<T>(_ body: (Database) throws -> T) throws -> T {
        try engine.read { try body(Database($0, keeper: auditKeeper)) }
    }
}
