import CareplanCore
import Foundation
import TermUI

extension ScreenKind {
    public static let followUp = ScreenKind("follow-up")
}

/// A change to the open patient's follow-up, as the screen asks it; the runtime checks the patient and the
/// role (`FollowUpPermission`) and runs it against the store.
package enum FollowUpAction: Equatable {
    case enrol(pathwayId: String, start: LocalDate, fromDocument: Int64?)
    case change(ScheduleChange, enrolmentId: Int64)
    case mark(testId: Int64, TestProgress, on: LocalDate, enrolmentId: Int64)
    case result(NewResult, testId: Int64, enrolmentId: Int64)
    case review(resultId: Int64, ReviewOutcome, note: String, enrolmentId: Int64)
    /// A reason suspends; nil resumes.
    case suspend(enrolmentId: Int64, reason: String?)
    case discharge(enrolmentId: Int64, DischargeReason, on: LocalDate)
    case contact(NewContact)
    case returnContact(Int64, ContactResponse, note: String, at: Date)

    /// Recording is for the roles that record actions; deciding (a review, suspending, discharging, and moving
    /// or skipping a test of the pathway's schedule) for those that agree plans.
    package var permission: Permission {
        switch self {
        case .review, .suspend, .discharge, .change(.move, _), .change(.skip, _): return FollowUpPermission.decide
        default: return FollowUpPermission.record
        }
    }
}

/// The open patient's follow-up as the runtime read it.
package struct FollowUpView: Equatable {
    /// Newest first: the first is the one shown.
    package var enrolments: [Enrolment]
    /// The shown enrolment's tests, results (newest first) and history (oldest first).
    package var tests: [ScheduledTest]
    package var results: [TestResult]
    package var history: [FollowUpChange]
    /// The patient's calls, newest first.
    package var contacts: [Contact]
    /// From the patient's latest signed End of Treatment Summary, when it plans supported self-management: a
    /// pathway for their cancer and the summary's date, offered when putting them on one.
    package var offer: Offer?

    package struct Offer: Equatable {
        package var pathwayId: String
        package var start: LocalDate
        package var documentId: Int64
        package init(pathwayId: String, start: LocalDate, documentId: Int64) {
            self.pathwayId = pathwayId
            self.start = start
            self.documentId = documentId
        }
    }

    package init(enrolments: [Enrolment], tests: [ScheduledTest], results: [TestResult], history: [FollowUpChange], contacts: [Contact], offer: Offer?) {
        self.enrolments = enrolments
        self.tests = tests
        self.results = results
        self.history = history
        self.contacts = contacts
        self.offer = offer
    }

    package var enrolment: Enrolment? { enrolments.first }
}

extension Session {
    /// Follow-up's today and now: the care clock's (moved only for tests and demonstrations).
    package var careToday: LocalDate { clock.today(now) }
    package var careNow: Date { clock.now(now) }
}

/// One patient's follow-up (issue 14): the pathway they are on, its schedule, their results and calls, and
/// the history of every change; each change made in a small form whose problems show next to the field.
struct FollowUpScreen: Screen {
    let kind = ScreenKind.followUp
    enum Pane: Int, CaseIterable { case schedule, results, calls, history }
    var view: FollowUpView?
    var pane = Pane.schedule
    var selected = 0
    var first = 0
    /// What the worklist opened this screen on: selected once the follow-up is read.
    var target: WorkTarget?
    let fromWorklist: Bool
    var entry: FollowUpEntry?

    init(_ s: Session) {
        target = s.workTarget
        fromWorklist = s.workTarget != nil
        s.workTarget = nil
    }

    var takesText: Bool { entry?.form.takesText ?? false }
    var inSubForm: Bool { entry != nil }
    var hasUnsavedInput: Bool { entry?.form.dirty ?? false }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .opened: return reload(s)
        case .answer(.followUp(let found)):
            view = found
            if let target { select(target); self.target = nil }
            selected = min(selected, max(0, rowCount - 1))
        case .answer(.followUpSaved(let action)):
            entry = nil
            s.say(FollowUpScreen.said(action))
            return reload(s)
        case .key(let key): return handle(key, s)
        default: break
        }
        return []
    }

    mutating func reload(_ s: Session) -> [Command] {
        guard let id = s.patient?.id else { return [] }
        return [.query(.followUp(patientId: id))]
    }

    mutating func select(_ target: WorkTarget) {
        guard let view else { return }
        switch target {
        case .contact(let id, _): pane = .calls; selected = view.contacts.firstIndex { $0.id == id } ?? 0
        case .result(let id, _): pane = .results; selected = view.results.firstIndex { $0.id == id } ?? 0
        case .test(let id, _): pane = .schedule; selected = view.tests.firstIndex { $0.id == id } ?? 0
        default: pane = .schedule
        }
    }

    var rowCount: Int {
        guard let view else { return 0 }
        switch pane {
        case .schedule: return view.tests.count
        case .results: return view.results.count
        case .calls: return view.contacts.count
        case .history: return view.history.count
        }
    }

    var enrolment: Enrolment? { view?.enrolment }
    var selectedTest: ScheduledTest? { pane == .schedule && view?.tests.indices.contains(selected) == true ? view!.tests[selected] : nil }
    var selectedResult: TestResult? { pane == .results && view?.results.indices.contains(selected) == true ? view!.results[selected] : nil }
    var selectedContact: Contact? { pane == .calls && view?.contacts.indices.contains(selected) == true ? view!.contacts[selected] : nil }

    func pathway(_ s: Session) -> Pathway? { enrolment.flatMap { s.configuration.pathways[$0.pathwayId] } }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        if var e = entry {
            if key == .escape { entry = nil; s.say("Nothing recorded"); return [] }
            let out = e.handle(key, s)
            entry = e
            return out
        }
        if let moved = ListKeys.moved(key, selected, count: rowCount) { selected = moved; return [] }
        switch key {
        case .tab, .backTab:
            let n = Pane.allCases.count
            pane = Pane(rawValue: (pane.rawValue + (key == .tab ? 1 : n - 1)) % n)!
            selected = 0
            first = 0
        case .escape: return [.exit(fromWorklist ? "worklist" : "back")]
        case .text(let t) where t.count == 1: return letter(Character(t.lowercased()), s)
        case .enter where pane == .calls: return letter("t", s)
        default: s.say("Keys here: " + commandKeys(s), .error)
        }
        return []
    }

    /// Opens the form of a letter's command, when the role may and the chosen row allows it.
    mutating func letter(_ c: Character, _ s: Session) -> [Command] {
        let needsEnrolment = "rdemsauxl"
        if needsEnrolment.contains(c), enrolment == nil {
            s.say("The patient is not on a follow-up pathway: P puts them on one", .error)
            return []
        }
        let discharged = enrolment?.status == .discharged
        switch c {
        case "p":
            if s.refuses(FollowUpPermission.record, doing: FollowUpScreen.recording) { return [] }
            if let e = enrolment, e.status != .discharged {
                s.say("Already on \(s.configuration.pathways[e.pathwayId]?.title ?? e.pathwayId): discharge first (X)", .error)
                return []
            }
            guard !s.configuration.pathways.isEmpty else { s.say("No pathway is configured (Resources/pathways)", .error); return [] }
            entry = .enrol(s, offer: view?.offer)
        case "r", "d", "e", "m", "s":
            guard let test = selectedTest else { s.say(pane == .schedule ? "There is no test to change" : "Tab to the schedule and choose a test first", .error); return [] }
            if s.refuses(FollowUpPermission.record, doing: FollowUpScreen.recording) || refusedAfterDischarge(discharged, s) { return [] }
            switch c {
            case "r", "d":
                guard test.status.isOpen else { s.say("Only a test still to be done can be marked \(c == "r" ? "requested" : "done")", .error); return [] }
                entry = .mark(c == "r" ? .requested : .done, test, s)
            case "e":
                guard test.status != .resultReceived, test.status != .skipped else {
                    s.say(test.status == .skipped ? "The test was skipped: A adds another" : "Its result is recorded: Tab to the results", .error)
                    return []
                }
                entry = .result(test, rule: pathway(s)?.test(test.code)?.review, s)
            case "m", "s":
                guard test.status.isOpen else { s.say("Only a test still to be done can be \(c == "m" ? "moved" : "skipped")", .error); return [] }
                entry = c == "m" ? .move(test, s) : .skip(test)
            default: break
            }
        case "a":
            if s.refuses(FollowUpPermission.record, doing: FollowUpScreen.recording) || refusedAfterDischarge(discharged, s) { return [] }
            guard let p = pathway(s) else { s.say("The pathway is no longer configured: no test can be added", .error); return [] }
            entry = .add(p, enrolmentId: enrolment!.id, s)
        case "v":
            if s.refuses(FollowUpPermission.decide, doing: FollowUpScreen.deciding) { return [] }
            guard let r = selectedResult else { s.say(pane == .results ? "There is no result to review" : "Tab to the results and choose one first", .error); return [] }
            guard r.needsReview, r.review == nil else { s.say(r.review == nil ? "This result needs no review" : "This result is reviewed already", .error); return [] }
            entry = .review(r)
        case "u":
            if s.refuses(FollowUpPermission.decide, doing: FollowUpScreen.deciding) || refusedAfterDischarge(discharged, s) { return [] }
            guard let e = enrolment else { return [] }
            if e.status == .suspended {
                return [.ask(Question(text: "Resume remote follow-up (suspended: \(e.statusReason))? y = resume, any other key = not now",
                                      yes: [.followUp(.suspend(enrolmentId: e.id, reason: nil))], no: Said("Still suspended"),
                                      yesHint: "resume", noHint: "not now"))]
            }
            entry = .suspend(e)
        case "x":
            if s.refuses(FollowUpPermission.decide, doing: FollowUpScreen.deciding) || refusedAfterDischarge(discharged, s) { return [] }
            entry = .discharge(enrolment!, s)
        case "c":
            if s.refuses(FollowUpPermission.record, doing: FollowUpScreen.recording) { return [] }
            entry = .call(enrolmentId: enrolment.flatMap { $0.status == .discharged ? nil : $0.id }, s)
        case "t":
            if s.refuses(FollowUpPermission.record, doing: FollowUpScreen.recording) { return [] }
            guard let c = selectedContact else { s.say(pane == .calls ? "There is no call to return: C logs one" : "Tab to the calls and choose one first", .error); return [] }
            guard c.returnedAt == nil else { s.say("This call was returned already", .error); return [] }
            entry = .returnCall(c, s)
        case "l":
            if s.refuses(.export, doing: "save a letter") { return [] }
            return letterCommands(s)
        default:
            s.say("Keys here: " + commandKeys(s), .error)
        }
        return []
    }

    static let deciding = "review results, suspend or discharge from follow-up"
    static let recording = "record follow-up"

    func refusedAfterDischarge(_ discharged: Bool, _ s: Session) -> Bool {
        if discharged { s.say("The patient was discharged from this pathway: P puts them on one again", .error) }
        return discharged
    }

    /// L: the discharge letter once discharged, else the results letter of the chosen result.
    func letterCommands(_ s: Session) -> [Command] {
        guard let e = enrolment else { return [] }
        if e.status == .discharged { return [.go(.effect(.exportFollowUpLetter(.discharge(enrolmentId: e.id), format: "pdf")))] }
        guard let r = selectedResult else {
            s.say("Tab to the results and choose one for its letter (the discharge letter comes once discharged)", .error)
            return []
        }
        return [.go(.effect(.exportFollowUpLetter(.results(resultId: r.id, enrolmentId: e.id), format: "pdf")))]
    }

    func commandKeys(_ s: Session) -> String {
        let rec = s.may(FollowUpPermission.record), dec = s.may(FollowUpPermission.decide)
        let all: [(String, Bool)] = [("Tab pane", true), ("P pathway", rec && (enrolment == nil || enrolment?.status == .discharged)),
                                     ("R requested · D done · E result · M move · S skip · A add", rec && enrolment != nil && pane == .schedule),
                                     ("V review", dec && pane == .results), ("C log a call · Enter returned", rec && pane == .calls),
                                     ("U suspend/resume · X discharge", dec && enrolment != nil), ("L letter", s.may(.export) && enrolment != nil),
                                     ("Esc back", true)]
        return all.filter(\.1).map(\.0).joined(separator: " · ")
    }

    static func said(_ a: FollowUpAction) -> String {
        switch a {
        case .enrol(_, let start, _): return "Put on the pathway from \(start.display): the schedule is made"
        case .change(.move(_, let to, _), _): return "Moved to \(to.display)"
        case .change(.add(_, let name, let due, _, _), _): return "\(name) added, due \(due.display)"
        case .change(.skip, _): return "Skipped, with its reason kept"
        case .mark(_, let p, let on, _): return "Marked \(p.rawValue) on \(on.display)"
        case .result: return "Result recorded"
        case .review(_, let o, _, _): return "Reviewed: " + FollowUpWords.outcome(o)
        case .suspend(_, let reason): return reason == nil ? "Remote follow-up resumed" : "Remote follow-up suspended"
        case .discharge: return "Discharged: L saves the discharge letter"
        case .contact: return "Call logged: Enter records it returned"
        case .returnContact: return "Call returned"
        }
    }

    // MARK: Drawing

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        if let entry {
            g.put(" " + entry.title, x: area.x, y: area.y, style: Style(.heading, bold: true), maxWidth: area.width)
            entry.form.render(into: &g, Area(x: area.x + 1, y: area.y + 2, width: area.width - 2, height: area.height - 2))
            return
        }
        guard let view else { return }
        var y = area.y
        let x = area.x + 1, w = area.width - 2
        guard let e = view.enrolment else {
            y = Draw.paragraph(&g, "Not on a follow-up pathway." + (s.may(FollowUpPermission.record) ? " P puts the patient on one." : ""),
                               x: x, y: y, width: w, maxY: area.bottom, style: Style(.heading, bold: true))
            if let o = view.offer, let p = s.configuration.pathways[o.pathwayId] {
                Draw.paragraph(&g, "The End of Treatment Summary of \(o.start.display) plans supported self-management: P offers \(p.title) from that date.",
                               x: x, y: y + 1, width: w, maxY: area.bottom)
            }
            return
        }
        let p = s.configuration.pathways[e.pathwayId]
        let status: String
        switch e.status {
        case .active: status = "active"
        case .suspended: status = "SUSPENDED: \(e.statusReason)"
        case .discharged: status = "discharged \(e.dischargedOn?.display ?? ""): \(e.statusReason)"
        }
        g.put(DisplayWidth.truncate("\(p?.title ?? e.pathwayId) · \(status)", to: w), x: x, y: y,
              style: Style(e.status == .active ? .heading : .warning, bold: true))
        y += 1
        let end = e.end <= s.careToday && e.status != .discharged ? " (ended: X discharges)" : ""
        g.put(DisplayWidth.truncate("From \(e.start.display) to \(e.end.display)\(end) · \(e.pathwayId) \(e.pathwayVersion)"
                                    + (p?.isExample == true ? " · example: confirm locally" : ""), to: w), x: x, y: y, style: Style(.dim))
        y += 1
        let open = view.contacts.filter { $0.returnedAt == nil }.count, toReview = view.results.filter { $0.needsReview && $0.review == nil }.count
        let tabs: [(Pane, String)] = [(.schedule, "Schedule \(view.tests.count)"), (.results, "Results \(view.results.count)" + (toReview > 0 ? " (\(toReview) to review)" : "")),
                                      (.calls, "Calls \(view.contacts.count)" + (open > 0 ? " (\(open) open)" : "")), (.history, "History")]
        var tx = x
        for (tab, label) in tabs where tx < area.right {
            let text = tab == pane ? "[\(label)]" : " \(label) "
            g.put(text, x: tx, y: y, style: Style(tab == pane ? .heading : .dim, bold: tab == pane), maxWidth: area.right - tx)
            tx += DisplayWidth.of(text) + 1
        }
        y += 1
        let rows = lines(view, s, width: area.width)
        g.put(DisplayWidth.truncate(rows.header, to: area.width), x: area.x, y: y, style: Style(.heading))
        y += 1
        guard !rows.lines.isEmpty else {
            Draw.paragraph(&g, rows.empty, x: x, y: y, width: w, maxY: area.bottom, style: Style(.dim))
            return
        }
        let height = area.bottom - y
        let firstRow = ScrollWindow.firstVisible(selected: selected, count: rows.lines.count, height: height, previousFirst: first, jump: true)
        for (i, line) in rows.lines.enumerated().dropFirst(firstRow).prefix(height) {
            Draw.row(&g, line.text, x: area.x, y: y, width: area.width, selected: i == selected, style: line.alert ? Style(.error) : .normal)
            y += 1
        }
    }

    func lines(_ view: FollowUpView, _ s: Session, width: Int) -> (header: String, lines: [(text: String, alert: Bool)], empty: String) {
        let today = s.careToday
        switch pane {
        case .schedule:
            let nameWidth = 30
            let lines = view.tests.map { t -> (String, Bool) in
                let late = t.isOverdue(today: today)
                let status: String
                switch t.status {
                case .scheduled: status = late ? "OVERDUE since \(t.overdueFrom.display)" : "due"
                case .requested: status = (late ? "OVERDUE, " : "") + "requested \(t.statusDate?.display ?? "")"
                case .done: status = "done \(t.statusDate?.display ?? ""), result awaited"
                case .resultReceived:
                    let r = view.results.first { $0.testId == t.id }
                    status = "result " + (r.map { $0.value.words + ($0.needsReview ? ($0.review == nil ? ": TO REVIEW" : ": reviewed") : "") } ?? "received")
                case .skipped: status = "skipped: \(t.skipReason)"
                }
                return ((late ? "! " : "  ") + DisplayWidth.pad(t.due.display, to: 12)
                        + DisplayWidth.pad(DisplayWidth.truncate(t.name + (t.added ? " (added)" : ""), to: nameWidth - 1), to: nameWidth) + status,
                        late || (t.status == .resultReceived && view.results.contains { $0.testId == t.id && $0.needsReview && $0.review == nil }))
            }
            return ("  Due         " + DisplayWidth.pad("Test", to: nameWidth) + "Status", lines.map { (text: $0.0, alert: $0.1) }, "No tests scheduled.")
        case .results:
            let lines = view.results.map { r -> (text: String, alert: Bool) in
                let name = view.tests.first { $0.id == r.testId }?.name ?? r.code
                let review = !r.needsReview ? "no review needed" : r.review.map { "seen: " + FollowUpWords.outcome($0.outcome) } ?? "TO REVIEW (V)"
                return ("  " + DisplayWidth.pad(r.takenOn.display, to: 12) + DisplayWidth.pad(DisplayWidth.truncate(name, to: 23), to: 24)
                        + DisplayWidth.pad(DisplayWidth.truncate(r.value.words, to: 15), to: 16) + review,
                        r.needsReview && r.review == nil)
            }
            return ("  Taken       " + DisplayWidth.pad("Test", to: 24) + DisplayWidth.pad("Result", to: 16) + "Review", lines, "No results yet: E on a test of the schedule records one.")
        case .calls:
            let lines = view.contacts.map { c -> (text: String, alert: Bool) in
                // Returned the same day: its time is enough.
                let returned = c.returnedAt.map { at in
                    "returned " + (LocalDate(at) == LocalDate(c.at) ? String(Draw.dateTime(at).suffix(5)) : Draw.dateTime(at)) + ": " + FollowUpWords.response(c.response)
                } ?? "NOT RETURNED"
                return ((c.redFlag ? "!!" : "  ") + DisplayWidth.pad(Draw.dateTime(c.at), to: 19) + DisplayWidth.pad(DisplayWidth.truncate(c.reason, to: 19), to: 20) + returned,
                        c.returnedAt == nil)
            }
            return ("  Called             " + DisplayWidth.pad("Why", to: 20) + "Returned", lines, "No calls logged: C logs one.")
        case .history:
            let names = Dictionary(view.tests.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let lines = view.history.reversed().map { h -> (text: String, alert: Bool) in
                var what = FollowUpWords.change(h.kind)
                if let id = h.testId, let n = names[id] { what += " " + n }
                if let from = h.from, let to = h.to, from != to { what += " \(from.display) → \(to.display)" } else if let to = h.to { what += " \(to.display)" }
                if !h.reason.isEmpty { what += ": " + h.reason }
                return ("  " + DisplayWidth.pad(Draw.dateTime(h.at), to: 19) + DisplayWidth.pad(DisplayWidth.truncate(h.by, to: 11), to: 12) + what, false)
            }
            return ("  When               By          What", lines, "No changes yet.")
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        if let entry { return entry.keys }
        var k = [KeyHint("Tab", "pane")]
        switch pane {
        case .schedule where enrolment != nil:
            k += [KeyHint("E", "result", needs: FollowUpPermission.record), KeyHint("R/D", "req/done", needs: FollowUpPermission.record),
                  KeyHint("M", "move", needs: FollowUpPermission.record), KeyHint("S", "skip", needs: FollowUpPermission.record),
                  KeyHint("A", "add", needs: FollowUpPermission.record)]
        case .results: k += [KeyHint("V", "review", needs: FollowUpPermission.decide), KeyHint("L", "letter", needs: .export)]
        case .calls: k += [KeyHint("C", "log call", needs: FollowUpPermission.record), KeyHint("Enter", "returned", needs: FollowUpPermission.record)]
        default: break
        }
        if enrolment == nil || enrolment?.status == .discharged { k.append(KeyHint("P", "pathway", needs: FollowUpPermission.record)) }
        if let e = enrolment, e.status != .discharged {
            k += [KeyHint("U", e.status == .suspended ? "resume" : "suspend", needs: FollowUpPermission.decide), KeyHint("X", "discharge", needs: FollowUpPermission.decide)]
        }
        if enrolment?.status == .discharged { k.append(KeyHint("L", "letter", needs: .export)) }
        return k + [KeyHint("Esc", "back")]
    }

    func title(_ s: Session) -> String? { "Follow-up" }
}

/// Follow-up's words, one place for the screens and the letters' callers.
package enum FollowUpWords {
    package static func judgement(_ j: ResultJudgement) -> String {
        switch j {
        case .normal: return "normal"
        case .abnormal: return "abnormal"
        case .needsReview: return "needs review"
        }
    }
    package static func outcome(_ o: ReviewOutcome) -> String {
        switch o {
        case .noAction: return "no action"
        case .contactPatient: return "contact the patient"
        case .referToClinic: return "refer back to clinic"
        }
    }
    package static func response(_ r: ContactResponse?) -> String {
        switch r {
        case .advice: return "advice"
        case .urgentAppointment: return "urgent appointment"
        case .testBroughtForward: return "test brought forward"
        case nil: return ""
        }
    }
    package static func change(_ k: FollowUpChange.Kind) -> String {
        switch k {
        case .resultReceived: return "result received"
        default: return k.rawValue
        }
    }
}
