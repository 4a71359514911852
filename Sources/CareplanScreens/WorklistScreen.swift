import CareplanCore
import Foundation
import TermUI

extension ScreenKind {
    public static let worklist = ScreenKind("worklist")
}

/// The clinician's home screen (issue 14): what needs doing for their teams' patients, most urgent first, with
/// the counts of each kind above. Tab chooses one kind (or all), Ctrl-T the user's teams or everyone, Enter
/// opens the item where it is done. A role that records no care (an administrator) goes on to the patients.
struct WorklistScreen: Screen {
    let kind = ScreenKind.worklist
    var list: Worklist?
    /// The kind shown (nil: every kind).
    var only: WorkKind?
    var selected = 0
    var first = 0

    /// The kind shown and the item chosen (by what it opens, else by row), kept in the session while an
    /// item is open.
    struct Place: Equatable {
        var only: WorkKind?
        var target: WorkTarget
        var row: Int
    }
    var returning: Place?

    init(_ s: Session) {
        returning = s.worklistPlace
        only = returning?.only
        s.worklistPlace = nil
    }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .opened:
            guard s.may(FollowUpPermission.record) else { return [.exit("register")] }
            s.workTarget = nil
            return load()
        case .answer(.worklist(let found)):
            list = found
            if let place = returning {
                // Done meanwhile, the item is gone: the one now in its row.
                selected = items.firstIndex { $0.target == place.target } ?? place.row
                returning = nil
            }
            selected = min(selected, max(0, items.count - 1))
        case .key(let key): return handle(key, s)
        default: break
        }
        return []
    }

    /// Emptied first: a list the store refuses shows none.
    mutating func load() -> [Command] {
        list = nil
        return [.query(.worklist)]
    }

    var items: [WorkItem] { (list?.items ?? []).filter { only == nil || $0.kind == only } }

    /// The kinds Tab goes through: those with something to do.
    var kindsWithWork: [WorkKind] { WorkKind.allCases.filter { (list?.counts[$0] ?? 0) > 0 } }

    mutating func cycleKind(by step: Int) {
        let ring: [WorkKind?] = [nil] + kindsWithWork
        let at = ring.firstIndex(of: only) ?? 0
        only = ring[(at + step + ring.count) % ring.count]
        selected = 0
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        if let moved = ListKeys.moved(key, selected, count: items.count) { selected = moved; return [] }
        switch key {
        case .tab: cycleKind(by: 1)
        case .backTab: cycleKind(by: -1)
        case .ctrl("t"):
            guard s.toggleMyTeamsOnly() else { return [] }
            selected = 0
            return load()
        case .function(6): return s.refuses(.reports) ? [] : [.exit("reports")]
        case .ctrl("r"):
            return load()
        case .enter:
            guard items.indices.contains(selected) else {
                s.say("There is nothing to open" + (only == nil ? "" : ": Tab shows the other kinds"), .error)
                return []
            }
            s.worklistPlace = Place(only: only, target: items[selected].target, row: selected)
            return WorklistScreen.open(items[selected], s)
        case .escape: return [.exit("register")]
        default:
            s.say("Keys here: ↑↓ choose, Enter opens where it is done, Tab one kind or all, Ctrl-R again, Esc the patients"
                  + (s.staff.map { !$0.teamIds.isEmpty } == true ? ", Ctrl-T my team or everyone" : ""), .error)
        }
        return []
    }

    /// Straight into the screen where the item is done.
    static func open(_ item: WorkItem, _ s: Session) -> [Command] {
        guard let patientId = item.patient.id else { return [] }
        let patient = Command.openPatient(patientId)
        switch item.target {
        case .contact, .result, .test, .enrolment:
            s.workTarget = item.target
            return [patient, .exit("follow-up")]
        case .assessment(let id):
            switch item.kind {
            case .selfAssessmentWaiting: return [patient, .openAssessment(id), .exit("waiting")]
            case .carePlanInProgress: return [patient, .openAssessment(id), .exit("continue")]
            case .planReviewDue: return [patient, .openAssessment(id), .exit("view")]
            default: return [patient, .exit("open")]
            }
        case .document(let id?): return [patient, .openDocument(id), .exit("document")]
        case .document(nil), .careReview: return [patient, .exit("open")]
        }
    }

    /// As the list and the counts say each kind.
    static func label(_ k: WorkKind) -> String {
        switch k {
        case .contactToReturn: return "Call to return"
        case .resultToReview: return "Result to review"
        case .testOverdue: return "Test overdue"
        case .testDueSoon: return "Test due"
        case .dischargeDue: return "Discharge due"
        case .followUpSuspended: return "Suspended"
        case .selfAssessmentWaiting: return "Kiosk HNA waiting"
        case .hnaNotDone: return "HNA not done"
        case .carePlanInProgress: return "Plan in progress"
        case .planReviewDue: return "Plan review due"
        case .eotsDue: return "EoTS due"
        case .careReviewDue: return "QOF review due"
        }
    }

    /// What the item is about: a QOF indicator by its code (CAN004), else as the store says (a test's name).
    static func about(_ item: WorkItem, _ s: Session) -> String {
        guard case .careReview(let id) = item.target else {
            // A result's test by its name, not its code (cea).
            return s.configuration.pathways.values.lazy.compactMap { $0.test(item.what)?.name }.first ?? item.what
        }
        return s.configuration.qof.edition(on: s.today)?.indicator(id)?.code ?? item.what
    }

    static func countLabel(_ k: WorkKind) -> String {
        switch k {
        case .contactToReturn: return "Calls"
        case .resultToReview: return "Results"
        case .testOverdue: return "Tests overdue"
        case .testDueSoon: return "Tests due"
        case .dischargeDue: return "Discharges"
        case .followUpSuspended: return "Suspended"
        case .selfAssessmentWaiting: return "Kiosk HNAs"
        case .hnaNotDone: return "HNAs not done"
        case .carePlanInProgress: return "Plans open"
        case .planReviewDue: return "Plan reviews"
        case .eotsDue: return "EoTS due"
        case .careReviewDue: return "QOF reviews"
        }
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        var y = area.y
        let x = area.x + 1, w = area.width - 2
        guard let list else { return }
        // The counts of every kind, the overdue among them, wrapped: a kind with none is not worth a column.
        let counts = WorkKind.allCases.compactMap { k -> String? in
            let n = list.counts[k] ?? 0
            guard n > 0 else { return nil }
            let late = list.overdueCounts[k] ?? 0
            return "\(WorklistScreen.countLabel(k)) \(n)" + (late > 0 && k != .testOverdue ? " (\(late) late)" : "")
        }
        // Wrapped between kinds, never inside one ("QOF reviews 5 (5 late)" stays whole).
        var rows = [String]()
        for c in counts.isEmpty ? ["Nothing to do"] : counts {
            if let last = rows.last, DisplayWidth.of(last + " · " + c) <= w { rows[rows.count - 1] = last + " · " + c } else { rows.append(c) }
        }
        for row in rows.prefix(2) where y < area.bottom {
            g.put(DisplayWidth.truncate(row, to: w), x: x, y: y, style: Style(.heading, bold: true))
            y += 1
        }
        let showing = "Showing: " + (only.map(WorklistScreen.label) ?? "everything") + (kindsWithWork.count > 1 || only != nil ? " (Tab: another kind)" : "")
        g.put(showing, x: x, y: y, style: Style(.dim), maxWidth: w)
        y += 1
        guard y < area.bottom else { return }
        if items.isEmpty {
            y += 1
            Draw.paragraph(&g, (only == nil ? "Nothing needs doing" : "Nothing of this kind")
                           + (s.registerTeams == nil ? "." : " for your teams' patients (Ctrl-T: everyone)."), x: x, y: y, width: w, maxY: area.bottom)
            return
        }
        let whatWidth = max(6, area.width - 66)
        g.put(DisplayWidth.truncate("  Due         " + DisplayWidth.pad("What", to: 18) + DisplayWidth.pad("Patient", to: 19) + "NHS number   "
                                    + "About", to: area.width), x: area.x, y: y, style: Style(.heading))
        y += 1
        let total = list.counts.filter { only == nil || $0.key == only }.values.reduce(0, +)
        let more = total > items.count
        let height = area.bottom - y - (more ? 1 : 0)
        let firstRow = ScrollWindow.firstVisible(selected: selected, count: items.count, height: height, previousFirst: first, jump: true)
        for (i, item) in items.enumerated().dropFirst(firstRow).prefix(height) {
            let mark = item.redFlag ? "!!" : item.overdue ? "! " : "  "
            let text = mark + DisplayWidth.pad(item.due.display, to: 12) + DisplayWidth.pad(WorklistScreen.label(item.kind), to: 18)
                + DisplayWidth.pad(DisplayWidth.truncate(item.patient.displayName, to: 18), to: 19)
                + DisplayWidth.pad(item.patient.nhsNumber.formatted, to: 13)
                + DisplayWidth.truncate(item.redFlag ? "red flag" : WorklistScreen.about(item, s), to: whatWidth)
            Draw.row(&g, text, x: area.x, y: y, width: area.width, selected: i == selected,
                     style: item.redFlag || item.overdue ? Style(.error) : .normal)
            y += 1
        }
        if more, y < area.bottom {
            g.put(" The \(items.count) most urgent of \(total) shown", x: area.x, y: area.bottom - 1, style: Style(.dim), maxWidth: area.width)
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        // Esc before the rest: the key line is cut at 80 columns and the way to the patients must show.
        [KeyHint("↑↓", "choose"), KeyHint("Enter", "open"), KeyHint("Esc", "patients", exit: "register"), KeyHint("Tab", "kind")]
            + (s.staff.map { !$0.teamIds.isEmpty } == true ? [KeyHint("^T", s.registerTeams == nil ? "my team" : "everyone")] : [])
            // The reports before ^R: F6 is found here or nowhere, ^R is what F1 and the list's own changes teach.
            + [KeyHint("F6", "reports", exit: "reports", needs: .reports), KeyHint("^R", "again")]
    }

    /// Everyone's, once Ctrl-T shows everyone (the flow's line says the teams').
    func hint(_ s: Session) -> String? {
        s.registerTeams == nil ? "What needs doing for every patient, most urgent first" : nil
    }

    /// Whose work the list shows.
    func title(_ s: Session) -> String? {
        guard s.staff.map({ !$0.teamIds.isEmpty }) == true else { return nil }
        return s.registerTeams == nil ? "Worklist: all patients" : "Worklist: " + s.myTeamNames.joined(separator: ", ")
    }
}
