import GRDB
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore

/// A store that cannot be written: the disk is full, or the store is read-only. Each refusal is clean
/// (nothing half-written, the file intact, the audit chain unbroken) and the same change succeeds once
/// the store can take it again.
final class FaultTests: XCTestCase {
    var dir: URL!
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("faults-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func storeWithAssessment() throws -> (CareStore, Assessment) {
        let store = try CareStore(path: dir.appendingPathComponent("s.sqlite").path)
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), now: now)
        var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician,
                                          date: LocalDate(year: 2026, month: 11, day: 23)!, catalogue: StoreTests.catalogue, createdBy: "t", now: now)
        a = try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 6)), to: a.id, basedOn: a, now: now)
        return (store, a)
    }

    /// The store may not grow beyond the pages it has: what SQLite reports on a full disk.
    static func fillDisk(_ store: CareStore) throws {
        try store.db.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
    }

    static func freeDisk(_ store: CareStore) throws {
        try store.db.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
    }

    func testFullDiskRefusesWholeChangesAndTakesThemOnceThereIsSpace() throws {
        let (store, a) = try storeWithAssessment()
        try Self.fillDisk(store)
        // A long note needs new pages, which the full disk cannot give.
        let note = String(repeating: "Worse at night, better with paracetamol. ", count: 400)
        XCTAssertThrowsError(try store.apply(.setNote(key: "pain", text: note), to: a.id, basedOn: a, now: now)) { e in
            XCTAssertEqual(e as? StoreError, .cannotWrite("the disk is full"))
            XCTAssertEqual((e as? StoreError)?.description, "Not saved: the disk is full. What you typed is kept; it is saved when you try again")
        }
        let unchanged = try XCTUnwrap(try store.assessment(id: a.id))
        XCTAssertEqual(unchanged, a, "nothing of the refused change, not even the revision")
        XCTAssertEqual(try store.integrityCheck(), "ok")

        try Self.freeDisk(store)
        let saved = try store.apply(.setNote(key: "pain", text: note), to: a.id, basedOn: a, now: now)
        XCTAssertEqual(saved.concern("pain")?.note, TextCleaner.multiLine(note))
        XCTAssertEqual(saved.revision, a.revision + 1)
        XCTAssertEqual(try store.integrityCheck(), "ok")
        guard case .intact = try store.verifyAuditTrail() else { return XCTFail("audit chain broken by the refused write") }
    }

    func testReadOnlyStoreRefusesWithItsOwnReasonAndStillReads() throws {
        let (store, a) = try storeWithAssessment()
        try store.db.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 1") }
        XCTAssertThrowsError(try store.apply(.setDistress(7), to: a.id, basedOn: a, now: now)) { e in
            XCTAssertEqual(e as? StoreError, .cannotWrite("the store is read-only"))
        }
        XCTAssertEqual(try store.assessment(id: a.id), a, "reading goes on")
        XCTAssertEqual(try store.searchPatients("wis").count, 1)
        try store.db.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 0") }
        XCTAssertEqual(try store.apply(.setDistress(7), to: a.id, basedOn: a, now: now).distressScore, 7)
    }

}
