import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore
import GRDB

/// How the SQLite store keeps staff: hashes, not passwords; wrong tries under keyed subjects; its schema step.
final class StaffStoreTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_435_200)
    let rules = PasswordRules(minimumLength: 10)
    let tries = RateLimit(freeTries: 5, window: 900, firstWait: 30, longestWait: 900)

    func testPasswordsAreKeptOnlyAsSaltedHashes() throws {
        let store = try CareStore()
        let password = try NewPassword.checked("purple tractor rain", userName: "ada", rules: rules).get()
        _ = try store.addUser(NewStaffUser(userName: "ada", fullName: "Ada", roleId: UserRole.administratorId), password: password, by: nil, now: now)
        _ = try store.addUser(NewStaffUser(userName: "bea", fullName: "Bea", roleId: "nurse"), password: password, by: "ada", now: now)
        let hashes = try store.read { db in try String.fetchAll(db, sql: "SELECT password_hash FROM staff_user ORDER BY id") }
        XCTAssertEqual(hashes.count, 2)
        XCTAssertNotEqual(hashes[0], hashes[1], "the same password, salted apart")
        for h in hashes {
            XCTAssertTrue(h.hasPrefix("scrypt$\(SlowHash.rounds)$\(SlowHash.blockSize)$\(SlowHash.parallelism)$"), h)
            XCTAssertFalse(h.contains("purple"))
            XCTAssertEqual(try SlowHash.matches("purple tractor rain", h), true)
            XCTAssertEqual(try SlowHash.matches("purple tractor rain!", h), false)
        }
    }

    /// The decoy an unknown name is checked against costs what a real check costs: same parameters, readable.
    func testTheDecoyHashCostsWhatARealOneDoes() throws {
        XCTAssertEqual(try SlowHash.matches("anything", SlowHash.decoy), false)
        let made = try SlowHash.make("anything").split(separator: "$").prefix(4)
        XCTAssertEqual(SlowHash.decoy.split(separator: "$").prefix(4), made)
    }

    /// What was typed as a user name is counted keyed: a password typed into the name field is not kept readable.
    func testWrongTriesAreCountedUnderKeyedSubjects() throws {
        let store = try CareStore()
        _ = try store.signIn(userName: "my secret words", password: "x", terminal: "/dev/pts/1", limit: tries, now: now)
        let subjects = try store.read { db in try String.fetchAll(db, sql: "SELECT subject FROM failed_attempt ORDER BY kind") }
        XCTAssertEqual(subjects.count, 2)
        XCTAssertEqual(subjects, [try store.attemptSubject("my secret words"), try store.attemptSubject("/dev/pts/1")])
        XCTAssertFalse(subjects.contains { $0.contains("secret") || $0.contains("pts") })
    }

    /// Other branches add steps after it: the name is the one agreed, right after v8.
    func testTheSchemaStepFollowsV8() throws {
        let names = CareStore.migrationNames
        let v8 = try XCTUnwrap(names.firstIndex { $0.hasPrefix("v8") })
        XCTAssertEqual(names[v8 + 1], "v9-staff")
        XCTAssertTrue(try CareStore().appliedMigrations().contains("v9-staff"))
    }
}
