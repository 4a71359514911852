import GRDB
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore

/// Issue 16: the schema steps run through the store's own Migrator, which keeps GRDB's `grdb_migrations`, so a
/// store made by the careplan before it (GRDB's DatabaseMigrator) opens and carries on.
final class MigratorTests: XCTestCase {
    /// A store made by main at 37544fa's binary (an administrator, a nurse, 30 fictional patients seeded by her: steps
    /// v1 to v16, 14 keyed audit entries), with its key.
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/store-main-37544fa")

    func testAStoreMadeByTheCareplanBeforeOpensAndMigratesUnchanged() throws {
        let dir = try newFolder()
        for (from, to) in [("careplan.sqlite", "store/careplan.sqlite"), ("audit.key", "keys/audit.key")] {
            let target = dir.appendingPathComponent(to)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent(from), to: target)
            // As careplan made them: git checks files out 0644, whatever they were.
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target.path)
        }
        let path = dir.appendingPathComponent("store/careplan.sqlite").path
        func schema() throws -> [String: String] {
            try DatabaseQueue(path: path).read { db in
                Dictionary(uniqueKeysWithValues: try GRDB.Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
                    .map { ($0["name"] as String, $0["sql"] as String) })
            }
        }
        let before = try schema()
        let steps = try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") }
        XCTAssertEqual(steps.last, "v16-report-speed")

        let store = try storeOnDisk(dir)
        // Every step it had, in order, then only the new one; every table, index and trigger as it was.
        XCTAssertEqual(try store.appliedMigrations(), steps + ["v17-postgres-state"])
        XCTAssertEqual(CareStore.migrationNames, steps + ["v17-postgres-state"])
        let after = try schema()
        XCTAssertEqual(after.filter { before[$0.key] != nil }, before)
        XCTAssertEqual(Set(after.keys).subtracting(before.keys), ["careplan_state", "careplan_write"])
        XCTAssertEqual(try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "SELECT changes FROM careplan_state WHERE id = 1") }, 0)

        // What it held reads back: patients, the staff, the trail (keyed with the key it was made with).
        XCTAssertEqual(try store.searchPatients("", teams: nil, limit: 100).count, 30)
        XCTAssertEqual(try store.users().map(\.userName).sorted(), ["admin", "nia"])
        XCTAssertEqual(try store.auditTrail().count, 14)
        XCTAssertEqual(store.openingNotes, [])
        // Moved to a new path, it has no anchor there until its next entry (as any store moved), then is intact.
        try store.recordListing(user: "nia", listed: "all patients", patients: 30, now: Date())
        XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: 15))
        // Opened again, nothing is left to do.
        XCTAssertEqual(try storeOnDisk(dir).appliedMigrations(), steps + ["v17-postgres-state"])
    }

    func testEachMissingStepRunsOnceWithItsRecordAndTheNewestStepIsTheStateTables() throws {
        let dir = try newFolder()
        let path = dir.appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: path)
        let engine = GRDBEngine(queue: queue, path: path)
        try CareStore.migrator.migrate(engine, keeper: AuditKeeper(), upTo: "v2: export log")
        XCTAssertEqual(try queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") },
                       Array(CareStore.migrationNames.prefix(2)))
        XCTAssertFalse(try queue.read { db in try db.tableExists("kiosk_code") })
        try CareStore.migrator.migrate(engine, keeper: AuditKeeper())
        try CareStore.migrator.migrate(engine, keeper: AuditKeeper())
        XCTAssertEqual(try queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") },
                       CareStore.migrationNames)
        XCTAssertEqual(CareStore.migrationNames.last, "v17-postgres-state")
        XCTAssertEqual(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM careplan_state") }, 1)
        XCTAssertThrowsError(try queue.write { db in try db.execute(sql: "INSERT INTO careplan_state (id, changes) VALUES (2, 0)") }, "one row only")
    }
}
