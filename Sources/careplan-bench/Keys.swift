import PseudoTerminal

/// Keys as xterm sends them with the keypad in application mode (ncurses's `keypad(TRUE)` turns it on).
enum Keys {
    static let down: [UInt8] = Array("\u{1B}OB".utf8)
    static let up: [UInt8] = Array("\u{1B}OA".utf8)
    static let home: [UInt8] = Array("\u{1B}OH".utf8)
    static let enter: [UInt8] = [0x0D]
    static let tab: [UInt8] = [0x09]
    static let escape: [UInt8] = [0x1B]
    static func ctrl(_ c: Character) -> [UInt8] { [c.asciiValue! & 0x1F] }
}

/// Bytes as readable text: escape sequences spelled out (`\e[12;1H`), controls in hex, text as it is.
func escaped(_ bytes: [UInt8]) -> String {
    var s = ""
    var i = 0
    while i < bytes.count {
        let b = bytes[i]
        switch b {
        case 0x1B: s += "\\e"
        case 0x0D: s += "\\r"
        case 0x0A: s += "\\n"
        case 0x08: s += "\\b"
        case 0..<0x20, 0x7F: s += String(format: "\\x%02x", b)
        default:
            var end = i + 1
            while end < bytes.count && bytes[end] >= 0x80 && bytes[end] < 0xC0 { end += 1 }
            s += String(decoding: bytes[i..<end], as: UTF8.self)
            i = end
            continue
        }
        i += 1
    }
    return s
}
