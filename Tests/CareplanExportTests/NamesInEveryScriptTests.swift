import CareplanCore
@testable import CareplanExport
import Foundation
import XCTest

/// Patients' names and notes in the scripts of a UK ward, in the PDF (issue 9, item 19).
final class NamesInEveryScriptTests: XCTestCase {
    static let missingFontNote = "Some characters on this page have no font installed"

    func plan(family: String, given: String, note: String = "") throws -> PlanDocument {
        let (_, a, p) = try onePlan(family: family, given: given, note: note)
        return PlanDocument(assessment: a, patient: p, catalogue: catalogue, services: testConfiguration.services, codes: testConfiguration.codes, policy: testConfiguration.policy)
    }

    /// The installed fonts (.ci/packages) cover names in Chinese, Japanese, Korean, Arabic, Urdu, Hindi,
    /// Punjabi, Bengali, Gujarati, Tamil, Polish and Welsh: no page says a character has no font.
    func testNamesInTheScriptsOfAUKWardPrintWithoutBoxes() throws {
        let names: [(String, String)] = [("山田", "花子"), ("王", "秀英"), ("김", "민준"), ("حداد", "فاطمة"), ("خان", "عائشہ"),
                                         ("शर्मा", "प्रिया"), ("ਸਿੰਘ", "ਹਰਪ੍ਰੀਤ"), ("রহমান", "আয়েশা"), ("પટેલ", "હેતલ"),
                                         ("முருகன்", "கவிதா"), ("Łódź", "Żaneta"), ("Llŷr", "Siân")]
        for (family, given) in names {
            let doc = try plan(family: family, given: given, note: "\(given) \(family)")
            let data = try PlanExporter.render(doc, format: .pdf)
            keepSample(data, "name-\(family).pdf")
            let pages = try pdfPages(data)
            XCTAssertFalse(pages.contains { $0.contains(Self.missingFontNote) }, "\(given) \(family) prints as boxes: is a font missing?")
        }
    }

    /// The note said "no font" on every page a long note crossed, though only one of them had the character.
    func testTheMissingFontNoteIsOnlyOnPagesWithAMissingCharacter() throws {
        let paragraph = String(repeating: "Talked about sleep, worry and the results; she keeps a diary. ", count: 120)
        let doc = try plan(family: "Evans", given: "Dai", note: paragraph + "ENDMARK \u{12000}")  // cuneiform: no font has it
        let data = try PlanExporter.render(doc, format: .pdf)
        keepSample(data, "missing-glyph.pdf")
        let pages = try pdfPages(data).map(squeezed)
        XCTAssertGreaterThan(pages.filter { $0.contains("she keeps a diary") }.count, 1, "the note should cross pages")
        let noted = pages.indices.filter { pages[$0].contains(Self.missingFontNote) }
        XCTAssertEqual(noted, pages.indices.filter { pages[$0].contains("ENDMARK") }, "noted on pages \(noted.map { $0 + 1 }) of \(pages.count)")
    }

    /// An Arabic name in the header ran into the "NHS number" label: right-to-left text in a left-to-right
    /// header starts where every name starts.
    func testARightToLeftNameStartsAtTheLeftOfTheHeader() throws {
        for (family, given) in [("حداد", "فاطمة"), ("Evans", "Dai")] {
            let doc = try plan(family: family, given: given)
            let words = try headerWords(try PlanExporter.render(doc, format: .pdf))
            let nhs = try XCTUnwrap(words.first { $0.text == "NHS" })
            let name = words.filter { $0.yMin < nhs.yMax && $0.yMax > nhs.yMin && $0.xMax < nhs.xMin + 1 }
            XCTAssertFalse(name.isEmpty)
            XCTAssertLessThan(name.map(\.xMin).min()!, 60, "\(family): the name starts at the left margin: \(name)")
            XCTAssertGreaterThan(nhs.xMin - name.map(\.xMax).max()!, 40, "\(family): the name keeps clear of its label: \(name)")
        }
    }

    struct Word { var text: String; var xMin, yMin, xMax, yMax: Double }

    /// The words of the first page with their boxes, from `pdftotext -bbox`.
    func headerWords(_ data: Data) throws -> [Word] {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("plan.pdf")
        try data.write(to: url)
        let (status, html) = try runTool("pdftotext", ["-bbox", "-f", "1", "-l", "1", url.path, "-"])
        XCTAssertEqual(status, 0)
        let pattern = try NSRegularExpression(pattern: #"<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>"#)
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { m in
            func g(_ i: Int) -> String { String(html[Range(m.range(at: i), in: html)!]) }
            return Word(text: g(5), xMin: Double(g(1))!, yMin: Double(g(2))!, xMax: Double(g(3))!, yMax: Double(g(4))!)
        }
    }
}
