import CareplanCore
import Foundation
import TermUI

/// Conversation notes: "what matters to me" for the whole plan, and a note for each concern chosen to
/// discuss. Notes are saved while typing (a second after the last unsaved change at most), when moving to
/// another item and when leaving, so a dropped connection loses at most a second or two of typing.
struct NotesScreen: Screen {
    enum Item: Equatable {
        case whatMatters
        case concern(key: String, label: String)
    }

    let kind = ScreenKind.conversationNotes
    var selected = 0
    var editingNote = false
    var editor: TextEditor
    /// The item in the editor, and its text as stored when the editor took it: a save is based on this,
    /// so a note another terminal changed meanwhile is merged, never overwritten.
    var item = Item.whatMatters
    var shown = ""
    /// When the oldest unsaved change was typed; nil when everything is saved.
    var dirtySince: Date?
    /// How long typed text may wait before it is saved.
    static let saveAfter: TimeInterval = 1.0
    /// ↑ or ↓ pressed while the note was unsaved: the move made once it is saved.
    var moveAfterSave: Int?

    init(_ s: Session) {
        editor = TextEditor("", maxLength: Limits.note)
        load(s)
        editingNote = !(s.assessment?.isLocked ?? true)
    }

    var takesText: Bool { editingNote }
    /// Typed text the store refused (flush ran just before this is asked).
    var hasUnsavedInput: Bool { dirtySince != nil }

    func items(_ s: Session) -> [Item] {
        [.whatMatters] + (s.assessment?.discussedConcerns ?? []).map { .concern(key: $0.key, label: $0.label) }
    }

    func change(_ text: String) -> AssessmentChange {
        switch item {
        case .whatMatters: return .setWhatMattersToMe(text)
        case .concern(let key, _): return .setNote(key: key, text: text)
        }
    }

    func stored(_ s: Session) -> String? {
        guard let a = s.assessment, case .text(let text) = change("").answer(in: a) else { return nil }
        return text
    }

    mutating func load(_ s: Session) {
        let all = items(s)
        selected = min(selected, all.count - 1)
        item = all[selected]
        shown = stored(s) ?? ""
        editor = TextEditor(shown, maxLength: Limits.note)
        dirtySince = nil
    }

    /// The note typed, to be saved once it has waited long enough (`force`: now), based on the text the
    /// editor was loaded with.
    func save(_ s: Session, force: Bool) -> [Command] {
        guard let since = dirtySince, force || s.now.timeIntervalSince(since) >= NotesScreen.saveAfter else { return [] }
        return [.apply(change(editor.text), basedOn: .text(shown))]
    }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .key(let key): return handle(key, s)
        case .tick: return save(s, force: false)
        case .leaving: return save(s, force: true)
        case .answer(.saved(let typed)):
            guard let a = s.assessment, case .text(let stored?) = typed.answer(in: a) else { return [] }
            if stored != typed.normalised.text { editor.takeText(stored) }  // merged with another terminal's: show what is stored
            shown = stored
            dirtySince = nil
            if let delta = moveAfterSave { move(delta, s) }
        case .answer(.failed): moveAfterSave = nil  // stays unsaved (the status line says why), in view, and is tried again
        default: break
        }
        return []
    }

    mutating func move(_ delta: Int, _ s: Session) {
        moveAfterSave = nil
        selected = max(0, min(items(s).count - 1, selected + delta))
        load(s)
    }

    /// Another terminal's note shows here unless this one is being typed (then saving merges them).
    mutating func refreshed(_ s: Session, from old: Assessment?) {
        let all = items(s)
        if let i = all.firstIndex(of: item) { selected = i } else if dirtySince == nil { load(s); return }
        selected = min(selected, all.count - 1)
        guard dirtySince == nil, let text = stored(s), text != shown else { return }
        editor.takeText(text)
        shown = text
    }

    static func layout(_ area: Area) -> (list: Area, editor: Area) {
        let listW = min(28, max(12, area.width / 3))
        return (Area(x: area.x, y: area.y, width: listW, height: area.height),
                Area(x: area.x + listW + 1, y: area.y + 1, width: area.width - listW - 2, height: area.height - 1))
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        guard let a = s.assessment else { return [.go(.back)] }
        if key == .tab || key == .backTab {
            let saving = save(s, force: true)
            editingNote.toggle()
            if a.isLocked && editingNote { editingNote = false; s.say(StoreError.locked.description, .error) }
            return saving
        }
        if !editingNote {
            switch key {
            case .up, .down:
                let delta = key == .up ? -1 : 1
                guard dirtySince == nil else { moveAfterSave = delta; return save(s, force: true) }
                move(delta, s)
            case .enter, .right:
                if a.isLocked { s.say(StoreError.locked.description, .error) } else { editingNote = true }
            case .escape: return [.go(.back)]
            case .text:
                // Typing on the list is meant for the note: it goes there rather than being lost.
                if a.isLocked { s.say(StoreError.locked.description, .error); return [] }
                editingNote = true
                return handle(key, s)
            default: break
            }
            return []
        }
        if key == .escape {
            editingNote = false
            return save(s, force: true)
        }
        let box = NotesScreen.layout(s.contentArea).editor
        switch editor.handle(key, width: box.width, height: box.height, time: s.now.timeIntervalSinceReferenceDate) {
        case .unchanged where key == .ctrl("z") || key == .ctrl("y"):
            s.say(key == .ctrl("z") ? "Nothing to undo in this note" : "Nothing to redo")
        case .changed:
            // Moving the cursor is `.changed` too: only a changed text is saved.
            if dirtySince == nil, editor.text != shown { dirtySince = s.now }
        case .truncated:
            if dirtySince == nil { dirtySince = s.now }
            // A long paste arrives in several runs, so a count here would be only the last run's.
            s.say("A note holds at most \(Limits.note) characters: the rest was not added", .error)
        case .unchanged, .notHandled: break
        }
        return save(s, force: false)
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let (listArea, box) = NotesScreen.layout(area)
        let all = items(s)
        var y = listArea.y
        for (i, item) in all.enumerated() {
            guard y < listArea.bottom else { break }
            let label: String
            var hasText = false
            switch item {
            case .whatMatters: label = "What matters to me"; hasText = !(s.assessment?.whatMattersToMe.isEmpty ?? true)
            case .concern(let key, let l): label = l; hasText = !(s.assessment?.concern(key)?.note.isEmpty ?? true)
            }
            let mark = hasText ? "✎ " : "  "
            let st: Style = i == selected ? (editingNote ? Style(.marked, bold: true) : Style(.selected)) : .normal
            Draw.row(&g, mark + label, x: listArea.x, y: y, width: listArea.width, selected: i == selected && !editingNote, style: st)
            y += 1
        }
        if all.count == 1, y + 1 < listArea.bottom {
            Draw.paragraph(&g, "Mark concerns to discuss on Prioritise (Ctrl-P) to write notes for them.",
                           x: listArea.x + 1, y: y + 1, width: listArea.width - 1, maxY: listArea.bottom, style: Style(.dim))
        }
        for row in area.y..<area.bottom { g.put("│", x: listArea.right, y: row, style: Style(.dim)) }
        let name: String, score: String
        switch item {
        case .whatMatters: name = "What matters to me"; score = ""
        case .concern(let key, let label):
            name = label; score = s.assessment?.concern(key)?.score.map { " (scored \($0))" } ?? ""
        }
        let state = dirtySince != nil ? " · saving…" : !editingNote ? "" : s.waitingCount > 0 ? " · not saved yet" : " · saved"
        // Whether the note is saved matters more than the whole of a long label: the label gives way.
        let title = TextWrap.fit(name + score + state, width: box.width, shortening: name)[0]
        g.put(title, x: box.x, y: area.y, style: Style(.heading, bold: true))
        editor.render(into: &g, x: box.x, y: box.y, width: box.width, height: box.height, focused: editingNote)
        if !editingNote { g.cursor = nil }
    }

    func keys(_ s: Session) -> [KeyHint] {
        editingNote ? [KeyHint("Tab/Esc", "list"), KeyHint("^Z/^Y", "undo/redo"), KeyHint("^U", "del line")]
                    : [KeyHint("↑↓", "choose"), KeyHint("Enter/Tab", "write", needs: .completeChecklist), KeyHint("Esc", "back")]
    }
}
