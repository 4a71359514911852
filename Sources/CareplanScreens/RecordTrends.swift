import CareplanCore
import TermUI

/// The patient's trends on the record (T), in place of the whole record so that 80x24 holds a dozen concerns:
/// the distress score and each concern across their assessments, oldest to newest (TrendTable.swift).
struct RecordTrendView: Equatable {
    /// Nil while the assessments are being read.
    var trends: PatientTrends?
    /// The store did not answer (the runtime said why).
    var failed = false
    /// The first row of the table shown.
    var top = 0
}

extension RecordScreen {
    mutating func openTrends(_ s: Session) -> [Command] {
        guard let id = s.patient?.id else { return [] }
        trendView = RecordTrendView()
        return [.query(.patientAssessments(patientId: id))]
    }

    /// The rows the table scrolls through, in this width.
    func trendRowCount(_ s: Session) -> Int { trendView?.trends.map { 1 + $0.concerns.count } ?? 0 }

    /// Keys while the trends are shown: every one answered.
    mutating func trendKey(_ key: Key, _ s: Session) -> [Command] {
        guard var view = trendView else { return [] }
        let last = max(0, trendRowCount(s) - 1)
        switch key {
        case .text("t"), .text("T"), .escape: trendView = nil; return []
        case .up: view.top = max(0, view.top - 1)
        case .down: view.top = min(last, view.top + 1)
        case .pageUp: view.top = max(0, view.top - 10)
        case .pageDown: view.top = min(last, view.top + 10)
        case .home: view.top = 0
        case .end: view.top = last
        default:
            s.say("Not done: the trends are shown. ↑↓ PgUp PgDn scroll, T or Esc goes back to the record", .error)
            return []
        }
        trendView = view
        return []
    }

    var trendKeys: [KeyHint] { [KeyHint("↑↓ PgUp/PgDn", "scroll"), KeyHint("T/Esc", "record")] }

    func renderTrends(into g: inout Grid, _ area: Area, _ view: RecordTrendView, _ s: Session) {
        guard let p = s.patient else { return }
        let x = area.x + 1, w = area.width - 2
        var y = area.y
        let title = "Trends for \(p.givenName) \(p.familyName)"
        g.put(" " + title, x: area.x, y: y, style: Style(.heading, bold: true), maxWidth: area.width)
        g.put("  (T: record)", x: area.x + 1 + DisplayWidth.of(title), y: y, style: Style(.dim), maxWidth: max(0, w - DisplayWidth.of(title)))
        y += 1
        guard let t = view.trends else {
            Draw.paragraph(&g, view.failed ? "The assessments could not be read: T or Esc goes back to the record." : "Reading the assessments…",
                           x: x, y: y + 1, width: w, maxY: area.bottom)
            return
        }
        if t.points.isEmpty {
            Draw.paragraph(&g, "No assessments yet: the trends show the distress score and each concern across the patient's assessments "
                           + "once there is one. N on the record starts a holistic needs assessment.", x: x, y: y + 1, width: w, maxY: area.bottom)
            return
        }
        let count = t.points.count == 1 ? "One assessment: changes show from the second." : "\(t.points.count) assessments, oldest to newest."
        let intro = count + " Scores 0-10; - not raised, ? not scored.", dates = TrendTable.dates(t)
        let table = TrendTable.lines(t, width: area.width, s.chartGlyphs)
        // The table's header and a few rows come first: in a small window the explanation gives way and the
        // dates take one line, so the concerns are shown (and scroll) at any size the chrome allows.
        let wanted = 1 + min(4, table.rows.count)
        if area.bottom - y - TextWrap.wrap(intro, width: w).count - TextWrap.wrap(dates, width: w).count - 1 >= wanted {
            y = Draw.paragraph(&g, intro, x: x, y: y, width: w, maxY: area.bottom, style: Style(.dim))
            y = Draw.paragraph(&g, dates, x: x, y: y, width: w, maxY: area.bottom)
            y += 1
        } else {
            g.put(DisplayWidth.truncate(dates, to: w), x: x, y: y, maxWidth: w)
            y += 1
        }
        guard y < area.bottom else { return }
        g.put(table.header, x: area.x, y: y, style: Style(.heading), maxWidth: area.width)
        y += 1
        let height = area.bottom - y
        guard height > 0 else { return }
        let first = min(view.top, max(0, table.rows.count - height))
        let below = table.rows.count - first - height
        for (i, row) in table.rows.dropFirst(first).prefix(height).enumerated() {
            if i == height - 1, below > 0 {
                g.put(" … \(below + 1) more below (↓ scrolls)", x: area.x, y: y, style: Style(.dim), maxWidth: area.width)
                break
            }
            g.put(row.text, x: area.x, y: y, style: row.style, maxWidth: area.width)
            y += 1
        }
    }
}
