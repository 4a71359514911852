import Foundation
import CareplanCore
import TermUI

/// One patient: their details and their assessments, newest first; start, resume or open one.
struct RecordScreen: Screen {
    let kind = ScreenKind.patientRecord
    var assessments: [AssessmentSummary] = []
    var selected = 0
    /// Issuing a kiosk code: choosing the point of the pathway, then showing the code.
    var issuing: Form?
    var issued: KioskCode?
    /// When a key that is no command here was last typed. Letters are commands on this screen, one step from
    /// screens where letters are text: a command letter straight after such typing (`breath` meant for the
    /// checklist's filter, after one Esc too many) is taken as more typing, not acted on.
    var strayTypingAt: Date?
    static let typingGap: TimeInterval = 1

    /// A key typed sooner than this after the record's question (`dyspnoea`, its `d` asking to discard and
    /// its `y` answering) is more typing, not an answer.
    static let readingTime: TimeInterval = 0.5
    /// The assessment just closed, to keep the highlight on once the list comes (not on the newest).
    var selecting: Int64?

    init(_ s: Session, selecting id: Int64? = nil) { selecting = id }

    /// The patient's assessments as stored (emptied first: a list the store refuses shows none).
    mutating func reload(_ s: Session) -> [Command] {
        guard let id = s.patient?.id else { return [] }
        assessments = []
        return [.query(.assessments(patientId: id))]
    }

    var takesText: Bool { issuing?.takesText ?? false }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .opened: return reload(s)
        case .key(let key): return handle(key, s)
        case .answeredTooSoon: strayTypingAt = s.now
        case .answer(.assessments(let found)):
            assessments = found
            if let id = selecting, let row = found.firstIndex(where: { $0.id == id }) { selected = row }
            selecting = nil
        case .answer(.kioskCode(let code)):
            issuing = nil
            issued = code
            return reload(s)
        case .answer(.discarded):
            s.say("Discarded: it stays on the record, marked discarded, and in the audit trail", .success)
            return reload(s)
        default: break
        }
        return []
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        if issued != nil { issued = nil; return [] }  // any key puts the code away
        if var form = issuing {
            if key == .escape { issuing = nil; return [] }
            let event = form.handle(key)
            issuing = form
            guard event == .submit, s.patient?.id != nil else { return [] }
            return [.issueKioskCode(s.codes.cases(PathwayPoint.self)[form.index("point")])]
        }
        if case .text(let t) = key {
            let isCommand = t.count == 1 && "nekdNEKD".contains(t)
            let whileTyping = strayTypingAt.map { s.now.timeIntervalSince($0) < RecordScreen.typingGap } ?? false
            if !isCommand || whileTyping {
                strayTypingAt = s.now
                let name = s.patient.map { "\($0.givenName) \($0.familyName)" } ?? "the patient"
                s.say(isCommand ? "“\(t)” came straight after typing, so it was not taken as a command: press it again on its own"
                                : "Typing is not used on \(name)'s record. Keys: Enter open · N new assessment · E edit · K kiosk code · D discard", .error)
                return []
            }
        }
        switch key {
        case .text("k"), .text("K"):
            issuing = Form([.init("point", s.words(.startPoint), options: s.codes.labels(PathwayPoint.self),
                                  note: s.words(.startKioskPointNote))])
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, assessments.count - 1), selected + 1)
        case .text("n"), .text("N"):
            guard let open = assessments.first(where: { $0.status == .inProgress }) else { return [.exit("new")] }
            return [.ask(Question(text: "The assessment of \(open.date.display) is still in progress. Start another as well? "
                                        + "y = start another, Enter = open the one in progress, any other key = neither",
                                  yes: [.exit("new")], no: Said("No new assessment started"), yesHint: "start another", noHint: "neither",
                                  others: [.init(.enter, "Enter", "open it", [.openAssessment(open.id), .exit("continue")])],
                                  readingTime: RecordScreen.readingTime))]
        case .text("d"), .text("D"):
            guard assessments.indices.contains(selected) else { s.say("There is no assessment to discard", .error); return [] }
            let a = assessments[selected]
            guard a.status == .inProgress else {
                s.say("Only an assessment in progress can be discarded: an agreed plan is kept (V on its review starts a new version)", .error)
                return []
            }
            return [.ask(Question(text: "Discard the assessment of \(a.date.display) (\(a.concernCount) concern\(a.concernCount == 1 ? "" : "s"))? "
                                        + "It stays on the record, marked discarded by you. y = discard, any other key = keep",
                                  yes: [.discardAssessment(a.id)], no: Said("Kept: nothing discarded"), yesHint: "discard", noHint: "keep",
                                  readingTime: RecordScreen.readingTime))]
        case .text("e"), .text("E"): return [.exit("edit")]
        case .escape: return [.go(.back)]
        case .enter:
            guard assessments.indices.contains(selected) else { return [.exit("new")] }
            let a = assessments[selected]
            return [.openAssessment(a.id), .exit(a.status == .inProgress ? "continue" : "view")]
        default: break
        }
        return []
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        guard let p = s.patient else { return }
        if let form = issuing {
            g.put(" Kiosk code for \(p.givenName) \(p.familyName)", x: area.x, y: area.y, style: Style(.heading, bold: true), maxWidth: area.width)
            form.render(into: &g, Area(x: area.x + 1, y: area.y + 2, width: area.width - 2, height: area.height - 2))
            return
        }
        if let code = issued {
            var y = area.y + 1
            g.put(" Kiosk code for \(p.givenName) \(p.familyName):", x: area.x, y: y, style: Style(.heading, bold: true), maxWidth: area.width)
            y += 2
            g.put("   " + code.formatted, x: area.x, y: y, style: Style(.marked, bold: true))
            y += 2
            let until = Draw.dateTime(code.expiresAt)
            Draw.paragraph(&g, "Give it to the patient with the kiosk. It works once, with their date of birth, until \(until). "
                           + "Their answers will appear on the patient list as waiting for a care-planning conversation. Any key puts the code away.",
                           x: area.x + 1, y: y, width: area.width - 2, maxY: area.bottom)
            return
        }
        var y = area.y + 1
        let x = area.x + 1, w = area.width - 2
        func line(_ label: String, _ value: String) {
            guard y < area.bottom else { return }
            g.put(DisplayWidth.pad(label, to: 20), x: x, y: y, style: Style(.dim))
            g.put(value, x: x + 20, y: y, maxWidth: w - 20)
            y += 1
        }
        line("Name", "\(p.givenName) \(p.familyName)")
        line("NHS number", p.nhsNumber.formatted)
        line("Date of birth", p.dateOfBirth.display)
        line("Diagnosis", p.diagnosis + (p.diagnosisCode.isEmpty ? "" : " (\(p.diagnosisCode))"))
        line("Diagnosed", p.diagnosisDate?.display ?? "not recorded")
        y += 1
        guard y < area.bottom else { return }
        g.put("Assessments", x: x, y: y, style: Style(.heading, bold: true))
        y += 1
        if assessments.isEmpty {
            Draw.paragraph(&g, "No assessments yet. Press N (or Enter) to start a holistic needs assessment.", x: x, y: y, width: w, maxY: area.bottom)
            return
        }
        let height = area.bottom - y
        let first = ScrollWindow.firstVisible(selected: selected, count: assessments.count, height: height, previousFirst: 0)
        for (i, a) in assessments.enumerated().dropFirst(first).prefix(height) {
            var text = DisplayWidth.pad(a.date.display, to: 13) + DisplayWidth.pad(s.codes.label(a.pathwayPoint), to: 31)
            text += DisplayWidth.pad(a.status.label + (a.version > 1 ? " v\(a.version)" : ""), to: 18)
            text += "\(a.concernCount) concern\(a.concernCount == 1 ? "" : "s")"
            Draw.row(&g, " " + text, x: area.x, y: y, width: area.width, selected: i == selected)
            y += 1
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        if issuing != nil { return [KeyHint("←→", "change"), KeyHint("Enter", "issue code"), KeyHint("Esc", "cancel")] }
        if issued != nil { return [KeyHint("any key", "done")] }
        // D only where it applies, and then "new" is short so that every key fits in 80 columns.
        let canDiscard = assessments.indices.contains(selected) && assessments[selected].status == .inProgress
        return [KeyHint("↑↓", "choose"), KeyHint("Enter", "open"), KeyHint("N", canDiscard ? "new" : "new assessment", exit: "new"),
                KeyHint("K", "kiosk code"), KeyHint("E", "edit", exit: "edit")] + (canDiscard ? [KeyHint("D", "discard")] : [])
    }
}

/// Starting an assessment: when in the pathway, who completes the checklist, and the date.
struct StartScreen: Screen {
    let kind = ScreenKind.assessmentStart
    var form: Form

    init(_ s: Session) {
        form = Form([
            .init("point", s.words(.startPoint), options: s.codes.labels(PathwayPoint.self), note: s.words(.startPointNote)),
            .init("by", s.words(.startBy), options: s.codes.labels(CompletedBy.self),
                  index: s.codes.cases(CompletedBy.self).firstIndex(of: .patientWithClinician) ?? 0, note: s.words(.startByNote)),
            .init("date", s.words(.startDate), text: s.today.display, maxLength: 20, note: s.words(.startDateNote)),
        ])
    }

    var takesText: Bool { form.takesText }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .key(let key): return handle(key, s)
        case .answer(.started):
            s.say("Assessment started: every answer is saved as you give it", .success)
            return [.go(.next)]
        default: return []
        }
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        if key == .escape { return [.go(.back)] }
        // Every field has a sensible value from the start, so Enter starts from any of them (as the key help says);
        // a date that is wrong is marked and said.
        if key == .enter { return start(s) }
        switch form.handle(key) {
        case .left(let i) where form.fields[i].id == "date": _ = checkDate(s)
        case .submit: return start(s)
        default: break
        }
        return []
    }

    mutating func checkDate(_ s: Session) -> LocalDate? {
        switch LocalDate.parse(form.text("date")) {
        case .failure(let p): form.setProblem("date", p.description); return nil
        case .success(let d):
            if d > s.today { form.setProblem("date", "The assessment date cannot be in the future"); return nil }
            form.setProblem("date", nil)
            return d
        }
    }

    mutating func start(_ s: Session) -> [Command] {
        guard let date = checkDate(s) else {
            form.focus = 2
            s.say("Not started: correct the date", .error)
            return []
        }
        guard s.patient?.id != nil else { return [] }
        return [.startAssessment(s.codes.cases(PathwayPoint.self)[form.index("point")], s.codes.cases(CompletedBy.self)[form.index("by")], date: date)]
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        form.render(into: &g, Area(x: area.x + 1, y: area.y + 1, width: area.width - 2, height: area.height - 1))
    }

    func keys(_ s: Session) -> [KeyHint] {
        [KeyHint("↑↓", "field"), KeyHint("←→", "change"), KeyHint("Enter", "start"), KeyHint("Esc", "back")]
    }
}
