import Foundation
import RepositoryTestSupport
import XCTest

/// A password written into a PostgreSQL store's address works (with a warning) but is never shown, logged
/// or audited: careplan prints, logs and records the address without it.
final class PostgresAddressTests: ServerEndToEndCase {
    /// The password the tests' password file holds for the server (the last field of its first line).
    func serverPassword() throws -> String {
        let file = try XCTUnwrap(TestPostgres.server?.passwordFile, "PGPASSFILE is not set")
        let line = try XCTUnwrap(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").first)
        return String(try XCTUnwrap(line.split(separator: ":").last))
    }

    func testAPasswordInTheAddressIsNeitherShownNorLoggedNorAudited() throws {
        staffTheStore()
        let password = try serverPassword()
        let withPassword = store.replacingOccurrences(of: "postgres://careplan@", with: "postgres://careplan:\(password)@")
        XCTAssertNotEqual(withPassword, store)
        let data = dir.appendingPathComponent("data")
        // Without the password file: the address's password is what signs in.
        var env = Self.environment.merging(["XDG_DATA_HOME": data.path, "PGPASSFILE": "/nonexistent"]) { $1 }
        env["PGPASSWORD"] = nil
        var shown = ""
        for args in [["list"], ["seed", "--patients", "2"], ["audit"]] {
            let r = try Shell.run(Paths.careplan, args + ["--store", withPassword, "--as", Self.signer(of: args)!, "--password-stdin"],
                                  env: env, input: StaffFixture.password + "\n")
            XCTAssertEqual(r.status, 0, "careplan \(args) with the password in the address: \(r.stderr)")
            shown += r.stdout + r.stderr
        }
        XCTAssertTrue(shown.contains("careplan@127.0.0.1"), "the redacted address is shown:\n\(shown)")
        XCTAssertTrue(shown.lowercased().contains("password"), "no warning about the password in the address:\n\(shown)")
        XCTAssertFalse(shown.contains(password), "the password was printed:\n\(shown)")
        // The application, with its log.
        try tmux.start("t", command: careplanCommand(environment: "XDG_DATA_HOME=\(Self.quote(data.path)) PGPASSFILE=/nonexistent ")
                       .replacingOccurrences(of: "--store \(Self.quote(store))", with: "--store \(Self.quote(withPassword))"))
        try toPatients()
        let pid = try tmux.pid()
        try tmux.keys("C-q")
        try waitForExit(pid, limit: 3, "Ctrl-Q")
        let log = try String(contentsOf: data.appendingPathComponent("careplan/careplan.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("started"), log)
        XCTAssertFalse(log.contains(password), "the password is in the log:\n\(log)")
        let trail = try sql("SELECT * FROM audit_log").map { $0.values.joined(separator: " ") }.joined(separator: "\n")
        XCTAssertFalse(trail.isEmpty)
        XCTAssertFalse(trail.contains(password), "the password is in the audit trail")
    }
}
