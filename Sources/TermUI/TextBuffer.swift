/// What an editing key did to a widget.
public enum EditOutcome: Equatable, Sendable {
    /// The text or the cursor changed: re-render.
    case changed
    /// The key belongs to this widget but had no effect (Left at the start, Backspace in an empty field).
    case unchanged
    /// The key means nothing to this widget (Tab, F1, Esc, Enter in a single-line field): the screen handles it.
    case notHandled
    /// Typing or a paste hit `maxLength`: what fit was inserted, `dropped` characters (after cleaning) were not.
    case truncated(dropped: Int)
}

/// Text kept as an array of Characters (so the cursor is an index and edits are O(n) once, not per
/// character), with a parallel array of facts per character for layout without touching Strings.
struct CharBuffer: Equatable, Sendable {
    static let widthMask: UInt8 = 0x03
    static let spaceBit: UInt8 = 0x04
    static let newlineBit: UInt8 = 0x08

    private(set) var chars: [Character] = []
    private(set) var info: [UInt8] = []

    init(_ text: some StringProtocol) { replace(0..<0, with: Array(text)) }

    var count: Int { chars.count }
    var string: String { String(chars) }

    @inline(__always) static func info(of c: Character) -> UInt8 {
        if let a = c.asciiValue {
            if a == 0x20 { return 1 | spaceBit }
            if a == 0x0A { return newlineBit }
            return (a > 0x20 && a < 0x7F) ? 1 : 0
        }
        if c == "\r\n" { return newlineBit }
        return UInt8(DisplayWidth.of(c))
    }

    @inline(__always) func width(_ i: Int) -> Int { Int(info[i] & CharBuffer.widthMask) }
    @inline(__always) func isSpace(_ i: Int) -> Bool { info[i] & CharBuffer.spaceBit != 0 }
    @inline(__always) func isNewline(_ i: Int) -> Bool { info[i] & CharBuffer.newlineBit != 0 }
    @inline(__always) func isBlank(_ i: Int) -> Bool { info[i] & (CharBuffer.spaceBit | CharBuffer.newlineBit) != 0 }

    /// Display width of chars[range].
    func width(of range: Range<Int>) -> Int {
        var w = 0
        for i in range { w += Int(info[i] & CharBuffer.widthMask) }
        return w
    }

    /// Replaces a range and returns the index just after the inserted text. Where the new neighbours
    /// form one grapheme cluster (a combining mark typed after its letter), they are merged so the array
    /// always matches how String counts Characters.
    @discardableResult
    mutating func replace(_ range: Range<Int>, with new: [Character]) -> Int {
        chars.replaceSubrange(range, with: new)
        info.replaceSubrange(range, with: new.map(CharBuffer.info(of:)))
        var end = range.lowerBound + new.count
        if end < chars.count, end > 0, mergeIfJoined(at: end) { end -= 1 }
        if !new.isEmpty, range.lowerBound > 0, range.lowerBound < chars.count, mergeIfJoined(at: range.lowerBound) { end -= 1 }
        return end
    }

    /// Merges chars[i-1] and chars[i] if they form a single Character.
    private mutating func mergeIfJoined(at i: Int) -> Bool {
        let joined = String(chars[i - 1]) + String(chars[i])
        guard joined.count == 1, let c = joined.first else { return false }
        chars[i - 1] = c
        info[i - 1] = CharBuffer.info(of: c)
        chars.remove(at: i)
        info.remove(at: i)
        return true
    }

    /// Start of the word before `i` (skipping blanks first), as Ctrl-W and word-left use it.
    func wordStart(before i: Int) -> Int {
        var j = i
        while j > 0 && isBlank(j - 1) { j -= 1 }
        while j > 0 && !isBlank(j - 1) { j -= 1 }
        return j
    }

    /// End of the word after `i` (skipping blanks first).
    func wordEnd(after i: Int) -> Int {
        var j = i
        while j < count && isBlank(j) { j += 1 }
        while j < count && !isBlank(j) { j += 1 }
        return j
    }

    /// Inserts cleaned characters at `at`, up to `maxLength` in total. Returns the new cursor and the outcome.
    mutating func insert(_ new: [Character], at: Int, maxLength: Int) -> (cursor: Int, outcome: EditOutcome) {
        guard !new.isEmpty else { return (at, .unchanged) }
        let room = max(0, maxLength - count)
        let fit = min(room, new.count)
        let dropped = new.count - fit
        var cursor = at
        if fit > 0 { cursor = replace(at..<at, with: fit == new.count ? new : Array(new[0..<fit])) }
        return (cursor, dropped > 0 ? .truncated(dropped: dropped) : .changed)
    }
}
