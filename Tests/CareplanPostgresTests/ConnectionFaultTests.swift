import CareplanCore
@testable import CareplanPostgres
import Foundation
import PostgresNIO
import XCTest

/// A server that goes away must never hang the terminal: calls fail at once (or at their deadline), and the
/// connection comes back by itself (design 6.4; the spike found a query on a closed connection never answers).
final class ConnectionFaultTests: XCTestCase {
    func link(_ schema: String? = nil) throws -> PostgresLink {
        let link = try PostgresLink(TestServer.location(schema: schema)) { _, _ in }
        addTeardownBlock { link.close() }
        return link
    }

    func backendPID(_ link: PostgresLink) throws -> Int64 {
        try link.query("SELECT pg_backend_pid()::bigint", deadline: 5).rows[0].decode(Int64.self)
    }

    /// Waits (up to `seconds`) for the background thread to reconnect.
    func waitUntilConnected(_ link: PostgresLink, seconds: Double = 10) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if !link.isLost { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// `wait()` on a future has no deadline: the one waiting place is `PostgresLink.wait(_:seconds:)`.
    func testNothingInTheEngineWaitsWithoutADeadline() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/CareplanPostgres")
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        XCTAssertGreaterThan(files.count, 3)
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            XCTAssertFalse(text.contains(".wait()"), file)
            XCTAssertFalse(text.contains("Process("), "\(file): Foundation's Process hangs after pg_ctl start")
        }
    }

    func testATerminatedConnectionFailsAtOnceAndComesBack() throws {
        let nurse = try link(), administrator = try link()
        let pid = try backendPID(nurse)
        _ = try administrator.query("SELECT pg_terminate_backend(\(Int32(pid)))", deadline: 5)
        Thread.sleep(forTimeInterval: 0.2)
        let start = Date()
        XCTAssertThrowsError(try nurse.query("SELECT 1", deadline: 30)) { error in
            XCTAssertTrue(PostgresLink.meansGone(error), "\(String(reflecting: error))")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "the first call after the server ended the session must not wait")
        // While lost, calls fail at once rather than waiting for a connection.
        if nurse.isLost {
            let again = Date()
            XCTAssertThrowsError(try nurse.query("SELECT 1", deadline: 30)) { XCTAssertEqual($0 as? LinkFailure, .lost) }
            XCTAssertLessThan(Date().timeIntervalSince(again), 0.1)
        }
        XCTAssertTrue(waitUntilConnected(nurse), "the link reconnects by itself")
        XCTAssertEqual(try nurse.query("SELECT 1", deadline: 5).rows[0].decode(Int.self), 1)
        XCTAssertNotEqual(try backendPID(nurse), pid)
    }

    func testATerminatedConnectionInTheMiddleOfATransactionFailsAtOnce() throws {
        let nurse = try link(), administrator = try link()
        let pid = try backendPID(nurse)
        _ = try nurse.query("BEGIN", deadline: 5)
        _ = try administrator.query("SELECT pg_terminate_backend(\(Int32(pid)))", deadline: 5)
        Thread.sleep(forTimeInterval: 0.2)
        let start = Date()
        XCTAssertThrowsError(try nurse.query("COMMIT", deadline: 30))
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        XCTAssertTrue(waitUntilConnected(nurse))
    }

    func testAnAnswerLateForItsDeadlineDropsTheConnectionAndItComesBack() throws {
        let nurse = try link()
        let start = Date()
        XCTAssertThrowsError(try nurse.query("SELECT pg_sleep(5)", deadline: 0.3)) { XCTAssertEqual($0 as? LinkFailure, .deadline) }
        let waited = Date().timeIntervalSince(start)
        XCTAssertGreaterThanOrEqual(waited, 0.3)
        XCTAssertLessThan(waited, 1.5)
        XCTAssertTrue(waitUntilConnected(nurse))
        XCTAssertEqual(try nurse.query("SELECT 2", deadline: 5).rows[0].decode(Int.self), 2)
    }

    func testNoServerListeningFailsQuickly() throws {
        var location = try TestServer.location()
        location.host = "127.0.0.1"
        location.port = 1
        let start = Date()
        XCTAssertThrowsError(try PostgresLink(location) { _, _ in })
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
    }

    func testTheSessionIsCareplans() throws {
        let schema = try TestServer.freshSchema(for: self)
        let nurse = try link(schema)
        let settings = try nurse.query("""
            SELECT current_setting('application_name'), current_setting('synchronous_commit'), current_setting('lock_timeout'),
                   current_setting('idle_in_transaction_session_timeout'), current_setting('statement_timeout'), current_schema()
            """, deadline: 5).rows[0].decode((String, String, String, String, String, String).self)
        XCTAssertEqual([settings.0, settings.1, settings.2, settings.3, settings.4, settings.5],
                       ["careplan", "on", "10s", "1min", "30s", schema])
    }

    /// A server stopped under an idle connection (the spike's hang): the next call fails at once, and the
    /// connection comes back once the server is started again. On a server of the test's own (.ci/pg, its
    /// own folder and port), never the shared one.
    func testAStoppedServerFailsAtOnceAndTheConnectionComesBackWhenItStarts() throws {
        _ = try TestServer.address()
        guard let control = ProcessInfo.processInfo.environment["CAREPLAN_PG_CTL"] else {
            throw XCTSkip("CAREPLAN_PG_CTL is not set (eval \"$(.ci/pg env)\")")
        }
        let folder = "/tmp/pg-careplan-pgtests", port = 55447
        // Not Foundation's Process: it waits for a descriptor the started postmaster inherits.
        @discardableResult func server(_ command: String) -> Int32 {
            system("CAREPLAN_PG_DIR=\(folder) CAREPLAN_PG_PORT=\(port) \(control) \(command) </dev/null >/dev/null 2>&1")
        }
        XCTAssertEqual(server("start"), 0, "the test's own server starts")
        defer { server("stop immediate") }
        var surroundings = PostgresSurroundings.current
        surroundings.environment["PGPASSFILE"] = folder + "/pgpass"
        let nurse = try PostgresLink(PostgresLocation.resolve("postgres://careplan@127.0.0.1:\(port)/careplan_test", in: surroundings)) { _, _ in }
        defer { nurse.close() }
        XCTAssertEqual(try nurse.query("SELECT 1", deadline: 5).rows[0].decode(Int.self), 1)
        server("stop fast")
        let start = Date()
        XCTAssertThrowsError(try nurse.query("SELECT 1", deadline: 30)) { XCTAssertTrue(PostgresLink.meansGone($0), String(reflecting: $0)) }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "a stopped server must not hang the call")
        Thread.sleep(forTimeInterval: 1.5)    // the background thread tries, and fails, while the server is down
        XCTAssertTrue(nurse.isLost)
        XCTAssertEqual(server("start"), 0)
        XCTAssertTrue(waitUntilConnected(nurse, seconds: 15), "the link reconnects once the server is back")
        XCTAssertEqual(try nurse.query("SELECT 3", deadline: 5).rows[0].decode(Int.self), 3)
    }
}
