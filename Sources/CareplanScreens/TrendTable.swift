import CareplanCore
import TermUI

/// A patient's trends as lines of text (issue 15): the distress score and each concern across their
/// assessments, oldest to newest: the scores as numbers, a sparkline on the fixed 0-10 scale, the latest score
/// and the change in words, so neither the chart nor colour is needed to read it. The record's trend view and
/// the care plan's prioritising draw from here.
enum TrendTable {
    /// "Distress" as the rows name it.
    static let distressLabel = "Distress (thermometer)"

    /// What a mark shows as a number: "-" not raised, "?" raised but not rated.
    static func figure(_ m: ConcernMark) -> String {
        switch m {
        case .notRaised: return "-"
        case .unrated: return "?"
        case .scored(let s): return String(s)
        }
    }

    /// The change in words; when there is none to give, why not.
    static func words(_ change: TrendChange?, points: Int, latest: ConcernMark?) -> String {
        if let change { return change.words }
        if points < 2 { return "first" }
        return latest == .unrated ? "not rated" : "not raised"
    }

    /// "#1 12 Jan 2026 · #2 09 Apr 2026 · #3 23 Nov 2026 (in progress)": what each column number is.
    static func dates(_ t: PatientTrends) -> String {
        t.points.enumerated().map { i, p in "#\(i + 1) \(p.date.display)" + (p.inProgress ? " (in progress)" : "") }.joined(separator: " · ")
    }

    /// The sparkline of the last `cells` marks (a gap where not raised or not rated).
    static func sparkline(_ marks: [ConcernMark], cells: Int, _ glyphs: ChartGlyphs) -> String {
        Charts.sparkline(scores: marks.suffix(cells).map(\.score), glyphs: glyphs)
    }

    /// The distress series as marks: a missing score is not rated.
    static func distressMarks(_ t: PatientTrends) -> [ConcernMark] { t.distress.map { $0.map(ConcernMark.scored) ?? .unrated } }

    /// The table in `width` cells: a header, then distress and each concern, one line each.
    static func lines(_ t: PatientTrends, width: Int, _ glyphs: ChartGlyphs) -> (header: String, rows: [(text: String, style: Style)]) {
        let n = t.points.count
        let chart = min(n, 12), chartColumn = max(5, chart)
        let fixed = 1 + 1 + 2 + chartColumn + 2 + 7 + 10
        // As many of the newest scores as leave a concern 24 cells for its name.
        let shown = max(1, min(n, (width - fixed - 24) / 4))
        let label = max(8, width - fixed - 4 * shown)
        func row(_ name: String, _ scores: [String], _ chartText: String, _ latest: String, _ change: String) -> String {
            let cells = scores.map { String(repeating: " ", count: max(0, 4 - DisplayWidth.of($0))) + $0 }.joined()
            return DisplayWidth.truncate(" " + DisplayWidth.pad(DisplayWidth.truncate(name, to: label), to: label) + " " + cells + "  "
                                         + DisplayWidth.pad(chartText, to: chartColumn) + "  " + DisplayWidth.pad(latest, to: 7) + change, to: width)
        }
        let header = row("Concern", (n - shown..<n).map { "#\($0 + 1)" }, "Chart", "Latest", "Change")
        func line(_ name: String, _ marks: [ConcernMark], _ change: TrendChange?) -> String {
            row(name, marks.suffix(shown).map(figure), sparkline(marks, cells: chart, glyphs), marks.last.map(figure) ?? "-",
                words(change, points: n, latest: marks.last))
        }
        var rows = [(line(distressLabel, distressMarks(t), t.distressChange), Style(.heading))]
        rows += t.concerns.map { (line($0.label, $0.marks, $0.change), Style.normal) }
        return (header, rows)
    }
}
