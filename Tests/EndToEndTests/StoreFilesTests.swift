import Foundation
import RepositoryTestSupport
import Synchronization
import XCTest

/// The files careplan touches on the command line: the store's folder, read-only commands on a mistyped
/// path, export destinations, and the log shared by processes (issue 9, items 6, 7, 8, 10 and 15).
final class StoreFilesTests: EndToEndCase {
    /// careplan as it is run by nobody in particular: refused before anyone is asked who they are.
    func run(_ args: [String]) throws -> Shell.Result {
        try Shell.run(Paths.careplan, args, env: Self.environment)
    }

    /// The nurse's sign-in (`signedIn` has added her), for processes run side by side.
    static let nurse = ["--as", StaffFixture.nurse, "--password-stdin"]
    static let password = StaffFixture.password + "\n"

    func mode(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0, "\(path) is missing")
        return info.st_mode
    }

    /// A seeded store and the id of an assessment in it.
    func seeded() throws -> String {
        _ = try cli(["seed", "--patients", "3"])
        let rows = try JSONSerialization.jsonObject(with: Data(try cli(["list", "--json"]).utf8)) as! [[String: Any]]
        return "\(try XCTUnwrap(rows.compactMap { $0["latestAssessmentId"] as? Int }.first))"
    }

    /// Item 10: `list`, `export` and `audit` on a mistyped --store created its folders and an empty store.
    func testReadOnlyCommandsNeverCreateAStore() throws {
        let missing = dir.appendingPathComponent("mistyped/folder/careplan.sqlite").path
        for args in [["list"], ["export", "1"], ["audit"], ["audit", "--verify"]] {
            let r = try run(args + ["--store", missing])
            XCTAssertNotEqual(r.status, 0, "\(args) succeeded on a store that does not exist")
            XCTAssertTrue(r.stderr.contains("no store at \(missing)"), "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("mistyped").path), "\(args) created folders")
        }
        // A command that writes still creates it (its first administrator, here): the folders careplan makes are its own, 0700.
        XCTAssertEqual(try signedIn(["seed", "--patients", "1", "--store", missing]).status, 0)
        for folder in ["mistyped", "mistyped/folder"] { XCTAssertEqual(mode(dir.appendingPathComponent(folder).path) & 0o7777, 0o700, folder) }
        XCTAssertEqual(mode(missing) & 0o777, 0o600)
    }

    /// Item 10: `touch empty.sqlite; careplan list --store empty.sqlite` turned the empty file into a store.
    /// An empty file, a text file and someone else's SQLite database (WAL or not) are refused and left exactly
    /// as they were, with no -wal or -shm beside them.
    func testReadOnlyCommandsRefuseAFileThatIsNotACareplanStore() throws {
        guard let sqlite3 = Paths.sqlite3 else { throw XCTSkip("sqlite3 is not installed (apt-get install sqlite3)") }
        let empty = dir.appendingPathComponent("empty.sqlite").path
        let text = dir.appendingPathComponent("text.sqlite").path
        let foreign = dir.appendingPathComponent("foreign.sqlite").path
        let foreignWAL = dir.appendingPathComponent("foreign-wal.sqlite").path
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        XCTAssertTrue(FileManager.default.createFile(atPath: text, contents: Data("not a database\n".utf8)))
        for (path, journal) in [(foreign, "DELETE"), (foreignWAL, "WAL")] {
            let made = try Shell.run(sqlite3, [path, "PRAGMA journal_mode=\(journal); CREATE TABLE t(x); INSERT INTO t VALUES (1);"])
            XCTAssertEqual(made.status, 0, made.stderr)
        }
        let expected = [empty: "is an empty file, not a careplan store", text: "is not a careplan store (it is not an SQLite database)",
                        foreign: "is an SQLite database but not a careplan store", foreignWAL: "is an SQLite database but not a careplan store"]
        for (path, words) in expected.sorted(by: { $0.key < $1.key }) {
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            for args in [["list"], ["export", "1"], ["audit"], ["audit", "--verify"]] {
                let r = try run(args + ["--store", path])
                XCTAssertEqual(r.status, 1, "\(args) \(path): \(r.stdout)")
                XCTAssertTrue(r.stderr.contains("\(path) \(words)"), "\(args): \(r.stderr)")
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "\(args) changed \(path)")
                for suffix in ["-wal", "-shm", "-journal"] {
                    XCTAssertFalse(FileManager.default.fileExists(atPath: path + suffix), "\(args) left \(path)\(suffix)")
                }
            }
        }
        // A real store still opens, and leaves no -wal or -shm once closed.
        _ = try seeded()
        XCTAssertEqual(try signedIn(["list", "--store", store]).status, 0)
        for suffix in ["-wal", "-shm"] { XCTAssertFalse(FileManager.default.fileExists(atPath: store + suffix), suffix) }
    }

    /// Item 6: `careplan seed --store /tmp/demo.sqlite` as root turned /tmp into 0700.
    func testAnExistingSharedFolderIsLeftAsItIs() throws {
        let shared = dir.appendingPathComponent("shared").path
        XCTAssertEqual(mkdir(shared, 0o755), 0)
        XCTAssertEqual(chmod(shared, 0o1777), 0)
        let r = try signedIn(["seed", "--patients", "1", "--store", shared + "/demo.sqlite"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(mode(shared) & 0o7777, 0o1777, "a folder careplan did not create keeps its mode")
        XCTAssertTrue(r.stderr.contains("Warning: the folder \(shared) can be read by others"), r.stderr)
        XCTAssertEqual(mode(shared + "/demo.sqlite") & 0o777, 0o600, "the store's own files are owner-only")
        // Opening it again: the store's own file, widened by someone, is corrected; the folder still is not.
        XCTAssertEqual(chmod(shared + "/demo.sqlite", 0o644), 0)
        let again = try signedIn(["list", "--store", shared + "/demo.sqlite"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(mode(shared + "/demo.sqlite") & 0o777, 0o600)
        XCTAssertEqual(mode(shared) & 0o7777, 0o1777)
    }

    /// Item 7: /dev/null, /dev/full, a FIFO, a symlink and a 0444 file were all replaced by a plan.
    func testExportWritesOnlyARegularFileOrANewPath() throws {
        let id = try seeded()
        func export(_ output: String, _ extra: [String] = []) throws -> Shell.Result {
            try signedIn(["export", id, "--format", "text", "--output", output, "--store", store] + extra)
        }
        for device in ["/dev/null", "/dev/full"] {
            let r = try export(device, ["--force"])
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains("it is a device"), r.stderr)
            XCTAssertEqual(mode(device) & S_IFMT, S_IFCHR, "\(device) is still a device")
        }
        let fifo = dir.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        var r = try export(fifo, ["--force"])
        XCTAssertTrue(r.status != 0 && r.stderr.contains("it is a pipe"), r.stderr)
        XCTAssertEqual(mode(fifo) & S_IFMT, S_IFIFO)

        let target = dir.appendingPathComponent("target.txt")
        try Data("keep".utf8).write(to: target)
        let link = dir.appendingPathComponent("link.txt").path
        XCTAssertEqual(symlink(target.path, link), 0)
        r = try export(link, ["--force"])
        XCTAssertTrue(r.status != 0 && r.stderr.contains("symbolic link"), r.stderr)
        XCTAssertEqual(mode(link) & S_IFMT, S_IFLNK)
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "keep")

        let existing = dir.appendingPathComponent("plan.txt")
        try Data("old".utf8).write(to: existing)
        r = try export(existing.path)
        XCTAssertTrue(r.status != 0 && r.stderr.contains("--force"), r.stderr)
        XCTAssertEqual(try String(contentsOf: existing, encoding: .utf8), "old")
        r = try export(existing.path, ["--force"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try String(contentsOf: existing, encoding: .utf8).contains("PERSONALISED CARE AND SUPPORT PLAN"))
        XCTAssertEqual(mode(existing.path) & 0o777, 0o600)

        let readOnly = dir.appendingPathComponent("read-only.txt")
        try Data("old".utf8).write(to: readOnly)
        XCTAssertEqual(chmod(readOnly.path, 0o444), 0)
        r = try export(readOnly.path, ["--force"])
        XCTAssertTrue(r.status != 0 && r.stderr.contains("read-only"), r.stderr)
        XCTAssertEqual(try String(contentsOf: readOnly, encoding: .utf8), "old")

        // A new path is fine; a folder gets a new name every time, never replacing the last.
        r = try export(dir.appendingPathComponent("new.txt").path)
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: false)
        for _ in 0..<2 { XCTAssertEqual(try export(out.path).status, 0) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).count, 2)
    }

    /// Processes opening one store together, each writing. Checking the store's files' modes once SQLite had
    /// them open closed a descriptor of the -shm, which dropped the process's locks on it: another process
    /// then reset the shared memory under it (bus errors, "locking protocol"). Every process must succeed.
    func testManyProcessesOpeningAndWritingOneStoreAtOnceAllSucceed() throws {
        _ = try seeded()
        let failures = Mutex<[String]>([])
        let store = store
        for _ in 0..<5 {
            DispatchQueue.concurrentPerform(iterations: 8) { i in
                let args = i % 2 == 0 ? ["seed", "--patients", "1", "--store", store] : ["list", "--store", store]
                let r = try? Shell.run(Paths.careplan, args + Self.nurse, env: Self.environment, input: Self.password)
                if r?.status != 0 { failures.withLock { $0.append("\(args[0]): \(r?.status ?? -1) \(r?.stderr.prefix(300) ?? "")") } }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        XCTAssertEqual(try sql("PRAGMA integrity_check"), [["integrity_check": "ok"]])
    }

    /// Item 15: two processes on one store cut each other's log lines; exports were not logged at all.
    func testExportsAreLoggedWholeByManyProcessesAtOnce() throws {
        let id = try seeded()
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: false)
        let count = 8
        let statuses = Mutex<[Int32]>([])
        let args = ["export", id, "--format", "text", "--output", out.path, "--store", store] + Self.nurse
        DispatchQueue.concurrentPerform(iterations: count) { _ in
            let r = try? Shell.run(Paths.careplan, args, env: Self.environment, input: Self.password)
            statuses.withLock { $0.append(r?.status ?? -1) }
            if let r, r.status != 0 { XCTFail("export: \(r.stderr)") }
        }
        XCTAssertEqual(statuses.withLock { $0 }, Array(repeating: 0, count: count))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).count, count, "each export its own file")
        let logPath = dir.appendingPathComponent("store/careplan.log").path
        let log = try String(contentsOfFile: logPath, encoding: .utf8)
        let exported = log.split(separator: "\n").filter { $0.contains(" careplan.export: exported") }
        XCTAssertEqual(exported.count, count, log)
        for line in exported {
            XCTAssertNotNil(line.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ info careplan\.export: exported assessment=\#(id) format=text status=[a-z-]+ version=\d+ pid=\d+$"#,
                                       options: .regularExpression), String(line))
        }
        XCTAssertEqual(mode(logPath) & 0o777, 0o600)
    }

    /// Item 15, deterministically: the application holds the log open while `careplan export` appends to it;
    /// without O_APPEND the application's next line lands at its own old offset, over the export's line.
    func testALogHeldOpenByTheApplicationKeepsOtherProcessesLines() throws {
        let id = try seeded()
        let t = tmux!
        try launch(remainOnExit: true)
        _ = try cli(["export", id, "--format", "text", "--output", dir.path])
        try t.keys("C-q")
        try t.waitUntil("careplan to quit", in: "t") { _ in (try? t.display("#{pane_dead}", "t")) != "0" }
        let log = try String(contentsOfFile: dir.appendingPathComponent("store/careplan.log").path, encoding: .utf8)
        let events = log.split(separator: "\n").map { $0.split(separator: " ").dropFirst(2).prefix(2).joined(separator: " ") }
        XCTAssertEqual(events, ["careplan.app: started", "careplan.export: exported", "careplan.app: stopped,"], log)
    }
}
