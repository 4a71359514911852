import CNcursesw
import CareplanText
import TermUI

/// One result of `get_wch`: a character (status OK) or a function-key code (status KEY_CODE_YES).
public enum RawInput: Equatable, Sendable {
    case char(UInt32)
    case keyCode(Int32)
}

/// Turns a batch of `get_wch` results into Keys: pure, so it is tested without a terminal.
/// Consecutive printable characters become one `.text` run (a paste is a few events, not a million).
/// Bracketed paste (ESC[200~ ... ESC[201~, enabled by the terminal) is text and nothing else: newlines and
/// tabs stay inside the `.text` run, and escape sequences, control characters and key codes in pasted text
/// are dropped, so a paste can never press Enter, Esc, Ctrl-Q or an arrow. ncurses itself recognises the
/// two markers (`define_key` gives them the codes below), so a marker split across reads is still seen.
public struct KeyDecoder: Sendable {
    /// Inside a bracketed paste (it may span several reads).
    public private(set) var inPaste = false
    /// Inside a paste: the escape sequence being skipped, if any (the text cleaner's reader of them).
    private var pasteEscape = EscapeSequences()

    /// The key codes careplan asks ncurses to give the paste markers ESC[200~ and ESC[201~.
    public static let pasteStartCode: Int32 = 0x3F10
    public static let pasteEndCode: Int32 = 0x3F11

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
            case .keyCode(KeyDecoder.pasteStartCode):
                inPaste = true
                pasteEscape = EscapeSequences()
            case .keyCode(KeyDecoder.pasteEndCode):
                inPaste = false
                pasteEscape = EscapeSequences()
            case .keyCode(let code):
                if code == KEY_RESIZE { flush(); keys.append(.resize); continue }
                if inPaste { continue }  // a pasted escape sequence ncurses took for a key: not a key press
                if let k = keyCodes[code] { flush(); keys.append(k) }
            case .char(let v) where inPaste:
                if pasteEscape.swallows(v) { continue }
                switch v {
                case 9, 10, 13: run.append(Unicode.Scalar(UInt8(v)))
                case 0...31, 127, 0x80...0x9F: break
                default: if let s = Unicode.Scalar(v) { run.append(s) } else { run.append("\u{FFFD}") }
                }
            case .char(let v):
                switch v {
                case 9: flush(); keys.append(.tab)
                case 10, 13:
                    flush()
                    keys.append(.enter)
                    // CR LF in one read is one line break pasted (Windows text without bracketed paste), not two Enters.
                    if v == 13, i + 1 < inputs.count, case .char(10) = inputs[i + 1] { i += 1 }
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
                // Ctrl-\ Ctrl-] Ctrl-^ Ctrl-_: keys too, so a kiosk can answer them rather than stay silent.
                case 28...31: flush(); keys.append(.ctrl(Character(Unicode.Scalar(UInt8(v) + 0x40))))
                case 0...31, 0x80...0x9F: break  // other controls are dropped
                default:
                    if let s = Unicode.Scalar(v) { run.append(s) } else { run.append("\u{FFFD}") }
                }
            }
        }
        flush()
        return keys
    }
}
