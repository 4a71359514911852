import Foundation
import CareplanCore
import TermUI

/// One patient: their details and their assessments, newest first; start, resume or open one.
struct RecordScreen: Screen {
    let kind = ScreenKind.patientRecord
    var assessments: [CareStore.AssessmentSummary] = []
    var selected = 0
    /// Issuing a kiosk code: choosing the point of the pathway, then showing the code.
    var issuing: Form?
    var issued: KioskCode?

    init(_ s: Session) { reload(s) }

    mutating func reload(_ s: Session) {
        if let id = s.patient?.id { assessments = s.attempt { try s.store.assessments(patientId: id) } ?? [] }
    }

    var takesText: Bool { issuing?.takesText ?? false }

    mutating func handle(_ key: Key, _ s: Session) -> Navigation {
        if issued != nil { issued = nil; return .stay }  // any key puts the code away
        if var form = issuing {
            if key == .escape { issuing = nil; return .stay }
            let event = form.handle(key)
            issuing = form
            guard event == .submit, let patientId = s.patient?.id else { return .stay }
            let hours = s.flow.setting(.kioskCodeHours)
            guard let code = s.attempt({
                try s.store.issueKioskCode(patientId: patientId, pathwayPoint: PathwayPoint.allCases[form.index("point")],
                                           catalogue: s.catalogue, by: s.user, now: s.now, validFor: TimeInterval(hours) * 3600)
            }) else { return .stay }
            issuing = nil
            issued = code
            reload(s)
            return .stay
        }
        switch key {
        case .text("k"), .text("K"):
            issuing = Form([.init("point", "Point of pathway", options: PathwayPoint.allCases.map(\.label),
                                  note: "←→ to change; Enter issues the code")])
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, assessments.count - 1), selected + 1)
        case .text("n"), .text("N"): return .open(.assessmentStart)
        case .text("e"), .text("E"): return .open(.patientForm)
        case .escape: return .back
        case .enter:
            guard assessments.indices.contains(selected) else { return .open(.assessmentStart) }
            let a = assessments[selected]
            guard s.open(assessmentId: a.id) else { return .stay }
            return a.status == .inProgress ? .open(.concernChecklist) : .open(.planReview)
        default: break
        }
        return .stay
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
            var text = DisplayWidth.pad(a.date.display, to: 13) + DisplayWidth.pad(a.pathwayPoint.label, to: 31)
            text += DisplayWidth.pad(a.status.label + (a.version > 1 ? " v\(a.version)" : ""), to: 18)
            text += "\(a.concernCount) concern\(a.concernCount == 1 ? "" : "s")"
            Draw.row(&g, " " + text, x: area.x, y: y, width: area.width, selected: i == selected)
            y += 1
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        if issuing != nil { return [KeyHint("←→", "change"), KeyHint("Enter", "issue code"), KeyHint("Esc", "cancel")] }
        if issued != nil { return [KeyHint("any key", "done")] }
        return [KeyHint("↑↓", "choose"), KeyHint("Enter", "open"), KeyHint("N", "new assessment"), KeyHint("K", "kiosk code"), KeyHint("E", "edit")]
    }
}

/// Starting an assessment: when in the pathway, who completes the checklist, and the date.
struct StartScreen: Screen {
    let kind = ScreenKind.assessmentStart
    var form: Form

    init(_ s: Session) {
        form = Form([
            .init("point", "Point of pathway", options: PathwayPoint.allCases.map(\.label), note: "←→ or 1-9 to change (national list, CR7940)"),
            .init("by", "Completed by", options: CompletedBy.allCases.map(\.label), index: 1, note: "←→ to change"),
            .init("date", "Date", text: s.today.display, maxLength: 20, note: "day/month/year"),
        ])
    }

    var takesText: Bool { form.takesText }

    mutating func handle(_ key: Key, _ s: Session) -> Navigation {
        if key == .escape { return .back }
        switch form.handle(key) {
        case .left(let i) where form.fields[i].id == "date": _ = checkDate(s)
        case .submit: return start(s)
        default: break
        }
        return .stay
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

    mutating func start(_ s: Session) -> Navigation {
        guard let date = checkDate(s) else {
            form.focus = 2
            s.say("Not started: correct the date", .error)
            return .stay
        }
        guard let patientId = s.patient?.id else { return .stay }
        let point = PathwayPoint.allCases[form.index("point")], by = CompletedBy.allCases[form.index("by")]
        guard let a = s.attempt({
            try s.store.startAssessment(patientId: patientId, pathwayPoint: point, completedBy: by, date: date,
                                        catalogue: s.catalogue, createdBy: s.user, now: s.now)
        }) else { return .stay }
        s.assessment = a
        s.say("Assessment started: every answer is saved as you give it", .success)
        return .next
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        form.render(into: &g, Area(x: area.x + 1, y: area.y + 1, width: area.width - 2, height: area.height - 1))
    }

    func keys(_ s: Session) -> [KeyHint] {
        [KeyHint("↑↓", "field"), KeyHint("←→", "change"), KeyHint("Enter", "start"), KeyHint("Esc", "back")]
    }
}
