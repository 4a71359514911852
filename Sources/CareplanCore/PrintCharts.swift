import Foundation

/// A report's chart on a printed page (issue 15): drawn by the PDF renderer, and given as figures by the text
/// renderer and any screen that walks a layout (`figures`), so that no one needs the drawing, or colour, to read it.
extension ReportChart {
    /// The largest value, at least 1 (an axis from 0 to 0 draws nothing).
    public var maximum: Double { max(1, points.compactMap(\.value).max() ?? 0) }

    /// The chart in figures: one row per point, its value, and a bar of `#` as long as the value (up to 20).
    public var figures: Table {
        let top = maximum
        return Table(columns: [Column(kind == .byMonth ? "Month" : "", weight: 0.4), Column(unit, weight: 0.2, align: .right), Column("", weight: 0.4)],
                     rows: points.map { p in
                         [p.label, p.valueText, String(repeating: "#", count: (p.value ?? 0) > 0 ? max(1, Int(((p.value ?? 0) / top * 20).rounded())) : 0)]
                     })
    }
}

extension ReportChartPoint {
    /// `12`, `33.3`: whole numbers without a decimal point; `noData` for no figure.
    public var valueText: String { value.map(Self.text) ?? Self.noData }

    /// What a chart writes where a point has no figure (the table's `-`), beside an empty bar or column.
    public static let noData = "no data"

    /// The bar or column's height: a point with no figure draws none.
    public var drawnValue: Double { value ?? 0 }

    /// A figure as a chart or a report's cell writes it.
    public static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.1f", value)
    }
}

/// One patient's scores across assessments, oldest to newest, as small multiples: one small chart per series
/// (distress, then each concern) on the same 0-10 scale, each with its change in words.
public struct TrendChart: Sendable, Equatable, Codable {
    /// The assessment dates, oldest first (`12 Jan 2026`, with ` *` for one still being filled in).
    public var dates: [String]
    public var series: [TrendSeries]
    /// The top of every chart's scale.
    public var scale: Int

    public init(dates: [String], series: [TrendSeries], scale: Int = 10) {
        self.dates = dates
        self.series = series
        self.scale = scale
    }

    /// Distress first, then every concern in the order `PatientTrends` gives them (those raised now first).
    public init(_ trends: PatientTrends) {
        let dates = trends.points.map { $0.date.display + ($0.inProgress ? " *" : "") }
        // Where no change can be given between the two latest, why not, in words.
        func change(_ words: String?, _ marks: [TrendMark]) -> String? {
            if let words { return words }
            guard marks.count >= 2 else { return nil }
            return marks.suffix(2).contains(.notRecorded) ? "not scored" : "not raised"
        }
        let distressMarks = trends.distress.map { $0.map(TrendMark.score) ?? .notRecorded }
        let distress = TrendSeries(label: "Distress (thermometer)", marks: distressMarks,
                                   change: change(trends.distressChange?.words, distressMarks))
        let concerns = trends.concerns.map { c in
            let marks = c.marks.map { m -> TrendMark in
                switch m {
                case .notRaised: return .notRaised
                case .unrated: return .notRecorded
                case .scored(let s): return .score(s)
                }
            }
            return TrendSeries(label: c.label, marks: marks, change: change(c.change?.words, marks))
        }
        self.init(dates: dates, series: [distress] + concerns)
    }

    /// How many dates each figures table holds: three whole dates and the change fit in 80 columns.
    static let datesPerTable = 3

    /// The charts in figures: a table per three dates, a row per series, and the change in words in the last
    /// (none with a single date: nothing to compare).
    public var figures: [Table] {
        let chunks = stride(from: 0, to: dates.count, by: Self.datesPerTable).map { $0..<min(dates.count, $0 + Self.datesPerTable) }
        return chunks.enumerated().map { n, range in
            let withChange = n == chunks.count - 1 && dates.count > 1
            var columns = [Column("Score (0-\(scale))", weight: 0.4)] + range.map { Column(dates[$0], weight: 0.16, align: .right) }
            if withChange { columns.append(Column("Change", weight: 0.13)) }
            let total = columns.map(\.weight).reduce(0, +)
            columns = columns.map { Column($0.title, weight: $0.weight / total, align: $0.align) }
            return Table(columns: columns, rows: series.map { s in
                [s.label] + range.map { s.marks[$0].text } + (withChange ? [s.change ?? "-"] : [])
            })
        }
    }
}

public struct TrendSeries: Sendable, Equatable, Codable {
    public var label: String
    /// One per date of the chart.
    public var marks: [TrendMark]
    /// `rose`, `fell` ... from the previous assessment to the latest; `not scored` or `not raised` when one of the
    /// two was not scored or neither raised it; nil with nothing earlier to compare.
    public var change: String?

    public init(label: String, marks: [TrendMark], change: String?) {
        self.label = label
        self.marks = marks
        self.change = change
    }
}

/// What one assessment said: a score, or why there is none.
public enum TrendMark: Sendable, Equatable, Codable {
    case score(Int)
    /// Not a concern at that assessment.
    case notRaised
    /// Raised but not scored (or no distress score recorded).
    case notRecorded

    public var score: Int? {
        if case .score(let s) = self { return s }
        return nil
    }

    /// As a table cell or a chart's label reads: `4`, `-` (not raised), `?` (not scored).
    public var text: String {
        switch self {
        case .score(let s): return String(s)
        case .notRaised: return "-"
        case .notRecorded: return "?"
        }
    }
}
