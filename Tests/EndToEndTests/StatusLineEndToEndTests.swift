import Foundation
import XCTest

/// What the real binary says on its status line, and who it records (issue 9, the tester's 80x24 run).
final class StatusLineEndToEndTests: EndToEndCase {
    /// From a patient's record to the review of a new draft with one rated concern.
    func reachReview() throws {
        try addPatient(nhs: "999 000 0026", family: "Singh", given: "Asha")
        try startAssessment()
        try rate("Breathing difficulties", 7)
        for _ in 0..<4 { try tmux.keys("C-n") }
        try tmux.waitFor(" careplan · Review and agree")
    }

    func files(in folder: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

    /// P from a deep folder says what was saved and the file's whole name (the second press's -2 shows); L
    /// with no `lp` says first that nothing was printed, and writes no PDF however often it is pressed.
    func testPrintWithoutAPrinterSaysSoAndExportsNameTheirFile() throws {
        let deep = dir.appendingPathComponent("ward/a/very/long/folder/name/for/the/exported/plans/of/the/team").path
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        let noLP = dir.appendingPathComponent("bin-without-lp").path
        try FileManager.default.createDirectory(atPath: noLP, withIntermediateDirectories: true)
        let q = EndToEndCase.quote
        try tmux.start(command: "cd \(q(deep)) && " + careplanCommand(environment: "PATH=\(q(noLP)) "))
        try toPatients()
        try reachReview()

        try tmux.type("p")
        var screen = try tmux.waitFor(" Saved PDF, DRAFT v1, not yet agreed:")
        XCTAssertTrue(screen.contains(" care-plan-Singh-9990000026-"), screen)
        try tmux.type("p")
        screen = try tmux.waitFor("-2.pdf in /")
        let rows = try tmux.lines()
        XCTAssertTrue(rows[22].hasSuffix("team"), "the folder's end shows: \(rows[22])")
        XCTAssertEqual(try files(in: deep).count, 2)

        try tmux.type("l")
        try tmux.waitFor(" Not printed: no printer on this computer (CUPS lp not installed).")
        try tmux.type("t")
        try tmux.waitFor(" Saved text, DRAFT v1")
        try tmux.type("l")
        try tmux.waitFor(" Not printed: no printer on this computer (CUPS lp not installed).")
        let written = try files(in: deep)
        XCTAssertEqual(written.filter { $0.hasSuffix(".pdf") }.count, 2, "L wrote a PDF it could not print: \(written)")
    }

    /// The warnings printed before the screen takes over were wiped by it: the first screen says them too.
    func testStartUpWarningsShowOnTheFirstScreen() throws {
        let folder = dir.appendingPathComponent("store").path
        XCTAssertEqual(mkdir(folder, 0o755), 0)
        XCTAssertEqual(chmod(folder, 0o755), 0)
        _ = try cli(["seed", "--patients", "1"])
        staffTheStore()
        XCTAssertEqual(chmod(store, 0o644), 0)
        try tmux.start(command: careplanCommand())
        let screen = try tmux.waitFor(" Warning: patient data was readable by others:")
        XCTAssertTrue(screen.contains("careplan · Worklist"), screen)
        XCTAssertTrue(screen.replacingOccurrences(of: "\n ", with: " ").contains("careplan.sqlite was 644, now 600"), screen)
        XCTAssertFalse(screen.contains("-wal was"), "careplan's own new -wal is not found open: \(screen)")
    }

    /// Where the store trusts operating-system accounts, the account's own careplan user is signed in without a
    /// password (with USER and LOGNAME unset, as for root over some SSH setups), and recorded by name. Untrusted,
    /// the same command is refused: nobody is recorded as "unknown", or as a login careplan does not know.
    func testTheTrustedOperatingSystemAccountSignsInWithoutAPassword() throws {
        let account = try XCTUnwrap(getpwuid(getuid()).flatMap { $0.pointee.pw_name }.map { String(cString: $0) })
        func seed() throws -> Shell.Result {
            try Shell.run("/usr/bin/env", ["-u", "USER", "-u", "LOGNAME", Paths.careplan, "seed", "--patients", "10", "--store", store],
                          env: Self.environment)
        }
        let added = try signedIn(["users", "add", account, "--role", "nurse", "--full-name", "Their Own Login", "--store", store],
                                 input: "a password of their own\n")
        XCTAssertEqual(added.status, 0, added.stderr)
        let refused = try seed()
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("say who you are: --as YOUR-USER-NAME"), refused.stderr)
        XCTAssertTrue(try cli(["users", "trust-os-accounts", "yes"]).contains("Operating-system accounts are trusted"))
        let r = try seed()
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try sql("SELECT DISTINCT created_by FROM assessment"), [["created_by": account]])
        XCTAssertEqual(try sql("SELECT user, detail FROM audit_log WHERE action = 'signed in' ORDER BY id DESC LIMIT 1"),
                       [["user": account, "detail": "as the operating-system account, at command line"]])
    }
}
