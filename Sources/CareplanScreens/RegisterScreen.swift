import CareplanCore
import Foundation
import TermUI

/// The patient register: find as you type by name, NHS number or date of birth.
struct RegisterScreen: Screen {
    let kind = ScreenKind.patientRegister
    var query = TextField("", maxLength: 60)
    var results: [PatientSummary] = []
    /// Why the last search could not be made (nil: it was, or it is on its way).
    var searchFailure: String?
    /// Self-assessments sent from the kiosk, listed first while the search is empty.
    var waiting: [WaitingAssessment] = []
    /// Index into waiting + results.
    var selected = 0
    var first = 0
    var total = 0
    /// With none in the user's teams: how many the store holds (Ctrl-T shows them).
    var inStore: Int?
    var takesText: Bool { true }

    init(_ s: Session) {}

    /// Asks for the rows matching what is typed (emptied first: a search the store refuses shows none).
    mutating func search() -> [Command] {
        results = []
        waiting = []
        searchFailure = nil
        return [.query(.patients(matching: query.text, limit: 200))] + (query.text.isEmpty ? [.query(.waitingSelfAssessments)] : [])
    }

    var rowCount: Int { waiting.count + results.count }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        // Counted once as the screen opens, not on every key: a count of 100,000 rows is not free.
        // The search first: a failed read ends the commands, and a search that fails says so where a count would not.
        case .opened: return search() + [.query(.patientCount)]
        case .answer(.counted(let n)):
            total = n
            inStore = nil
            if n == 0, s.registerTeams != nil { return [.query(.patientCountEveryone)] }
        case .answer(.countedEveryone(let n)): inStore = n
        case .answer(.patients(let text, let found)) where text == query.text: results = found
        case .answer(.patientSearchFailed(let text, let why)) where text == query.text: searchFailure = why
        case .answer(.waiting(let found)) where query.text.isEmpty: waiting = found
        case .key(let key): return handle(key, s)
        case .tick, .leaving, .answer, .proceed, .answeredTooSoon: break
        }
        selected = min(selected, max(0, rowCount - 1))
        return []
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, rowCount - 1), selected + 1)
        case .pageUp: selected = max(0, selected - 10)
        case .pageDown: selected = min(max(0, rowCount - 1), selected + 10)
        case .ctrl("a"): return s.refuses(.editPatients) ? [] : [.exit("new")]
        case .ctrl("t"):
            guard s.toggleMyTeamsOnly() else { return [] }
            selected = 0
            return search() + [.query(.patientCount)]
        case .function(2):
            return s.refuses(.manageUsers) ? [] : [.exit("users")]
        case .function(4):
            return s.refuses(.qof) ? [] : [.exit("reviews-due")]
        case .function(5):
            return s.refuses(FollowUpPermission.record, doing: "see the worklist") ? [] : [.exit("worklist")]
        case .function(6):
            return s.refuses(.reports) ? [] : [.exit("reports")]
        case .enter:
            // The search that could not be made is tried again (with the count, if that failed too).
            if searchFailure != nil { return search() + (total == 0 ? [.query(.patientCount)] : []) }
            if waiting.indices.contains(selected) {
                // A self-assessment from the kiosk opens straight into prioritisation.
                let w = waiting[selected]
                guard let id = w.patient.id else { return [] }
                return [.openPatient(id), .openAssessment(w.assessmentId), .exit("waiting")]
            }
            let r = selected - waiting.count
            guard results.indices.contains(r), let id = results[r].patient.id else {
                return total == 0 && !s.refuses(.editPatients) ? [.exit("new")] : []
            }
            return [.openPatient(id), .exit("open")]
        case .escape:
            if !query.text.isEmpty { query.text = ""; selected = 0; return search() }
        default:
            let before = query.text
            let outcome = query.handle(key)
            if case .truncated = outcome { s.say("A search is at most \(query.maxLength) characters", .error) }
            if query.text != before { selected = 0; return search() }
        }
        return []
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        var y = area.y
        g.put(" Find: ", x: area.x, y: y, style: Style(.heading, bold: true))
        query.render(into: &g, x: area.x + 7, y: y, width: min(40, area.width - 8), focused: true)
        y += 1
        // First: with the store out of reach an empty list says nothing about who is in it.
        if let why = searchFailure {
            Draw.paragraph(&g, "Cannot search: \(why). What you typed is kept: press Enter to search again.",
                           x: area.x + 2, y: y + 1, width: area.width - 4, maxY: area.bottom, style: Style(.error))
            return
        }
        if total == 0, let n = inStore, n > 0 {
            Draw.paragraph(&g, "No patients in your teams: \(n) in the store (Ctrl-T shows everyone)", x: area.x + 2, y: y + 1, width: area.width - 4, maxY: area.bottom)
            return
        }
        if total == 0 {
            y += 1
            let welcome = """
                Welcome to careplan. There are no patients in this store yet.

                Press Ctrl-A (or Enter) to add the first patient: their NHS number, name, date of birth and \
                diagnosis. Then start a holistic needs assessment from their record.

                For a demonstration with fictional patients, quit (Ctrl-Q) and run: careplan seed --patients 50
                """
            // A role that adds no patients is not told to add one.
            let text = s.may(.editPatients) ? welcome : "There are no patients in this store yet. Someone whose role adds patients adds them."
            for para in text.split(separator: "\n", omittingEmptySubsequences: false) {
                y = Draw.paragraph(&g, String(para), x: area.x + 2, y: y, width: area.width - 4, maxY: area.bottom)
            }
            return
        }
        let wide = area.width >= 70
        // A row's text is made only if it is drawn: up to 200 results are found, a screenful is shown.
        var rows: [(text: () -> String, style: Style?)] = []  // style nil: a selectable row
        if !waiting.isEmpty {
            rows.append(({ "Waiting for a care-planning conversation (\(waiting.count)): completed at the kiosk" }, Style(.heading, bold: true)))
        }
        for w in waiting {
            rows.append(({
                // When and how many first; the name gets the columns that are left.
                let tail = "sent " + Draw.dateTime(w.submittedAt) + " · \(w.concernCount) concern\(w.concernCount == 1 ? "" : "s")"
                let nameWidth = max(8, min(31, area.width - 15 - DisplayWidth.of(tail) - 1))
                return " " + DisplayWidth.pad(w.patient.nhsNumber.formatted, to: 14)
                    + DisplayWidth.pad(DisplayWidth.truncate(w.patient.displayName, to: nameWidth - 1), to: nameWidth) + tail
            }, nil))
        }
        let found = query.text.isEmpty ? "Recently changed (\(total) patient\(total == 1 ? "" : "s") in all)" :
            results.isEmpty ? "No patient matches “\(query.text)”." + (s.may(.editPatients) ? " Ctrl-A adds a new patient." : "") :
            "\(results.count == 200 ? "First 200" : String(results.count)) found"
        rows.append(({ found }, Style(.dim)))
        if !results.isEmpty {
            rows.append(({ wide ? " NHS number    Name                         Born         Latest assessment" : " NHS number    Name" }, Style(.heading)))
        }
        for r in results {
            rows.append(({
                var line = " " + DisplayWidth.pad(r.patient.nhsNumber.formatted, to: 14)
                if wide {
                    // 29 columns leave the latest status its whole date at 80 ("Plan agreed 15 Feb 2026").
                    line += DisplayWidth.pad(r.patient.displayName, to: 29) + DisplayWidth.pad(r.patient.dateOfBirth.display, to: 13)
                    line += r.latestStatus.map { "\($0.label) \(r.latestDate?.display ?? "")" } ?? "none"
                } else {
                    line += r.patient.displayName
                }
                return line
            }, nil))
        }
        // Scroll so the selected row shows, counting only selectable rows for the selection.
        let selectableRows = rows.indices.filter { rows[$0].style == nil }
        let selectedRow = selectableRows.indices.contains(selected) ? selectableRows[selected] : 0
        let height = area.bottom - y
        let firstRow = ScrollWindow.firstVisible(selected: selectedRow, count: rows.count, height: height, previousFirst: first, jump: true)
        for (i, row) in rows.enumerated().dropFirst(firstRow).prefix(height) {
            if let style = row.style {
                g.put(DisplayWidth.truncate(" " + row.text(), to: area.width), x: area.x, y: y, style: style)
            } else {
                Draw.row(&g, row.text(), x: area.x, y: y, width: area.width, selected: i == selectedRow)
            }
            y += 1
        }
    }


    func keys(_ s: Session) -> [KeyHint] {
        [KeyHint("type", "find"), KeyHint("↑↓", "choose"), KeyHint("Enter", "open"), KeyHint("^A", "add patient", exit: "new", needs: .editPatients)]
            + (s.staff.map { !$0.teamIds.isEmpty } == true ? [KeyHint("^T", s.registerTeams == nil ? "my team" : "everyone")] : [])
            + [KeyHint("F2", "users", exit: "users", needs: .manageUsers), KeyHint("F4", "reviews due", exit: "reviews-due", needs: .qof),
               KeyHint("F5", "worklist", exit: "worklist", needs: FollowUpPermission.record), KeyHint("F6", "reports", exit: "reports", needs: .reports)]
    }

    /// Whose patients the list shows.
    func title(_ s: Session) -> String? {
        guard s.staff.map({ !$0.teamIds.isEmpty }) == true else { return nil }
        return s.registerTeams == nil ? "All patients" : "Patients of " + s.myTeamNames.joined(separator: ", ")
    }
}
