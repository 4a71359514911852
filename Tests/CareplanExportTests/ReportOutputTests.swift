import CareplanCore
@testable import CareplanExport
import TermUI
import XCTest

/// A report as CSV (a spreadsheet opens it without fuss and runs no formula from it), JSON (stable for programs)
/// and terminal text (columns aligned by display width, charts in characters).
final class ReportOutputTests: XCTestCase {
    let table = ReportTable(
        report: "concerns", title: "Concerns raised most often", from: LocalDate(year: 2026, month: 11, day: 1)!, to: LocalDate(year: 2026, month: 11, day: 30)!,
        team: "Équipe 乳腺", definition: "Assessments dated in the period.",
        columns: [ReportColumn("Concern", .text), ReportColumn("Assessments", .count), ReportColumn("Share %", .percent), ReportColumn("Median days", .days),
                  ReportColumn("Since", .date)],
        rows: [[.text("=HYPERLINK(\"http://x\")"), .count(3), .percent(66.66666), .days(-2), .date(LocalDate(year: 2026, month: 11, day: 2)!)],
               [.text("睡眠, \"sleep\""), .count(1), .missing, .missing, .missing],
               [.text("-1+2"), .count(0), .percent(0), .days(3.5), .missing]],
        charts: [ReportChart(kind: .bars, title: "Concerns", unit: "assessments", points: [ReportChartPoint("Pain", 3), ReportChartPoint("睡眠", 1)]),
                 ReportChart(kind: .byMonth, title: "Share at 4 or more", unit: "%", points: [ReportChartPoint("Oct 2026", 0), ReportChartPoint("Nov 2026", 50)])],
        notes: ["1 assessment has no distress score: not counted."])

    func testCSVHasABOMOneHeaderRowCRLFAndNoFormula() throws {
        let data = ReportOutput.csv(table)
        XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 with a byte-order mark")
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        XCTAssertEqual(text, "Concern,Assessments,Share %,Median days,Since\r\n"
                       + "\"'=HYPERLINK(\"\"http://x\"\")\",3,66.7,-2,2026-11-02\r\n"
                       + "\"睡眠, \"\"sleep\"\"\",1,,,\r\n"
                       + "'-1+2,0,0,3.5,\r\n")
        XCTAssertFalse(text.contains("\n\n"))
        XCTAssertEqual(text.components(separatedBy: "\r\n").filter { $0.hasPrefix("Concern,") }.count, 1, "exactly one header row")
    }

    func testJSONKeepsItsKeyOrderDatesISOAndMissingAsNull() throws {
        let data = ReportOutput.json(table)
        let text = String(decoding: data, as: UTF8.self)
        let keys = ["\"report\"", "\"title\"", "\"from\"", "\"to\"", "\"team\"", "\"definition\"", "\"columns\"", "\"rows\"", "\"charts\"", "\"notes\""]
        let positions = keys.map { text.range(of: $0)!.lowerBound }
        XCTAssertEqual(positions, positions.sorted(), "stable key order")
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(parsed["from"] as? String, "2026-11-01")
        XCTAssertEqual(parsed["team"] as? String, "Équipe 乳腺")
        let rows = try XCTUnwrap(parsed["rows"] as? [[Any]])
        XCTAssertEqual(rows[0][0] as? String, "=HYPERLINK(\"http://x\")", "JSON is for programs: text as it is")
        XCTAssertEqual(rows[0][4] as? String, "2026-11-02")
        XCTAssertTrue(rows[1][2] is NSNull, "missing is null, never 0")
        XCTAssertEqual(rows[2][3] as? Double, 3.5)
        XCTAssertEqual(ReportOutput.json(table), data, "the same report gives the same bytes")
    }

    func testTheTableAlignsByDisplayWidthAndDrawsTheCharts() {
        let text = ReportOutput.text(table, width: 80, glyphs: .ascii)
        let lines = text.components(separatedBy: "\n")
        XCTAssertEqual(lines[0], "Concerns raised most often")
        XCTAssertEqual(lines[1], "2026-11-01 to 2026-11-30, team Équipe 乳腺")
        let header = lines.firstIndex { $0.hasPrefix("Concern ") }!
        let body = Array(lines[header...header + 4])
        XCTAssertEqual(body[0], "Concern                 Assessments  Share %  Median days       Since", "text left, figures and dates right")
        XCTAssertEqual(body[3], "睡眠, \"sleep\"                     1        -            -           -", "a wide character takes two columns; missing is -")
        XCTAssertEqual(Set(body.map { DisplayWidth.of($0) }), [DisplayWidth.of(body[0])], "every row as wide as the header")
        XCTAssertTrue(text.contains("1 assessment has no distress score: not counted."))
        XCTAssertTrue(text.contains("Concerns (assessments)\nPain "), text)
        XCTAssertTrue(text.contains("Share at 4 or more (%)\nOct 2026 _# Nov 2026"), "a by-month chart's sparkline: \(text)")
        XCTAssertTrue(lines.allSatisfy { DisplayWidth.of($0) <= 80 }, text)
        let blocks = ReportOutput.text(table, width: 80, glyphs: .blocks)
        XCTAssertTrue(blocks.contains("▁█"), blocks)
        let years = ReportChart(kind: .byMonth, title: "T", unit: "u", points: (1...100).map { ReportChartPoint("M\($0)", Double($0)) })
        let long = ReportTable(report: "distress", title: "T", from: table.from, to: table.to, definition: "D", columns: [], rows: [], charts: [years])
        let spark = ReportOutput.text(long, width: 80).components(separatedBy: "\n").first { $0.hasSuffix(" M100") }!
        XCTAssertTrue(spark.hasPrefix("M31 ") && DisplayWidth.of(spark) <= 80, "the latest 70 months, that fit: \(spark)")
        let empty = ReportTable(report: "concerns", title: "T", from: table.from, to: table.to, definition: "D", columns: table.columns, rows: [])
        XCTAssertTrue(ReportOutput.text(empty).contains("Nothing to count in this period."))
    }

    /// A point with no figure (a median of no dates, a share of nothing) is a gap saying so, never a 0 (testers:
    /// the charts drew 0 where the table said -).
    func testAMissingFigureIsDrawnAsNoDataNotZero() throws {
        let chart = ReportChart(kind: .byMonth, title: "Share at 4 or more", unit: "%",
                                points: [ReportChartPoint("2026-10", nil), ReportChartPoint("2026-11", 50), ReportChartPoint("2026-12", 0)])
        let t = ReportTable(report: "distress", title: "T", from: table.from, to: table.to, definition: "D", columns: [], rows: [], charts: [chart])
        let lines = ReportOutput.chartLines(chart, width: 60, glyphs: .ascii)
        XCTAssertTrue(lines.contains { $0.hasPrefix("2026-10") && $0.hasSuffix(" no data") && !$0.contains("#") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("2026-12") && $0.hasSuffix(" 0") }, "a real 0 is still 0")
        XCTAssertTrue(lines[1].hasPrefix("2026-10  "), "the sparkline leaves a gap: \(lines[1])")
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: ReportOutput.json(t)) as? [String: Any])
        let points = try XCTUnwrap((parsed["charts"] as? [[String: Any]])?.first?["points"] as? [[String: Any]])
        XCTAssertTrue(points[0]["value"] is NSNull)
        XCTAssertEqual(points[2]["value"] as? Int, 0)
        XCTAssertEqual(chart.figures.rows[0], ["2026-10", "no data", ""], "the PDF's figures")
    }
}
