import Foundation
import RepositoryTestSupport
import XCTest

/// `careplan users` and `careplan teams`, as an administrator runs them: the first administrator, accounts,
/// roles, teams, waits after wrong passwords, and no password anywhere it could be read.
final class StaffCommandsTests: EndToEndCase {
    let admin = StaffFixture.administrator, nurse = StaffFixture.nurse, password = StaffFixture.password

    /// careplan on this test's store, with `input` on standard input and nobody signed in unless `args` say so.
    func run(_ args: [String], input: String? = nil) throws -> Shell.Result {
        try Shell.run(Paths.careplan, args + ["--store", store], env: Self.environment, input: input)
    }

    /// Signed in as `user`, whose password goes first on standard input.
    func runAs(_ user: String, _ args: [String], password: String? = nil, input: String = "") throws -> Shell.Result {
        try run(args + ["--as", user, "--password-stdin"], input: (password ?? self.password) + "\n" + input)
    }

    func testAStoreIsUsableOnlyOnceItHasAnAdministrator() throws {
        let list = try run(["list", "--as", nurse, "--password-stdin"], input: password + "\n")
        XCTAssertEqual(list.status, 1)
        XCTAssertTrue(list.stderr.contains("no store at"), list.stderr)
        let early = try run(["users", "add", nurse, "--role", "nurse", "--password-stdin"], input: password + "\n")
        XCTAssertEqual(early.status, 1)
        XCTAssertTrue(early.stderr.contains("This store has no administrator yet: create one first (careplan users add --admin)"), early.stderr)
        let seed = try run(["seed", "--as", admin, "--password-stdin"], input: password + "\n")
        XCTAssertTrue(seed.stderr.contains("This store has no administrator yet"), seed.stderr)
        let weak = try run(["users", "add", admin, "--admin", "--password-stdin"], input: "ward7\n")
        XCTAssertEqual(weak.status, 1)
        XCTAssertTrue(weak.stderr.contains("The password has 5 characters; it needs at least 10"), weak.stderr)
        let first = try run(["users", "add", admin, "--admin", "--full-name", "Ada Admin", "--password-stdin"], input: password + "\n")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("Created the first administrator, admin (Ada Admin, Administrator)"), first.stdout)
        let second = try run(["users", "add", "eve", "--admin", "--full-name", "Eve", "--password-stdin"], input: password + "\n")
        XCTAssertEqual(second.status, 1, "a second administrator without signing in")
        XCTAssertTrue(second.stderr.contains("say who you are"), second.stderr)
    }

    func testAdministratorsManageAccountsAndEveryChangeNamesThem() throws {
        try addStaff()
        // Only an administrator manages users.
        let byNurse = try runAs(nurse, ["users", "add", "sam", "--role", "support-worker", "--full-name", "Sam Support"], input: "support words here\n")
        XCTAssertEqual(byNurse.status, 1)
        XCTAssertTrue(byNurse.stderr.contains("nurse (Nurse) may not manage users: nothing was done"), byNurse.stderr)
        XCTAssertEqual(try run(["users", "list"], input: "").status, 1, "nobody signed in")
        let badRole = try runAs(admin, ["users", "add", "sam", "--role", "porter", "--full-name", "Sam"], input: "support words here\n")
        XCTAssertTrue(badRole.stderr.contains("There is no role `porter` (see Resources/roles.yaml): roles are clinical-nurse-specialist, nurse,"), badRole.stderr)
        let added = try runAs(admin, ["users", "add", "Sam", "--role", "support-worker", "--full-name", "Sam Support"], input: "support words here\n")
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(added.stdout.contains("Added sam (Sam Support, Support worker)"), added.stdout)
        // A support worker lists patients but exports nothing and sees no audit trail.
        XCTAssertEqual(try runAs("sam", ["list"], password: "support words here").status, 0)
        let audit = try runAs("sam", ["audit"], password: "support words here")
        XCTAssertTrue(audit.stderr.contains("sam (Support worker) may not view audit: nothing was done"), audit.stderr)

        // Reset: the old password no longer works; the new one must be changed before anything else.
        XCTAssertEqual(try runAs(admin, ["users", "reset-password", "sam"], input: "given by admin 1\n").status, 0)
        let reset = try runAs("sam", ["list"], password: "given by admin 1")
        XCTAssertTrue(reset.stderr.contains("your password was reset by an administrator: choose your own first (careplan users change-password --as sam)"),
                      reset.stderr)
        let same = try runAs("sam", ["users", "change-password"], password: "given by admin 1", input: "given by admin 1\n")
        XCTAssertTrue(same.stderr.contains("The new password is the same as the old one"), same.stderr)
        let changed = try runAs("sam", ["users", "change-password"], password: "given by admin 1", input: "my own secret 2\n")
        XCTAssertEqual(changed.status, 0, changed.stderr)
        XCTAssertEqual(try runAs("sam", ["list"], password: "my own secret 2").status, 0)

        // Disabled: refused, and said so only to whoever knows the password.
        XCTAssertEqual(try runAs(admin, ["users", "disable", "sam"]).status, 0)
        XCTAssertTrue(try runAs("sam", ["list"], password: "my own secret 2").stderr.contains("this account is disabled: ask an administrator"))
        XCTAssertTrue(try runAs("sam", ["list"], password: "a wrong guess").stderr.contains("wrong user name or password"))
        let last = try runAs(admin, ["users", "disable", admin])
        XCTAssertTrue(last.stderr.contains("That would leave the store without an enabled administrator"), last.stderr)
        XCTAssertEqual(try runAs(admin, ["users", "enable", "sam"]).status, 0)
        XCTAssertTrue(try runAs(admin, ["users", "set-role", "sam", "nurse"]).stdout.contains("sam (Sam Support, Nurse) now."))
        let users = try runAs(admin, ["users", "list"]).stdout
        XCTAssertTrue(users.contains("sam") && users.contains("Nurse") && users.contains("active"), users)

        // Teams.
        XCTAssertTrue(try runAs(admin, ["teams", "add", "Breast", "CNS", "team"]).stdout.contains("Added team 1, Breast CNS team."))
        XCTAssertTrue(try runAs(admin, ["teams", "add-member", "breast", nurse]).stdout.contains("nurse (Nia Nurse, Nurse) is now in Breast CNS team."))
        XCTAssertTrue(try runAs(admin, ["teams", "rename", "1", "Breast", "care"]).stdout.contains("Renamed team 1, Breast CNS team, to Breast care."))
        XCTAssertTrue(try runAs(nurse, ["teams", "list"]).stdout.contains("Breast care"))
        XCTAssertTrue(try runAs(admin, ["teams", "remove-member", "Breast care", nurse]).stdout.contains("is no longer in Breast care"))
        XCTAssertTrue(try runAs(nurse, ["teams", "add", "Lung"]).stderr.contains("may not manage users"))

        // The trail names who did each thing; nothing is "unknown".
        let trail = try sql("SELECT user, action, detail FROM audit_log ORDER BY id").map { "\($0["user"]!) | \($0["action"]!) | \($0["detail"]!)" }
        for line in ["admin | created the first administrator | admin (administrator)", "admin | added user | sam (support-worker)",
                     "admin | reset password | sam: to change at next sign-in", "sam | changed own password | at command line",
                     "admin | disabled user | sam", "sam | sign-in refused | account disabled, at command line", "admin | enabled user | sam",
                     "admin | set role | sam: nurse", "admin | added team | 1 Breast CNS team", "admin | set teams | nurse: 1",
                     "admin | renamed team | 1 Breast CNS team -> Breast care", "admin | set teams | nurse: none"] {
            XCTAssertTrue(trail.contains(line), "\(line) is missing from:\n" + trail.joined(separator: "\n"))
        }
        XCTAssertFalse(trail.contains { $0.hasPrefix("unknown") })
    }

    func testWrongPasswordsWaitLongerAndLonger() throws {
        try addStaff()
        var last = ""
        for _ in 0..<5 { last = try runAs(nurse, ["list"], password: "not my password").stderr }
        XCTAssertTrue(last.contains("wrong user name or password: wait 30 seconds before trying again"), last)
        let waiting = try runAs(nurse, ["list"])
        XCTAssertEqual(waiting.status, 1, "the right password waits too")
        XCTAssertTrue(waiting.stderr.contains("too many wrong passwords: wait"), waiting.stderr)
        XCTAssertTrue(try runAs(admin, ["users", "list"]).stderr.contains("too many wrong passwords"), "this terminal waits for every account")
    }

    /// Passwords are asked at the terminal with echo off, twice, and never shown; none is kept anywhere it
    /// could be read: not the screen, the store file, the log, or the audit trail.
    func testPasswordsAreNeverShownOrKept() throws {
        let typed = "Quiet Words At The Desk"
        let command = "exec env LANG=C.UTF-8 CAREPLAN_HOME=\(Self.quote(Paths.packageRoot.path)) \(Self.quote(Paths.careplan)) "
            + "users add \(admin) --admin --full-name 'Ada Admin' --store \(Self.quote(store)); echo careplan-exit=$?; sleep 30"
        try tmux.start("t", command: command.replacingOccurrences(of: "exec env", with: "env"))
        try tmux.waitFor("New password for admin (at least 10 characters):")
        try tmux.type(typed)
        try tmux.keys("Enter")
        try tmux.waitFor("The same password again:")
        try tmux.type(typed)
        try tmux.keys("Enter")
        let screen = try tmux.waitFor("careplan-exit=")
        XCTAssertTrue(screen.contains("Created the first administrator") && screen.contains("careplan-exit=0"), screen)
        XCTAssertFalse(screen.contains(typed), "the password was shown: \(screen)")
        // Sign-ins, right and wrong, a reset and a change, with the log in use (an export writes to it).
        XCTAssertEqual(try run(["seed", "--patients", "3", "--as", admin, "--password-stdin"], input: typed + "\n").status, 1,
                       "an administrator does not edit patients")
        let nurseAdded = try run(["users", "add", nurse, "--role", "nurse", "--full-name", "Nia", "--as", admin, "--password-stdin"],
                                 input: typed + "\nward seven words\n")
        XCTAssertEqual(nurseAdded.status, 0, nurseAdded.stderr)
        _ = try run(["list", "--as", nurse, "--password-stdin"], input: "Quiet Words At The Desk\n")
        _ = try run(["users", "reset-password", nurse, "--as", admin, "--password-stdin"], input: typed + "\nreset words here\n")
        _ = try run(["users", "change-password", "--as", nurse, "--password-stdin"], input: "reset words here\nfresh ward words\n")
        XCTAssertEqual(try run(["seed", "--patients", "3", "--as", nurse, "--password-stdin"], input: "fresh ward words\n").status, 0)
        let id = try XCTUnwrap(try sql("SELECT min(id) AS id FROM assessment").first?["id"])
        let exported = try run(["export", id, "--format", "text", "--output", dir.path + "/", "--as", nurse, "--password-stdin"], input: "fresh ward words\n")
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let storeFolder = dir.appendingPathComponent("store")
        let files = try FileManager.default.contentsOfDirectory(atPath: storeFolder.path)
        XCTAssertTrue(files.contains("careplan.log"), "\(files)")
        for file in files {
            let bytes = try Data(contentsOf: storeFolder.appendingPathComponent(file))
            for secret in [typed, "ward seven words", "reset words here", "fresh ward words"] {
                XCTAssertNil(bytes.range(of: Data(secret.utf8)), "\(secret) is in \(file)")
            }
        }
        let trail = try sql("SELECT user || ' ' || action || ' ' || detail AS line FROM audit_log").map { $0["line"]! }.joined(separator: "\n")
        XCTAssertFalse(trail.contains("scrypt$") || trail.contains("words"), trail)
        let hashes = try sql("SELECT password_hash FROM staff_user").map { $0["password_hash"]! }
        XCTAssertEqual(hashes.count, 2)
        XCTAssertTrue(hashes.allSatisfy { $0.hasPrefix("scrypt$16384$8$1$") }, "\(hashes)")
    }
}
