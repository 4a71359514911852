import CareplanCore
import Foundation
import GRDB

/// Stores that careplan must not write: damaged ones, and ones written by a newer careplan.
extension CareStore {
    static let damagedStore = "the store is damaged (SQLite found a corrupted page), so careplan writes nothing more to it. "
        + "Run `careplan check --store PATH` for the details, keep a copy of the store, then restore it from its last backup or ask IT"

    /// Why the store must not be written, if it is damaged.
    public var damage: String? { damageFound.withLock { $0 } }

    /// Why nothing may be written to the store (damaged, or its audit key is not the one at hand), if so.
    public var writesRefused: String? { damage ?? wrongKey.withLock { $0 } }

    /// Every SQLITE_CORRUPT or SQLITE_NOTADB answer marks the store damaged for the rest of this process.
    func noteDamage(_ e: DatabaseError) {
        guard e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB else { return }
        damageFound.withLock { $0 = $0 ?? Self.damagedStore.replacingOccurrences(of: "PATH", with: path ?? "PATH") }
    }

    /// What went wrong, in words a nurse can act on; damage is noted on the way.
    func describe(_ e: DatabaseError) -> String {
        noteDamage(e)
        return e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB ? damage ?? Self.explain(e) : Self.explain(e)
    }

    /// SQLite's own full check of the file (`ok`, or one line per problem), for tests and `careplan check --store`.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    /// SQLite's full check of the store at `path`, on a read-only connection of its own, so that it runs on a
    /// store too damaged to open for use: `ok`, or one line per problem (`careplan check --store`).
    public static func integrityCheck(path: String) -> String {
        var config = GRDB.Configuration()
        config.readonly = true
        do {
            return try DatabaseQueue(path: path, configuration: config).read { db in
                let answer = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
                // SQLite finds nothing wrong with a table that is not there; careplan does.
                let missing = answer == "ok" && (try? db.tableExists("grdb_migrations")) == true ? try missingAuditedTables(db) : []
                return missing.isEmpty ? answer : missing.map { "the table \($0.table) is missing: it was dropped outside careplan" }.joined(separator: "\n")
            }
        } catch {
            return "\(error)"
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
            let connection = try inBackground ? path.map { try DatabaseQueue(path: $0, configuration: config) } ?? db : db
            let answer = try connection.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            if answer != ["ok"] { damageFound.withLock { $0 = $0 ?? Self.damagedStore.replacingOccurrences(of: "PATH", with: path ?? "PATH") } }
        } catch let e as DatabaseError {
            noteDamage(e)
        } catch {}
    }

    /// A store migrated by a newer careplan has tables or meanings this one does not know: writing to it
    /// could break it for the version that made it. Refused, naming both.
    /// Called before each try of the migration, whose retries cover a store being created by another terminal.
    func refuseNewerSchema() throws {
        let applied = try db.read { db in try Self.appliedMigrationRows(db) }
        if let why = Self.newerSchema(applied: applied, path: path) { throw StoreError.cannotOpen(why) }
    }

    static func appliedMigrationRows(_ db: Database) throws -> [String] {
        try db.tableExists("grdb_migrations") ? String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") : []
    }

    /// Why a store with these migrations applied is one of a newer careplan, or nil.
    static func newerSchema(applied: [String], path: String?) -> String? {
        let known = migrationNames
        let unknown = applied.filter { !known.contains($0) }
        guard !unknown.isEmpty else { return nil }
        return "\(path ?? "the store") was written by a newer careplan: its schema has "
            + unknown.map { "“\($0)”" }.joined(separator: ", ")
            + ", which this careplan does not know (the newest it knows is “\(known.last!)”). "
            + "Use the newer careplan with it; this one has changed nothing"
    }

    /// Why the store at `path` is one of a newer careplan, read on a read-only connection of its own
    /// (`careplan check --store`), or nil.
    public static func newerSchema(path: String) -> String? {
        var config = GRDB.Configuration()
        config.readonly = true
        let applied = try? DatabaseQueue(path: path, configuration: config).read { db in try appliedMigrationRows(db) }
        return newerSchema(applied: applied ?? [], path: path)
    }
}
