import XCTest
@testable import CareplanCore

/// Resources/information/library.yaml: the shipped example covers every topic sites offer, and a broken
/// library is refused with file, line and fix.
final class InformationLibraryTests: XCTestCase {
    static let path = TermsTests.resources.appendingPathComponent("information/library.yaml")

    func shipped() throws -> String { try String(contentsOf: Self.path, encoding: .utf8) }

    func testTheShippedLibraryIsAnExampleCoveringEveryTopicSitesOffer() throws {
        let library = try InformationLibrary.load(from: Self.path, displayPath: "library.yaml").get()
        XCTAssertTrue(library.isExample, "marked for a site to replace")
        // The topics of ../shared/domain.md, each with at least one item.
        for topic in ["recurrence", "treatment-effects", "fatigue", "diet-activity", "money-benefits", "work", "emotional-support",
                      "smoking-alcohol", "sleep", "menopause"] {
            XCTAssertFalse(library.items(topic: topic).isEmpty, topic)
        }
        XCTAssertEqual(Set(library.items.map(\.format)), Set(InformationLibrary.Format.allCases), "leaflets, pages, courses and events")
        XCTAssertEqual(Set(library.items.map(\.id)).count, library.items.count)
        let fatigue = try XCTUnwrap(library.item("managing-fatigue-leaflet"))
        XCTAssertEqual(fatigue.format, .leaflet)
        XCTAssertEqual(fatigue.summary, "Why cancer and its treatment make you tired, and how to plan your day, rest and stay active.")
        XCTAssertTrue(library.item("move-more-walks")!.format.isOccasion)
        XCTAssertFalse(fatigue.format.isOccasion)
    }

    func testTypingFiltersByEveryWordFoldedWithinATopic() throws {
        let library = try InformationLibrary.load(from: Self.path, displayPath: "library.yaml").get()
        XCTAssertEqual(library.items(matching: "").count, library.items.count)
        XCTAssertEqual(library.items(matching: "BENEFITS").map(\.id), ["benefits-advice", "benefits-clinic"])
        XCTAssertEqual(library.items(matching: "benefits work").map(\.id), ["benefits-clinic"], "every word")
        XCTAssertEqual(library.items(matching: "ménopause", topic: "treatment-effects").map(\.id), ["menopause-after-treatment"], "folded, within the topic")
        XCTAssertEqual(library.items(matching: "", topic: "sleep").map(\.id), ["managing-fatigue-leaflet", "talking-therapies", "sleep-well"])
        XCTAssertEqual(library.items(matching: "recurrence").map(\.id), ["after-treatment-what-to-look-for", "fear-of-recurrence-course", "re-access-card"],
                       "by the topic's label too")
        XCTAssertEqual(library.items(matching: "zebra"), [])
    }

        func problems(_ from: String, _ to: String, file: StaticString = #filePath, line: UInt = #line) throws -> (problems: [ConfigProblem], text: String) {
        let original = try shipped()
        XCTAssertTrue(original.contains(from), from, file: file, line: line)
        let text = original.replacingOccurrences(of: from, with: to)
        guard case .failure(let e) = InformationLibrary.parse(text: text, displayPath: "Resources/information/library.yaml") else {
            XCTFail("loaded", file: file, line: line); return ([], text)
        }
        return (e.problems, text)
    }

    func lineOf(_ text: String, in file: String, after: Int = 0) -> Int {
        file.components(separatedBy: "\n").enumerated().first { $0.offset >= after && $0.element.contains(text) }!.offset + 1
    }

    func testADuplicateIdIsReportedAtTheSecond() throws {
        let (p, text) = try problems("  - id: alcohol-and-cancer\n", "  - id: stop-smoking\n")
        XCTAssertEqual(p.count, 1, "\(p)")
        XCTAssertEqual(p.first?.message, "item id `stop-smoking` is used twice")
        XCTAssertEqual(p.first?.line, lineOf("- id: stop-smoking", in: text, after: lineOf("- id: stop-smoking", in: text)))
    }

    func testAnUnknownTopicIsReportedWithTheNearestOne() throws {
        let (p, text) = try problems("topics: [sleep]\n", "topics: [slep]\n")
        XCTAssertEqual(p.count, 1, "\(p)")
        XCTAssertEqual(p.first?.message, "topic `slep` of item `sleep-well` is not listed under `topics`")
        XCTAssertTrue(p.first?.fix.hasPrefix("did you mean `sleep`?") == true, "\(p)")
        XCTAssertEqual(p.first?.line, lineOf("topics: [slep]", in: text))
    }

    func testAnEmptySummaryAnUnknownFormatAndATopicWithNoItemAreReported() throws {
        var (p, text) = try problems("""
                summary: >-
                  Why sleep can change with cancer, and simple habits that help; when to ask your GP for more help.
            """, "    summary: \"  \"")
        XCTAssertEqual(p.map(\.message), ["`summary` in an item is empty"])
        XCTAssertEqual(p.first?.line, lineOf("summary: \"  \"", in: text))
        (p, text) = try problems("    format: course\n    audience: Adults within", "    format: video\n    audience: Adults within")
        XCTAssertEqual(p.map(\.message), ["`video` is no format careplan knows"])
        XCTAssertTrue(p.first?.fix.contains("`leaflet`, `web-page`, `course`, `event`") == true, "\(p)")
        (p, _) = try problems("  - { id: menopause, label: Menopause }\n", "  - { id: menopause, label: Menopause }\n  - { id: hobbies, label: Hobbies }\n")
        XCTAssertEqual(p.map(\.message), ["topic `hobbies` has no item"])
        (p, _) = try problems("example: yes", "example: perhaps")
        XCTAssertEqual(p.first?.fix, "write `example: no` once the entries are your own")
    }

    func testTheConfigurationReadsBothFilesAndReportsEachProblemUnderItsOwnName() throws {
        var problems: [ConfigProblem] = []
        let (qof, library) = Configuration.loadReviewsAndInformation(root: ConfigurationTests.root, display: { $0.lastPathComponent }, problems: &problems)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(qof?.editions.first?.appliesFrom, LocalDate(year: 2021, month: 4, day: 1))
        XCTAssertNotNil(library?.item("benefits-advice"))
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-resources-\(UUID().uuidString)")
        let missing = Configuration.loadReviewsAndInformation(root: empty, display: { $0.lastPathComponent }, problems: &problems)
        XCTAssertNil(missing.0)
        XCTAssertNil(missing.1)
        XCTAssertEqual(problems.map(\.file), ["qof.yaml", "library.yaml"])
    }
}
