import CareplanCore
import CareplanPostgres
import CareplanSQLite
import CareplanStore
import Foundation

/// Where the store is, as `--store` or CAREPLAN_STORE give it: a file path (SQLite, the default), or a
/// `postgres://` / `postgresql://` address (PostgreSQL). The one place that decides which engine a value
/// means; everything after opening takes a `CareRepository`.
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// `value` as given (`--store`), else CAREPLAN_STORE, else the default store file.
    public static func chosen(_ value: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StoreLocation {
        if let value, !value.isEmpty { return try parse(value, environment: environment) }
        if let value = environment["CAREPLAN_STORE"], !value.isEmpty { return try parse(value, environment: environment) }
        return .sqlite(path: CareStore.defaultPath(environment: environment))
    }

    /// A value whose scheme is postgres: or postgresql: (any case) is PostgreSQL, refused if malformed; anything
    /// else is a path, as it always was.
    public static func parse(_ value: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StoreLocation {
        guard PostgresLocation.isAddress(value) else { return .sqlite(path: value) }
        var surroundings = PostgresSurroundings.current
        surroundings.environment = environment
        return .postgres(try PostgresLocation.resolve(value, in: surroundings))
    }

    /// What careplan prints, logs and audits for the store: the path, or the address without its password.
    public var redacted: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let server): return server.redacted
        }
    }

    /// The folder for `careplan.log`: the store file's own; for a server, careplan's data folder on this host.
    public var logFolder: String {
        switch self {
        case .sqlite(let path): return URL(fileURLWithPath: path).deletingLastPathComponent().path
        case .postgres: return URL(fileURLWithPath: CareStore.defaultPath()).deletingLastPathComponent().path
        }
    }

    /// Opens the store, creating it (SQLite: its folders and file; a server: the schema) if need be, for the
    /// commands that write. `checkInBackground`: SQLite's quick check of every page beside start-up.
    public func open(auditKey: String? = nil, checkInBackground: Bool = false) throws -> CareStore {
        switch self {
        case .sqlite(let path): return try CareStore(path: path, auditKey: auditKey, checkInBackground: checkInBackground)
        case .postgres(let server): return try named(server) { try CareStore(postgres: server, auditKey: auditKey) }
        }
    }

    /// A server's refusal names the server (which of several a site has), without its password.
    private func named(_ server: PostgresLocation, _ open: () throws -> CareStore) throws -> CareStore {
        do { return try open() } catch StoreError.cannotOpen(let why) where !why.contains(server.redacted) {
            throw StoreError.cannotOpen("\(server.redacted): \(why)")
        }
    }

    /// Opens a store that exists, for commands that only read: a mistyped path or address creates nothing.
    public func openExisting() throws -> CareStore {
        switch self {
        case .sqlite(let path): return try CareStore.openExisting(path: path)
        case .postgres(let server):
            // Opening makes a schema's tables: looked at first on a connection of its own, so that a mistyped
            // database or schema does not become an empty store.
            return try named(server) {
                let probe = try PostgresEngine(server)
                defer { probe.close() }
                guard try probe.read({ try !$0.fetch(Dialect.postgres.tableExistsSQL, ["grdb_migrations"]).isEmpty }) else {
                    throw StoreError.cannotOpen("there is no careplan store at \(server.redacted) (its schema has no careplan tables). "
                                                + "Check --store or CAREPLAN_STORE; nothing was created")
                }
                return try CareStore(postgres: server)
            }
        }
    }
}
