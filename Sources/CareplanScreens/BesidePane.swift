import CareplanCore
import Foundation
import TermUI

/// What a document's form shows beside it, read only (its template's `beside:`): the patient's latest document
/// of a template (the End of Treatment Summary), or their latest HNA, so the writer does not retype them. The
/// runtime loads them when the document opens (`Session.beside`); the screen never reads the store.
public struct BesideSource: Equatable, Sendable {
    public struct Line: Equatable, Sendable {
        public var label: String
        public var text: String
    }
    public struct Part: Equatable, Sendable {
        public var title: String
        public var lines: [Line]
    }
    /// "End of Treatment Summary".
    public var title: String
    /// "Signed 05 Nov 2026", or what the pane says when the patient has none.
    public var state: String
    public var found: Bool
    public var parts: [Part]

    /// The patient's latest document of `template` (nil: they have none): every section with something in it.
    public static func document(_ d: Document?, template: DocumentTemplate, codes: CodeLists, services: ServiceDirectory) -> BesideSource {
        guard let d else { return BesideSource(title: template.title, state: "None for this patient: nothing to draw on", found: false, parts: []) }
        let state = d.status == .draft ? "Draft, not signed, of \(d.date.display)" : "Signed \(d.signedAt.map { LocalDate($0).display } ?? d.date.display)"
            + (d.version > 1 ? ", version \(d.version)" : "")
        let parts = template.sections.compactMap { section -> Part? in
            let lines = section.fields.flatMap { f -> [Line] in
                if case .group(let columns, _) = f.kind {
                    return d.rows(f.id).enumerated().map { i, row in
                        Line(label: "\(f.label) \(i + 1)", text: columns.compactMap { c in
                            row[c.id].map { (c.kind == .date ? c.label + " " : "") + c.display($0, codes: codes, services: services) }
                        }.joined(separator: " · "))
                    }
                }
                guard let v = d[f.id], !v.isEmpty else { return [] }
                return [Line(label: f.label, text: f.display(v, codes: codes, services: services))]
            }
            return lines.isEmpty ? nil : Part(title: section.title, lines: lines)
        }
        return BesideSource(title: template.title, state: state, found: true, parts: parts)
    }

    /// The patient's latest HNA (nil: none): concerns with scores in care-planning order, distress, what
    /// matters to them and the agreed actions.
    public static func assessment(_ a: Assessment?, codes: CodeLists, policy: Policy) -> BesideSource {
        let title = "Holistic Needs Assessment"
        guard let a else { return BesideSource(title: title, state: "None for this patient: nothing to draw on", found: false, parts: []) }
        var parts: [Part] = []
        let concerns = a.prioritisedConcerns.map { Line(label: $0.label, text: $0.score.map { "\($0)" } ?? "not scored") }
        parts.append(Part(title: "Concerns (score 0-10)", lines: concerns.isEmpty ? [Line(label: "None chosen", text: "")] : concerns))
        let distress = a.distressScore.map { "\($0) out of 10" + (policy.isSignificant(distress: $0) ? ": significant" : "") } ?? "not given"
        var about = [Line(label: "Distress", text: distress)]
        if !a.whatMattersToMe.isEmpty { about.append(Line(label: "What matters", text: a.whatMattersToMe)) }
        parts.append(Part(title: "The patient", lines: about))
        let actions = a.actions.map { act in
            Line(label: act.what, text: codes.ownerDescription(act) + (act.due.map { ", by \($0.display)" } ?? ""))
        }
        parts.append(Part(title: "Agreed actions", lines: actions.isEmpty ? [Line(label: "None agreed", text: "")] : actions))
        return BesideSource(title: title, state: "\(a.status.label), \(a.date.display) · \(codes.label(a.pathwayPoint))", found: true, parts: parts)
    }

    /// The sources as lines `width` wide: each source's title and state, then its parts.
    static func lines(_ sources: [BesideSource], width: Int) -> [(text: String, style: Style)] {
        var out: [(String, Style)] = []
        for (i, source) in sources.enumerated() {
            if i > 0 { out.append(("", .normal)) }
            out.append((source.title.uppercased(), Style(.heading, bold: true)))
            for l in TextWrap.wrap(source.state, width: width) { out.append((l, Style(source.found ? .dim : .warning))) }
            for part in source.parts {
                out.append((part.title, Style(.heading)))
                for line in part.lines {
                    let text = line.text.isEmpty ? line.label : "\(line.label): \(line.text)"
                    for (j, l) in TextWrap.wrap(text, width: max(1, width - 2)).enumerated() { out.append(((j == 0 ? "" : "  ") + l, .normal)) }
                }
            }
        }
        return out
    }
}

/// The pane beside a document's form: a column of its own at 120 columns or more, else shown instead of the
/// form (F3 swaps them, keeping everything typed). While it has the focus, the arrows and PgUp/PgDn scroll it.
struct BesidePane: Equatable {
    static let key = Key.function(3)
    static let wideFrom = 120

    /// The pane has the focus: shown instead of the form when narrow.
    var focused = false
    var scroll = 0

    static func sideBySide(_ area: Area) -> Bool { area.width >= wideFrom }

    /// The form's part of `area`, and the pane's (nil when the pane is not drawn).
    func split(_ area: Area, offered: Bool) -> (form: Area, pane: Area?) {
        guard offered else { return (area, nil) }
        if Self.sideBySide(area) {
            let paneWidth = area.width * 2 / 5
            return (Area(x: area.x, y: area.y, width: area.width - paneWidth - 1, height: area.height),
                    Area(x: area.right - paneWidth, y: area.y, width: paneWidth, height: area.height))
        }
        return focused ? (Area(x: area.x, y: area.y, width: 0, height: 0), area) : (area, nil)
    }

    /// Keys while the pane has the focus (`height`: its lines' rows); any other key is said, not dropped.
    mutating func handle(_ key: Key, height: Int, lineCount: Int, _ s: Session) {
        let page = max(1, height - 2)
        switch key {
        case .up: scroll -= 1
        case .down: scroll += 1
        case .pageUp: scroll -= page
        case .pageDown: scroll += page
        case .home: scroll = 0
        case .end: scroll = lineCount
        case Self.key, .escape, .tab: focused = false
        default: s.say("The sources are read only: ↑↓ and PgUp/PgDn scroll them, F3 goes back to the form", .error)
        }
        scroll = max(0, min(scroll, max(0, lineCount - max(1, height - 1))))
    }

    /// Where the pane's lines go in its area: below its head line, right of the rule when beside the form.
    func body(_ area: Area, sideBySide: Bool) -> Area {
        let x = area.x + 1
        return Area(x: x, y: area.y + 1, width: max(1, area.right - x - 1), height: max(0, area.height - 1))
    }

    func lines(_ sources: [BesideSource], _ area: Area, sideBySide: Bool) -> [(text: String, style: Style)] {
        BesideSource.lines(sources, width: body(area, sideBySide: sideBySide).width)
    }

    func render(into g: inout Grid, _ area: Area, _ sources: [BesideSource], title: String, sideBySide: Bool) {
        guard area.height > 1, area.width > 4 else { return }
        if sideBySide {
            for y in area.y..<area.bottom { g.put("│", x: area.x - 1, y: y, style: Style(focused ? .heading : .dim)) }
        }
        let body = body(area, sideBySide: sideBySide)
        let head = (focused ? "Read only · ↑↓ PgUp/PgDn scroll · F3 back to the form" : "Read only · F3 scrolls it") + " · beside the \(title)"
        g.put(DisplayWidth.truncate(head, to: body.width), x: body.x, y: area.y, style: Style(focused ? .selected : .dim, bold: focused))
        let lines = lines(sources, area, sideBySide: sideBySide)
        if sources.isEmpty { g.put("Nothing to show: the sources could not be read", x: body.x, y: body.y, style: Style(.warning), maxWidth: body.width) }
        let height = lines.count > body.height ? body.height - 1 : body.height
        let first = min(scroll, max(0, lines.count - height))
        for (i, line) in lines.dropFirst(first).prefix(height).enumerated() {
            g.put(line.text, x: body.x, y: body.y + i, style: line.style, maxWidth: body.width)
        }
        if lines.count > height {
            let more = first + height < lines.count ? " · PgDn for more" : " · end"
            g.put("lines \(first + 1)-\(min(lines.count, first + height)) of \(lines.count)" + more, x: body.x, y: body.bottom - 1,
                  style: Style(.dim), maxWidth: body.width)
        }
    }
}
