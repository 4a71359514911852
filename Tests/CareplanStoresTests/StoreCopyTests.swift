import CareplanCore
import CareplanPostgres
import CareplanSQLite
@_spi(StoreTesting) import CareplanStore
@testable import CareplanStores
import Foundation
import XCTest

/// `careplan store copy`: every table of a store with every kind of record goes across whole (counts and content
/// digests equal), the audit trail verifies on both sides and says so, and a copy that fails leaves nothing.
final class StoreCopyTests: XCTestCase {
    var dir: URL!
    let now = Date(timeIntervalSince1970: 1_795_435_200)
    var today: LocalDate { LocalDate(now) }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // The audit key outside the stores' folder, shared by every store the test makes, as on one host.
        setenv("CAREPLAN_AUDIT_KEY", dir.appendingPathComponent("keys/audit.key").path, 1)
    }

    override func tearDownWithError() throws {
        unsetenv("CAREPLAN_AUDIT_KEY")
        try? FileManager.default.removeItem(at: dir)
    }

    static let configuration: Configuration = {
        // The resources without the screens' flows, whose kinds of screen belong to CareplanScreens (not linked here).
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("store-copy-resources-\(getpid())")
        try? FileManager.default.createDirectory(at: root.appendingPathComponent("Screens"), withIntermediateDirectories: true)
        try? FileManager.default.createSymbolicLink(at: root.appendingPathComponent("Resources"), withDestinationURL: repository.appendingPathComponent("Resources"))
        switch Configuration.load(root: root, screenKinds: [], requiredFlows: []) {
        case .success(let c): return c
        case .failure(let e): fatalError("\(e)")
        }
    }()

    func path(_ name: String) -> String { dir.appendingPathComponent("stores/\(name).sqlite").path }

    /// A store with records in every table: staff and a team, fictional patients with assessments, plans and
    /// report history (signed summaries, HNA offers), follow-up, a document being written, QOF, information,
    /// kiosk codes and a failed attempt, the staff PIN, an export.
    func seeded(_ path: String) throws -> CareStore {
        let store = try CareStore(path: path)
        let config = Self.configuration
        let rules = PasswordRules(minimumLength: 10)
        let password = try NewPassword.checked("purple tractor rain", userName: "admin", rules: rules).get()
        _ = try store.addUser(NewStaffUser(userName: "admin", fullName: "Ada Admin", roleId: UserRole.administratorId), password: password, by: nil, now: now)
        _ = try store.addUser(NewStaffUser(userName: "nurse", fullName: "Nia Nurse", roleId: "clinical-nurse-specialist"),
                              password: try NewPassword.checked("purple tractor rain", userName: "nurse", rules: rules).get(), by: "admin", now: now)
        let team = try store.addTeam(named: "Breast CNS team", by: "admin", now: now)
        _ = try store.setTeams([team.id], userName: "nurse", by: "admin", now: now)
        let catalogue = try XCTUnwrap(config.catalogues["ncat-hna"])
        _ = try store.addFictionalPatients(Seeder(catalogue: catalogue, today: today), count: 40, createdBy: "nurse", now: now)
        let p = config.pathways
        let pathways = try [XCTUnwrap(p["colorectal-standard"]), XCTUnwrap(p["breast-early"]), XCTUnwrap(p["prostate-radical"])]
        _ = try store.addFictionalFollowUp(pathways: pathways, today: today, by: "nurse", now: now)
        let patients = try store.allPatients().map(\.patient)
        let withPlan = try XCTUnwrap(try store.allPatients().first { $0.latestAssessmentId != nil })
        let patient = withPlan.patient
        var newcomer = patients[0]
        (newcomer.id, newcomer.nhsNumber) = (nil, try NHSNumber.parse("943 476 5870").get())
        let enrolled = try store.addPatient(newcomer, by: "nurse", now: now)
        let enrolment = try store.enrol(patientId: enrolled.id!, pathway: pathways[0], start: today, otherDiagnosis: true, by: "nurse", now: now)
        let test = try XCTUnwrap(try store.scheduledTests(enrolmentId: enrolment.id).first { $0.status.isOpen })
        _ = try store.changeSchedule(.move(testId: test.id, to: test.due.adding(days: 7), reason: "Holiday"), enrolmentId: enrolment.id, by: "nurse", now: now)
        let eots = try XCTUnwrap(config.documents[EoTSDue.templateId])
        var d = try store.createDocument(template: eots, patientId: patient.id!, createdBy: "nurse", today: today, now: now)
        let values: [(String, FieldValue)] = [
            ("site", .text("left breast")), ("treatment-aim", .codes(["curative"])), ("side-effects", .text("Tiredness for some months.")),
            ("red-flag-symptoms", .text("A new lump.")), ("contact-in-hours", .text("0113 000 0000")), ("contact-out-of-hours", .text("0113 000 0001")),
            ("follow-up-pathway", .codes(["supported-self-management"])), ("follow-up-plan", .text("Mammogram yearly.")),
            ("gp-actions", .text("None.")), ("completed-by", .person(name: "Nia Nurse", staffId: "nurse")),
        ]
        for (field, value) in values { d = try store.apply(.setField(field, value), to: d, template: eots, by: "nurse", now: now) }
        d = try store.apply(.saveRow(group: "treatments", DocumentRow(values: ["treatment-type": .codes(["02"]), "start-date": .date(today.adding(days: -90)),
                                                                              "end-date": .date(today.adding(days: -7))])), to: d, template: eots, by: "nurse", now: now)
        _ = try store.sign(documentId: d.id, revision: d.revision, template: eots, by: "nurse", name: "Nia Nurse", role: "clinical-nurse-specialist", now: now)
        _ = try store.recordHNAOffer(patientId: patient.id!, date: today, pathwayPoint: .initialDiagnosis, outcome: .declined, reason: "Not now", by: "nurse", now: now)
        _ = try store.recordQOF(QOFRecord(patientId: patient.id!, indicator: "can005", kind: .done, date: today), by: "nurse", now: now)
        let item = try XCTUnwrap(config.library.items.first)
        _ = try store.recordInformationGiven([item], patientId: patient.id!, date: today, how: .printed, by: "nurse", now: now)
        _ = try store.recordOccasion(item, patientId: patient.id!, status: .offered, date: today, by: "nurse", now: now)
        _ = try store.recordExport(assessmentId: withPlan.latestAssessmentId!, format: "pdf", destination: "/tmp/plan.pdf", by: "nurse", at: now)
        _ = try store.issueKioskCode(patientId: patient.id!, pathwayPoint: .initialDiagnosis, catalogue: catalogue, by: "nurse", now: now, validFor: 3600)
        let lockout = RateLimit(freeTries: 5, window: 900, firstWait: 30, longestWait: 900)
        _ = try? store.redeemKioskCode("ZZZZ-ZZZZ", dateOfBirth: patient.dateOfBirth, lockout: lockout, now: now)
        try store.setStaffPIN("2468", by: "admin", lockout: lockout, now: now)
        return store
    }

    /// Each table's row count and content digest, read as the copy reads them.
    func contents(_ store: CareStore) throws -> [String: (rows: Int, digest: String)] {
        try store.engine.read { c in
            let db = Database(c)
            var result: [String: (Int, String)] = [:]
            for table in CareStore.copiedTables {
                var digest = ContentDigest(), rows = 0
                try StoreCopy.pages(table, db) { page in
                    for r in page { digest.add(r.values) }
                    rows += page.count
                }
                result[table.name] = (rows, digest.hex)
            }
            return result
        }
    }

    func tables(_ store: CareStore) throws -> Set<String> {
        let sql = store.engine.dialect == .sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        return Set(try store.engine.read { c in try String.fetchAll(Database(c), sql: sql) })
    }

    /// The copy's list names every table a migrated store has, each once, the ones left out on purpose aside.
    func testTheCopiedTablesAreEveryTableOfAMigratedStore() throws {
        let store = try CareStore(path: path("empty"))
        let listed = CareStore.copiedTables.map(\.name)
        XCTAssertEqual(listed.count, Set(listed).count, "each table once")
        XCTAssertEqual(Set(listed).union(CareStore.tablesNotCopied), try tables(store))
    }

    func copy(_ from: CareStore, to location: StoreLocation, progress: (Int, Int) -> Void = { _, _ in }) throws -> StoreCopy.Report {
        try StoreCopy.copy(from: from, fromName: StoreLocation.sqlite(path: from.path!).redacted, to: try location.newStore(), by: "admin", progress: progress)
    }

    func testAStoreWithEveryKindOfRecordCopiesWholeAndBothTrailsVerify() throws {
        let original = try seeded(path("original"))
        XCTAssertEqual(try original.verifyAuditTrail(), .intact(entries: try original.auditTrail().count))
        let before = try contents(original)
        for table in CareStore.copiedTables {
            XCTAssertGreaterThan(before[table.name]?.rows ?? 0, 0, "\(table.name): the seeded store has every kind of record")
        }
        var seen: [(Int, Int)] = []
        let report = try copy(original, to: .sqlite(path: path("copy")), progress: { seen.append(($0, $1)) })
        let total = before.values.map(\.rows).reduce(0, +)
        XCTAssertEqual(seen.last?.0, seen.last?.1, "the bar reaches its end")
        XCTAssertEqual(seen.first?.1, total + 1, "every row counted, with the copy's own entry on the original")
        XCTAssertEqual(report.rows.map(\.table), CareStore.copiedTables.map(\.name))

        // The original gained one entry, which the copy holds too; the copy one more, its own.
        let after = try contents(original), copied = try contents(report.copy)
        for table in CareStore.copiedTables where table.name != "audit_log" {
            XCTAssertEqual(after[table.name]?.digest, before[table.name]?.digest, "\(table.name) unchanged in the original")
        }
        let trail = try original.auditTrail(), copyTrail = try report.copy.auditTrail()
        XCTAssertEqual(trail.last?.action, "copied the store")
        XCTAssertEqual(trail.last?.detail, "to " + path("copy"))
        XCTAssertEqual(trail.last?.user, "admin")
        XCTAssertEqual(Array(copyTrail.dropLast()), trail, "the whole trail, as it was")
        XCTAssertEqual(copyTrail.last?.action, "copied from")
        XCTAssertEqual(copyTrail.last?.detail, path("original"))
        XCTAssertEqual(report.auditEntries, copyTrail.count)
        for table in CareStore.copiedTables where !["audit_log", "careplan_state"].contains(table.name) {
            XCTAssertEqual(copied[table.name]?.rows, after[table.name]?.rows, table.name)
            XCTAssertEqual(copied[table.name]?.digest, after[table.name]?.digest, table.name)
        }
        XCTAssertEqual(try original.verifyAuditTrail(), .intact(entries: trail.count))
        XCTAssertEqual(try report.copy.verifyAuditTrail(), .intact(entries: copyTrail.count))

        // The copy is a store like any: it opens again, counts its patients, and takes new records with new ids.
        let reopened = try CareStore(path: path("copy"))
        XCTAssertEqual(try reopened.patientCount(), try original.patientCount())
        XCTAssertEqual(try reopened.searchPatients(String(try original.allPatients()[0].patient.familyName.prefix(3))).count,
                       try original.searchPatients(String(try original.allPatients()[0].patient.familyName.prefix(3))).count)
        var p = try original.allPatients()[0].patient
        p.id = nil
        p.nhsNumber = try NHSNumber.parse("943 476 5919").get()
        let added = try reopened.addPatient(p, by: "nurse", now: now)
        XCTAssertGreaterThan(try XCTUnwrap(added.id), try original.allPatients().compactMap(\.patient.id).max()!)
        XCTAssertEqual(try reopened.verifyAuditTrail(), .intact(entries: copyTrail.count + 1))
        XCTAssertEqual(try reopened.integrityCheck(), "ok")
    }

    /// TO must be new: an existing file is never written over, and a copy into a store is refused before anything.
    func testACopyNeverWritesOverAFileOrAStore() throws {
        let original = try seeded(path("original"))
        let entries = try original.auditTrail().count
        FileManager.default.createFile(atPath: path("taken"), contents: Data("mine".utf8))
        XCTAssertThrowsError(try copy(original, to: .sqlite(path: path("taken")))) {
            XCTAssertEqual(String(describing: $0), "\(path("taken")) already exists: copy into a new store (careplan never writes over a file)")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: path("taken")), Data("mine".utf8))
        XCTAssertThrowsError(try copy(original, to: .sqlite(path: path("original"))))
        XCTAssertEqual(try original.auditTrail().count, entries, "nothing recorded: nothing was copied")
    }

    /// A store whose trail does not verify (a signed document changed outside careplan) is not copied: said
    /// before anything is made.
    func testAStoreWhoseTrailDoesNotVerifyIsNotCopied() throws {
        let original = try seeded(path("original"))
        try original.unauditedWrite { db in try db.execute(sql: "UPDATE document_value SET value = '\"right breast\"' WHERE field = 'site'") }
        let entries = try original.auditTrail().count
        XCTAssertThrowsError(try copy(original, to: .sqlite(path: path("copy")))) {
            XCTAssertTrue("\($0)".hasPrefix("the audit trail of \(self.path("original")) does not verify"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("copy")))
        XCTAssertEqual(try original.auditTrail().count, entries)
    }

    /// A store copied again to where an earlier copy was (removed since): this host's anchor of the earlier
    /// one is kept aside, so the new trail verifies rather than looking rewritten.
    func testACopyWhereAnEarlierStoreWasStartsItsOwnAnchor() throws {
        let original = try seeded(path("original"))
        _ = try copy(original, to: .sqlite(path: path("copy")))
        try original.recordListing(user: "admin", listed: "all patients", patients: 1, now: now)
        for end in ["", "-wal", "-shm"] { unlink(path("copy") + end) }
        let again = try copy(original, to: .sqlite(path: path("copy")))
        XCTAssertEqual(try again.copy.verifyAuditTrail(), .intact(entries: try again.copy.auditTrail().count))
        XCTAssertEqual(again.notes.count, 1)
        XCTAssertTrue(again.notes.first?.contains("was kept aside as") == true, "\(again.notes)")
    }

    /// A copy that fails part-way (here a store changed outside careplan: a patient deleted under their
    /// assessments, which the copy's foreign keys refuse) leaves no file behind, nor its -wal or -shm.
    func testACopyThatFailsLeavesNothingBehind() throws {
        let original = try seeded(path("original"))
        let patient = try XCTUnwrap(try original.allPatients().first?.patient.id)
        try original.unauditedWrite(foreignKeys: false) { db in try db.execute(sql: "DELETE FROM patient WHERE id = ?", arguments: [patient]) }
        XCTAssertThrowsError(try copy(original, to: .sqlite(path: path("failed")))) { XCTAssertTrue("\($0)".contains("FOREIGN KEY"), "\($0)") }
        for end in ["", "-wal", "-shm"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("failed") + end), "failed\(end) removed")
        }
        XCTAssertEqual(try original.auditTrail().last?.action, "copied the store", "the original says it was read")
    }

    // MARK: - PostgreSQL

    /// A schema of this test's own on the tests' server (CAREPLAN_TEST_POSTGRES, its password in PGPASSFILE),
    /// dropped when the test ends; skipped without a server, except under CI.
    func schema() throws -> PostgresLocation {
        let environment = ProcessInfo.processInfo.environment
        guard let server = environment["CAREPLAN_TEST_POSTGRES"], !server.isEmpty else {
            if environment["CI"] == "true" { XCTFail("CAREPLAN_TEST_POSTGRES is not set: run .ci/test") }
            throw XCTSkip("CAREPLAN_TEST_POSTGRES is not set (`eval \"$(.ci/pg env)\"`)")
        }
        let name = "t_copy_" + UUID().uuidString.prefix(8).lowercased()
        func psql(_ sql: String) -> Int32 { system("psql -X -q -v ON_ERROR_STOP=1 -d '\(server)' -c '\(sql)' >/dev/null 2>&1") }
        XCTAssertEqual(psql("CREATE SCHEMA \(name)"), 0, "psql on \(server)")
        addTeardownBlock { _ = psql("DROP SCHEMA IF EXISTS \(name) CASCADE") }
        return try PostgresLocation.resolve(server + (server.contains("?") ? "&" : "?") + "options=-c%20search_path%3D\(name)")
    }

    /// SQLite to PostgreSQL and back: every table's rows and digest the same in all three, every trail intact.
    func testAStoreCopiesToPostgreSQLAndBackWhole() throws {
        let server = try schema()
        let original = try seeded(path("original"))
        let started = Date()
        let onServer = try StoreCopy.copy(from: original, fromName: path("original"), to: try .postgres(server), by: "admin")
        let there = Date().timeIntervalSince(started)
        let back = try StoreCopy.copy(from: onServer.copy, fromName: server.redacted, to: try StoreLocation.sqlite(path: path("back")).newStore(), by: "admin")
        print("copied \(try original.patientCount()) patients to PostgreSQL in \(Int(there * 1000)) ms, back in \(Int(Date().timeIntervalSince(started.addingTimeInterval(there)) * 1000)) ms")

        let a = try contents(original), b = try contents(onServer.copy), c = try contents(back.copy)
        for table in CareStore.copiedTables where !["audit_log", "careplan_state"].contains(table.name) {
            XCTAssertEqual(b[table.name]?.rows, a[table.name]?.rows, table.name)
            XCTAssertEqual(b[table.name]?.digest, a[table.name]?.digest, "\(table.name): the same on PostgreSQL")
            XCTAssertEqual(c[table.name]?.digest, a[table.name]?.digest, "\(table.name): the same back on SQLite")
        }
        let trail = try original.auditTrail(), serverTrail = try onServer.copy.auditTrail(), backTrail = try back.copy.auditTrail()
        XCTAssertEqual(Array(serverTrail.prefix(trail.count)), trail)
        XCTAssertEqual(serverTrail.suffix(2).map(\.action), ["copied from", "copied the store"])
        XCTAssertEqual(serverTrail.last?.detail, "to " + path("back"))
        XCTAssertEqual(Array(backTrail.dropLast()), serverTrail)
        XCTAssertEqual(backTrail.last?.detail, server.redacted)
        let password = try XCTUnwrap(server.password, "the tests' server signs in with a password (from PGPASSFILE)")
        XCTAssertFalse(backTrail.contains { $0.detail.contains(password) }, "no password in any trail")
        XCTAssertEqual(try original.verifyAuditTrail(), .intact(entries: trail.count))
        XCTAssertEqual(try onServer.copy.verifyAuditTrail(), .intact(entries: serverTrail.count))
        XCTAssertEqual(try back.copy.verifyAuditTrail(), .intact(entries: backTrail.count))

        // On the server it is a store like any: new records get new ids (the identities moved past the copied ones).
        var p = try original.allPatients()[0].patient
        (p.id, p.nhsNumber) = (nil, try NHSNumber.parse("943 476 5919").get())
        let added = try onServer.copy.addPatient(p, by: "nurse", now: now)
        XCTAssertGreaterThan(try XCTUnwrap(added.id), try original.allPatients().compactMap(\.patient.id).max()!)
        XCTAssertEqual(try onServer.copy.patientCount(), try original.patientCount() + 1)
        XCTAssertEqual(try onServer.copy.verifyAuditTrail(), .intact(entries: serverTrail.count + 1))

        // A second copy into the same schema is refused: it holds a store now.
        XCTAssertThrowsError(try StoreCopy.Target.postgres(server)) { XCTAssertTrue("\($0)".contains("already holds a careplan store"), "\($0)") }
    }

    /// A copy to a server that fails part-way leaves the schema as it was: no careplan table in it.
    func testACopyToPostgreSQLThatFailsLeavesTheSchemaEmpty() throws {
        let server = try schema()
        let original = try seeded(path("original"))
        let patient = try XCTUnwrap(try original.allPatients().first?.patient.id)
        try original.unauditedWrite(foreignKeys: false) { db in try db.execute(sql: "DELETE FROM patient WHERE id = ?", arguments: [patient]) }
        XCTAssertThrowsError(try StoreCopy.copy(from: original, fromName: path("original"), to: try .postgres(server), by: "admin")) {
            // The server's refusal in words (postgres-nio's own text is a placeholder), naming the rule, not the row.
            let said = String(describing: $0)
            XCTAssertTrue(said.hasPrefix("a row names a record that is not there (rule "), said)
            XCTAssertTrue(said.hasSuffix("(SQLSTATE 23503); what the copy made at \(server.redacted) is removed"), said)
            XCTAssertFalse(said.contains("PSQLError"), said)
        }
        let engine = try PostgresEngine(server)
        defer { engine.close() }
        XCTAssertEqual(try engine.read { try Int.fetchOne(Database($0), sql: "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()") }, 0)
        XCTAssertNoThrow(try StoreCopy.Target.postgres(server), "a copy may be made there again")
    }

    /// Runs SQL in the test's schema on an engine of its own (no careplan table needed to write).
    func run(_ sql: String, on server: PostgresLocation) throws {
        let engine = try PostgresEngine(server)
        defer { engine.close() }
        try engine.write { c -> Void in for statement in sql.split(separator: ";") { try Database(c).execute(sql: String(statement)) } }
    }

    func rows(_ sql: String, on server: PostgresLocation) throws -> [String] {
        let engine = try PostgresEngine(server)
        defer { engine.close() }
        return try engine.read { try String.fetchAll(Database($0), sql: sql) }
    }

    /// A schema that holds another application's tables, named like careplan's or not, is refused before
    /// anything is made, naming the schema and a table; its tables and rows are as they were (a copy that
    /// failed there once dropped every table named like careplan's).
    func testACopyToPostgreSQLRefusesASchemaHoldingAnythingAndLeavesItBe() throws {
        let original = try seeded(path("original"))
        let entries = try original.auditTrail().count
        let others = [
            ("setting", "CREATE TABLE setting (name text PRIMARY KEY, value text); INSERT INTO setting VALUES ('pharmacy-config', 'IMPORTANT');"
                        + "CREATE TABLE occasion (id int, what text); INSERT INTO occasion VALUES (1, 'clinic list 2026')",
             "SELECT value FROM setting UNION ALL SELECT what FROM occasion", ["IMPORTANT", "clinic list 2026"]),
            ("pharmacy_stock", "CREATE TABLE pharmacy_stock (item text, n int); INSERT INTO pharmacy_stock VALUES ('saline', 12)",
             "SELECT item || n FROM pharmacy_stock", ["saline12"]),
        ]
        for (table, sql, stored, kept) in others {
            let server = try schema()
            try run(sql, on: server)
            let schemaName = try XCTUnwrap(try rows("SELECT current_schema()", on: server).first)
            let before = try rows("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1", on: server)
            XCTAssertThrowsError(try StoreCopy.copy(from: original, fromName: path("original"), to: try .postgres(server), by: "admin")) {
                let said = String(describing: $0)
                XCTAssertTrue(said.hasPrefix("\(server.redacted): the schema \(schemaName) already holds the table "), said)
                XCTAssertTrue(said.contains(table), said)
                XCTAssertTrue(said.contains("a copy needs a new, empty database or schema"), said)
            }
            XCTAssertEqual(try rows("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1", on: server), before)
            XCTAssertEqual(try rows(stored, on: server), kept)
        }
        // A view, a sequence or a function of its own is refused too.
        for sql in ["CREATE VIEW ward AS SELECT 1 AS n", "CREATE SEQUENCE ticket", "CREATE FUNCTION two() RETURNS int LANGUAGE sql AS 'SELECT 2'"] {
            let server = try schema()
            try run(sql, on: server)
            let kind = String(sql.split(separator: " ")[1]).lowercased()
            XCTAssertThrowsError(try StoreCopy.Target.postgres(server)) { XCTAssertTrue("\($0)".contains("already holds the \(kind) "), "\($0)") }
        }
        XCTAssertEqual(try original.auditTrail().count, entries, "nothing recorded: nothing was copied")
    }

    /// A table made in the schema after it was found empty (by someone else, at the same moment): the server's
    /// refusal reads as words naming the table, not postgres-nio's placeholder.
    func testAServerErrorDuringACopyIsSaidInWords() throws {
        let server = try schema()
        let original = try seeded(path("original"))
        let target = try StoreCopy.Target.postgres(server)
        try run("CREATE TABLE team (id int)", on: server)
        XCTAssertThrowsError(try StoreCopy.copy(from: original, fromName: path("original"), to: target, by: "admin")) {
            XCTAssertTrue("\($0)".hasPrefix("a table named team already exists there (SQLSTATE 42P07)"), "\($0)")
        }
    }

    /// A copy whose new store could not be removed (the server gone) says so, what is left and what to do,
    /// never that it was removed.
    func testACopyWhoseRemainsCannotBeRemovedSaysWhatToDo() throws {
        let original = try seeded(path("original"))
        let patient = try XCTUnwrap(try original.allPatients().first?.patient.id)
        try original.unauditedWrite(foreignKeys: false) { db in try db.execute(sql: "DELETE FROM patient WHERE id = ?", arguments: [patient]) }
        let at = path("stuck")
        let target = StoreCopy.Target(engine: try CareStore.newEngine(path: at), name: at, anchorPath: nil, discard: { false },
                                      open: { try CareStore(path: at) })
        XCTAssertThrowsError(try StoreCopy.copy(from: original, fromName: path("original"), to: target, by: "admin")) {
            let said = "\($0)"
            XCTAssertTrue(said.contains(". Nothing was copied, but the empty tables careplan made at \(at) could not be removed"), said)
            XCTAssertTrue(said.hasSuffix("(the database server could not be reached): copying again, once it answers, removes them first"), said)
            XCTAssertFalse(said.contains("is removed"), said)
        }
    }

    /// What a copy stopped by the server going away leaves (careplan's tables, made by the schema steps, with no
    /// record in them) is taken by the next copy; anything more (an audit entry: the store was opened; another's
    /// table beside them) is refused and left as it is.
    func testACopyTakesTheEmptyTablesOfOneThatDidNotFinishAndNothingMore() throws {
        let original = try seeded(path("original"))
        func leftover() throws -> PostgresLocation {
            let server = try schema()
            let engine = try PostgresEngine(server)
            defer { engine.close() }
            _ = try CareStore.makeSchema(on: engine)
            return server
        }
        let unfinished = try leftover()
        let report = try StoreCopy.copy(from: original, fromName: path("original"), to: try .postgres(unfinished), by: "admin")
        XCTAssertEqual(try report.copy.verifyAuditTrail(), .intact(entries: try report.copy.auditTrail().count))
        XCTAssertEqual(try report.copy.patientCount(), try original.patientCount())

        let opened = try leftover()
        _ = try CareStore(postgres: opened)     // its first audit entry: a store
        let beside = try leftover()
        try run("CREATE TABLE pharmacy_stock (item text, n int); INSERT INTO pharmacy_stock VALUES ('saline', 12)", on: beside)
        for server in [opened, beside] {
            let before = try rows("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1", on: server)
            XCTAssertThrowsError(try StoreCopy.Target.postgres(server)) { XCTAssertTrue("\($0)".contains("already holds a careplan store"), "\($0)") }
            XCTAssertEqual(try rows("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1", on: server), before)
        }
        XCTAssertEqual(try rows("SELECT item || n FROM pharmacy_stock", on: beside), ["saline12"])
    }
}
