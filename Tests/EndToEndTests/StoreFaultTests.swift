import Foundation
import XCTest

/// The real binary on a real small file system that fills up, and on a read-only one. Mounting needs root
/// (CI runs as root); elsewhere these are skipped with the reason, and the state-machine tests
/// (CareplanScreensTests.FaultTests) still drive the same handling through injected write errors.
final class StoreFaultTests: EndToEndCase {
    var mounts: [String] = []
    var fileSystem: URL { dir.appendingPathComponent("fs") }
    override var store: String { fileSystem.appendingPathComponent("careplan.sqlite").path }

    override func tearDown() {
        for m in mounts.reversed() { _ = try? Shell.run(Shell.which("umount") ?? "/bin/umount", ["-l", m]) }
        super.tearDown()
    }

    func mount(_ args: [String]) throws {
        guard getuid() == 0, let mount = Shell.which("mount") else { throw XCTSkip("mounting a test file system needs root") }
        let r = try Shell.run(mount, args)
        guard r.status == 0 else { throw XCTSkip("cannot mount a test file system here: \(r.stderr)") }
        if !mounts.contains(args.last!) { mounts.append(args.last!) }
    }

    /// A tmpfs of `megabytes` at `fs/`.
    func mountSmallFileSystem(megabytes: Int) throws {
        try FileManager.default.createDirectory(at: fileSystem, withIntermediateDirectories: true)
        try mount(["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", fileSystem.path])
    }

    /// Fills the file system to the last byte.
    func fill() throws {
        let r = try Shell.run(Shell.which("dd") ?? "/bin/dd", ["if=/dev/zero", "of=\(fileSystem.path)/filler", "bs=4096"])
        XCTAssertTrue(r.stderr.contains("No space left on device"), r.stderr)
    }

    func testAFullDiskKeepsEveryAnswerOnScreenAndSavesThemWhenSpaceReturns() throws {
        let t = tmux!
        try mountSmallFileSystem(megabytes: 4)
        try launch()
        try addPatient(nhs: FictionalNHS.spaced(41), family: "Fulldisk", given: "Alex")
        try startAssessment()
        // The write-ahead log is emptied (as SQLite does at times on its own), so the next answer needs new
        // space; then the disk fills.
        XCTAssertEqual(try sql("PRAGMA wal_checkpoint(TRUNCATE)").first?["busy"], "0")
        try fill()

        try t.type("7")
        try t.waitFor(EndToEndCase.checklistRow("Breathing difficulties", 7))
        try t.waitFor(" Not saved yet: the disk is full. 1 change kept here; retrying every 2 s")
        try t.keys("Down")
        try t.type("4")
        try t.waitFor(EndToEndCase.checklistRow("Passing urine", 4))
        try t.waitFor(" Not saved yet: the disk is full. 2 changes kept here; retrying every 2 s")
        try t.keys("C-n")
        try t.waitFor(" careplan · Prioritise")
        try t.keys("C-n")
        try t.waitFor(" careplan · Conversation notes")
        let note = "Zoë drives her to clinic; worried about the car park"
        try t.type(note)
        try t.waitFor("│What matters to me · not saved yet\n", timeout: 5)
        try t.waitFor(" Not saved yet: the disk is full. 3 changes kept here; retrying every 2 s")
        XCTAssertEqual(try sql("SELECT count(*) AS n FROM concern"), [["n": "0"]], "nothing reached the store")
        // Quitting now would lose them: it asks, and stays.
        try t.keys("Escape", "C-q")
        try t.waitFor(" Quit and lose 3 unsaved changes? y = quit, any other key = stay")
        try t.type("n")

        // Space returns: within the retry interval everything is saved, as shown.
        XCTAssertEqual(unlink(fileSystem.appendingPathComponent("filler").path), 0)
        try t.waitFor(" Saved: the 3 changes that were waiting", timeout: 5)
        let pid = try t.pid()
        try t.keys("C-q")
        try waitForExit(pid, limit: 2, "Ctrl-Q")
        XCTAssertEqual(try sql("PRAGMA integrity_check"), [["integrity_check": "ok"]])
        XCTAssertEqual(try sql("SELECT key, score FROM concern ORDER BY key"), [
            ["key": "breathing", "score": "7"], ["key": "passing-urine", "score": "4"],
        ])
        XCTAssertEqual(try sql("SELECT what_matters FROM assessment"), [["what_matters": note]])
        XCTAssertTrue(try cli(["audit", "--verify"]).contains("intact"))
    }

    func testAReadOnlyStoreIsRefusedBeforeAnyoneTypesWithAClearReason() throws {
        try mountSmallFileSystem(megabytes: 4)
        _ = try cli(["seed", "--patients", "3"])
        let view = dir.appendingPathComponent("read-only")
        try FileManager.default.createDirectory(at: view, withIntermediateDirectories: true)
        try mount(["--bind", fileSystem.path, view.path])
        try mount(["-o", "remount,bind,ro", view.path])
        let r = try Shell.run(Paths.careplan, ["--store", view.appendingPathComponent("careplan.sqlite").path],
                              env: ["CAREPLAN_HOME": Paths.packageRoot.path, "LANG": "C.UTF-8"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("cannot be written (Read-only file system), so nothing could be saved. Choose a writable place with --store"), r.stderr)
        XCTAssertEqual(r.stdout, "", "refused before the screen was taken over")
        XCTAssertEqual(try sql("PRAGMA integrity_check"), [["integrity_check": "ok"]], "the store itself is untouched")
    }
}
