import CareplanCore
import Foundation
import ReliabilityKnobs
import RepositoryTestSupport
import XCTest

/// The real binary on a PostgreSQL server that goes away while a nurse types a note: stopped (fast: the
/// server ends its sessions), crashed (immediate), restarted between two keys, down at start-up. Like a
/// full disk: what was typed stays on screen, the line says the server cannot be reached and the changes
/// are kept, and when it is back they are saved in order, once. These stop their server, so it is one of
/// their own (`.ci/pg` with its own folder and port, through Shell.run: Foundation's Process would wait for
/// the descriptors the postmaster keeps), made once for the class and removed after it.
final class PostgresFaultTests: EndToEndCase {
    static let folder = "/tmp/pg-fault", port = "55433"
    static let server = TestPostgres.Server(address: "postgres://careplan@127.0.0.1:\(port)/careplan_test", passwordFile: folder + "/pgpass")
    nonisolated(unsafe) static var started = false
    override var store: String { faultStore }
    private var faultStore = ""
    /// PGPASSFILE before this test set its own, restored after it (nil: not set by this test).
    private var passwordFileBefore: String??

    /// `.ci/pg ARGS` on this class's server.
    @discardableResult
    static func pg(_ args: String...) throws -> Shell.Result {
        let r = try Shell.run(Paths.packageRoot.appendingPathComponent(".ci/pg").path, args,
                              env: ["CAREPLAN_PG_DIR": folder, "CAREPLAN_PG_PORT": port], timeout: 120)
        guard r.status == 0 else { throw StopTest(description: ".ci/pg \(args.joined(separator: " ")) failed: \(r.stderr)") }
        return r
    }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/15/bin/pg_ctl") || ProcessInfo.processInfo.environment["CAREPLAN_PG_BIN"] != nil else {
            if TestPostgres.required { throw StopTest(description: "PostgreSQL 15 is not installed (.ci/packages)") }
            throw XCTSkip("PostgreSQL 15 is not installed: apt-get install postgresql")
        }
        try super.setUpWithError()
        try Self.pg("start")
        Self.started = true
        // Everything in this test signs in to this server with its own password file: careplan, the test's
        // own connections, psql.
        passwordFileBefore = ProcessInfo.processInfo.environment["PGPASSFILE"]
        setenv("PGPASSFILE", Self.server.passwordFile!, 1)
        faultStore = try TestPostgres.url(for: dir.appendingPathComponent("fault"), on: Self.server)
    }

    override func tearDown() {
        if let dir, Self.started {
            _ = try? Self.pg("start")   // a test that failed with its server down
            TestPostgres.drop(for: dir.appendingPathComponent("fault"), on: Self.server)
        }
        if case let before?? = passwordFileBefore { setenv("PGPASSFILE", before, 1) } else if passwordFileBefore != nil { unsetenv("PGPASSFILE") }
        super.tearDown()
    }

    override class func tearDown() {
        if started {
            _ = try? pg("stop", "immediate")
            try? FileManager.default.removeItem(atPath: folder)
        }
        super.tearDown()
    }

    /// careplan on this class's server.
    /// Its careplan.log in the test's folder.
    func faultCommand() -> String {
        careplanCommand(environment: "PGPASSFILE=\(Self.quote(Self.server.passwordFile!)) XDG_DATA_HOME=\(Self.quote(dir.appendingPathComponent("data").path)) ")
    }

    /// One patient with an assessment, open on its notes in session "t", with `first` typed and saved.
    func onTheNotes(typed first: String) throws {
        let t = tmux!
        _ = try Reliability.storeWithAssessment(at: store, family: "Faulty")
        try t.start("t", remainOnExit: true, command: faultCommand())
        try toPatients()
        try openChecklist(of: "Faulty")
        try t.keys("C-n", "C-n")
        try t.waitFor(" careplan · Conversation notes")
        try t.type(first)
        try t.waitUntil("“\(first)” saved") { $0.contains(first) && $0.contains("What matters to me · saved") }
    }

    /// What the store holds in the note, read with psql.
    func storedNote() throws -> String { try XCTUnwrap(try sql("SELECT what_matters FROM assessment").first?["what_matters"]) }

    /// The server stops (`mode`) in the middle of a note; the nurse types on; the line says so; the server
    /// comes back; the note is saved as typed, once.
    func noteSurvivesTheServerStopping(_ mode: String) throws {
        let t = tmux!
        let before = "Lives alone."   // all of it on one line of the note's pane
        try onTheNotes(typed: before)
        try Self.pg("stop", mode)
        let during = " Has a dog", after = " and a cat."
        for word in during.split(separator: " ") { try t.type(" " + word) }
        try t.waitFor(" Not saved yet: the database server cannot be reached", timeout: 15)
        try t.waitUntil("the changes kept, retried") { $0.contains("kept here;") && $0.contains("retrying every 2 s") }
        try t.type(after)
        try t.waitFor(before + during + after)
        try t.waitFor("What matters to me · not saved yet")
        try Self.pg("start")
        try t.waitUntil("the waiting changes saved", timeout: 15) { $0.contains(" Saved: the ") && $0.contains("waiting") }
        try t.waitFor("What matters to me · saved")
        XCTAssertEqual(try storedNote(), before + during + after, "the note as typed, in order, once")
        let pid = try t.pid()
        try t.keys("Escape", "C-q")
        try waitForExit(pid, limit: 3, "Ctrl-Q")
        XCTAssertEqual(try storedNote(), before + during + after)
        XCTAssertTrue(try cli(["audit", "--verify"]).contains("intact"))
    }

    func testServerStoppedInTheMiddleOfANoteLosesNothing() throws { try noteSurvivesTheServerStopping("fast") }

    func testServerCrashingInTheMiddleOfANoteLosesNothing() throws { try noteSurvivesTheServerStopping("immediate") }

    /// t16 F5: terminated (a shutdown, `kill`) while a change waits for the server: tried again for a few
    /// seconds, then named as not saved in the log and on the terminal, exit status 1; never "everything saved".
    func testTerminatedWhileAChangeWaitsSaysItWasNotSavedAndFails() throws {
        let t = tmux!
        try onTheNotes(typed: "Lives alone.")
        try Self.pg("stop", "fast")
        try t.type(" Has a dog")
        try t.waitFor(" Not saved yet: the database server cannot be reached", timeout: 15)
        let pid = try t.pid()
        kill(pid, SIGTERM)
        let took = try waitForExit(pid, limit: 12, "SIGTERM")
        XCTAssertGreaterThanOrEqual(took, 5, "given up at once, without trying again")
        let said = "not saved: the database server cannot be reached"
        // The pane's end, kept (remain-on-exit), with careplan's last words (joined where 80 columns wrapped them).
        try t.waitUntil("the pane to be dead, with its status") { _ in !((try? t.display("#{pane_dead_status}")) ?? "").isEmpty }
        XCTAssertEqual(try t.display("#{pane_dead_status}"), "1", "the exit status")
        let screen = try t.tmux(["capture-pane", "-p", "-J", "-S", "-30", "-t", "t"]).replacingOccurrences(of: "\n", with: "")
        XCTAssertTrue(screen.contains("Error: careplan stopped with 1 change ") && screen.contains(said), screen)
        let log = try String(contentsOf: dir.appendingPathComponent("data/careplan/careplan.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("stopped with ") && log.contains(said), log)
        XCTAssertFalse(log.contains("everything saved"), log)
        XCTAssertFalse(log.contains("Has a dog"), "patient data in the log")
        try Self.pg("start")
        XCTAssertEqual(try storedNote(), "Lives alone.", "what the log says was not saved was not")
    }

    func testServerRestartedBetweenTwoKeysLosesNothing() throws {
        let t = tmux!
        try onTheNotes(typed: "First")
        try Self.pg("restart", "fast")
        try t.type(" second")
        try t.waitUntil("the second word saved", timeout: 15) { $0.contains("First second") && $0.contains("What matters to me · saved") }
        try Self.pg("restart", "immediate")
        try t.type(" third")
        try t.waitUntil("the third word saved", timeout: 15) { $0.contains("First second third") && $0.contains("What matters to me · saved") }
        XCTAssertEqual(try storedNote(), "First second third")
    }

    /// With the server down, careplan (the application and a command) refuses to start, naming the store's
    /// address without its password.
    func testServerDownAtStartUpIsRefusedClearly() throws {
        staffTheStore()
        try Self.pg("stop", "fast")
        let secret = "not-the-password-\(UUID().uuidString.prefix(6))"
        let withPassword = store.replacingOccurrences(of: "postgres://careplan@", with: "postgres://careplan:\(secret)@")
        for (address, args) in [(store, ["list"]), (withPassword, ["list"]), (store, []), (withPassword, ["kiosk"])] {
            let r = try Shell.run(Paths.careplan, args + ["--store", address], env: Self.environment, timeout: 30)
            XCTAssertNotEqual(r.status, 0, "careplan \(args) with the server down: \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("postgres://careplan@127.0.0.1:\(Self.port)/careplan_test"), "the address is not named: \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("the database server cannot be reached"), r.stderr)
            XCTAssertFalse(r.stderr.contains(secret), "the password was printed: \(r.stderr)")
        }
    }
}
