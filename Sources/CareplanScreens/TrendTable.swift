import CareplanCore
import TermUI

/// A patient's trends as lines of text (issue 15): the distress score and each concern across their
/// assessments, oldest to newest (the printed plan's `TrendChart` series: the same labels, marks and change in
/// words): the scores as numbers, a sparkline on the fixed 0-10 scale, the latest score and the change, so
/// neither the chart nor colour is needed to read it. The record's trend view and prioritising draw from here.
enum TrendTable {
    /// The change in words: "first" when there is nothing earlier to compare with.
    static func change(_ s: TrendSeries) -> String { s.change ?? "first" }

    /// "#1 12 Jan 2026 · #2 09 Apr 2026 · #3 23 Nov 2026 (in progress)": what each column number is.
    static func dates(_ t: PatientTrends) -> String {
        t.points.enumerated().map { i, p in "#\(i + 1) \(p.date.display)" + (p.inProgress ? " (in progress)" : "") }.joined(separator: " · ")
    }

    /// The sparkline of the last `cells` marks (a gap where not raised or not scored).
    static func sparkline(_ s: TrendSeries, cells: Int, _ glyphs: ChartGlyphs) -> String {
        Charts.sparkline(scores: s.marks.suffix(cells).map(\.score), glyphs: glyphs)
    }

    /// The table in `width` cells: a header, then distress and each concern, one line each.
    static func lines(_ t: PatientTrends, width: Int, _ glyphs: ChartGlyphs) -> (header: String, rows: [(text: String, style: Style)]) {
        let chart = TrendChart(t)
        let n = chart.dates.count
        let cells = min(n, 12), chartColumn = max(5, cells)
        let fixed = 1 + 1 + 2 + chartColumn + 2 + 7 + 10
        // As many of the newest scores as leave a concern 24 cells for its name.
        let shown = max(1, min(n, (width - fixed - 24) / 4))
        let label = max(8, width - fixed - 4 * shown)
        func row(_ name: String, _ scores: [String], _ chartText: String, _ latest: String, _ change: String) -> String {
            let figures = scores.map { String(repeating: " ", count: max(0, 4 - DisplayWidth.of($0))) + $0 }.joined()
            return DisplayWidth.truncate(" " + DisplayWidth.pad(DisplayWidth.truncate(name, to: label), to: label) + " " + figures + "  "
                                         + DisplayWidth.pad(chartText, to: chartColumn) + "  " + DisplayWidth.pad(latest, to: 7) + change, to: width)
        }
        let header = row("Concern", (n - shown..<n).map { "#\($0 + 1)" }, "Chart", "Latest", "Change")
        let rows = chart.series.enumerated().map { i, s in
            (row(s.label, s.marks.suffix(shown).map(\.text), sparkline(s, cells: cells, glyphs), s.marks.last?.text ?? "-", change(s)),
             i == 0 ? Style(.heading) : Style.normal)
        }
        return (header, rows)
    }
}
