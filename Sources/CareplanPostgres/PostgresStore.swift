import CareplanCore
import CareplanStore

extension CareStore {
    /// Opens (making its schema if need be) the store in the PostgreSQL database and schema `location` names.
    /// Its audit anchor lives beside the key, named by the store's identity (host:port/database/schema): each
    /// host keeps its own. `auditKey` is the key file's path (default: `AuditKeeper.defaultKeyPath()`), the same
    /// key on every host.
    public convenience init(postgres location: PostgresLocation, auditKey: String? = nil) throws {
        let engine = try PostgresEngine(location)
        let keeper = AuditKeeper(keyPath: auditKey ?? AuditKeeper.defaultKeyPath(), storeIdentity: engine.identity)
        try self.init(engine: engine, keeper: keeper, warnings: engine.warnings.map { "Warning: \($0)." })
    }
}
