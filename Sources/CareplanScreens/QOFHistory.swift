import CareplanCore
import TermUI

/// The patient's QOF history on the record (H): every QOF record, newest first, with its date, kind, review,
/// how, who recorded it and why (in full, wrapped): the reasons the QOF lines cut, and the records that no
/// longer count (a decline in an earlier QOF year, an invitation before the diagnosis).
extension RecordScreen {
    /// Why a record does not count today, or nil when it may: the states read only records from the later of
    /// the diagnosis and the start of this QOF year (a review done counts from the diagnosis).
    static func notCounted(_ r: QOFRecord, diagnosed: LocalDate?, _ s: Session) -> String? {
        guard let edition = s.configuration.qof.edition(on: s.today) else { return "no QOF rules for today" }
        if r.date > s.today { return "dated after today" }
        if let diagnosed, r.date < diagnosed { return "before the diagnosis" }
        if r.kind != .done, r.date < edition.yearStart(containing: s.today) { return "an earlier QOF year" }
        return nil
    }

    /// The history's lines, newest first: one per record, and its reason under it.
    func qofHistoryLines(width: Int, _ s: Session) -> [(text: String, style: Style)] {
        let indicators = s.configuration.qof.edition(on: s.today)?.indicators ?? []
        var lines: [(String, Style)] = []
        for r in qofRecords.reversed() {
            let what = r.kind.rawValue  // invited, responded, done, declined, unsuitable
            let review = r.indicator.map { id in indicators.first { $0.id == id }?.code ?? id } ?? "both"
            let stale = Self.notCounted(r, diagnosed: s.patient?.diagnosisDate, s)
            let text = " " + DisplayWidth.pad(r.date.display, to: 13) + DisplayWidth.pad(what, to: 11) + DisplayWidth.pad(review, to: 7)
                + DisplayWidth.pad(r.how.map(QOFWords.how) ?? "", to: 13) + DisplayWidth.truncate(r.recordedBy, to: max(4, width - 57))
            lines.append((DisplayWidth.truncate(text, to: width), stale == nil ? .normal : Style(.dim)))
            for note in [stale.map { "Not counted: \($0)" }, r.reason.map { "Why: " + $0 }].compactMap({ $0 }) {
                for part in TextWrap.wrap(note, width: max(10, width - 4)) { lines.append(("    " + part, Style(.dim))) }
            }
        }
        return lines
    }

    /// The history in place of the timeline, from row `y`.
    func renderQOFHistory(into g: inout Grid, _ area: Area, y top: Int, _ s: Session) {
        var y = top
        let x = area.x + 1, w = area.width - 2
        g.put("QOF history", x: x, y: y, style: Style(.heading, bold: true))
        g.put("  (H: timeline)", x: x + 11, y: y, style: Style(.dim), maxWidth: w - 11)
        y += 1
        guard y < area.bottom else { return }
        if qofRecords.isEmpty {
            Draw.paragraph(&g, "Nothing recorded towards the cancer reviews yet. Q records an invitation, a response, a decline, “unsuitable” or a support discussion held.",
                           x: x, y: y, width: w, maxY: area.bottom)
            return
        }
        g.put(DisplayWidth.truncate(" Date         What       Review How          By", to: area.width), x: area.x, y: y, style: Style(.heading))
        y += 1
        let lines = qofHistoryLines(width: area.width, s)
        let height = area.bottom - y
        let first = min(qofHistoryTop, max(0, lines.count - height))
        for line in lines.dropFirst(first).prefix(height) {
            g.put(line.text, x: area.x, y: y, style: line.style, maxWidth: area.width)
            y += 1
        }
    }

    var qofHistoryKeys: [KeyHint] { [KeyHint("↑↓ PgUp/PgDn", "scroll"), KeyHint("H/Esc", "timeline"), KeyHint("Tab", "information list")] }

    /// Keys while the history is shown; nil: not the history's.
    mutating func qofHistoryKey(_ key: Key, _ s: Session) -> [Command]? {
        let last = max(0, qofHistoryLines(width: s.contentArea.width, s).count - 1)
        switch key {
        case .text("h"), .text("H"), .escape: showingQOFHistory = false
        case .up: qofHistoryTop = max(0, qofHistoryTop - 1)
        case .down: qofHistoryTop = min(last, qofHistoryTop + 1)
        case .pageUp: qofHistoryTop = max(0, qofHistoryTop - 10)
        case .pageDown: qofHistoryTop = min(last, qofHistoryTop + 10)
        default: return nil
        }
        return []
    }
}
