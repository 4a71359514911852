import CareplanCore
import TermUI

/// A plan or any document as plain text, at most 80 columns wide (counted as a terminal counts them: CJK takes two), for
/// screens, email bodies and line printers. Walks the same sections as the PDF.
enum TextRenderer {
    static let width = 80

    static func render(_ doc: PlanDocument) -> String { render(doc.printLayout) }

    static func render(_ layout: PrintLayout) -> String {
        let doc = layout.cleaned
        var out: [String] = []
        let rule = String(repeating: "=", count: width)
        if doc.isDraft { out.append(center("*** \(doc.status) ***")) }
        out.append(rule)
        out.append(center(doc.title.uppercased()))
        // A long name wraps on its own lines; the NHS number and date of birth are never split.
        if let who = doc.identity {
            let numbers = "NHS number \(who.nhsNumber)   Born \(who.dateOfBirth)"
            let identity = "\(who.name)   \(numbers)"
            out += (DisplayWidth.of(identity) <= width ? [identity] : wrap(who.name, width: width) + [numbers]).map(center)
        } else {
            out += wrap(doc.status, width: width).map(center)
        }
        out.append(rule)
        for section in doc.sections {
            out.append("")
            out.append(section.title.uppercased())
            out.append(String(repeating: "-", count: DisplayWidth.of(section.title)))
            for block in section.blocks { out += lines(block) }
        }
        out.append("")
        out.append(rule)
        out += wrap(doc.footerLine, width: width)
        if doc.isDraft { out.append(center("*** \(doc.status) ***")) }
        return out.map { trimRight($0) }.joined(separator: "\n") + "\n"
    }

    static func lines(_ block: Block) -> [String] {
        switch block {
        case .fields(let fields):
            let labelWidth = min(26, (fields.map { DisplayWidth.of($0.label) }.max() ?? 0) + 1)
            return fields.flatMap { f -> [String] in
                let label = DisplayWidth.pad(f.label + ":", to: labelWidth + 1)
                let body = wrap(f.value, width: width - labelWidth - 1)
                if DisplayWidth.of(f.label) + 1 > labelWidth {  // a long label on its own line, never cut
                    return wrap(f.label + ":", width: width) + body.map { String(repeating: " ", count: labelWidth + 1) + $0 }
                }
                return body.enumerated().map { i, l in (i == 0 ? label : String(repeating: " ", count: labelWidth + 1)) + l }
            }
        case .subheading(let s):
            return [""] + wrap(s, width: width)
        case .paragraph(let s), .remark(let s):
            return wrap(s, width: width)
        case .table(let t):
            return table(t)
        case .chart(let c):  // the chart's figures, a bar of # beside each
            return [""] + wrap("Chart: \(c.title)", width: width) + table(c.figures)
        case .trend(let t):
            return t.figures.flatMap { [""] + table($0) }
        }
    }

    /// Columns separated by two spaces; each cell wraps inside its column; a rule under the heading.
    static func table(_ t: Table) -> [String] {
        let laid = TextWrap.columns([t.columns.map(\.title)] + t.rows, weights: t.columns.map(\.weight),
                                    rightAligned: t.columns.map { $0.align == .right }, width: width, wrap: { wrap($0, width: $1) })
        let rule = laid.widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return laid.rows[0] + [rule] + laid.rows.dropFirst().flatMap { $0 }
    }

    /// Word wrap to `width` display columns; paragraphs (newlines) kept; a word longer than the line is
    /// broken at the column (a 200-character URL must not push the text off the paper).
    static func wrap(_ text: String, width: Int) -> [String] {
        var out: [String] = []
        for para in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in para.split(separator: " ", omittingEmptySubsequences: true) {
                var w = String(word)
                var ww = DisplayWidth.of(w)
                if lineWidth > 0 && lineWidth + 1 + ww <= width {
                    line += " " + w; lineWidth += 1 + ww; continue
                }
                if lineWidth > 0 { out.append(line); line = ""; lineWidth = 0 }
                while ww > width {
                    let head = DisplayWidth.prefix(w, fitting: width)
                    if head.isEmpty { break }  // a single character wider than the column: let it stand
                    out.append(head)
                    w = String(w.dropFirst(head.count))
                    ww = DisplayWidth.of(w)
                }
                line = w; lineWidth = ww
            }
            out.append(line)
        }
        return out
    }

    static func displayWidth(_ s: some StringProtocol) -> Int { DisplayWidth.of(s) }

    static func center(_ s: String) -> String {
        let w = DisplayWidth.of(s)
        return w >= width ? s : String(repeating: " ", count: (width - w) / 2) + s
    }

    static func trimRight(_ s: String) -> String {
        var t = Substring(s)
        while t.last == " " { t.removeLast() }
        return String(t)
    }
}
