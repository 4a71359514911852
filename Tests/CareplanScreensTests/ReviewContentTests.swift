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
        for (label, score) in [("Pain", "8/10"), ("Diet and nutrition", "3/10"), ("Hobbies and leisure", "6/10")] {
            let row = try XCTUnwrap(mine.components(separatedBy: "\n").first { $0.contains(label) }, mine)
            XCTAssertTrue(row.contains(score), row)
        }
    }

    /// Issue 10: the review is the printed plan (one model, `PlanDocument`): its sections, in its order, with
    /// its words; the screen once built its own, with other headings and the diagnosis code left out.
    func testTheReviewShowsThePrintedPlansSectionsInOrder() throws {
        let h = Harness(size: Size(width: 80, height: 200))
        h.startRating("pain", 8)
        h.press(.ctrl("n"), .text(" "), .ctrl("n"), .ctrl("n"), .ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .planReview)
        let session = h.program.session
        let doc = PlanDocument(assessment: try XCTUnwrap(session.assessment), patient: try XCTUnwrap(session.patient), catalogue: session.catalogue,
                               services: session.configuration.services, codes: session.configuration.codes, policy: session.configuration.policy)
        XCTAssertEqual(doc.sections.map(\.title), ["About me", "My concerns", "What we discussed and agreed", "Information and support", "Review",
                                                   "Who was involved", "Plan status"])
        let shown = h.lines.map { $0.trimmingCharacters(in: .whitespaces) }
        let headings = doc.sections.map { section in shown.firstIndex(of: section.title.uppercased()) }
        XCTAssertEqual(headings.compactMap { $0 }.count, doc.sections.count, h.screen)
        XCTAssertEqual(headings.compactMap { $0 }, headings.compactMap { $0 }.sorted(), "in the printed order")
        XCTAssertTrue(h.screen.contains("Breast (C50.9), diagnosed 01 Sep 2026"), h.screen)
        XCTAssertTrue(h.screen.contains("1. Pain (score 8/10)"), h.screen)
        XCTAssertTrue(h.screen.contains("Not yet agreed: press A"), "what only the nurse needs stays: " + h.screen)
    }
}
