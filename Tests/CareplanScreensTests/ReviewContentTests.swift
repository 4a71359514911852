import CareplanCore
import CareplanRuntime
import CareplanScreens
import XCTest

/// The review screen lists what the printed plan lists.
final class ReviewContentTests: XCTestCase {
    /// Issue 9, item 3: "3 chosen" on the checklist, but the rated lifestyle items were missing from the review.
    func testRatedLifestyleItemsAreUnderMyConcerns() throws {
        let h = Harness(size: Size(width: 80, height: 60))
        h.addPatient()
        h.startAssessment()
        for (filter, score) in [("pain", "8"), ("diet", "3"), ("hobbies", "6")] {
            h.type(filter); h.press(.text(score)); h.press(.escape)
        }
        XCTAssertEqual(h.assessment?.concerns.filter { $0.score != nil }.count, 3)
        h.press(.ctrl("n"), .ctrl("n"), .ctrl("n"), .ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .planReview)
        let mine = try XCTUnwrap(h.screen.components(separatedBy: "MY CONCERNS").dropFirst().first?.components(separatedBy: "WHAT WE DISCUSSED").first)
        XCTAssertTrue(mine.contains(" 3  Diet and nutrition"), mine)
        XCTAssertTrue(mine.contains(" 6  Hobbies and leisure"), mine)
        XCTAssertTrue(mine.contains(" 8  Pain"), mine)
    }
}
