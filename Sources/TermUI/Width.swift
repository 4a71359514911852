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

    /// Columns taken by one grapheme cluster (0, 1 or 2), as the grid draws it: a control or format character
    /// (ESC, BEL, U+202E) is drawn as one U+FFFD (`isReplaced`), so it is measured as one column too, and rows
    /// holding stored labels line up.
    public static func of(_ c: Character) -> Int {
        if c.isASCII {  // fast path: almost everything typed on a ward keyboard
            guard c.asciiValue != nil else { return 1 }  // "\r\n" is ASCII but has no single value
            return 1  // printable, or a control character drawn as U+FFFD
        }
        if isReplaced(c) { return 1 }
        _ = localeReady
        var width = 0
        for scalar in c.unicodeScalars {
            if scalar.value == 0xFE0F { width = max(width, 2); continue }  // emoji presentation selector
            let w = Int(careplan_wcwidth(scalar.value))
            if w > 0 { width += w }
        }
        return min(width, 2)
    }

    /// A character the grid draws as U+FFFD: only control or format characters (nothing a user typed may
    /// move the terminal's cursor or turn text right to left).
    public static func isReplaced(_ c: Character) -> Bool {
        if let v = c.asciiValue { return v < 0x20 || v == 0x7f }
        return c.unicodeScalars.allSatisfy { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }
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

    /// Where a text too long for its place loses characters.
    public enum Cut: Sendable { case end, middle }

    /// `s` in at most `columns`, an ellipsis where characters were left out: at the end (a label), or in
    /// the middle (a path: its start and its end, the file's name, both stay).
    public static func shorten(_ s: some StringProtocol, to columns: Int, at cut: Cut) -> String {
        guard columns > 1, of(s) > columns else { return truncate(s, to: columns) }
        // A word cut short keeps the ellipsis next to it, not after a space.
        guard cut == .middle else { return String(prefix(s, fitting: columns - 1).reversed().drop { $0 == " " }.reversed()) + "…" }
        let tail = (columns - 1) / 2
        var end = ""
        var used = 0
        for c in s.reversed() {
            if used + of(c) > tail { break }
            used += of(c)
            end.insert(c, at: end.startIndex)
        }
        return prefix(s, fitting: columns - 1 - used) + "…" + end
    }

    /// `s` padded with spaces (or cut) to exactly `columns`.
    public static func pad(_ s: some StringProtocol, to columns: Int) -> String {
        let cut = prefix(s, fitting: columns)
        return cut + String(repeating: " ", count: max(0, columns - of(cut)))
    }
}
