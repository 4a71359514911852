import CareplanCore
import Foundation

/// Stores that careplan must not write: damaged ones, and ones written by a newer careplan.
extension CareStore {
    /// Why the store must not be written, if it is damaged.
    public var damage: String? { engine.damage }

    /// Why nothing may be written to the store (damaged, or its audit key is not the one at hand), if so.
    public var writesRefused: String? { damage ?? wrongKey.withLock { $0 } }

    /// The engine's own full check of the stored data (`ok`, or one line per problem), for tests and `careplan check --store`.
    public func integrityCheck() throws -> String {
        try mappingFailures(StoreError.cannotOpen) { try engine.integrityCheck() }
    }

    /// A store migrated by a newer careplan has tables or meanings this one does not know: writing to it
    /// could break it for the version that made it. Refused, naming both.
    /// Called before each try of the migration, whose retries cover a store being created by another terminal.
    func refuseNewerSchema() throws {
        let applied = try engine.read { try Migrator.appliedIdentifiers(Database($0, keeper: auditKeeper)) }
        if let why = Self.newerSchema(applied: applied, path: engine.identity) { throw StoreError.cannotOpen(why) }
    }

    /// Why a store with these migrations applied is one of a newer careplan, or nil.
    public static func newerSchema(applied: [String], path: String?) -> String? {
        let known = migrationNames
        let unknown = applied.filter { !known.contains($0) }
        guard !unknown.isEmpty else { return nil }
        return "\(path ?? "the store") was written by a newer careplan: its schema has "
            + unknown.map { "“\($0)”" }.joined(separator: ", ")
            + ", which this careplan does not know (the newest it knows is “\(known.last!)”). "
            + "Use the newer careplan with it; this one has changed nothing"
    }
}
