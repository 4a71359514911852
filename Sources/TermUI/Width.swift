import CWidth
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Display widths as the terminal counts them. We ask the C library's `wcwidth`, which is what ncurses
/// itself uses, so the grid and the terminal agree on wide (CJK, emoji) and zero-width (combining) characters.
/// `wcwidth` answers -1 for everything non-ASCII in the "C" locale, so we make sure a UTF-8 locale is active.
public enum DisplayWidth {
    private static let localeReady: Bool = {
        // The run loop calls setlocale(LC_ALL, "") first; tests and tools may not, so fall back to C.UTF-8.
        let current = setlocale(LC_CTYPE, nil).map { String(cString: $0) } ?? "C"
        if !current.uppercased().contains("UTF-8") && !current.uppercased().contains("UTF8") {
            if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "en_US.UTF-8") }
        }
        return true
    }()

    /// Columns taken by one grapheme cluster (0, 1 or 2).
    public static func of(_ c: Character) -> Int {
        if c.isASCII {  // fast path: almost everything typed on a ward keyboard
            guard let v = c.asciiValue else { return 1 }  // "\r\n" is ASCII but has no single value
            return (v >= 0x20 && v < 0x7f) ? 1 : 0
        }
        _ = localeReady
        var width = 0
        for scalar in c.unicodeScalars {
            if scalar.value == 0xFE0F { width = max(width, 2); continue }  // emoji presentation selector
            let w = Int(careplan_wcwidth(scalar.value))
            if w > 0 { width += w }
        }
        return min(width, 2)
    }

    /// Columns taken by a string.
    public static func of(_ s: some StringProtocol) -> Int {
        var total = 0
        for c in s { total += of(c) }
        return total
    }

    /// The longest prefix of `s` that fits in `columns`.
    public static func prefix(_ s: some StringProtocol, fitting columns: Int) -> String {
        var used = 0
        var out = ""
        for c in s {
            let w = of(c)
            if used + w > columns { break }
            used += w
            out.append(c)
        }
        return out
    }

    /// `s` cut to `columns`, with an ellipsis where something was cut.
    public static func truncate(_ s: some StringProtocol, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if of(s) <= columns { return String(s) }
        return prefix(s, fitting: columns - 1) + "…"
    }

    /// `s` fitted to `columns` by cutting the middle of its first “quoted” part (a long concern's label), so
    /// the words around it stay whole: which value was not saved, and the one now stored, said last. Cut at
    /// the end as `truncate` only when that is not enough.
    public static func fitShorteningQuote(_ s: String, to columns: Int) -> String {
        guard of(s) > columns, let open = s.firstIndex(of: "“"), let close = s[open...].firstIndex(of: "”") else { return truncate(s, to: columns) }
        let quoted = s[s.index(after: open)..<close]
        let room = columns - (of(s) - of(quoted))
        guard room >= 5 else { return truncate(s, to: columns) }
        return s[...open] + cutMiddle(quoted, to: room) + s[close...]
    }

    /// `s` in `columns`: its start and its end, with an ellipsis between where the middle was cut.
    public static func cutMiddle(_ s: some StringProtocol, to columns: Int) -> String {
        guard of(s) > columns else { return String(s) }
        let head = prefix(s, fitting: columns / 2)
        let tail = String(prefix(String(s.reversed()), fitting: columns - 1 - of(head)).reversed())
        return head + "…" + tail
    }

    /// `s` padded with spaces (or cut) to exactly `columns`.
    public static func pad(_ s: some StringProtocol, to columns: Int) -> String {
        let cut = prefix(s, fitting: columns)
        return cut + String(repeating: " ", count: max(0, columns - of(cut)))
    }
}
