import CareplanText
/// A multi-line note editor with word wrap. Pure state: the screen feeds it keys together with the size
/// of the box it is drawn in (needed to move Up/Down across wrapped rows), and renders it into its grid.
public struct TextEditor: Equatable, Sendable {
    var buffer: CharBuffer
    /// First visible row, kept by `handle` so the view scrolls as little as possible. `render` only
    /// corrects it (deterministically) when the text or box changed since.
    public private(set) var scroll: Int = 0
    /// The display column Up/Down aim for, kept across a run of vertical moves.
    var goalColumn: Int? = nil
    /// Undo (Ctrl-Z) and redo (Ctrl-Y): the text and cursor before each group of edits, newest last.
    var undoStack: [Snapshot] = []
    var redoStack: [Snapshot] = []
    /// The kind and time of the last edit, while its group is open; a move closes it.
    var openGroup: OpenGroup? = nil

    struct Snapshot: Equatable, Sendable {
        var text: String
        var cursor: Int
    }

    /// What an edit was, for grouping: typing a word (and the spaces after it) is one undo step, a run of
    /// deletions another; a paste, a new line and the whole-word or whole-line deletions are steps of their own.
    enum EditKind: Equatable, Sendable { case word, space, deletion, single }

    /// Groups kept (older ones are forgotten), and the pause that ends a group.
    static let undoLimit = 200
    static let groupPause: Double = 1.5

    struct OpenGroup: Equatable, Sendable {
        var kind: EditKind
        var at: Double?
    }

    /// The text. Setting it keeps the cursor in range (it is not cleaned: paste through `handle`).
    public var text: String {
        get { buffer.string }
        set { buffer = CharBuffer(newValue); cursor = min(cursor, buffer.count); goalColumn = nil }
    }
    /// Character offset of the cursor into `text`: 0...text.count.
    public var cursor: Int { didSet { if cursor < 0 || cursor > buffer.count { cursor = min(max(0, cursor), buffer.count) } } }
    /// The most Characters the note holds (newlines count as one).
    public var maxLength: Int

    public init(_ text: String = "", maxLength: Int = 20_000) {
        self.buffer = CharBuffer(text)
        self.maxLength = maxLength
        self.cursor = buffer.count
    }

    public var isEmpty: Bool { buffer.count == 0 }
    /// Number of Characters in the text (cheap, unlike `text.count`).
    public var count: Int { buffer.count }

    /// Applies one key for an editor drawn in a box of `width` x `height`. Outcomes as for `TextField`;
    /// Tab, Esc, F-keys and unknown Ctrl keys are `.notHandled`. `time` (seconds, any origin) lets a pause
    /// in typing end an undo group; without it only words, moves and kinds of edit do.
    public mutating func handle(_ key: Key, width: Int, height: Int, time: Double? = nil) -> EditOutcome {
        let before = cursor
        let beforeScroll = scroll
        var vertical = false
        var outcome: EditOutcome? = nil
        let edit = Self.editKind(key)
        let startsGroup = edit.map { startsNewGroup($0, time) } ?? false
        let countBefore = buffer.count
        if startsGroup { undoStack.append(Snapshot(text: buffer.string, cursor: cursor)) }
        switch key {
        case .ctrl("z"), .ctrl("y"):
            let undo = key == .ctrl("z")
            guard let back = (undo ? undoStack : redoStack).last else { return .unchanged }
            if undo { undoStack.removeLast(); redoStack.append(Snapshot(text: buffer.string, cursor: cursor)) }
            else { redoStack.removeLast(); undoStack.append(Snapshot(text: buffer.string, cursor: cursor)) }
            buffer = CharBuffer(back.text)
            cursor = back.cursor
            openGroup = nil
            outcome = .changed
        case .text(let s):
            let r = buffer.insert(TextCleaner.characters(s, multiline: true), at: cursor, maxLength: maxLength)
            cursor = r.cursor
            outcome = r.outcome
        case .enter:
            let r = buffer.insert(["\n"], at: cursor, maxLength: maxLength)
            cursor = r.cursor
            outcome = r.outcome
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(buffer.count, cursor + 1)
        case .wordLeft: cursor = buffer.wordStart(before: cursor)
        case .wordRight: cursor = buffer.wordEnd(after: cursor)
        case .ctrl("a"): cursor = 0
        case .ctrl("e"): cursor = buffer.count
        case .home, .end:
            let rows = WrapLayout.lines(buffer, width: width, cursorRow: true)
            let row = rows[WrapLayout.row(of: cursor, in: rows)]
            cursor = key == .home ? row.start : row.lastPosition
        case .up, .down, .pageUp, .pageDown:
            vertical = true
            let rows = WrapLayout.lines(buffer, width: width, cursorRow: true)
            let r = WrapLayout.row(of: cursor, in: rows)
            let goal = goalColumn ?? buffer.width(of: rows[r].start..<cursor)
            let page = max(1, height - 1)
            let target: Int
            switch key {
            case .up: target = r - 1
            case .down: target = r + 1
            case .pageUp: target = max(0, r - page); scroll = max(0, scroll - page)
            default: target = min(rows.count - 1, r + page); scroll = scroll + page
            }
            if target < 0 { cursor = 0 }
            else if target >= rows.count { cursor = buffer.count }
            else { cursor = position(in: rows[target], column: goal) }
            goalColumn = goal
        case .backspace: outcome = delete(cursor > 0 ? (cursor - 1)..<cursor : cursor..<cursor)
        case .delete: outcome = delete(cursor < buffer.count ? cursor..<(cursor + 1) : cursor..<cursor)
        case .ctrl("w"): outcome = delete(buffer.wordStart(before: cursor)..<cursor)
        case .ctrl("k"):
            // Emacs-style: delete to the end of the (logical) line; at its end, join the next line.
            var e = cursor
            while e < buffer.count && !buffer.isNewline(e) { e += 1 }
            if e == cursor && e < buffer.count { e += 1 }
            outcome = delete(cursor..<e)
        case .ctrl("u"):
            var s = cursor
            while s > 0 && !buffer.isNewline(s - 1) { s -= 1 }
            outcome = delete(s..<cursor)
        default: return .notHandled
        }
        if let edit {
            if outcome == .unchanged || outcome == nil || buffer.count == countBefore && outcome != .changed {
                if startsGroup { undoStack.removeLast() }  // nothing changed: no step to undo
            } else {
                if startsGroup {
                    redoStack.removeAll()
                    if undoStack.count > Self.undoLimit { undoStack.removeFirst() }
                }
                openGroup = OpenGroup(kind: edit, at: time)
            }
        } else if key != .ctrl("z") && key != .ctrl("y") {
            openGroup = nil  // a move ends the group: typing elsewhere is another step
        }
        if !vertical { goalColumn = nil }
        let rows = WrapLayout.lines(buffer, width: width, cursorRow: true)
        scroll = ScrollWindow.firstVisible(selected: WrapLayout.row(of: cursor, in: rows), count: rows.count,
                                           height: height, previousFirst: scroll)
        if let o = outcome { return o }
        return cursor == before && scroll == beforeScroll ? .unchanged : .changed
    }

    /// Whether the key edits the text, and how, for grouping undo steps.
    static func editKind(_ key: Key) -> EditKind? {
        switch key {
        case .text(let t) where t.count == 1: return t.first!.isWhitespace ? .space : .word
        case .text, .enter, .ctrl("w"), .ctrl("k"), .ctrl("u"): return .single
        case .backspace, .delete: return .deletion
        default: return nil
        }
    }

    /// A new undo step, or part of the open one: a word joins its letters and the spaces after it; deletions
    /// in a row join; a pause of `groupPause` or any other kind of edit starts a new step.
    func startsNewGroup(_ kind: EditKind, _ time: Double?) -> Bool {
        guard let open = openGroup, kind != .single else { return true }
        if let t = time, let last = open.at, t - last >= Self.groupPause { return true }
        switch (open.kind, kind) {
        case (.word, .word), (.word, .space), (.space, .space), (.deletion, .deletion): return false
        default: return true
        }
    }

    /// The position on `row` whose column is the largest not past `column`.
    private func position(in row: VisualLine, column: Int) -> Int {
        var p = row.start, col = 0
        while p < row.lastPosition {
            let w = buffer.width(p)
            if col + w > column { break }
            col += w
            p += 1
        }
        return p
    }

    private mutating func delete(_ range: Range<Int>) -> EditOutcome {
        guard !range.isEmpty else { return .unchanged }
        cursor = buffer.replace(range, with: [])
        return .changed
    }

    /// Word-wraps at `width`, shows the rows from `scroll` (corrected so the cursor row is visible), and
    /// sets the terminal cursor when focused. A pure function of the editor and the box.
    public func render(into grid: inout Grid, x: Int, y: Int, width: Int, height: Int, focused: Bool, style: Style = Style(.input)) {
        guard width > 0, height > 0 else { return }
        grid.fill(x: x, y: y, width: width, height: height, style: style)
        let rows = WrapLayout.lines(buffer, width: width, cursorRow: true)
        let cursorRow = WrapLayout.row(of: cursor, in: rows)
        let top = ScrollWindow.firstVisible(selected: cursorRow, count: rows.count, height: height, previousFirst: scroll)
        for r in 0..<min(height, rows.count - top) {
            let row = rows[top + r]
            if row.end > row.start {
                grid.put(String(buffer.chars[row.start..<row.end]), x: x, y: y + r, style: style, maxWidth: width)
            }
        }
        if focused {
            let col = buffer.width(of: rows[cursorRow].start..<cursor)
            grid.cursor = Point(x: x + min(col, width - 1), y: y + cursorRow - top)
        }
    }

    /// The wrapped rows as text (what `render` draws, without scrolling): handy for tests and previews.
    public func wrappedLines(width: Int) -> [String] {
        WrapLayout.lines(buffer, width: width, cursorRow: true).map { String(buffer.chars[$0.start..<$0.end]) }
    }
}
