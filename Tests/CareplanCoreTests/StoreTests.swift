import GRDB
import XCTest
@testable import CareplanCore

final class StoreTests: XCTestCase {
    var dir: URL!
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static var catalogue: ConcernCatalogue {
        try! ConcernCatalogue.load(from: ConfigurationTests.root.appendingPathComponent("Resources/catalogues/ncat-hna.yaml"), displayPath: "c").get()
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
        try store.db.read { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA synchronous"), 2, "FULL")
        }
        XCTAssertEqual(try store.integrityCheck(), "ok")
    }

    func testPatientRoundTripAndDuplicateNHSNumber() throws {
        let store = try CareStore(path: dir.appendingPathComponent("s.sqlite").path)
        let saved = try store.addPatient(patient(), now: now)
        let reopened = try CareStore(path: dir.appendingPathComponent("s.sqlite").path)
        let loaded = try XCTUnwrap(try reopened.patient(id: saved.id!))
        XCTAssertEqual(loaded, saved)
        XCTAssertThrowsError(try store.addPatient(patient(given: "Other"), now: now)) { e in
            XCTAssertEqual(e as? StoreError, .duplicateNHSNumber(existing: "WIŚNIEWSKI, Siân"))
        }
    }

    func testSecondTerminalEditingStaleDetailsIsToldNotApplied() throws {
        let store = try CareStore()
        let saved = try store.addPatient(patient(), now: now)
        var first = saved, second = saved
        first.diagnosis = "Breast, left"
        _ = try store.updatePatient(first, now: now)
        second.diagnosis = "Breast, right"
        XCTAssertThrowsError(try store.updatePatient(second, now: now)) { XCTAssertEqual($0 as? StoreError, .conflict("This patient's details")) }
        XCTAssertEqual(try store.patient(id: saved.id!)?.diagnosis, "Breast, left")
    }

    func testSearchByNameNHSNumberAndDateOfBirth() throws {
        let store = try CareStore()
        _ = try store.addPatient(patient(), now: now)
        _ = try store.addPatient(patient("9990000026", family: "Smith", given: "Zoë"), now: now)
        XCTAssertEqual(try store.searchPatients("wis").map(\.patient.givenName), ["Siân"], "accents ignored")
        XCTAssertEqual(try store.searchPatients("sian wis").map(\.patient.givenName), ["Siân"], "every word must match")
        XCTAssertEqual(try store.searchPatients("zoe").map(\.patient.familyName), ["Smith"])
        XCTAssertEqual(try store.searchPatients("999 000").map(\.patient.familyName), ["Smith"], "NHS number prefix")
        XCTAssertEqual(try store.searchPatients("05/03/1961").count, 2, "date of birth")
        XCTAssertEqual(try store.searchPatients("nobody").count, 0)
        XCTAssertEqual(try store.searchPatients("").count, 2, "empty query lists recent patients")
    }

    /// Issue 9, item 16: letters Foundation does not fold, later words of a name, and ISO dates.
    func testSearchFoldsEveryLetterFindsEveryWordOfANameAndReadsISODates() throws {
        let store = try CareStore()
        _ = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Łódź", givenName: "Bartłomiej",
                                         dateOfBirth: LocalDate(year: 1960, month: 2, day: 29)!), now: now)
        _ = try store.addPatient(patient("9990000026", family: "Ó Briain", given: "Siobhán"), now: now)
        _ = try store.addPatient(patient("9990000034", family: "Smith-Jones", given: "Søren Åge"), now: now)
        _ = try store.addPatient(patient("9990000042", family: "Straße", given: "Ægir"), now: now)
        XCTAssertEqual(try store.searchPatients("lodz").map(\.patient.givenName), ["Bartłomiej"], "ł folds to l")
        XCTAssertEqual(try store.searchPatients("bartlo").map(\.patient.familyName), ["Łódź"])
        XCTAssertEqual(try store.searchPatients("briain").map(\.patient.givenName), ["Siobhán"], "second word of a family name")
        XCTAssertEqual(try store.searchPatients("o briain").map(\.patient.givenName), ["Siobhán"], "the whole family name")
        XCTAssertEqual(try store.searchPatients("siobhan bri").map(\.patient.givenName), ["Siobhán"], "a later word after another word")
        XCTAssertEqual(try store.searchPatients("jones").map(\.patient.givenName), ["Søren Åge"], "after a hyphen")
        XCTAssertEqual(try store.searchPatients("soren").map(\.patient.familyName), ["Smith-Jones"], "ø folds to o")
        XCTAssertEqual(try store.searchPatients("age").map(\.patient.familyName), ["Smith-Jones"], "second given name")
        XCTAssertEqual(try store.searchPatients("strasse").map(\.patient.givenName), ["Ægir"], "ß is ss")
        XCTAssertEqual(try store.searchPatients("aegir").map(\.patient.familyName), ["Straße"], "æ is ae")
        XCTAssertEqual(try store.searchPatients("1960-02-29").map(\.patient.familyName), ["Łódź"], "an ISO date, as forms accept")
        XCTAssertEqual(try store.searchPatients("29/02/1960").map(\.patient.familyName), ["Łódź"])
        XCTAssertEqual(try store.searchPatients("943 476").map(\.patient.familyName), ["Łódź"], "NHS numbers still by prefix")
        XCTAssertEqual(try store.searchPatients("943-476-5919").map(\.patient.familyName), ["Łódź"])
        // A change of name moves its words.
        var p = try store.searchPatients("briain")[0].patient
        p.familyName = "Kelly"
        _ = try store.updatePatient(p, now: now)
        XCTAssertEqual(try store.searchPatients("briain").count, 0)
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

    func testAssessmentChangesAreCheckedAgainstTheAnswerSeen() throws {
        let store = try CareStore()
        let p = try store.addPatient(patient(), now: now)
        var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patient,
                                          date: LocalDate(year: 2026, month: 11, day: 1)!, catalogue: Self.catalogue, createdBy: "nurse", now: now)
        let stale = a
        a = try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 7)), to: a.id, basedOn: a, now: now)
        XCTAssertEqual(a.concern("pain")?.score, 7)
        a = try store.apply(.setDistress(3), to: a.id, basedOn: stale, now: now)
        XCTAssertEqual(a.distressScore, 3, "another answer changed since: no conflict")
        XCTAssertThrowsError(try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 2)), to: a.id, basedOn: stale, now: now)) {
            XCTAssertEqual($0 as? StoreError, .changedElsewhere("Your 2 was not saved: another terminal changed “Pain” to 7"))
        }
        XCTAssertEqual(try store.assessment(id: a.id)?.concern("pain")?.score, 7, "the refused change left nothing behind")
    }

    func testPlanLifecycleLockAndNewVersion() throws {
        let store = try CareStore()
        let p = try store.addPatient(patient(), now: now)
        var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .endOfTreatment, completedBy: .patientWithClinician,
                                          date: LocalDate(year: 2026, month: 11, day: 1)!, catalogue: Self.catalogue, createdBy: "nurse", now: now)
        func apply(_ c: AssessmentChange) throws { a = try store.apply(c, to: a.id, basedOn: a, now: now) }
        try apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 9)))
        try apply(.setConcern(ConcernEntry(key: "worry", categoryId: "emotional", label: "Worry, fear or anxiety", score: 6)))
        try apply(.setConcern(ConcernEntry(key: "other-1", categoryId: "other", label: "My dog", score: 4)))
        XCTAssertEqual(a.prioritisedConcerns.map(\.key), ["pain", "worry", "other-1"], "highest score first before prioritising")
        try apply(.setPriorities(order: ["worry", "pain", "other-1"], discuss: ["worry", "pain"]))
        XCTAssertEqual(a.discussedConcerns.map(\.key), ["worry", "pain"])
        try apply(.setNote(key: "pain", text: "Worse at night.\r\nLeft hip."))
        XCTAssertEqual(a.concern("pain")?.note, "Worse at night.\nLeft hip.")
        try apply(.saveAction(AgreedAction(concernKey: "pain", what: "Medication review", owner: .gp, due: LocalDate(year: 2026, month: 11, day: 28))))
        XCTAssertEqual(a.actions.count, 1)
        let review = LocalDate(year: 2027, month: 2, day: 1)!
        try apply(.agree(by: "Nurse Test", role: .cns, at: now, reviewDate: review))
        XCTAssertEqual(a.status, .agreed)
        XCTAssertThrowsError(try store.apply(.setDistress(1), to: a.id, basedOn: a, now: now)) { XCTAssertEqual($0 as? StoreError, .locked) }

        let v2 = try store.newVersion(of: a.id, createdBy: "nurse", now: now)
        XCTAssertEqual(v2.version, 2)
        XCTAssertEqual(v2.status, .inProgress)
        XCTAssertEqual(v2.concerns.count, 3)
        XCTAssertEqual(v2.actions.map(\.what), ["Medication review"])
        XCTAssertEqual(try store.newVersion(of: a.id, createdBy: "nurse", now: now).id, v2.id, "one draft version at a time")
        _ = try store.apply(.agree(by: "Nurse Test", role: .cns, at: now, reviewDate: review), to: v2.id, basedOn: v2, now: now)
        XCTAssertEqual(try store.assessment(id: a.id)?.status, .superseded)
    }

    func testRemovingAConcernRemovesItsActions() throws {
        let store = try CareStore()
        let p = try store.addPatient(patient(), now: now)
        var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .other, completedBy: .patient,
                                          date: LocalDate(year: 2026, month: 11, day: 1)!, catalogue: Self.catalogue, createdBy: "n", now: now)
        a = try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 3)), to: a.id, basedOn: a)
        a = try store.apply(.saveAction(AgreedAction(concernKey: "pain", what: "x", owner: .patient)), to: a.id, basedOn: a)
        a = try store.apply(.removeConcern(key: "pain"), to: a.id, basedOn: a)
        XCTAssertTrue(a.concerns.isEmpty)
        XCTAssertTrue(a.actions.isEmpty)
    }

    func testStoredTextIsCleaned() throws {
        let store = try CareStore()
        let p = try store.addPatient(patient(), now: now)
        var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .other, completedBy: .patient,
                                          date: LocalDate(year: 2026, month: 11, day: 1)!, catalogue: Self.catalogue, createdBy: "n", now: now)
        a = try store.apply(.setWhatMattersToMe("home\u{1B}[2J \u{202E}garden"), to: a.id, basedOn: a)
        XCTAssertEqual(a.whatMattersToMe, "home garden")
    }

    func testSeederMakesValidFictionalPatientsAndPlans() throws {
        let store = try CareStore()
        let seeder = Seeder(catalogue: Self.catalogue, today: LocalDate(year: 2026, month: 11, day: 23)!)
        XCTAssertEqual(try seeder.seed(into: store, patients: 300, now: now), 300)
        XCTAssertEqual(try seeder.seed(into: store, patients: 30, now: now), 30, "a second run adds, never reusing a number")
        let all = try store.allPatients()
        XCTAssertEqual(all.count, 330)
        XCTAssertEqual(Set(all.map(\.patient.nhsNumber)).count, 330)
        XCTAssertTrue(all.allSatisfy { $0.patient.nhsNumber.digits.hasPrefix("999") })
        XCTAssertGreaterThan(all.filter { $0.latestStatus == .agreed }.count, 20)
        XCTAssertGreaterThan(all.filter { $0.latestStatus == .inProgress }.count, 5)
        let agreed = try XCTUnwrap(all.first { $0.latestStatus == .agreed })
        let plan = try XCTUnwrap(try store.assessment(id: agreed.latestAssessmentId!))
        XCTAssertFalse(plan.discussedConcerns.isEmpty)
        XCTAssertNotNil(plan.reviewDate)
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
