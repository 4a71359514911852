import CareplanCore
import ReliabilityKnobs
import Foundation
import XCTest

/// Text that has broken terminal programs before: what a fuzzer types and pastes.
enum NastyText {
    /// C0 and C1 controls, DEL, and the ones that move the cursor or ring the bell.
    static let controls: [String] = (0x00...0x1F).map { String(UnicodeScalar($0)!) } + ["\u{7F}"]
        + (0x80...0x9F).map { String(UnicodeScalar($0)!) }
    static let escapes = ["\u{1B}[31m", "\u{1B}[2J", "\u{1B}[H", "\u{1B}]0;title\u{07}", "\u{1B}]52;c;aGVsbG8=\u{1B}\\",
                          "\u{1B}P+q544e\u{1B}\\", "\u{1B}[?1049h", "\u{1B}[6n", "\u{1B}c", "\u{1B}", "\u{1B}[", "\u{9B}31m",
                          "\u{1B}[38;2;255;0;0m", "\u{1B}[200~", "\u{1B}[201~"]
    static let bidi = ["\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
                       "\u{200E}", "\u{200F}", "\u{061C}"]
    static let zeroWidth = ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{00AD}", "\u{034F}", "\u{180E}",
                            "\u{FE0F}", "\u{FE0E}", "\u{E0041}", "\u{FFF9}", "\u{FFFB}"]
    static let combining = ["\u{0301}", "\u{0308}\u{0301}\u{0327}", "e\u{0301}", "Z\u{0351}\u{0352}\u{0353}\u{0354}\u{0355}\u{0356}",
                            "\u{20DD}", "\u{0E49}", "\u{094D}"]
    static let emoji = ["🐕", "👩‍⚕️", "👨‍👩‍👧‍👦", "🇬🇧", "🏴󠁧󠁢󠁷󠁬󠁳󠁿", "👍🏽", "❤️", "☺", "1️⃣", "🫠"]
    static let wide = ["日本語", "中文", "한국어", "ｆｕｌｌ", "〜", "龘"]
    static let scripts = ["Siân", "Zoë", "Łódź", "العربية", "עברית", "हिन्दी", "ไทย", "Ελληνικά", "ß", "ﷺ", "𝕳𝖊𝖑𝖑𝖔", "İ"]
    static let odd = ["\u{FFFD}", "\u{FFFD}\u{FFFD}\u{FFFD}", "\r\n", "\u{2028}", "\u{2029}", "\u{85}", "\u{E000}", "\u{FFFF}",
                      "\u{10FFFF}", "\t", "  ", "'; DROP TABLE patient; --", "%s%n", "\\", "\"", "<script>"]
    static let groups = [controls, escapes, bidi, zeroWidth, combining, emoji, wide, scripts, odd]

    /// A run of `pieces` random pieces, a quarter of them plain ASCII words.
    static func mixed(_ r: inout SeededRandom, pieces: Int) -> String {
        var s = ""
        for _ in 0..<pieces {
            if r.chance(0.25) { s += r.pick(["a", "pain ", "Zoë ", "10", "x", " ", "note "]) } else { let group = r.pick(groups); s += r.pick(group) }
        }
        return s
    }

    /// 100 KB or more of everything above, as a paste.
    static func huge(_ r: inout SeededRandom) -> String {
        let chunk = mixed(&r, pieces: 64)
        return String(repeating: chunk, count: max(1, 100_000 / max(1, chunk.utf8.count)) + 1)
    }

    /// Whether a scalar must never reach a terminal cell or the store: C0/C1 controls, DEL, bidi controls.
    static func isForbidden(_ v: UInt32) -> Bool {
        switch v {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// The forbidden scalars in `s`, as U+XXXX, or nil if none. `allowNewline`: LF is how a note keeps its lines.
    static func forbidden(in s: String, allowNewline: Bool = false) -> String? {
        let bad = s.unicodeScalars.filter { isForbidden($0.value) && !(allowNewline && $0.value == 0x0A) }
        if bad.isEmpty { return nil }
        return Set(bad.map { String(format: "U+%04X", $0.value) }).sorted().joined(separator: " ")
    }
}
