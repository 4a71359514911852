import CPangoCairo
import CareplanCore
import CareplanExport
import Foundation

/// The plan as a PDF, laid out with Pango (shaping for any script, bidi, fontconfig font fallback, word wrap)
/// and drawn with Cairo (fonts embedded as subsets). Two passes: the body is laid out into pages first, then
/// every page is drawn with its header (patient identifiers), its footer ("page N of M") and, for a draft,
/// the DRAFT marking.
public enum PDFRenderer {
    public static func render(_ doc: PrintLayout, paper: Paper) throws -> Data {
        let sink = PDFSink()
        let (w, h) = paper.sizeInPoints
        guard let surface = cairo_pdf_surface_create_for_stream(pdfWrite, Unmanaged.passUnretained(sink).toOpaque(), w, h) else {
            throw ExportError.renderFailed("Cairo could not create a PDF surface")
        }
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, doc.identity.map { "\(doc.title): \($0.name)" } ?? doc.title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "careplan")
        // Cairo stamps the current time by default: a locked plan carries the time it was agreed instead,
        // so it renders to the same bytes every time.
        if !doc.isDraft {
            let stamp = doc.stamp
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime]
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, f.string(from: stamp))
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, f.string(from: stamp))
        }
        guard let cr = cairo_create(surface) else { throw ExportError.renderFailed("Cairo could not create a drawing context") }
        defer { cairo_destroy(cr) }
        let page = PDFPages(cr: cr, doc: doc, width: w, height: h)
        defer { page.release() }
        page.layOut()
        page.draw()
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw ExportError.renderFailed(String(cString: cairo_status_to_string(status)))
        }
        return sink.data
    }
}

extension Paper {
    /// Width and height in PDF points (1/72 inch).
    var sizeInPoints: (Double, Double) {
        switch self {
        case .a4: return (595.2756, 841.8898)
        case .letter: return (612, 792)
        }
    }
}

final class PDFSink { var data = Data() }

private func pdfWrite(_ closure: UnsafeMutableRawPointer?, _ bytes: UnsafePointer<UInt8>?, _ length: UInt32) -> cairo_status_t {
    guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
    Unmanaged<PDFSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
    return CAIRO_STATUS_SUCCESS
}

/// The pages of one PDF: layout state, then drawing.
final class PDFPages {
    enum Op {
        /// Draws the part [from, to) of a layout (in its own points from its top) at page position (x, y).
        case text(OpaquePointer, x: Double, y: Double, from: Double, to: Double)
        case fill(x: Double, y: Double, w: Double, h: Double, gray: Double)
        case rule(x: Double, y: Double, w: Double, gray: Double, width: Double)
        /// Lines and shapes of a chart, in page coordinates (its words are `.text`, so missing glyphs are noticed).
        case drawing((OpaquePointer) -> Void)
    }

    let cr: OpaquePointer
    let ctx: OpaquePointer
    let doc: PrintLayout
    let pageWidth: Double, pageHeight: Double
    let left = 48.0
    let contentWidth: Double
    var top = 0.0
    let bottom: Double
    var y = 0.0
    var pages: [[Op]] = [[]]
    /// Pages where a character has no glyph in any installed font (Pango draws a box): the footer says so.
    var missingGlyphPages: Set<Int> = []
    /// The header (on every page) has such a character.
    var headerMissesGlyphs = false
    var owned: [OpaquePointer] = []
    /// Run at the top of every new page: "Section (continued)" and a table's heading row.
    var continuations: [() -> Void] = []

    let body, bold, small, smallBold, italic, heading, subheading, identityFont, watermarkFont: OpaquePointer
    /// The identifiers are nil on pages that name no patient (a report).
    var headerLayouts: (title: OpaquePointer, status: OpaquePointer, identity: (name: OpaquePointer, nhs: OpaquePointer, born: OpaquePointer)?)!
    /// Header columns: the name wraps in its own column; the NHS number and date of birth never break.
    var nhsColumn = 165.0, bornColumn = 120.0
    /// 1, or 14/9.5 for large print (body text at 14 pt, clear-print guidance); every size and column follows it.
    let scale: Double
    var identityHeight = 0.0
    /// Broken words are not hyphenated: a URL, a code or a number must read exactly as typed.
    let noHyphens: OpaquePointer

    init(cr: OpaquePointer, doc: PrintLayout, width: Double, height: Double) {
        self.cr = cr
        self.doc = doc
        pageWidth = width
        pageHeight = height
        contentWidth = width - 2 * left
        scale = doc.largePrint ? 14 / 9.5 : 1
        bottom = height - 58 * scale
        ctx = pango_cairo_create_context(cr)
        // Sizes are in points on a PDF surface (Pango assumes 96 dpi otherwise), and glyph advances are not
        // hinted, so the layout measured here is exactly the one drawn.
        pango_cairo_context_set_resolution(ctx, 72)
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        pango_cairo_context_set_font_options(ctx, options)
        cairo_font_options_destroy(options)
        // DejaVu covers Latin (Welsh, Polish ...), Greek, Cyrillic, Arabic and Hebrew; fontconfig falls back
        // per character to other installed fonts (Noto CJK for Chinese and Japanese).
        let scale = self.scale
        func font(_ face: String, _ size: Double) -> OpaquePointer {
            pango_font_description_from_string("\(face) \(String(format: "%.2f", size * scale))")
        }
        body = font("DejaVu Sans", 9.5)
        bold = font("DejaVu Sans Bold", 9.5)
        small = font("DejaVu Sans", 7.5)
        smallBold = font("DejaVu Sans Bold", 8)
        italic = font("DejaVu Sans Oblique", 9)
        heading = font("DejaVu Sans Bold", 13)
        subheading = font("DejaVu Sans Bold", 10.5)
        identityFont = font("DejaVu Sans Bold", doc.largePrint ? 9.5 : 10.5)  // 14 pt in large print: the header stays on one row
        watermarkFont = pango_font_description_from_string("DejaVu Sans Bold 110")
        noHyphens = pango_attr_list_new()
        pango_attr_list_insert(noHyphens, pango_attr_insert_hyphens_new(0))
    }

    func release() {
        for l in owned { g_object_unref(UnsafeMutableRawPointer(l)) }
        owned.removeAll()
        for f in [body, bold, small, smallBold, italic, heading, subheading, identityFont, watermarkFont] { pango_font_description_free(f) }
        g_object_unref(UnsafeMutableRawPointer(ctx))
        pango_attr_list_unref(noHyphens)
    }

    // MARK: Measuring

    func layout(_ text: String, _ font: OpaquePointer, width: Double, align: PangoAlignment = PANGO_ALIGN_LEFT) -> OpaquePointer {
        let l = pango_layout_new(ctx)!
        owned.append(l)
        pango_layout_set_font_description(l, font)
        pango_layout_set_width(l, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR)  // words, and inside a word longer than the line
        pango_layout_set_alignment(l, align)
        pango_layout_set_attributes(l, noHyphens)
        pango_layout_set_text(l, text, -1)  // plain text, never markup: what was typed is what is printed
        return l
    }

    /// A layout's size on one line (no wrapping): how wide a label, a number or a date is.
    func naturalSize(_ l: OpaquePointer) -> (width: Double, height: Double) {
        pango_layout_set_width(l, -1)
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(l, &w, &h)
        return (Double(w) / Double(PANGO_SCALE), Double(h) / Double(PANGO_SCALE))
    }

    func height(_ l: OpaquePointer) -> Double {
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(l, &w, &h)
        return Double(h) / Double(PANGO_SCALE)
    }

    /// Where each line of a layout ends, from its top: the places it may be cut between pages.
    func lineBottoms(_ l: OpaquePointer) -> [Double] {
        var out: [Double] = []
        let iter = pango_layout_get_iter(l)
        repeat {
            var y0: Int32 = 0, y1: Int32 = 0
            pango_layout_iter_get_line_yrange(iter, &y0, &y1)
            out.append(Double(y1) / Double(PANGO_SCALE))
        } while pango_layout_iter_next_line(iter) != 0
        pango_layout_iter_free(iter)
        return out
    }

    func add(_ op: Op) {
        pages[pages.count - 1].append(op)
        // A layout cut between pages marks only the page that shows the line with the box.
        if case let .text(l, _, _, from, to) = op, missingGlyphLines(l).contains(where: { $0.lowerBound < to && $0.upperBound > from }) {
            missingGlyphPages.insert(pages.count - 1)
        }
    }

    /// Where (from the layout's top) the lines are that hold a character no installed font has: Pango
    /// draws it as a box, with PANGO_GLYPH_UNKNOWN_FLAG set on the glyph.
    func missingGlyphLines(_ l: OpaquePointer) -> [Range<Double>] {
        guard pango_layout_get_unknown_glyphs_count(l) > 0 else { return [] }
        let unknownFlag: PangoGlyph = 0x1000_0000
        var out: [Range<Double>] = []
        let iter = pango_layout_get_iter(l)
        repeat {
            if let run = pango_layout_iter_get_run_readonly(iter), let glyphs = run.pointee.glyphs?.pointee,
               (0..<Int(glyphs.num_glyphs)).contains(where: { glyphs.glyphs[$0].glyph & unknownFlag != 0 }) {
                var y0: Int32 = 0, y1: Int32 = 0
                pango_layout_iter_get_line_yrange(iter, &y0, &y1)
                out.append(Double(y0) / Double(PANGO_SCALE)..<Double(y1) / Double(PANGO_SCALE))
            }
        } while pango_layout_iter_next_run(iter) != 0
        pango_layout_iter_free(iter)
        return out
    }

    func newPage() {
        pages.append([])
        y = top
        let pending = continuations
        continuations = []
        for c in pending { c() }
        continuations = pending
    }

    /// Starts a new page unless `h` points fit below (used to keep a heading with what follows it).
    func keep(_ h: Double) {
        if y + h > bottom && y > top + 0.5 { newPage() }
    }

    /// Places a row of cells, each a layout at an x position, `pad` above and below. A row that does not fit
    /// moves to the next page whole when it is short; a long one (a 20,000-character note) is cut between
    /// lines and continues on the next pages.
    func placeRow(_ cells: [(OpaquePointer, Double)], pad: Double, fill: Double? = nil, ruleBelow: Bool = false, ruleX: Double? = nil) {
        let heights = cells.map { height($0.0) }
        let whole = (heights.max() ?? 0) + 2 * pad
        let bodyHeight = bottom - top
        if y + whole > bottom && y > top + 0.5 && whole <= bodyHeight / 3 { newPage() }
        var offsets = cells.map { _ in 0.0 }
        let bottomsPerCell = cells.map { lineBottoms($0.0) }
        while true {
            let avail = bottom - y - 2 * pad
            var cuts = offsets
            for (i, b) in bottomsPerCell.enumerated() {
                let limit = offsets[i] + avail
                if heights[i] <= limit { cuts[i] = heights[i]; continue }
                cuts[i] = b.last(where: { $0 <= limit && $0 > offsets[i] }) ?? offsets[i]
            }
            let progress = zip(cuts, offsets).contains { $0 > $1 } || cells.isEmpty
            if !progress {
                if y > top + 0.5 { newPage(); continue }
                for i in cuts.indices where heights[i] > offsets[i] { cuts[i] = min(heights[i], offsets[i] + avail) }  // a line taller than a page
            }
            let rowHeight = (zip(cuts, offsets).map { $0 - $1 }.max() ?? 0) + 2 * pad
            if let fill { add(.fill(x: ruleX ?? left, y: y, w: contentWidth - ((ruleX ?? left) - left), h: rowHeight, gray: fill)) }
            for (i, cell) in cells.enumerated() where cuts[i] > offsets[i] {
                add(.text(cell.0, x: cell.1, y: y + pad, from: offsets[i], to: cuts[i]))
            }
            y += rowHeight
            if ruleBelow { add(.rule(x: ruleX ?? left, y: y, w: contentWidth - ((ruleX ?? left) - left), gray: 0.75, width: 0.4)) }
            offsets = cuts
            if zip(offsets, heights).allSatisfy({ $0 >= $1 - 0.01 }) { break }
            newPage()
        }
    }

    // MARK: Layout

    func layOut() {
        let title = layout(doc.title, small, width: contentWidth * 0.6)
        let status = layout(doc.status, doc.isDraft ? smallBold : small, width: contentWidth * 0.4, align: PANGO_ALIGN_RIGHT)
        // The identifiers are never cut: a long name wraps in its column, the number and date stay whole.
        headerLayouts = (title, status, nil)
        headerMissesGlyphs = [title, status].contains { !missingGlyphLines($0).isEmpty }
        if let who = doc.identity {
            if doc.largePrint {  // the number and date as wide as they are at 14 pt, so the name keeps the rest
                nhsColumn = naturalSize(layout("NHS number \(who.nhsNumber)", identityFont, width: contentWidth)).width + 12
                bornColumn = naturalSize(layout("Born \(who.dateOfBirth)", identityFont, width: contentWidth)).width + 2
            }
            let name = layout(who.name, identityFont, width: contentWidth - nhsColumn - bornColumn - 8)
            let nhs = layout("NHS number \(who.nhsNumber)", identityFont, width: nhsColumn)
            let born = layout("Born \(who.dateOfBirth)", identityFont, width: bornColumn, align: PANGO_ALIGN_RIGHT)
            // The header reads left to right: a name in Arabic or Hebrew is shaped right to left but starts at the
            // left margin like any other, rather than being pushed right against the NHS number.
            for l in [name, nhs, born] { pango_layout_set_auto_dir(l, 0) }
            headerLayouts.identity = (name, nhs, born)
            headerMissesGlyphs = headerMissesGlyphs || [name, nhs, born].contains { !missingGlyphLines($0).isEmpty }
            identityHeight = max(height(name), height(nhs), height(born)) + 3
        }
        top = 30 + max(height(title), height(status)) + identityHeight + 14
        y = top
        for section in doc.sections {
            y += 8
            let h = layout(section.title, heading, width: contentWidth)
            keep(height(h) + 40 + section.blocks.prefix(2).map(leadHeight).reduce(0, +))
            placeRow([(h, left)], pad: 2)
            add(.rule(x: left, y: y, w: contentWidth, gray: 0.3, width: 0.8))
            y += 5
            continuations = [{ [unowned self] in
                let c = self.layout("\(section.title) (continued)", self.italic, width: self.contentWidth)
                self.placeRow([(c, self.left)], pad: 1)
                self.y += 3
            }]
            for block in section.blocks { place(block) }
            continuations = []
        }
    }

    func place(_ block: Block) {
        switch block {
        case .fields(let fields):
            let labelWidth = 150.0 * scale
            for f in fields {
                let l = layout(f.label, bold, width: labelWidth - 8)
                let v = layout(f.value, body, width: contentWidth - labelWidth)
                pango_layout_set_auto_dir(v, 0)  // beside its label, as in the header, whatever the script
                placeRow([(l, left), (v, left + labelWidth)], pad: 1.5)
            }
            y += 4
        case .subheading(let s):
            let l = layout(s, subheading, width: contentWidth)
            y += 6
            keep(height(l) + 36)
            placeRow([(l, left)], pad: 2)
        case .paragraph(let s):
            placeRow([(layout(s, body, width: contentWidth), left)], pad: 2)
            y += 3
        case .remark(let s):
            placeRow([(layout(s, italic, width: contentWidth), left)], pad: 2)
            y += 3
        case .table(let t):
            placeTable(t)
            y += 6
        case .chart(let c):
            placeChart(c)
        case .trend(let t):
            placeTrend(t)
        }
    }

    func placeTable(_ t: Table) {
        let cellPad = 4.0
        var xs: [Double] = []
        var widths: [Double] = []
        // Each column at least as wide as its longest word (a score, a date, a number never breaks: it
        // matters in large print), up to a third of the page; what that takes comes from the roomier columns.
        func natural(_ text: String, _ font: OpaquePointer) -> Double { naturalSize(layout(text, font, width: contentWidth)).width }
        let minimum = t.columns.indices.map { i -> Double in
            let words = (t.rows.map { $0[i] }).flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\n" }) }
            let longest = max(words.map { natural(String($0), body) }.max() ?? 0,
                              t.columns[i].title.split(separator: " ").map { natural(String($0), smallBold) }.max() ?? 0)
            return min(contentWidth / 3, longest + 2 * cellPad + 1)
        }
        widths = t.columns.map { $0.weight * contentWidth }
        let short = zip(widths, minimum).map { max(0, $1 - $0) }.reduce(0, +)
        let slack = zip(widths, minimum).map { max(0, $0 - $1) }
        let totalSlack = slack.reduce(0, +)
        if short > 0, totalSlack >= short {
            widths = widths.indices.map { i in widths[i] < minimum[i] ? minimum[i] : widths[i] - short * slack[i] / totalSlack }
        }
        var x = left
        for w in widths { xs.append(x); x += w }
        func cells(_ texts: [String], _ font: OpaquePointer) -> [(OpaquePointer, Double)] {
            texts.enumerated().map { i, s in
                (layout(s, font, width: widths[i] - 2 * cellPad, align: t.columns[i].align == .right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT), xs[i] + cellPad)
            }
        }
        let headingCells = cells(t.columns.map(\.title), smallBold)
        let heading = { [unowned self] in
            self.placeRow(headingCells, pad: 3, fill: 0.88, ruleBelow: true)
        }
        // Keep the heading with at least its first row.
        let firstRow = t.rows.first.map { cells($0, body) }
        keep(height(headingCells[0].0) + 6 + (firstRow.map { $0.map { height($0.0) }.max() ?? 0 } ?? 0) + 8)
        heading()
        continuations.append(heading)
        for (i, r) in t.rows.enumerated() {
            placeRow(i == 0 ? firstRow! : cells(r, body), pad: 3, ruleBelow: true)
        }
        continuations.removeLast()
    }

    // MARK: Drawing

    func draw() {
        let total = pages.count
        for (index, ops) in pages.enumerated() {
            if doc.isDraft { drawWatermark() }
            drawHeader()
            for op in ops { draw(op) }
            drawFooter(page: index + 1, of: total, missingGlyphs: headerMissesGlyphs || missingGlyphPages.contains(index))
            cairo_show_page(cr)
        }
    }

    func draw(_ op: Op) {
        switch op {
        case let .text(l, x, y, from, to):
            cairo_save(cr)
            if from > 0 || to < height(l) - 0.01 {
                cairo_rectangle(cr, x - 2, y, contentWidth + 4, to - from)
                cairo_clip(cr)
            }
            cairo_set_source_rgb(cr, 0, 0, 0)
            cairo_move_to(cr, x, y - from)
            pango_cairo_show_layout(cr, l)
            cairo_restore(cr)
        case let .fill(x, y, w, h, gray):
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_rectangle(cr, x, y, w, h)
            cairo_fill(cr)
        case let .rule(x, y, w, gray, width):
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_set_line_width(cr, width)
            cairo_move_to(cr, x, y)
            cairo_line_to(cr, x + w, y)
            cairo_stroke(cr)
        case .drawing(let draw):
            cairo_save(cr)
            draw(cr)
            cairo_restore(cr)
        }
    }

    func show(_ l: OpaquePointer, x: Double, y: Double, r: Double = 0, g: Double = 0, b: Double = 0) {
        cairo_set_source_rgb(cr, r, g, b)
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, l)
    }

    func drawHeader() {
        let (title, status, identity) = headerLayouts
        show(title, x: left, y: 30, r: 0.35, g: 0.35, b: 0.35)
        if doc.isDraft { show(status, x: left + contentWidth * 0.6, y: 30, r: 0.75, g: 0.05, b: 0.05) }
        else { show(status, x: left + contentWidth * 0.6, y: 30, r: 0.35, g: 0.35, b: 0.35) }
        let idY = 30 + max(height(title), height(status)) + 3
        if let (name, nhs, born) = identity {
            show(name, x: left, y: idY)
            show(nhs, x: left + contentWidth - nhsColumn - bornColumn, y: idY)
            show(born, x: left + contentWidth - bornColumn, y: idY)
        }
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3)
        cairo_set_line_width(cr, 1)
        cairo_move_to(cr, left, idY + identityHeight + 2)
        cairo_line_to(cr, left + contentWidth, idY + identityHeight + 2)
        cairo_stroke(cr)
    }

    func drawFooter(page: Int, of total: Int, missingGlyphs: Bool) {
        let footY = pageHeight - 44 * scale
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3)
        cairo_set_line_width(cr, 0.5)
        cairo_move_to(cr, left, footY)
        cairo_line_to(cr, left + contentWidth, footY)
        cairo_stroke(cr)
        let line = layout(doc.footerLine, small, width: contentWidth * 0.75)
        show(line, x: left, y: footY + 4, r: doc.isDraft ? 0.75 : 0.3, g: doc.isDraft ? 0.05 : 0.3, b: doc.isDraft ? 0.05 : 0.3)
        let number = layout("page \(page) of \(total)", smallBold, width: contentWidth * 0.25, align: PANGO_ALIGN_RIGHT)
        show(number, x: left + contentWidth * 0.75, y: footY + 4)
        if missingGlyphs {
            let note = layout("Some characters on this page have no font installed on this computer and show as boxes; the text and FHIR exports hold them exactly.",
                              small, width: contentWidth)
            show(note, x: left, y: footY + 4 + height(line) + 2, r: 0.6, g: 0.3, b: 0)
        }
    }

    /// A large, light, diagonal DRAFT behind the content of every page of a draft.
    func drawWatermark() {
        let l = layout("DRAFT", watermarkFont, width: pageHeight)
        pango_layout_set_width(l, -1)
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(l, &w, &h)
        cairo_save(cr)
        cairo_translate(cr, pageWidth / 2, pageHeight / 2)
        cairo_rotate(cr, -atan2(pageHeight, pageWidth))
        cairo_move_to(cr, -Double(w) / Double(PANGO_SCALE) / 2, -Double(h) / Double(PANGO_SCALE) / 2)
        cairo_set_source_rgba(cr, 0.85, 0.1, 0.1, 0.10)
        pango_cairo_show_layout(cr, l)
        cairo_restore(cr)
    }
}
