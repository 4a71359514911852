import CareplanCore
import Foundation
import TermUI

/// A change to a patient's follow-up, typed in a small form (`Form`): each field's problem shows next to it,
/// what was typed stays, and nothing is sent until every field is right.
struct FollowUpEntry: Equatable {
    enum What: Equatable {
        case enrol(pathways: [String], offer: FollowUpView.Offer?)
        case mark(TestProgress, ScheduledTest)
        case result(ScheduledTest, rule: ReviewRule?)
        case move(ScheduledTest)
        case skip(ScheduledTest)
        case add(Pathway, enrolmentId: Int64)
        case review(TestResult)
        case suspend(Enrolment)
        case discharge(Enrolment)
        case call(enrolmentId: Int64?)
        case returnCall(Contact)
    }

    var what: What
    var title: String
    var form: Form
    /// What the form is about, shown whole above it (the result being reviewed, the call being returned).
    var context: [String] = []

    /// Every value put in for the user (today's date, the pathway's unit) is replaced by typing.
    init(what: What, title: String, form: Form, context: [String] = []) {
        self.what = what
        self.title = title
        self.form = form.suggesting()
        self.context = context
    }

    static let dateNote = "day/month/year, e.g. 12/03/2026"

    static func enrol(_ s: Session, offer: FollowUpView.Offer?) -> FollowUpEntry {
        let pathways = s.configuration.pathways.values.sorted { $0.title < $1.title }
        let ids = pathways.map(\.id)
        // The summary's pathway, else one for the patient's cancer, comes first.
        let diagnosis = SearchKey.of(s.patient?.diagnosis ?? "")
        let guess = offer.flatMap { o in ids.firstIndex(of: o.pathwayId) }
            ?? pathways.firstIndex { diagnosis.contains(SearchKey.of($0.tumourSite)) } ?? 0
        let start = offer?.start ?? s.today
        return FollowUpEntry(what: .enrol(pathways: ids, offer: offer), title: "Put on a follow-up pathway" + (offer == nil ? "" : " (from the End of Treatment Summary)"),
                             form: Form([.init("pathway", "Pathway", options: pathways.map { $0.title + ($0.isExample ? " (example)" : "") }, index: guess,
                                               note: "←→ choose"),
                                         .init("start", "Start", text: start.display, maxLength: 20, note: "the first day of follow-up, " + dateNote)]))
    }

    static func mark(_ p: TestProgress, _ t: ScheduledTest, _ s: Session) -> FollowUpEntry {
        FollowUpEntry(what: .mark(p, t), title: "\(t.name): mark \(p.rawValue)",
                      form: Form([.init("date", p == .requested ? "Requested on" : "Done on", text: s.today.display, maxLength: 20, note: dateNote)]))
    }

    static func result(_ t: ScheduledTest, rule: ReviewRule?, _ s: Session) -> FollowUpEntry {
        let hint = rule.map { "needs review: " + $0.words } ?? ""
        return FollowUpEntry(what: .result(t, rule: rule), title: "\(t.name): the result",
                             form: Form([.init("value", "Result", maxLength: 40, note: "a number, or normal, abnormal or needs review"),
                                         .init("unit", "Unit", text: rule?.unit ?? "", maxLength: 20, note: rule?.unit == nil ? "for a number" : "as the laboratory gives it"),
                                         .init("taken", "Taken on", text: (t.statusDate ?? s.today).display, maxLength: 20, note: dateNote),
                                         .init("note", "Note", maxLength: Limits.actionText, note: "optional · " + hint)]))
    }

    static func move(_ t: ScheduledTest, _ s: Session) -> FollowUpEntry {
        FollowUpEntry(what: .move(t), title: "\(t.name), due \(t.due.display): move",
                      form: Form([.init("date", "New due date", text: t.due.display, maxLength: 20, note: dateNote),
                                  .init("reason", "Why", maxLength: Limits.actionText, note: "required: kept in the history")]))
    }

    static func skip(_ t: ScheduledTest) -> FollowUpEntry {
        FollowUpEntry(what: .skip(t), title: "\(t.name), due \(t.due.display): skip",
                      form: Form([.init("reason", "Why", maxLength: Limits.actionText, note: "required: kept in the history")]))
    }

    static func add(_ p: Pathway, enrolmentId: Int64, _ s: Session) -> FollowUpEntry {
        FollowUpEntry(what: .add(p, enrolmentId: enrolmentId), title: "Add a test for this patient",
                      form: Form([.init("test", "Test", options: p.tests.map(\.name), note: "←→ choose"),
                                  .init("date", "Due", text: s.today.display, maxLength: 20, note: dateNote),
                                  .init("reason", "Why", maxLength: Limits.actionText, note: "required: kept in the history")]))
    }

    /// No outcome is chosen for the reviewer: one Ctrl-S must not close an abnormal result.
    static func review(_ r: TestResult, test: String, rule: ReviewRule?) -> FollowUpEntry {
        FollowUpEntry(what: .review(r), title: "Review the result of \(test)",
                      form: Form([.init("outcome", "Outcome", options: ReviewOutcome.allCases.map(FollowUpWords.outcome), index: nil,
                                        note: "←→ or 1-3 choose: required"),
                                  .init("note", "Note", maxLength: Limits.actionText, note: "optional")]),
                      context: ["Result: \(r.value.words)" + (rule.map { " (needs review: \($0.words))" } ?? ""),
                                "Taken on \(r.takenOn.display), recorded by \(r.recordedBy)" + (r.source == .csv ? " from a file of results" : ""),
                                "Note: " + (r.note.isEmpty ? "none" : r.note)])
    }

    static func suspend(_ e: Enrolment) -> FollowUpEntry {
        FollowUpEntry(what: .suspend(e), title: "Suspend remote follow-up",
                      form: Form([.init("reason", "Why", maxLength: Limits.actionText, note: "required, e.g. seen in clinic for a raised CEA")]))
    }

    static func discharge(_ e: Enrolment, _ s: Session) -> FollowUpEntry {
        let ended = e.end <= s.today
        return FollowUpEntry(what: .discharge(e), title: "Discharge from follow-up",
                             form: Form([.init("why", "Why", options: ["End of the pathway", "Early"], index: ended ? 0 : 1, note: "←→ choose"),
                                         .init("reason", "Early because", maxLength: Limits.actionText, note: "required when early, e.g. recurrence"),
                                         .init("date", "Discharged on", text: s.today.display, maxLength: 20, note: dateNote)]))
    }

    static func call(enrolmentId: Int64?, _ s: Session) -> FollowUpEntry {
        FollowUpEntry(what: .call(enrolmentId: enrolmentId), title: "Log a call from the patient",
                      form: Form([.init("date", "Called on", text: s.today.display, maxLength: 20, note: dateNote),
                                  .init("time", "At", text: FollowUpEntry.time(s.careNow), maxLength: 5, note: "hh:mm, 24 hours"),
                                  .init("reason", "Why", maxLength: Limits.actionText, note: "required: what worries them"),
                                  .init("flag", "Red-flag symptoms", options: ["No", "Yes"], note: "←→ choose")]))
    }

    static func returnCall(_ c: Contact, _ s: Session) -> FollowUpEntry {
        FollowUpEntry(what: .returnCall(c), title: "Return the call of \(Draw.dateTime(c.at))" + (c.redFlag ? ": RED-FLAG symptoms" : ""),
                      form: Form([.init("response", "Response", options: ContactResponse.allCases.map { FollowUpWords.response($0) }, note: "←→ choose"),
                                  .init("note", "Note", maxLength: Limits.actionText, note: "optional"),
                                  .init("date", "Returned on", text: s.today.display, maxLength: 20, note: dateNote),
                                  .init("time", "At", text: FollowUpEntry.time(s.careNow), maxLength: 5, note: "hh:mm, 24 hours")]),
                      context: ["Why they called: \(c.reason)"])
    }

    static func time(_ d: Date) -> String {
        let c = Calendar.current.dateComponents([.hour, .minute], from: d)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    var keys: [KeyHint] { [KeyHint("Tab/↑↓", "field"), KeyHint("←→", "change"), KeyHint("^S", "save"), KeyHint("Esc", "cancel")] }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        let event = form.handle(key)
        switch event {
        case .submit: return submit(s)
        case .notHandled: s.say("Not typed: ←→ change a choice, Tab moves to the next field, Ctrl-S saves, Esc cancels", .error)
        default: break
        }
        return []
    }

    // MARK: Checking what was typed

    mutating func date(_ id: String, notAfter today: LocalDate?) -> LocalDate? {
        switch LocalDate.parse(form.text(id)) {
        case .failure(let p): form.setProblem(id, p.description); return nil
        case .success(let d):
            if let today, d > today { form.setProblem(id, "The date is after today"); return nil }
            form.setProblem(id, nil)
            return d
        }
    }

    mutating func required(_ id: String, _ problem: String) -> String {
        let text = TextCleaner.field(form.text(id), maxLength: Limits.actionText)
        form.setProblem(id, text.isEmpty ? problem : nil)
        return text
    }

    /// A date and an hh:mm as one time, not after now.
    mutating func moment(_ s: Session) -> Date? {
        let day = date("date", notAfter: s.today)
        let parts = form.text("time").trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == ":" || $0 == "." }).map(String.init)
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else {
            form.setProblem("time", "A time as hh:mm, e.g. 09:30")
            return nil
        }
        form.setProblem("time", nil)
        guard let day, let at = Calendar.current.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: h, minute: m)) else { return nil }
        if at > s.careNow.addingTimeInterval(60) { form.setProblem("time", "The time is after now"); return nil }
        return at
    }

    /// A measured value or a judgement, or nil with the problem next to the field.
    mutating func value(rule: ReviewRule?) -> ResultValue? {
        let typed = form.text("value").trimmingCharacters(in: .whitespaces)
        let unit = TextCleaner.field(form.text("unit"), maxLength: 20)
        // The one reader files use too (`ResultsImport.value`), so both take and refuse the same.
        let v: ResultValue
        switch ResultsImport.value(typed, unit: unit) {
        case .success(let read): v = read
        case .failure(let why):
            form.setProblem("value", typed.isEmpty ? "Give the result: a number, or normal, abnormal or needs review"
                            : why == .negative ? "A result cannot be below zero" : "Not a number, nor normal, abnormal or needs review")
            return nil
        }
        form.setProblem("value", nil)
        guard v.number != nil else { return v }
        if unit.isEmpty { form.setProblem("unit", "Give the unit of the number"); return nil }
        if let want = rule?.unit, ResultsImport.unitProblem(v, rule: rule!) != nil {
            form.setProblem("unit", "The pathway's rule is in \(want): give the result in \(want)")
            return nil
        }
        form.setProblem("unit", nil)
        return v
    }

    mutating func submit(_ s: Session) -> [Command] {
        let action = check(s)
        guard let action, !form.hasProblems else {
            if let i = form.fields.firstIndex(where: { $0.problem != nil }) { form.focus = i }
            s.say("Not saved: correct what is marked", .error)
            return []
        }
        return [.followUp(action)]
    }

    mutating func check(_ s: Session) -> FollowUpAction? {
        let today = s.today
        switch what {
        case .enrol(let ids, let offer):
            let id = ids[form.index("pathway")]
            guard let start = date("start", notAfter: nil) else { return nil }
            if start > today.adding(days: 366) { form.setProblem("start", "More than a year ahead"); return nil }
            return .enrol(pathwayId: id, start: start, fromDocument: offer?.pathwayId == id ? offer?.documentId : nil)
        case .mark(let p, let t):
            guard let d = date("date", notAfter: today) else { return nil }
            return .mark(testId: t.id, p, on: d, enrolmentId: t.enrolmentId)
        case .result(let t, let rule):
            let v = value(rule: rule), taken = date("taken", notAfter: today)
            let note = TextCleaner.field(form.text("note"), maxLength: Limits.actionText)
            guard let v, let taken else { return nil }
            return .result(NewResult(value: v, takenOn: taken, note: note), testId: t.id, enrolmentId: t.enrolmentId)
        case .move(let t):
            let d = date("date", notAfter: nil), reason = required("reason", "Say why it moves")
            guard let d else { return nil }
            if d == t.due { form.setProblem("date", "The same date: give the new one"); return nil }
            return .change(.move(testId: t.id, to: d, reason: reason), enrolmentId: t.enrolmentId)
        case .skip(let t):
            let reason = required("reason", "Say why it is skipped")
            return .change(.skip(testId: t.id, reason: reason), enrolmentId: t.enrolmentId)
        case .add(let p, let e):
            let test = p.tests[form.index("test")], d = date("date", notAfter: nil), reason = required("reason", "Say why it is added")
            guard let d else { return nil }
            return .change(.add(code: test.code, name: test.name, due: d, graceDays: test.graceDays, reason: reason), enrolmentId: e)
        case .review(let r):
            guard ReviewOutcome.allCases.indices.contains(form.index("outcome")) else {
                form.setProblem("outcome", "Choose the outcome with ←→ (or 1-3): none is assumed")
                return nil
            }
            let outcome = ReviewOutcome.allCases[form.index("outcome")]
            return .review(resultId: r.id, outcome, note: TextCleaner.field(form.text("note"), maxLength: Limits.actionText), enrolmentId: r.enrolmentId)
        case .suspend(let e):
            return .suspend(enrolmentId: e.id, reason: required("reason", "Say why remote follow-up is suspended"))
        case .discharge(let e):
            let early = form.index("why") == 1
            let reason = early ? required("reason", "Say why the discharge is early") : ""
            if !early { form.setProblem("reason", nil) }
            guard let d = date("date", notAfter: today) else { return nil }
            if !early, d < e.end { form.setProblem("why", "The pathway runs to \(e.end.display): choose Early and say why"); return nil }
            return .discharge(enrolmentId: e.id, early ? .early(reason) : .endOfPathway, on: d)
        case .call(let enrolmentId):
            let at = moment(s), reason = required("reason", "Say what worries them")
            guard let at, let patientId = s.patient?.id else { return nil }
            return .contact(NewContact(patientId: patientId, enrolmentId: enrolmentId, at: at, reason: reason, redFlag: form.index("flag") == 1))
        case .returnCall(let c):
            guard let at = moment(s) else { return nil }
            if at < c.at { form.setProblem("time", "Before the call (\(Draw.dateTime(c.at)))"); return nil }
            return .returnContact(c.id, ContactResponse.allCases[form.index("response")], note: TextCleaner.field(form.text("note"), maxLength: Limits.actionText), at: at)
        }
    }
}
