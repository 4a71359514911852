import GRDB
import XCTest
@testable import CareplanCore

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

    /// `Assessment.applying` (what the screen shows while a change waits for the store) must make exactly the
    /// change the store makes, for every kind of change and for text that needs cleaning.
    func testInMemoryChangeMatchesTheStore() throws {
        let (store, first) = try storeWithAssessment()
        let items = StoreTests.catalogue.allItems.map(\.item).prefix(12)
        let dirty = ["Pain\u{1B}[31m at night", "line one\r\nline two\u{0}", "  spaced  ", "\u{202E}reversed", String(repeating: "x", count: 600), "Siân"]
        var random = SeededRandom(seed: 20261123)
        var a = first
        for step in 0..<400 {
            let keys = a.concerns.map(\.key)
            let change: AssessmentChange
            switch random.int(12) {
            case 0, 1, 2:
                let item = random.pick(Array(items))
                change = .setConcern(ConcernEntry(key: item.id, categoryId: "physical", label: random.pick(dirty) + item.label,
                                                  score: random.chance(0.8) ? random.int(14) - 2 : nil, note: random.pick(dirty)))
            case 3 where !keys.isEmpty: change = .removeConcern(key: random.pick(keys))
            case 4 where !keys.isEmpty: change = .setNote(key: random.pick(keys), text: random.pick(dirty))
            case 5: change = .setDistress(random.chance(0.9) ? random.int(14) - 2 : nil)
            case 6: change = .setWhatMattersToMe(random.pick(dirty))
            case 7:
                let order = keys.shuffled(using: &random).prefix(random.int(keys.count + 1)) + (random.chance(0.2) ? keys.prefix(1) : [])
                change = .setPriorities(order: Array(order), discuss: Set(keys.filter { _ in random.chance(0.5) }))
            case 8 where !keys.isEmpty:
                let existing = a.actions.compactMap(\.id)
                let id: Int64? = random.chance(0.5) && !existing.isEmpty ? random.pick(existing) : nil
                change = .saveAction(AgreedAction(id: id, concernKey: random.pick(keys), what: random.pick(dirty), owner: random.pick(ActionOwner.allCases),
                                                  ownerName: random.pick(dirty), due: LocalDate(year: 2027, month: 1, day: 1 + random.int(28)),
                                                  serviceId: random.chance(0.5) ? "macmillan-support-line" : nil))
            case 9 where !a.actions.isEmpty: change = .deleteAction(id: random.pick(a.actions.compactMap(\.id)))
            case 10: change = .setReviewDate(random.chance(0.8) ? LocalDate(year: 2027, month: 2, day: 1 + random.int(28)) : nil)
            case 11: change = .setPatientMessage(random.pick(dirty))
            default: change = .setDetails(pathwayPoint: random.pick(PathwayPoint.allCases), completedBy: random.pick(CompletedBy.allCases),
                                          date: LocalDate(year: 2026, month: 11, day: 1 + random.int(28))!)
            }
            var expected = a.applying(change)
            let stored = try store.apply(change, to: a.id, basedOn: a, now: now)
            // What only the store can know: the new revision and time, and the id of an added action.
            expected.revision = stored.revision
            expected.updatedAt = stored.updatedAt
            for i in expected.actions.indices where expected.actions[i].id == nil { expected.actions[i].id = stored.actions[i].id }
            expected.concerns.sort { $0.key < $1.key }
            var actual = stored
            actual.concerns.sort { $0.key < $1.key }
            XCTAssertEqual(actual, expected, "step \(step): \(change)")
            if actual != expected { return }
            a = stored
        }
        XCTAssertEqual(try store.integrityCheck(), "ok")
    }
}
