import CareplanCore
import TermUI

/// The chosen concerns in care-planning order (highest score first until someone reorders them),
/// and which to discuss today. A move saves the whole order; a tick saves that concern's mark only.
struct PrioritiseScreen: Screen {
    let kind = ScreenKind.prioritise
    var selected = 0
    /// Where the selected concern goes once its move is saved.
    var movingTo: Int?
    /// The patient's assessments as the store has them, for each concern's trend up to this one (nil: not read).
    var history: [Assessment]?

    init(_ s: Session) {}

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .opened: return s.assessment.map { [.query(.patientAssessments(patientId: $0.patientId))] } ?? []
        case .answer(.patientAssessments(let id, let all)) where id == s.assessment?.patientId: history = all
        case .key(let key): return handle(key, s)
        case .answer(.saved(.setOrder)):
            selected = movingTo ?? selected
            movingTo = nil
        default: break
        }
        return []
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        guard let a = s.assessment else { return [.go(.back)] }
        let list = a.prioritisedConcerns
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, list.count - 1), selected + 1)
        case .home: selected = 0
        case .end: selected = max(0, list.count - 1)
        case .escape: return [.go(.back)]
        case .text("["), .text("]"), .text("<"), .text(">"):
            guard !a.isLocked else { s.say(StoreError.locked.description, .error); return [] }
            guard list.indices.contains(selected) else { return [] }
            let up = key == .text("[") || key == .text("<")
            let target = up ? selected - 1 : selected + 1
            guard list.indices.contains(target) else { return [] }
            var order = list.map(\.key)
            order.swapAt(selected, target)
            movingTo = target
            return [.apply(.setOrder(order))]
        case .text(" "), .enter:
            guard !a.isLocked else { s.say(StoreError.locked.description, .error); return [] }
            guard list.indices.contains(selected) else { return [] }
            return [.apply(.setDiscuss(key: list[selected].key, !list[selected].discuss))]
        default: break
        }
        return []
    }

    /// The trends up to the open assessment as it is on screen (its unsaved scores too); nil when it is the first.
    func trends(_ a: Assessment) -> PatientTrends? {
        guard let history else { return nil }
        let t = PatientTrends(assessments: history.filter { $0.id != a.id && $0.date <= a.date } + [a])
        return t.points.count > 1 ? t : nil
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        guard let a = s.assessment else { return }
        let list = a.prioritisedConcerns
        if list.isEmpty {
            Draw.paragraph(&g, "No concerns chosen yet. Go back to the checklist (Ctrl-P) and choose what is worrying the patient.",
                           x: area.x + 1, y: area.y + 1, width: area.width - 2, maxY: area.bottom)
            return
        }
        let discussing = list.filter(\.discuss).count
        var y = area.y
        if let sent = a.submittedAt {
            g.put(" Completed by the patient at the kiosk, sent \(Draw.dateTime(sent))", x: area.x, y: y, style: Style(.warning), maxWidth: area.width)
            y += 1
            if !a.patientMessage.isEmpty {
                let message = "Anything else: “" + a.patientMessage.replacingOccurrences(of: "\n", with: " ") + "”"
                y = Draw.paragraph(&g, message, x: area.x + 1, y: y, width: area.width - 2, maxY: min(area.bottom - 3, y + 3))
            }
        }
        let trends = trends(a)
        // Since the last assessment, in words and as a line of the scores (oldest first, this one last).
        let chart = min(trends?.points.count ?? 0, 8)
        let series = trends.map { TrendChart($0).series } ?? []
        let glyphs = s.chartGlyphs
        let byKey = Dictionary(zip(trends?.concerns.map(\.key) ?? [], series.dropFirst()), uniquingKeysWith: { a, _ in a })
        func trend(_ s: TrendSeries) -> String {
            DisplayWidth.pad(TrendTable.sparkline(s, cells: chart, glyphs), to: chart) + " " + TrendTable.change(s)
        }
        let distressTrend = series.first.map { " · distress " + trend($0) } ?? ""
        g.put(" \(list.count) concern\(list.count == 1 ? "" : "s") · \(discussing) to discuss today" + (s.policy.hasSignificantDistress(a) ? " · distress \(a.distressScore!)/10: significant" : "") + distressTrend,
              x: area.x, y: y, style: Style(.dim), maxWidth: area.width)
        let trendColumn = trends == nil ? area.width : area.width - chart - 12
        g.put(DisplayWidth.truncate("  #  Discuss  Score  Concern", to: area.width), x: area.x, y: y + 1, style: Style(.heading))
        if trends != nil { g.put("Trend", x: area.x + trendColumn, y: y + 1, style: Style(.heading)) }
        y += 2
        let height = area.bottom - y
        let first = ScrollWindow.firstVisible(selected: selected, count: list.count, height: height, previousFirst: 0)
        for (i, c) in list.enumerated().dropFirst(first).prefix(height) {
            let number = String(i + 1)
            let score = c.score.map { String($0) } ?? "--"
            let text = DisplayWidth.pad(String(repeating: " ", count: max(0, 3 - number.count)) + number, to: 5)
                + (c.discuss ? "[x]      " : "[ ]      ") + DisplayWidth.pad(String(repeating: " ", count: max(0, 3 - score.count)) + score, to: 7)
                + (trends == nil ? c.label : DisplayWidth.pad(DisplayWidth.truncate(c.label, to: trendColumn - 22), to: trendColumn - 21))
                + (byKey[PatientTrends.key(of: c)].map(trend) ?? "")
            Draw.row(&g, text, x: area.x, y: y, width: area.width, selected: i == selected, style: c.discuss ? Style(.marked, bold: true) : .normal)
            y += 1
        }
        // What the patient no longer raises is part of the conversation too.
        let resolved = trends?.concerns.filter { $0.change == .resolved }.map(\.label) ?? []
        if !resolved.isEmpty, y + 1 < area.bottom {
            Draw.paragraph(&g, "Resolved since the last assessment: " + resolved.joined(separator: "; "), x: area.x + 1, y: y + 1,
                           width: area.width - 2, maxY: area.bottom, style: Style(.dim))
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        [KeyHint("↑↓", "choose"), KeyHint("[ ]", "move up/down", needs: .completeChecklist), KeyHint("Space", "discuss today", needs: .completeChecklist)]
    }
}
