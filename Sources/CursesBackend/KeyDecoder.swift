import CNcursesw
import TermUI

/// One result of `get_wch`: a character (status OK) or a function-key code (status KEY_CODE_YES).
public enum RawInput: Equatable, Sendable {
    case char(UInt32)
    case keyCode(Int32)
}

/// Turns a batch of `get_wch` results into Keys: pure, so it is tested without a terminal.
/// Consecutive printable characters become one `.text` run (a paste is a few events, not a million).
/// Bracketed paste (ESC[200~ ... ESC[201~, enabled by the terminal) keeps pasted newlines and tabs inside
/// the `.text` run, so a pasted paragraph never turns into Enter presses that submit a form.
public struct KeyDecoder: Sendable {
    /// Inside a bracketed paste (it may span several reads).
    public private(set) var inPaste = false

    /// Function-key codes (KEY_*, and codes ncurses assigned to extended names like kLFT5) to keys.
    public var keyCodes: [Int32: Key]

    public init(keyCodes: [Int32: Key] = KeyDecoder.standardKeyCodes) {
        self.keyCodes = keyCodes
    }

    /// The KEY_* codes every terminal description may send. Extended codes (Ctrl-Left...) are added at start-up.
    public static let standardKeyCodes: [Int32: Key] = {
        var m: [Int32: Key] = [
            KEY_UP: .up, KEY_DOWN: .down, KEY_LEFT: .left, KEY_RIGHT: .right,
            KEY_HOME: .home, KEY_END: .end, KEY_A1: .home, KEY_C1: .end,  // keypad corners
            KEY_FIND: .home, KEY_SELECT: .end,                            // vt220-style ESC[1~ / ESC[4~
            KEY_PPAGE: .pageUp, KEY_NPAGE: .pageDown, KEY_A3: .pageUp, KEY_C3: .pageDown,
            KEY_BACKSPACE: .backspace, KEY_DC: .delete, KEY_ENTER: .enter, KEY_BTAB: .backTab,
            KEY_RESIZE: .resize,
        ]
        for n in 1...12 { m[Int32(cp_key_f(Int32(n)))] = .function(n) }
        return m
    }()

    public mutating func decode(_ inputs: [RawInput]) -> [Key] {
        var keys: [Key] = []
        var run = String.UnicodeScalarView()
        func flush() {
            if !run.isEmpty { keys.append(.text(String(run))); run = String.UnicodeScalarView() }
        }
        var i = 0
        while i < inputs.count {
            defer { i += 1 }
            switch inputs[i] {
            case .keyCode(let code):
                if let k = keyCodes[code] { flush(); keys.append(k) }
            case .char(let v):
                if v == 27, let mark = pasteMark(inputs, at: i) {
                    inPaste = mark
                    i += 5
                    continue
                }
                if inPaste, v == 9 || v == 10 || v == 13 { run.append(Unicode.Scalar(UInt8(v))); continue }
                switch v {
                case 9: flush(); keys.append(.tab)
                case 10, 13: flush(); keys.append(.enter)
                case 8, 127: flush(); keys.append(.backspace)
                case 27:
                    flush()
                    // Esc with a character right behind it (same read) is Alt-character.
                    if i + 1 < inputs.count, case .char(let next) = inputs[i + 1] {
                        if next == 0x62 { keys.append(.wordLeft); i += 1; continue }   // Alt-b
                        if next == 0x66 { keys.append(.wordRight); i += 1; continue }  // Alt-f
                    }
                    keys.append(.escape)
                case 1...26: flush(); keys.append(.ctrl(Character(Unicode.Scalar(UInt8(v) + 0x60))))
                case 0...31, 0x80...0x9F: break  // other controls are dropped
                default:
                    if let s = Unicode.Scalar(v) { run.append(s) } else { run.append("\u{FFFD}") }
                }
            }
        }
        flush()
        return keys
    }

    /// ESC [ 2 0 0 ~ (true: paste starts) or ESC [ 2 0 1 ~ (false: paste ends) at index i.
    private func pasteMark(_ inputs: [RawInput], at i: Int) -> Bool? {
        guard i + 5 < inputs.count else { return nil }
        var v: [UInt32] = []
        for k in 1...5 { guard case .char(let c) = inputs[i + k] else { return nil }; v.append(c) }
        guard v[0] == 0x5B, v[1] == 0x32, v[2] == 0x30, v[4] == 0x7E else { return nil }
        return v[3] == 0x30 ? true : (v[3] == 0x31 ? false : nil)
    }
}
