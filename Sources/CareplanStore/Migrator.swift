/// The schema steps, by name, run in order on either engine. Which steps a store has is kept in GRDB's own
/// table, `grdb_migrations`, so every store GRDB's migrator made carries on as it is.
struct Migrator {
    private(set) var migrations: [String] = []
    private var steps: [String: (Database) throws -> Void] = [:]

    mutating func registerMigration(_ identifier: String, migrate: @escaping (Database) throws -> Void) {
        precondition(steps[identifier] == nil, "the schema step \(identifier) is registered twice")
        migrations.append(identifier)
        steps[identifier] = migrate
    }

    /// Every step the store records, known or not (a newer careplan's), in the order they were applied as far as
    /// the engine can tell.
    static func appliedIdentifiers(_ db: Database) throws -> [String] {
        try db.tableExists("grdb_migrations") ? String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
    }

    /// The known steps the store has, in the known order.
    func appliedMigrations(_ db: Database) throws -> [String] {
        let applied = Set(try Self.appliedIdentifiers(db))
        return migrations.filter(applied.contains)
    }

    /// Runs each missing step in a write transaction of its own, together with its record, so a step is either
    /// done and recorded or neither. Another process may have run it meanwhile: each is looked for again under
    /// the write lock. `upTo` stops after that step (tests make stores as older careplans left them).
    func migrate(_ engine: any SQLEngine, keeper: AuditKeeper, upTo last: String? = nil) throws {
        let applied = Set(try engine.read { c in try Self.appliedIdentifiers(Database(c, keeper: keeper)) })
        let wanted = last.map { last in Array(migrations.prefix { $0 != last }) + [last] } ?? migrations
        let missing = wanted.filter { !applied.contains($0) }
        guard !missing.isEmpty else { return }
        try engine.write { c in
            let db = Database(c, keeper: keeper)
            if try !db.tableExists("grdb_migrations") {
                try db.execute(sql: db.dialect.ddl("CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)"))
            }
        }
        for identifier in missing {
            try engine.write { c in
                let db = Database(c, keeper: keeper)
                guard try !Self.applied(identifier, db) else { return }
                try steps[identifier]!(db)
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [identifier])
            }
        }
    }

    static func applied(_ identifier: String, _ db: Database) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT 1 FROM grdb_migrations WHERE identifier = ?", arguments: [identifier]) != nil
    }
}
