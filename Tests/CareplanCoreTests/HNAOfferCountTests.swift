import XCTest
@testable import CareplanCore

/// How offers are counted (README "HNA offers"): an undecided offer is settled by the patient's next offer at the
/// same point of the pathway, and only then left uncounted.
final class HNAOfferCountTests: XCTestCase {
    func offer(_ id: Int64, day: Int, _ outcome: HNAOfferOutcome, patient: Int64 = 1, point: PathwayPoint = .initialDiagnosis) -> HNAOffer {
        HNAOffer(id: id, patientId: patient, date: LocalDate(year: 2026, month: 3, day: day)!, pathwayPoint: point, outcome: outcome, assessmentId: nil,
                 offeredBy: "n", offeredRole: nil, reason: "", recordedAt: Date(timeIntervalSince1970: 0))
    }

    func testAnUndecidedOfferIsSettledOnlyByTheSamePatientsLaterOfferAtTheSamePoint() {
        let undecided = offer(5, day: 2, .undecided)
        XCTAssertTrue(undecided.isSettled(by: offer(6, day: 9, .accepted)))
        XCTAssertTrue(undecided.isSettled(by: offer(6, day: 2, .declined)), "the same day, recorded after it")
        XCTAssertFalse(undecided.isSettled(by: offer(4, day: 2, .declined)), "the same day, recorded before it")
        XCTAssertFalse(undecided.isSettled(by: offer(6, day: 1, .declined)), "an earlier day")
        XCTAssertFalse(undecided.isSettled(by: offer(6, day: 9, .accepted, patient: 2)), "another patient")
        XCTAssertFalse(undecided.isSettled(by: offer(6, day: 9, .accepted, point: .endOfTreatment)), "another point of the pathway")
        XCTAssertFalse(offer(5, day: 2, .declined).isSettled(by: offer(6, day: 9, .accepted)), "only undecided offers are settled")
    }

    func testCountedKeepsEveryOfferButTheSettledOnesInTheirOrder() {
        let offers = [offer(1, day: 2, .undecided), offer(2, day: 3, .undecided, patient: 2), offer(3, day: 9, .accepted), offer(4, day: 9, .notOffered, patient: 3)]
        XCTAssertEqual(HNAOffer.counted(offers).map(\.id), [2, 3, 4])
        XCTAssertEqual(HNAOffer.counted([]), [])
    }
}
