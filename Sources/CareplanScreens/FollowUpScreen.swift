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

/// The open patient's follow-up as the runtime read it: every enrolment, so that an old one's results stay
/// reachable (and reviewable) after the patient is put on another pathway.
package struct FollowUpView: Equatable {
    /// Newest first.
    package var enrolments: [Enrolment]
    /// Every enrolment's tests, results (newest first) and history (oldest first); `showing` keeps one's.
    package var tests: [ScheduledTest]
    package var results: [TestResult]
    package var history: [FollowUpChange]
    /// The patient's calls, newest first.
    package var contacts: [Contact]
    /// From the patient's latest signed End of Treatment Summary, when it plans supported self-management: a
    /// pathway for their cancer and the summary's date, offered when putting them on one.
    package var offer: Offer?
    /// The enrolment shown (nil: the newest).
    package var shownId: Int64?

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

    package var enrolment: Enrolment? { enrolments.first { $0.id == shownId } ?? enrolments.first }

    /// The same with only one enrolment's tests, results and history (nil or gone: the newest's).
    package func showing(_ id: Int64?) -> FollowUpView {
        var v = self
        v.shownId = id
        guard let shown = v.enrolment?.id else { return v }
        v.tests = tests.filter { $0.enrolmentId == shown }
        v.results = results.filter { $0.enrolmentId == shown }
        v.history = history.filter { $0.enrolmentId == shown }
        return v
    }

    /// An enrolment's results still to review.
    package func toReview(in id: Int64) -> Int { results.filter { $0.enrolmentId == id && $0.needsReview && $0.review == nil }.count }
}

extension Session {
    var followUpDraftKey: String? { patient?.id.map { "\(user)#\($0)" } }
    /// The open patient's follow-up form this user left unsaved, taken out of the session.
    func takeFollowUpDraft() -> FollowUpEntry? { followUpDraftKey.flatMap { followUpDrafts.removeValue(forKey: $0) } }
    func keepFollowUpDraft(_ e: FollowUpEntry) { if let k = followUpDraftKey { followUpDrafts[k] = e } }
    /// The titles of the follow-up forms this user left unsaved: quitting loses them.
    package var unsavedFollowUpForms: [String] { followUpDrafts.filter { $0.key.hasPrefix(user + "#") }.map(\.value.title).sorted() }

    /// The care clock's now (moved only for tests and demonstrations), for times recorded as the user's
    /// (a call, a plan agreed); `now` stays the real time, for the audit trail and idle locks.
    package var careNow: Date { clock.now(now) }
}

/// One patient's follow-up (issue 14): the pathway they are on, its schedule, their results and calls, and
/// the history of every change; each change made in a small form whose problems show next to the field.
struct FollowUpScreen: Screen {
    let kind = ScreenKind.followUp
    enum Pane: Int, CaseIterable { case schedule, results, calls, history }
    /// Every enrolment's follow-up, as read; `view` is the shown enrolment's.
    var all: FollowUpView?
    /// The enrolment shown, chosen with O or by the worklist's item (nil: the newest).
    var shownId: Int64?
    var view: FollowUpView? { all?.showing(shownId) }
    var pane = Pane.schedule
    var selected = 0
    var first = 0
    /// What the worklist opened this screen on: selected once the follow-up is read.
    var target: WorkTarget?
    let fromWorklist: Bool
    var entry: FollowUpEntry?
    /// Typing that is no command here (a word or a paste after one Esc too many): refused, not acted on.
    var stray = StrayTyping()
    /// When text was last typed into the open form: an Esc straight after is a paste's, and what follows it
    /// is more typing, not commands.
    var formTypedAt: Date?

    init(_ s: Session) {
        target = s.workTarget
        fromWorklist = s.workTarget != nil
        s.workTarget = nil
    }

    var takesText: Bool { entry?.form.takesText ?? false }
    var inSubForm: Bool { entry != nil }
    /// A form left unsaved is kept in the session (`Session.followUpDrafts`): leaving loses nothing.
    var hasUnsavedInput: Bool { (entry?.form.dirty ?? false) && !draftKept }
    var draftKept = false

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        if case .key = message { draftKept = false }
        switch message {
        case .tick:
            // Another terminal changed the store: read again, the chosen row and any open form kept.
            guard let counter = s.changeCounter, counter != seenCounter else { return [] }
            let first = seenCounter == nil
            seenCounter = counter
            return first ? [] : reload(s)
        case .opened:
            seenCounter = s.changeCounter
            if let draft = s.takeFollowUpDraft() {
                entry = draft
                s.say("The form you left is back as you left it: Ctrl-S saves it, Esc drops it")
            }
            return reload(s)
        case .leaving:
            if let entry, entry.form.dirty { s.keepFollowUpDraft(entry); draftKept = true }
        case .answer(.followUp(let found)):
            let chosen = selectedId
            all = found
            if let target { select(target); self.target = nil } else if let chosen, let row = rowIds.firstIndex(of: chosen) { selected = row }
            selected = min(selected, max(0, rowCount - 1))
        case .answer(.followUpSaved(let action)):
            entry = nil
            _ = s.takeFollowUpDraft()
            if case .enrol = action { shownId = nil }
            s.say(FollowUpScreen.said(action))
            if case .returnContact(let id, .testBroughtForward, _, _) = action { offerToBringForward(callId: id, s) }
            return reload(s)
        case .key(let key): return handle(key, s)
        case .answeredTooSoon: stray.at = s.now
        default: break
        }
        return []
    }

    mutating func reload(_ s: Session) -> [Command] {
        guard let id = s.patient?.id else { return [] }
        return [.query(.followUp(patientId: id))]
    }

    /// The worklist's item, in the enrolment it belongs to.
    mutating func select(_ target: WorkTarget) {
        guard let all else { return }
        switch target {
        case .contact(let id, _): pane = .calls; selected = all.contacts.firstIndex { $0.id == id } ?? 0
        case .result(let id, let enrolmentId):
            pane = .results
            shownId = all.results.first { $0.id == id }?.enrolmentId ?? enrolmentId
            selected = view?.results.firstIndex { $0.id == id } ?? 0
        case .test(let id, let enrolmentId):
            pane = .schedule
            shownId = enrolmentId
            selected = view?.tests.firstIndex { $0.id == id } ?? 0
        case .enrolment(let id): pane = .schedule; shownId = id
        default: pane = .schedule
        }
    }

    /// A call answered "test brought forward": the move form of the soonest test still to be done, its reason
    /// said for the nurse (Esc: not now).
    mutating func offerToBringForward(callId: Int64, _ s: Session) {
        guard let e = view?.enrolments.first(where: { $0.status == .active }),
              let test = all?.tests.filter({ $0.enrolmentId == e.id && $0.status.isOpen }).min(by: { $0.due < $1.due }) else {
            s.say("Call returned. No test is waiting to be brought forward: A adds one", .error)
            return
        }
        let call = all?.contacts.first { $0.id == callId }
        var move = FollowUpEntry.move(test, s)
        move.form["date"].input = .text(TextField(s.today.display, maxLength: 20))
        move.form["reason"].input = .text(TextField("Brought forward after the call" + (call.map { " of \(Draw.dateTime($0.at))" } ?? ""), maxLength: Limits.actionText))
        move = FollowUpEntry(what: move.what, title: move.title, form: move.form)
        entry = move
        pane = .schedule
        s.say("Call returned. Bring \(test.name) forward: Ctrl-S moves it, Esc leaves it due \(test.due.display)")
    }

    /// O: the next of the patient's enrolments (newest first, round).
    mutating func showNextEnrolment(_ s: Session) {
        guard let all, all.enrolments.count > 1, let at = all.enrolments.firstIndex(where: { $0.id == enrolment?.id }) else {
            s.say("The patient has been on one follow-up pathway only", .error)
            return
        }
        let next = all.enrolments[(at + 1) % all.enrolments.count]
        shownId = next.id
        selected = 0
        first = 0
        s.say("Showing \(s.configuration.pathways[next.pathwayId]?.title ?? next.pathwayId) from \(next.start.display): O shows the next")
    }

    /// The store's change counter when the follow-up was last read.
    var seenCounter: Int?

    /// The shown pane's rows by id, to keep the chosen one chosen when the follow-up is read again.
    var rowIds: [Int64] {
        guard let view else { return [] }
        switch pane {
        case .schedule: return view.tests.map(\.id)
        case .results: return view.results.map(\.id)
        case .calls: return view.contacts.map(\.id)
        case .history: return view.history.reversed().map(\.id)
        }
    }
    var selectedId: Int64? { rowIds.indices.contains(selected) ? rowIds[selected] : nil }

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
            if key == .escape {
                entry = nil
                _ = s.takeFollowUpDraft()
                s.say("Nothing recorded")
                // An Esc in the middle of typing (a paste's) cancels this form and no more.
                if let t = formTypedAt, s.now.timeIntervalSince(t) < StrayTyping.gap { stray.at = s.now }
                return []
            }
            if case .text = key { formTypedAt = s.now }
            let out = e.handle(key, s)
            entry = e
            return out.map { confirmingDischarge($0, s) }
        }
        if let moved = ListKeys.moved(key, selected, count: rowCount) { selected = moved; return [] }
        let name = s.patient.map { "\($0.givenName) \($0.familyName)" } ?? "the patient"
        if stray.refuses(key, commands: FollowUpScreen.commandLetters, place: "\(name)'s follow-up", keys: commandKeys(s), s) { return [] }
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
        let needsEnrolment = "rdemsauxlg"
        if needsEnrolment.contains(c), enrolment == nil {
            s.say("The patient is not on a follow-up pathway: P puts them on one", .error)
            return []
        }
        let discharged = enrolment?.status == .discharged
        switch c {
        case "p":
            if s.refuses(FollowUpPermission.record, doing: FollowUpScreen.recording) { return [] }
            if let e = all?.enrolments.first(where: { $0.status != .discharged }) {
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
            let test = view?.tests.first { $0.id == r.testId }
            entry = .review(r, test: test?.name ?? r.code, rule: pathway(s)?.test(r.code)?.review)
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
        case "l", "g":
            if s.refuses(.export, doing: "save a letter") { return [] }
            return letterCommands(c == "g", s)
        case "o":
            showNextEnrolment(s)
        default:
            s.say("Keys here: " + commandKeys(s), .error)
        }
        return []
    }

    /// The letters that are commands here; any other text is stray typing.
    static let commandLetters = "prdemsauxvctlog"

    /// A discharge is asked about first, with what is still open on the pathway (`FollowUpOpenItems`, as the
    /// store counts it): tests not done, results to review, results referred back.
    func confirmingDischarge(_ command: Command, _ s: Session) -> Command {
        guard case .followUp(.discharge(let id, _, let on)) = command, let all else { return command }
        let open = FollowUpOpenItems(tests: all.tests.filter { $0.enrolmentId == id }, results: all.results.filter { $0.enrolmentId == id }, on: on)
        func count(_ n: Int, _ what: String) -> String? { n == 0 ? nil : "\(n) \(what)" }
        let counts = [count(open.testsNotDone.count, open.testsNotDone.count == 1 ? "test not done" : "tests not done"),
                      count(open.resultsToReview.count, open.resultsToReview.count == 1 ? "result to review" : "results to review"),
                      count(open.referredBack.count, "referred back")].compactMap { $0 }
        let first = open.lines { code in all.tests.first { $0.code == code }?.name ?? code }.first.map { " (\($0)\(counts.count > 1 || open.testsNotDone.count > 1 ? ", ..." : ""))" } ?? ""
        let text = open.isEmpty ? "Discharge from follow-up? Nothing is open. y = discharge, any other key = not yet"
                                : "Discharge with \(counts.joined(separator: ", "))\(first)? y = discharge, any other key = not yet"
        return .ask(Question(text: text, yes: [command], no: Said("Not discharged: the form is as you left it"), yesHint: "discharge",
                             noHint: "not yet", readingTime: RecordScreen.readingTime))
    }

    static let deciding = "review results, suspend or discharge from follow-up"
    static let recording = "record follow-up"

    func refusedAfterDischarge(_ discharged: Bool, _ s: Session) -> Bool {
        if discharged { s.say("The patient was discharged from this pathway: P puts them on one again", .error) }
        return discharged
    }

    /// L: the chosen result's letter (after discharge too); G: the discharge letter, once discharged.
    func letterCommands(_ discharge: Bool, _ s: Session) -> [Command] {
        guard let e = enrolment else { return [] }
        if discharge {
            guard e.status == .discharged else { s.say("The discharge letter comes once the patient is discharged (X)", .error); return [] }
            return [.go(.effect(.exportFollowUpLetter(.discharge(enrolmentId: e.id), format: "pdf")))]
        }
        guard let r = selectedResult else {
            s.say("Tab to the results and choose one for its letter" + (e.status == .discharged ? " (G saves the discharge letter)" : ""), .error)
            return []
        }
        return [.go(.effect(.exportFollowUpLetter(.results(resultId: r.id, enrolmentId: e.id), format: "pdf")))]
    }

    /// The status line's list of keys: those the role may use here and now, each once.
    func commandKeys(_ s: Session) -> String {
        keys(s).filter { $0.needs.map(s.may) ?? true }.map { "\($0.keys) \($0.action)" }.joined(separator: " · ")
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
        case .discharge: return "Discharged: G saves the discharge letter"
        case .contact: return "Call logged: Enter records it returned"
        case .returnContact: return "Call returned"
        }
    }

    // MARK: Drawing

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        if let entry {
            g.put(" " + entry.title, x: area.x, y: area.y, style: Style(.heading, bold: true), maxWidth: area.width)
            var y = area.y + 1
            for line in entry.context { y = Draw.paragraph(&g, line, x: area.x + 1, y: y, width: area.width - 2, maxY: area.bottom - 4) }
            entry.form.render(into: &g, Area(x: area.x + 1, y: y + 1, width: area.width - 2, height: area.bottom - y - 1), wrapsLongText: true)
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
        let end = e.end <= s.today && e.status != .discharged ? " (ended: X discharges)" : ""
        g.put(DisplayWidth.truncate("From \(e.start.display) to \(e.end.display)\(end) · \(e.pathwayId) \(e.pathwayVersion)"
                                    + (p?.isExample == true ? " · example: confirm locally" : ""), to: w), x: x, y: y, style: Style(.dim))
        y += 1
        if let all, all.enrolments.count > 1 {
            // The other enrolments, with what is still to review in them: O shows the next.
            let others = all.enrolments.filter { $0.id != e.id }.map { o -> String in
                let state = o.status == .discharged ? "discharged \(o.dischargedOn?.display ?? "")" : o.status == .suspended ? "suspended" : "active"
                let n = all.toReview(in: o.id)
                return "from \(o.start.display), \(state)" + (n > 0 ? ", \(n) to review" : "") + ": \(s.configuration.pathways[o.pathwayId]?.title ?? o.pathwayId)"
            }
            g.put(DisplayWidth.truncate("O shows also: " + others.joined(separator: "; "), to: w), x: x, y: y,
                  style: Style(all.enrolments.contains { $0.id != e.id && all.toReview(in: $0.id) > 0 } ? .error : .dim))
            y += 1
        }
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
        // The chosen row's words in full (a call's reason, a note, a skip's reason), wrapped under the list.
        let detail = Array(TextWrap.wrap(detail(view), width: max(1, w)).prefix(3))
        let height = area.bottom - y - (detail.isEmpty ? 0 : detail.count + 1)
        let firstRow = ScrollWindow.firstVisible(selected: selected, count: rows.lines.count, height: height, previousFirst: first, jump: true)
        for (i, line) in rows.lines.enumerated().dropFirst(firstRow).prefix(height) {
            Draw.row(&g, line.text, x: area.x, y: y, width: area.width, selected: i == selected, style: line.alert ? Style(.error) : .normal)
            y += 1
        }
        for (i, line) in detail.enumerated() { g.put(line, x: x, y: area.bottom - detail.count + i, style: Style(.dim), maxWidth: w) }
    }

    /// What the chosen row holds that its columns cut: empty when there is nothing more to read.
    func detail(_ view: FollowUpView) -> String {
        switch pane {
        case .schedule:
            guard let t = selectedTest, t.status == .skipped else { return "" }
            return "\(t.name), due \(t.due.display), skipped: \(t.skipReason)"
        case .results:
            guard let r = selectedResult else { return "" }
            let review = r.review.map { "Reviewed by \($0.by) on \(Draw.dateTime($0.at)): \(FollowUpWords.outcome($0.outcome))" + ($0.note.isEmpty ? "" : ": \($0.note)") }
            return [r.note.isEmpty ? nil : "Note: \(r.note)", review].compactMap { $0 }.joined(separator: " · ")
        case .calls:
            guard let c = selectedContact else { return "" }
            let returned = c.returnedAt.map { "Returned \(Draw.dateTime($0)) by \(c.returnedBy): \(FollowUpWords.response(c.response))" + (c.responseNote.isEmpty ? "" : ": \(c.responseNote)") }
            return "Why: \(c.reason)" + (c.redFlag ? " (red-flag symptoms)" : "") + (returned.map { " · " + $0 } ?? "")
        case .history:
            let rows = historyLines(view)
            return rows.indices.contains(selected) ? rows[selected] : ""
        }
    }

    /// The history, newest first, each change in words: "moved CEA blood test 01 Mar 2027 → 15 Mar 2027: away".
    func historyLines(_ view: FollowUpView) -> [String] {
        let names = Dictionary(view.tests.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return view.history.reversed().map { h in
            var what = FollowUpWords.change(h.kind)
            if let id = h.testId, let n = names[id] { what += " " + n }
            if let from = h.from, let to = h.to, from != to { what += " \(from.display) → \(to.display)" } else if let to = h.to { what += " \(to.display)" }
            if !h.reason.isEmpty { what += ": " + h.reason }
            return what
        }
    }

    func lines(_ view: FollowUpView, _ s: Session, width: Int) -> (header: String, lines: [(text: String, alert: Bool)], empty: String) {
        let today = s.today
        switch pane {
        case .schedule:
            let nameWidth = 30
            let lines = view.tests.map { t -> (String, Bool) in
                let late = t.isOverdue(today: today)
                let status: String
                switch t.status {
                case .scheduled: status = late ? "OVERDUE since \(t.overdueFrom.display)" : t.due <= today ? "due" : "scheduled"
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
            let lines = zip(view.history.reversed(), historyLines(view)).map { h, what -> (text: String, alert: Bool) in
                ("  " + DisplayWidth.pad(Draw.dateTime(h.at), to: 19) + DisplayWidth.pad(DisplayWidth.truncate(h.by, to: 11), to: 12) + what, false)
            }
            return ("  When               By          What", lines, "No changes yet.")
        }
    }

    /// Only what applies: nothing changes a discharged enrolment's schedule; its letter has its own key, and
    /// a result's letter is on the results.
    func keys(_ s: Session) -> [KeyHint] {
        if let entry { return entry.keys }
        let rec = FollowUpPermission.record, dec = FollowUpPermission.decide
        let open = enrolment.map { $0.status != .discharged } ?? false
        var k = [KeyHint("Tab", "pane")] + ((all?.enrolments.count ?? 0) > 1 ? [KeyHint("O", "other pathway")] : [])
        switch pane {
        case .schedule where open:
            k += [KeyHint("E", "result", needs: rec), KeyHint("R/D", "req/done", needs: rec), KeyHint("M", "move", needs: rec),
                  KeyHint("S", "skip", needs: rec), KeyHint("A", "add", needs: rec)]
        case .results where !(view?.results.isEmpty ?? true):
            if view?.results.contains(where: { $0.needsReview && $0.review == nil }) == true { k.append(KeyHint("V", "review", needs: dec)) }
            k.append(KeyHint("L", "result letter", needs: .export))
        case .calls: k += [KeyHint("C", "log call", needs: rec), KeyHint("Enter", "returned", needs: rec)]
        default: break
        }
        if let e = enrolment, open {
            k += [KeyHint("U", e.status == .suspended ? "resume" : "suspend", needs: dec), KeyHint("X", "discharge", needs: dec)]
        }
        if enrolment?.status == .discharged { k.append(KeyHint("G", "discharge letter", needs: .export)) }
        if all?.enrolments.allSatisfy({ $0.status == .discharged }) ?? true { k.append(KeyHint("P", "pathway", needs: rec)) }
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
