import CareplanCore
import TermUI

/// A form of labelled fields, each with its message next to it: used for patient details, starting an
/// assessment, an action and agreeing a plan, so every form moves, validates and draws the same way.
struct Form: Equatable {
    enum Input: Equatable {
        case text(TextField)
        case choice(options: [String], index: Int)
    }

    struct Field: Equatable {
        var id: String
        var label: String
        var input: Input
        /// What is wrong with the value, shown next to it; what was typed stays.
        var problem: String?
        /// Guidance shown when there is no problem (e.g. "optional", "day/month/year").
        var note: String
        /// A password: drawn as one • per character, never as typed.
        var masked = false
        /// A value put in for the user (today's date, the pathway's unit), not yet touched: the first character
        /// typed replaces it (as in most forms), while cursor keys, Backspace and Delete edit it. A stored value
        /// being changed (a patient's name) is not suggested: typing edits it where the cursor is.
        var suggested = false
        /// Said in place of the note, without stopping a save: how much of a paste went past the limit.
        var notice: String?
        var cut = 0

        /// `suggested`: `text` is a default put in for the user (see `suggested`), not a stored value.
        init(_ id: String, _ label: String, text: String = "", suggested: Bool = false, maxLength: Int, note: String = "", masked: Bool = false) {
            self.id = id
            self.label = label
            self.input = .text(TextField(text, maxLength: maxLength))
            self.note = note
            self.masked = masked
            self.suggested = suggested && !text.isEmpty
        }

        /// `index` nil: nothing chosen yet (a decision the user must make, e.g. a review's outcome).
        init(_ id: String, _ label: String, options: [String], index: Int? = 0, note: String = "") {
            self.id = id
            self.label = label
            self.input = .choice(options: options, index: index.map { max(0, min(options.count - 1, $0)) } ?? -1)
            self.note = note
        }

        var text: String {
            switch input {
            case .text(let f): return f.text
            case .choice(let options, let index): return options.indices.contains(index) ? options[index] : ""
            }
        }

        var choiceIndex: Int {
            if case .choice(_, let i) = input { return i }
            return 0
        }
    }

    enum Event: Equatable {
        case none
        case edited(field: Int)
        /// Focus left a field: the time to check it.
        case left(field: Int)
        case submit
        case notHandled
    }

    var fields: [Field]
    var focus = 0
    var dirty = false

    init(_ fields: [Field]) { self.fields = fields }

    subscript(id: String) -> Field {
        get { fields.first { $0.id == id }! }
        set { fields[fields.firstIndex { $0.id == id }!] = newValue }
    }

    func text(_ id: String) -> String { self[id].text }
    func index(_ id: String) -> Int { self[id].choiceIndex }

    mutating func setProblem(_ id: String, _ problem: String?) { self[id].problem = problem }
    /// Empties a field (a password once it has been used: it is kept nowhere).
    mutating func clear(_ id: String) {
        if case .text(let f) = self[id].input { self[id].input = .text(TextField("", maxLength: f.maxLength)) }
    }
    var hasProblems: Bool { fields.contains { $0.problem != nil } }

    /// Every text field holding a value is a suggestion that typing replaces (cursor keys edit it instead).
    func suggesting() -> Form {
        var f = self
        for i in f.fields.indices { if case .text(let t) = f.fields[i].input, !t.isEmpty { f.fields[i].suggested = true } }
        return f
    }

    /// The date typed in field `id` if it is one and not after `today` (else its problem, `future` when later),
    /// nor before `earliest` when given (with its problem).
    mutating func pastDate(_ id: String, today: LocalDate, future: String, earliest: (date: LocalDate, problem: String)? = nil) -> LocalDate? {
        switch LocalDate.parse(text(id)) {
        case .failure(let p): setProblem(id, p.description); return nil
        case .success(let d):
            if d > today { setProblem(id, future); return nil }
            if let earliest, d < earliest.date { setProblem(id, earliest.problem); return nil }
            setProblem(id, nil)
            return d
        }
    }
    var takesText: Bool { if case .text = fields[focus].input { return true }; return false }

    mutating func move(to i: Int) -> Event {
        let from = focus
        focus = max(0, min(fields.count - 1, i))
        return focus == from ? .none : .left(field: from)
    }

    mutating func handle(_ key: Key) -> Event {
        switch key {
        case .tab, .down: return move(to: focus + 1)
        case .backTab, .up: return move(to: focus - 1)
        case .ctrl("s"): return .submit
        case .enter: return focus == fields.count - 1 ? .submit : move(to: focus + 1)
        default: break
        }
        switch fields[focus].input {
        case .text(var f):
            if fields[focus].suggested, case .text = key { f = TextField("", maxLength: f.maxLength) }
            let before = f.text.count
            let outcome = f.handle(key)
            fields[focus].input = .text(f)
            if outcome != .unchanged && outcome != .notHandled { fields[focus].suggested = false }
            switch outcome {
            case .changed:
                dirty = true
                fields[focus].problem = nil
                fields[focus].notice = nil
                fields[focus].cut = 0
                return .edited(field: focus)
            case .truncated:
                // What was kept is a whole value that can be saved: said, not a problem.
                dirty = true
                fields[focus].problem = nil
                if case .text(let t) = key { fields[focus].cut += max(1, t.count - (f.text.count - before)) }
                let n = fields[focus].cut
                fields[focus].notice = "Limit is \(f.maxLength) characters: the last \(n) typed \(n == 1 ? "was" : "were") not added; the rest can be saved"
                return .edited(field: focus)
            case .unchanged: return .none
            case .notHandled: return .notHandled
            }
        case .choice(let options, var index):
            switch key {
            case .right, .text(" "), .text("+"): index = (index + 1) % options.count
            case .left, .text("-"): index = index < 0 ? options.count - 1 : (index + options.count - 1) % options.count
            case .text(let t) where t.count == 1 && Int(t) != nil:
                // Number keys pick directly: 1 is the first option.
                let n = Int(t)!
                guard n >= 1 && n <= options.count else { return .none }
                index = n - 1
            default: return .notHandled
            }
            fields[focus].input = .choice(options: options, index: index)
            dirty = true
            fields[focus].problem = nil
            return .edited(field: focus)
        }
    }

    /// Each field takes two rows: the field, and under it its problem (or a note). At small heights the
    /// form scrolls so the focused field and its message stay visible.
    /// `wrapsLongText`: a focused field whose text is wider than it is also shown whole, wrapped, under the
    /// form, so a long note is read without scrolling sideways.
    func render(into g: inout Grid, _ area: Area, labelWidth: Int = 20, wrapsLongText: Bool = false) {
        let labelW = min(labelWidth, max(8, area.width / 3))
        let fieldW = min(44, area.width - labelW - 1)
        defer {
            if wrapsLongText, case .text(let f) = fields[focus].input, !fields[focus].masked, DisplayWidth.of(f.text) > fieldW {
                let top = area.y + fields.count * 2
                if top + 1 < area.bottom {
                    g.put("\(fields[focus].label) in full:", x: area.x, y: top, style: Style(.dim), maxWidth: area.width)
                    Draw.paragraph(&g, f.text, x: area.x + 2, y: top + 1, width: area.width - 2, maxY: area.bottom)
                }
            }
        }
        let perField = 2
        let visible = max(1, area.height / perField)
        let first = ScrollWindow.firstVisible(selected: focus, count: fields.count, height: visible, previousFirst: 0)
        var y = area.y
        for i in first..<fields.count {
            let field = fields[i]
            if y >= area.bottom { break }
            let focused = i == focus
            g.put(DisplayWidth.truncate(field.label, to: labelW - 1), x: area.x, y: y, style: Style(focused ? .heading : .normal, bold: focused))
            let fx = area.x + labelW
            switch field.input {
            case .text(let f):
                (field.masked ? f.masked : f).render(into: &g, x: fx, y: y, width: fieldW, focused: focused,
                                                     style: Style(focused && field.suggested ? .selected : .input))
            case .choice(let options, let index):
                // A long option (a pathway's name) takes the row's room, not a text field's width.
                let st = Style(focused ? .selected : .input)
                let shown = options.indices.contains(index) ? options[index] : "choose: ←→"
                let choiceW = max(fieldW, min(DisplayWidth.of(shown) + 4, area.right - fx))
                g.fill(x: fx, y: y, width: choiceW, style: st)
                g.put(DisplayWidth.truncate("‹ " + shown + " ›", to: choiceW), x: fx, y: y, style: st, maxWidth: choiceW)
            }
            if y + 1 < area.bottom {
                let (message, style) = field.problem.map { ("! " + $0, Style(.error)) } ?? field.notice.map { ($0, Style(.warning)) } ?? (field.note, Style(.dim))
                // Under the field when it fits; else from under the label, so a problem is never cut short.
                let mx = DisplayWidth.of(message) <= area.right - fx ? fx : area.x + 2
                g.put(DisplayWidth.truncate(message, to: area.right - mx), x: mx, y: y + 1, style: style)
            }
            y += perField
        }
    }

    static var hints: [KeyHint] { [KeyHint("Tab/↑↓", "field"), KeyHint("^S", "save"), KeyHint("Esc", "cancel")] }
}
