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
        XCTAssertEqual(KioskError.tooManyTries(wait: 90).description, "Too many tries. Please wait 2 minutes or ask a member of staff.")
    }

    func testStaffPINIsStoredOnlyAsASaltedHash() throws {
        let (store, _) = try patientStore()
        XCTAssertThrowsError(try store.checkStaffPIN("anything", now: now)) { XCTAssertEqual($0 as? KioskError, .noPINSet) }
        try store.setStaffPIN("ward7-kiosk")
        let stored = try store.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = 'staff-pin'") }!
        XCTAssertFalse(stored.contains("ward7-kiosk"))
        XCTAssertTrue(stored.hasPrefix("scrypt$16384$8$1$"))
        try store.setStaffPIN("ward7-kiosk")
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
}
