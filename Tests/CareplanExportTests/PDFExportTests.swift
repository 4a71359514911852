import CareplanCore
import CareplanSQLite
@testable import CareplanExport
import Foundation
import XCTest

final class PDFExportTests: XCTestCase {
    /// Every page carries the patient's name, NHS number (3 3 4), date of birth and "page N of M".
    func assertIdentifiersOnEveryPage(_ pages: [String], _ doc: PlanDocument, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(pages.isEmpty, file: file, line: line)
        for (i, page) in pages.enumerated() {
            let text = squeezed(page)
            XCTAssertTrue(text.contains(doc.identity.name), "page \(i + 1) lacks the name", file: file, line: line)
            XCTAssertTrue(text.contains("NHS number \(doc.identity.nhsNumber)"), "page \(i + 1) lacks the NHS number", file: file, line: line)
            XCTAssertTrue(text.contains("Born \(doc.identity.dateOfBirth)"), "page \(i + 1) lacks the date of birth", file: file, line: line)
            XCTAssertTrue(text.contains("page \(i + 1) of \(pages.count)"), "page \(i + 1) lacks its number", file: file, line: line)
        }
    }

    func testAgreedPlanRoundTrip() throws {
        let (_, doc) = try sample(.typical, agreed: true)
        let data = try PlanExporter.render(doc, format: .pdf, paper: .a4)
        keepSample(data, "typical-agreed.pdf")
        XCTAssertEqual(data.prefix(5), Data("%PDF-".utf8))
        let pages = try pdfPages(data)
        assertIdentifiersOnEveryPage(pages, doc)
        let all = squeezed(pages.joined(separator: " "))
        for c in doc.concerns { XCTAssertTrue(all.contains(c.label), "missing concern \(c.label)") }
        for d in doc.discussed + doc.information {
            for a in d.actions { XCTAssertTrue(all.contains(squeezed(a.what)), "missing action \(a.what)") }
        }
        for s in ["What matters to me", "Overall distress score", "6 out of 10", "Review date", "Agreed by", "Rhian Price",
                  "Clinical nurse specialist", "Agreed and locked", "Services signposted", doc.signposted[0].service.name] {
            XCTAssertTrue(all.contains(s), "missing \(s)")
        }
        XCTAssertFalse(all.contains("DRAFT"), "an agreed plan must not say DRAFT")
        XCTAssertTrue((2...4).contains(pages.count), "a typical plan is about three pages, got \(pages.count)")
    }

    /// The care plan prints large through the same pipeline as any document: 14 pt, more pages, nothing lost.
    func testAPlanPrintsInLargePrintToo() throws {
        let (_, doc) = try sample(.typical, agreed: true)
        let standard = try pdfPages(try PlanExporter.render(doc, format: .pdf, paper: .a4))
        let large = try pdfPages(try PlanExporter.render(doc, format: .pdf, paper: .a4, largePrint: true))
        keepSample(try PlanExporter.render(doc, format: .pdf, paper: .a4, largePrint: true), "typical-agreed-large.pdf")
        assertIdentifiersOnEveryPage(large, doc)
        XCTAssertGreaterThan(large.count, standard.count)
        let all = squeezed(large.joined(separator: " "))
        for c in doc.concerns { XCTAssertTrue(all.contains(c.label), "missing concern \(c.label)") }
        for d in doc.discussed + doc.information {
            // (pdftotext reads a wrapped cell's lines between its neighbours': the start of each action is enough)
            for a in d.actions { XCTAssertTrue(all.contains(a.what.split(separator: " ").prefix(3).joined(separator: " ")), "missing action \(a.what)") }
        }
        XCTAssertTrue(PlanExporter.defaultFileName(for: doc, format: .pdf, largePrint: true, today: LocalDate(year: 2026, month: 1, day: 2)!)
            .contains("-v1-large-2026-01-02.pdf"))
    }

    func testDraftIsMarkedOnEveryPage() throws {
        let (_, doc) = try sample(.typical, agreed: false, printedAt: Date(timeIntervalSince1970: 1_709_650_000))
        let data = try PlanExporter.render(doc, format: .pdf, paper: .letter)
        keepSample(data, "typical-draft-letter.pdf")
        let pages = try pdfPages(data)
        assertIdentifiersOnEveryPage(pages, doc)
        for (i, page) in pages.enumerated() {
            XCTAssertTrue(page.contains("DRAFT: NOT YET AGREED"), "page \(i + 1) is not marked DRAFT")
        }
        XCTAssertTrue(squeezed(pages.joined()).contains("printed 05 Mar 2024 14:46"))
    }

    func testLongPlanPaginatesWithHeadersOnEveryPage() throws {
        let (_, doc) = try sample(.long, agreed: true)
        XCTAssertEqual(doc.concerns.count, 30)
        let data = try PlanExporter.render(doc, format: .pdf, paper: .a4)
        keepSample(data, "long-agreed.pdf")
        let pages = try pdfPages(data)
        XCTAssertGreaterThan(pages.count, 8)
        assertIdentifiersOnEveryPage(pages, doc)
        let all = squeezed(pages.joined(separator: " "))
        for c in doc.concerns { XCTAssertTrue(all.contains(c.label), "missing concern \(c.label)") }
        for d in doc.discussed { for a in d.actions { XCTAssertTrue(all.contains(a.what)) } }
        // Sections that run over a page say so at the top of the next, and tables repeat their heading row.
        XCTAssertTrue(pages.dropFirst().contains { $0.contains("(continued)") })
        // The 20,000-character note is all there: count its sentences across the pages.
        let sentence = "This is a very long note written over several visits"
        XCTAssertGreaterThanOrEqual(all.components(separatedBy: sentence).count - 1, 150)
    }

    func testTableHeadingRepeatsWhenATableBreaks() throws {
        // One concern with 40 actions: the actions table must run over a page and repeat its heading.
        let store = try CareStore()
        let id = try SamplePlans.add(.typical, to: store, catalogue: catalogue, services: testConfiguration.services, agreed: false)
        var a = try store.assessment(id: id)!
        let key = a.discussedConcerns[0].key
        for i in 0..<40 {
            a = try store.apply(.saveAction(AgreedAction(concernKey: key, what: "Extra action number \(i + 1), written out at some length so that rows wrap onto two lines in the table",
                                                         owner: .cns, due: LocalDate(year: 2024, month: 4, day: 1))), to: id, basedOn: a)
        }
        let doc = PlanDocument(assessment: a, patient: try store.patient(id: a.patientId)!, catalogue: catalogue, services: testConfiguration.services, codes: testConfiguration.codes, policy: testConfiguration.policy)
        let data = try PlanExporter.render(doc, format: .pdf, paper: .a4)
        keepSample(data, "table-break.pdf")
        let pages = try pdfPages(data)
        let withActions = pages.filter { $0.contains("Extra action number") }
        XCTAssertGreaterThan(withActions.count, 1)
        for p in withActions { XCTAssertTrue(p.contains("Agreed action") && p.contains("By when"), "a page of the table lacks its heading row") }
        let all = squeezed(pages.joined(separator: " "))
        for i in 1...40 { XCTAssertTrue(all.contains("Extra action number \(i),"), "row \(i) lost") }
    }

    func testAnyScriptShapesAndFontsAreEmbedded() throws {
        let (_, doc) = try sample(.multilingual, agreed: false)
        let data = try PlanExporter.render(doc, format: .pdf, paper: .a4)
        keepSample(data, "multilingual-draft.pdf")
        let pages = try pdfPages(data)
        assertIdentifiersOnEveryPage(pages, doc)
        let all = pages.joined(separator: " ")
        for s in ["WIŚNIEWSKI, Siân", "Zażółć gęślą jaźń", "Gŵyl, ŵyn, ŷd"] {
            XCTAssertTrue(all.contains(s), "missing \(s)")
        }
        // Japanese needs a CJK font (apt-get install fonts-noto-cjk); without one the page says so plainly.
        let haveCJK = !(try runTool("fc-list", [":lang=ja"]).output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        if haveCJK {
            XCTAssertTrue(all.contains("日本語の資料を希望しています"), "Japanese text lost")
            XCTAssertFalse(squeezed(all).contains("show as boxes"))
        } else {
            XCTAssertTrue(squeezed(all).contains("have no font installed on this computer and show as boxes"))
        }
        // pdftotext splits shaped Arabic at some joins, but whole words come back in logical order.
        XCTAssertTrue(all.contains("تنظيم اليوم"), "Arabic text lost")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.pdf")
        try data.write(to: url)
        let fonts = try runTool("pdffonts", [url.path]).output.split(separator: "\n").dropFirst(2)
        XCTAssertFalse(fonts.isEmpty)
        for f in fonts {
            let cols = f.split(separator: " ", omittingEmptySubsequences: true)
            XCTAssertTrue(cols.contains("yes"), "font not embedded: \(f)")
        }
    }

    func testLockedPlanRendersIdenticallyEveryTime() throws {
        let (store, doc) = try sample(.typical, agreed: true, printedAt: Date())
        let again = PlanDocument(assessment: try store.assessment(id: doc.assessment.id)!, patient: doc.patient, catalogue: catalogue,
                                 services: testConfiguration.services, codes: testConfiguration.codes, policy: testConfiguration.policy, printedAt: Date().addingTimeInterval(3600))
        for format in ExportFormat.allCases {
            XCTAssertEqual(try PlanExporter.render(doc, format: format), try PlanExporter.render(again, format: format), "\(format) differs")
        }
    }

    func testHugeWordsAndNotesNeverBreakTheLayout() throws {
        let long = String(repeating: "Ŵ", count: Limits.name)
        let (store, planned, p) = try onePlan(family: long, given: long, note: String(repeating: "x", count: Limits.note))
        var a = planned
        let nhs = p.nhsNumber
        let item = catalogue.allItems[0]
        a = try store.apply(.saveAction(AgreedAction(concernKey: item.item.id, what: String(repeating: "y", count: Limits.actionText), owner: .other,
                                                     ownerName: String(repeating: "z", count: Limits.personName))), to: a.id, basedOn: a)
        let doc = PlanDocument(assessment: a, patient: p, catalogue: catalogue, services: testConfiguration.services, codes: testConfiguration.codes, policy: testConfiguration.policy)
        let data = try PlanExporter.render(doc, format: .pdf, paper: .a4)
        keepSample(data, "huge-words.pdf")
        let pages = try pdfPages(data)
        let all = pages.joined().filter { !$0.isWhitespace }
        XCTAssertEqual(all.filter { $0 == "x" }.count, Limits.note, "the one-word 20,000-character note must be printed whole")
        XCTAssertTrue(all.contains(String(repeating: "y", count: Limits.actionText)))
        // Every page still has its identifiers (the long name wraps in the header, it is not cut).
        for page in pages { XCTAssertTrue(page.filter { !$0.isWhitespace }.contains("NHSnumber\(nhs.formatted.filter { $0 != " " })")) }
        // Text export: nothing wider than 80 columns.
        let text = String(decoding: try PlanExporter.render(doc, format: .text), as: UTF8.self)
        for line in text.split(separator: "\n") { XCTAssertLessThanOrEqual(TextRenderer.displayWidth(line), 80) }
    }
}
