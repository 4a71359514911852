import CareplanCore
@testable import CareplanScreens
import XCTest

/// Who may change a follow-up (issue 14 testers' finding N5): moving or skipping a test changes the pathway's
/// care, so it needs the permission a review, a suspension and a discharge need, not a support worker's.
final class FollowUpPermissionTests: XCTestCase {
    func testMovingOrSkippingATestIsADecisionAndAddingOrMarkingOneIsRecording() {
        let day = LocalDate(year: 2026, month: 3, day: 1)!
        XCTAssertEqual(FollowUpAction.change(.move(testId: 1, to: day, reason: "r"), enrolmentId: 1).permission, FollowUpPermission.decide)
        XCTAssertEqual(FollowUpAction.change(.skip(testId: 1, reason: "r"), enrolmentId: 1).permission, FollowUpPermission.decide)
        XCTAssertEqual(FollowUpAction.change(.add(code: "x", name: "X", due: day, graceDays: 0, reason: "r"), enrolmentId: 1).permission,
                       FollowUpPermission.record)
        XCTAssertEqual(FollowUpAction.mark(testId: 1, .done, on: day, enrolmentId: 1).permission, FollowUpPermission.record)
        XCTAssertEqual(FollowUpAction.discharge(enrolmentId: 1, .endOfPathway, on: day).permission, FollowUpPermission.decide)
    }
}
