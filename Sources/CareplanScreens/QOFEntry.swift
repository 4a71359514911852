import CareplanCore
import Foundation
import TermUI

/// Recording a QOF fact from the patient's record (Q): first what (a chooser), then its date and details in a
/// small form; each field's problem shows next to it and what was typed stays. A decline or "unsuitable"
/// excepts the patient from the reviews this QOF year, so it is asked (y/n) before it is recorded.
struct QOFEntry: Equatable {
    enum What: Int, CaseIterable {
        case invitation, response, supportDiscussion, declined, unsuitable

        var label: String {
            switch self {
            case .invitation: return "An invitation"
            case .response: return "A response to an invitation"
            case .supportDiscussion: return "Support discussion held"
            case .declined: return "Declined (informed dissent)"
            case .unsuitable: return "Unsuitable"
            }
        }

        var kind: QOFRecordKind {
            switch self {
            case .invitation: return .invited
            case .response: return .responded
            case .supportDiscussion: return .done
            case .declined: return .declined
            case .unsuitable: return .unsuitable
            }
        }
    }

    /// The indicator a support discussion meets (ids never change: `Resources/qof.yaml`).
    static let supportDiscussion = "can005"

    /// nil while choosing what to record.
    var what: What?
    var form: Form
    /// The indicators offered under "For", by id (nil: every review).
    var indicators: [String?] = []

    init() {
        form = Form([.init("what", "Record", options: What.allCases.map(\.label), note: "←→ choose, Enter goes on")])
    }

    /// The form for `what`, its date today.
    mutating func choose(_ what: What, _ s: Session) {
        self.what = what
        var fields: [Form.Field] = [.init("date", "Date", text: s.today.display, suggested: true, maxLength: 20, note: "day/month/year, e.g. 12/03/2026")]
        if what == .invitation || what == .response {
            fields.append(.init("how", what == .invitation ? "How invited" : "How they answered", options: ContactMethod.allCases.map(QOFWords.how)))
        }
        if what != .supportDiscussion {
            let counted = s.configuration.qof.edition(on: s.today)?.indicators ?? []
            indicators = [nil] + counted.map(\.id)
            fields.append(.init("for", "For", options: ["both reviews"] + counted.map { "\($0.code) \($0.title)" }))
        }
        if what == .unsuitable {
            fields.append(.init("reason", "Why unsuitable", maxLength: Limits.actionText, note: "required: e.g. receiving end-of-life care"))
        }
        form = Form(fields)
    }

    enum Outcome: Equatable {
        case open([Command])
        case closed
    }

    mutating func handle(_ key: Key, _ s: Session) -> Outcome {
        if key == .escape {
            s.say("Nothing recorded")
            return .closed
        }
        guard let what else {
            let event = form.handle(key)
            if key == .enter || key == .ctrl("s") || event == .submit {
                choose(What.allCases[form.index("what")], s)
            } else if event == .notHandled {
                s.say("Not typed: choose what to record with ←→, Enter goes on, Esc cancels", .error)
            }
            return .open([])
        }
        let event = form.handle(key)
        switch event {
        case .left(let i) where form.fields[i].id == "date": _ = checkDate(s)
        case .submit: return .open(submit(what, s))
        case .notHandled: s.say("Not typed: ←→ change this choice, Tab moves to the next field", .error)
        default: break
        }
        return .open([])
    }

    /// The date typed, or nil with its problem next to it: not after today, not before the diagnosis.
    mutating func checkDate(_ s: Session) -> LocalDate? {
        switch LocalDate.parse(form.text("date")) {
        case .failure(let p):
            form.setProblem("date", p.description)
            return nil
        case .success(let d):
            if d > s.today { form.setProblem("date", "The date is after today"); return nil }
            if let diagnosed = s.patient?.diagnosisDate, d < diagnosed {
                form.setProblem("date", "Before the diagnosis (\(diagnosed.display)): QOF counts only what follows it")
                return nil
            }
            form.setProblem("date", nil)
            return d
        }
    }

    mutating func submit(_ what: What, _ s: Session) -> [Command] {
        let date = checkDate(s)
        let indicator = what == .supportDiscussion ? QOFEntry.supportDiscussion : indicators[form.index("for")]
        // "the cancer reviews" (both), or one: "the Cancer Care Review".
        let which = indicator.flatMap { id in s.configuration.qof.edition(on: s.today)?.indicator(id).map { "the \($0.title)" } } ?? "the cancer reviews"
        let isAre = which.hasSuffix("s") ? "are" : "is"
        var reason: String?
        if what == .unsuitable {
            reason = TextCleaner.field(form.text("reason"), maxLength: Limits.actionText)
            form.setProblem("reason", reason!.isEmpty ? "Say why \(which) \(isAre) unsuitable for the patient" : nil)
        }
        guard let date, !form.hasProblems, let patient = s.patient, let patientId = patient.id else {
            if let i = form.fields.firstIndex(where: { $0.problem != nil }) { form.focus = i }
            s.say("Not recorded: correct what is marked", .error)
            return []
        }
        let how = form.fields.contains { $0.id == "how" } ? ContactMethod.allCases[form.index("how")] : nil
        let record = QOFRecord(patientId: patientId, indicator: indicator, kind: what.kind, date: date, how: how, reason: reason)
        if let why = s.configuration.qof.problem(with: record, today: s.today) {
            s.say("Not recorded: \(why)", .error)
            return []
        }
        guard what == .declined || what == .unsuitable else { return [.recordQOF(record)] }
        let name = "\(patient.givenName) \(patient.familyName)"
        let fact = what == .declined ? "\(name) declined \(which) (informed dissent)" : "\(which) \(isAre) unsuitable for \(name)"
        return [.ask(Question(text: "Record that \(fact), on \(date.display)? "
                                    + "It excepts them this QOF year. y = record, any other key = not yet",
                              yes: [.recordQOF(record)], no: Said("Not recorded: the form is still open"), yesHint: "record", noHint: "not yet"))]
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        guard let p = s.patient else { return }
        let title = " Record for \(p.givenName) \(p.familyName)" + (what.map { ": \($0.label.lowercased())" } ?? " (QOF)")
        g.put(title, x: area.x, y: area.y, style: Style(.heading, bold: true), maxWidth: area.width)
        form.render(into: &g, Area(x: area.x + 1, y: area.y + 2, width: area.width - 2, height: area.height - 2))
    }

    var keys: [KeyHint] {
        what == nil ? [KeyHint("←→", "choose"), KeyHint("Enter", "next"), KeyHint("Esc", "cancel")]
            : [KeyHint("Tab/↑↓", "field"), KeyHint("←→", "change"), KeyHint("^S", "record"), KeyHint("Esc", "cancel")]
    }

    /// What the status line says once it is recorded.
    static func said(_ r: QOFRecord) -> String {
        let what: String
        switch r.kind {
        case .invited: what = "invitation" + (r.how.map { " by \(QOFWords.how($0))" } ?? "")
        case .responded: what = "response" + (r.how.map { " by \(QOFWords.how($0))" } ?? "")
        case .done: what = "support discussion held"
        case .declined: what = "declined (informed dissent)"
        case .unsuitable: what = "unsuitable"
        }
        return "Recorded: \(what), \(r.date.display)"
    }
}
