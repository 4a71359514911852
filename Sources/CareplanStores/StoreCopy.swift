import CareplanCore
import CareplanPostgres
import CareplanStore
import Foundation

/// `careplan store copy FROM TO`: every record of an open store into a new one, on either engine, in one write
/// transaction on the new store that commits only when every table's count and content digest equal the
/// original's. The audit trail goes across as it is (the same key keys it), and each side records the copy.
public struct StoreCopy {
    /// A new store being made: its engine, its address as shown, and how to undo what the copy made.
    public struct Target {
        public let engine: any SQLEngine
        /// Its address without a password (audited, printed).
        public let name: String
        /// Removes what was made when the copy fails (SQLite: the new file and its -wal and -shm); false when it
        /// could not (a server gone).
        let discard: () -> Bool
        /// Opens it as a store once the copy has committed.
        let open: () throws -> CareStore
        /// Where this host anchors the trail of a store at this address (beside the audit key).
        let anchorPath: String?

        public init(engine: any SQLEngine, name: String, anchorPath: String?, discard: @escaping () -> Bool, open: @escaping () throws -> CareStore) {
            self.engine = engine
            self.name = name
            self.anchorPath = anchorPath
            self.discard = discard
            self.open = open
        }
    }

    /// What a copy did: the rows of each table, and the copy's trail, verified.
    public struct Report {
        public var rows: [(table: String, rows: Int)]
        public var auditEntries: Int
        public var copy: CareStore
        /// What the person must hear about besides (an earlier store's anchor kept aside).
        public var notes: [String] = []
    }

    /// Why a copy did not happen; nothing was left in TO.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ d: String) { description = d }
    }

    /// Placeholders per statement: below both engines' limits (SQLite 32,766, PostgreSQL 65,535).
    static let bindLimit = 32_000
    /// Rows per page read from FROM.
    static let pageRows = 1_000

    /// Copies `from` (open, migrated, signed in to by an administrator: `user`) into `to`. `progress(done, total)`
    /// is called as rows go across. Any failure removes what was made in TO, or says it could not and what to
    /// do; FROM gains only its audit entry.
    public static func copy(from: CareStore, fromName: String, to: Target, by user: String,
                            progress: (Int, Int) -> Void = { _, _ in }) throws -> Report {
        if let refused = from.writesRefused { throw Failure("\(fromName) takes no writes, so its copy cannot be audited: \(refused)") }
        var notes: [String] = []
        var making = false
        do {
            // The copy's trail is verified before careplan says it is intact: a trail that does not verify here would
            // not there either, so that is said first.
            if case .broken(let id, let why) = try from.verifyAuditTrail() {
                throw Failure("the audit trail of \(fromName) does not verify" + (id.map { " at entry \($0)" } ?? "")
                              + ": \(why). Nothing was copied: run `careplan audit --verify` on it")
            }
            // TO is new: an anchor this host kept for that address belongs to a store that was there before (removed,
            // or a copy that failed after opening), and would make the new trail look rewritten. Kept aside, not lost.
            if let anchor = to.anchorPath, FileManager.default.fileExists(atPath: anchor) {
                let aside = anchor + ".before-copy-" + String(Int(Date().timeIntervalSince1970))
                try FileManager.default.moveItem(atPath: anchor, toPath: aside)
                notes.append("this host's anchor of a store that was at \(to.name) before was kept aside as \(aside)")
            }
            making = true
            let steps = try CareStore.makeSchema(on: to.engine)
            guard try steps == from.appliedMigrations() else {
                throw Failure("\(to.name) was not made with the same schema steps as \(fromName): nothing was copied")
            }
            try from.recordCopy(user: user, action: "copied the store", other: "to " + to.name)
            let rows = try copyRows(from.engine, to.engine, progress: progress)
            let copy = try to.open()
            if let refused = copy.writesRefused { throw Failure("the copy cannot be written: \(refused)") }
            try copy.recordCopy(user: user, action: "copied from", other: fromName)
            switch try copy.verifyAuditTrail() {
            case .intact(let n): return Report(rows: rows, auditEntries: n, copy: copy, notes: notes)
            case .broken(let id, let why):
                throw Failure("the copy's audit trail does not verify" + (id.map { " at entry \($0)" } ?? "") + ": \(why)")
            }
        } catch {
            let why = words(error, [to.engine, from.engine])
            if to.discard() || !making {
                throw Failure(why + (making ? "; what the copy made at \(to.name) is removed" : ""))
            }
            throw Failure(why + ". Nothing was copied, but the empty tables careplan made at \(to.name) could not be removed "
                          + "(the database server could not be reached): copying again, once it answers, removes them first")
        }
    }

    /// A failure in words: careplan's own, or a server's through its engine's (postgres-nio's own text is a
    /// placeholder an administrator cannot act on).
    static func words(_ error: any Error, _ engines: [any SQLEngine]) -> String {
        if let failure = error as? Failure { return failure.description }
        for case let server as PostgresEngine in engines {
            if let words = server.administratorWords(for: error) { return words }
        }
        return String(describing: error)
    }

    /// Every table's rows from `source` into `target` in one write transaction on `target`, within one read of
    /// `source` (a snapshot); committed only when each table's count and content digest read back equal.
    static func copyRows(_ source: any SQLEngine, _ target: any SQLEngine, progress: (Int, Int) -> Void) throws -> [(table: String, rows: Int)] {
        try target.write { t in
            let into = Database(t)
            return try source.read { s in
                let from = Database(s)
                let counts = try CareStore.copiedTables.map { try count($0, from) }
                let total = counts.reduce(0, +)
                var done = 0
                progress(0, total)
                var result: [(table: String, rows: Int)] = []
                // The patient tally's trigger would update its one row once per patient: on PostgreSQL every update
                // leaves a version the next must pass (quadratic in one transaction: minutes at 100,000). The
                // tally is set once at the end instead (`finish`); foreign keys (system triggers) stay on.
                if into.dialect == .postgres { try into.execute(sql: "ALTER TABLE patient DISABLE TRIGGER USER") }
                for (table, expected) in zip(CareStore.copiedTables, counts) {
                    var digest = ContentDigest()
                    var copied = 0
                    try pages(table, from) { rows in
                        for r in rows { digest.add(r.values) }
                        copied += rows.count
                        if table.made { try replace(table, rows, into) } else { try insert(table, rows, into) }
                        done += rows.count
                        progress(done, total)
                    }
                    var check = ContentDigest()
                    var present = 0
                    try pages(table, into) { rows in
                        for r in rows { check.add(r.values) }
                        present += rows.count
                    }
                    guard copied == expected, present == copied, check.hex == digest.hex else {
                        throw Failure("the table \(table.name) did not copy whole (\(expected) rows in the original, \(copied) read, \(present) in the copy"
                                      + (check.hex == digest.hex ? "" : ", their content differs") + "): nothing was copied")
                    }
                    result.append((table.name, copied))
                }
                if into.dialect == .postgres { try into.execute(sql: "ALTER TABLE patient ENABLE TRIGGER USER") }
                try finish(into)
                return result
            }
        }
    }

    static func count(_ table: CareStore.CopiedTable, _ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)") ?? 0
    }

    /// The table's rows a page at a time in key order, each page after the last key read (keyset paging: no
    /// OFFSET, which rereads what it skips). Only the table's own columns are handed on: not the engine's row
    /// id, which differs between engines and is left to the target. A table the steps made holds a row or two: read whole.
    static func pages(_ table: CareStore.CopiedTable, _ db: Database, _ body: ([Row]) throws -> Void) throws {
        if table.made {
            try body(try Row.fetchAll(db, sql: "SELECT * FROM \(table.name)").map { own($0, table) })
            return
        }
        let order = table.key.isEmpty ? [db.dialect.rowid] : table.key.map(quoted)
        let select = table.key.isEmpty ? "SELECT \(db.dialect.rowid) AS careplan_copy_key, *" : "SELECT *"
        var last: [SQLValue]?
        while true {
            let after = last.map { "WHERE (\(order.joined(separator: ", "))) > (\(databaseQuestionMarks(count: $0.count)))" } ?? ""
            let rows = try Row.fetchAll(db, sql: "\(select) FROM \(table.name) \(after) ORDER BY \(order.joined(separator: ", ")) LIMIT \(pageRows)",
                                        arguments: StatementArguments(last ?? []))
            guard let end = rows.last else { return }
            last = table.key.isEmpty ? [end["careplan_copy_key"]] : table.key.map { end[$0] }
            try body(rows.map { own($0, table) })
            if rows.count < pageRows { return }
        }
    }

    /// A row's own columns: without the copy's key and, for a table without a key, the engine's row id
    /// (PostgreSQL gives such a table an `id`; SQLite's rowid is not a column).
    static func own(_ row: Row, _ table: CareStore.CopiedTable) -> Row {
        guard table.key.isEmpty else { return row }
        let kept = row.columns.indices.filter { row.columns[$0] != "careplan_copy_key" && row.columns[$0] != "id" }
        return Row(columns: kept.map { row.columns[$0] }, values: kept.map { row.values[$0] })
    }

    /// The rows as read, in multi-row INSERTs of as many rows as the placeholders allow; ids given explicitly.
    static func insert(_ table: CareStore.CopiedTable, _ rows: [Row], _ db: Database) throws {
        guard let first = rows.first else { return }
        let columns = first.columns.map(quoted).joined(separator: ", ")
        let one = "(" + databaseQuestionMarks(count: first.count) + ")"
        let perStatement = max(1, bindLimit / max(1, first.count))
        var start = 0
        while start < rows.count {
            let batch = rows[start ..< min(rows.count, start + perStatement)]
            try db.execute(sql: "INSERT INTO \(table.name) (\(columns)) VALUES " + Array(repeating: one, count: batch.count).joined(separator: ", "),
                           arguments: StatementArguments(batch.flatMap(\.values)))
            start += batch.count
        }
    }

    /// A table the schema steps filled: its rows are set to the original's (the tally and the state row).
    static func replace(_ table: CareStore.CopiedTable, _ rows: [Row], _ db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table.name)")
        try insert(table, rows, db)
    }

    /// After the rows: the patient tally as the patients are (its trigger counted each insert on top of the
    /// original's tally), the change counter from 0, and PostgreSQL's identities past the ids given.
    static func finish(_ db: Database) throws {
        try db.execute(sql: "UPDATE patient_tally SET n = (SELECT count(*) FROM patient)")
        try db.execute(sql: "UPDATE careplan_state SET changes = 0")
        guard db.dialect == .postgres else { return }  // SQLite's sqlite_sequence follows explicit ids itself
        for table in CareStore.copiedTables where table.key == ["id"] {
            try db.execute(sql: "SELECT setval(pg_get_serial_sequence('\(table.name)', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) FROM \(table.name)")
        }
    }

    static func quoted(_ column: String) -> String { "\"\(column)\"" }
}

extension StoreLocation {
    /// A new store here for a copy, with nothing in it: refused where a store (or any file) already is.
    public func newStore() throws -> StoreCopy.Target {
        switch self {
        case .sqlite(let path):
            if let why = AuditKeeper.placementProblem(keyPath: AuditKeeper.defaultKeyPath(), storePath: path) { throw StoreError.cannotOpen(why) }
            var info = stat()
            guard lstat(path, &info) != 0 else { throw StoreCopy.Failure("\(path) already exists: copy into a new store (careplan never writes over a file)") }
            let engine = try CareStore.newEngine(path: path)
            // The file was made here, now: removing it and its journal undoes the copy.
            let anchor = AuditKeeper(keyPath: AuditKeeper.defaultKeyPath(), storePath: path).anchorPath
            return StoreCopy.Target(engine: engine, name: redacted, anchorPath: anchor, discard: { for end in ["", "-wal", "-shm"] { unlink(path + end) }; return true },
                                    open: { try CareStore(path: path) })
        case .postgres(let server):
            return try .postgres(server)
        }
    }
}

extension StoreCopy.Target {
    /// A PostgreSQL database (or the schema its search_path names) that holds nothing of its own: no table,
    /// view, sequence or function (an extension's aside), or only the empty tables of a copy that did not
    /// finish, which are dropped first. The schema steps commit one by one, so a copy that fails drops the
    /// tables (and trigger functions) they made.
    public static func postgres(_ location: PostgresLocation) throws -> StoreCopy.Target {
        let engine = try PostgresEngine(location)
        do {
            if try refuseUnlessEmpty(engine, location) {
                engine.close()
                guard dropCareplanObjects(location) else {
                    throw StoreCopy.Failure("\(location.redacted) holds the empty tables of a copy that did not finish, and they could not be removed: \(WriteFailure.serverUnreachable.rawValue)")
                }
                return try postgres(location)
            }
        } catch {
            engine.close()
            throw StoreCopy.Failure(StoreCopy.words(error, [engine]))
        }
        let anchor = AuditKeeper(keyPath: AuditKeeper.defaultKeyPath(), storeIdentity: engine.identity).anchorPath
        return StoreCopy.Target(engine: engine, name: location.redacted, anchorPath: anchor, discard: {
            engine.close()
            return dropCareplanObjects(location)
        }, open: {
            engine.close()
            return try CareStore(postgres: location)
        })
    }

    static let careplanTables = CareStore.copiedTables.map(\.name) + CareStore.tablesNotCopied.sorted()
    static let careplanFunctions = ["careplan_append_only", "patient_tally_count"]

    /// Drops careplan's tables and trigger functions, by name, and nothing else; false when it could not (a
    /// server gone). Only ever called on a schema that held nothing else when the copy began (refuseUnlessEmpty),
    /// so every careplan table in it is this copy's, or the empty remains of one that did not finish. On a
    /// connection of its own, within the migration's lock, whose writes need no careplan_state row (it may not
    /// be made yet).
    static func dropCareplanObjects(_ location: PostgresLocation) -> Bool {
        guard let engine = try? PostgresEngine(location) else { return false }
        defer { engine.close() }
        return (try? engine.migrating {
            try engine.write { c -> Void in
                let db = Database(c)
                for table in careplanTables.reversed() { try db.execute(sql: "DROP TABLE IF EXISTS \(table) CASCADE") }
                for function in careplanFunctions { try db.execute(sql: "DROP FUNCTION IF EXISTS \(function)() CASCADE") }
            }
        }) != nil
    }

    /// Refuses a schema that holds anything of its own (another application's tables, a store): a copy must
    /// never write beside them, nor drop them when it fails. True when it holds only what a copy that did not
    /// finish left: careplan's tables (their sequences, its functions) and no record in them, not even an
    /// audit entry (a store that was ever opened has its first).
    static func refuseUnlessEmpty(_ engine: PostgresEngine, _ location: PostgresLocation) throws -> Bool {
        try engine.read { c -> Bool in
            let db = Database(c)
            guard let schema = try String.fetchOne(db, sql: "SELECT current_schema()") else {
                throw StoreCopy.Failure("\(location.redacted): the schema its search_path names does not exist: an administrator makes it (CREATE SCHEMA) first")
            }
            let objects = try Row.fetchAll(db, sql: """
                SELECT kind, name FROM (
                    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' WHEN 'S' THEN 'sequence' ELSE 'table' END AS kind,
                           c.relname::text AS name, c.oid AS object, 'pg_class'::regclass AS catalog
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                    UNION ALL
                    SELECT 'function', p.proname::text, p.oid, 'pg_proc'::regclass
                    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()
                ) o
                WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.catalog AND d.objid = o.object AND d.deptype = 'e')
                ORDER BY kind <> 'table', name
                """).map { (kind: $0["kind"] as String, name: $0["name"] as String) }
            guard !objects.isEmpty else { return false }
            if try db.tableExists("grdb_migrations") {
                let careplans = objects.allSatisfy { o in
                    switch o.kind {
                    case "table": return careplanTables.contains(o.name)
                    case "sequence": return careplanTables.contains { o.name == $0 + "_id_seq" }
                    case "function": return careplanFunctions.contains(o.name)
                    default: return false
                    }
                }
                let tables = Set(objects.filter { $0.kind == "table" }.map(\.name))
                let unfinished = try careplans
                    && CareStore.copiedTables.filter { !$0.made && tables.contains($0.name) }.allSatisfy { try StoreCopy.count($0, db) == 0 }
                if unfinished { return true }
                throw StoreCopy.Failure("\(location.redacted) already holds a careplan store: copy into a new, empty database or schema")
            }
            let named = objects.prefix(2).map { "the \($0.kind) \($0.name)" }
            throw StoreCopy.Failure("\(location.redacted): the schema \(schema) already holds \(named.joined(separator: " and "))"
                                    + (objects.count > named.count ? " (\(objects.count) objects in all)" : "")
                                    + ": a copy needs a new, empty database or schema, and careplan never writes beside another's tables")
        }
    }
}
