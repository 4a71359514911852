import GRDB
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore

final class StoreTests: XCTestCase {
    var dir: URL!
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static var catalogue: ConcernCatalogue {
        try! ConcernCatalogue.load(from: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Resources/catalogues/ncat-hna.yaml"), displayPath: "c").get()
    }

    func patient(_ digits: String = "9434765919", family: String = "Wiśniewski", given: String = "Siân") -> Patient {
        Patient(nhsNumber: NHSNumber(digits)!, familyName: family, givenName: given, dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!,
                diagnosis: "Breast", diagnosisCode: "C50.9")
    }

    func testNewStoreIsPrivateDurableAndMigrated() throws {
        let path = dir.appendingPathComponent("sub/s.sqlite").path
        let store = try CareStore(path: path)
        _ = try store.addPatient(patient(), now: now)
        let fm = FileManager.default
        XCTAssertEqual((try fm.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual((try fm.attributesOfItem(atPath: dir.appendingPathComponent("sub").path)[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        XCTAssertEqual(try store.appliedMigrations().first, "v1: patients, assessments, concerns, actions")
        let applied = try store.appliedMigrations()
        XCTAssertEqual(applied, CareStore.migrationNames, "every step, in order")
        let parallel = ["v9-staff", "v10-documents", "v11-ccr", "v12-search-keys", "v13-followup"]
        XCTAssertEqual(applied.filter(parallel.contains), parallel, "the parallel branches' steps, named so they do not collide, in order")
        try store.db.read { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA synchronous"), 2, "FULL")
        }
        XCTAssertEqual(try store.integrityCheck(), "ok")
    }

    /// A store made before the v5 migration gets its keys made again, and its later name words.
    func testMigrationRecomputesSearchKeysOfExistingStores() throws {
        let path = dir.appendingPathComponent("old.sqlite").path
        do {
            let store = try CareStore(path: path)
            _ = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Ó Łódź", givenName: "Zoë",
                                             dateOfBirth: LocalDate(year: 1960, month: 2, day: 29)!), now: now)
            // As the older careplan left it: keys folded by Foundation alone, no word table, v5 not applied.
            let v5 = CareStore.migrationNames.first { $0.hasPrefix("v5: name search") }!
            try store.db.write { db in
                try db.execute(sql: "UPDATE patient SET family_key = 'o łodz'")
                try db.execute(sql: "DROP TABLE patient_name_word")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [v5])
            }
        }
        let store = try CareStore(path: path)
        XCTAssertEqual(try store.searchPatients("o lodz").map(\.patient.givenName), ["Zoë"])
        XCTAssertEqual(try store.searchPatients("lodz").map(\.patient.givenName), ["Zoë"])
    }

    /// v12-search-keys: keys made with the apostrophe left in are made again, so "obrien" finds O'Brien.
    func testMigrationRemakesKeysWithApostrophes() throws {
        let path = dir.appendingPathComponent("apostrophe.sqlite").path
        do {
            let store = try CareStore(path: path)
            _ = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "O'Brien", givenName: "Siobhán",
                                             dateOfBirth: LocalDate(year: 1960, month: 2, day: 29)!), now: now)
            try store.db.write { db in
                try db.execute(sql: "UPDATE patient SET family_key = 'o''brien'")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v12-search-keys'")
            }
            XCTAssertEqual(try store.searchPatients("obrien").count, 0, "as an older careplan kept it")
        }
        let store = try CareStore(path: path)
        XCTAssertEqual(try store.searchPatients("obrien").map(\.patient.givenName), ["Siobhán"])
        XCTAssertEqual(try store.searchPatients("o brien").map(\.patient.givenName), ["Siobhán"])
    }

    /// Issue 10, item 6: the register's count is one row read, not a count of every patient at each start-up.
    /// A store made before v8 gets its tally from the patients it has; adding one (or a seed) keeps it in step.
    func testPatientCountIsKeptInStepByTheStore() throws {
        let path = dir.appendingPathComponent("tally.sqlite").path
        let seeder = Seeder(catalogue: Self.catalogue, seed: 1, today: LocalDate(year: 2026, month: 11, day: 1)!)
        do {
            let store = try CareStore(path: path)
            _ = try store.addFictionalPatients(seeder, count: 30, createdBy: "t")
            // As a careplan before v8 left it: no tally.
            let v8 = CareStore.migrationNames.first { $0.hasPrefix("v8: patients counted") }!
            try store.db.write { db in
                try db.execute(sql: "DROP TABLE patient_tally")
                try db.execute(sql: "DROP TRIGGER patient_tally_insert")
                try db.execute(sql: "DROP TRIGGER patient_tally_delete")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [v8])
            }
        }
        let store = try CareStore(path: path)
        XCTAssertEqual(try store.patientCount(), 30)
        _ = try store.addPatient(patient(), now: now)
        _ = try store.addFictionalPatients(seeder, count: 5, createdBy: "t")
        XCTAssertEqual(try store.patientCount(), 36)
        XCTAssertThrowsError(try store.addPatient(patient(), now: now), "a duplicate NHS number is refused")
        XCTAssertEqual(try store.patientCount(), 36, "a refused patient is not counted")
        try store.db.write { db in try db.execute(sql: "DELETE FROM patient WHERE nhs_number = '9434765919'") }
        let counted = try store.db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM patient") }
        XCTAssertEqual(try store.patientCount(), counted)
        XCTAssertEqual(counted, 35)
    }

    func testNetworkFileSystemsAreRecognised() {
        let mounts = "/dev/vda / ext4 rw 0 0\nserver:/export /mnt/nfs nfs4 rw 0 0\n"
        XCTAssertEqual(FileSystemCheck.fileSystemType(of: "/mnt/nfs/careplan/s.sqlite", mounts: mounts), "nfs4")
        XCTAssertEqual(FileSystemCheck.fileSystemType(of: "/home/nurse/s.sqlite", mounts: mounts), "ext4")
        XCTAssertEqual(FileSystemCheck.fileSystemType(of: "/mnt/nfsx/s.sqlite", mounts: mounts), "ext4", "a prefix is not a mount point")
    }
}

final class StorePermissionTests: XCTestCase {
    func mode(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1 }

    /// Issue 9, item 6: the store's own files are corrected to 0600; a folder careplan did not create is never
    /// changed (`seed --store /tmp/demo.sqlite` turned /tmp into 0700), only warned about.
    func testWiderFilePermissionsAreCorrectedAndAnExistingFolderIsLeftAlone() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sqlite").path
        let created = try CareStore(path: path)
        XCTAssertEqual(created.correctedPermissions, [])
        XCTAssertNil(created.folderWarning, "a folder careplan created is its own, 0700")
        XCTAssertEqual(mode(dir.path), 0o700)
        chmod(dir.path, 0o1777)
        chmod(path, 0o644)
        let reopened = try CareStore(path: path)
        // SQLite gives -wal and -shm the database file's mode, so those were readable by others too.
        XCTAssertEqual(reopened.correctedPermissions.first, "\(path) was 644, now 600")
        XCTAssertTrue(reopened.correctedPermissions.allSatisfy { $0.hasSuffix("was 644, now 600") }, "\(reopened.correctedPermissions)")
        XCTAssertEqual(mode(path), 0o600)
        XCTAssertEqual(mode(dir.path), 0o1777, "the folder keeps the mode it had")
        XCTAssertTrue(reopened.folderWarning?.contains("\(dir.path) can be read by others (mode 1777)") == true, "\(reopened.folderWarning ?? "none")")
    }

    /// A store reached through a symbolic link: the link's own mode (777) is no finding and nothing is changed
    /// through it; the file it leads to is warned about only when others can read it, and left as it is.
    func testAStoreBehindASymbolicLinkIsJudgedByItsTargetAndNeverChanged() throws {
        let dir = try newFolder()
        let target = dir.appendingPathComponent("real.sqlite").path, link = dir.appendingPathComponent("link.sqlite").path
        let key = dir.appendingPathComponent("keys/audit.key").path
        do { _ = try CareStore(path: target, auditKey: key) }
        XCTAssertEqual(mode(target), 0o600)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let quiet = try CareStore(path: link, auditKey: key)
        XCTAssertEqual(quiet.openingWarnings.filter { !$0.contains("folder") }, [], "a private file behind a link is no finding")
        chmod(target, 0o644)
        let warned = try CareStore(path: link, auditKey: key)
        XCTAssertEqual(warned.correctedPermissions, [])
        XCTAssertEqual(warned.permissionsLeftAlone, ["\(link) leads to a file others can read (mode 644): careplan leaves it as it is; make it owner-only (chmod 600)"])
        XCTAssertEqual(mode(target), 0o644, "changed through a link careplan did not make")
    }

    /// A store file readable by others (restored from a backup, say) is corrected before SQLite opens it: SQLite
    /// gives a new -wal and -shm the database file's mode whatever the umask, and the warning then blamed
    /// "others" for files careplan had just made itself. Only the file that was there is named.
    func testNewWalAndShmAreOwnerOnlyAndNotReportedAsFoundOpen() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sqlite").path
        do { _ = try CareStore(path: path) }  // closed again: its -wal and -shm go with it
        for suffix in ["-wal", "-shm"] { unlink(path + suffix) }
        chmod(path, 0o644)
        let reopened = try CareStore(path: path)
        _ = try reopened.patientCount()
        XCTAssertEqual(reopened.correctedPermissions, ["\(path) was 644, now 600"])
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            XCTAssertEqual(mode(path + suffix), 0o600, suffix)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "-wal"), "the test needs a new -wal to look at")
    }

    /// Missing folders above the store are careplan's to create, 0700; those that exist keep their mode.
    func testOnlyTheFoldersCareplanCreatesAreMadePrivate() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertEqual(mkdir(dir.path, 0o755), 0)
        chmod(dir.path, 0o755)
        _ = try CareStore(path: dir.appendingPathComponent("a/b/s.sqlite").path)
        XCTAssertEqual(mode(dir.path), 0o755)
        XCTAssertEqual(mode(dir.appendingPathComponent("a").path), 0o700)
        XCTAssertEqual(mode(dir.appendingPathComponent("a/b").path), 0o700)
    }

    /// Issue 9, item 10: read-only commands created folders and an empty store on a mistyped path.
    func testOpeningAnExistingStoreNeverCreatesOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("typo/s.sqlite").path
        XCTAssertThrowsError(try CareStore.openExisting(path: path)) { error in
            XCTAssertTrue("\(error)".contains("there is no store at \(path)"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path))
        _ = try CareStore(path: path)
        XCTAssertNoThrow(try CareStore.openExisting(path: path))
        XCTAssertThrowsError(try CareStore.openExisting(path: dir.appendingPathComponent("typo").path), "a folder is not a store")
    }
}
