import CareplanCore
@testable import CareplanExport
import Foundation
import XCTest

/// What a plan lists, in every format.
final class PlanContentTests: XCTestCase {
    /// Issue 9, item 3: diet 3 and hobbies 6 were rated on the checklist but missing from "My concerns".
    func testRatedLifestyleItemsAreConcernsWithTheirScores() throws {
        let (store, draft) = try sample(.typical, agreed: false)
        var a = draft.assessment
        for (id, score) in [("diet", 3), ("hobbies", 6)] {
            let (category, item) = try XCTUnwrap(catalogue.item(id))
            a = try store.apply(.setConcern(ConcernEntry(key: id, categoryId: category.id, label: item.label, score: score)),
                                to: a.id, basedOn: a)
        }
        let doc = PlanDocument(assessment: a, patient: draft.patient, catalogue: catalogue, services: testConfiguration.services, codes: testConfiguration.codes, policy: testConfiguration.policy)
        let rated = a.concerns.filter { $0.score != nil }
        XCTAssertEqual(Set(doc.concerns.map(\.key)), Set(rated.map(\.key)), "every rated concern is in My concerns")
        XCTAssertEqual(doc.concerns.first { $0.key == "hobbies" }?.score, 6)
        XCTAssertFalse(doc.information.contains { $0.concern.key == "diet" }, "a rated item is listed once, as a concern")

        let text = TextRenderer.render(doc)
        let mine = try XCTUnwrap(text.components(separatedBy: "MY CONCERNS").dropFirst().first?.components(separatedBy: "WHAT WE DISCUSSED").first)
        XCTAssertTrue(mine.contains("Diet and nutrition") && mine.contains("3/10"), mine)
        XCTAssertTrue(mine.contains("Hobbies and leisure") && mine.contains("6/10"), mine)
        let pdf = squeezed(try pdfPages(PlanExporter.render(doc, format: .pdf)).joined(separator: " "))
        let pdfConcerns = try XCTUnwrap(pdf.components(separatedBy: "My concerns").dropFirst().first?.components(separatedBy: "What we discussed").first)
        XCTAssertTrue(pdfConcerns.contains("Hobbies and leisure"), pdfConcerns)
    }

    /// An information topic raised without a score stays in the information section only.
    func testUnratedInformationTopicsStayInTheInformationSection() throws {
        let (_, doc) = try sample(.typical, agreed: true)
        XCTAssertEqual(doc.information.map(\.concern.key), ["diet"])
        XCTAssertFalse(doc.concerns.contains { $0.key == "diet" })
    }
}
