import Foundation

/// A report's answer (issue 15), as every output takes it: the terminal table and charts, CSV, JSON and the PDF.
/// Reports count; they never carry a patient's identity (the COSD export is the one output that does).
public struct ReportTable: Hashable, Sendable, Codable {
    /// The report's name, as `careplan report NAME` takes it.
    public var report: String
    public var title: String
    /// The period counted, both days included.
    public var from: LocalDate
    public var to: LocalDate
    /// The team counted, by name; nil: every team.
    public var team: String?
    /// What counts and which dates, in a sentence or two (the README carries the same words).
    public var definition: String
    public var columns: [ReportColumn]
    /// One value per column in each row.
    public var rows: [[ReportValue]]
    /// What is better drawn than read, from the same figures.
    public var charts: [ReportChart]
    /// What a reader must know to trust the figures ("4 patients with no diagnosis code are under Not coded").
    public var notes: [String]

    public init(report: String, title: String, from: LocalDate, to: LocalDate, team: String? = nil, definition: String,
                columns: [ReportColumn], rows: [[ReportValue]], charts: [ReportChart] = [], notes: [String] = []) {
        self.report = report
        self.title = title
        self.from = from
        self.to = to
        self.team = team
        self.definition = definition
        self.columns = columns
        self.rows = rows
        self.charts = charts
        self.notes = notes
    }
}

public struct ReportColumn: Hashable, Sendable, Codable {
    /// As a header shows it, and the CSV and JSON name it.
    public var name: String
    public var kind: ReportValueKind

    public init(_ name: String, _ kind: ReportValueKind) {
        self.name = name
        self.kind = kind
    }
}

public enum ReportValueKind: String, Hashable, Sendable, Codable {
    /// A label: a month, a team, a tumour site, a role, a concern.
    case text
    case count
    /// A share, 0 to 100.
    case percent
    /// A length of time in days (a median, a mean).
    case days
    case date
}

/// One cell. `missing` is a figure that cannot be given (a share of nothing, a median of no dates): shown as
/// "-", written empty in CSV and null in JSON, never as 0.
public enum ReportValue: Hashable, Sendable, Codable {
    case text(String)
    case count(Int)
    case percent(Double)
    case days(Double)
    case date(LocalDate)
    case missing
}

extension ReportValue {
    /// A cell as every output writes it: whole figures plain, others to one decimal (`ReportChartPoint.text`),
    /// dates ISO, text as it is; `missing` where no figure can be given ("-" to read, empty in CSV) and `percent`
    /// after a share (a page's "33.3%").
    public func written(missing: String = "-", percent: String = "") -> String {
        switch self {
        case .text(let s): return s
        case .count(let n): return String(n)
        case .percent(let d): return ReportChartPoint.text(d) + percent
        case .days(let d): return ReportChartPoint.text(d)
        case .date(let d): return d.iso
        case .missing: return missing
        }
    }
}

/// A chart of one series: bars of a category each (a site, a concern, a score), or a value per month in order
/// (drawn as a sparkline or columns).
public struct ReportChart: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case bars
        case byMonth = "by-month"
    }

    public var kind: Kind
    public var title: String
    /// What the values count ("HNAs completed", "% at 4 or more").
    public var unit: String
    public var points: [ReportChartPoint]

    public init(kind: Kind, title: String, unit: String, points: [ReportChartPoint]) {
        self.kind = kind
        self.title = title
        self.unit = unit
        self.points = points
    }
}

public struct ReportChartPoint: Hashable, Sendable, Codable {
    public var label: String
    /// nil: no figure (a share of nothing, a median of no dates), which every chart shows as a gap saying
    /// `noData`, never as a bar or column of 0.
    public var value: Double?

    public init(_ label: String, _ value: Double?) {
        self.label = label
        self.value = value
    }
}
