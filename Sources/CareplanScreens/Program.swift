import CareplanCore
import Foundation
import TermUI

/// The state machine of screens. The run loop (or a test) feeds it keys and ticks with the time, runs the
/// effects it returns, and draws what `render()` gives. No terminal here: tests drive it with key
/// sequences and compare `render().lines` with golden text.
public final class Program {
    public let session: Session
    /// Runs the screens' commands against the store.
    public let runtime: Runtime
    public private(set) var size: Size
    /// The kinds of screen this program can make.
    let registry: ScreenRegistry
    var screen: any Screen
    /// The flow's entry for the screen shown: its title, help and where its exits lead.
    var place: Flow.Screen
    /// F1 help over the current screen, with its scroll position.
    var helpScroll: Int?
    /// A pending "leave without saving?" question, and where leaving would go.
    var leaving: Navigation?
    /// When the last key came (kiosk: for the idle warning and reset).
    var lastKey: Date
    /// Kiosk: the screen the staff PIN prompt was opened over, to go back to if it is not given.
    var beforeStaff: (screen: any Screen, place: Flow.Screen)?
    /// When changes the store could not take were last tried again.
    var lastRetry: Date?
    /// Keys typed while the window was too small to show what they would do: not used, and counted so the
    /// nurse is told once the screen is back.
    var keysNotUsedWhileTooSmall = 0

    /// The most characters of one run of text treated as separate key presses (fast typing); longer is a paste.
    static let longestKeyBurst = 32

    /// The smallest size at which screens are drawn; below it, a message asks for a bigger window.
    public static let minimumSize = Size(width: 40, height: 12)

    /// The flow must have been loaded against `registry` (`Configuration.load`), which checks that its start
    /// screen needs nothing open and that every exit leads to one of its screens.
    public init(store: any CareRepository, configuration: Configuration, flowId: String = "clinician", user: String, size: Size, now: Date,
                registry: ScreenRegistry = .standard) {
        session = Session(configuration: configuration, flowId: flowId, user: user, now: now)
        runtime = Runtime(store: store, session: session)
        self.size = size
        self.registry = registry
        lastKey = now
        place = session.flow.screen(session.flow.start)!
        screen = registry.make(ScreenKind(place.kind), session)!
        session.contentArea = contentArea
        _ = send(.opened)
    }

    public var isKiosk: Bool { session.flow.mode == .kiosk }

    public var currentKind: ScreenKind { screen.kind }
    /// The id of the flow's screen being shown.
    public var currentScreen: String { place.id }

    public func resize(_ newSize: Size) {
        size = newSize
        session.contentArea = contentArea
    }

    /// The rows between the chrome (title, steps, hint, lock banner) and the message and key lines.
    var contentArea: Area {
        let info = place
        var top = 1
        if info.step { top += 1 }
        if !info.hint.isEmpty { top += 1 }
        if let a = session.assessment, a.isLocked, info.step { top += 1 }
        return Area(x: 0, y: top, width: size.width, height: size.height - top - 2)
    }

    /// One key. Everything it changes that is an answer is saved before this returns.
    public func handle(_ key: Key, now: Date) -> [Effect] {
        session.now = now
        if key == .resize {
            if !isTooSmall, keysNotUsedWhileTooSmall > 0 {
                let n = keysNotUsedWhileTooSmall
                keysNotUsedWhileTooSmall = 0
                session.say("\(n) key\(n == 1 ? "" : "s") typed while the window was too small \(n == 1 ? "was" : "were") not used", .error)
            }
            return []
        }
        // Too small to show what a key does: it is not applied blind. Only quit (and its question), help and resize.
        if isTooSmall, !keepsWorkingWhenTooSmall(key) {
            lastKey = now
            if case .text(let run) = key { keysNotUsedWhileTooSmall += run.count } else { keysNotUsedWhileTooSmall += 1 }
            return []
        }
        // Keys typed quickly (or over a slow link) arrive as one run of text. A screen that is not taking text
        // reads single keys, so it gets them one at a time, checking again before each; a long run can only
        // be a paste, which such a screen must not replay as hundreds of commands.
        if case .text(let run) = key, run.count > 1, !screen.takesText, helpScroll == nil {
            guard run.count <= Program.longestKeyBurst else {
                lastKey = now
                session.say("Pasted text can only go into a box you are typing in.", .error)
                return []
            }
            var effects: [Effect] = []
            for c in run {
                effects += handle(.text(String(c)), now: now)
                if effects.contains(.quit) { break }
            }
            return effects
        }
        lastKey = now
        if helpScroll != nil { handleHelp(key); return [] }
        if let pending = leaving {
            leaving = nil
            session.message = nil
            if key == .text("y") || key == .text("Y") { return go(pending, confirmed: true) }
            session.say("Kept: carry on", .info)
            return []
        }
        session.message = nil  // a message lasts until the next key
        session.lastChange = nil
        session.contentArea = contentArea
        switch key {
        case .function(1), .text("?") where !screen.takesText:  // the condition is on `?` only: F1 always helps
            helpScroll = 0
            return []
        default: break
        }
        if isKiosk { return handleKiosk(key) }
        switch key {
        case .ctrl("q"), .ctrl("c"):
            return go(.quit, confirmed: false)
        case .ctrl("n") where place.next != nil && !screen.inSubForm:
            return go(.next, confirmed: false)
        case .ctrl("p") where place.step && place.back != nil && !screen.inSubForm:
            return go(.back, confirmed: false)
        default: break
        }
        return go(send(.key(key)), confirmed: false)
    }

    public var isTooSmall: Bool { size.width < Program.minimumSize.width || size.height < Program.minimumSize.height }

    /// The keys that mean the same whatever the screen shows: quit (and y/n to its question), help and, in
    /// the help, its own keys. A kiosk has no quit key, and its staff PIN cannot be typed blind.
    func keepsWorkingWhenTooSmall(_ key: Key) -> Bool {
        if helpScroll != nil || leaving != nil { return true }
        switch key {
        case .function(1): return true
        case .text("?"): return !screen.takesText
        case .ctrl("q"), .ctrl("c"): return !isKiosk
        default: return false
        }
    }

    /// Time passing: saves notes typed a little while ago, so at most a second or two is ever at risk;
    /// shows what another terminal saved in the open assessment (text being typed stays as it is);
    /// on a kiosk left idle, saves the answers and goes back to the welcome with nothing of the patient's left.
    @discardableResult
    public func tick(now: Date) -> [Effect] {
        session.now = now
        let shown = session.assessment
        _ = send(.tick)
        runtime.refresh()
        if session.waitingCount > 0, now.timeIntervalSince(lastRetry ?? .distantPast) >= Runtime.retrySeconds {
            lastRetry = now
            runtime.saveWaiting()
        }
        if session.assessment != shown { screen.refreshed(session, from: shown) }
        guard isKiosk, screen.kind != .kioskWelcome else { return [] }
        if idleFor >= TimeInterval(session.flow.setting(.idleSeconds)) {
            return resetKiosk()
        }
        return []
    }

    var idleFor: TimeInterval { session.now.timeIntervalSince(lastKey) }

    /// Kiosk: seconds left before the idle reset, when the warning should show.
    var idleWarning: Int? {
        guard isKiosk, screen.kind != .kioskWelcome else { return nil }
        let idle = TimeInterval(session.flow.setting(.idleSeconds))
        let left = idle - idleFor
        return left <= TimeInterval(session.flow.setting(.idleWarningSeconds)) ? max(0, Int(left.rounded(.up))) : nil
    }

    /// Saves what is pending and returns to the welcome, forgetting the patient.
    func resetKiosk() -> [Effect] {
        _ = send(.leaving)
        session.patient = nil
        session.assessment = nil
        session.kioskPage = nil
        session.kioskReturnToReview = false
        session.message = nil
        helpScroll = nil
        leaving = nil
        beforeStaff = nil
        open(session.flow.screen(session.flow.start)!)
        return [.resetScreen]
    }

    /// Keys on a kiosk (after help, which both modes share): no quitting, no way out but the staff PIN (Ctrl-X).
    func handleKiosk(_ key: Key) -> [Effect] {
        switch key {
        case .ctrl("x"):
            if screen.kind != .kioskStaff, let staff = session.flow.screen(kind: ScreenKind.kioskStaff.rawValue) {
                _ = send(.leaving)
                beforeStaff = (screen, place)
                open(staff)
            }
            return []
        case .ctrl(_) where !screen.takesText:
            // No control key leaves or changes anything here; a box being typed in still gets its editing keys.
            session.say("Please use the keys shown at the bottom of the screen.")
            return []
        default: break
        }
        let nav = send(.key(key))
        if screen.kind == .kioskStaff, nav == .back {
            guard let previous = beforeStaff else { return resetKiosk() }
            (screen, place) = previous
            beforeStaff = nil
            session.contentArea = contentArea
            return []
        }
        // Back at the welcome, nothing of this patient may remain.
        if nav == .restart || destination(nav)?.id == session.flow.start { return resetKiosk() }
        return go(nav, confirmed: true)
    }

    /// Saves everything pending, now (before exit on quit, hang-up or terminate).
    public func flush(now: Date) {
        session.now = now
        _ = send(.leaving)
        runtime.saveWaiting()
    }

    /// The flow's screen that an exit leads to.
    func destination(_ nav: Navigation) -> Flow.Screen? {
        switch nav {
        case .exit(let name): return place.exits[name].flatMap { session.flow.screen($0) }
        case .restart: return session.flow.screen(session.flow.start)
        default: return nil
        }
    }

    func go(_ nav: Navigation, confirmed: Bool) -> [Effect] {
        switch nav {
        case .stay: return []
        case .exit(let name) where place.exits[name] == nil:
            // An exit this flow leaves out (a flow need not use every screen): refused with a word.
            assert(registry.entry(screen.kind)?.spec.exits.contains { $0.name == name } == true, "\(screen.kind) takes no exit `\(name)`")
            session.say("That is not part of this flow (\(session.flow.id))", .error)
            return []
        case .effect(let e) where e == .quit || e == .resetScreen: return [e]
        case .effect(let e):
            // A plan goes out only as it is on disk, so everything shown must be there first.
            guard runtime.saveWaiting() else {
                session.say(runtime.waitingRefusal("Not exported"), .error)
                return []
            }
            return [e]
        default: break
        }
        // Saved first: what could not be saved (a form not yet valid, a note the store refused) asks.
        _ = send(.leaving)
        if screen.hasUnsavedInput && !confirmed {
            leaving = nav
            session.say("Not saved yet. Leave anyway? y = leave, any other key = stay", .error)
            return []
        }
        if nav == .quit, !confirmed, !runtime.saveWaiting() {
            leaving = nav
            session.say("Quit and lose \(Runtime.changes(session.waitingCount, "unsaved"))? y = quit, any other key = stay", .error)
            return []
        }
        switch nav {
        case .quit:
            return [.quit]
        case .exit, .restart:
            if let target = destination(nav) { open(target) }
        case .stay, .effect: break
        }
        return []
    }

    /// Shows a screen of the flow, if what it needs is open (else the session says why and nothing moves).
    func open(_ target: Flow.Screen) {
        if let next = registry.make(ScreenKind(target.kind), session) {
            screen = next
            place = target
            session.contentArea = contentArea
            _ = send(.opened)
        }
        session.contentArea = contentArea
    }

    // MARK: - Drawing

    public func render() -> Grid {
        var g = Grid(size: size)
        if isTooSmall {
            renderTooSmall(&g)
            return g
        }
        let info = place
        // Title bar: where we are, and whose record is open.
        g.fill(x: 0, y: 0, width: size.width, style: Style(.title))
        let title = " \(session.flow.title) · \(info.title)"
        var who = ""
        if let p = session.patient {
            // A kiosk is in a public place: the given name only, never the NHS number.
            who = isKiosk ? "\(p.givenName) " : "\(p.displayName) · \(p.nhsNumber.formatted) "
        }
        let whoW = min(DisplayWidth.of(who), max(0, size.width - DisplayWidth.of(title) - 2))
        g.put(DisplayWidth.truncate(title, to: size.width - whoW - 1), x: 0, y: 0, style: Style(.title, bold: true))
        if whoW > 0 { g.put(DisplayWidth.truncate(who, to: whoW), x: size.width - whoW, y: 0, style: Style(.title)) }

        var top = 1
        if info.step {
            renderSteps(&g, y: top)
            top += 1
        }
        if !info.hint.isEmpty {
            g.put(DisplayWidth.truncate(info.hint, to: size.width - 1), x: 1, y: top, style: Style(.dim))
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
        if let notice = runtime.waitingNotice, session.message?.kind != .error {
            g.fill(x: 0, y: size.height - 2, width: size.width, style: .normal)
            g.put(DisplayWidth.truncate(" " + notice, to: size.width), x: 0, y: size.height - 2, style: Style(.error, bold: true))
        } else if let m = session.message {
            // A long message takes the row above too (until the next key) rather than lose its end.
            let role: Role = m.kind == .error ? .error : m.kind == .success ? .success : .normal
            let rows = m.rows(width: size.width)
            for (i, row) in rows.enumerated() {
                let y = size.height - 1 - rows.count + i
                g.fill(x: 0, y: y, width: size.width, style: .normal)
                g.put(row, x: 0, y: y, style: Style(role))
            }
        }
        if let left = idleWarning {
            g.fill(x: 0, y: size.height - 2, width: size.width, style: Style(.warning))
            // The countdown first: at 80 columns the rest may be cut.
            g.put(DisplayWidth.truncate(" Are you still there? This screen clears in \(left) s. Press any key to carry on.", to: size.width),
                  x: 0, y: size.height - 2, style: Style(.warning, bold: true))
        }
        // A question's answer keys stay in view whatever its text loses to the width.
        let answers = [KeyHint("y", leaving == .quit ? "quit" : "leave"), KeyHint("any other key", "stay")]
        renderKeys(&g, leaving != nil ? answers : screen.keys(session), y: size.height - 1)
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
        var all = hints.filter { $0.exit.map { place.exits[$0] != nil } ?? true }
        if place.step, !screen.inSubForm, leaving == nil {
            if place.next != nil { all.append(KeyHint("^N", "next")) }
            if place.back != nil { all.append(KeyHint("^P", "back")) }
        }
        let tail = isKiosk ? " F1 help" : " F1 help  ^Q quit"
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

    func renderTooSmall(_ g: inout Grid) {
        var text = "Window too small: careplan needs at least \(Program.minimumSize.width) columns by \(Program.minimumSize.height) rows. Nothing is lost: make the window bigger."
        text += isKiosk ? " Keys do nothing until then." : " Until then keys are not used, but Ctrl-Q (quit) and F1 (help)."
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
    func helpLines(width: Int) -> [String] {
        var lines: [String] = []
        let info = place
        for para in info.help.split(separator: "\n", omittingEmptySubsequences: false) {
            lines += para.isEmpty ? [""] : TextWrap.wrap(String(para), width: width)
        }
        lines.append("")
        lines.append("Keys on this screen:")
        for h in screen.keys(session) { lines.append("  " + DisplayWidth.pad(h.keys, to: 12) + h.action) }
        lines.append("  " + DisplayWidth.pad("F1 or ?", to: 12) + "this help")
        if info.next != nil { lines.append("  " + DisplayWidth.pad("Ctrl-N", to: 12) + "next step") }
        if info.step, info.back != nil { lines.append("  " + DisplayWidth.pad("Ctrl-P", to: 12) + "previous step") }
        if !isKiosk { lines.append("  " + DisplayWidth.pad("Ctrl-Q", to: 12) + "quit (everything is already saved)") }
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

    func handleHelp(_ key: Key) {
        switch key {
        case .escape, .function(1), .text("q"), .text("?"), .enter: helpScroll = nil
        case .down: helpScroll = (helpScroll ?? 0) + 1
        case .up: helpScroll = max(0, (helpScroll ?? 0) - 1)
        case .pageDown: helpScroll = (helpScroll ?? 0) + max(1, size.height - 6)
        case .pageUp: helpScroll = max(0, (helpScroll ?? 0) - max(1, size.height - 6))
        case .ctrl("q"), .ctrl("c"): helpScroll = nil
        default: break
        }
        if let s = helpScroll {
            let bodyH = size.height - 4
            helpScroll = min(s, max(0, helpLines(width: size.width - 4).count - bodyH))
        }
    }
}
