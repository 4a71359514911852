import CareplanCore
import Foundation
import TermUI

/// What the record lists of a patient's health and wellbeing information: the items given, the courses
/// and events offered or attended, and the staff's full names by user name (who gave them).
package struct PatientInformation: Equatable, Sendable {
    package var given: [InformationGiven]
    package var occasions: [OccasionRecord]
    package var names: [String: String]
    package init(given: [InformationGiven] = [], occasions: [OccasionRecord] = [], names: [String: String] = [:]) {
        self.given = given
        self.occasions = occasions
        self.names = names
    }
    package func name(_ user: String) -> String { names[user] ?? user }
}

/// Choosing items of the information library to give a patient, then how and when they were given: opened
/// over the screen it is given from (the record, a plan's review, a document's review), which keeps its own
/// place and passes the source to record. Type to filter (title, topic, publisher, summary), ←→ a topic,
/// Space chooses several, Enter goes on to how and when; Enter there records them all in one transaction.
package struct InformationPicker: Equatable {
    enum Step: Equatable {
        case choosing
        case giving(Form)
    }

    let source: InformationSource?
    /// `the care plan`, `End of Treatment Summary`: where they are given from, as the heading says it.
    let sourceName: String?
    var filter = TextField("", maxLength: 60)
    /// 0: every topic; else the library's topic at index - 1.
    var topic = 0
    var at = 0
    /// Item ids, in the order chosen (the order the prescription lists them).
    var chosen: [String] = []
    var step = Step.choosing

    /// The step a question before closing holds back (`Command.proceed`): the host closes the picker.
    package static let closing = "close-information"

    package init(source: InformationSource?, sourceName: String?) {
        self.source = source
        self.sourceName = sourceName
    }

    var takesText: Bool {
        switch step {
        case .choosing: return true
        case .giving(let form): return form.takesText
        }
    }

    var hasUnsavedInput: Bool { !chosen.isEmpty }

    func topicId(_ s: Session) -> String? { topic == 0 ? nil : s.configuration.library.topics[topic - 1].id }

    func items(_ s: Session) -> [InformationLibrary.Item] { s.configuration.library.items(matching: filter.text, topic: topicId(s)) }

    // MARK: Keys

    /// A key for the picker held in `picker`: nil once it closes.
    static func handle(_ key: Key, _ picker: inout InformationPicker?, _ s: Session) -> [Command] {
        guard var p = picker else { return [] }
        let (out, close) = p.handle(key, s)
        picker = close ? nil : p
        return out
    }

    mutating func handle(_ key: Key, _ s: Session) -> (commands: [Command], close: Bool) {
        if case .giving(var form) = step {
            if key == .escape { step = .choosing; return ([], false) }
            // Enter records from either field, as the key line says (both have a value from the start).
            let event = key == .enter ? .submit : form.handle(key)
            if case .left(let i) = event, form.fields[i].id == "date" { _ = checkDate(&form, s) }
            step = .giving(form)
            guard event == .submit else { return ([], false) }
            guard let date = checkDate(&form, s) else {
                form.focus = 1
                step = .giving(form)
                s.say("Not recorded: correct the date", .error)
                return ([], false)
            }
            let how = InformationDelivery.allCases[form.index("how")]
            return ([.giveInformation(itemIds: chosen, date: date, how: how, from: source)], false)
        }
        let shown = items(s)
        let topics = s.configuration.library.topics.count + 1
        switch key {
        case .escape:
            if !filter.isEmpty { filter = TextField("", maxLength: 60); at = 0; return ([], false) }
            guard chosen.isEmpty else {
                let n = chosen.count
                return ([.ask(Question(text: "Close without recording the \(n) item\(n == 1 ? "" : "s") chosen? y = close, any other key = stay",
                                       yes: [.proceed(Self.closing)], no: Said("Kept: carry on choosing"), yesHint: "close", noHint: "stay"))], false)
            }
            s.say("No information recorded")
            return ([], true)
        case .up: at = max(0, at - 1)
        case .down: at = min(max(0, shown.count - 1), at + 1)
        case .pageUp: at = max(0, at - 5)
        case .pageDown: at = min(max(0, shown.count - 1), at + 5)
        case .left, .right:
            topic = (topic + (key == .right ? 1 : topics - 1)) % topics
            at = 0
        case .text(" "):
            guard shown.indices.contains(at) else { s.say("Nothing to choose here: Backspace or ←→ widens the list", .error); return ([], false) }
            let id = shown[at].id
            if let i = chosen.firstIndex(of: id) { chosen.remove(at: i) } else { chosen.append(id) }
        case .enter:
            if chosen.isEmpty {
                guard shown.indices.contains(at) else { s.say("Choose an item first: Space chooses, type to find one", .error); return ([], false) }
                chosen = [shown[at].id]
            }
            step = .giving(Form([
                .init("how", "How given", options: InformationDelivery.allCases.map(\.label),
                      index: InformationDelivery.allCases.firstIndex(of: .handedOver) ?? 0, note: "←→ printed, emailed, handed over or a link"),
                .init("date", "Date given", text: s.today.display, suggested: true, maxLength: 20, note: "day/month/year, not after today"),
            ]))
        default:
            switch filter.handle(key) {
            case .changed: at = 0
            case .truncated: s.say("The filter takes at most 60 characters", .error)
            case .unchanged: break
            case .notHandled: s.say("Not used here: type to find, Space chooses, Enter goes on, Esc closes", .error)
            }
        }
        return ([], false)
    }

    func checkDate(_ form: inout Form, _ s: Session) -> LocalDate? {
        form.pastDate("date", today: s.today, future: "Information cannot be given in the future",
                      earliest: s.patient.map { ($0.dateOfBirth, "That is before the patient was born") })
    }

    /// Once the store recorded them: said, and the prescription offered (y prints it, P saves a PDF).
    static func recorded(_ given: [InformationGiven], _ s: Session) -> [Command] {
        guard let first = given.first else { return [] }
        let n = given.count
        s.say("Recorded: \(n) item\(n == 1 ? "" : "s") \(first.how.label) on \(first.date.display)", .success)
        guard s.may(.export) else { return [] }
        let ids = given.map(\.id)
        let pdf: [Command] = [.go(.effect(.exportInformation(patientId: first.patientId, date: first.date, ids: ids, format: "pdf")))]
        return [.ask(Question(text: "Recorded \(n) item\(n == 1 ? "" : "s"). Print the information prescription for the patient now?",
                              yes: [.go(.effect(.printInformation(patientId: first.patientId, date: first.date, ids: ids)))],
                              no: Said("Not printed: P on the record's information saves it later"), yesHint: "print", noHint: "not now",
                              others: [.init(.text("p"), "P", "save PDF", pdf), .init(.text("P"), "P", "save PDF", pdf)]))]
    }

    // MARK: Drawing

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let name = s.patient.map { "\($0.givenName) \($0.familyName)" } ?? "the patient"
        let from = sourceName.map { " · from \($0)" } ?? ""
        if case .giving(let form) = step {
            let n = chosen.count
            g.put(" Give \(n) item\(n == 1 ? "" : "s") to \(name)\(from)", x: area.x, y: area.y, style: Style(.heading, bold: true), maxWidth: area.width)
            let titles = chosen.compactMap { s.configuration.library.item($0)?.title }
            let listed = min(titles.count, max(1, area.height - 7))
            for (i, t) in titles.prefix(listed).enumerated() {
                g.put("  • " + t, x: area.x, y: area.y + 1 + i, maxWidth: area.width)
            }
            if titles.count > listed { g.put("    and \(titles.count - listed) more", x: area.x, y: area.y + 1 + listed, style: Style(.dim)) }
            let top = area.y + 2 + min(titles.count, listed + 1)
            form.render(into: &g, Area(x: area.x + 1, y: top, width: area.width - 2, height: area.bottom - top))
            return
        }
        let library = s.configuration.library
        g.put(" Information for \(name)\(from)", x: area.x, y: area.y, style: Style(.heading, bold: true), maxWidth: area.width)
        g.put(" Find: ", x: area.x, y: area.y + 1, style: Style(.dim))
        let findW = max(8, min(24, area.width / 3))
        filter.render(into: &g, x: area.x + 7, y: area.y + 1, width: findW, focused: true)
        let topicLabel = topic == 0 ? "All topics" : library.topics[topic - 1].label
        let tx = area.x + 8 + findW
        let chosenText = chosen.isEmpty ? "" : "  \(chosen.count) chosen"
        g.put(DisplayWidth.truncate("Topic ‹ \(topicLabel) ›", to: max(0, area.right - tx - DisplayWidth.of(chosenText))) + chosenText,
              x: tx, y: area.y + 1, maxWidth: area.right - tx)
        let shown = items(s)
        // The chosen item's audience and summary under the list.
        let detail = area.height >= 12 ? 3 : 0
        let list = Area(x: area.x, y: area.y + 2, width: area.width, height: area.height - 2 - detail)
        if shown.isEmpty {
            g.put("  Nothing matches: Backspace or ←→ widens the list", x: list.x, y: list.y, style: Style(.dim), maxWidth: list.width)
            return
        }
        let formatW = 10
        let first = ScrollWindow.firstVisible(selected: at, count: shown.count, height: list.height, previousFirst: 0)
        for (i, item) in shown.enumerated().dropFirst(first).prefix(list.height) {
            let mark = chosen.contains(item.id) ? "[x] " : "[ ] "
            let titleW = max(4, list.width - 6 - formatW)
            let text = " " + mark + DisplayWidth.pad(DisplayWidth.truncate(item.title, to: titleW - 1), to: titleW) + InformationPrescription.formatName(item.format)
            Draw.row(&g, text, x: list.x, y: list.y + i - first, width: list.width, selected: i == at)
        }
        if detail > 0, shown.indices.contains(at) {
            let item = shown[at]
            let y = list.bottom
            g.put(" For: " + item.audience + " · " + item.publisher, x: area.x, y: y, style: Style(.dim), maxWidth: area.width)
            Draw.paragraph(&g, item.summary, x: area.x + 1, y: y + 1, width: area.width - 2, maxY: area.bottom, style: Style(.dim))
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        if case .giving = step { return [KeyHint("Tab/↑↓", "field"), KeyHint("←→", "how"), KeyHint("Enter", "record"), KeyHint("Esc", "back")] }
        return [KeyHint("type", "find"), KeyHint("←→", "topic"), KeyHint("Space", "choose"), KeyHint("Enter", "go on"), KeyHint("Esc", "close")]
    }
}
