/// Which characters a chart is drawn with. Block elements (▁▂▃▄▅▆▇█, ▏▎▍▌▋▊▉) need a UTF-8 terminal with a
/// font that has them; elsewhere a chart falls back to plain ASCII rather than to the "?" curses shows for a
/// character it cannot encode.
public enum ChartGlyphs: String, Hashable, Sendable, CaseIterable {
    case blocks
    case ascii

    /// What this terminal can show, from the environment the user set: the locale careplan runs in
    /// (`LC_ALL`, then `LC_CTYPE`, then `LANG`, as POSIX reads them; curses encodes wide characters in it) must
    /// be UTF-8, and the terminal must not be one whose fonts lack the blocks (the Linux console, VTs, dumb).
    /// `CAREPLAN_CHARTS=ascii|blocks` overrides both (a font that lacks the blocks; a test).
    public static func forTerminal(environment: [String: String]) -> ChartGlyphs {
        if let chosen = environment["CAREPLAN_CHARTS"].flatMap({ ChartGlyphs(rawValue: $0.lowercased()) }) { return chosen }
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        let utf8 = String(locale.uppercased().filter { $0 != "-" }).contains("UTF8")
        let term = environment["TERM"] ?? ""
        let fontless = term == "linux" || term == "dumb" || term.hasPrefix("vt") || term.isEmpty
        return utf8 && !fontless ? .blocks : .ascii
    }

    /// Eight heights, lowest first.
    var levels: [Character] { self == .blocks ? ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] : ["_", ".", ":", "-", "=", "+", "*", "#"] }
}

/// Chart text for the terminal: every character is one display cell wide, so a chart of N values takes N
/// cells and lines up with labels measured by `DisplayWidth`.
public enum Charts {
    /// The fixed scale of concern and distress scores, so two patients' lines (or two visits) compare by eye.
    public static let scoreScale: ClosedRange<Double> = 0...10

    /// One character per value, its height on `scale` (default: from 0, or the lowest value if below 0, to the
    /// highest value). A missing value (nil, not a number) is a gap: a space, never the lowest block, which
    /// means a real zero. Values outside the scale are drawn at its ends.
    public static func sparkline(_ values: [Double?], scale: ClosedRange<Double>? = nil, glyphs: ChartGlyphs) -> String {
        let known = values.compactMap { $0 }.filter(\.isFinite)
        let range = scale ?? (min(0, known.min() ?? 0)...max(0, known.max() ?? 0))
        let levels = glyphs.levels
        return String(values.map { value -> Character in
            guard let v = value, v.isFinite else { return " " }
            guard range.upperBound > range.lowerBound else { return levels[0] }
            let share = (min(max(v, range.lowerBound), range.upperBound) - range.lowerBound) / (range.upperBound - range.lowerBound)
            return levels[Int((share * Double(levels.count - 1)).rounded())]
        })
    }

    /// A sparkline of scores on the fixed 0-10 scale.
    public static func sparkline(scores: [Int?], glyphs: ChartGlyphs) -> String {
        sparkline(scores.map { $0.map(Double.init) }, scale: scoreScale, glyphs: glyphs)
    }

    /// `value` against `maximum` as a bar exactly `cells` wide (padded with spaces): whole cells full, the last
    /// one in eighths (blocks) or halves (ASCII `#` and `-`). A value above zero always shows at least the
    /// smallest mark, so something is never drawn as nothing; zero, a negative value or no maximum draws none.
    public static func bar(_ value: Double, maximum: Double, cells: Int, glyphs: ChartGlyphs) -> String {
        guard cells > 0 else { return "" }
        guard value.isFinite, maximum.isFinite, value > 0, maximum > 0 else { return String(repeating: " ", count: cells) }
        let steps = glyphs == .blocks ? 8 : 2
        let filled = max(1, min(cells * steps, Int((min(value, maximum) / maximum * Double(cells * steps)).rounded())))
        var out = String(repeating: glyphs == .blocks ? "█" : "#", count: filled / steps)
        if filled % steps > 0 {
            out.append(glyphs == .blocks ? ["▏", "▎", "▍", "▌", "▋", "▊", "▉"][filled % steps - 1] : "-")
        }
        return out + String(repeating: " ", count: cells - (filled + steps - 1) / steps)
    }

    /// A score against the fixed 0-10 scale in `cells`.
    public static func scoreBar(_ score: Int, cells: Int, glyphs: ChartGlyphs) -> String {
        bar(Double(score), maximum: scoreScale.upperBound, cells: cells, glyphs: glyphs)
    }
}
