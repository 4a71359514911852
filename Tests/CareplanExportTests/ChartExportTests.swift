import CareplanCore
import CareplanSQLite
@testable import CareplanExport
import Foundation
import XCTest

/// Issue 15: charts on paper. The printed plan's trend (small charts per concern, the change in words, never a
/// later assessment in an agreed plan) and the report PDF (table, bars, by month, no patient named).
final class ChartExportTests: XCTestCase {
    static let d1 = LocalDate(year: 2026, month: 1, day: 10)!, d2 = LocalDate(year: 2026, month: 3, day: 2)!
    static let d3 = LocalDate(year: 2026, month: 5, day: 20)!

    static func noon(_ d: LocalDate) -> Date {
        PlanDocument.ukCalendar.date(from: DateComponents(year: d.year, month: d.month, day: d.day, hour: 12))!
    }

    /// One patient, three assessments: `[date: (distress, [item index: score])]`, each agreed on its own day at
    /// noon unless it is the last and `lastAgreed` is false.
    func patientWithAssessments(_ plans: [(LocalDate, Int?, [Int: Int?])], lastAgreed: Bool = true) throws -> (CareStore, [Assessment]) {
        let store = try CareStore()
        let nhs = Array(NHSNumber.fictionalNumbers().prefix(1))[0]
        let p = try store.addPatient(Patient(nhsNumber: nhs, familyName: "Okafor", givenName: "Adaeze", dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!))
        let items = catalogue.allItems.filter { !$0.category.isInformation }
        var out: [Assessment] = []
        for (n, (date, distress, scores)) in plans.enumerated() {
            let noon = Self.noon(date)
            var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .other, completedBy: .patientWithClinician, date: date,
                                              catalogue: catalogue, createdBy: "Nurse", now: noon)
            for (i, score) in scores.sorted(by: { $0.key < $1.key }) {
                let item = items[i]
                a = try store.apply(.setConcern(ConcernEntry(key: item.item.id, categoryId: item.category.id, label: item.item.label, score: score)),
                                    to: a.id, basedOn: a, now: noon)
            }
            a = try store.apply(.setDistress(distress), to: a.id, basedOn: a, now: noon)
            if lastAgreed || n < plans.count - 1 {
                a = try store.apply(.agree(by: "Rhian Price", role: .cns, at: noon, reviewDate: date.adding(days: 90)), to: a.id, basedOn: a, now: noon)
            }
            out.append(a)
        }
        return (store, out)
    }

    /// Pain 5 -> 7 -> 4, the second concern 3 -> 3 -> not raised, the third raised only last; distress 7, 5, 3.
    func threeAssessments(lastAgreed: Bool = true) throws -> (CareStore, [Assessment]) {
        try patientWithAssessments([(Self.d1, 7, [0: 5, 1: 3]), (Self.d2, 5, [0: 7, 1: 3]), (Self.d3, 3, [0: 4, 2: 6])], lastAgreed: lastAgreed)
    }

    func document(_ a: Assessment, _ store: CareStore) throws -> PlanDocument {
        PlanDocument(assessment: a, patient: try store.patient(id: a.patientId)!, catalogue: catalogue, services: testConfiguration.services,
                     codes: testConfiguration.codes, policy: testConfiguration.policy, printedAt: Date(timeIntervalSince1970: 1_780_000_000),
                     history: try PlanExporter.history(of: a, store: store))
    }

    var labels: [String] { catalogue.allItems.filter { !$0.category.isInformation }.prefix(3).map(\.item.label) }

    // MARK: The chart blocks' figures

    func testATrendChartHoldsEveryScoreDateAndChangeInWords() throws {
        let (store, plans) = try threeAssessments()
        let trends = try XCTUnwrap(try document(plans[2], store).trends)
        let chart = TrendChart(trends)
        XCTAssertEqual(chart.dates, ["10 Jan 2026", "02 Mar 2026", "20 May 2026"])
        XCTAssertEqual(chart.series.map(\.label), ["Distress (thermometer)", labels[2], labels[0], labels[1]])
        XCTAssertEqual(chart.series.map(\.marks), [[.score(7), .score(5), .score(3)], [.notRaised, .notRaised, .score(6)],
                                                   [.score(5), .score(7), .score(4)], [.score(3), .score(3), .notRaised]])
        XCTAssertEqual(chart.series.map(\.change), ["fell", "appeared", "fell", "resolved"])
        let figures = chart.figures
        XCTAssertEqual(figures.count, 1)
        XCTAssertEqual(figures[0].columns.map(\.title), ["Score (0-10)", "10 Jan 2026", "02 Mar 2026", "20 May 2026", "Change"])
        XCTAssertEqual(figures[0].rows[0], ["Distress (thermometer)", "7", "5", "3", "fell"])
        XCTAssertEqual(figures[0].rows[3], [labels[1], "3", "3", "-", "resolved"])
        XCTAssertEqual(figures[0].columns.map(\.weight).reduce(0, +), 1, accuracy: 1e-9)
    }

    func testManyAssessmentsSplitTheFiguresThreeDatesATable() {
        let t = TrendChart(dates: (1...9).map { "0\($0) Jan 2026" }, series: [TrendSeries(label: "Pain", marks: (1...9).map { .score($0) }, change: "rose")])
        XCTAssertEqual(t.figures.map { $0.columns.count }, [4, 4, 5])  // the change in the last only
        XCTAssertEqual(t.figures.last?.rows, [["Pain", "7", "8", "9", "rose"]])
    }

    func testAReportChartBecomesFiguresWithABarOfHashes() {
        let c = ReportChart(kind: .bars, title: "HNAs by tumour site", unit: "HNAs completed",
                            points: [ReportChartPoint("Breast", 20), ReportChartPoint("Lung", 5), ReportChartPoint("Skin", 0)])
        XCTAssertEqual(c.figures.columns.map(\.title), ["", "HNAs completed", ""])
        XCTAssertEqual(c.figures.rows, [["Breast", "20", String(repeating: "#", count: 20)], ["Lung", "5", "#####"], ["Skin", "0", ""]])
        XCTAssertEqual(ReportChartPoint("", 33.333).valueText, "33.3")
        XCTAssertEqual(ReportChart(kind: .byMonth, title: "t", unit: "u", points: []).figures.columns.first?.title, "Month")
    }

    // MARK: Which assessments a plan's trend counts

    /// An agreed plan prints what it was when agreed: no later assessment, none dated earlier but agreed after it.
    func testAnAgreedPlanCountsNoAssessmentAfterIt() throws {
        var (store, plans) = try threeAssessments()
        // Dated between the first two, but recorded and agreed after the third: in none of their prints.
        let late = Self.noon(LocalDate(year: 2026, month: 6, day: 1)!)
        var back = try store.startAssessment(patientId: plans[0].patientId, pathwayPoint: .other, completedBy: .patient,
                                             date: LocalDate(year: 2026, month: 2, day: 1)!, catalogue: catalogue, createdBy: "Nurse", now: late)
        back = try store.apply(.setDistress(9), to: back.id, basedOn: back, now: late)
        back = try store.apply(.agree(by: "Rhian Price", role: .cns, at: late, reviewDate: Self.d3), to: back.id, basedOn: back, now: late)
        plans.append(back)
        let middle = try document(plans[1], store)
        XCTAssertEqual(middle.trends?.points.map(\.assessmentId), [plans[0].id, plans[1].id])
        XCTAssertEqual(try document(plans[2], store).trends?.points.map(\.assessmentId), [plans[0].id, plans[1].id, plans[2].id])
        XCTAssertEqual(try document(back, store).trends?.points.map(\.assessmentId), [plans[0].id, back.id])

        let text = try PlanExporter.render(middle, format: .text)
        let s = String(decoding: text, as: UTF8.self)
        XCTAssertTrue(s.contains("10 Jan 2026") && s.contains("02 Mar 2026"))
        XCTAssertFalse(s.contains("20 May 2026") || s.contains("01 Feb 2026"), s)
        let pdf = squeezed(try pdfPages(try PlanExporter.render(middle, format: .pdf)).joined(separator: " "))
        XCTAssertTrue(pdf.contains("How my scores have changed"))
        XCTAssertFalse(pdf.contains("20 May 2026") || pdf.contains("01 Feb 2026"))
    }

    /// A plan replaced by a newer version later still printed its trend as it stood; the newer version's trend
    /// has the newer one in its place.
    func testAVersionReplacedLaterCountsAsItWas() throws {
        let (store, plans) = try threeAssessments()
        var v2 = try store.newVersion(of: plans[1].id, createdBy: "Nurse", now: Self.noon(Self.d3))
        v2 = try store.apply(.setDistress(1), to: v2.id, basedOn: v2)
        let old = try store.assessment(id: plans[1].id)!
        let all = (try store.assessments(patientId: old.patientId)).compactMap { try? store.assessment(id: $0.id) }
        XCTAssertEqual(PlanDocument.trendAssessments(of: old, among: all).map(\.id), [plans[0].id, plans[1].id])
        XCTAssertEqual(PlanDocument.trendAssessments(of: v2, among: all).map(\.id).filter { $0 == plans[1].id }, [], "the newer version replaces it")
    }

    /// A draft's trend ends with itself, marked as still being filled in, and says what the mark means.
    func testADraftsTrendMarksItselfAsStillBeingFilledIn() throws {
        let (store, plans) = try threeAssessments(lastAgreed: false)
        let doc = try document(plans[2], store)
        XCTAssertEqual(TrendChart(try XCTUnwrap(doc.trends)).dates, ["10 Jan 2026", "02 Mar 2026", "20 May 2026 *"])
        let text = String(decoding: try PlanExporter.render(doc, format: .text), as: UTF8.self)
        XCTAssertTrue(squeezed(text).contains("* marks an assessment still being filled in."), text)
    }

    // MARK: The printed plan

    func testThePrintedPlanCarriesTheTrendAsChartAndAsText() throws {
        let (store, plans) = try threeAssessments()
        let doc = try document(plans[2], store)
        let layout = doc.printLayout
        let titles = layout.sections.map(\.title)
        XCTAssertEqual(titles.firstIndex(of: "How my scores have changed"), titles.firstIndex(of: "My concerns").map { $0 + 1 })
        XCTAssertEqual(doc.sections.map(\.title).contains("How my scores have changed"), false, "the review screen draws its own")

        let text = String(decoding: try PlanExporter.render(doc, format: .text), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines.allSatisfy { TextRenderer.displayWidth($0) <= 80 })
        func cells(_ label: String) -> [String]? {
            lines.first { $0.hasPrefix(label + "  ") }.map { $0.dropFirst(label.count).split(separator: " ").map(String.init) }
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("Score (0-10)") && $0.hasSuffix("10 Jan 2026  02 Mar 2026  20 May 2026  Change") }, text)
        XCTAssertEqual(cells("Distress (thermometer)"), ["7", "5", "3", "fell"], text)
        XCTAssertEqual(cells(labels[1]), ["3", "3", "-", "resolved"], text)
        XCTAssertEqual(cells(labels[2]), ["-", "-", "6", "appeared"], text)

        let data = try PlanExporter.render(doc, format: .pdf)
        keepSample(data, "trend-three-assessments.pdf")
        keepSample(try PlanExporter.render(doc, format: .pdf, largePrint: true), "trend-three-assessments-large.pdf")
        let all = squeezed(try pdfPages(data).joined(separator: " "))
        for s in ["How my scores have changed", "Distress (thermometer): fell", "\(labels[0]): fell", "\(labels[1]): resolved",
                  "\(labels[2]): appeared", "10 Jan 2026", "02 Mar 2026", "20 May 2026"] {
            XCTAssertTrue(all.contains(s), "missing \(s)")
        }
    }

    func testWithOneAssessmentThePlanPrintsScoresAndSaysThereIsNothingToCompare() throws {
        let (store, plans) = try patientWithAssessments([(Self.d1, 6, [0: 5, 1: nil])])
        let doc = try document(plans[0], store)
        let section = try XCTUnwrap(doc.printLayout.sections.first { $0.title == "How my scores have changed" })
        XCTAssertFalse(section.blocks.contains { if case .trend = $0 { return true } else { return false } }, "no chart of one point")
        let text = String(decoding: try PlanExporter.render(doc, format: .text), as: UTF8.self)
        XCTAssertTrue(text.contains("nothing earlier to compare"))
        XCTAssertTrue(text.split(separator: "\n").contains { $0.hasPrefix(labels[1]) && $0.hasSuffix("?") }, text)
        let data = try PlanExporter.render(doc, format: .pdf)
        keepSample(data, "trend-one-assessment.pdf")
        let all = squeezed(try pdfPages(data).joined(separator: " "))
        XCTAssertTrue(all.contains("nothing earlier to compare"))
        XCTAssertTrue(all.contains("Distress (thermometer) 6"), all)
    }

    /// `careplan export` (and the review screen's export, which goes through the same function) reads the
    /// patient's assessments: the file it writes carries the trend.
    func testTheExportCommandPassesThePatientsAssessments() throws {
        let (store, plans) = try threeAssessments()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let exported = try PlanExporter.export(target: "\(plans[1].id)", format: .text, paper: .a4, output: folder.path, store: store,
                                               configuration: testConfiguration, user: "nurse", now: Date())
        let text = try String(contentsOf: exported.url, encoding: .utf8)
        XCTAssertTrue(text.contains("HOW MY SCORES HAVE CHANGED"))
        XCTAssertTrue(text.contains("10 Jan 2026") && !text.contains("20 May 2026"))
    }

    /// Many concerns: every small chart stands whole on one page (its name, its change and its three dates).
    func testSmallChartsAreNeverCutBetweenPages() throws {
        let scores = Dictionary(uniqueKeysWithValues: (0..<16).map { ($0, Optional($0 % 11)) })
        let (store, plans) = try patientWithAssessments([(Self.d1, 2, scores), (Self.d2, 4, scores), (Self.d3, 8, scores)])
        let doc = try document(plans[2], store)
        let data = try PlanExporter.render(doc, format: .pdf)
        keepSample(data, "trend-many-concerns.pdf")
        let pages = try pdfPages(data)
        let trend = TrendChart(try XCTUnwrap(doc.trends))
        let titles = trend.series.map { squeezed($0.label + ": " + ($0.change ?? "")) }
        func count(_ s: String, in page: String) -> Int { squeezed(page).components(separatedBy: s).count - 1 }
        var charts = 0
        for (i, page) in pages.enumerated() {
            let here = titles.map { count($0, in: page) }.reduce(0, +)
            charts += here
            // Each chart carries the first date beneath it (nothing else prints it): a chart cut in two would
            // leave its dates on a page without its name.
            XCTAssertEqual(count("10 Jan 2026", in: page), here, "page \(i + 1)")
        }
        XCTAssertEqual(charts, trend.series.count)
        XCTAssertGreaterThan(pages.filter { p in titles.contains { count($0, in: p) > 0 } }.count, 1, "the charts run over two pages")
    }

    // MARK: The report PDF

    func report(rows: Int = 3) -> ReportTable {
        let sites = ["Breast", "Lung", "Colorectal", "Prostate", "Skin"]
        return ReportTable(report: "activity", title: "HNA activity", from: LocalDate(year: 2026, month: 1, day: 1)!,
                           to: LocalDate(year: 2026, month: 3, day: 31)!, team: "Breast CNS team",
                           definition: "HNAs completed in the period, by the date they were completed.",
                           columns: [ReportColumn("Tumour site", .text), ReportColumn("Completed", .count), ReportColumn("Share at 4+", .percent),
                                     ReportColumn("Median days", .days)],
                           rows: (0..<rows).map { i in
                               [.text(i < sites.count ? sites[i] : "Site number \(i + 1)"), .count(10 + i), i == 1 ? .missing : .percent(33.333), .days(12.5)]
                           },
                           charts: [ReportChart(kind: .bars, title: "Completed by tumour site", unit: "HNAs completed",
                                                points: [ReportChartPoint("Breast", 12), ReportChartPoint("Lung", 7), ReportChartPoint("Skin", 0)]),
                                    ReportChart(kind: .byMonth, title: "Completed by month", unit: "HNAs completed",
                                                points: [ReportChartPoint("2026-01", 4), ReportChartPoint("2026-02", 9), ReportChartPoint("2026-03", 6)])],
                           notes: ["2 patients with no diagnosis code are under Not coded."])
    }

    let produced = Date(timeIntervalSince1970: 1_780_000_000)  // 28 May 2026 21:26 in London

    func testAReportPrintsItsTableChartsAndNotesWithNoPatientHeader() throws {
        let layout = ReportPrint.layout(report(), producedAt: produced)
        XCTAssertNil(layout.identity)
        let data = try ReportPrint.pdf(report(), producedAt: produced)
        keepSample(data, "report-activity.pdf")
        let pages = try pdfPages(data)
        XCTAssertEqual(pages.count, 1)
        let all = squeezed(pages.joined(separator: " "))
        for s in ["HNA activity", "Report · 01 Jan 2026 to 31 Mar 2026", "Breast CNS team", "HNAs completed in the period",
                  "Tumour site", "Completed", "Share at 4+", "Median days", "Lung 11 - 12.5", "Breast 10 33.3% 12.5",
                  "Completed by tumour site", "Completed by month", "2026-01", "2026-02", "2026-03",
                  "2 patients with no diagnosis code", "produced 28 May 2026 21:26", "page 1 of 1"] {
            XCTAssertTrue(all.contains(s), "missing \(s) in \(all)")
        }
        XCTAssertFalse(all.contains("NHS number") || all.contains("Born"))
        // The same figures in the text version, the charts as figures.
        let text = ReportPrint.text(report(), producedAt: produced)
        keepSample(Data(text.utf8), "report-activity.txt")
        XCTAssertTrue(text.contains("Chart: Completed by month"))
        XCTAssertTrue(text.split(separator: "\n").contains { $0.hasPrefix("2026-02") && $0.hasSuffix(String(repeating: "#", count: 20)) }, text)
    }

    func testALongReportSplitsAcrossPagesWithItsHeadingRepeated() throws {
        let data = try ReportPrint.pdf(report(rows: 150), producedAt: produced)
        keepSample(data, "report-long.pdf")
        let pages = try pdfPages(data)
        XCTAssertGreaterThan(pages.count, 3)
        for (i, page) in pages.enumerated() {
            XCTAssertTrue(squeezed(page).contains("page \(i + 1) of \(pages.count)"))
        }
        // Every page of the table repeats its heading row.
        let tablePages = pages.filter { $0.contains("Site number") }
        XCTAssertGreaterThan(tablePages.count, 2)
        for page in tablePages { XCTAssertTrue(page.contains("Tumour site") && page.contains("Median days"), page) }
        let all = squeezed(pages.joined(separator: " "))
        for i in 6...150 { XCTAssertTrue(all.contains("Site number \(i) "), "row \(i) missing") }
    }

    /// A bar chart too tall for a page is drawn as whole charts, each continued: no bar is lost or cut.
    func testABarChartTallerThanAPageIsCutIntoWholeCharts() throws {
        var r = report()
        r.charts = [ReportChart(kind: .bars, title: "Concerns raised", unit: "patients",
                                points: (1...90).map { ReportChartPoint("Concern \($0)", Double($0)) })]
        let pages = try pdfPages(try ReportPrint.pdf(r, producedAt: produced))
        let all = squeezed(pages.joined(separator: " "))
        for i in 1...90 { XCTAssertEqual(all.components(separatedBy: "Concern \(i) ").count - 1, 1, "Concern \(i)") }
        XCTAssertTrue(all.contains("Concerns raised (continued)"))
    }

    /// Two years by month and eight assessments: labels too many to stand side by side are turned upright,
    /// and every one is still printed.
    func testManyMonthsAndManyAssessmentsStillPrintEveryLabel() throws {
        var r = report()
        let months = (0..<24).map { String(format: "%04d-%02d", 2025 + $0 / 12, $0 % 12 + 1) }
        r.charts = [ReportChart(kind: .byMonth, title: "Completed by month", unit: "HNAs completed",
                                points: months.enumerated().map { ReportChartPoint($1, Double(($0 * 37) % 130)) })]
        let data = try ReportPrint.pdf(r, producedAt: produced)
        keepSample(data, "report-24-months.pdf")
        let all = squeezed(try pdfPages(data).joined(separator: " "))
        for m in months { XCTAssertTrue(all.contains(m), "missing \(m)") }

        let dates = (0..<8).map { LocalDate(year: 2025, month: $0 + 1, day: 3)! }
        let (store, plans) = try patientWithAssessments(dates.enumerated().map { i, d in (d, i % 4 + 2, [0: (i * 3) % 11, 1: i % 2 == 0 ? 4 : nil]) })
        let doc = try document(plans[7], store)
        let plan = try PlanExporter.render(doc, format: .pdf)
        keepSample(plan, "trend-eight-assessments.pdf")
        let pages = try pdfPages(plan)
        for d in dates { XCTAssertTrue(pages.joined().contains(d.display), "missing \(d.display)") }
        // Not scored at the latest: no change can be given, and the chart says why.
        XCTAssertEqual(TrendChart(try XCTUnwrap(doc.trends)).series.first { $0.label == labels[1] }?.change, "not scored")
        XCTAssertTrue(squeezed(pages.joined(separator: " ")).contains("\(labels[1]): not scored"))
        let text = String(decoding: try PlanExporter.render(doc, format: .text), as: UTF8.self)
        XCTAssertTrue(text.split(separator: "\n").allSatisfy { TextRenderer.displayWidth($0) <= 80 })
        for d in dates { XCTAssertTrue(text.contains(d.display), "missing \(d.display) in the text") }
    }

    func testAnEmptyPeriodSaysSo() throws {
        var r = report()
        r.rows = []
        r.charts = r.charts.map { var c = $0; c.points = []; return c }
        let all = squeezed(try pdfPages(try ReportPrint.pdf(r, producedAt: produced)).joined(separator: " "))
        XCTAssertTrue(all.contains("Nothing was counted in this period."))
        XCTAssertTrue(all.contains("Completed by month: nothing to draw in this period."))
    }
}
