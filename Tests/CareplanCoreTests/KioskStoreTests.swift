import XCTest
@testable import CareplanCore
import GRDB

final class KioskStoreTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_435_200)
    let dob = LocalDate(year: 1961, month: 3, day: 5)!

    func patientStore() throws -> (CareStore, Patient) {
        let store = try CareStore()
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân", dateOfBirth: dob), now: now)
        return (store, p)
    }

    func testACodeWorksOnceWithTheRightDateOfBirth() throws {
        let (store, p) = try patientStore()
        let code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .startOfTreatment, catalogue: StoreTests.catalogue, by: "nurse", now: now)
        XCTAssertEqual(code.code.count, 6)
        XCTAssertTrue(code.code.allSatisfy(\.isNumber))
        XCTAssertEqual(code.expiresAt, now.addingTimeInterval(24 * 3600))
        XCTAssertThrowsError(try store.redeemKioskCode(code.code, dateOfBirth: LocalDate(year: 1961, month: 3, day: 6)!, now: now)) {
            XCTAssertEqual($0 as? KioskError, .notAccepted, "a wrong date of birth is not told apart from a wrong code")
        }
        let (patient, assessment) = try store.redeemKioskCode(code.formatted, dateOfBirth: dob, now: now)
        XCTAssertEqual(patient.id, p.id)
        XCTAssertEqual(assessment.id, code.assessmentId)
        XCTAssertEqual(assessment.completedBy, .patient)
        XCTAssertEqual(assessment.pathwayPoint, .startOfTreatment)
        XCTAssertThrowsError(try store.redeemKioskCode(code.code, dateOfBirth: dob, now: now)) {
            XCTAssertEqual($0 as? KioskError, .notAccepted, "used codes are refused")
        }
    }

    func testAnExpiredCodeIsRefused() throws {
        let (store, p) = try patientStore()
        let code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: StoreTests.catalogue, by: "n", now: now, validFor: 3600)
        XCTAssertThrowsError(try store.redeemKioskCode(code.code, dateOfBirth: dob, now: now.addingTimeInterval(3601))) {
            XCTAssertEqual($0 as? KioskError, .notAccepted)
        }
    }

    func testWrongCodesLockOutForADoublingWait() throws {
        let (store, p) = try patientStore()
        let code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: StoreTests.catalogue, by: "n", now: now)
        let wrong = code.code == "000000" ? "111111" : "000000"
        for i in 0..<CareStore.freeTries {
            XCTAssertThrowsError(try store.redeemKioskCode(wrong, dateOfBirth: dob, now: now.addingTimeInterval(Double(i)))) {
                XCTAssertEqual($0 as? KioskError, .notAccepted)
            }
        }
        let t = now.addingTimeInterval(Double(CareStore.freeTries))
        XCTAssertThrowsError(try store.redeemKioskCode(code.code, dateOfBirth: dob, now: t)) { e in
            guard case .tooManyTries(let wait)? = e as? KioskError else { return XCTFail("\(e)") }
            XCTAssertEqual(wait, CareStore.firstWait - 1, accuracy: 0.01, "even the right code waits")
        }
        XCTAssertNoThrow(try store.redeemKioskCode(code.code, dateOfBirth: dob, now: t.addingTimeInterval(CareStore.firstWait)))
    }

    func testStaffPINIsStoredOnlyAsASaltedHash() throws {
        let (store, _) = try patientStore()
        XCTAssertThrowsError(try store.checkStaffPIN("anything", now: now)) { XCTAssertEqual($0 as? KioskError, .noPINSet) }
        try store.setStaffPIN("ward7-kiosk")
        let stored = try store.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = 'staff-pin'") }!
        XCTAssertFalse(stored.contains("ward7-kiosk"))
        XCTAssertTrue(stored.hasPrefix("scrypt$16384$8$1$"))
        try store.setStaffPIN("ward7-kiosk", current: "ward7-kiosk")
        let again = try store.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = 'staff-pin'") }!
        XCTAssertNotEqual(stored, again, "a new salt each time")
        XCTAssertNoThrow(try store.checkStaffPIN("ward7-kiosk", now: now))
        XCTAssertThrowsError(try store.checkStaffPIN("ward7-kiosK", now: now)) { XCTAssertEqual($0 as? KioskError, .wrongPIN) }
    }

    func testSubmittedSelfAssessmentsWaitUntilThePlanIsAgreed() throws {
        let (store, p) = try patientStore()
        let code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: StoreTests.catalogue, by: "n", now: now)
        var (_, a) = try store.redeemKioskCode(code.code, dateOfBirth: dob, now: now)
        XCTAssertTrue(try store.waitingSelfAssessments().isEmpty, "not until sent")
        a = try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 6)), to: a.id, basedOn: a)
        a = try store.apply(.setPatientMessage("Worried about the dog\u{1B}[2J"), to: a.id, basedOn: a)
        a = try store.apply(.submit(at: now), to: a.id, basedOn: a)
        XCTAssertEqual(a.patientMessage, "Worried about the dog")
        XCTAssertTrue(a.isWaitingForConversation)
        let waiting = try store.waitingSelfAssessments()
        XCTAssertEqual(waiting.map(\.assessmentId), [a.id])
        XCTAssertEqual(waiting.first?.concernCount, 1)
        _ = try store.apply(.agree(by: "Nurse", role: .cns, at: now, reviewDate: LocalDate(year: 2027, month: 1, day: 1)!), to: a.id, basedOn: a)
        XCTAssertTrue(try store.waitingSelfAssessments().isEmpty)
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

    func testANewCodeWithdrawsThePatientsEarlierUnusedCodes() throws {
        let (store, p) = try patientStore()
        let first = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: StoreTests.catalogue, by: "n", now: now)
        let second = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: StoreTests.catalogue, by: "n", now: now)
        XCTAssertThrowsError(try store.redeemKioskCode(first.code, dateOfBirth: dob, now: now)) { XCTAssertEqual($0 as? KioskError, .notAccepted) }
        XCTAssertEqual(try store.auditTrail().filter { $0.action == "issued kiosk code" }.map(\.detail), ["", "1 earlier unused code withdrawn"])
        XCTAssertNoThrow(try store.redeemKioskCode(second.code, dateOfBirth: dob, now: now))
    }

    func testRefusedCodesAndPINsClosingAndPINChangesAreAudited() throws {
        let (store, p) = try patientStore()
        _ = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: StoreTests.catalogue, by: "n", now: now)
        try store.setStaffPIN("ward7-kiosk", by: "Sister Jones", now: now)
        XCTAssertThrowsError(try store.redeemKioskCode("000000", dateOfBirth: LocalDate(year: 1900, month: 1, day: 1)!, now: now))
        XCTAssertThrowsError(try store.checkStaffPIN("guess", now: now))
        XCTAssertNoThrow(try store.checkStaffPIN("ward7-kiosk", now: now))
        let trail = try store.auditTrail().suffix(4).map { "\($0.user): \($0.action) (\($0.detail))" }
        XCTAssertEqual(trail, ["Sister Jones: set staff PIN ()", "kiosk: kiosk code refused (code or date of birth not accepted)",
                               "kiosk: staff PIN refused (wrong PIN)", "kiosk: closed the kiosk ()"])
    }

    func testChangingTheStaffPINNeedsTheCurrentOne() throws {
        let (store, _) = try patientStore()
        try store.setStaffPIN("ward7-kiosk", now: now)
        XCTAssertThrowsError(try store.setStaffPIN("taken-over", by: "someone", now: now)) { XCTAssertEqual($0 as? KioskError, .wrongPIN) }
        XCTAssertThrowsError(try store.setStaffPIN("taken-over", current: "wrong-one", by: "someone", now: now)) { XCTAssertEqual($0 as? KioskError, .wrongPIN) }
        XCTAssertNoThrow(try store.checkStaffPIN("ward7-kiosk", action: nil, now: now), "unchanged")
        try store.setStaffPIN("ward8-kiosk", current: "ward7-kiosk", by: "Sister Jones", now: now)
        XCTAssertNoThrow(try store.checkStaffPIN("ward8-kiosk", action: nil, now: now))
        XCTAssertEqual(try store.auditTrail().map(\.action).filter { $0.contains("staff PIN") },
                       ["set staff PIN", "staff PIN refused", "staff PIN refused", "changed staff PIN"])
    }
}
