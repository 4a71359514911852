import CareplanCore
import CareplanSQLite
import CareplanStores
import Foundation
import RepositoryTestSupport
import XCTest

/// Where things are: the package root (CAREPLAN_HOME, with Screens/ and Resources/) and the careplan binary
/// `swift test` built next to this test bundle.
enum Paths {
    /// Tests/EndToEndTests/Support.swift -> the package root.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let careplan: String = {
        if let env = ProcessInfo.processInfo.environment["CAREPLAN_E2E_BINARY"], !env.isEmpty { return env }
        // The test bundle is an executable in the products directory, next to careplan.
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let sibling = me.deletingLastPathComponent().appendingPathComponent("careplan").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        return packageRoot.appendingPathComponent(".build/debug/careplan").path
    }()

    static let sqlite3: String? = Shell.which("sqlite3")
    static let psql: String? = Shell.which("psql")
}

/// The store the end-to-end tests run on: an SQLite file per test, or, with CAREPLAN_TEST_STORE=postgres (the
/// second pass of .ci/test), a schema of its own per test on the server `TestPostgres` names. Suites about
/// SQLite's files (store files, a full disk, read-only mounts) are left out of that pass.
enum TestStore {
    static let onPostgres = ProcessInfo.processInfo.environment["CAREPLAN_TEST_STORE"] == "postgres"

    /// A store in `folder`: its file, or its schema's address (made now).
    static func location(in folder: URL) throws -> String {
        guard onPostgres else { return folder.appendingPathComponent("careplan.sqlite").path }
        return try TestPostgres.url(for: folder)
    }

    /// What careplan needs besides its address to reach the store: the password file, for a server.
    static var environment: [String: String] {
        guard onPostgres, let file = ProcessInfo.processInfo.environment["PGPASSFILE"] else { return [:] }
        return ["PGPASSFILE": file]
    }
}

/// Fictional NHS numbers from the never-issued 999 range, with their Modulus 11 check digit computed.
enum FictionalNHS {
    /// `999` + six digits + the check digit; nil when no check digit fits (the result would be 10).
    static func number(_ serial: Int) -> String? {
        let nine = Array("999" + String(format: "%06d", serial)).map { Int(String($0))! }
        let sum = zip(nine, stride(from: 10, through: 2, by: -1)).reduce(0) { $0 + $1.0 * $1.1 }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        if check == 10 { return nil }
        return nine.map(String.init).joined() + String(check)
    }

    /// The `n`th valid one (from 1), spaced 3 3 4 as people type it.
    static func spaced(_ n: Int) -> String {
        var serial = 0, found = 0
        while true {
            serial += 1
            if let d = number(serial) {
                found += 1
                if found == n { return format(d) }
            }
        }
    }

    static func format(_ d: String) -> String {
        let a = Array(d)
        return String(a[0..<3]) + " " + String(a[3..<6]) + " " + String(a[6..<10])
    }
}

/// Dates as careplan shows them (`23 Dec 2026`), takes them (`23/12/2026`) and stores them (`2026-12-23`).
enum Dates {
    static func format(_ date: Date, _ pattern: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = .current
        f.dateFormat = pattern
        return f.string(from: date)
    }
    static func daysFromNow(_ n: Int) -> Date { Calendar.current.date(byAdding: .day, value: n, to: Date())! }
    static func typed(_ d: Date) -> String { format(d, "dd/MM/yyyy") }
    static func shown(_ d: Date) -> String { format(d, "dd MMM yyyy") }
    static func iso(_ d: Date) -> String { format(d, "yyyy-MM-dd") }
}

/// One test's world: its own folder, store, tmux server and careplan sessions.
class EndToEndCase: XCTestCase {
    var dir: URL!
    var tmux: Tmux!
    /// The test's store, as `--store` takes it (`TestStore`).
    var store: String { madeStore }
    private var madeStore = ""
    /// Folders whose stores this test made (`freshStore`), removed (and their schemas dropped) at the end.
    private var storeFolders: [URL] = []

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("careplan-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        tmux = try Tmux(dir: dir)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Paths.careplan), "careplan binary not found at \(Paths.careplan)")
        madeStore = try freshStore("store")
    }

    override func tearDown() {
        tmux?.shutdown()
        for folder in storeFolders { TestPostgres.drop(for: folder) }
        if let dir { try? FileManager.default.removeItem(at: dir) }
        super.tearDown()
    }

    /// A new store named `name` in the test's folder (`TestStore.location`), not created yet on SQLite.
    func freshStore(_ name: String) throws -> String {
        let folder = dir.appendingPathComponent(name)
        storeFolders.append(folder)
        return try TestStore.location(in: folder)
    }

    /// A connection of the test's own to `path` (the test's store by default), opened as careplan opens it.
    func openStore(_ path: String? = nil) throws -> CareStore {
        try StoreLocation.parse(path ?? store).open()
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The operating-system account the tests run as.
    static let account: String = getpwuid(getuid()).flatMap { $0.pointee.pw_name }.map { String(cString: $0) } ?? "tester"
    private var appStaffed = false

    /// Gives the test's store its staff for the application, once: the fixture's administrator and nurse
    /// (`addStaff`), and the test's own operating-system account as a clinical nurse specialist named "Nurse",
    /// which the store trusts, so that careplan opens on the patients without anyone typing a password (the
    /// sign-in screen has tests of its own).
    func staffTheStore(file: StaticString = #filePath, line: UInt = #line) {
        guard !appStaffed else { return }
        appStaffed = true
        do {
            try addStaff()
            let s = try openStore()
            if try s.user(named: Self.account) == nil {
                _ = try s.addUser(NewStaffUser(userName: Self.account, fullName: "Nurse", roleId: "clinical-nurse-specialist"),
                                  password: StaffFixture.newPassword(for: Self.account), by: StaffFixture.administrator, now: Date())
            }
            try s.setTrustsOperatingSystemAccounts(true, by: StaffFixture.administrator, now: Date())
        } catch {
            XCTFail("could not give the store its staff: \(error)", file: file, line: line)
        }
    }

    /// The shell command for a pane: `exec` so the pane's pid is careplan's. The store gets its staff first
    /// (`staffTheStore`) unless `staffed` is false (a new store's first run).
    /// `environment` goes before careplan's own settings, e.g. `SWIFT_BACKTRACE=enable=no `, after the store's
    /// (`TestStore.environment`), so a test may point at a server of its own.
    func careplanCommand(extra: String = "", environment: String = "", staffed: Bool = true) -> String {
        if staffed { staffTheStore() }
        let q = EndToEndCase.quote
        let reach = TestStore.environment.map { "\($0.key)=\(q($0.value)) " }.joined()
        return "exec env \(reach)\(environment)LANG=C.UTF-8 TERM=xterm-256color CAREPLAN_HOME=\(q(Paths.packageRoot.path)) "
            + "\(q(Paths.careplan)) --store \(q(store))\(extra)"
    }

    /// Starts careplan in a session and waits for the patient register (Esc from the worklist it opens on).
    func launch(_ session: String = "t", width: Int = 80, height: Int = 24, remainOnExit: Bool = false,
                file: StaticString = #filePath, line: UInt = #line) throws {
        try tmux.start(session, width: width, height: height, remainOnExit: remainOnExit, command: careplanCommand())
        try toPatients(session, file: file, line: line)
    }

    /// Just signed in: the worklist (a clinician's home), then Esc to the patient register.
    func toPatients(_ session: String = "t", file: StaticString = #filePath, line: UInt = #line) throws {
        try tmux.waitFor(" careplan · Worklist", in: session, file: file, line: line)
        try tmux.keys("Escape", to: session)
        try tmux.waitFor(" careplan · Patients", in: session, file: file, line: line)
    }

    /// careplan on the command line, on this test's store, signed in as `signer(of:)` says.
    func cli(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try signedIn(args + ["--store", store])
        XCTAssertEqual(r.status, 0, "careplan \(args.joined(separator: " ")) failed: \(r.stderr)", file: file, line: line)
        return r.stdout
    }

    static let environment = ["CAREPLAN_HOME": Paths.packageRoot.path, "LANG": "C.UTF-8"].merging(TestStore.environment) { $1 }

    /// Who runs a command in these tests: the administrator (`StaffFixture`) where only they may (the audit
    /// trail, users, teams), nobody where no sign-in is asked (`check`, `audit --verify`), else the nurse.
    static func signer(of args: [String]) -> String? {
        if args.first == "check" || args.contains("--verify") { return nil }
        return ["audit", "users", "teams"].contains(args.first ?? "") ? StaffFixture.administrator : StaffFixture.nurse
    }

    /// Stores that have the fixture's people already.
    private var staffed: Set<String> = []

    /// Adds the administrator and the nurse to the store `args` name (this test's by default) through the command
    /// line, as a site would, once.
    func addStaff(store path: String? = nil, env: [String: String] = environment) throws {
        let path = path ?? store
        guard staffed.insert(path).inserted else { return }
        let pw = StaffFixture.password
        for (args, input) in [(["users", "add", StaffFixture.administrator, "--admin", "--full-name", "Ada Admin"], "\(pw)\n"),
                              (["users", "add", StaffFixture.nurse, "--role", "nurse", "--full-name", "Nia Nurse", "--as", StaffFixture.administrator],
                               "\(pw)\n\(pw)\n")] {
            let r = try Shell.run(Paths.careplan, args + ["--password-stdin", "--store", path], env: env, input: input)
            guard r.status == 0 else { throw StopTest(description: "careplan \(args) failed: \(r.stderr)") }
        }
    }

    /// careplan with `args` (which name the store), signed in as `signer(of:)` says: its password goes first on
    /// standard input, then `input`. The store gets the fixture's people first.
    func signedIn(_ args: [String], as user: String? = nil, env: [String: String] = environment, input: String? = nil) throws -> Shell.Result {
        guard let user = user ?? Self.signer(of: args) else { return try Shell.run(Paths.careplan, args, env: env, input: input) }
        let path = args.firstIndex(of: "--store").map { args[$0 + 1] } ?? store
        try addStaff(store: path, env: env)
        return try Shell.run(Paths.careplan, args + ["--as", user, "--password-stdin"], env: env,
                             input: StaffFixture.password + "\n" + (input ?? ""))
    }

    /// Rows from the store through the sqlite3 command line, or psql on PostgreSQL (independent of careplan's
    /// own code; psql's rows made the JSON sqlite3 -json prints), every value as text ("NULL" for null).
    func sql(_ query: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: String]] {
        let r: Shell.Result
        let onServer = store.hasPrefix("postgres://") || store.hasPrefix("postgresql://")
        if onServer {
            guard let psql = Paths.psql else { throw StopTest(description: "psql is not installed (apt-get install postgresql-client)") }
            r = try Shell.run(psql, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", store,
                                     "-c", "SELECT coalesce(json_agg(q), '[]') FROM (\(query)) q"])
        } else {
            guard let sqlite3 = Paths.sqlite3 else { throw XCTSkip("sqlite3 is not installed (apt-get install sqlite3)") }
            r = try Shell.run(sqlite3, ["-json", store, query])
        }
        guard r.status == 0 else {
            XCTFail("\(onServer ? "psql" : "sqlite3") failed: \(r.stderr)", file: file, line: line)
            throw StopTest(description: r.stderr)
        }
        let text = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return [] }
        let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] ?? []
        return rows.map { row in
            row.mapValues { v -> String in
                if v is NSNull { return "NULL" }
                if let s = v as? String { return s }
                return "\(v)"
            }
        }
    }

    /// From the register: adds a patient through the form (Ctrl-A, fields, Ctrl-S) and waits for their record.
    func addPatient(nhs: String, family: String, given: String, born: String = "05/03/1961", diagnosis: String = "Breast",
                    in session: String = "t", file: StaticString = #filePath, line: UInt = #line) throws {
        try tmux.keys("C-a", to: session)
        try tmux.waitFor(" careplan · Patient details", in: session, file: file, line: line)
        for (i, value) in [nhs, family, given, born, diagnosis].enumerated() {
            if i > 0 { try tmux.keys("Tab", to: session) }
            try tmux.type(value, to: session)
        }
        try tmux.keys("C-s", to: session)
        try tmux.waitFor(" Patient added", in: session, file: file, line: line)
        try tmux.waitFor(" careplan · Patient record", in: session, file: file, line: line)
    }

    /// From a patient's record: N, then Enter (on the first field: it starts), and waits for the checklist.
    func startAssessment(in session: String = "t", file: StaticString = #filePath, line: UInt = #line) throws {
        try tmux.keys("n", to: session)
        try tmux.waitFor(" careplan · New assessment", in: session, file: file, line: line)
        try tmux.keys("Enter", to: session)
        try tmux.waitFor(" Assessment started: every answer is saved as you give it", in: session, file: file, line: line)
    }

    /// From the register: finds the patient `family` (the one so named, given name Alex) and opens their
    /// assessment in progress on its checklist.
    func openChecklist(of family: String, in session: String = "t", file: StaticString = #filePath, line: UInt = #line) throws {
        try tmux.type(family, to: session)
        try tmux.waitFor("\(family.uppercased()), Alex", in: session, file: file, line: line)
        try tmux.keys("Enter", to: session)
        try tmux.waitFor(" careplan · Patient record", in: session, file: file, line: line)
        try tmux.keys("Enter", to: session)
        try tmux.waitFor(" careplan · Concerns checklist", in: session, file: file, line: line)
    }

    /// On the checklist: rates the selected concern, one key at a time as a person types, waiting for each
    /// to be acknowledged (careplan joins printable keys that arrive in one read: see the report).
    func rate(_ label: String, _ score: Int, in session: String = "t", file: StaticString = #filePath, line: UInt = #line) throws {
        if score == 10 {
            try tmux.type("1", to: session)
            try tmux.waitFor("“\(label)” rated 1", in: session, file: file, line: line)
            try tmux.type("0", to: session)
        } else {
            try tmux.type(String(score), to: session)
        }
        try tmux.waitFor("“\(label)” rated \(score)", in: session, file: file, line: line)
    }

    /// A checklist row as drawn at 80 columns: `  [x] Label ... 7 ███████░░░`.
    static func checklistRow(_ label: String, _ score: Int?) -> String {
        var row = "  [\(score == nil ? " " : "x")] " + label
        guard let score else { return row }
        let bar = (score == 10 ? "10" : " \(score)") + " " + String(repeating: "█", count: score) + String(repeating: "░", count: 10 - score)
        row += String(repeating: " ", count: 80 - 14 - row.count) + bar
        return row
    }

    /// The checklist's first line at 80 columns, with its summary on the right.
    static func checklistHeader(_ summary: String) -> String {
        " Type to filter" + String(repeating: " ", count: 80 - 15 - summary.count - 1) + summary
    }

    /// Waits for the pane's process to end, failing if it takes longer than `limit` seconds.
    @discardableResult
    func waitForExit(_ pid: Int32, limit: TimeInterval, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws -> TimeInterval {
        guard let took = Shell.waitForExit(pid, timeout: max(limit, 3)) else {
            XCTFail("careplan (pid \(pid)) still running \(max(limit, 3)) s after \(what)", file: file, line: line)
            kill(pid, SIGKILL)
            throw StopTest(description: "still running")
        }
        XCTAssertLessThanOrEqual(took, limit, "careplan took \(String(format: "%.2f", took)) s to exit after \(what)", file: file, line: line)
        return took
    }
}

/// A test on the tests' PostgreSQL server (`TestPostgres`) whichever store the other tests run on: skipped
/// without one, failed under CI.
class ServerEndToEndCase: EndToEndCase {
    override var store: String { serverStore }
    private var serverStore = ""

    override func setUpWithError() throws {
        try TestPostgres.skipOrFailWithoutServer { XCTSkip($0) }
        try super.setUpWithError()
        serverStore = try TestPostgres.url(for: dir.appendingPathComponent("server"))
    }

    override func tearDown() {
        if let dir { TestPostgres.drop(for: dir.appendingPathComponent("server")) }
        super.tearDown()
    }
}

/// Kiosk lockout numbers for tests that do not look at the lockout itself.
let testLockout = RateLimit(freeTries: 5, window: 900, firstWait: 30, longestWait: 900)
