import Foundation
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore

extension XCTestCase {
    /// A folder of its own, removed after the test.
    func newFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careplan-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// The store in `dir`/store, with its audit key (and so its anchor) in `dir`/keys: never the user's own.
    func storeOnDisk(_ dir: URL) throws -> CareStore {
        try CareStore(path: dir.appendingPathComponent("store/careplan.sqlite").path, auditKey: dir.appendingPathComponent("keys/audit.key").path)
    }
}

/// Kiosk lockout numbers for tests that do not look at the lockout itself.
let testLockout = RateLimit(freeTries: 5, window: 900, firstWait: 30, longestWait: 900)
