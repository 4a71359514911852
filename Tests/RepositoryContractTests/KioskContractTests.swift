import CareplanCore
import XCTest

/// Kiosk codes (single use, expiring, one live per patient), the lockout after wrong tries, the staff PIN,
/// and self-assessments waiting for their conversation.
final class KioskContractTests: RepositoryContractCase {
    /// The policy the runtime would give (Resources/policy.yaml's numbers need not be these): the repository
    /// applies the one it is given.
    let lockout = RateLimit(freeTries: 3, window: 3600, firstWait: 20, longestWait: 300)

    func testACodeWorksOnceWithTheRightDateOfBirth() throws {
        try eachRepository { store, connect in
            let p = try addSian(store)
            let code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .startOfTreatment, catalogue: Self.catalogue, by: "nurse", now: now)
            XCTAssertEqual(code.code.count, 6)
            XCTAssertTrue(code.code.allSatisfy(\.isNumber))
            XCTAssertEqual(code.expiresAt, now.addingTimeInterval(24 * 3600))
            XCTAssertThrowsError(try store.redeemKioskCode(code.code, dateOfBirth: LocalDate(year: 1961, month: 3, day: 6)!, lockout: lockout, now: now)) {
                XCTAssertEqual($0 as? KioskError, .notAccepted, "a wrong date of birth is not told apart from a wrong code")
            }
            let (patient, assessment) = try store.redeemKioskCode(code.formatted, dateOfBirth: dob, lockout: lockout, now: now)
            XCTAssertEqual(patient.id, p.id)
            XCTAssertEqual(assessment.id, code.assessmentId)
            XCTAssertEqual(assessment.completedBy, .patient)
            XCTAssertEqual(assessment.pathwayPoint, .startOfTreatment)
            XCTAssertThrowsError(try store.redeemKioskCode(code.code, dateOfBirth: dob, lockout: lockout, now: now)) {
                XCTAssertEqual($0 as? KioskError, .notAccepted, "used codes are refused")
            }
        }
    }

    func testAnExpiredCodeIsRefused() throws {
        try eachRepository { store, connect in
            let p = try addSian(store)
            let code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: Self.catalogue, by: "n", now: now, validFor: 3600)
            XCTAssertThrowsError(try store.redeemKioskCode(code.code, dateOfBirth: dob, lockout: lockout, now: now.addingTimeInterval(3601))) {
                XCTAssertEqual($0 as? KioskError, .notAccepted)
            }
        }
    }

    func testWrongCodesLockOutForADoublingWait() throws {
        try eachRepository { store, connect in
            let p = try addSian(store)
            let code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: Self.catalogue, by: "n", now: now)
            let wrong = code.code == "000000" ? "111111" : "000000"
            for i in 0..<lockout.freeTries {
                XCTAssertThrowsError(try store.redeemKioskCode(wrong, dateOfBirth: dob, lockout: lockout, now: now.addingTimeInterval(Double(i)))) {
                    XCTAssertEqual($0 as? KioskError, .notAccepted)
                }
            }
            let t = now.addingTimeInterval(Double(lockout.freeTries))
            XCTAssertThrowsError(try store.redeemKioskCode(code.code, dateOfBirth: dob, lockout: lockout, now: t)) { e in
                guard case .tooManyTries(let wait)? = e as? KioskError else { return XCTFail("\(e)") }
                XCTAssertEqual(wait, lockout.firstWait - 1, accuracy: 0.01, "even the right code waits")
            }
            XCTAssertNoThrow(try store.redeemKioskCode(code.code, dateOfBirth: dob, lockout: lockout, now: t.addingTimeInterval(lockout.firstWait)))
        }
    }

    /// Staff PINs are counted apart from codes, against the same policy; the wait doubles and stops at the longest.
    func testWrongPINsLockOutUpToTheLongestWait() throws {
        try eachRepository { store, connect in
            try store.setStaffPIN("ward7-kiosk", lockout: lockout, now: now)
            var t = now
            for _ in 0..<lockout.freeTries {
                XCTAssertThrowsError(try store.checkStaffPIN("guess", lockout: lockout, now: t)) { XCTAssertEqual($0 as? KioskError, .wrongPIN) }
            }
            XCTAssertNil(try store.lockout(.kioskCode, policy: lockout, now: t), "codes are counted apart")
            var waits: [TimeInterval] = []
            for _ in 0..<6 {
                guard let wait = try store.lockout(.staffPIN, policy: lockout, now: t) else { return XCTFail("no wait after \(waits)") }
                waits.append(wait)
                t = t.addingTimeInterval(wait)
                XCTAssertThrowsError(try store.checkStaffPIN("guess", lockout: lockout, now: t)) { XCTAssertEqual($0 as? KioskError, .wrongPIN) }
            }
            XCTAssertEqual(waits, [20, 40, 80, 160, 300, 300])
            t = t.addingTimeInterval(lockout.longestWait)
            XCTAssertNoThrow(try store.checkStaffPIN("ward7-kiosk", lockout: lockout, now: t))
        }
    }

    /// PINs tried at once count as many: only the free tries are checked.
    func testPINsTriedAtOnceCountAsMany() throws {
        try eachRepository { store, connect in
            try store.setStaffPIN("ward7-kiosk", lockout: lockout, now: now)
            let (lockout, now) = (self.lockout, self.now)
            let errors = try atOnce(10, connect) { i, store -> KioskError? in
                do { try store.checkStaffPIN("guess \(i)", lockout: lockout, now: now); return nil } catch { return error as? KioskError }
            }
            XCTAssertEqual(errors.filter { $0 == .wrongPIN }.count, lockout.freeTries, "\(errors)")
            XCTAssertEqual(errors.filter { if case .tooManyTries = $0 { true } else { false } }.count, 10 - lockout.freeTries, "\(errors)")
        }
    }

    func testSubmittedSelfAssessmentsWaitUntilThePlanIsAgreed() throws {
        try eachRepository { store, connect in
            let p = try addSian(store)
            let code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: Self.catalogue, by: "n", now: now)
            var (_, a) = try store.redeemKioskCode(code.code, dateOfBirth: dob, lockout: lockout, now: now)
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

    func testANewCodeWithdrawsThePatientsEarlierUnusedCodes() throws {
        try eachRepository { store, connect in
            let p = try addSian(store)
            let first = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: Self.catalogue, by: "n", now: now)
            let second = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: Self.catalogue, by: "n", now: now)
            XCTAssertThrowsError(try store.redeemKioskCode(first.code, dateOfBirth: dob, lockout: lockout, now: now)) { XCTAssertEqual($0 as? KioskError, .notAccepted) }
            XCTAssertEqual(try store.auditTrail().filter { $0.action == "issued kiosk code" }.map(\.detail), ["", "1 earlier unused code withdrawn"])
            XCTAssertNoThrow(try store.redeemKioskCode(second.code, dateOfBirth: dob, lockout: lockout, now: now))
        }
    }

    /// Issue 9 follow-up, item 10: a second code for a patient whose self-assessment is still empty is for that
    /// one, not for a new one (which left the first behind, empty, its code withdrawn).
    func testASecondCodeReusesTheEmptySelfAssessment() throws {
        try eachRepository { store, connect in
            let p = try addSian(store)
            let first = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: Self.catalogue, by: "n", now: now)
            let second = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: Self.catalogue, by: "n", now: now)
            XCTAssertEqual(second.assessmentId, first.assessmentId)
            XCTAssertEqual(try store.assessments(patientId: p.id!).count, 1)
            XCTAssertEqual(try store.auditTrail().filter { $0.action == "started assessment" }.count, 1)
            // Once the patient has answered, it is theirs: a later code starts another.
            let (_, a) = try store.redeemKioskCode(second.code, dateOfBirth: dob, lockout: lockout, now: now)
            _ = try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 6)), to: a.id, basedOn: a, now: now)
            let third = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: Self.catalogue, by: "n", now: now)
            XCTAssertNotEqual(third.assessmentId, first.assessmentId)
        }
    }

    func testRefusedCodesAndPINsClosingAndPINChangesAreAudited() throws {
        try eachRepository { store, connect in
            let p = try addSian(store)
            _ = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .other, catalogue: Self.catalogue, by: "n", now: now)
            try store.setStaffPIN("ward7-kiosk", by: "Sister Jones", lockout: lockout, now: now)
            XCTAssertThrowsError(try store.redeemKioskCode("000000", dateOfBirth: LocalDate(year: 1900, month: 1, day: 1)!, lockout: lockout, now: now))
            XCTAssertThrowsError(try store.checkStaffPIN("guess", lockout: lockout, now: now))
            XCTAssertNoThrow(try store.checkStaffPIN("ward7-kiosk", lockout: lockout, now: now))
            let trail = try store.auditTrail().suffix(4).map { "\($0.user): \($0.action) (\($0.detail))" }
            XCTAssertEqual(trail, ["Sister Jones: set staff PIN ()", "kiosk: kiosk code refused (code or date of birth not accepted)",
                                   "kiosk: staff PIN refused (wrong PIN)", "kiosk: closed the kiosk ()"])
        }
    }

    func testChangingTheStaffPINNeedsTheCurrentOne() throws {
        try eachRepository { store, connect in
            _ = try addSian(store)
            try store.setStaffPIN("ward7-kiosk", lockout: lockout, now: now)
            XCTAssertThrowsError(try store.setStaffPIN("taken-over", by: "someone", lockout: lockout, now: now)) { XCTAssertEqual($0 as? KioskError, .wrongPIN) }
            XCTAssertThrowsError(try store.setStaffPIN("taken-over", current: "wrong-one", by: "someone", lockout: lockout, now: now)) { XCTAssertEqual($0 as? KioskError, .wrongPIN) }
            XCTAssertNoThrow(try store.checkStaffPIN("ward7-kiosk", action: nil, lockout: lockout, now: now), "unchanged")
            try store.setStaffPIN("ward8-kiosk", current: "ward7-kiosk", by: "Sister Jones", lockout: lockout, now: now)
            XCTAssertNoThrow(try store.checkStaffPIN("ward8-kiosk", action: nil, lockout: lockout, now: now))
            XCTAssertEqual(try store.auditTrail().map(\.action).filter { $0.contains("staff PIN") },
                           ["set staff PIN", "staff PIN refused", "staff PIN refused", "changed staff PIN"])
        }
    }
}
