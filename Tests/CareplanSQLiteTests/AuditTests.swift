import GRDB
import Synchronization
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@_spi(StoreTesting) @testable import CareplanStore

final class AuditTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_435_200)

    /// A store whose trail has six entries: the keyed marker, then five patients added.
    func storeWithATrail() throws -> CareStore {
        let store = try CareStore()
        try addPatients(store, 5)
        return store
    }

    func testTheTrailIsAppendOnly() throws {
        let store = try storeWithATrail()
        XCTAssertThrowsError(try store.db.write { db in try db.execute(sql: "UPDATE audit_log SET user = 'someone else'") })
        XCTAssertThrowsError(try store.db.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE id = 2") })
        XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: 6))
    }

    func testTamperingBehindTheTriggersIsDetected() throws {
        let changed = try storeWithATrail()
        try changed.db.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            try db.execute(sql: "UPDATE audit_log SET user = 'Nurse C' WHERE id = 3")
            try db.execute(sql: Dialect.sqlite.auditGuards["audit_log_no_update"]!)
        }
        guard case .broken(3, let why)? = try? changed.verifyAuditTrail() else { return XCTFail("an edited entry passed") }
        XCTAssertTrue(why.hasPrefix("its MAC does not match"), why)

        let removed = try storeWithATrail()
        try removed.db.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: "DELETE FROM audit_log WHERE id = 2")
            try db.execute(sql: Dialect.sqlite.auditGuards["audit_log_no_delete"]!)
        }
        XCTAssertEqual(try removed.verifyAuditTrail(), .broken(atEntry: 2, reason: "it is missing: entries are numbered without gaps, so it was removed"))
    }

    // MARK: - The keyed chain, its anchor and its guards (issue 9, item 11)

    func addPatients(_ store: CareStore, _ n: Int) throws {
        // Fictional numbers (999 range): the one check digit that fits each serial, where one does.
        let numbers = (1...).lazy.compactMap { serial in (0...9).lazy.compactMap { NHSNumber(String(format: "999%06d%d", serial, $0)) }.first }
        for (i, nhs) in numbers.prefix(n).enumerated() {
            _ = try store.addPatient(Patient(nhsNumber: nhs, familyName: "Test\(i)", givenName: "A", dateOfBirth: LocalDate(year: 1960, month: 1, day: 1)!),
                                     by: "Nurse A", now: now)
        }
    }

    /// What someone who can write the store but not the key folder would do: drop the guards, change an entry,
    /// recompute every hash after it (the old unkeyed way, the only one they can), put the guards back.
    func rewriteBehindTheGuards(_ store: CareStore, entry: Int64, change: String) throws {
        try store.unauditedWrite { db in
            for name in Dialect.sqlite.auditGuards.keys { try db.execute(sql: "DROP TRIGGER \(name)") }
            try db.execute(sql: change)
            var previous = try String.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE id = ?", arguments: [entry - 1]) ?? CareStore.genesisHash
            for r in try CareplanStore.Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE id >= ? ORDER BY id", arguments: [entry]) {
                var e = CareStore.auditEntry(r)
                e.previousHash = previous
                let hash = CareStore.unkeyedHash(CareStore.text(of: e))
                try db.execute(sql: "UPDATE audit_log SET previous_hash = ?, hash = ? WHERE id = ?", arguments: [previous, hash, e.id])
                previous = hash
            }
            for sql in Dialect.sqlite.auditGuards.values { try db.execute(sql: sql) }
        }
    }

    func testARecomputedChainIsDetected() throws {
        let store = try storeOnDisk(try newFolder())
        try addPatients(store, 4)
        XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: 5))
        try rewriteBehindTheGuards(store, entry: 3, change: "UPDATE audit_log SET user = 'Nurse C' WHERE id = 3")
        guard case .broken(3, let why)? = try? store.verifyAuditTrail() else { return XCTFail("a recomputed chain passed") }
        XCTAssertTrue(why.contains("without the audit key"), why)
    }

    func testRemovingTheNewestEntriesIsDetectedByTheAnchor() throws {
        let dir = try newFolder()
        let store = try storeOnDisk(dir)
        try addPatients(store, 4)
        XCTAssertEqual(try store.auditKeeper.readAnchor(), AuditKeeper.Anchor(entry: 5, mac: try store.auditTrail().last!.hash))
        try store.db.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: "DELETE FROM audit_log WHERE id > 3")
            try db.execute(sql: "UPDATE sqlite_sequence SET seq = 3 WHERE name = 'audit_log'")
            try db.execute(sql: Dialect.sqlite.auditGuards["audit_log_no_delete"]!)
        }
        XCTAssertEqual(try store.verifyAuditTrail(), .broken(atEntry: 4, reason: "it was removed: the anchor outside the store says the trail reached entry 5, and it stops at 3"))

        // Nor does use cover it up: the anchor does not move on past the gap once new entries reach entry 5 and beyond.
        for _ in 0..<4 { try store.recordView(user: "Nurse B", patientId: 1, now: now) }
        guard case .broken(5, let why)? = try? store.verifyAuditTrail() else { return XCTFail("truncation hidden by later entries") }
        XCTAssertEqual(why, "it is not the entry anchored outside the store: the trail was rewritten")

        // Removing the anchor as well is no way out: a store without one is not called intact.
        try FileManager.default.removeItem(atPath: store.auditKeeper.anchorPath!)
        guard case .broken(nil, let why)? = try? store.verifyAuditTrail() else { return XCTFail("no anchor passed") }
        XCTAssertTrue(why.hasPrefix("there is no anchor for this store"), why)
    }

    func testAStaleAnchorFromARacingProcessIsNoAlarm() throws {
        let store = try storeOnDisk(try newFolder())
        try addPatients(store, 3)
        let trail = try store.auditTrail()
        // A process that appended entry 2 writes its anchor after another has anchored entry 4: it must not go back.
        try store.auditKeeper.advanceAnchor(to: 2, mac: trail[1].hash) { trail[Int($0) - 1].hash }
        XCTAssertEqual(try store.auditKeeper.readAnchor()?.entry, 4)
        // An anchor that lags (a crash between commit and anchor) is no alarm either.
        try FileManager.default.removeItem(atPath: store.auditKeeper.anchorPath!)
        try store.auditKeeper.advanceAnchor(to: 2, mac: trail[1].hash) { trail[Int($0) - 1].hash }
        XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: 4))
    }

    func testManyProcessesAppendingKeepOneChainAndTheNewestAnchor() throws {
        let dir = try newFolder()
        try addPatients(try storeOnDisk(dir), 1)
        // Separate stores on one file stand for separate terminals: each has its own connection and lock.
        let stores = try (0..<4).map { _ in try storeOnDisk(dir) }
        let at = now
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            for _ in 0..<25 { try! stores[i].recordView(user: "Nurse \(i)", patientId: 1, now: at) }
        }
        XCTAssertEqual(try stores[0].verifyAuditTrail(), .intact(entries: 102))
        XCTAssertEqual(try stores[0].auditKeeper.readAnchor()?.entry, 102)
    }

    func testTheKeyLivesOutsideTheStoreOwnerOnlyAndIsNeededToOpenAKeyedStore() throws {
        let dir = try newFolder()
        let store = try storeOnDisk(dir)
        try addPatients(store, 1)
        let key = dir.appendingPathComponent("keys/audit.key").path
        let fm = FileManager.default
        XCTAssertEqual((try fm.attributesOfItem(atPath: key)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual((try fm.attributesOfItem(atPath: dir.appendingPathComponent("keys").path)[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        XCTAssertEqual((try fm.attributesOfItem(atPath: store.auditKeeper.anchorPath!)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let stored = try Data(contentsOf: URL(fileURLWithPath: store.path!))
        let keyText = try String(contentsOfFile: key, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertNil(stored.range(of: Data(keyText.utf8)), "the key is in the store")

        // The same store with another key (a copy taken elsewhere): opening must not start a new key over it.
        XCTAssertThrowsError(try CareStore(path: store.path!, auditKey: dir.appendingPathComponent("elsewhere/audit.key").path)) { e in
            XCTAssertTrue("\(e)".contains("is kept with a key that is not at"), "\(e)")
        }
        // Another key in its place (a copy with someone else's key): nothing is appended with it, and verify says why.
        try String(repeating: "ab", count: 32).write(toFile: key, atomically: true, encoding: .utf8)
        let other = try storeOnDisk(dir)
        XCTAssertTrue(other.openingNotes.contains { $0.hasPrefix("the newest audit entry does not match the audit key") }, "\(other.openingNotes)")
        XCTAssertThrowsError(try other.recordView(user: "n", patientId: 1)) { XCTAssertTrue("\($0)".contains("writes nothing to this store"), "\($0)") }
        guard case .broken(1, _)? = try? other.verifyAuditTrail() else { return XCTFail("verified with the wrong key") }

        XCTAssertEqual(AuditKeeper.defaultKeyPath(environment: ["HOME": "/home/n"]), "/home/n/.config/careplan/audit.key")
        XCTAssertEqual(AuditKeeper.defaultKeyPath(environment: ["HOME": "/home/n", "XDG_CONFIG_HOME": "/cfg"]), "/cfg/careplan/audit.key")
        XCTAssertEqual(AuditKeeper.defaultKeyPath(environment: ["HOME": "/home/n", "CAREPLAN_AUDIT_KEY": "/k/a.key"]), "/k/a.key")
    }

    /// CAREPLAN_AUDIT_KEY is a path: a relative one, or the 64 hex digits of a key, is refused before anything is
    /// made (no key file appears in the current folder); so is a key in the store's own folder.
    func testAnAuditKeyThatIsNoFullPathOrSitsBesideTheStoreIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let storePath = dir.appendingPathComponent("store/careplan.sqlite").path
        let cwd = FileManager.default.currentDirectoryPath
        let cases = [("audit.key", "is relative"), (String(repeating: "0f", count: 32), "64 hexadecimal digits"),
                     ("keys/../audit.key", "is relative"), (dir.appendingPathComponent("store/audit.key").path, "beside the store"),
                     (dir.appendingPathComponent("store/./x/../audit.key").path, "beside the store")]
        for (key, why) in cases {
            XCTAssertThrowsError(try CareStore(path: storePath, auditKey: key)) { e in
                XCTAssertTrue("\(e)".contains(why) && "\(e)".contains("CAREPLAN_AUDIT_KEY is the full path"), "\(key): \(e)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: cwd + "/" + key), "\(key) made in the current folder")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: storePath), "nothing opened")
        XCTAssertNoThrow(try CareStore(path: storePath, auditKey: dir.appendingPathComponent("store/keys/audit.key").path), "a folder of its own below is fine")
    }

    func testMissingGuardsAreRestoredOnOpeningAndReported() throws {
        let dir = try newFolder()
        do {
            let store = try storeOnDisk(dir)
            try addPatients(store, 1)
            try store.db.write { db in try db.execute(sql: "DROP TRIGGER audit_log_no_delete") }
        }
        let reopened = try storeOnDisk(dir)
        XCTAssertTrue(reopened.openingNotes.contains { $0.contains("guards (audit_log_no_delete) were missing") }, "\(reopened.openingNotes)")
        XCTAssertThrowsError(try reopened.db.write { db in try db.execute(sql: "DELETE FROM audit_log") }, "restored")
        XCTAssertEqual(try reopened.auditTrail().last.map { "\($0.action): \($0.detail)" }, "restored the audit trail's guards: guard audit_log_no_delete restored")
        guard case .broken(nil, let why)? = try? reopened.verifyAuditTrail() else { return XCTFail("removed guards passed") }
        XCTAssertTrue(why.contains("guard audit_log_no_delete restored"), why)
    }

    /// Issue 9 follow-up, item 2: a guard dropped and put back when another command opened the store first
    /// (`list` before `audit --verify`) is still reported, with its date, by every later verify.
    func testGuardsRestoredByAnEarlierOpeningStayAFindingWithTheirDate() throws {
        let dir = try newFolder()
        try addPatients(try storeOnDisk(dir), 1)
        try storeOnDisk(dir).db.write { db in try db.execute(sql: "DROP TRIGGER audit_log_no_update") }
        _ = try storeOnDisk(dir)  // `careplan list`: restores them, with a note nobody may read
        for _ in 0..<2 {
            let later = try storeOnDisk(dir)
            XCTAssertTrue(later.openingNotes.isEmpty, "\(later.openingNotes)")
            guard case .broken(nil, let why)? = try? later.verifyAuditTrail() else { return XCTFail("a restored guard was forgotten") }
            XCTAssertTrue(why.contains("found and put right when careplan next opened the store on \(CareStore.shownTime(CareStore.auditTime(Date())))"), why)
            XCTAssertTrue(why.contains("(entry 3: guard audit_log_no_update restored)"), why)
        }
    }

    /// Issue 9 follow-up, item 8: a trigger careplan does not know is removed and named as what it is.
    func testAnUnknownTriggerOnTheTrailIsRemovedAndNamedAsUnknown() throws {
        let dir = try newFolder()
        try addPatients(try storeOnDisk(dir), 1)
        try storeOnDisk(dir).db.write { db in
            try db.execute(sql: "CREATE TRIGGER zz_hide AFTER INSERT ON audit_log BEGIN SELECT 1; END")
        }
        let reopened = try storeOnDisk(dir)
        XCTAssertEqual(reopened.openingNotes, ["a trigger careplan does not know (zz_hide) was on the audit trail, so the store was changed outside "
                                               + "careplan; the guards are as careplan made them again. Run `careplan audit --verify`"])
        XCTAssertEqual(try reopened.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log' ORDER BY name") },
                       ["audit_log_no_delete", "audit_log_no_update"])
        guard case .broken(nil, let why)? = try? reopened.verifyAuditTrail() else { return XCTFail("an added trigger passed") }
        XCTAssertTrue(why.contains("unknown trigger zz_hide removed"), why)
        XCTAssertFalse(why.contains("guard zz_hide"), why)
    }

    /// Issue 9 follow-up, item 1: verify while other processes append raised "it was removed" when an entry and
    /// its anchor landed between verify's reading of the trail and of the anchor.
    func testVerifyRaisesNoFalseAlarmWhileOthersAppend() throws {
        let dir = try newFolder()
        try addPatients(try storeOnDisk(dir), 1)
        let writer = try storeOnDisk(dir), checker = try storeOnDisk(dir)
        // A bounded writer: each verify reads the whole trail, so an unbounded one makes the test quadratic.
        let done = Atomic(false)
        let at = now
        let appending = Thread {
            for _ in 0..<300 { try? writer.recordView(user: "Nurse B", patientId: 1, now: at) }
            done.store(true, ordering: .releasing)
        }
        appending.start()
        var alarms: [String] = [], verified = 0
        while !done.load(ordering: .acquiring) || verified == 0 {
            if case .broken(let id, let why) = try checker.verifyAuditTrail() { alarms.append("\(id.map(String.init) ?? "-"): \(why)") }
            verified += 1
        }
        XCTAssertEqual(alarms, [], "\(alarms.count) false alarms in \(verified) checks")
        XCTAssertGreaterThan(try checker.auditTrail().count, 20, "the writer did not keep up appending")
    }

    func testAnOldUnkeyedTrailIsKeptVerifiableAndKeyedFromAMarkedPoint() throws {
        let dir = try newFolder()
        let path = dir.appendingPathComponent("store/careplan.sqlite").path
        try FileManager.default.createDirectory(atPath: dir.appendingPathComponent("store").path, withIntermediateDirectories: true)
        // A store as careplan 0.1 left it: migrated to v4, three entries chained with plain SHA-256.
        do {
            let old = try DatabaseQueue(path: path)
            try CareStore.migrator.migrate(GRDBEngine(queue: old, path: path), keeper: AuditKeeper(), upTo: "v4: audit trail")
            try old.write { db in
                var previous = CareStore.genesisHash
                for i in 1...3 {
                    let text = CareStore.auditText(previous: previous, at: "2026-01-0\(i)T10:00:00.000Z", user: "Nurse", action: "viewed",
                                                   patientId: nil, assessmentId: nil, detail: "")
                    let hash = CareStore.unkeyedHash(text)
                    try db.execute(sql: "INSERT INTO audit_log (at, user, action, detail, previous_hash, hash) VALUES (?, 'Nurse', 'viewed', '', ?, ?)",
                                   arguments: ["2026-01-0\(i)T10:00:00.000Z", previous, hash])
                    previous = hash
                }
            }
        }
        let store = try storeOnDisk(dir)
        XCTAssertTrue(store.openingNotes.contains { $0.hasPrefix("the audit trail is keyed from now on. Its 3 earlier entries") }, "\(store.openingNotes)")
        XCTAssertEqual(try store.auditTrail()[3].action, CareStore.keyedMarker)
        XCTAssertEqual(try store.unkeyedAuditEntries(), 3)
        XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: 4))
        // The old part is frozen by the marker's MAC: recomputing it after an edit breaks the link to the marker.
        try rewriteBehindTheGuards(store, entry: 2, change: "UPDATE audit_log SET user = 'Nurse C' WHERE id = 2")
        guard case .broken(let at, _)? = try? store.verifyAuditTrail(), at == 4 else { return XCTFail("\(String(describing: try? store.verifyAuditTrail()))") }
    }

}
