import CareplanCore
import RepositoryTestSupport
import XCTest

/// HNAs offered and what the patient said (COSD CR7900, issue 15): accepted ones written by starting the
/// assessment, the others recorded by a clinician, with ids and codes only in the audit trail.
final class HNAOfferContractTests: RepositoryContractCase {
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    func testStartingAnAssessmentRecordsAnAcceptedOfferWithTheStartersRole() throws {
        try eachRepository { store, connect in
            try StaffFixture.addUsers(to: store, now: now)
            let p = try addSian(store)
            let a = try store.startAssessment(patientId: p.id!, pathwayPoint: .endOfTreatment, completedBy: .patientWithClinician, date: today,
                                              catalogue: Self.catalogue, createdBy: StaffFixture.nurse, now: now)
            let offers = try connect().hnaOffers(patientId: p.id!)
            XCTAssertEqual(offers, [HNAOffer(id: offers.first?.id ?? 0, patientId: p.id!, date: today, pathwayPoint: .endOfTreatment, outcome: .accepted,
                                             assessmentId: a.id, offeredBy: StaffFixture.nurse, offeredRole: "nurse", reason: "", recordedAt: now)])
            XCTAssertEqual(try store.auditTrail(patientId: p.id!).last?.said, "HNA offer \(offers[0].id) accepted", "one entry: the start names its offer")
            // Someone the store does not know as staff (an import, an older careplan): role unknown.
            let b = try store.startAssessment(patientId: p.id!, pathwayPoint: .other, completedBy: .patient, date: today,
                                              catalogue: Self.catalogue, createdBy: "someone", now: now)
            XCTAssertEqual(try store.hnaOffers(patientId: p.id!).first { $0.assessmentId == b.id }?.offeredRole, .some(nil))
        }
    }

    func testAKioskCodeRecordsOneAcceptedOfferForTheSelfAssessment() throws {
        try eachRepository { store, _ in
            try StaffFixture.addUsers(to: store, now: now)
            let p = try addSian(store)
            let code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .duringTreatment, catalogue: Self.catalogue, by: StaffFixture.nurse, now: now)
            _ = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .duringTreatment, catalogue: Self.catalogue, by: StaffFixture.nurse, now: now)
            let offers = try store.hnaOffers(patientId: p.id!)
            XCTAssertEqual(offers.map(\.assessmentId), [code.assessmentId], "a second code for the same empty self-assessment is not another offer")
            XCTAssertEqual(offers.map(\.outcome), [.accepted])
            XCTAssertEqual(offers.map(\.pathwayPoint), [.duringTreatment])
            XCTAssertEqual(offers.map(\.offeredRole), ["nurse"])
        }
    }

    /// Started in error, an assessment was never accepted: its offer goes, and an undecided offer before it is
    /// undecided again. A new version of a plan is not another offer.
    func testADiscardedAssessmentTakesItsOfferBackAndANewVersionIsNoOffer() throws {
        try eachRepository { store, _ in
            let p = try addSian(store)
            let undecided = try store.recordHNAOffer(patientId: p.id!, date: today, pathwayPoint: .initialDiagnosis, outcome: .undecided, by: "t", now: now)
            let a = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patient, date: today,
                                              catalogue: Self.catalogue, createdBy: "t", now: now)
            XCTAssertEqual(HNAOffer.counted(try store.hnaOffers(patientId: p.id!)).map(\.outcome), [.accepted], "the acceptance settles the undecided offer")
            let accepted = try store.hnaOffers(patientId: p.id!)[0].id
            _ = try store.discardAssessment(id: a.id, by: "t", now: now)
            XCTAssertEqual(try store.hnaOffers(patientId: p.id!), [undecided])
            XCTAssertEqual(HNAOffer.counted(try store.hnaOffers(patientId: p.id!)), [undecided])
            XCTAssertEqual(try store.auditTrail(patientId: p.id!).last?.said, "HNA offer \(accepted) withdrawn")

            let b = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patient, date: today,
                                              catalogue: Self.catalogue, createdBy: "t", now: now)
            let agreed = try store.apply(.agree(by: "Nia Nurse", role: .otherNurse, at: now, reviewDate: LocalDate(year: 2027, month: 1, day: 1)!), to: b.id,
                                        basedOn: b, now: now)
            _ = try store.newVersion(of: agreed.id, createdBy: "t", now: now)
            XCTAssertEqual(try store.hnaOffers(patientId: p.id!).filter { $0.outcome == .accepted }.map(\.assessmentId), [b.id])
        }
    }

    func testAnOfferIsRecordedAsSaidWithTheReasonKeptOutOfTheAuditTrail() throws {
        try eachRepository { store, connect in
            try StaffFixture.addUsers(to: store, now: now)
            let p = try addSian(store)
            let declined = try store.recordHNAOffer(patientId: p.id!, date: today, pathwayPoint: .startOfTreatment, outcome: .declined,
                                                    by: StaffFixture.nurse, now: now)
            XCTAssertEqual(declined.outcome, .declined)
            XCTAssertEqual(declined.offeredRole, "nurse")
            let notOffered = try store.recordHNAOffer(patientId: p.id!, date: today, pathwayPoint: .startOfTreatment, outcome: .notOffered,
                                                      reason: "  Too unwell\nthis week ", by: StaffFixture.nurse, now: now.addingTimeInterval(1))
            XCTAssertEqual(notOffered.reason, "Too unwell this week", "one line, trimmed")
            XCTAssertEqual(try connect().hnaOffers(patientId: p.id!), [notOffered, declined], "newest first")
            let trail = try store.auditTrail(patientId: p.id!)
            XCTAssertEqual(trail.suffix(2).map(\.action), ["recorded HNA offer 02", "recorded HNA offer 04"])
            XCTAssertEqual(trail.suffix(2).map(\.said), ["HNA offer \(declined.id)", "HNA offer \(notOffered.id)"])
            XCTAssertFalse(try store.auditTrail().contains { $0.detail.contains("unwell") }, "no reason in the trail")
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
        }
    }

    func testAnOfferThatCannotBeTrueIsRefused() throws {
        try eachRepository { store, _ in
            let p = try addSian(store)
            func refusal(_ date: LocalDate, _ outcome: HNAOfferOutcome, _ reason: String = "") -> String? {
                do {
                    _ = try store.recordHNAOffer(patientId: p.id!, date: date, pathwayPoint: .other, outcome: outcome, reason: reason, by: "t", now: now)
                    return nil
                } catch StoreError.refused(let why) { return why } catch { return "\(error)" }
            }
            let tomorrow = LocalDate(now).adding(days: 1)
            XCTAssertEqual(refusal(tomorrow, .declined), "Not recorded: \(tomorrow.display) is in the future")
            XCTAssertEqual(refusal(LocalDate(year: 1961, month: 3, day: 4)!, .declined), "Not recorded: 04 Mar 1961 is before the patient was born (05 Mar 1961)")
            XCTAssertEqual(refusal(today, .accepted), "Not recorded: an accepted offer is recorded by starting the assessment (or issuing a kiosk code)")
            XCTAssertEqual(refusal(today, .notOffered, "   "), "Not recorded: say why (not offered)")
            XCTAssertEqual(refusal(today, .unableToComplete), "Not recorded: say why (unable to complete)")
            XCTAssertNil(refusal(LocalDate(year: 1961, month: 3, day: 5)!, .undecided), "the day of birth itself is possible")
            XCTAssertThrowsError(try store.recordHNAOffer(patientId: 999, date: today, pathwayPoint: .other, outcome: .declined, by: "t", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The patient"))
            }
            XCTAssertEqual(try store.hnaOffers(patientId: p.id!).map(\.outcome), [.undecided], "nothing refused was kept")
        }
    }
}
