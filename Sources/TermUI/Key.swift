/// One input event, already decoded from the terminal. Screens see only these, never curses codes,
/// so every screen can be driven by tests with plain key sequences.
public enum Key: Hashable, Sendable {
    /// Printable text: one character typed, or a run of text pasted (the backend coalesces runs).
    /// The backend has already dropped control characters; screens still clean pasted text before storing it.
    case text(String)
    case enter, tab, backTab, backspace, delete, escape
    case up, down, left, right, home, end, pageUp, pageDown
    /// Word-wise movement (Ctrl-Left / Ctrl-Right, or Alt-b / Alt-f).
    case wordLeft, wordRight
    /// Ctrl plus a letter, lower case: `.ctrl("s")`.
    case ctrl(Character)
    /// F1...F12.
    case function(Int)
    /// The terminal changed size; the run loop re-renders at the new size.
    case resize

    /// A short, human name for help lines and logs of key sequences (never of typed text).
    public var name: String {
        switch self {
        case .text(let s): return s.count == 1 ? s : "text(\(s.count))"
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .escape: return "Esc"
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .wordLeft: return "Ctrl-Left"
        case .wordRight: return "Ctrl-Right"
        case .ctrl(let c): return "Ctrl-\(c.uppercased())"
        case .function(let n): return "F\(n)"
        case .resize: return "resize"
        }
    }

    /// A single typed character, if this key is one.
    public var character: Character? {
        if case .text(let s) = self, s.count == 1 { return s.first }
        return nil
    }
}
