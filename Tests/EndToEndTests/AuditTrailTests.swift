import Foundation
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore

/// Issue 9, items 11-14, from outside: the real binary, and the store attacked with sqlite3 and dd as
/// someone who can write the store (but not the audit key's folder) would.
final class AuditTrailTests: EndToEndCase {
    var key: String { dir.appendingPathComponent("keys/audit.key").path }

    /// Signed in as the fixture's nurse or administrator (`signer(of:)`).
    func careplan(_ args: [String], input: String? = nil) throws -> Shell.Result {
        try signedIn(args + ["--store", store], env: Self.environment.merging(["CAREPLAN_AUDIT_KEY": key]) { $1 }, input: input)
    }

    @discardableResult
    func ok(_ args: [String], input: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> Shell.Result {
        let r = try careplan(args, input: input)
        XCTAssertEqual(r.status, 0, "careplan \(args.joined(separator: " ")) failed: \(r.stderr)", file: file, line: line)
        return r
    }

    /// Statements run by sqlite3 on the store.
    func attack(_ statements: String, file: StaticString = #filePath, line: UInt = #line) throws {
        guard let sqlite3 = Paths.sqlite3 else { throw XCTSkip("sqlite3 is not installed (apt-get install sqlite3)") }
        let r = try Shell.run(sqlite3, ["-cmd", ".timeout 3000", store, statements])
        XCTAssertEqual(r.status, 0, "sqlite3 failed: \(r.stderr)", file: file, line: line)
    }

    func verify(file: StaticString = #filePath, line: UInt = #line) throws -> Shell.Result {
        try careplan(["audit", "--verify"])
    }

    static let dropGuards = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
    static var restoreGuards: String { Dialect.sqlite.auditGuards.values.map { $0 + ";" }.joined(separator: " ") }

    /// The store with its people, patients, and two listings; the number of entries in its trail.
    @discardableResult
    func seeded() throws -> Int {
        try ok(["seed", "--patients", "5"])
        try ok(["list"])
        try ok(["list", "--json"])
        let n = Int(try sql("SELECT count(*) AS n FROM audit_log").first!["n"]!)!
        XCTAssertTrue(try ok(["audit", "--verify"]).stdout.contains("The audit trail is intact: \(n) entries"))
        return n
    }

    func testVerifyCatchesAChainChangedAndRecomputedBehindTheTriggers() throws {
        let n = try seeded()
        // The first `list`'s entry rewritten as someone else's, every hash after it recomputed the only way
        // possible without the key (plain SHA-256, as careplan 0.1 chained them), the triggers put back.
        let listed = Int(try sql("SELECT min(id) AS id FROM audit_log WHERE action = 'listed all patients'").first!["id"]!)!
        var statements = Self.dropGuards + " UPDATE audit_log SET user = 'Somebody Else' WHERE id = \(listed);"
        let rows = try sql("SELECT * FROM audit_log ORDER BY id")
        guard rows.count == n else { return XCTFail("\(rows.count) entries, not \(n)") }
        var previous = rows[listed - 2]["hash"]!
        for r in rows.dropFirst(listed - 1) {
            let user = r["id"] == String(listed) ? "Somebody Else" : r["user"]!
            let text = CareStore.auditText(previous: previous, at: r["at"]!, user: user, action: r["action"]!,
                                           patientId: Int64(r["patient_id"]!), assessmentId: Int64(r["assessment_id"]!), detail: r["detail"]!)
            let hash = CareStore.unkeyedHash(text)
            statements += " UPDATE audit_log SET previous_hash = '\(previous)', hash = '\(hash)' WHERE id = \(r["id"]!);"
            previous = hash
        }
        try attack(statements + " " + Self.restoreGuards)
        let r = try verify()
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stderr.contains("The audit trail is broken at entry \(listed): its MAC does not match: it was changed or recomputed without the audit key"), r.stderr)
    }

    /// A forged SSH_CONNECTION (newlines, NBSP, escape sequences) is not taken as the client's address, and
    /// whatever a hostile copy of the store holds, `audit` and `users list` print no control character.
    func testAForgedClientAddressOrAHostileStoreCannotWriteToTheAuditorsTerminal() throws {
        try ok(["list"])
        let forged = "10.1.1.1\n2026-01-01 00:00:00 +0000  admin  deleted\u{00A0}everything\u{1B}]0;owned\u{07}\u{1B}[2J 22 10.0.0.2 22"
        let env = Self.environment.merging(["CAREPLAN_AUDIT_KEY": key, "SSH_CONNECTION": forged]) { $1 }
        XCTAssertEqual(try signedIn(["list", "--store", store], env: env).status, 0)
        let good = Self.environment.merging(["CAREPLAN_AUDIT_KEY": key, "SSH_CONNECTION": "fe80::1 50000 10.0.0.2 22"]) { $1 }
        XCTAssertEqual(try signedIn(["list", "--store", store], env: good).status, 0)
        var listed = try ok(["audit"]).stdout
        XCTAssertFalse(listed.contains("10.1.1.1"), listed)
        XCTAssertTrue(listed.contains("at ssh from fe80::1"), listed)
        // A hostile store copy: text written with sqlite3 into an entry behind the triggers, and into a user's name.
        try attack(Self.dropGuards + """
             UPDATE audit_log SET user = 'eve' || char(10) || 'forged line', action = 'x' || char(27) || ']0;owned' || char(7),
              detail = char(27) || '[2J' || char(155) || '2J' WHERE id = 2;
            UPDATE staff_user SET full_name = 'Nia' || char(27) || '[31m' || char(13) || 'Nurse' WHERE user_name = 'nurse';
            """ + Self.restoreGuards)
        listed = try ok(["audit"]).stdout
        let users = try ok(["users", "list"]).stdout
        for text in [listed, users] {
            XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) }, text)
        }
        XCTAssertFalse(listed.split(separator: "\n").contains { $0.hasPrefix("forged line") }, listed)
    }

    func testVerifyCatchesTheNewestEntriesRemoved() throws {
        let n = try seeded()
        try attack("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id > 2; UPDATE sqlite_sequence SET seq = 2 WHERE name = 'audit_log'; "
                   + Dialect.sqlite.auditGuards["audit_log_no_delete"]! + ";")
        let r = try verify()
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stderr.contains("The audit trail is broken at entry 3: it was removed: the anchor outside the store says the trail reached entry \(n), and it stops at 2."), r.stderr)
    }

    func testVerifyReportsMissingTriggersAndOpeningPutsThemBack() throws {
        try seeded()
        try attack(Self.dropGuards)
        let r = try verify()
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stderr.contains("Note: the audit trail's guards (audit_log_no_delete, audit_log_no_update) were missing or changed"), r.stderr)
        XCTAssertTrue(r.stderr.contains("The audit trail cannot be trusted: its triggers were changed outside careplan, found and put right when careplan next opened the store on "), r.stderr)
        XCTAssertTrue(r.stderr.contains("guard audit_log_no_delete restored, guard audit_log_no_update restored)"), r.stderr)
        XCTAssertEqual(try sql("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log' ORDER BY name"),
                       [["name": "audit_log_no_delete"], ["name": "audit_log_no_update"]], "restored on opening")
        // A trigger kept by name but emptied of its refusal counts as missing too.
        try attack("DROP TRIGGER audit_log_no_update; CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT 1; END;")
        XCTAssertTrue(try verify().stderr.contains("guards (audit_log_no_update) were missing or changed"))
    }

    func testListingPINChangesAndTheKeyAreAudited() throws {
        try seeded()
        let trail = try ok(["audit"]).stdout
        XCTAssertEqual(trail.components(separatedBy: "listed all patients  (5 patients)").count, 3, trail)
        // With --password-stdin each PIN is given once (after the nurse's password).
        try ok(["kiosk", "--set-pin"], input: "ward7-kiosk\n")
        // Changing it asks for the current one first; a wrong one changes nothing and is recorded.
        let refused = try careplan(["kiosk", "--set-pin"], input: "guessed-it\ntaken-over\n")
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("That PIN is not right. Nothing was changed."), refused.stderr)
        XCTAssertTrue(try ok(["kiosk", "--set-pin"], input: "ward7-kiosk\nward8-kiosk\n").stdout.contains("Staff PIN changed."))
        let actions = try sql("SELECT action FROM audit_log WHERE action LIKE '%staff PIN%' ORDER BY id").map { $0["action"]! }
        XCTAssertEqual(actions, ["set staff PIN", "staff PIN refused", "changed staff PIN"])
        // The key is where it was said to be, owner-only, and not in the store's folder.
        let mode = (try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(mode, 0o600)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("store").path).contains { $0.contains("key") })
    }

    func testACorruptedPageIsFoundAndTheStoreIsNotWritten() throws {
        try ok(["seed", "--patients", "300"])
        let root = try sql("SELECT rootpage FROM sqlite_master WHERE name = 'assessment'").first!["rootpage"]!
        let pageSize = try sql("PRAGMA page_size").first!["page_size"]!
        let dd = try Shell.run("/bin/dd", ["if=/dev/zero", "of=\(store)", "bs=\(pageSize)", "seek=\(Int(root)! - 1)", "count=1", "conv=notrunc"])
        XCTAssertEqual(dd.status, 0, dd.stderr)

        let seed = try careplan(["seed", "--patients", "1"])
        XCTAssertNotEqual(seed.status, 0, "seed wrote to a damaged store: \(seed.stdout)")
        XCTAssertTrue(seed.stderr.contains("the store is damaged (SQLite found a corrupted page), so careplan writes nothing more to it. Run `careplan check --store \(store)`"), seed.stderr)
        let verify = try verify()
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.stderr.contains("The audit trail cannot be trusted: the store is damaged"), verify.stderr)
        let check = try careplan(["check"])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stderr.contains("is damaged. SQLite says:\n") && check.stderr.contains("restore the last backup"), check.stderr)
        XCTAssertEqual(try sql("SELECT count(*) AS n FROM patient"), [["n": "300"]], "nothing added")

        // Issue 9 follow-up, items 5 and 6: each command refuses once, in words that fit it, pointing to `check`.
        for args in [["list"], ["seed", "--patients", "1"], ["export", "1"], ["audit"], ["kiosk", "--set-pin"]] {
            let r = try careplan(args)
            XCTAssertNotEqual(r.status, 0, "\(args) on a damaged store: \(r.stdout)")
            XCTAssertEqual(r.stderr.components(separatedBy: "the store is damaged").count, 2, "\(args): said once: \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("Run `careplan check --store \(store)`"), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("What you typed is kept"), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stdout.contains("999"), "\(args) showed patients of a damaged store")
        }
    }

    /// Issue 9 follow-up, item 4: the application on a damaged store shows no data from it (a record read as
    /// having no assessment): it stops, wiped, with what to do.
    func testTheApplicationStopsOnADamagedStoreShowingNothing() throws {
        try ok(["seed", "--patients", "300"])
        let root = try sql("SELECT rootpage FROM sqlite_master WHERE name = 'assessment'").first!["rootpage"]!
        let pageSize = try sql("PRAGMA page_size").first!["page_size"]!
        XCTAssertEqual(try Shell.run("/bin/dd", ["if=/dev/zero", "of=\(store)", "bs=\(pageSize)", "seek=\(Int(root)! - 1)", "count=1", "conv=notrunc"]).status, 0)
        // The shell says how careplan exited (tmux's own pane status can lag behind the closed terminal).
        // (No staff: careplan stops before anyone could sign in.)
        let command = careplanCommand(environment: "CAREPLAN_AUDIT_KEY=\(Self.quote(key)) ", staffed: false).replacingOccurrences(of: "exec env", with: "env")
        try tmux.start("t", remainOnExit: true, command: command + "; echo careplan-exit=$?")
        let screen = try tmux.waitFor("careplan-exit=", in: "t", timeout: 10)
        // The terminal wraps the message anywhere, even inside a word: compare without spaces and line ends.
        let squeezed = screen.filter { !$0.isWhitespace }
        XCTAssertTrue(squeezed.contains("writesnothingmoretoit") && squeezed.contains("careplancheck--store"), screen)
        XCTAssertFalse(screen.contains("No assessment") || screen.contains("careplan · Patients"), screen)
        XCTAssertTrue(screen.contains("careplan-exit=1"), screen)
    }

    /// Issue 9 follow-up, item 6: another key makes `audit` refuse; `audit --patient` is itself audited.
    func testAuditListingIsAuditedAndRefusedUnderAnotherKey() throws {
        try ok(["seed", "--patients", "2"])
        let nhs = try sql("SELECT nhs_number, id FROM patient ORDER BY id LIMIT 1").first!
        try ok(["audit", "--patient", nhs["nhs_number"]!])
        XCTAssertEqual(try sql("SELECT action, patient_id FROM audit_log ORDER BY id DESC LIMIT 1"), [["action": "viewed", "patient_id": nhs["id"]!]])
        try String(repeating: "ab", count: 32).write(toFile: key, atomically: true, encoding: .utf8)
        let r = try careplan(["audit"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("does not match the audit key"), r.stderr)
        XCTAssertFalse(r.stdout.contains("listed"), r.stdout)
    }

    /// Issue 9 follow-up, item 9: a wrong current PIN is refused before a new one is asked for.
    func testChangingThePINChecksTheCurrentOneFirst() throws {
        try ok(["seed", "--patients", "1"])
        try ok(["kiosk", "--set-pin"], input: "ward7-kiosk\n")
        let r = try careplan(["kiosk", "--set-pin"], input: "guessed-it\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("That PIN is not right. Nothing was changed."), r.stderr)
        XCTAssertFalse(r.stderr.contains("New staff PIN"), r.stderr)
        XCTAssertEqual(try sql("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1"), [["action": "staff PIN refused"]])
    }

    func testAStoreFromANewerCareplanIsRefusedNamingBothVersions() throws {
        try ok(["seed", "--patients", "1"])
        try attack("INSERT INTO grdb_migrations (identifier) VALUES ('v9: care plans on the moon');")
        let r = try careplan(["list"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("was written by a newer careplan: its schema has “v9: care plans on the moon”, which this careplan does not know "
                                        + "(the newest it knows is “\(CareStore.migrationNames.last!)”)"), r.stderr)
        XCTAssertFalse(r.stdout.contains("999"), "patients listed from a store of the future")
        // Issue 9 follow-up, item 3: the full check says so too, rather than OK.
        let check = try careplan(["check"])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stderr.contains("was written by a newer careplan: its schema has “v9: care plans on the moon”"), check.stderr)
    }
}
