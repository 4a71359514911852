import CareplanCore
import Foundation
import TermUI

/// The record's health and wellbeing information (issue 13): Tab shows, instead of the timeline, everything
/// the patient was given and the courses and events offered or attended, newest first. I gives information
/// (the picker), O records an event offered or attended, P saves the prescription of the chosen row's date.
struct RecordInformation: Equatable {
    var shown = false
    var selected = 0
    var loaded = PatientInformation()
    var picker: InformationPicker?
    /// Recording a course or event offered or attended.
    var occasion: Form?

    enum Row: Equatable {
        case given(InformationGiven)
        case occasion(OccasionRecord)
        var date: LocalDate {
            switch self {
            case .given(let g): return g.date
            case .occasion(let o): return o.date
            }
        }
        var recordedAt: Date {
            switch self {
            case .given(let g): return g.recordedAt
            case .occasion(let o): return o.recordedAt
            }
        }
    }

    /// Given items and occasions together, newest first (then the latest recorded first).
    var rows: [Row] {
        (loaded.given.map(Row.given) + loaded.occasions.map(Row.occasion)).enumerated()
            .sorted { ($0.element.date, $0.element.recordedAt, -$0.offset) > ($1.element.date, $1.element.recordedAt, -$1.offset) }.map(\.element)
    }

    var isOpen: Bool { picker != nil || occasion != nil }

    /// The courses and events of the library, which can be offered and attended.
    static func occasions(_ s: Session) -> [InformationLibrary.Item] { s.configuration.library.items.filter(\.format.isOccasion) }
}

extension RecordScreen {
    static let informationLetters = "iopIOP"

    /// The record's answers about information; true if it was one.
    mutating func informationAnswer(_ message: Message, _ s: Session) -> [Command]? {
        switch message {
        case .answer(.information(let found)):
            info.loaded = found
            info.selected = min(info.selected, max(0, info.rows.count - 1))
            return []
        case .answer(.informationGiven(let given)):
            info.picker = nil
            info.shown = true
            info.selected = 0
            return InformationPicker.recorded(given, s) + reloadInformation(s)
        case .answer(.occasionRecorded(let o)):
            info.occasion = nil
            info.shown = true
            info.selected = 0
            s.say("Recorded: \(o.title), \(o.status.rawValue) on \(o.date.display)", .success)
            return reloadInformation(s)
        case .proceed(InformationPicker.closing):
            info.picker = nil
            s.say("No information recorded")
            return []
        default: return nil
        }
    }

    func reloadInformation(_ s: Session) -> [Command] { s.patient?.id.map { [.query(.information(patientId: $0))] } ?? [] }

    /// Keys while the picker or the event form is open, or the information list is shown; nil: not ours.
    mutating func informationKey(_ key: Key, _ s: Session) -> [Command]? {
        if info.picker != nil { return InformationPicker.handle(key, &info.picker, s) }
        if var form = info.occasion {
            if key == .escape { info.occasion = nil; s.say("No event recorded"); return [] }
            // Enter records from any field, as the key line says (every field has a value from the start).
            let event = key == .enter ? .submit : form.handle(key)
            if case .left(let i) = event, form.fields[i].id == "date" { _ = occasionDate(&form, s) }
            info.occasion = form
            guard event == .submit else { return [] }
            guard let date = occasionDate(&form, s) else {
                form.focus = 2
                info.occasion = form
                s.say("Not recorded: correct the date", .error)
                return []
            }
            let item = RecordInformation.occasions(s)[form.index("event")]
            return [.recordOccasion(itemId: item.id, status: OccasionStatus.allCases[form.index("status")], date: date)]
        }
        switch key {
        case .tab, .backTab:
            info.shown = showingQOFHistory || !info.shown
            showingQOFHistory = false
            return []
        case .text("i"), .text("I"):
            if s.refuses(.recordActions, doing: Permission.givingInformation) { return [] }
            info.picker = InformationPicker(source: nil, sourceName: nil)
            return []
        case .text("o"), .text("O"):
            if s.refuses(.recordActions, doing: "record courses or events") { return [] }
            let events = RecordInformation.occasions(s)
            guard !events.isEmpty else { s.say("The information library has no course or event to offer", .error); return [] }
            info.occasion = Form([
                .init("event", "Course or event", options: events.map(\.title), note: "←→ choose (from the information library)"),
                .init("status", "Offered or attended", options: OccasionStatus.allCases.map(\.rawValue), note: "←→ offered, attended"),
                .init("date", "Date", text: s.today.display, suggested: true, maxLength: 20, note: "day/month/year, not after today"),
            ])
            return []
        case .text("p"), .text("P"):
            let rows = info.rows
            guard info.shown, rows.indices.contains(info.selected), let id = s.patient?.id else {
                s.say(info.loaded.given.isEmpty ? "Nothing has been given yet: I gives information" : "Tab shows the information given: choose a row, then P", .error)
                return []
            }
            // Everything given on the chosen row's date.
            return [.go(.effect(.exportInformation(patientId: id, date: rows[info.selected].date, ids: [], format: "pdf")))]
        default: break
        }
        guard info.shown else { return nil }
        switch key {
        case .up: info.selected = max(0, info.selected - 1)
        case .down: info.selected = min(max(0, info.rows.count - 1), info.selected + 1)
        case .enter: s.say("Tab goes back to the timeline to open an assessment or document; P saves the chosen date's prescription")
        case .escape: return nil
        default: return nil
        }
        return []
    }

    func occasionDate(_ form: inout Form, _ s: Session) -> LocalDate? {
        form.pastDate("date", today: s.today, future: "Record it once offered or attended: not a future date")
    }

    /// The picker or the event form, if open; true if drawn.
    func renderInformationForm(into g: inout Grid, _ area: Area, _ s: Session) -> Bool {
        if let p = info.picker { p.render(into: &g, area, s); return true }
        if let form = info.occasion, let p = s.patient {
            g.put(" Course or event for \(p.givenName) \(p.familyName)", x: area.x, y: area.y, style: Style(.heading, bold: true), maxWidth: area.width)
            form.render(into: &g, Area(x: area.x + 1, y: area.y + 2, width: area.width - 2, height: area.height - 2))
            return true
        }
        return false
    }

    /// The information list in place of the timeline, from row `y`.
    func renderInformation(into g: inout Grid, _ area: Area, y top: Int, _ s: Session) {
        var y = top
        let x = area.x + 1, w = area.width - 2
        g.put("Information and events", x: x, y: y, style: Style(.heading, bold: true))
        g.put("  (Tab: timeline)", x: x + 22, y: y, style: Style(.dim), maxWidth: w - 22)
        y += 1
        let rows = info.rows
        if rows.isEmpty {
            Draw.paragraph(&g, "No information given and no events yet. I gives information from the library; O records a course or event offered or attended.",
                           x: x, y: y, width: w, maxY: area.bottom)
            return
        }
        // Where it was given from: the plan, or a document by its title on the timeline.
        func from(_ source: InformationSource?) -> String {
            switch source {
            case .assessment?: return "care plan"
            case .document(let id)?:
                return timeline.lazy.compactMap { if case .document(let d) = $0, d.id == id { return d.title } else { return nil } }.first ?? "document"
            case nil: return "record"
            }
        }
        // Two lines a row, so that titles are whole at 80 columns: the title, then how, by whom and from where.
        g.put(DisplayWidth.truncate(" Date         Title; under it how, by whom, from where", to: area.width), x: area.x, y: y, style: Style(.heading))
        y += 1
        let height = (area.bottom - y) / 2
        let first = ScrollWindow.firstVisible(selected: info.selected, count: rows.count, height: max(1, height), previousFirst: 0)
        for (i, row) in rows.enumerated().dropFirst(first).prefix(max(1, height)) where y + 1 < area.bottom {
            let title: String, detail: String
            switch row {
            case .given(let g):
                title = g.title
                detail = "\(g.how.label) · by \(info.loaded.name(g.givenBy)) · from \(from(g.source))"
            case .occasion(let o):
                // Recorded on the record with O: the kind of occasion and its status, from the record.
                let format = s.configuration.library.item(o.itemId).map { InformationPrescription.formatName($0.format) } ?? "event"
                title = o.title
                detail = "\(format) \(o.status.rawValue) · by \(info.loaded.name(o.recordedBy)) · from record"
            }
            Draw.row(&g, " " + DisplayWidth.pad(row.date.display, to: 13) + DisplayWidth.truncate(title, to: w - 13), x: area.x, y: y, width: area.width,
                     selected: i == info.selected)
            Draw.row(&g, String(repeating: " ", count: 14) + DisplayWidth.truncate(detail, to: w - 13), x: area.x, y: y + 1, width: area.width,
                     selected: i == info.selected, style: Style(.dim))
            y += 2
        }
    }

    func informationKeys(_ s: Session) -> [KeyHint]? {
        if let p = info.picker { return p.keys(s) }
        if info.occasion != nil { return [KeyHint("Tab/↑↓", "field"), KeyHint("←→", "change"), KeyHint("Enter", "record"), KeyHint("Esc", "cancel")] }
        guard info.shown else { return nil }
        return [KeyHint("I", "info", needs: .recordActions), KeyHint("O", "event", needs: .recordActions),
                KeyHint("P", "prescription", needs: .export), KeyHint("Tab", "timeline"), KeyHint("↑↓", "choose")]
    }
}
