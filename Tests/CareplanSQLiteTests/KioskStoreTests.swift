import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore
import GRDB

final class KioskStoreTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_435_200)
    let dob = LocalDate(year: 1961, month: 3, day: 5)!

    func patientStore() throws -> (CareStore, Patient) {
        let store = try CareStore()
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân", dateOfBirth: dob), now: now)
        return (store, p)
    }

    func testStaffPINIsStoredOnlyAsASaltedHash() throws {
        let (store, _) = try patientStore()
        XCTAssertThrowsError(try store.checkStaffPIN("anything", lockout: testLockout, now: now)) { XCTAssertEqual($0 as? KioskError, .noPINSet) }
        try store.setStaffPIN("ward7-kiosk", lockout: testLockout)
        let stored = try store.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = 'staff-pin'") }!
        XCTAssertFalse(stored.contains("ward7-kiosk"))
        XCTAssertTrue(stored.hasPrefix("scrypt$16384$8$1$"))
        try store.setStaffPIN("ward7-kiosk", current: "ward7-kiosk", lockout: testLockout)
        let again = try store.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = 'staff-pin'") }!
        XCTAssertNotEqual(stored, again, "a new salt each time")
        XCTAssertNoThrow(try store.checkStaffPIN("ward7-kiosk", lockout: testLockout, now: now))
        XCTAssertThrowsError(try store.checkStaffPIN("ward7-kiosK", lockout: testLockout, now: now)) { XCTAssertEqual($0 as? KioskError, .wrongPIN) }
    }

    // MARK: - Issue 9, items 11 and 12

    func testCodesAreStoredKeyedNotAsAPlainDigest() throws {
        let (store, p) = try patientStore()
        let code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: StoreTests.catalogue, by: "n", now: now)
        let stored = try store.read { db in try String.fetchAll(db, sql: "SELECT code_hash FROM kiosk_code") }
        XCTAssertEqual(stored.count, 1)
        // A plain SHA-256 of six digits is found by trying the million of them: the stored value must not be one.
        XCTAssertNotEqual(stored.first, CareStore.unkeyedHash(code.code))
        XCTAssertEqual(stored.first, try store.auditKeeper.mac(Data("kiosk code \(code.code)".utf8)))
    }

}
