import CareplanCore

extension ReportTable {
    /// The table with every text in it `shown` (no control characters or escape sequences: labels, team names and
    /// roles come from the store), for what goes to a terminal; files and JSON keep the store's text.
    var forTerminal: ReportTable {
        var t = self
        t.title = shown(title)
        t.team = team.map(shown)
        t.definition = shown(definition)
        t.columns = columns.map { var c = $0; c.name = shown(c.name); return c }
        t.rows = rows.map { $0.map { if case .text(let s) = $0 { .text(shown(s)) } else { $0 } } }
        t.charts = charts.map { chart in
            var c = chart
            c.title = shown(c.title)
            c.unit = shown(c.unit)
            c.points = c.points.map { var p = $0; p.label = shown(p.label); return p }
            return c
        }
        t.notes = notes.map(shown)
        return t
    }
}
