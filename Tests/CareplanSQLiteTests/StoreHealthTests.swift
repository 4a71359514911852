import GRDB
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore

/// Issue 9, items 13 and 14: damaged stores and stores from a newer careplan.
final class StoreHealthTests: XCTestCase {
    func testAStoreFromANewerCareplanIsRefusedNamingBothVersions() throws {
        let dir = try newFolder()
        try storeOnDisk(dir).db.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9: from the future')") }
        XCTAssertThrowsError(try storeOnDisk(dir)) { e in
            let said = "\(e)"
            XCTAssertTrue(said.contains("written by a newer careplan"), said)
            XCTAssertTrue(said.contains("“v9: from the future”"), said)
            XCTAssertTrue(said.contains("“\(CareStore.migrationNames.last!)”"), said)
        }
    }

    /// Issue 9 follow-up, items 3 and 8: `careplan check --store` names a newer schema; a store whose record of
    /// step v7 was removed opens (the step finds its work done) and keeps its live kiosk codes.
    func testNewerSchemaIsNamedToCheckAndARemovedV7RecordIsHarmless() throws {
        let dir = try newFolder()
        let store = try storeOnDisk(dir)
        XCTAssertNil(CareStore.newerSchema(path: store.path!))
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "A", givenName: "B",
                                             dateOfBirth: LocalDate(year: 1960, month: 1, day: 1)!), by: "n", now: Date())
        let code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: StoreTests.catalogue, by: "n", now: Date(), validFor: 3600)
        try store.db.write { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v7:%'") }
        let reopened = try storeOnDisk(dir)
        XCTAssertEqual(try reopened.appliedMigrations(), CareStore.migrationNames)
        XCTAssertNoThrow(try reopened.redeemKioskCode(code.code, dateOfBirth: LocalDate(year: 1960, month: 1, day: 1)!, lockout: testLockout, now: Date()))

        try reopened.db.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9: from the future')") }
        XCTAssertTrue(CareStore.newerSchema(path: store.path!)?.contains("written by a newer careplan: its schema has “v9: from the future”") == true)
    }

    func testACorruptedPageIsFoundAtOpeningAndNothingMoreIsWritten() throws {
        let dir = try newFolder()
        let root: Int
        do {
            let store = try storeOnDisk(dir)
            _ = try store.addFictionalPatients(Seeder(catalogue: StoreTests.catalogue, seed: 1, today: LocalDate(year: 2026, month: 11, day: 1)!), count: 300, createdBy: "t")
            root = try store.read { db in try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'assessment'")! }
        }
        // Garbage over the assessment table's root page, as a failing disk leaves it.
        let file = try FileHandle(forWritingTo: dir.appendingPathComponent("store/careplan.sqlite"))
        try file.seek(toOffset: UInt64((root - 1) * 4096 + 8))
        try file.write(contentsOf: Data((0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }))
        try file.close()

        let store = try storeOnDisk(dir)
        XCTAssertNotNil(store.damage)
        XCTAssertTrue(store.openingNotes.contains { $0.contains("the store is damaged") }, "\(store.openingNotes)")
        XCTAssertThrowsError(try store.recordView(user: "n", patientId: 1)) { e in
            XCTAssertTrue("\(e)".contains("damaged"), "\(e)")
        }
        guard case .broken(nil, let why)? = try? store.verifyAuditTrail() else { return XCTFail("a damaged store's trail passed") }
        XCTAssertTrue(why.contains("damaged"), why)
        XCTAssertNotEqual(try? store.integrityCheck(), "ok")
    }
}
