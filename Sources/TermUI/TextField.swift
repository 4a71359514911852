import CareplanText
/// A single-line text field: names, NHS numbers, short answers. Pure state; the screen feeds it keys
/// and renders it into its grid.
public struct TextField: Equatable, Sendable {
    var buffer: CharBuffer

    /// The text. Setting it keeps the cursor in range (it is not cleaned: clean pasted text with `handle`).
    public var text: String {
        get { buffer.string }
        set { buffer = CharBuffer(newValue); cursor = min(cursor, buffer.count) }
    }
    /// The cursor, in Characters (grapheme clusters) from the start: 0...text.count.
    public var cursor: Int { didSet { if cursor < 0 || cursor > buffer.count { cursor = min(max(0, cursor), buffer.count) } } }
    /// The most Characters the field holds; typing or pasting beyond it reports `.truncated`.
    public var maxLength: Int

    public init(_ text: String = "", maxLength: Int = 200) {
        self.buffer = CharBuffer(text)
        self.maxLength = maxLength
        self.cursor = buffer.count
    }

    public var isEmpty: Bool { buffer.count == 0 }

    /// Applies one key. `.changed` means the text or the cursor moved; `.unchanged` that the key is the
    /// field's but did nothing; `.notHandled` that the screen should handle it (Enter, Tab, Esc, Up, F-keys...).
    public mutating func handle(_ key: Key) -> EditOutcome {
        let before = cursor
        switch key {
        case .text(let s):
            let r = buffer.insert(TextCleaner.characters(s, multiline: false), at: cursor, maxLength: maxLength)
            cursor = r.cursor
            return r.outcome
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(buffer.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = buffer.count
        case .wordLeft: cursor = buffer.wordStart(before: cursor)
        case .wordRight: cursor = buffer.wordEnd(after: cursor)
        case .backspace: return delete(cursor > 0 ? (cursor - 1)..<cursor : cursor..<cursor)
        case .delete: return delete(cursor < buffer.count ? cursor..<(cursor + 1) : cursor..<cursor)
        case .ctrl("u"): return delete(0..<cursor)
        case .ctrl("k"): return delete(cursor..<buffer.count)
        case .ctrl("w"): return delete(buffer.wordStart(before: cursor)..<cursor)
        default: return .notHandled
        }
        return cursor == before ? .unchanged : .changed
    }

    private mutating func delete(_ range: Range<Int>) -> EditOutcome {
        guard !range.isEmpty else { return .unchanged }
        cursor = buffer.replace(range, with: [])
        return .changed
    }

    /// The field as a password is drawn: one • per character, the cursor where it was.
    public var masked: TextField {
        var f = TextField(String(repeating: "•", count: buffer.count), maxLength: maxLength)
        f.cursor = cursor
        return f
    }

    /// The first Character shown when the field is `width` columns wide. Deterministic from the cursor:
    /// the view moves by half a width at a time, so the cursor is always visible with some text after it.
    func firstVisible(width: Int) -> Int {
        let cursorColumn = buffer.width(of: 0..<cursor)
        guard cursorColumn >= width else { return 0 }
        let step = max(1, width / 2)
        let origin = ((cursorColumn - width) / step + 1) * step
        var col = 0, i = 0
        while i < cursor && col < origin { col += buffer.width(i); i += 1 }
        return i
    }

    /// Draws the field on one row: its background over `width` columns, the visible part of the text,
    /// and (when focused) the terminal cursor.
    public func render(into grid: inout Grid, x: Int, y: Int, width: Int, focused: Bool, style: Style = Style(.input)) {
        guard width > 0 else { return }
        grid.fill(x: x, y: y, width: width, style: style)
        let first = firstVisible(width: width)
        var end = first, used = 0
        while end < buffer.count, used + buffer.width(end) <= width { used += buffer.width(end); end += 1 }
        grid.put(String(buffer.chars[first..<end]), x: x, y: y, style: style, maxWidth: width)
        if focused {
            let col = buffer.width(of: first..<cursor)
            grid.cursor = Point(x: x + min(col, width - 1), y: y)
        }
    }
}
