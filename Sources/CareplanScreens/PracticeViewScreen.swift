import CareplanCore
import Foundation
import TermUI

/// The practice view of the cancer reviews' QOF timing: every patient whose support discussion or Cancer Care
/// Review is due or missed, soonest deadline first, with their invitations; the year's counts of each state
/// above. The user's teams by default, everyone with Ctrl-T (as the register).
struct PracticeViewScreen: Screen {
    let kind = ScreenKind.practiceView
    var view: QOFPracticeView?
    var selected = 0
    var first = 0
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
        return [.query(.qofPracticeView(limit: PracticeViewScreen.limit))]
    }

    var entries: [QOFPracticeView.Entry] { view?.entries ?? [] }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        if let moved = ListKeys.moved(key, selected, count: entries.count) { selected = moved; return [] }
        switch key {
        case .ctrl("t"):
            guard s.toggleMyTeamsOnly() else { return [] }
            selected = 0
            return load()
        case .enter:
            guard entries.indices.contains(selected), let id = entries[selected].patient.id else {
                s.say("There is no patient to open", .error)
                return []
            }
            return [.openPatient(id), .exit("open")]
        case .escape: return [.go(.back)]
        default:
            s.say("Keys here: ↑↓ choose, Enter opens the patient's record, Esc goes back" + (s.staff.map { !$0.teamIds.isEmpty } == true ? ", Ctrl-T my team or everyone" : ""), .error)
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
            Draw.paragraph(&g, "No support discussion or Cancer Care Review is due or missed" + (s.registerTeams == nil ? "." : " for your teams' patients (Ctrl-T: everyone)."),
                           x: x, y: y, width: w, maxY: area.bottom)
            return
        }
        let nameWidth = max(8, area.width - 61)
        g.put(DisplayWidth.truncate(" Deadline    Left        Review NHS number   " + DisplayWidth.pad("Name", to: nameWidth) + " Invitations", to: area.width),
              x: area.x, y: y, style: Style(.heading))
        y += 1
        let more = view.total > view.entries.count
        let height = area.bottom - y - (more ? 1 : 0)
        let firstRow = ScrollWindow.firstVisible(selected: selected, count: view.entries.count, height: height, previousFirst: first)
        for (i, e) in view.entries.enumerated().dropFirst(firstRow).prefix(height) {
            let deadline = e.status.state.deadline ?? s.today
            let left = QOFWords.daysLeft(deadline, today: s.today).replacingOccurrences(of: " days", with: "").replacingOccurrences(of: " day", with: "")
            let text = " " + DisplayWidth.pad(deadline.display, to: 12) + DisplayWidth.pad(left, to: 12) + DisplayWidth.pad(e.status.code, to: 7)
                + DisplayWidth.pad(e.patient.nhsNumber.formatted, to: 13)
                + DisplayWidth.pad(DisplayWidth.truncate(e.patient.displayName, to: nameWidth), to: nameWidth + 1)
                + QOFWords.invitationStatus(e.status.invitations, records: [], short: true)
            Draw.row(&g, text, x: area.x, y: y, width: area.width, selected: i == selected, style: QOFWords.style(e.status.state))
            y += 1
        }
        if more, y < area.bottom {
            g.put(" The \(view.entries.count) soonest of \(view.total) shown", x: area.x, y: area.bottom - 1, style: Style(.dim), maxWidth: area.width)
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        [KeyHint("↑↓", "choose"), KeyHint("Enter", "open record")]
            + (s.staff.map { !$0.teamIds.isEmpty } == true ? [KeyHint("^T", s.registerTeams == nil ? "my team" : "everyone")] : [])
            + [KeyHint("Esc", "back")]
    }

    /// Whose patients the list shows.
    func title(_ s: Session) -> String? {
        guard s.staff.map({ !$0.teamIds.isEmpty }) == true else { return nil }
        return s.registerTeams == nil ? "Reviews due: all patients" : "Reviews due: " + s.myTeamNames.joined(separator: ", ")
    }
}
