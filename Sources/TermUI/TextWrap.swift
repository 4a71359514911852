/// One row of wrapped text, as indices into the text's Characters.
struct VisualLine: Equatable, Sendable {
    /// First Character of the row.
    var start: Int
    /// End of what is drawn (exclusive): excludes the "\n" and spaces hanging past the right edge.
    var end: Int
    /// First Character of the next row.
    var next: Int
    /// Ends where a line of the text ends: an explicit "\n" (at index `end`) or the end of the text, so the
    /// cursor may sit after its last character (End goes there).
    var hard: Bool

    /// The last cursor position that belongs to this row.
    var lastPosition: Int { hard ? end : max(start, next - 1) }
}

enum WrapLayout {
    /// Greedy word wrap by display width. A word that does not fit moves to the next row; a word wider
    /// than the row is broken; spaces that reach past the right edge hang there (not drawn) so the next
    /// row starts with the next word. `cursorRow`: when the text ends exactly at the right edge, add an
    /// empty row for the cursor to sit on.
    static func lines(_ b: CharBuffer, width: Int, cursorRow: Bool) -> [VisualLine] {
        let w = max(1, width)
        let n = b.count
        var rows: [VisualLine] = []
        var lineStart = 0
        while true {
            var col = 0
            var j = lineStart
            var lastBreak = -1
            var row: VisualLine? = nil
            while j < n {
                let f = b.info[j]
                if f & CharBuffer.newlineBit != 0 { row = VisualLine(start: lineStart, end: j, next: j + 1, hard: true); break }
                let cw = Int(f & CharBuffer.widthMask)
                if col + cw > w && j > lineStart {
                    if f & CharBuffer.spaceBit != 0 {
                        var k = j
                        while k < n && b.isSpace(k) { k += 1 }
                        if k < n && b.isNewline(k) { row = VisualLine(start: lineStart, end: j, next: k + 1, hard: true) }
                        else { row = VisualLine(start: lineStart, end: j, next: k, hard: false) }
                    } else if b.isSpace(j - 1) {
                        row = VisualLine(start: lineStart, end: j, next: j, hard: false)  // a word starts right here
                    } else if lastBreak > lineStart {
                        row = VisualLine(start: lineStart, end: lastBreak, next: lastBreak, hard: false)
                    } else {
                        row = VisualLine(start: lineStart, end: j, next: j, hard: false)
                    }
                    break
                }
                if f & CharBuffer.spaceBit == 0, j > lineStart, b.isSpace(j - 1) { lastBreak = j }
                col += cw
                j += 1
            }
            guard let r = row else {
                rows.append(VisualLine(start: lineStart, end: n, next: n, hard: true))
                if cursorRow && col >= w && n > lineStart { rows.append(VisualLine(start: n, end: n, next: n, hard: true)) }
                return rows
            }
            rows.append(r)
            lineStart = r.next
        }
    }

    /// Index of the row holding cursor position `p` (the last row starting at or before it).
    static func row(of p: Int, in rows: [VisualLine]) -> Int {
        var lo = 0, hi = rows.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if rows[mid].start <= p { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}

public enum TextWrap {
    /// Word-wrap by display width; explicit "\n" starts a new line; words longer than width are broken.
    /// Trailing spaces of each line are removed. Empty text gives one empty line.
    public static func wrap(_ text: String, width: Int) -> [String] {
        let b = CharBuffer(text)
        return WrapLayout.lines(b, width: width, cursorRow: false).map { row in
            var e = row.end
            while e > row.start && b.isSpace(e - 1) { e -= 1 }
            return String(b.chars[row.start..<e])
        }
    }
}

extension TextWrap {
    /// `text` wrapped into at most `lines` rows of `width`. When it does not fit, only `part` of it (a quoted
    /// label, a folder) is shortened, so what must be read whole (what happened, the answer keys) stays
    /// whole; only if that is not enough is the last row cut.
    public static func fit(_ text: String, width: Int, lines: Int = 1, shortening part: String? = nil,
                           at cut: DisplayWidth.Cut = .end) -> [String] {
        let rows = max(1, lines)
        var wrapped = wrap(text, width: width)
        if wrapped.count > rows, let part, !part.isEmpty, let range = text.firstRange(of: part) {
            var keep = DisplayWidth.of(part) - 1
            repeat {
                var shorter = text
                shorter.replaceSubrange(range, with: DisplayWidth.shorten(part, to: keep, at: cut))
                wrapped = wrap(shorter, width: width)
                keep -= 1
            } while wrapped.count > rows && keep >= 1
        }
        guard wrapped.count > rows else { return wrapped }
        var kept = Array(wrapped.prefix(rows))
        kept[rows - 1] = DisplayWidth.truncate(kept[rows - 1] + " …", to: width)
        return kept
    }
}

/// Which rows of a long list to show so that the selected row stays visible, scrolling as little as possible.
public struct ScrollWindow {
    /// The index of the first visible row: `previousFirst` if the selection is still in view, else the
    /// nearest first row that shows it; never past the point where the last page would be part-empty.
    /// With `jump`, a selection that leaves the window brings it half a page along rather than one row:
    /// a long list then redraws once every few moves instead of at every one, which over a slow SSH link
    /// is most of the bytes (mutt and less move the same way).
    public static func firstVisible(selected: Int, count: Int, height: Int, previousFirst: Int, jump: Bool = false) -> Int {
        guard count > 0, height > 0 else { return 0 }
        let sel = min(max(0, selected), count - 1)
        let last = max(0, count - height)
        var first = min(max(0, previousFirst), last)
        let step = jump ? max(0, height / 2 - 1) : 0
        if sel < first { first = max(0, sel - step) }
        if sel >= first + height { first = min(last, sel - height + 1 + step) }
        return first
    }
}

extension TextWrap {
    /// Rows of cells in columns that share `width` by `weights` (two spaces between them), each cell wrapped
    /// inside its column and right-aligned where asked: a table as text, for the plain-text plan and the
    /// review screen alike. Gives the columns' widths and each row's lines.
    public static func columns(_ rows: [[String]], weights: [Double], rightAligned: [Bool], width: Int,
                               wrap: (String, Int) -> [String] = { wrap($0, width: $1) }) -> (widths: [Int], rows: [[String]]) {
        guard !weights.isEmpty else { return ([], rows.map { _ in [] }) }
        let gap = 2
        let available = width - gap * (weights.count - 1)
        var widths = weights.map { max(3, Int(($0 * Double(available)).rounded(.down))) }
        widths[widths.count - 1] += available - widths.reduce(0, +)
        let laid = rows.map { cells -> [String] in
            let wrapped = zip(cells, widths).map { wrap($0, $1) }
            let height = wrapped.map(\.count).max() ?? 1
            return (0..<height).map { line in
                widths.indices.map { c -> String in
                    let text = c < wrapped.count && line < wrapped[c].count ? wrapped[c][line] : ""
                    let pad = String(repeating: " ", count: max(0, widths[c] - DisplayWidth.of(text)))
                    return rightAligned[c] ? pad + text : text + pad
                }.joined(separator: String(repeating: " ", count: gap))
            }
        }
        return (widths, laid)
    }
}
