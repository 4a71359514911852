import CareplanCore
import Foundation
import TermUI

/// The practice view of the cancer reviews' QOF timing: every patient whose support discussion or Cancer Care
/// Review is due (soonest deadline first), then missed (most recently missed first), with their invitations;
/// the year's counts of each state above. F shows one state alone (due, missed, excepted) or all. The user's
/// teams by default, everyone with Ctrl-T (as the register).
struct PracticeViewScreen: Screen {
    let kind = ScreenKind.practiceView
    var view: QOFPracticeView?
    var selected = 0
    var first = 0
    var showing = QOFPracticeView.Showing.all
    /// Of each state: due ones are never cut for missed ones.
    static let limit = 200

    init(_ s: Session) {}

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .opened: return load()
        case .answer(.qofPracticeView(let found)):
            view = found
            selected = min(selected, max(0, found.entries.count - 1))
        case .key(let key): return handle(key, s)
        default: break
        }
        return []
    }

    /// Emptied first: a list the store refuses shows none.
    mutating func load() -> [Command] {
        view = nil
        return [.query(.qofPracticeView(limit: PracticeViewScreen.limit, showing: showing))]
    }

    var entries: [QOFPracticeView.Entry] { view?.entries ?? [] }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        if let moved = ListKeys.moved(key, selected, count: entries.count) { selected = moved; return [] }
        switch key {
        case .ctrl("t"):
            guard s.toggleMyTeamsOnly() else { return [] }
            selected = 0
            return load()
        case .text("f"), .text("F"):
            let all = QOFPracticeView.Showing.allCases
            showing = all[(all.firstIndex(of: showing)! + 1) % all.count]
            selected = 0
            s.say("Showing " + PracticeViewScreen.words(showing))
            return load()
        case .enter:
            guard entries.indices.contains(selected), let id = entries[selected].patient.id else {
                s.say("There is no patient to open", .error)
                return []
            }
            return [.openPatient(id), .exit("open")]
        case .escape: return [.go(.back)]
        default:
            s.say("Keys here: ↑↓ choose, Enter opens the patient's record, F shows due, missed, excepted or all, Esc goes back"
                  + (s.staff.map { !$0.teamIds.isEmpty } == true ? ", Ctrl-T my team or everyone" : ""), .error)
        }
        return []
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        var y = area.y + 1
        let x = area.x + 1, w = area.width - 2
        guard let view else { return }
        let indicators = s.configuration.qof.edition(on: s.today)?.indicators ?? []
        let counts = indicators.map { i -> String in
            let c = view.counts[i.id] ?? QOFCounts()
            return "\(c.met) met · \(c.due) due · \(c.missed) missed · \(c.excepted) excepted"
        }
        // One column for the counts, so the indicators' figures line up.
        let titleWidth = max(10, w - (counts.map(DisplayWidth.of).max() ?? 0) - 2)
        for (i, counts) in zip(indicators, counts) where y < area.bottom {
            g.put(DisplayWidth.pad(DisplayWidth.truncate("\(i.code) \(i.title)", to: titleWidth), to: titleWidth + 2), x: x, y: y, style: Style(.dim))
            g.put(counts, x: x + titleWidth + 2, y: y, maxWidth: w - titleWidth - 2)
            y += 1
        }
        y += 1
        guard y < area.bottom else { return }
        if view.entries.isEmpty {
            let what = showing == .all ? "due or missed" : showing.rawValue
            Draw.paragraph(&g, "No support discussion or Cancer Care Review is \(what)" + (s.registerTeams == nil ? "." : " for your teams' patients (Ctrl-T: everyone).")
                           + (showing == .all ? "" : " F shows the others."),
                           x: x, y: y, width: w, maxY: area.bottom)
            return
        }
        let nameWidth = max(8, area.width - 63)
        g.put(DisplayWidth.truncate(" " + (showing == .excepted ? "Since       Why         " : "Deadline    Left        ") + "Review NHS number   "
                                    + DisplayWidth.pad("Name", to: nameWidth) + " Invitations", to: area.width),
              x: area.x, y: y, style: Style(.heading))
        y += 1
        let footer = shownWords(view)
        let height = area.bottom - y - (footer == nil ? 0 : 1)
        let firstRow = ScrollWindow.firstVisible(selected: selected, count: view.entries.count, height: height, previousFirst: first)
        for (i, e) in view.entries.enumerated().dropFirst(firstRow).prefix(height) {
            let date: LocalDate, left: String
            switch e.status.state {
            case .excepted(let why, let since):
                date = since
                left = why == .noResponse ? "no reply" : why.rawValue
            default:
                date = e.status.state.deadline ?? s.today
                left = QOFWords.daysLeft(date, today: s.today).replacingOccurrences(of: " days", with: "").replacingOccurrences(of: " day", with: "")
            }
            let text = " " + DisplayWidth.pad(date.display, to: 12) + DisplayWidth.pad(left, to: 12) + DisplayWidth.pad(e.status.code, to: 7)
                + DisplayWidth.pad(e.patient.nhsNumber.formatted, to: 13)
                + DisplayWidth.pad(DisplayWidth.truncate(e.patient.displayName, to: nameWidth), to: nameWidth + 1)
                + QOFWords.invitationStatus(e.status.invitations, records: e.records, short: true)
            Draw.row(&g, text, x: area.x, y: y, width: area.width, selected: i == selected, style: QOFWords.style(e.status.state))
            y += 1
        }
        if let footer, y < area.bottom {
            g.put(" " + footer, x: area.x, y: area.bottom - 1, style: Style(.dim), maxWidth: area.width)
        }
    }

    /// "Shown: 12 due · 200 of 19975 missed (most recent first)" when a part is cut; nil when all are shown.
    func shownWords(_ view: QOFPracticeView) -> String? {
        guard view.total > view.entries.count else { return nil }
        func part(_ state: String, _ total: Int, _ order: String) -> String {
            let shown = min(total, PracticeViewScreen.limit)
            return (shown < total ? "\(shown) of \(total) " : "\(total) ") + state + (shown < total ? " (\(order))" : "")
        }
        let sum = { (k: KeyPath<QOFCounts, Int>) in view.counts.values.map { $0[keyPath: k] }.reduce(0, +) }
        var parts: [String] = []
        if showing == .all || showing == .due { parts.append(part("due", sum(\.due), "soonest first")) }
        if showing == .all || showing == .missed { parts.append(part("missed", sum(\.missed), "most recent first")) }
        if showing == .excepted { parts.append(part("excepted", sum(\.excepted), "most recent first")) }
        return "Shown: " + parts.joined(separator: " · ")
    }

    static func words(_ showing: QOFPracticeView.Showing) -> String {
        switch showing {
        case .all: return "due, then missed"
        case .due: return "due only"
        case .missed: return "missed only"
        case .excepted: return "excepted only"
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        [KeyHint("↑↓", "choose")] + (entries.isEmpty ? [] : [KeyHint("Enter", "open record")])
            + [KeyHint("F", showing == .all ? "all" : showing.rawValue)]
            + (s.staff.map { !$0.teamIds.isEmpty } == true ? [KeyHint("^T", s.registerTeams == nil ? "my team" : "everyone")] : [])
            + [KeyHint("Esc", "back")]
    }

    /// Whose patients the list shows, and which states.
    func title(_ s: Session) -> String? {
        let which = showing == .all ? "" : " (\(showing.rawValue))"
        guard s.staff.map({ !$0.teamIds.isEmpty }) == true else { return showing == .all ? nil : "Reviews due" + which }
        return (s.registerTeams == nil ? "Reviews due: all patients" : "Reviews due: " + s.myTeamNames.joined(separator: ", ")) + which
    }
}
