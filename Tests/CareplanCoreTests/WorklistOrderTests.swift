import CareplanCore
import XCTest

/// The worklist's order (issue 14 testers' finding N16): urgent kinds first, lateness within a kind.
final class WorklistOrderTests: XCTestCase {
    func testCallsThenResultsThenOverdueTestsThenDueTestsThenTheRestEachByLateness() {
        let p = Patient(id: 1, nhsNumber: NHSNumber("9434765919")!, familyName: "A", givenName: "B", dateOfBirth: LocalDate(year: 1960, month: 1, day: 1)!)
        let today = LocalDate(year: 2027, month: 6, day: 1)!
        func item(_ kind: WorkKind, _ daysAgo: Int, overdue: Bool = true, redFlag: Bool = false) -> WorkItem {
            WorkItem(kind: kind, patient: p, due: today.adding(days: -daysAgo), overdue: overdue, redFlag: redFlag, target: .enrolment(Int64(daysAgo)), what: "\(kind.rawValue) \(daysAgo)")
        }
        let items = [item(.careReviewDue, 900), item(.testOverdue, 700), item(.testDueSoon, -3, overdue: false), item(.resultToReview, 2),
                     item(.contactToReturn, 0, overdue: false), item(.resultToReview, 9), item(.contactToReturn, 0, overdue: false, redFlag: true),
                     item(.planReviewDue, 400), item(.testOverdue, 30), item(.contactToReturn, 1)]
        XCTAssertEqual(items.sorted(by: Worklist.urgentFirst).map(\.what), [
            "contact-to-return 0", "contact-to-return 1", "contact-to-return 0", "result-to-review 9", "result-to-review 2",
            "test-overdue 700", "test-overdue 30", "test-due-soon -3", "plan-review-due 400", "care-review-due 900",
        ])
        XCTAssertTrue(items.sorted(by: Worklist.urgentFirst)[0].redFlag, "a red flag first of all")
    }
}
