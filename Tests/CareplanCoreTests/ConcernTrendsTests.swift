import CareplanCore
import Foundation
import XCTest

final class ConcernTrendsTests: XCTestCase {
    private func hna(_ id: Int64, _ date: String, status: AssessmentStatus = .agreed, distress: Int? = nil,
                     _ concerns: [(String, Int?)]) -> Assessment {
        Assessment(id: id, patientId: 1, pathwayPoint: .endOfTreatment, completedBy: .patient,
                   date: try! LocalDate.parse(date).get(), status: status, catalogueId: "ncat", catalogueVersion: "1",
                   distressScore: distress, createdAt: Date(), updatedAt: Date(),
                   concerns: concerns.map { ConcernEntry(key: $0.0, categoryId: "c", label: $0.0.capitalized, score: $0.1) })
    }

    func testEachConcernsChangeIsPutInWordsOldestToNewest() {
        let trends = PatientTrends(assessments: [
            hna(3, "2026-06-01", status: .inProgress, distress: 3, [("pain", 7), ("fatigue", 2), ("sleep", 4), ("money", nil)]),
            hna(1, "2026-01-10", distress: 6, [("pain", 4), ("fatigue", 8), ("worry", 5), ("sleep", 4)]),
        ])
        XCTAssertEqual(trends.points.map(\.assessmentId), [1, 3])
        XCTAssertEqual(trends.points.last?.inProgress, true)
        XCTAssertEqual(trends.distress, [6, 3])
        XCTAssertEqual(trends.distressChange, .fell)
        let change = Dictionary(uniqueKeysWithValues: trends.concerns.map { ($0.key, $0.change) })
        XCTAssertEqual(change["pain"], .rose)
        XCTAssertEqual(change["fatigue"], .fell)
        XCTAssertEqual(change["sleep"], .unchanged)
        XCTAssertEqual(change["worry"], .resolved)
        XCTAssertEqual(change["money"], .some(nil), "raised but not rated yet: no change to tell")
        // In the latest first, highest score first; then the ones no longer raised.
        XCTAssertEqual(trends.concerns.map(\.key), ["pain", "sleep", "fatigue", "money", "worry"])
        XCTAssertEqual(trends.concerns.first { $0.key == "worry" }?.marks, [.scored(5), .notRaised])
    }

    func testDiscardedAndSupersededAssessmentsAreLeftOut() {
        let trends = PatientTrends(assessments: [
            hna(1, "2026-01-10", status: .superseded, [("pain", 9)]),
            hna(2, "2026-01-10", [("pain", 6)]),
            hna(3, "2026-02-01", status: .discarded, [("pain", 1)]),
            hna(4, "2026-03-01", [("pain", 0), ("mood", 3)]),
        ])
        XCTAssertEqual(trends.points.map(\.assessmentId), [2, 4])
        XCTAssertEqual(trends.concerns.map { $0.change }, [TrendChange.appeared, .resolved], "mood (3) before pain (0)")
        XCTAssertNil(trends.distressChange)
    }

    func testOneAssessmentHasNoChangeToTell() {
        let trends = PatientTrends(assessments: [hna(1, "2026-01-10", distress: 5, [("pain", 6)])])
        XCTAssertEqual(trends.concerns.map { $0.change }, [TrendChange?.none])
        XCTAssertNil(trends.distressChange)
        XCTAssertTrue(PatientTrends(assessments: []).concerns.isEmpty)
    }
}

extension ConcernTrendsTests {
    /// Own-words concerns are numbered afresh in each assessment (`other-1`, `other-2`): the same number is not
    /// the same concern, the same words are.
    func testConcernsInThePatientsOwnWordsAreMatchedByTheirWordsNotTheirNumber() {
        var first = hna(1, "2026-01-10", [("pain", 4)])
        first.concerns.append(ConcernEntry(key: "other-1", categoryId: "other", label: "My husband's health", score: 9))
        first.concerns.append(ConcernEntry(key: "other-2", categoryId: "other", label: "Cost of  parking", score: 3))
        var second = hna(2, "2026-03-01", [("pain", 4)])
        second.concerns.append(ConcernEntry(key: "other-1", categoryId: "other", label: "cost of parking", score: 2))
        let trends = PatientTrends(assessments: [first, second])
        let byLabel = Dictionary(uniqueKeysWithValues: trends.concerns.map { ($0.label, $0) })
        XCTAssertEqual(byLabel["cost of parking"]?.marks, [.scored(3), .scored(2)])
        XCTAssertEqual(byLabel["cost of parking"]?.change, .fell)
        XCTAssertEqual(byLabel["My husband's health"]?.marks, [.scored(9), .notRaised])
        XCTAssertEqual(byLabel["My husband's health"]?.change, .resolved)
        XCTAssertEqual(PatientTrends.key(of: second.concerns[1]), PatientTrends.key(of: first.concerns[2]))
    }
}

extension ConcernTrendsTests {
    /// While a new version of an agreed plan is being made, the agreed one is still "agreed" in the store: it is
    /// the same conversation, so it is not a point of its own (the record counts it the same after agreeing).
    func testAPlanBeingRevisedIsReplacedByItsNewVersion() {
        var revised = hna(3, "2026-03-05", status: .inProgress, [("pain", 5)])
        revised.previousId = 2
        let trends = PatientTrends(assessments: [hna(1, "2026-01-10", [("pain", 7)]), hna(2, "2026-03-01", [("pain", 5)]), revised])
        XCTAssertEqual(trends.points.map(\.assessmentId), [1, 3])
        XCTAssertEqual(trends.concerns.map(\.change), [TrendChange.fell])
        var discardedRevision = revised
        discardedRevision.status = .discarded
        XCTAssertEqual(PatientTrends(assessments: [hna(2, "2026-03-01", [("pain", 5)]), discardedRevision]).points.map(\.assessmentId), [2])
    }
}
