import CareplanCore
import Foundation
import TermUI

/// The frame around the screen shown: title bar, steps, hint, status and key lines, the help over it, and
/// the word asking for a bigger window. Drawn from the program's state at one moment (the program, in
/// CareplanRuntime, makes one for each frame).
package struct Chrome {
    package var size: Size
    /// The flow's entry for the screen shown.
    package var place: Flow.Screen
    package var screen: any Screen
    package var session: Session
    /// The y/n question asked (by the screen, or before leaving), waiting for its answer.
    package var question: Question?
    /// Changes waiting for the store, as the runtime says them.
    package var waitingNotice: String?
    /// Kiosk: seconds left before the idle reset, when the warning shows.
    package var idleWarning: Int?
    /// F1 help over the screen, with its scroll position.
    package var helpScroll: Int?
    package var keysNotUsedWhileTooSmall: Int

    package init(size: Size, place: Flow.Screen, screen: any Screen, session: Session, question: Question?,
                 waitingNotice: String?, idleWarning: Int?, helpScroll: Int?, keysNotUsedWhileTooSmall: Int) {
        self.size = size
        self.place = place
        self.screen = screen
        self.session = session
        self.question = question
        self.waitingNotice = waitingNotice
        self.idleWarning = idleWarning
        self.helpScroll = helpScroll
        self.keysNotUsedWhileTooSmall = keysNotUsedWhileTooSmall
    }

    /// Locks the terminal at once (Ctrl-L repaints; Ctrl-O is free on every screen and passes through SSH and tmux).
    package static let lockKey = Key.ctrl("o")
    package static let lockKeyName = "Ctrl-O"

    /// The smallest size at which screens are drawn; below it, a message asks for a bigger window.
    package static let minimumSize = Size(width: 40, height: 12)

    package var isTooSmall: Bool { size.width < Chrome.minimumSize.width || size.height < Chrome.minimumSize.height }
    var isKiosk: Bool { session.flow.mode == .kiosk }

    /// The rows between the chrome (title, steps, hint, lock banner) and the message and key lines.
    package var contentArea: Area {
        var top = 1
        if place.step { top += 1 }
        if !place.hint.isEmpty { top += 1 }
        if let a = session.assessment, a.isLocked, place.step { top += 1 }
        return Area(x: 0, y: top, width: size.width, height: size.height - top - 2)
    }

    /// The shown screen's keys, or the answers to its question.
    var keyHints: [KeyHint] { question?.hints ?? screen.keys(session) }

    package func render() -> Grid {
        var g = Grid(size: size)
        if isTooSmall {
            renderTooSmall(&g)
            return g
        }
        let info = place
        // Title bar: where we are, and whose record is open.
        g.fill(x: 0, y: 0, width: size.width, style: Style(.title))
        // A moved clock first, where nothing cuts it off: nobody must take a test's dates for the real ones.
        let clock = session.clock.notice(session.configuration.wording, real: session.now).map { " \($0) ·" } ?? ""
        var title = "\(clock) \(session.flow.title) · \(screen.title(session) ?? info.title)"
        var who = ""
        // Locked: nothing of the patient stays on the screen.
        if let p = session.patient, !session.locked {
            // A kiosk is in a public place: the given name only, never the NHS number.
            who = isKiosk ? "\(p.givenName) " : "\(p.displayName) · \(p.nhsNumber.formatted) "
        }
        // Who is signed in, short, at the right end: their user name is what the audit trail records.
        // In a narrow window the patient's name comes first.
        let me = session.staff.map { " \(DisplayWidth.truncate($0.userName, to: 12)) " }.flatMap { size.width >= 60 || who.isEmpty ? $0 : nil } ?? ""
        let meW = DisplayWidth.of(me)
        // A moved clock and a patient both: the clock's shorter notice, so the patient's name and NHS number stay.
        if !clock.isEmpty, DisplayWidth.of(title) + DisplayWidth.of(who) + meW + 2 > size.width,
           let short = session.clock.notice(session.configuration.wording, real: session.now, short: true) {
            title = " \(short) · \(screen.title(session) ?? info.title)"
        }
        let whoW = min(DisplayWidth.of(who), max(0, size.width - DisplayWidth.of(title) - meW - 2))
        g.put(DisplayWidth.truncate(title, to: size.width - whoW - meW - 1), x: 0, y: 0, style: Style(.title, bold: true))
        if whoW > 0 { g.put(DisplayWidth.truncate(who, to: whoW), x: size.width - whoW - meW, y: 0, style: Style(.title)) }
        if meW > 0 { g.put(me, x: size.width - meW, y: 0, style: Style(.selected, bold: true)) }

        var top = 1
        if info.step {
            renderSteps(&g, y: top)
            top += 1
        }
        if !info.hint.isEmpty {
            g.put(DisplayWidth.truncate(screen.hint(session) ?? info.hint, to: size.width - 1), x: 1, y: top, style: Style(.dim))
            top += 1
        }
        if let a = session.assessment, a.isLocked, info.step {
            let text = a.status == .agreed ? "Agreed plan, version \(a.version): read only. V on the review starts a new version."
                : a.status == .discarded ? "Discarded by \(a.discardedBy)\(a.discardedAt.map { " on " + Draw.dateTime($0) } ?? ""): kept for the record, read only."
                : "Superseded by a newer version: read only."
            g.put(DisplayWidth.truncate(text, to: size.width - 1), x: 1, y: top, style: Style(.warning))
        }
        let content = contentArea
        screen.render(into: &g, content, session)

        // Message line and key help line. Changes waiting for the store outrank any but an error.
        // A long message or notice (a database server out of reach) takes the row above too rather than lose its end.
        func put(_ m: StatusMessage, bold: Bool = false) {
            let role: Role = m.kind == .error ? .error : m.kind == .success ? .success : .normal
            let rows = m.rows(width: size.width)
            for (i, row) in rows.enumerated() {
                let y = size.height - 1 - rows.count + i
                g.fill(x: 0, y: y, width: size.width, style: .normal)
                g.put(row, x: 0, y: y, style: Style(role, bold: bold))
            }
        }
        if let notice = waitingNotice, session.message?.kind != .error {
            put(StatusMessage(notice, .error), bold: true)
        } else if let m = session.message {
            put(m)
        }
        if let left = idleWarning {
            g.fill(x: 0, y: size.height - 2, width: size.width, style: Style(.warning))
            // The countdown first: at 80 columns the rest may be cut.
            let warning = isKiosk ? session.words(.kioskIdleWarning, ["seconds": "\(left)"])
                : "Locking in \(left) s (no key pressed): press any key to carry on. Your work is saved."
            g.put(DisplayWidth.truncate(" " + warning, to: size.width),
                  x: 0, y: size.height - 2, style: Style(.warning, bold: true))
        }
        // A question's answer keys stay in view whatever its text loses to the width.
        renderKeys(&g, keyHints, y: size.height - 1)
        if let scroll = helpScroll { renderHelp(&g, scroll: scroll) }
        return g
    }

    func renderSteps(_ g: inout Grid, y: Int) {
        let steps = session.flow.steps
        let labels = steps.enumerated().map { "\($0.offset + 1) \($0.element.stepName)" }
        let full = labels.joined(separator: " › ")
        guard DisplayWidth.of(full) <= size.width - 2 else {
            // Narrow: say where we are rather than cut every name short.
            if let i = steps.firstIndex(where: { $0.id == place.id }) {
                g.put("Step \(i + 1) of \(steps.count): \(steps[i].stepName)", x: 1, y: y, style: Style(.selected, bold: true), maxWidth: size.width - 2)
            }
            return
        }
        var x = 1
        for (i, step) in steps.enumerated() {
            if i > 0 { x += g.put(" › ", x: x, y: y, style: Style(.dim)) }
            let current = step.id == place.id
            x += g.put(labels[i], x: x, y: y, style: current ? Style(.selected, bold: true) : Style(.normal))
        }
    }

    func renderKeys(_ g: inout Grid, _ hints: [KeyHint], y: Int) {
        g.fill(x: 0, y: y, width: size.width, style: Style(.help))
        var all = offered(hints)
        if place.step, !screen.inSubForm, question == nil {
            if place.next != nil { all.append(KeyHint("^N", "next")) }
            if place.back != nil { all.append(KeyHint("^P", "back")) }
        }
        let tail = isKiosk ? " F1 \(session.words(.keyHelp))" : session.locked ? " F1 help" : " F1 help  ^Q quit"
        var x = 0
        let limit = size.width - DisplayWidth.of(tail)
        for h in all {
            let piece = " \(h.keys) \(h.action) "
            if x + DisplayWidth.of(piece) > limit { break }
            x += g.put(" ", x: x, y: y, style: Style(.help))
            x += g.put(h.keys, x: x, y: y, style: Style(.help, bold: true))
            x += g.put(" \(h.action) ", x: x, y: y, style: Style(.help))
        }
        g.put(tail, x: size.width - DisplayWidth.of(tail), y: y, style: Style(.help, bold: true))
    }

    /// The keys this flow and this user's role offer: one whose exit the flow leaves out, or whose permission
    /// the role lacks, is not shown (pressed anyway, it is refused with a word).
    func offered(_ hints: [KeyHint]) -> [KeyHint] {
        hints.filter { h in (h.exit.map { place.exits[$0] != nil } ?? true) && (h.needs.map(session.may) ?? true) }
    }

    func renderTooSmall(_ g: inout Grid) {
        var text = "Window too small: careplan needs at least \(Chrome.minimumSize.width) columns by \(Chrome.minimumSize.height) rows. Nothing is lost: make the window bigger."
        text += isKiosk || session.locked ? " Keys do nothing until then." : " Until then keys are not used, but Ctrl-Q (quit) and F1 (help)."
        if keysNotUsedWhileTooSmall > 0 { text += " Not used: \(keysNotUsedWhileTooSmall)." }
        // A question (quit and lose changes?) must be seen to be answered: first.
        let question = session.message.flatMap { $0.kind == .error ? $0.text : nil }
        let lines = (question.map { TextWrap.wrap($0, width: max(1, size.width)) } ?? [])
            + TextWrap.wrap(text, width: max(1, size.width))
        for (i, line) in lines.prefix(size.height).enumerated() {
            g.put(line, x: 0, y: i, style: Style(.warning))
        }
    }

    /// The help of the current screen (from the flow file) and its keys, in a box over the screen.
    package func helpLines(width: Int) -> [String] {
        var lines: [String] = []
        let info = place
        for para in info.help.split(separator: "\n", omittingEmptySubsequences: false) {
            lines += para.isEmpty ? [""] : TextWrap.wrap(String(para), width: width)
        }
        lines.append("")
        lines.append("Keys on this screen:")
        for h in offered(keyHints) { lines.append("  " + DisplayWidth.pad(h.keys, to: 12) + h.action) }
        lines.append("  " + DisplayWidth.pad("F1 or ?", to: 12) + "this help")
        if info.next != nil { lines.append("  " + DisplayWidth.pad("Ctrl-N", to: 12) + "next step") }
        if info.step, info.back != nil { lines.append("  " + DisplayWidth.pad("Ctrl-P", to: 12) + "previous step") }
        if !isKiosk {
            if session.staff != nil, !session.locked { lines.append("  " + DisplayWidth.pad(Chrome.lockKeyName, to: 12) + "lock the terminal now (your password unlocks it)") }
            if !session.locked { lines.append("  " + DisplayWidth.pad("Ctrl-Q", to: 12) + "quit (everything is already saved)") }
        }
        return lines
    }

    func renderHelp(_ g: inout Grid, scroll: Int) {
        let w = size.width, h = size.height - 2
        let x0 = 0, y0 = 1
        let lines = helpLines(width: w - 4)
        for row in 0..<h { g.fill(x: x0, y: y0 + row, width: w, style: .normal) }
        g.fill(x: x0, y: y0, width: w, style: Style(.title))
        g.put(" Help: \(place.title)", x: x0, y: y0, style: Style(.title, bold: true), maxWidth: w)
        let bodyH = h - 2
        let first = max(0, min(scroll, lines.count - bodyH))
        for (i, line) in lines.dropFirst(first).prefix(bodyH).enumerated() {
            g.put(line, x: x0 + 2, y: y0 + 1 + i, maxWidth: w - 4)
        }
        g.fill(x: x0, y: y0 + h - 1, width: w, style: Style(.help))
        let more = lines.count > bodyH ? " ↑↓ scroll " : ""
        g.put("\(more) Esc, F1 or q closes", x: x0, y: y0 + h - 1, style: Style(.help), maxWidth: w)
        g.cursor = nil
    }
}
