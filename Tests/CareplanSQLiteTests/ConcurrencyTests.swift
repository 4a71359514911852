import Foundation
import ReliabilityKnobs
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore

/// Terminals on one SQLite file at once. (Eight connections saving on shared assessments, no lost update, is a
/// contract test now: RepositoryContractTests/ConcurrencyContractTests, run on every engine.)
final class ConcurrencyTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("concurrency-\(UUID().uuidString.prefix(8))")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static let threads = 8

    /// What the threads found wrong, under a lock.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var all: [String] = []
        func add(_ problem: String) { lock.withLock { all.append(problem) } }
    }

    /// Eight terminals opening a store that does not exist yet, at the same moment (a ward's terminals
    /// started together on a new shared folder): every one must open it, and the schema must be made once.
    ///
    /// Terminals started together on a new store (or after an upgrade that adds a migration) all open it.
    /// GRDB's migrator reads what is applied before it takes the write lock, so one process can fail on a
    /// table another has just made; `CareStore.migrate()` tries again (found by this test).
    func testEightConnectionsCreatingOneStoreTogether() throws {
        let rounds = Reliability.scaled(5)
        for round in 0..<rounds {
            let path = dir.appendingPathComponent("new-\(round)/s.sqlite").path
            let problems = Collected()
            let group = DispatchGroup()
            let go = DispatchSemaphore(value: 0)
            for t in 0..<Self.threads {
                group.enter()
                Thread {
                    defer { group.leave() }
                    go.wait()
                    do {
                        let store = try CareStore(path: path)
                        _ = try store.patientCount()
                    } catch { problems.add("round \(round), thread \(t): \(error)") }
                }.start()
            }
            usleep(20_000)
            for _ in 0..<Self.threads { go.signal() }
            XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
            for p in problems.all { XCTFail("opening a new store from \(Self.threads) connections at once: \(p)") }
            let store = try CareStore(path: path)
            XCTAssertEqual(try store.appliedMigrations(), CareStore.migrationNames, "every migration applied, once")
            XCTAssertEqual(try store.integrityCheck(), "ok")
        }
    }
}
