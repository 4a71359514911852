import Foundation
import CareplanCore
import TermUI

/// One patient: their details and their timeline (assessments and documents), newest first; start, resume
/// or open one, or write a new document.
struct RecordScreen: Screen {
    let kind = ScreenKind.patientRecord
    var timeline: [TimelineEntry] = []
    /// "EoTS due", as the core's rule says from the stored documents.
    var due: EoTSDue?
    var selected = 0
    /// Choosing the type of a new document, when there are several.
    var choosingDocument: Form?
    /// Issuing a kiosk code: choosing the point of the pathway, then showing the code.
    var issuing: Form?
    var issued: KioskCode?
    /// The patient's state for each QOF indicator the rules count them by, and their QOF records.
    var qof: [QOFStatus] = []
    var qofRecords: [QOFRecord] = []
    /// Recording a QOF fact (Q).
    var recordingQOF: QOFEntry?
    /// The QOF history shown in place of the timeline (H), and its first line shown (QOFHistory.swift).
    var showingQOFHistory = false
    var qofHistoryTop = 0
    /// The patient's trends shown in place of the record (T), once read (RecordTrends.swift).
    var trendView: RecordTrendView?
    /// The HNAs offered to the patient, newest first, and the form recording one (A; HNAOfferEntry.swift).
    var hnaOffers: [HNAOffer] = []
    var recordingOffer: HNAOfferEntry?
    /// Health and wellbeing information given and events (RecordInformation.swift).
    var info = RecordInformation()
    /// Typing that is no command here (`breath` meant for the checklist's filter, after one Esc too many):
    /// refused, and a command letter straight after it taken as more typing.
    var stray = StrayTyping()

    /// A key typed sooner than this after the record's question (`dyspnoea`, its `d` asking to discard and
    /// its `y` answering) is more typing, not an answer.
    static let readingTime: TimeInterval = 0.5
    /// The assessment or document just closed, to keep the highlight on once the list comes (not on the newest).
    var selecting: Closed?
    enum Closed: Equatable { case assessment(Int64), document(Int64) }

    init(_ s: Session, selecting closed: Closed? = nil) { selecting = closed }

    static func entry(_ e: TimelineEntry, is closed: Closed) -> Bool {
        switch (e, closed) {
        case let (.assessment(a), .assessment(id)): return a.id == id
        case let (.document(d), .document(id)): return d.id == id
        default: return false
        }
    }

    /// The patient's timeline as stored (emptied first: a list the store refuses shows none).
    mutating func reload(_ s: Session) -> [Command] {
        guard let id = s.patient?.id else { return [] }
        timeline = []
        qof = []
        qofRecords = []
        return [.query(.timeline(patientId: id)), .query(.qof(patientId: id)), .query(.information(patientId: id)), .query(.hnaOffers(patientId: id))]
    }

    var assessments: [AssessmentSummary] { timeline.compactMap { if case .assessment(let a) = $0 { return a } else { return nil } } }

    /// The chosen entry's assessment, if it is one.
    var selectedAssessment: AssessmentSummary? {
        guard timeline.indices.contains(selected), case .assessment(let a) = timeline[selected] else { return nil }
        return a
    }

    /// The document types a new document can be: every template, by title.
    /// The document types the signed-in role may write (each template's `complete:` roles).
    static func documentTypes(_ s: Session) -> [DocumentTemplate] {
        s.configuration.documents.values.filter(s.mayWrite).sorted { $0.title < $1.title }
    }

    var takesText: Bool { info.picker?.takesText ?? info.occasion?.takesText ?? issuing?.takesText ?? recordingQOF?.form.takesText ?? recordingOffer?.form.takesText ?? false }
    /// Items chosen to give, a QOF fact being filled in (its kind chosen) or an event form open: leaving asks first.
    var hasUnsavedInput: Bool { (info.picker?.hasUnsavedInput ?? false) || recordingQOF?.what != nil || info.occasion != nil || recordingOffer != nil }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        if let out = informationAnswer(message, s) { return out }
        switch message {
        case .opened: return reload(s)
        case .key(let key): return handle(key, s)
        case .answeredTooSoon: stray.at = s.now
        case .answer(.timeline(let found, let due)):
            timeline = found
            self.due = due
            if let closed = selecting, let row = found.firstIndex(where: { RecordScreen.entry($0, is: closed) }) { selected = row }
            selecting = nil
        case .answer(.qof(let states, let records)):
            qof = states.filter { if case .notDue = $0.state { return false } else { return true } }
            qofRecords = records
        case .answer(.qofRecorded(let r)):
            recordingQOF = nil
            s.say(QOFEntry.said(r), .success)
            return s.patient?.id.map { [.query(.qof(patientId: $0))] } ?? []
        case .answer(.patientAssessments(let id, let all)) where id == s.patient?.id && trendView != nil:
            trendView?.trends = PatientTrends(assessments: all)
        case .answer(.failed) where trendView != nil && trendView?.trends == nil:
            trendView?.failed = true
        case .answer(.hnaOffers(let offers)): hnaOffers = offers
        case .answer(.hnaOfferRecorded(let offer)):
            recordingOffer = nil
            s.say(HNAOfferEntry.said(offer, s), .success)
            return s.patient?.id.map { [.query(.hnaOffers(patientId: $0))] } ?? []
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
        if var form = choosingDocument {
            if key == .escape { choosingDocument = nil; s.say("No document started"); return [] }
            let event = form.handle(key)
            choosingDocument = form
            if event == .notHandled, case .text = key {
                // A word typed here (`walks`, its `w` having opened this) starts nothing: said, not acted on.
                s.say("Not typed: choose the document type with ←→, Enter starts it, Esc cancels", .error)
                return []
            }
            guard event == .submit || key == .enter else { return [] }
            choosingDocument = nil
            return [.startDocument(templateId: RecordScreen.documentTypes(s)[form.index("type")].id), .exit("document")]
        }
        if var entry = recordingQOF {
            switch entry.handle(key, s) {
            case .closed: recordingQOF = nil; return []
            case .open(let commands): recordingQOF = entry; return commands
            }
        }
        if var entry = recordingOffer {
            switch entry.handle(key, s) {
            case .closed: recordingOffer = nil; return []
            case .open(let commands): recordingOffer = entry; return commands
            }
        }
        if var form = issuing {
            if key == .escape { issuing = nil; return [] }
            let event = form.handle(key)
            issuing = form
            guard event == .submit, s.patient?.id != nil else { return [] }
            return [.issueKioskCode(s.codes.cases(PathwayPoint.self)[form.index("point")])]
        }
        if info.isOpen, let out = informationKey(key, s) { return out }
        if trendView != nil { return trendKey(key, s) }
        if showingQOFHistory, let out = qofHistoryKey(key, s) { return out }
        let name = s.patient.map { "\($0.givenName) \($0.familyName)" } ?? "the patient"
        if stray.refuses(key, commands: "nekdwqfhta" + RecordScreen.informationLetters.lowercased(), place: "\(name)'s record", keys: Self.commandKeys(s), s) {
            return []
        }
        if let out = informationKey(key, s) { return out }
        switch key {
        case .text("k"), .text("K"):
            if s.refuses(.issueKioskCodes) { return [] }
            issuing = Form([.init("point", s.words(.startPoint), options: s.codes.labels(PathwayPoint.self),
                                  note: s.words(.startKioskPointNote))])
        case .text("q"), .text("Q"):
            if s.refuses(.qof) { return [] }
            recordingQOF = QOFEntry()
        case .text("h"), .text("H"):
            guard !qof.isEmpty || !qofRecords.isEmpty else { s.say("Nothing about the cancer reviews (QOF) for this patient: no QOF line, no record", .error); return [] }
            showingQOFHistory = true
            qofHistoryTop = 0
            info.shown = false
        case .text("t"), .text("T"): return openTrends(s)
        case .text("a"), .text("A"):
            if s.refuses(.recordActions) { return [] }
            recordingOffer = HNAOfferEntry(s, point: assessments.first?.pathwayPoint)
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, timeline.count - 1), selected + 1)
        case .text("w"), .text("W"):
            // Chosen and started with Enter even when there is one type: a word beginning with w typed here
            // by mistake must not start a document.
            let types = RecordScreen.documentTypes(s)
            guard !types.isEmpty else {
                if !s.configuration.documents.isEmpty, let role = s.role {
                    s.say("Not done: the role \(role.name) may not write documents (each document type says who writes it: Resources/documents)", .error)
                } else {
                    s.say("No document types: there is no template in Resources/documents", .error)
                }
                return []
            }
            choosingDocument = Form([.init("type", "Document", options: types.map(\.title), note: "←→ choose, Enter starts it")])
        case .text("n"), .text("N"):
            if s.refuses(.completeChecklist) { return [] }
            guard let open = assessments.first(where: { $0.status == .inProgress }) else { return [.exit("new")] }
            return [.ask(Question(text: "The assessment of \(open.date.display) is still in progress. Start another as well? "
                                        + "y = start another, Enter = open the one in progress, any other key = neither",
                                  yes: [.exit("new")], no: Said("No new assessment started"), yesHint: "start another", noHint: "neither",
                                  others: [.init(.enter, "Enter", "open it", [.openAssessment(open.id), .exit("continue")])],
                                  readingTime: RecordScreen.readingTime))]
        case .text("d"), .text("D"):
            if s.refuses(.editPatients) { return [] }
            guard let a = selectedAssessment else {
                s.say(timeline.indices.contains(selected) ? "Only an assessment in progress can be discarded: a document draft stays, a signed one is kept"
                                                          : "There is no assessment to discard", .error)
                return []
            }
            guard a.status == .inProgress else {
                s.say("Only an assessment in progress can be discarded: an agreed plan is kept (V on its review starts a new version)", .error)
                return []
            }
            return [.ask(Question(text: "Discard the assessment of \(a.date.display) (\(a.concernCount) concern\(a.concernCount == 1 ? "" : "s"))? "
                                        + "It stays on the record, marked discarded by you. y = discard, any other key = keep",
                                  yes: [.discardAssessment(a.id)], no: Said("Kept: nothing discarded"), yesHint: "discard", noHint: "keep",
                                  readingTime: RecordScreen.readingTime))]
        case .text("e"), .text("E"): return s.refuses(.editPatients) ? [] : [.exit("edit")]
        case .text("f"), .text("F"): s.workTarget = nil; return [.exit("follow-up")]
        case .escape: return [.go(.back)]
        case .enter:
            guard timeline.indices.contains(selected) else { return [.exit("new")] }
            switch timeline[selected] {
            case .assessment(let a): return [.openAssessment(a.id), .exit(a.status == .inProgress ? "continue" : "view")]
            case .document(let d): return [.openDocument(d.id), .exit("document")]
            }
        default: break
        }
        return []
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        guard let p = s.patient else { return }
        if renderInformationForm(into: &g, area, s) { return }
        if let form = choosingDocument {
            g.put(" New document for \(p.givenName) \(p.familyName)", x: area.x, y: area.y, style: Style(.heading, bold: true), maxWidth: area.width)
            form.render(into: &g, Area(x: area.x + 1, y: area.y + 2, width: area.width - 2, height: area.height - 2))
            return
        }
        if let entry = recordingQOF {
            entry.render(into: &g, area, s)
            return
        }
        if let entry = recordingOffer { return entry.render(into: &g, area, offers: hnaOffers, s) }
        if let view = trendView { return renderTrends(into: &g, area, view, s) }
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
        if let due, y < area.bottom {
            g.put(DisplayWidth.pad("Treatment ended", to: 20), x: x, y: y, style: Style(.dim))
            g.put("\(due.treatmentEnded.display) · " + due.line, x: x + 20, y: y, style: Style(due.overdue ? .error : .warning, bold: true), maxWidth: w - 20)
            y += 1
        }
        if let latest = hnaOffers.first {
            // How many, in the label: the line itself is often cut at 80 columns.
            line(hnaOffers.count > 1 ? "HNA offers (\(hnaOffers.count))" : "HNA offered", HNAOfferEntry.line(latest, s))
        }
        y = renderQOF(into: &g, x: x, y: y, width: w, bottom: area.bottom, s)
        y += 1
        guard y < area.bottom else { return }
        if showingQOFHistory { return renderQOFHistory(into: &g, area, y: y, s) }
        if info.shown { return renderInformation(into: &g, area, y: y, s) }
        g.put("Timeline", x: x, y: y, style: Style(.heading, bold: true))
        let given = info.loaded.given.count + info.loaded.occasions.count
        if given > 0 { g.put("  (Tab: information and events, \(given))", x: x + 8, y: y, style: Style(.dim), maxWidth: w - 8) }
        y += 1
        if timeline.isEmpty {
            Draw.paragraph(&g, "No assessments or documents yet. Press N (or Enter) to start a holistic needs assessment, W to write a document.",
                           x: x, y: y, width: w, maxY: area.bottom)
            return
        }
        let height = area.bottom - y
        let first = ScrollWindow.firstVisible(selected: selected, count: timeline.count, height: height, previousFirst: 0)
        for (i, entry) in timeline.enumerated().dropFirst(first).prefix(height) {
            var text = DisplayWidth.pad(entry.date.display, to: 13)
            switch entry {
            case .assessment(let a):
                text += DisplayWidth.pad(s.codes.label(a.pathwayPoint), to: 31)
                text += DisplayWidth.pad(a.status.label + (a.version > 1 ? " v\(a.version)" : ""), to: 18)
                text += "\(a.concernCount) concern\(a.concernCount == 1 ? "" : "s")"
            case .document(let d):
                text += DisplayWidth.pad(DisplayWidth.truncate(d.title, to: 30), to: 31)
                text += d.status.label + (d.version > 1 ? " v\(d.version)" : "")
            }
            Draw.row(&g, " " + text, x: area.x, y: y, width: area.width, selected: i == selected)
            y += 1
        }
    }

    /// A line for each QOF indicator the patient is counted by, and their invitations: the next free row.
    func renderQOF(into g: inout Grid, x: Int, y: Int, width w: Int, bottom: Int, _ s: Session) -> Int {
        guard !qof.isEmpty else { return y }
        var y = y
        func line(_ label: String, _ value: String, _ style: Style, _ rest: String = "") {
            guard y < bottom else { return }
            g.put(DisplayWidth.pad(label, to: 20), x: x, y: y, style: Style(.dim))
            let n = g.put(DisplayWidth.truncate(value, to: w - 20), x: x + 20, y: y, style: style)
            if !rest.isEmpty, w - 20 - n > 4 { g.put(DisplayWidth.truncate(rest, to: w - 20 - n), x: x + 20 + n, y: y, style: Style(.dim)) }
            y += 1
        }
        for status in qof {
            line("QOF \(status.code)", QOFWords.state(status, records: qofRecords, rules: s.configuration.qof, today: s.today),
                 QOFWords.style(status.state), " · " + status.title)
        }
        line("Invitations", QOFWords.invitationStatus(QOFWords.invitations(qof), records: qofRecords), .normal)
        return y
    }

    /// The record's letter keys the role may use, for the word said when typing goes nowhere.
    static func commandKeys(_ s: Session) -> String {
        let all: [(String, Bool)] = [("Enter open", true), ("N new assessment", s.may(.completeChecklist)),
                                     ("W write a document", !documentTypes(s).isEmpty), ("E edit", s.may(.editPatients)),
                                     ("K kiosk code", s.may(.issueKioskCodes)), ("D discard", s.may(.editPatients)),
                                     ("Q record QOF", s.may(.qof)), ("H QOF history", true), ("T trends", true), ("A HNA offer", s.may(.recordActions)),
                                     ("I give information", s.may(.recordActions)), ("Tab information and events", true), ("F follow-up", true)]
        return all.filter(\.1).map(\.0).joined(separator: " · ")
    }

    func keys(_ s: Session) -> [KeyHint] {
        if issuing != nil { return [KeyHint("←→", "change"), KeyHint("Enter", "issue code"), KeyHint("Esc", "cancel")] }
        if choosingDocument != nil { return [KeyHint("←→", "choose"), KeyHint("Enter", "start"), KeyHint("Esc", "cancel")] }
        if issued != nil { return [KeyHint("any key", "done")] }
        if let entry = recordingQOF { return entry.keys }
        if let entry = recordingOffer { return entry.keys }
        if showingQOFHistory { return qofHistoryKeys }
        if trendView != nil { return trendKeys }
        if let k = informationKeys(s) { return k }
        // The most useful first: the line stops at the first key that does not fit 80 columns, and F1 lists
        // every key. D only where it applies, and then "new" is short; E then gives way to D.
        let canDiscard = selectedAssessment?.status == .inProgress && s.may(.editPatients)
        return [KeyHint("Enter", "open"), KeyHint("N", canDiscard ? "new" : "new HNA", exit: "new", needs: .completeChecklist),
                ] + (RecordScreen.documentTypes(s).isEmpty ? [] : [KeyHint("W", "document", exit: "document")]) + [KeyHint("T", "trends")] + (canDiscard ? [KeyHint("D", "discard", needs: .editPatients)] : [])
            + [KeyHint("I", "info", needs: .recordActions), KeyHint("Q", "QOF", needs: .qof), KeyHint("F", "follow-up", exit: "follow-up"),
               KeyHint("E", "edit", exit: "edit", needs: .editPatients), KeyHint("K", "kiosk", needs: .issueKioskCodes),
               KeyHint("A", "HNA offer", needs: .recordActions), KeyHint("Tab", "info list")]
            + (qof.isEmpty && qofRecords.isEmpty ? [] : [KeyHint("H", "QOF history")]) + [KeyHint("↑↓", "choose")]
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
            .init("date", s.words(.startDate), text: s.today.display, suggested: true, maxLength: 20, note: s.words(.startDateNote)),
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

    mutating func checkDate(_ s: Session) -> LocalDate? { form.pastDate("date", today: s.today, future: "The assessment date cannot be in the future") }

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
