import CareplanCore
import Foundation
import TermUI

extension ScreenKind {
    public static let reports = ScreenKind("reports")
}

/// The service's reports (issue 15; F6 from the worklist and the patients, for roles with `reports`): the list
/// with each one's summary, then its period, team and breakdown, then the answer: the table (columns by display
/// width), its charts as bars and sparklines, its notes and definition; S saves it as CSV, JSON, PDF or text.
/// Counts only: no patient is named, so nothing here needs `export`.
struct ReportsScreen: Screen {
    let kind = ScreenKind.reports
    var selected = 0
    /// The period, team and breakdown of the chosen report (nil: choosing one).
    var form: Form?
    /// The teams the form offers, in its order (nil: everyone).
    var teamChoices: [Team?] = []
    /// The answer shown, its first line shown, and the format chooser when saving.
    var table: ReportTable?
    var top = 0
    /// The first of the table's columns after its first one shown, when they do not all fit.
    var left = 1
    var saving: Form?

    static let formats = ["csv", "json", "pdf", "table"]
    static let formatLabels = ["CSV (spreadsheet)", "JSON", "PDF", "text"]

    init(_ s: Session) {}

    var report: ReportDefinition { ReportCatalogue.reports[selected] }
    var takesText: Bool { saving?.takesText ?? (table == nil && (form?.takesText ?? false)) }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .key(let key): return handle(key, s)
        case .answer(.report(let t)):
            table = t
            top = 0
        default: break
        }
        return []
    }

    /// The form for the chosen report: the last three whole months to today, the user's teams first.
    mutating func choose(_ s: Session) {
        let mine = s.teams.filter { s.staff?.teamIds.contains($0.id) == true }
        teamChoices = [nil] + mine + s.teams.filter { t in !mine.contains(t) }
        let start = s.today.adding(days: -90)
        var fields: [Form.Field] = [
            .init("from", "From", text: LocalDate(year: start.year, month: start.month, day: 1)!.iso, suggested: true, maxLength: 20, note: "a date such as 2026-01-01 (both days count)"),
            .init("to", "To", text: s.today.iso, suggested: true, maxLength: 20),
            .init("team", "Team", options: teamChoices.map { t in t.map { $0.name + (mine.contains($0) ? " (my team)" : "") } ?? "Everyone" }),
        ]
        if !report.groupings.isEmpty {
            fields.append(.init("by", "Breakdown", options: report.groupings.map(\.rawValue)))
        }
        form = Form(fields)
    }

    /// An ISO date typed, or nil with its problem next to the field.
    static func isoDate(_ form: inout Form, _ id: String) -> LocalDate? {
        let text = form.text(id).trimmingCharacters(in: .whitespaces)
        guard let d = LocalDate(iso: text) else {
            form.setProblem(id, text.isEmpty ? "Give a date, e.g. 2026-01-01" : "Not a date: write it as year-month-day, e.g. 2026-01-01")
            return nil
        }
        form.setProblem(id, nil)
        return d
    }

    /// The request the form says, or nil with each problem next to its field.
    mutating func request(_ s: Session) -> ReportRequest? {
        guard var f = form else { return nil }
        let from = Self.isoDate(&f, "from"), to = Self.isoDate(&f, "to")
        if let from, let to, from > to { f.setProblem("to", "Before From (\(from.iso)): give a later date") }
        form = f
        guard let from, let to, !f.hasProblems else { return nil }
        let team = teamChoices[f.index("team")]?.id
        let by = report.groupings.isEmpty ? nil : report.groupings[f.index("by")]
        return ReportRequest(name: report.name, scope: ReportScope(from: from, to: to, teamId: team), by: by)
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        if var chooser = saving {
            if key == .escape { saving = nil; s.say("Not saved"); return [] }
            let event = chooser.handle(key)
            saving = chooser
            guard key == .enter || event == .submit, let t = table else {
                if event == .notHandled { s.say("Not typed: ←→ choose the format, Tab moves to where, Enter saves, Esc cancels", .error) }
                return []
            }
            saving = nil
            let path = chooser.text("path").trimmingCharacters(in: .whitespaces)
            return [.go(.effect(.exportReport(t, format: Self.formats[chooser.index("format")], path: path)))]
        }
        if let t = table {
            let last = max(0, lines(t, width: s.contentArea.width, s).count - 1)
            let allShown = Self.visibleColumns(Self.columnWidths(t), left: 1, width: s.contentArea.width - 2).count == t.columns.count
            switch key {
            case .escape: table = nil; left = 1
            case .up: top = max(0, top - 1)
            case .down: top = min(last, top + 1)
            case .pageUp: top = max(0, top - 10)
            case .pageDown: top = min(last, top + 10)
            case .home: top = 0
            case .end: top = last
            case .left where allShown, .right where allShown:
                left = 1
                s.say("Every column is shown: ←→ move only a table wider than the window")
            case .left: left = max(1, left - 1)
            case .right: left = min(max(1, t.columns.count - 1), left + 1)
            case .text("s"), .text("S"):
                saving = Form([.init("format", "Save as", options: Self.formatLabels, note: "←→ choose, Tab: where"),
                               .init("path", "Where", maxLength: 1000,
                                     note: "empty: a new file here; or a folder, or a new file's path")])
            default: s.say("Not done: ↑↓ PgUp PgDn scroll, ←→ columns, S saves, Esc goes back to the report's period", .error)
            }
            return []
        }
        if var f = form {
            if key == .escape { form = nil; return [] }
            let event = f.handle(key)
            form = f
            switch event {
            case .left(let i) where ["from", "to"].contains(f.fields[i].id): _ = Self.isoDate(&form!, f.fields[i].id)
            case .submit:
                guard let r = request(s) else { s.say("Not run: correct what is marked", .error); return [] }
                return [.query(.report(r))]
            case .notHandled: s.say("Not typed: ←→ change this choice, Tab moves to the next field", .error)
            default: break
            }
            return []
        }
        let count = ReportCatalogue.reports.count
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(count - 1, selected + 1)
        case .home: selected = 0
        case .end: selected = count - 1
        case .enter: choose(s)
        case .escape: return [.go(.back)]
        default: s.say("Not done: ↑↓ choose a report, Enter chooses its period, Esc goes back", .error)
        }
        return []
    }

    // MARK: Drawing

    /// The columns shown: the first, then from `left` on as many as fit in `width` (two spaces between).
    /// When every column fits, all are shown whatever `left` says (after widening the window).
    static func visibleColumns(_ widths: [Int], left: Int, width: Int) -> [Int] {
        guard let first = widths.first else { return [] }
        if widths.reduce(0, +) + 2 * (widths.count - 1) <= width { return Array(widths.indices) }
        var shown = [0], used = first
        for i in max(1, left)..<max(max(1, left), widths.count) {
            if used + 2 + widths[i] > width, shown.count > 1 { break }
            shown.append(i)
            used += 2 + widths[i]
        }
        return shown
    }

    /// Each column's width: its widest cell or header word.
    static func columnWidths(_ t: ReportTable) -> [Int] {
        let cells = t.rows.map { $0.map { $0.written() } }
        return t.columns.indices.map { i in
            (cells.map { DisplayWidth.of($0[i]) } + t.columns[i].name.split(separator: " ").map { DisplayWidth.of($0) } + [3]).max() ?? 3
        }
    }

    /// The answer as lines at a width: heading, the table (text left, figures right; headers wrapped to their
    /// column; the first column always, the others from `left` on as many as fit), the charts, the notes and
    /// the definition.
    func lines(_ t: ReportTable, width: Int, _ s: Session) -> [(text: String, style: Style)] {
        var out: [(String, Style)] = []
        let w = max(20, width - 2)
        let team = t.team.map { "team \($0)" } ?? "every team"
        out += TextWrap.wrap("\(t.title): \(t.from.display) to \(t.to.display), \(team)", width: w).map { ($0, Style(.heading, bold: true)) }
        out.append(("", .normal))
        let cells = t.rows.map { $0.map { $0.written() } }
        let widths = Self.columnWidths(t)
        let shown = Self.visibleColumns(widths, left: left, width: w)
        let headers = shown.map { TextWrap.wrap(t.columns[$0].name, width: widths[$0]) }
        func line(_ values: [Int: String]) -> String {
            shown.map { i -> String in
                let v = DisplayWidth.truncate(values[i] ?? "", to: widths[i])
                let pad = String(repeating: " ", count: max(0, widths[i] - DisplayWidth.of(v)))
                return t.columns[i].kind == .text ? v + pad : pad + v
            }.joined(separator: "  ")
        }
        let depth = headers.map(\.count).max() ?? 0
        for row in 0..<depth {
            // Headers sit on their last line, as a spreadsheet's do.
            out.append((line(Dictionary(uniqueKeysWithValues: zip(shown, headers).map { i, h in (i, row - (depth - h.count) >= 0 ? h[row - (depth - h.count)] : "") })),
                        Style(.heading)))
        }
        out += cells.map { row in (line(Dictionary(uniqueKeysWithValues: shown.map { ($0, row[$0]) })), Style.normal) }
        if t.rows.isEmpty { out.append(("Nothing to count in this period.", Style(.dim))) }
        if shown.count < t.columns.count {
            out.append(("Columns \(shown.dropFirst().first.map { $0 + 1 } ?? 1)-\((shown.last ?? 0) + 1) of \(t.columns.count) (and the first): ←→ show the others",
                        Style(.dim)))
        }
        for chart in t.charts where !chart.points.isEmpty {
            out.append(("", .normal))
            out.append(("\(chart.title) (\(chart.unit))", Style(.heading)))
            if chart.kind == .byMonth, let first = chart.points.first, let last = chart.points.last {
                out.append(("\(first.label) " + Charts.sparkline(chart.points.map(\.value), glyphs: s.chartGlyphs) + " \(last.label)", .normal))
            }
            let labelWidth = min(24, chart.points.map { DisplayWidth.of($0.label) }.max() ?? 0)
            let figureWidth = chart.points.map { $0.valueText.count }.max() ?? 0
            let cellsWide = max(5, w - labelWidth - figureWidth - 2)
            for p in chart.points {
                out.append((DisplayWidth.pad(DisplayWidth.truncate(p.label, to: labelWidth), to: labelWidth) + " "
                            + Charts.bar(p.drawnValue, maximum: chart.maximum, cells: cellsWide, glyphs: s.chartGlyphs) + " " + p.valueText, .normal))
            }
        }
        for (title, text) in [("Notes", t.notes.joined(separator: " ")), ("What counts", t.definition)] where !text.isEmpty {
            out.append(("", .normal))
            out.append((title, Style(.heading)))
            out += TextWrap.wrap(text, width: w).map { ($0, Style(.dim)) }
        }
        return out
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let x = area.x + 1, w = area.width - 2
        if let t = table {
            let all = lines(t, width: area.width, s)
            let height = all.count > area.height ? area.height - 1 : area.height
            let first = min(top, max(0, all.count - height))
            for (i, line) in all.dropFirst(first).prefix(height).enumerated() {
                g.put(line.text, x: x, y: area.y + i, style: line.style, maxWidth: w)
            }
            if all.count > height {
                g.put(" lines \(first + 1)-\(min(all.count, first + height)) of \(all.count)" + (first + height < all.count ? " · PgDn for more" : " · end"),
                      x: area.x, y: area.bottom - 1, style: Style(.dim), maxWidth: area.width)
            }
            if let chooser = saving {
                let box = Area(x: area.x, y: area.bottom - 5, width: area.width, height: 5)
                g.fill(x: box.x, y: box.y, width: box.width, height: box.height, style: .normal)
                chooser.render(into: &g, Area(x: x, y: box.y + 1, width: w, height: 4))
            }
            return
        }
        if let f = form {
            g.put(" " + report.title, x: area.x, y: area.y, style: Style(.heading, bold: true), maxWidth: area.width)
            let y = Draw.paragraph(&g, report.definition, x: x, y: area.y + 1, width: w, maxY: min(area.bottom, area.y + 7), style: Style(.dim))
            f.render(into: &g, Area(x: x, y: y + 1, width: w, height: max(0, area.bottom - y - 1)))
            return
        }
        g.put(" Counts across the service: no patient is named", x: area.x, y: area.y, style: Style(.dim), maxWidth: area.width)
        // Titles whole; a summary beside its title only where it fits whole (it mostly repeats the title), the
        // chosen one's always in full under the list.
        let titleWidth = min(area.width - 2, ReportCatalogue.reports.map { DisplayWidth.of($0.title) }.max() ?? 0)
        let rows = ReportCatalogue.reports
        let height = max(1, min(rows.count, area.bottom - area.y - 5))
        let first = ScrollWindow.firstVisible(selected: selected, count: rows.count, height: height, previousFirst: 0)
        for (i, r) in rows.enumerated().dropFirst(first).prefix(height) {
            let summary = 1 + titleWidth + 2 + DisplayWidth.of(r.summary) <= area.width ? "  " + r.summary : ""
            Draw.row(&g, " " + DisplayWidth.pad(DisplayWidth.truncate(r.title, to: titleWidth), to: titleWidth) + summary,
                     x: area.x, y: area.y + 2 + i - first, width: area.width, selected: i == selected)
        }
        // The chosen one's line in full: the rows cut it.
        Draw.paragraph(&g, report.summary.prefix(1).uppercased() + report.summary.dropFirst(), x: x, y: area.y + 3 + min(height, rows.count), width: w, maxY: area.bottom, style: Style(.dim))
    }

    func keys(_ s: Session) -> [KeyHint] {
        if saving != nil { return [KeyHint("←→", "format"), KeyHint("Tab", "where"), KeyHint("Enter/^S", "save"), KeyHint("Esc", "cancel")] }
        if table != nil { return [KeyHint("↑↓ PgUp/PgDn", "scroll"), KeyHint("←→", "columns"), KeyHint("S", "save"), KeyHint("Esc", "period")] }
        if form != nil { return [KeyHint("Tab/↑↓", "field"), KeyHint("←→", "change"), KeyHint("^S", "run"), KeyHint("Esc", "reports")] }
        return [KeyHint("↑↓", "choose"), KeyHint("Enter", "period"), KeyHint("Esc", "back", exit: "back")]
    }
}
