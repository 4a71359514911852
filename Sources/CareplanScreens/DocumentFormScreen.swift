import CareplanCore
import Foundation
import TermUI

/// Any document template filled in (an End of Treatment Summary, ...): one page per section, Ctrl-N and Ctrl-P
/// between them, then a review page listing what is missing, where it is signed, exported and printed. Each
/// field is saved when it is left (long text also while typing, as notes are), based on the value it showed,
/// so another terminal's change to the same field is merged (text) or kept with this one refused, as the care
/// plan's answers are. A group's rows are edited in a form of their own and saved whole.
struct DocumentFormScreen: Screen {
    let kind = ScreenKind.documentForm

    /// One line of a page: a field, or a row of a group under its field.
    enum Item: Equatable {
        case field(DocumentField)
        case row(group: DocumentField, index: Int)
    }

    /// What is being typed or chosen for the focused field.
    enum Input: Equatable {
        /// Short text, a date or a number, as typed.
        case line(TextField)
        /// Long text, in the note editor.
        case note(TextEditor)
        /// A choice or choices from a code list, a service, or a person (one of the staff, or the name as typed),
        /// narrowed by what is typed.
        case pick(filter: TextField, at: Int, chosen: [String])
        /// Concerns from the field's catalogue, each chosen with its score, narrowed by what is typed.
        case concerns(filter: TextField, at: Int, chosen: [ScoredConcern], digits: ScoreDigits)
    }

    /// A row of a group being added or changed: its values held here until Ctrl-S saves the row whole.
    struct RowEdit: Equatable {
        var group: DocumentField
        var row: DocumentRow
        /// The row as stored when the form opened (nil: a new row): the base of its save.
        var shown: DocumentRow?
        var focus = 0
        var changed = false
        /// Esc was refused (the row cannot be saved yet): a second Esc drops the row's changes.
        var dropOnEscape = false
    }

    /// The section shown; the one after the last is the review page.
    var page = 0
    var focus = 0
    var input: Input?
    var rowEdit: RowEdit?
    /// What was typed that is not a valid value yet, or not saved yet, by field id: shown instead of the stored
    /// value, with its problem, until it is corrected or saved.
    var typed: [String: String] = [:]
    var problems: [String: String] = [:]
    /// The long text being typed: when its first unsaved change came, and its stored text when the editor took it.
    var dirtySince: Date?
    var noteShown = ""
    /// The change just sent, to know which field a refusal is about.
    var sent: DocumentChange?
    /// The review page: its scroll, and the copy P, T and L write.
    var scroll = 0
    var copy = 0
    /// The staff a person field offers, as the store had them when the form opened.
    var staff: [StaffName] = []
    /// What the template shows beside the form (`beside:`), and whether it has the focus.
    var beside = BesidePane()
    /// Whose copy, and the patient's also in large print (14 pt, clear-print guidance).
    static let copies: [(copy: String, largePrint: Bool, label: String)] = [("record", false, "record's"), ("patient", false, "patient's"),
                                                                            ("patient", true, "patient's large-print"), ("gp", false, "GP's")]

    static let saveAfter: TimeInterval = 1.0

    init(_ s: Session) {}

    // MARK: - What the page holds

    func sections(_ s: Session) -> [DocumentSection] { s.template?.sections ?? [] }
    func onReview(_ s: Session) -> Bool { page >= sections(s).count }

    func items(_ s: Session) -> [Item] {
        if let edit = rowEdit { return edit.group.rowFields.map(Item.field) }
        guard !onReview(s), let d = s.document else { return [] }
        return sections(s)[page].fields.flatMap { f -> [Item] in
            guard case .group = f.kind else { return [.field(f)] }
            return [.field(f)] + d.rows(f.id).indices.map { .row(group: f, index: $0) }
        }
    }

    var focusIndex: Int { rowEdit?.focus ?? focus }

    func focusedField(_ s: Session) -> DocumentField? {
        let all = items(s)
        guard all.indices.contains(focusIndex), case .field(let f) = all[focusIndex] else { return nil }
        return f
    }

    /// Typing keys: a field's own keys (not commands) while one is edited, or while the focus is on a field
    /// that takes typing, so a run of keys (fast typing, a paste without bracketed paste) starts editing it.
    var takesText: Bool { informing?.takesText ?? (input != nil || focusTakesTyping) }
    /// Whether the focused field takes typing, as of the last message (`takesText` reads no session).
    var focusTakesTyping = false
    var inSubForm: Bool { rowEdit != nil || input != nil || informing != nil }
    /// Changes waiting for the store are the runtime's (it keeps and saves them, and Ctrl-Q counts them).
    var hasUnsavedInput: Bool { !typed.isEmpty || dirtySince != nil || (rowEdit?.changed ?? false) || (informing?.hasUnsavedInput ?? false) }
    /// Giving health and wellbeing information from the document (I on the review): recorded with it as the source.
    var informing: InformationPicker?

    /// The open document's fields with a change the store has not taken yet (it cannot be written).
    func waitingFields(_ s: Session) -> Set<String> { s.document.flatMap { s.waitingDocumentFields[$0.id] } ?? [] }

    /// A field's value as shown: in the row being edited, or in the open document.
    func value(_ f: DocumentField, _ s: Session) -> FieldValue? {
        if let edit = rowEdit { return edit.row[f.id] }
        return s.document?[f.id]
    }

    /// The key for `typed` and `problems`: a row's fields are apart from the document's.
    func key(_ f: DocumentField) -> String { rowEdit.map { "\($0.group.id)/\(f.id)" } ?? f.id }

    // MARK: - Messages

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        let out = respond(message, s)
        noteFocus(s)
        return out
    }

    mutating func noteFocus(_ s: Session) {
        focusTakesTyping = s.document.map { !$0.isLocked } == true && (!onReview(s) || rowEdit != nil)
            && focusedField(s).map { [.shortText, .longText, .date, .person].contains($0.kind) || $0.kind.name == "number" } == true
    }

    mutating func respond(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .key(let key): return handle(key, s)
        case .opened: return [.query(.staffNames)]
        case .answer(.staffNames(let names)): staff = names
        case .tick: return saveNote(s, force: false) + saveLine(s)
        case .leaving:
            var out = saveNote(s, force: true)
            if input != nil, case .line = input { out += commit(s) }
            return out
        case .answer(.documentSaved(let change)):
            sent = nil
            if case .setField(let id, _) = change {
                typed[id] = nil
                problems[id] = nil
                if input == nil { dirtySince = nil }  // the note closed with this save
                if case .note(var editor)? = input, focusedField(s)?.id == id {
                    let stored = s.document?[id].flatMap { if case .text(let t) = $0 { return t } else { return nil } } ?? ""
                    if stored != editor.text { editor.takeText(stored) }  // merged with another terminal's: show what is stored
                    input = .note(editor)
                    noteShown = stored
                    dirtySince = nil
                }
            }
        case .answer(.failed(let why)):
            guard let change = sent else { return [] }
            sent = nil
            switch why {
            case .changedElsewhere(_)?, .signed?:
                // Theirs is shown (the runtime opened it again) and the message says what was not saved.
                typed[change.fieldId] = nil
                if case .note? = input, focusedField(s)?.id == change.fieldId { input = nil; dirtySince = nil }
            default:
                // Refused for good (the status line says why): what was typed stays, with the reason.
                if case .setField(let id, let v?) = change, typed[id] == nil { typed[id] = Self.editable(v) }
                if let why { problems[change.fieldId] = why.description }
                dirtySince = nil
            }
        case .answer(.informationGiven(let given)):
            informing = nil
            return InformationPicker.recorded(given, s)
        case .proceed(InformationPicker.closing):
            informing = nil
            s.say("No information recorded")
        case .answer(.documentSigned(let d)):
            s.say("Signed and locked: \(d.title), version \(d.version). P saves a PDF (C chooses the copy), L prints.", .success)
        case .answer(.documentStarted(let d)):
            page = 0; focus = 0; scroll = 0
            s.say(d.version > 1 ? "Version \(d.version) started as a draft from the signed one" : "\(d.title) started: every field is saved as you leave it", .success)
        default: break
        }
        return []
    }

    mutating func documentRefreshed(_ s: Session, from old: Document) {
        // Another terminal's changes show, except in the field being typed here (its save merges or refuses).
        if case .note(var editor)? = input, dirtySince == nil, let f = focusedField(s), case .text(let t)? = s.document?[f.id], t != noteShown {
            editor.takeText(t)
            input = .note(editor)
            noteShown = t
        }
        focus = min(focus, max(0, items(s).count - 1))
        noteFocus(s)
    }

    /// Sends a change, remembering it so a refusal is put back on its field.
    mutating func send(_ change: DocumentChange, basedOn base: DocumentAnswer? = nil) -> [Command] {
        sent = change
        return [.applyDocument(change, basedOn: base)]
    }

    /// The long text typed, once it has waited long enough (`force`: now), based on the text the editor took.
    mutating func saveNote(_ s: Session, force: Bool) -> [Command] {
        guard let since = dirtySince, force || s.now.timeIntervalSince(since) >= DocumentFormScreen.saveAfter,
              case .note(let editor)? = input, let f = focusedField(s), rowEdit == nil else { return [] }
        return send(.setField(f.id, .text(editor.text)), basedOn: .field(noteShown.isEmpty ? nil : .text(noteShown)))
    }

    /// A short field's typing, a second after it stopped, so a crash loses nothing: saved if it is a valid value
    /// (the field stays open); one that is not is marked when the field is left, as before.
    mutating func saveLine(_ s: Session) -> [Command] {
        guard let since = dirtySince, s.now.timeIntervalSince(since) >= DocumentFormScreen.saveAfter, rowEdit == nil,
              case .line(let field)? = input, let f = focusedField(s) else { return [] }
        dirtySince = nil
        guard case .success(let v) = f.value(typed: field.text), dateProblem(f, v, s) == nil, v != value(f, s) else { return [] }
        return send(.setField(f.id, v))
    }

    // MARK: - Keys

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        guard let d = s.document, s.template != nil else { return [.go(.back)] }
        if informing != nil { return InformationPicker.handle(key, &informing, s) }
        if besideOffered(s) && (beside.focused || key == BesidePane.key) {
            // The sources, or back to the form: what is being typed stays as it is.
            if !beside.focused { beside.focused = true; return [] }
            let pane = beside.split(s.contentArea, offered: true).pane ?? s.contentArea
            beside.handle(key, height: pane.height - 1, lineCount: beside.lines(s.beside, pane, sideBySide: BesidePane.sideBySide(s.contentArea)).count, s)
            return []
        }
        if key != .escape || input != nil { rowEdit?.dropOnEscape = false }  // only Esc straight after the refusal drops
        if input != nil { return handleInput(key, s) }
        if onReview(s) && rowEdit == nil { return handleReview(key, d, s) }
        let all = items(s)
        switch key {
        case .up, .backTab: moveFocus(-1, all.count)
        case .down, .tab: moveFocus(1, all.count)
        case .pageUp: moveFocus(-5, all.count)
        case .pageDown: moveFocus(5, all.count)
        case .ctrl("n"), .ctrl("p"):
            guard rowEdit == nil else { s.say("Save the row first (Ctrl-S), or Esc to leave it", .error); return [] }
            turn(key == .ctrl("n") ? 1 : -1, s)
        case .ctrl("s") where rowEdit != nil: return saveRow(s)
        case .escape:
            if rowEdit != nil { return closeRow(s) }
            return [.go(.back)]
        default:
            guard all.indices.contains(focusIndex) else { return [] }
            if d.isLocked { return refuseLocked(key, s) }
            if let t = s.template, let why = s.writeRefusal(t) { s.say(why + ": read only", .error); return [] }
            switch all[focusIndex] {
            case .field(let f): return handleField(f, key, s)
            case .row(let group, let index): return handleRow(group, index, key, d, s)
            }
        }
        return []
    }

    mutating func moveFocus(_ delta: Int, _ count: Int) {
        let to = max(0, min(max(0, count - 1), focusIndex + delta))
        if rowEdit != nil { rowEdit!.focus = to } else { focus = to }
    }

    mutating func turn(_ delta: Int, _ s: Session) {
        let to = max(0, min(sections(s).count, page + delta))
        if to == page {
            s.say(delta > 0 ? "This is the review page: the last" : "This is the first section")
            return
        }
        page = to; focus = 0; scroll = 0
    }

    func refuseLocked(_ key: Key, _ s: Session) -> [Command] {
        if case .text(let t) = key, t == "v" || t == "V" { return newVersion(s) }
        // A new version is suggested only to a role that may write one.
        s.say(s.template.map(s.mayWrite) == true ? StoreError.signed.description + " (V)" : "This document is signed and locked: read only", .error)
        return []
    }

    /// A new version of a signed document, after a y/n question: one stray V must not start one. Refused at
    /// once to a role that may not write the document (not after its y).
    func newVersion(_ s: Session) -> [Command] {
        guard let d = s.document else { return [] }
        guard d.isLocked else { s.say("This document is still a draft: change it directly", .error); return [] }
        if let t = s.template, let why = s.writeRefusal(t) { s.say(why, .error); return [] }
        return [.ask(Question(text: "Start version \(d.version + 1) of this \(d.title) as a draft? y = start it, any other key = not now",
                              shortening: d.title, yes: [.newDocumentVersion(of: d.id)], no: Said("No new version started"),
                              yesHint: "start it", noHint: "not now"))]
    }

    /// A key on a field that is not being edited: it starts editing, or sets the value (yes/no).
    mutating func handleField(_ f: DocumentField, _ key: Key, _ s: Session) -> [Command] {
        let current = typed[self.key(f)] ?? value(f, s).map { Self.editable($0) } ?? ""
        switch f.kind {
        case .yesNo:
            let v: Bool?
            switch key {
            case .text("y"), .text("Y"): v = true
            case .text("n"), .text("N"): v = false
            case .text(" "), .enter: if case .yesNo(let b)? = value(f, s) { v = !b } else { v = true }
            case .delete, .backspace: return set(f, nil, s)
            default: s.say("“\(f.label)”: y for yes, n for no, Space changes it, Del clears it", .error); return []
            }
            return set(f, v.map(FieldValue.yesNo), s)
        case .group:
            switch key {
            case .enter, .text("a"), .text("A"): rowEdit = RowEdit(group: f, row: DocumentRow(), shown: nil)
            default: s.say("“\(f.label)”: A or Enter adds a row; ↓ chooses a row to change (Enter) or remove (Del)", .error)
            }
            return []
        case .choice, .choices, .service, .person:
            let chosen: [String]
            switch value(f, s) {
            case .codes(let c)?: chosen = c
            case .service(let id)?: chosen = [id]
            case .person(_, let id?)?: chosen = [id]
            default: chosen = []
            }
            let filter = TextField("", maxLength: f.kind == .person ? Limits.personName : 40)
            switch key {
            case .delete, .backspace: return set(f, nil, s)
            case .enter, .text(" "): input = .pick(filter: filter, at: 0, chosen: chosen)
            case .text:
                input = .pick(filter: filter, at: 0, chosen: chosen)
                return handleInput(key, s)
            default: return []
            }
            return []
        case .concerns(let catalogue):
            switch key {
            case .delete, .backspace: return set(f, nil, s)
            case .enter, .text(" "): break
            case .text: break
            default: return []
            }
            guard s.configuration.catalogues[catalogue] != nil else { s.say("The catalogue “\(catalogue)” is no longer in Resources/catalogues", .error); return [] }
            let chosen: [ScoredConcern] = if case .concerns(let c)? = value(f, s) { c } else { [] }
            input = .concerns(filter: TextField("", maxLength: 40), at: 0, chosen: chosen, digits: ScoreDigits())
            return key == .enter || key == .text(" ") ? [] : handleInput(key, s)
        case .longText:
            switch key {
            case .enter: break
            case .text, .backspace, .delete: break
            default: return []
            }
            input = .note(TextEditor(current, maxLength: Limits.note))
            noteShown = current
            return key == .enter ? [] : handleInput(key, s)
        case .shortText, .date, .number:
            switch key {
            case .text, .backspace, .delete, .enter, .left, .right, .home, .end, .ctrl("u"), .ctrl("k"), .ctrl("w"):
                input = .line(TextField(current, maxLength: f.kind == .shortText ? Limits.shortText : 40))
                return key == .enter ? [] : handleInput(key, s)
            default: return []
            }
        }
    }

    /// Keys while a field is edited.
    mutating func handleInput(_ key: Key, _ s: Session) -> [Command] {
        guard let f = focusedField(s), let current = input else { input = nil; return [] }
        switch current {
        case .line(var field):
            switch key {
            case .enter, .tab, .down, .ctrl("s"):
                let out = commit(s)
                if key != .ctrl("s"), problems[self.key(f)] == nil { moveFocus(1, items(s).count) }
                return out + (key == .ctrl("s") && rowEdit != nil ? saveRow(s) : [])
            case .backTab, .up:
                let out = commit(s)
                if problems[self.key(f)] == nil { moveFocus(-1, items(s).count) }
                return out
            case .escape:
                input = nil  // back to what it was
                dirtySince = nil
                typed[self.key(f)] = nil
                problems[self.key(f)] = nil
                return []
            default:
                let before = field.text
                if case .truncated = field.handle(key) { s.say("“\(f.label)” holds at most \(field.maxLength) characters: the rest was not added", .error) }
                if field.text != before, rowEdit == nil { dirtySince = s.now }
                input = .line(field)
            }
        case .note(var editor):
            switch key {
            case .escape, .tab, .backTab:
                let saving = rowEdit != nil ? setRowValue(f, editor.text.isEmpty ? nil : .text(editor.text)) : saveNote(s, force: true)
                input = nil
                return saving
            default:
                let box = noteBox(formArea(s))
                switch editor.handle(key, width: box.width, height: box.height, time: s.now.timeIntervalSinceReferenceDate) {
                case .changed: if dirtySince == nil, editor.text != noteShown, rowEdit == nil { dirtySince = s.now }
                case .truncated:
                    if dirtySince == nil, rowEdit == nil { dirtySince = s.now }
                    s.say("“\(f.label)” holds at most \(Limits.note) characters: the rest was not added", .error)
                case .unchanged, .notHandled: break
                }
                input = .note(editor)
                return saveNote(s, force: false)
            }
        case .concerns(var filter, var at, var chosen, var digits):
            let options = concernOptions(f, s, filter: filter.text, chosen: chosen)
            let score = digits.take(key, at: at)
            func choose(_ i: Int, score: Int?) {
                let o = options[i]
                if let j = chosen.firstIndex(where: { $0.key == o.key }) {
                    if let score { chosen[j].score = score } else { chosen.remove(at: j) }
                } else {
                    chosen.append(ScoredConcern(key: o.key, label: o.label, score: score))
                }
            }
            switch key {
            case .escape: input = nil; return []
            case .up: at = max(0, at - 1)
            case .down: at = min(max(0, options.count - 1), at + 1)
            case .pageUp: at = max(0, at - 10)
            case .pageDown: at = min(max(0, options.count - 1), at + 10)
            case .text(" "), .delete:
                guard options.indices.contains(at) else { s.say("Nothing matches “\(filter.text)”: Backspace widens the list", .error); return [] }
                if key == .delete && !chosen.contains(where: { $0.key == options[at].key }) { return [] }
                choose(at, score: nil)
            case .text where score != nil:
                guard options.indices.contains(at) else { s.say("Not scored: no concern here. Type to find one", .error); return [] }
                choose(at, score: score)
                s.say("“\(options[at].label)” scored \(score!)" + (score == 1 ? " (type 0 next for 10)" : ""))
            case .enter, .ctrl("s"), .tab:
                input = nil
                return set(f, chosen.isEmpty ? nil : .concerns(chosen), s)
            default:
                if case .notHandled = filter.handle(key) {
                    s.say("Concerns: type to find one, Space chooses it, 0-9 scores it (1 then 0 for 10), Enter keeps them, Esc cancels", .error)
                    return []
                }
                at = 0
            }
            input = .concerns(filter: filter, at: at, chosen: chosen, digits: digits)
        case .pick(var filter, var at, var chosen):
            let options = self.options(f, s, filter: filter.text)
            let several = f.kind.name == "choices"
            switch key {
            case .escape: input = nil; return []
            case .up: at = max(0, at - 1)
            case .down: at = min(max(0, options.count - 1), at + 1)
            case .text(" ") where several:
                guard options.indices.contains(at) else { return [] }
                let code = options[at].code
                if let i = chosen.firstIndex(of: code) { chosen.remove(at: i) } else { chosen.append(code) }
            case .enter, .ctrl("s"), .tab:
                if !several {
                    guard options.indices.contains(at) else { s.say("Nothing matches “\(filter.text)”: Backspace widens the list", .error); return [] }
                    chosen = [options[at].code]
                }
                input = nil
                let v: FieldValue?
                switch f.kind {
                case .service: v = chosen.first.map(FieldValue.service)
                case .person: v = person(chosen.first ?? "", typed: filter.text, f)
                default: v = chosen.isEmpty ? nil : .codes(chosen)
                }
                return set(f, v, s)
            default:
                if case .notHandled = filter.handle(key) { return [] }
                at = 0
            }
            input = .pick(filter: filter, at: at, chosen: chosen)
        }
        return []
    }

    /// The typed line checked and, when valid, saved (or kept in the row); else its problem shown, typed kept.
    mutating func commit(_ s: Session) -> [Command] {
        guard case .line(let field)? = input, let f = focusedField(s) else { return [] }
        input = nil
        dirtySince = nil
        let k = key(f)
        switch f.value(typed: field.text) {
        case .failure(let problem):
            typed[k] = field.text
            problems[k] = problem.message
            s.say("“\(f.label)” is not saved: \(problem.message). What you typed is kept", .error)
            return []
        case .success(let v):
            if let broken = dateProblem(f, v, s) {
                typed[k] = field.text
                problems[k] = broken
                s.say("“\(f.label)” is not saved: \(broken). What you typed is kept", .error)
                return []
            }
            problems[k] = nil
            if v == value(f, s) { typed[k] = nil; return [] }
            typed[k] = field.text  // until the store has it
            return set(f, v, s)
        }
    }

    /// The template's date rule `v` would break beside the values of its row (or its section), if any.
    func dateProblem(_ f: DocumentField, _ v: FieldValue?, _ s: Session) -> String? {
        guard f.kind == .date else { return nil }
        let fields = rowEdit?.group.rowFields ?? s.template?.section(containing: f.id)?.fields ?? []
        var values = rowEdit?.row.values ?? s.document?.values ?? [:]
        values[f.id] = v
        return DocumentField.dateProblems(fields, values, today: s.today, template: s.template, document: s.document?.values ?? [:], patient: s.patient)
            .first { $0.fields.contains(f.id) }?.message
    }

    /// A value for a field: saved now, or kept in the row being edited.
    mutating func set(_ f: DocumentField, _ v: FieldValue?, _ s: Session) -> [Command] {
        if rowEdit != nil { typed[key(f)] = nil; return setRowValue(f, v) }
        return send(.setField(f.id, v))
    }

    mutating func setRowValue(_ f: DocumentField, _ v: FieldValue?) -> [Command] {
        rowEdit?.row.values[f.id] = v
        rowEdit?.changed = true
        return []
    }

    /// A value as its field's text box starts: what was typed to give it.
    static func editable(_ v: FieldValue) -> String {
        switch v {
        case .text(let t), .number(let t): return t
        case .date(let d): return d.display
        case .person(let name, _): return name
        default: return ""
        }
    }

    /// A person chosen: one of the staff by their user name, or (no user name) the name as typed.
    func person(_ userName: String, typed: String, _ f: DocumentField) -> FieldValue? {
        if let user = staff.first(where: { $0.userName == userName }) { return .person(name: user.fullName, staffId: user.userName) }
        guard case .success(let v?) = f.value(typed: typed), !v.isEmpty else { return nil }
        return v
    }

    /// The choices of a field, narrowed by a filter (words of the label, in any order, accents ignored). A
    /// person's end with the name as typed (code ""): someone who is not a user of careplan.
    func options(_ f: DocumentField, _ s: Session, filter: String) -> [(code: String, label: String)] {
        let all: [(code: String, label: String)]
        if f.kind == .person {
            let typed = filter.trimmingCharacters(in: .whitespaces)
            let asTyped: [(code: String, label: String)] = typed.isEmpty ? [] : [("", "“\(typed)”, as typed (not one of the staff)")]
            return narrowed(staff.map { ($0.userName, "\($0.fullName), \($0.roleName)") }, by: filter) + asTyped
        }
        if f.kind == .service {
            all = s.services.services.map { ($0.id, $0.name) }
        } else {
            all = (f.kind.codeList.flatMap { s.codes.lists[$0] }?.codes ?? []).map { ($0.code, $0.label) }
        }
        return narrowed(all, by: filter)
    }

    func narrowed(_ all: [(code: String, label: String)], by filter: String) -> [(code: String, label: String)] {
        func words(_ t: String) -> [Substring] {
            t.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).split { !$0.isLetter && !$0.isNumber }
        }
        let typed = words(filter)
        guard !typed.isEmpty else { return all }
        // Each word typed starts a word of the label (`radio` is not Chemoradiotherapy), or the code.
        return all.filter { o in
            let label = words(o.label)
            return typed.allSatisfy { w in label.contains { $0.hasPrefix(w) } || o.code.lowercased().hasPrefix(w) }
        }
    }

    // MARK: - Rows

    mutating func handleRow(_ group: DocumentField, _ index: Int, _ key: Key, _ d: Document, _ s: Session) -> [Command] {
        let rows = d.rows(group.id)
        guard rows.indices.contains(index), let id = rows[index].id else { return [] }
        switch key {
        case .enter: rowEdit = RowEdit(group: group, row: rows[index], shown: rows[index])
        case .text("a"), .text("A"): rowEdit = RowEdit(group: group, row: DocumentRow(), shown: nil)
        case .delete, .backspace:
            return [.ask(Question(text: "Remove row \(index + 1) of “\(group.label)”? y = remove, any other key = keep", shortening: group.label,
                                  yes: [.applyDocument(.deleteRow(group: group.id, id: id), basedOn: .row(rows[index]))],
                                  no: Said("Kept: nothing removed"), yesHint: "remove", noHint: "keep"))]
        default: s.say("On a row: Enter changes it, Del removes it, A adds another", .error)
        }
        return []
    }

    /// The row saved whole, if its required fields are filled and what was typed is valid.
    mutating func saveRow(_ s: Session) -> [Command] {
        guard let edit = rowEdit else { return [] }
        if let bad = edit.group.rowFields.first(where: { problems[key($0)] != nil }) {
            s.say("Not saved: correct “\(bad.label)” first", .error)
            return []
        }
        let missing = edit.group.rowFields.filter { $0.required && (edit.row[$0.id]?.isEmpty ?? true) }.map { "“\($0.label)”" }
        guard missing.isEmpty else {
            s.say("Not saved: this row needs " + missing.joined(separator: ", "), .error)
            return []
        }
        rowEdit = nil
        typed = typed.filter { !$0.key.hasPrefix(edit.group.id + "/") }
        return send(.saveRow(group: edit.group.id, edit.row), basedOn: .row(edit.shown))
    }

    /// Esc on a row: an untouched one closes; a changed one is saved if it can be, else stays open.
    mutating func closeRow(_ s: Session) -> [Command] {
        guard let edit = rowEdit else { return [] }
        if !edit.changed || edit.dropOnEscape {
            rowEdit = nil
            typed = typed.filter { !$0.key.hasPrefix(edit.group.id + "/") }
            problems = problems.filter { !$0.key.hasPrefix(edit.group.id + "/") }
            if edit.changed { s.say("Row not saved: its changes were dropped") }
            return []
        }
        let out = saveRow(s)
        if rowEdit != nil {
            rowEdit?.dropOnEscape = true  // said why it stays; one more Esc leaves it
            s.say((s.message?.text ?? "Not saved") + ". Esc again drops this row's changes", .error)
        }
        return out
    }

    // MARK: - The review page

    mutating func handleReview(_ key: Key, _ d: Document, _ s: Session) -> [Command] {
        let page = max(1, s.contentArea.height - 2)
        switch key {
        case .up: scroll = max(0, scroll - 1)
        case .down: scroll += 1
        case .pageUp: scroll = max(0, scroll - page)
        case .pageDown: scroll += page
        case .ctrl("p"): turn(-1, s)
        case .ctrl("n"): turn(1, s)
        case .escape: return [.go(.back)]
        case .text("s"), .text("S"): return startSigning(d, s)
        case .text("v"), .text("V"): return newVersion(s)
        case .text("i"), .text("I"):
            if s.refuses(.recordActions, doing: Permission.givingInformation) { return [] }
            informing = InformationPicker(source: .document(d.id), sourceName: d.title)
        case .text(let t) where "cCpPtTfFlL".contains(t) && s.refuses(.export, doing: "export or print this document"):
            return []
        case .text("c"), .text("C"):
            copy = (copy + 1) % Self.copies.count
            s.say("P, T and L now give the \(Self.copies[copy].label) copy")
        case .text("p"), .text("P"), .text("t"), .text("T"):
            let (whose, large, _) = Self.copies[copy]
            let format = key == .text("p") || key == .text("P") ? "pdf" : "text"
            return [.go(.effect(.exportDocument(documentId: d.id, format: format, copy: whose, largePrint: large && format == "pdf")))]
        case .text("f"), .text("F"): return [.go(.effect(.exportDocument(documentId: d.id, format: "fhir", copy: "record")))]
        case .text("l"), .text("L"): return [.go(.effect(.printDocument(documentId: d.id, copy: Self.copies[copy].copy, largePrint: Self.copies[copy].largePrint)))]
        default: s.say("On the review: " + reviewKeys(d, s).map { "\($0.keys) \($0.action)" }.joined(separator: " · ") + " · Ctrl-P back to the sections", .error)
        }
        return []
    }


    /// Signs as the signed-in person, in their role: one the template lets sign, after a y/n question.
    mutating func startSigning(_ d: Document, _ s: Session) -> [Command] {
        guard let t = s.template else { return [] }
        guard !d.isLocked else { s.say("Already signed" + (s.mayWrite(t) ? ": V starts a new version" : ""), .error); return [] }
        if s.refuses(.signDocuments) { return [] }
        guard let role = s.role, t.signRoles.contains(role.id) else {
            let who = t.signRoles.map { Self.roleName($0, s) }.joined(separator: ", ")
            s.say("Not signed: \(t.title.withArticle) is signed by \(who) (Resources/documents), not by \(s.role?.name ?? "you")", .error)
            return []
        }
        guard typed.isEmpty else { s.say("Not signed: some fields are not saved yet (marked !): correct them first", .error); return [] }
        let missing = missing(d, t, s)
        guard missing.isEmpty else {
            s.say("Not signed: \(missing.count) \(missing.count == 1 ? "thing needs" : "things need") correcting first, listed here", .error)
            return []
        }
        let name = s.staff?.fullName ?? s.user
        return [.ask(Question(text: "Sign and lock it as \(name), \(role.name)? Changes then need a new version. y = sign, any other key = not yet",
                              shortening: name, yes: [.signDocument(role: role.id)], no: Said("Not signed"), yesHint: "sign", noHint: "not yet"))]
    }

    /// A role as Resources/roles.yaml names it (its id if it no longer lists it).
    static func roleName(_ id: String, _ s: Session) -> String { s.configuration.roles.role(id)?.name ?? id }

    /// What stops signing besides the role (required fields left empty, dates against their rules, texts still
    /// holding both terminals' words), as the review lists them.
    func missing(_ d: Document, _ t: DocumentTemplate, _ s: Session) -> [String] {
        t.signingProblems(d, role: t.signRoles.first ?? "", today: s.today, patient: s.patient).filter { !$0.hasPrefix("Your role") }
    }

    // MARK: - Drawing

    func noteBox(_ area: Area) -> Area {
        let height = max(4, min(10, area.height - 6))
        return Area(x: area.x + 3, y: area.y, width: area.width - 5, height: height)
    }

    /// Whether the template shows sources beside the form.
    func besideOffered(_ s: Session) -> Bool { !(s.template?.beside.isEmpty ?? true) }

    /// Where the form is drawn in the screen's content area (its left column when the sources are beside it).
    func formArea(_ s: Session) -> Area { beside.split(s.contentArea, offered: besideOffered(s)).form }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let (form, pane) = beside.split(area, offered: besideOffered(s))
        if let pane { beside.render(into: &g, pane, s.beside, title: s.template?.title ?? "", sideBySide: BesidePane.sideBySide(area)) }
        if form.width > 0 { renderForm(into: &g, form, s) }
    }

    func renderForm(into g: inout Grid, _ area: Area, _ s: Session) {
        guard let d = s.document, let t = s.template else { return }
        if let picker = informing { return picker.render(into: &g, area, s) }
        let count = t.sections.count
        let waiting = waitingFields(s)
        // "saved" only once the runtime says it is on disk.
        let state = d.isLocked ? "\(d.status.label), read only" : !(s.template.map(s.mayWrite) ?? true) ? "read only for your role"
            : !waiting.isEmpty ? "not saved yet" : dirtySince != nil || sent != nil ? "saving…" : "saved"
        let where_ = onReview(s) ? "Review" : "Section \(page + 1) of \(count): \(t.sections[page].title)"
        let head = " \(t.title) v\(d.version) · \(state) · \(where_)"
        g.put(DisplayWidth.truncate(head, to: area.width), x: area.x, y: area.y, style: Style(d.isLocked ? .success : .heading, bold: true))
        let body = Area(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        if onReview(s) && rowEdit == nil { return renderReview(&g, body, d, t, s) }
        if case .pick(let filter, let at, let chosen)? = input, let f = focusedField(s) {
            return renderPick(&g, body, f, filter, at, chosen, s)
        }
        if case .concerns(let filter, let at, let chosen, _)? = input, let f = focusedField(s) {
            return renderConcerns(&g, body, f, filter, at, chosen, s)
        }
        var lines: [(text: String, style: Style, item: Int?)] = []
        let w = area.width - 2
        if let edit = rowEdit {
            let which = edit.shown == nil ? "new row" : "row \((d.rows(edit.group.id).firstIndex { $0.id == edit.row.id } ?? 0) + 1)"
            lines.append(("\(edit.group.label): \(which). Ctrl-S saves the row, Esc saves and closes it", Style(.dim), nil))
        } else if !t.sections[page].help.isEmpty {
            for l in TextWrap.wrap(t.sections[page].help, width: w) { lines.append((l, Style(.dim), nil)) }
        }
        let labelW = min(30, w / 3 + 4)
        for (i, item) in items(s).enumerated() {
            let focused = i == focusIndex
            switch item {
            case .row(let group, let index):
                let text = Self.summary(of: d.rows(group.id)[index], in: group, s)
                lines.append(("  \(index + 1). " + text, focused ? Style(.selected) : .normal, i))
            case .field(let f):
                let k = key(f)
                let label = Self.label(f, width: w)
                var shown: String
                if let typed = typed[k] { shown = typed } else if let v = value(f, s) { shown = f.display(v, codes: s.codes, services: s.services) } else { shown = "" }
                if f.kind != .longText { shown = shown.replacingOccurrences(of: "\n", with: " / ") }  // merged texts keep both, on one line
                if case .group = f.kind { shown = "\(d.rows(f.id).count) row\(d.rows(f.id).count == 1 ? "" : "s")" + (d.isLocked ? "" : " · A adds one") }
                if case .number(let unit) = f.kind, typed[k] != nil, !unit.isEmpty { shown += " " + unit }
                if rowEdit == nil, waiting.contains(f.id) { shown += "  (not saved yet)" }
                let labelText = DisplayWidth.pad(Self.label(f, width: labelW - 1), to: labelW)
                if focused, case .line(let field)? = input {
                    lines.append((labelText + "\u{0}" + field.text, Style(.heading, bold: true), i))
                } else if focused, case .note? = input {
                    lines.append((label, Style(.heading, bold: true), i))
                    for _ in 0..<noteBox(body).height { lines.append(("\u{1}", .normal, i)) }
                } else if f.kind == .longText && !shown.isEmpty {
                    lines.append((label, focused ? Style(.selected) : .normal, i))
                    let wrapped = TextWrap.wrap(shown, width: w - 3)
                    for l in wrapped.prefix(focused ? 6 : 2) { lines.append(("   " + l, .normal, i)) }
                    if wrapped.count > (focused ? 6 : 2) { lines.append(("   … \(wrapped.count) lines: Enter to read and change", Style(.dim), i)) }
                } else {
                    lines.append((labelText + (shown.isEmpty ? "–" : shown), focused ? Style(.selected) : shown.isEmpty ? Style(.dim) : .normal, i))
                }
                if let p = problems[k] {
                    lines.append(("   ! " + p, Style(.error), i))
                } else if focused, !f.help.isEmpty {
                    lines.append(("   " + f.help, Style(.dim), i))
                }
            }
        }
        // The focused item's lines stay in view.
        let height = body.height
        let firstOfFocus = lines.firstIndex { $0.item == focusIndex } ?? 0
        let lastOfFocus = lines.lastIndex { $0.item == focusIndex } ?? 0
        var first = 0
        if lastOfFocus >= height { first = min(firstOfFocus, lastOfFocus - height + 1) }
        var noteDrawn = false
        for (row, line) in lines.dropFirst(first).prefix(height).enumerated() {
            let y = body.y + row
            if line.text == "\u{1}" {
                if !noteDrawn, case .note(let editor)? = input {
                    let box = noteBox(body)
                    editor.render(into: &g, x: box.x, y: y, width: box.width, height: min(box.height, body.bottom - y), focused: true)
                    noteDrawn = true
                }
                continue
            }
            if let split = line.text.firstIndex(of: "\u{0}"), case .line(let field)? = input {
                g.put(String(line.text[..<split]), x: body.x + 1, y: y, style: line.style)
                field.render(into: &g, x: body.x + 1 + labelW, y: y, width: min(44, w - labelW), focused: true)
                continue
            }
            g.put(DisplayWidth.truncate(line.text, to: w), x: body.x + 1, y: y, style: line.style)
        }
        if lines.count > height {
            g.put(first + height < lines.count ? "↓ more" : "", x: body.right - 8, y: body.bottom - 1, style: Style(.dim))
        }
    }

    /// A field's label cut to `width`, its required mark `*` kept: cut, a required field must not look optional.
    static func label(_ f: DocumentField, width: Int) -> String {
        guard f.required else { return DisplayWidth.truncate(f.label, to: width) }
        return DisplayWidth.truncate(f.label, to: max(1, width - 2)) + " *"
    }

    /// A row on one line: its values in the template's order, dates with their labels (Started, Ended).
    static func summary(of row: DocumentRow, in group: DocumentField, _ s: Session) -> String {
        group.rowFields.compactMap { f in
            row[f.id].map { v in (f.kind == .date ? f.label + " " : "") + f.display(v, codes: s.codes, services: s.services) }
        }.joined(separator: " · ")
    }

    func renderPick(_ g: inout Grid, _ area: Area, _ f: DocumentField, _ filter: TextField, _ at: Int, _ chosen: [String], _ s: Session) {
        let several = f.kind.name == "choices"
        let how = several ? "Space chooses or un-chooses, Enter keeps the choices" : f.kind == .person ? "type a name; Enter chooses" : "Enter chooses"
        let rows = options(f, s, filter: filter.text).map { o in
            (several ? (chosen.contains(o.code) ? "[x] " : "[ ] ") : (chosen.contains(o.code) ? "• " : "  ")) + o.label
        }
        Self.drawPicker(&g, area, title: " \(f.label): " + how + ", type to narrow", filter: filter, rows: rows, at: at)
    }

    /// A picker: what it is for, the filter typed, and its rows (each with its mark), the one at `at` highlighted.
    static func drawPicker(_ g: inout Grid, _ area: Area, title: String, filter: TextField, rows: [String], at: Int) {
        g.put(title, x: area.x, y: area.y, style: Style(.dim), maxWidth: area.width)
        g.put(" Find: ", x: area.x, y: area.y + 1, style: Style(.dim))
        filter.render(into: &g, x: area.x + 7, y: area.y + 1, width: min(40, area.width - 8), focused: true)
        let list = Area(x: area.x, y: area.y + 3, width: area.width, height: area.height - 3)
        if rows.isEmpty {
            g.put("  Nothing matches: Backspace widens the list", x: list.x, y: list.y, style: Style(.dim))
            return
        }
        let first = ScrollWindow.firstVisible(selected: at, count: rows.count, height: list.height, previousFirst: 0)
        for (i, row) in rows.enumerated().dropFirst(first).prefix(list.height) {
            Draw.row(&g, "  " + row, x: list.x, y: list.y + i - first, width: list.width, selected: i == at)
        }
    }

    func renderReview(_ g: inout Grid, _ area: Area, _ d: Document, _ t: DocumentTemplate, _ s: Session) {
        var lines: [(String, Style)] = []
        let w = area.width - 2
        let missing = missing(d, t, s)
        if d.isLocked {
            let when = d.signedAt.map { " on " + Draw.dateTime($0) } ?? ""
            lines.append(("\(d.status.label) by \(d.signedBy) (\(Self.roleName(d.signedRole, s)))\(when)", Style(.success)))
        } else if missing.isEmpty {
            lines.append(("Every required field is filled: S signs and locks it.", Style(.success)))
        } else {
            lines.append(("Missing before it can be signed (Ctrl-P goes back to the sections):", Style(.warning, bold: true)))
            for m in missing { for (i, l) in TextWrap.wrap(m, width: w - 4).enumerated() { lines.append(((i == 0 ? "  • " : "    ") + l, Style(.warning))) } }
        }
        lines.append(("Copy for P, T and L: \(Self.copies[copy].label) (C changes it)", Style(.dim)))
        for section in t.sections {
            lines.append(("", .normal))
            lines.append((section.title.uppercased(), Style(.heading, bold: true)))
            for f in section.fields {
                if case .group = f.kind {
                    let rows = d.rows(f.id)
                    lines.append((f.label + (rows.isEmpty ? ": none" : ""), .normal))
                    for (i, row) in rows.enumerated() {
                        let text = Self.summary(of: row, in: f, s)
                        for (j, l) in TextWrap.wrap(text, width: w - 5).enumerated() { lines.append(((j == 0 ? "  \(i + 1). " : "     ") + l, .normal)) }
                    }
                    continue
                }
                let shown = d[f.id].map { f.display($0, codes: s.codes, services: s.services) } ?? "–"
                let wrapped = TextWrap.wrap(shown, width: max(1, w - 24))
                for (i, l) in wrapped.enumerated() {
                    lines.append(((i == 0 ? DisplayWidth.pad(DisplayWidth.truncate(f.label, to: 23), to: 24) : String(repeating: " ", count: 24)) + l,
                                  d[f.id] == nil ? Style(.dim) : .normal))
                }
            }
        }
        let height = lines.count > area.height ? area.height - 1 : area.height
        let first = min(scroll, max(0, lines.count - height))
        for (i, line) in lines.dropFirst(first).prefix(height).enumerated() {
            g.put(line.0, x: area.x + 1, y: area.y + i, style: line.1, maxWidth: w)
        }
        if lines.count > height {
            let more = first + height < lines.count ? " · PgDn for more" : " · end"
            g.put(" lines \(first + 1)-\(min(lines.count, first + height)) of \(lines.count)" + more, x: area.x, y: area.bottom - 1, style: Style(.dim), maxWidth: area.width)
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        guard s.document != nil else { return [] }
        if besideOffered(s) && beside.focused { return [KeyHint("↑↓ PgUp/PgDn", "scroll"), KeyHint("F3", "back to the form")] }
        let sources = besideOffered(s) ? [KeyHint("F3", BesidePane.sideBySide(s.contentArea) ? "scroll sources" : "sources")] : []
        return Array(formKeys(s).prefix(1)) + sources + formKeys(s).dropFirst()
    }

    func formKeys(_ s: Session) -> [KeyHint] {
        guard let d = s.document else { return [] }
        if let picker = informing { return picker.keys(s) }
        switch input {
        case .line?: return [KeyHint("Enter/Tab", "keep"), KeyHint("Esc", "undo")]
        case .note?: return [KeyHint("Tab/Esc", "done"), KeyHint("^Z/^Y", "undo/redo")]
        case .concerns?: return [KeyHint("Space", "choose"), KeyHint("0-9", "score"), KeyHint("Enter", "keep"), KeyHint("Esc", "cancel")]
        case .pick(let filter, _, _)?:
            return [KeyHint("type", filter.isEmpty ? "narrow" : "narrow more")] + (focusedField(s)?.kind.name == "choices" ? [KeyHint("Space", "choose")] : [])
                + [KeyHint("Enter", "keep"), KeyHint("Esc", "cancel")]
        case nil: break
        }
        if rowEdit != nil { return [KeyHint("↑↓", "field"), KeyHint("^S", "save row"), KeyHint("Esc", "save, close")] }
        if onReview(s) {
            // Scrolling is plain enough to give way first at 80 columns.
            return reviewKeys(d, s) + [KeyHint("^P", "back"), KeyHint("↑↓", "scroll")]
        }
        let writes = s.template.map(s.mayWrite) ?? false
        if d.isLocked || !writes {
            return [KeyHint("↑↓", "field"), KeyHint("^N/^P", "section")] + (d.isLocked && writes ? [KeyHint("V", "new version")] : []) + [KeyHint("Esc", "record")]
        }
        return [KeyHint("↑↓", "field"), KeyHint("Enter", "change"), KeyHint("^N/^P", "section"), KeyHint("Esc", "record")]
    }

    /// The review's own keys, as the role may use them: sign (the template's signers), a new version (its
    /// writers), exports (a role that may export).
    func reviewKeys(_ d: Document, _ s: Session) -> [KeyHint] {
        guard let t = s.template else { return [] }
        let first = d.isLocked ? (s.mayWrite(t) ? [KeyHint("V", "new version")] : []) : (s.maySign(t) ? [KeyHint("S", "sign")] : [])
        // I before the exports: with the CCR's F3 the last of them (C copy) gives way at 80 columns (F1 lists it).
        return first + [KeyHint("I", "info", needs: .recordActions), KeyHint("P", "PDF", needs: .export), KeyHint("T", "text", needs: .export),
                        KeyHint("F", "FHIR", needs: .export), KeyHint("L", "print", needs: .export), KeyHint("C", "copy", needs: .export),
                        ].filter { s.may($0.needs!) }
    }
}

// MARK: - Concerns with scores

extension DocumentFormScreen {
    /// The concerns a `concerns` field offers: its catalogue's (not the lifestyle and information items, which are
    /// not scored), then those already chosen that it does not hold (the HNA's own words), narrowed by `filter`.
    func concernOptions(_ f: DocumentField, _ s: Session, filter: String, chosen: [ScoredConcern]) -> [(key: String, label: String)] {
        guard case .concerns(let id) = f.kind, let catalogue = s.configuration.catalogues[id] else { return [] }
        let items = catalogue.categories.filter { !$0.isInformation }.flatMap(\.items).map { (key: $0.id, label: $0.label) }
        let own = chosen.filter { c in !items.contains { $0.key == c.key } }.map { (key: $0.key, label: $0.label) }
        return narrowed((items + own).map { (code: $0.key, label: $0.label) }, by: filter).map { (key: $0.code, label: $0.label) }
    }

    func renderConcerns(_ g: inout Grid, _ area: Area, _ f: DocumentField, _ filter: TextField, _ at: Int, _ chosen: [ScoredConcern], _ s: Session) {
        let rows = concernOptions(f, s, filter: filter.text, chosen: chosen).map { o in
            let picked = chosen.first { $0.key == o.key }
            return (picked == nil ? "[ ]    " : "[x] " + (picked!.score.map { String(format: "%2d", $0) } ?? " -") + " ") + o.label
        }
        Self.drawPicker(&g, area, title: " \(f.label): Space chooses, 0-9 scores (1 then 0 for 10), Enter keeps them · \(chosen.count) chosen",
                        filter: filter, rows: rows, at: at)
    }
}
