import CPangoCairo
import CareplanCore
import Foundation

/// Charts drawn in vector with Cairo, their words laid out by Pango like the rest of the page. They print in
/// black and white: one series each, every value written beside its bar, column or point, so nothing rests on
/// colour. A chart is placed whole: it moves to the next page rather than split (a bar chart too tall for any
/// page is cut into whole charts, each "continued").
extension PDFPages {
    /// Ticks from 0 to at least `maximum`: about five, at 1, 2 or 5 times a power of ten (whole numbers when
    /// every value is whole).
    static func ticks(upTo maximum: Double, whole: Bool) -> [Double] {
        let raw = max(maximum, 1e-9) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let f = raw / magnitude
        var step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude
        if whole { step = max(1, step.rounded(.up)) }
        let count = Int((maximum / step).rounded(.up))
        return (0...max(1, count)).map { Double($0) * step }
    }

    /// A label placed as text (so a missing glyph is noticed), `align`ed on `x` within `width`.
    func label(_ text: String, _ font: OpaquePointer, x: Double, y: Double, width: Double, align: PangoAlignment = PANGO_ALIGN_LEFT) {
        let l = layout(text, font, width: width, align: align)
        pango_layout_set_auto_dir(l, 0)
        let originX = align == PANGO_ALIGN_CENTER ? x - width / 2 : align == PANGO_ALIGN_RIGHT ? x - width : x
        add(.text(l, x: originX, y: y, from: 0, to: height(l)))
    }

    /// A label turned to read upwards, its end at `bottom` and centred on `x` (month and date labels too long
    /// to stand side by side).
    func upright(_ text: String, _ font: OpaquePointer, x: Double, bottom: Double) {
        let l = layout(text, font, width: contentWidth)
        let h = naturalSize(l).height
        add(.drawing { cr in
            cairo_translate(cr, x - h / 2, bottom)
            cairo_rotate(cr, -Double.pi / 2)
            cairo_set_source_rgb(cr, 0, 0, 0)
            cairo_move_to(cr, 0, 0)
            pango_cairo_show_layout(cr, l)
        })
    }

    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, gray: Double, width: Double) {
        add(.drawing { cr in
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_set_line_width(cr, width)
            cairo_move_to(cr, x0, y0)
            cairo_line_to(cr, x1, y1)
            cairo_stroke(cr)
        })
    }

    /// The chart's title in bold and what it counts beneath, in small type; returns their height.
    func chartTitle(_ title: String, _ unit: String, x: Double, width: Double, measureOnly: Bool = false) -> Double {
        let t = layout(title, bold, width: width), u = layout(unit, small, width: width)
        if !measureOnly {
            add(.text(t, x: x, y: y, from: 0, to: height(t)))
            add(.text(u, x: x, y: y + height(t) + 1, from: 0, to: height(u)))
        }
        return height(t) + 1 + height(u) + 4 * scale
    }

    /// The tallest a chart may be: a page's body, less the "(continued)" line a new page starts with.
    var chartRoom: Double { bottom - top - 30 * scale }

    /// How tall the first whole piece of a chart is (0 for any other block), so that a section's heading
    /// moves to the next page with its chart rather than stay alone at the foot of a page.
    func leadHeight(_ block: Block) -> Double {
        switch block {
        case .chart(let c) where !c.points.isEmpty: return c.kind == .bars ? placeBars(c, measure: true) : placeColumns(c, measure: true)
        case .trend(let t): return placeTrend(t, measure: true)
        default: return 0
        }
    }

    func placeChart(_ c: ReportChart) {
        guard !c.points.isEmpty else {
            placeRow([(layout("\(c.title): nothing to draw in this period.", italic, width: contentWidth), left)], pad: 2)
            y += 3
            return
        }
        switch c.kind {
        case .bars: placeBars(c)
        case .byMonth: placeColumns(c)
        }
    }

    /// Horizontal bars, a row each: the label on the left (wrapped in its column), the bar, its value at its end;
    /// a scale with ticks beneath.
    @discardableResult
    func placeBars(_ c: ReportChart, measure: Bool = false) -> Double {
        let s = scale
        let labelWidth = min(contentWidth * 0.35, (c.points.map { naturalSize(layout($0.label, body, width: contentWidth)).width }.max() ?? 0) + 8)
        let valueWidth = (c.points.map { naturalSize(layout($0.valueText, small, width: contentWidth)).width }.max() ?? 0) + 8
        let labels = c.points.map { layout($0.label, body, width: labelWidth - 8) }
        let rowHeights = labels.map { max(15 * s, height($0) + 4) }
        let titleHeight = chartTitle(c.title, c.unit, x: left, width: contentWidth, measureOnly: true)
        let axisHeight = 4 + height(layout("0", small, width: contentWidth)) + 8 * s
        // Cut into whole charts when the bars cannot all stand on one page.
        var chunks: [Range<Int>] = []
        var start = 0, used = titleHeight + axisHeight
        for i in c.points.indices {
            if used + rowHeights[i] > chartRoom && i > start { chunks.append(start..<i); start = i; used = titleHeight + axisHeight }
            used += rowHeights[i]
        }
        chunks.append(start..<c.points.count)
        let ticks = Self.ticks(upTo: c.maximum, whole: c.points.allSatisfy { $0.drawnValue == $0.drawnValue.rounded() })
        let top = ticks.last ?? 1
        let plotX = left + labelWidth, plotWidth = contentWidth - labelWidth - valueWidth
        if measure { return titleHeight + rowHeights[chunks[0]].reduce(0, +) + axisHeight }
        for (n, range) in chunks.enumerated() {
            let total = titleHeight + rowHeights[range].reduce(0, +) + axisHeight
            keep(total)
            _ = chartTitle(c.title + (n > 0 ? " (continued)" : ""), c.unit, x: left, width: contentWidth)
            y += titleHeight
            let plotTop = y, plotBottom = y + rowHeights[range].reduce(0, +)
            // The scale first, so the bars stand over its lines.
            for t in ticks {
                let x = plotX + t / top * plotWidth
                if t > 0 { line(x, plotTop, x, plotBottom, gray: 0.85, width: 0.4) }
                line(x, plotBottom, x, plotBottom + 3, gray: 0, width: 0.6)
                label(ReportChartPoint.text(t), small, x: x, y: plotBottom + 4, width: 40, align: PANGO_ALIGN_CENTER)
            }
            for i in range {
                let h = rowHeights[i]
                add(.text(labels[i], x: left, y: y + (h - height(labels[i])) / 2, from: 0, to: height(labels[i])))
                let w = max(0, c.points[i].drawnValue) / top * plotWidth
                let barY = y + 3 * s, barH = h - 6 * s
                add(.drawing { cr in
                    cairo_rectangle(cr, plotX, barY, w, barH)
                    cairo_set_source_rgb(cr, 0.55, 0.55, 0.55)
                    cairo_fill_preserve(cr)
                    cairo_set_source_rgb(cr, 0, 0, 0)
                    cairo_set_line_width(cr, 0.5)
                    cairo_stroke(cr)
                })
                let v = layout(c.points[i].valueText, small, width: valueWidth)
                add(.text(v, x: plotX + w + 3, y: y + (h - height(v)) / 2, from: 0, to: height(v)))
                y += h
            }
            line(plotX, plotTop, plotX, plotBottom, gray: 0, width: 0.8)
            line(plotX, plotBottom, plotX + plotWidth, plotBottom, gray: 0, width: 0.8)
            y = plotBottom + axisHeight
        }
        return 0
    }

    /// A column per month, oldest on the left, its value above it; the month beneath (turned upright when the
    /// months are too many to stand side by side); a scale with ticks on the left.
    @discardableResult
    func placeColumns(_ c: ReportChart, measure: Bool = false) -> Double {
        let s = scale
        let gutter = (Self.ticks(upTo: c.maximum, whole: true).map { naturalSize(layout(ReportChartPoint.text($0), small, width: contentWidth)).width }.max() ?? 10) + 8
        let plotX = left + gutter, plotWidth = contentWidth - gutter
        let slot = plotWidth / Double(c.points.count)
        let valueSizes = c.points.map { naturalSize(layout($0.valueText, small, width: contentWidth)) }
        let monthSizes = c.points.map { naturalSize(layout($0.label, small, width: contentWidth)) }
        let valuesUpright = valueSizes.contains { $0.width > slot - 2 }
        let monthsUpright = monthSizes.contains { $0.width > slot - 2 }
        let lineHeight = valueSizes.first?.height ?? 10
        let headroom = (valuesUpright ? (valueSizes.map(\.width).max() ?? 0) : lineHeight) + 4
        let monthHeight = (monthsUpright ? (monthSizes.map(\.width).max() ?? 0) : lineHeight) + 6
        let plotHeight = 120 * s
        let titleHeight = chartTitle(c.title, c.unit, x: left, width: contentWidth, measureOnly: true)
        let total = titleHeight + headroom + plotHeight + monthHeight + 8 * s
        if measure { return total }
        keep(total)
        _ = chartTitle(c.title, c.unit, x: left, width: contentWidth)
        y += titleHeight
        let plotTop = y + headroom, plotBottom = plotTop + plotHeight
        let ticks = Self.ticks(upTo: c.maximum, whole: c.points.allSatisfy { $0.drawnValue == $0.drawnValue.rounded() })
        let top = ticks.last ?? 1
        for t in ticks {
            let ty = plotBottom - t / top * plotHeight
            if t > 0 { line(plotX, ty, plotX + plotWidth, ty, gray: 0.85, width: 0.4) }
            line(plotX - 3, ty, plotX, ty, gray: 0, width: 0.6)
            label(ReportChartPoint.text(t), small, x: plotX - 5, y: ty - lineHeight / 2, width: gutter, align: PANGO_ALIGN_RIGHT)
        }
        for (i, p) in c.points.enumerated() {
            let h = max(0, p.drawnValue) / top * plotHeight
            let cx = plotX + slot * (Double(i) + 0.5), w = min(slot * 0.7, 40 * s)
            add(.drawing { cr in
                cairo_rectangle(cr, cx - w / 2, plotBottom - h, w, h)
                cairo_set_source_rgb(cr, 0.55, 0.55, 0.55)
                cairo_fill_preserve(cr)
                cairo_set_source_rgb(cr, 0, 0, 0)
                cairo_set_line_width(cr, 0.5)
                cairo_stroke(cr)
            })
            if valuesUpright { upright(p.valueText, small, x: cx, bottom: plotBottom - h - 2) }
            else { label(p.valueText, small, x: cx, y: plotBottom - h - lineHeight - 1, width: slot, align: PANGO_ALIGN_CENTER) }
            line(cx, plotBottom, cx, plotBottom + 3, gray: 0, width: 0.6)
            if monthsUpright { upright(p.label, small, x: cx, bottom: plotBottom + monthHeight - 2) }
            else { label(p.label, small, x: cx, y: plotBottom + 4, width: slot, align: PANGO_ALIGN_CENTER) }
        }
        line(plotX, plotTop - headroom / 2, plotX, plotBottom, gray: 0, width: 0.8)
        line(plotX, plotBottom, plotX + plotWidth, plotBottom, gray: 0, width: 0.8)
        y = plotBottom + monthHeight + 8 * s
        return total
    }

    /// Small multiples, two to a row: a chart per series on the same 0-10 scale, its change in words beside
    /// its name, every point with its score above it (- not raised, ? not scored), dates beneath.
    @discardableResult
    func placeTrend(_ t: TrendChart, measure: Bool = false) -> Double {
        let s = scale
        let gap = 18 * s
        let perRow = 2
        let cellWidth = (contentWidth - gap * Double(perRow - 1)) / Double(perRow)
        let gutter = naturalSize(layout("\(t.scale)", small, width: contentWidth)).width + 7
        let plotWidth = cellWidth - gutter - 4
        let slot = plotWidth / Double(max(1, t.dates.count))
        let dateSizes = t.dates.map { naturalSize(layout($0, small, width: contentWidth)) }
        let lineHeight = naturalSize(layout("0", small, width: contentWidth)).height
        let datesUpright = dateSizes.contains { $0.width > slot - 3 }
        let dateHeight = (datesUpright ? (dateSizes.map(\.width).max() ?? 0) : lineHeight) + 6
        let plotHeight = 62 * s
        let headroom = lineHeight + 3
        // Gaps in words where they fit beneath each date ("-" and "?" where they do not; the remark above says which).
        let inWords = naturalSize(layout("not raised", small, width: contentWidth)).width <= slot - 4
        func text(_ m: TrendMark) -> String {
            switch m {
            case .score: return m.text
            case .notRaised: return inWords ? "not raised" : m.text
            case .notRecorded: return inWords ? "not scored" : m.text
            }
        }
        func title(_ series: TrendSeries) -> String { series.label + ": " + (series.change ?? "nothing earlier to compare") }
        let rows = stride(from: 0, to: t.series.count, by: perRow).map { Array(t.series[$0..<min(t.series.count, $0 + perRow)]) }
        for row in rows {
            let titles = row.map { layout(title($0), smallBold, width: cellWidth) }
            let titleHeight = titles.map(height).max() ?? 0
            let total = titleHeight + 4 + headroom + plotHeight + dateHeight + 12 * s
            if measure { return total }
            keep(total)
            for (k, series) in row.enumerated() {
                let x0 = left + Double(k) * (cellWidth + gap)
                add(.text(titles[k], x: x0, y: y, from: 0, to: height(titles[k])))
                let plotX = x0 + gutter, plotTop = y + titleHeight + 4 + headroom, plotBottom = plotTop + plotHeight
                for tick in stride(from: 0, through: t.scale, by: max(1, t.scale / 2)) {
                    let ty = plotBottom - Double(tick) / Double(t.scale) * plotHeight
                    if tick > 0 { line(plotX, ty, plotX + plotWidth, ty, gray: 0.85, width: 0.4) }
                    line(plotX - 3, ty, plotX, ty, gray: 0, width: 0.6)
                    label("\(tick)", small, x: plotX - 4, y: ty - lineHeight / 2, width: gutter, align: PANGO_ALIGN_RIGHT)
                }
                line(plotX, plotTop - headroom, plotX, plotBottom, gray: 0, width: 0.8)
                line(plotX, plotBottom, plotX + plotWidth, plotBottom, gray: 0, width: 0.8)
                let xs = t.dates.indices.map { plotX + slot * (Double($0) + 0.5) }
                let ys = series.marks.map { m in m.score.map { plotBottom - Double($0) / Double(t.scale) * plotHeight } }
                // The line joins neighbouring scores only: a gap (not raised, not scored) breaks it.
                let r = 2.3 * s
                add(.drawing { cr in
                    cairo_set_source_rgb(cr, 0, 0, 0)
                    cairo_set_line_width(cr, 1.1 * s)
                    for i in 1..<max(1, ys.count) {
                        guard let a = ys[i - 1], let b = ys[i] else { continue }
                        cairo_move_to(cr, xs[i - 1], a)
                        cairo_line_to(cr, xs[i], b)
                        cairo_stroke(cr)
                    }
                    for (i, py) in ys.enumerated() {
                        guard let py else { continue }
                        cairo_new_sub_path(cr)
                        cairo_arc(cr, xs[i], py, r, 0, 2 * Double.pi)
                        cairo_fill(cr)
                    }
                })
                for (i, m) in series.marks.enumerated() {
                    let py = ys[i] ?? plotBottom
                    label(text(m), small, x: xs[i], y: py - lineHeight - r - 1, width: slot, align: PANGO_ALIGN_CENTER)
                    line(xs[i], plotBottom, xs[i], plotBottom + 3, gray: 0, width: 0.6)
                    if datesUpright { upright(t.dates[i], small, x: xs[i], bottom: plotBottom + dateHeight - 2) }
                    else { label(t.dates[i], small, x: xs[i], y: plotBottom + 4, width: slot, align: PANGO_ALIGN_CENTER) }
                }
            }
            y += total
        }
        return 0
    }
}
