import CareplanCore
import Foundation
import TermUI

/// A report's answer as a file or a terminal's text (issue 15): CSV for a spreadsheet, JSON for programs, and
/// plain text with aligned columns and the charts drawn in characters.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, csv, json
    /// Drawn by `careplan-pdf` (`ReportPrint`): pages with the charts, no patient header.
    case pdf
}

public enum ReportOutput {
    /// The report in `format`; `producedAt` is printed on a PDF's pages.
    public static func data(_ t: ReportTable, format: ReportFormat, width: Int = 80, glyphs: ChartGlyphs = .ascii, producedAt: Date = Date()) throws -> Data {
        switch format {
        case .table: return Data(text(t, width: width, glyphs: glyphs).utf8)
        case .csv: return csv(t)
        case .json: return json(t)
        case .pdf: return try ReportPrint.pdf(t, producedAt: producedAt)
        }
    }

    /// A file name for the report: `report-care-plans-2026-11-01-to-2026-11-30.csv` (a team's: with the team's id).
    public static func fileName(_ t: ReportTable, format: ReportFormat, teamId: Int64? = nil) -> String {
        "report-\(t.report)-\(t.from.iso)-to-\(t.to.iso)" + (teamId.map { "-team-\($0)" } ?? "") + ".\(fileExtension(format))"
    }

    public static func fileExtension(_ format: ReportFormat) -> String {
        ["table": "txt", "csv": "csv", "json": "json", "pdf": "pdf"][format.rawValue]!
    }

    // MARK: CSV

    /// UTF-8 with a byte-order mark (so a spreadsheet reads it as UTF-8), CRLF line ends, one header row of the
    /// column names, then the rows. Numbers plain (shares and days to one decimal), dates ISO, a missing figure
    /// empty. Text that a spreadsheet would take for a formula (starting = + - @, tab or carriage return) is
    /// written after an apostrophe.
    public static func csv(_ t: ReportTable) -> Data {
        var lines = [t.columns.map { csvCell(safe($0.name)) }.joined(separator: ",")]
        for row in t.rows {
            lines.append(row.map { v -> String in
                switch v {
                case .text(let s): return csvCell(safe(s))
                default: return csvCell(v.written(missing: ""))
                }
            }.joined(separator: ","))
        }
        return Data([0xEF, 0xBB, 0xBF]) + Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    static func safe(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return s }
        return "'" + s
    }

    static func csvCell(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    // MARK: JSON

    /// Keys in a fixed order (report, title, from, to, team, definition, columns, rows, charts, notes); dates ISO;
    /// each row an array of values in the columns' order, a missing figure null.
    public static func json(_ t: ReportTable) -> Data {
        func s(_ x: String) -> String {
            var out = "\""
            for u in x.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default: out += u.value < 0x20 ? String(format: "\\u%04x", u.value) : String(u)
                }
            }
            return out + "\""
        }
        func v(_ x: ReportValue) -> String {
            switch x {
            case .text(let t): return s(t)
            case .date(let d): return s(d.iso)
            case .missing: return "null"
            default: return x.written()
            }
        }
        func num(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(format: "%.3f", d) }
        let columns = t.columns.map { "{\"name\": \(s($0.name)), \"kind\": \(s($0.kind.rawValue))}" }
        let rows = t.rows.map { "[" + $0.map(v).joined(separator: ", ") + "]" }
        let charts = t.charts.map { c in
            "{\"kind\": \(s(c.kind.rawValue)), \"title\": \(s(c.title)), \"unit\": \(s(c.unit)), \"points\": ["
                + c.points.map { "{\"label\": \(s($0.label)), \"value\": \($0.value.map(num) ?? "null")}" }.joined(separator: ", ") + "]}"
        }
        let body = [
            "\"report\": \(s(t.report))", "\"title\": \(s(t.title))", "\"from\": \(s(t.from.iso))", "\"to\": \(s(t.to.iso))",
            "\"team\": \(t.team.map(s) ?? "null")", "\"definition\": \(s(t.definition))",
            "\"columns\": [\n    " + columns.joined(separator: ",\n    ") + "\n  ]",
            "\"rows\": [\n    " + rows.joined(separator: ",\n    ") + "\n  ]",
            "\"charts\": [\n    " + charts.joined(separator: ",\n    ") + "\n  ]",
            "\"notes\": [" + t.notes.map(s).joined(separator: ", ") + "]",
        ]
        return Data(("{\n  " + body.joined(separator: ",\n  ") + "\n}\n").utf8)
    }

    // MARK: Text

    /// The report for a terminal `width` columns wide: title, period, definition, the table with its columns
    /// aligned by display width (text left, figures right; "-" for a missing figure), the notes, then the charts.
    public static func text(_ t: ReportTable, width: Int = 80, glyphs: ChartGlyphs = .ascii) -> String {
        var out: [String] = [t.title, "\(t.from.iso) to \(t.to.iso)" + (t.team.map { ", team \($0)" } ?? ", every team"), ""]
        out += TextWrap.wrap(t.definition, width: max(20, width))
        out.append("")
        let cells = t.rows.map { $0.map { $0.written() } }
        let widths = t.columns.indices.map { i in ([t.columns[i].name] + cells.map { $0[i] }).map { DisplayWidth.of($0) }.max() ?? 0 }
        func line(_ values: [String]) -> String {
            values.indices.map { i -> String in
                let pad = String(repeating: " ", count: max(0, widths[i] - DisplayWidth.of(values[i])))
                return t.columns[i].kind == .text ? values[i] + pad : pad + values[i]
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        out.append(line(t.columns.map(\.name)))
        out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        out += cells.map(line)
        if t.rows.isEmpty { out.append("Nothing to count in this period.") }
        if !t.notes.isEmpty {
            out.append("")
            out += t.notes.flatMap { TextWrap.wrap($0, width: max(20, width)) }
        }
        for chart in t.charts where !chart.points.isEmpty {
            out.append("")
            out += chartLines(chart, width: width, glyphs: glyphs)
        }
        return out.joined(separator: "\n") + "\n"
    }
}

extension ReportOutput {
    /// A chart in characters (TermUI's `Charts`): its title and unit, a by-month chart's sparkline, then a bar per
    /// point scaled to the largest value, each with its label and figure.
    static func chartLines(_ c: ReportChart, width: Int, glyphs: ChartGlyphs) -> [String] {
        let labelWidth = min(24, c.points.map { DisplayWidth.of($0.label) }.max() ?? 0)
        let figures = c.points.map(\.valueText)
        let figureWidth = figures.map(\.count).max() ?? 0
        let cells = max(5, width - labelWidth - figureWidth - 2)
        let top = c.points.compactMap(\.value).max() ?? 0
        var out = ["\(c.title) (\(c.unit))"]
        if c.kind == .byMonth, let last = c.points.last {
            // One cell a month: the latest months that fit the line between the first and last labels.
            let room = max(1, width - 2 * (DisplayWidth.of(last.label) + 1))
            let shown = c.points.suffix(room)
            out.append("\(shown.first!.label) " + Charts.sparkline(shown.map(\.value), glyphs: glyphs) + " \(last.label)")
        }
        for (p, figure) in zip(c.points, figures) {
            let label = TextWrap.fit(p.label, width: labelWidth).first ?? ""
            out.append(label + String(repeating: " ", count: max(0, labelWidth - DisplayWidth.of(label))) + " "
                       + Charts.bar(p.drawnValue, maximum: top, cells: cells, glyphs: glyphs) + " " + figure)
        }
        return out.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
    }
}
