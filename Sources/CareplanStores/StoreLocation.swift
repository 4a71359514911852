import CareplanCore
import CareplanSQLite
import Foundation

/// Where the store is, as `--store` or CAREPLAN_STORE give it: a file path (SQLite, the default), or a
/// `postgres://` / `postgresql://` address (PostgreSQL). The one place that decides which engine a value
/// means; everything after opening takes a `CareRepository`.
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)

    /// `value` as given (`--store`), else CAREPLAN_STORE, else the default store file.
    public static func chosen(_ value: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StoreLocation {
        if let value, !value.isEmpty { return try parse(value, environment: environment) }
        if let value = environment["CAREPLAN_STORE"], !value.isEmpty { return try parse(value, environment: environment) }
        return .sqlite(path: CareStore.defaultPath(environment: environment))
    }

    /// A `postgres://` or `postgresql://` address is PostgreSQL; anything else is a path, as it always was.
    public static func parse(_ value: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StoreLocation {
        .sqlite(path: value)
    }

    /// What careplan prints, logs and audits for the store: the path, or the address without its password.
    public var redacted: String {
        switch self {
        case .sqlite(let path): return path
        }
    }

    /// The folder for `careplan.log`: the store file's own; for a server, careplan's data folder on this host.
    public var logFolder: String {
        switch self {
        case .sqlite(let path): return URL(fileURLWithPath: path).deletingLastPathComponent().path
        }
    }

    /// Opens the store, creating it (SQLite: its folders and file; a server: the schema) if need be, for the
    /// commands that write. `checkInBackground`: SQLite's quick check of every page beside start-up.
    public func open(auditKey: String? = nil, checkInBackground: Bool = false) throws -> CareStore {
        switch self {
        case .sqlite(let path): return try CareStore(path: path, auditKey: auditKey, checkInBackground: checkInBackground)
        }
    }

    /// Opens a store that exists, for commands that only read: a mistyped path creates nothing.
    public func openExisting() throws -> CareStore {
        switch self {
        case .sqlite(let path): return try CareStore.openExisting(path: path)
        }
    }
}
