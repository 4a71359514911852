import CareplanCore
import CareplanScreens
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
    /// Where Esc (`back`) returns to from a screen opened by `open` from a list other than its flow's `back`
    /// (a record opened from the reviews due goes back to them, not to the patients), by screen id.
    var openedFrom: [String: Flow.Screen] = [:]
    /// F1 help over the current screen, with its scroll position.
    var helpScroll: Int?
    /// The y/n question asked (by the screen, or before leaving what is not saved), waiting for its answer.
    var question: Question?
    /// When it was asked (a question with a reading time ignores keys that come sooner).
    var askedAt = Date.distantPast
    /// When the last key came (kiosk: for the idle warning and reset).
    var lastKey: Date
    /// Kiosk: the screen the staff PIN prompt was opened over, to go back to if it is not given.
    var beforeStaff: (screen: any Screen, place: Flow.Screen)?
    /// Locked: what the user had on screen, exactly, to carry on with once their password is given.
    var beforeLock: (screen: any Screen, place: Flow.Screen, question: Question?, assessment: Assessment?)?
    /// When changes the store could not take were last tried again.
    var lastRetry: Date?
    /// Keys typed while the window was too small to show what they would do: not used, and counted so the
    /// nurse is told once the screen is back.
    var keysNotUsedWhileTooSmall = 0
    /// Saving the work of an account just disabled: those saves do not read the account again.
    var endingDisabledSession = false

    /// The most characters of one run of text treated as separate key presses (fast typing); longer is a paste.
    static let longestKeyBurst = 32

    /// The flow must have been loaded against `registry` (`Configuration.load`), which checks that its start
    /// screen needs nothing open and that every exit leads to one of its screens.
    /// A clinician's flow starts at the sign-in (`signedIn`: someone already is, as tests' fixture users);
    /// `user` is the name a kiosk records under. `terminal` names where wrong passwords are counted;
    /// `operatingSystemAccount` signs its careplan user in when the store trusts it; `idleLock` shortens the
    /// policy's idle time (tests).
    public init(store: any CareRepository, configuration: Configuration, flowId: String = "clinician", user: String = "kiosk",
                signedIn: StaffUser? = nil, terminal: String = "terminal", operatingSystemAccount: String? = nil,
                idleLock: TimeInterval? = nil, size: Size, now: Date, registry: ScreenRegistry = .standard, clock: CareClock = .real) {
        session = Session(configuration: configuration, flowId: flowId, user: user, now: now)
        // Before the first screen opens: the worklist it may lead to reads today from it.
        session.clock = clock
        session.terminal = terminal
        session.operatingSystemAccount = operatingSystemAccount
        if let idleLock {
            session.idleLock = idleLock
            session.idleWarning = min(session.idleWarning, idleLock / 2)
        }
        runtime = Runtime(store: store, session: session)
        self.size = size
        self.registry = registry
        lastKey = now
        if let signedIn { runtime.signIn(signedIn) }
        place = session.flow.screen(session.flow.start)!
        screen = registry.make(ScreenKind(place.kind), session)!
        session.contentArea = contentArea
        follow(send(.opened))
    }

    /// A screen may leave as it opens (the sign-in, when the user is known already).
    func follow(_ nav: Navigation) {
        if case .exit = nav { _ = go(nav, confirmed: true) }
    }

    public var isKiosk: Bool { session.flow.mode == .kiosk }

    public var currentKind: ScreenKind { screen.kind }
    /// The id of the flow's screen being shown.
    public var currentScreen: String { place.id }

    public func resize(_ newSize: Size) {
        size = newSize
        session.contentArea = contentArea
    }

    /// The frame as it stands now, around the screen shown.
    var chrome: Chrome {
        Chrome(size: size, place: place, screen: screen, session: session, question: question,
               waitingNotice: runtime.waitingNotice, idleWarning: idleWarning, helpScroll: helpScroll,
               keysNotUsedWhileTooSmall: keysNotUsedWhileTooSmall)
    }

    public func render() -> Grid { chrome.render() }

    /// The rows between the chrome (title, steps, hint, lock banner) and the message and key lines.
    var contentArea: Area { chrome.contentArea }

    /// One key. Everything it changes that is an answer is saved before this returns.
    public func handle(_ key: Key, now: Date) -> [Effect] {
        // As drawn at the last frame: the warning asked for any key, so that key only answers it.
        let warningShown = key != .resize && idleWarning != nil
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
        if warningShown {
            lastKey = now
            if !isKiosk { session.say("Carry on: the lock was put off (that key did nothing else)") }
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
        if key == Chrome.lockKey, !isKiosk { return lockKey() }
        if helpScroll != nil { handleHelp(key); return [] }
        session.message = nil  // a message lasts until the next key
        session.lastChange = nil
        session.contentArea = contentArea
        // A question takes the next key, whatever it is (help, step and quit keys too): as its words say.
        if question != nil {
            let (nav, confirmed) = answer(key)
            return isKiosk ? kioskGo(nav) : go(nav, confirmed: confirmed)
        }
        switch key {
        case .function(1), .text("?") where !screen.takesText:  // the condition is on `?` only: F1 always helps
            helpScroll = 0
            return []
        default: break
        }
        if isKiosk { return handleKiosk(key) }
        switch key {
        case .ctrl("q") where session.locked, .ctrl("c") where session.locked:
            // A locked terminal is left to whoever passes: quitting would hand them the nurse's shell.
            session.say("Locked: careplan does not quit here. Type your password to carry on, or F2 to switch user", .error)
            return []
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

    public var isTooSmall: Bool { chrome.isTooSmall }

    /// The keys that mean the same whatever the screen shows: quit (and y/n to its question), help and, in
    /// the help, its own keys. A kiosk has no quit key, and its staff PIN cannot be typed blind.
    func keepsWorkingWhenTooSmall(_ key: Key) -> Bool {
        if helpScroll != nil || question != nil { return true }
        switch key {
        case .function(1): return true
        case .text("?"): return !screen.takesText
        case .ctrl("q"), .ctrl("c"), Chrome.lockKey: return !isKiosk
        default: return false
        }
    }

    /// Keys while the help is shown: scroll, or close it.
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
            helpScroll = min(s, max(0, chrome.helpLines(width: size.width - 4).count - bodyH))
        }
    }

    /// Time passing: saves notes typed a little while ago, so at most a second or two is ever at risk;
    /// shows what another terminal saved in the open assessment (text being typed stays as it is);
    /// on a kiosk left idle, saves the answers and goes back to the welcome with nothing of the patient's left.
    @discardableResult
    public func tick(now: Date) -> [Effect] {
        session.now = now
        let shown = session.assessment, shownDocument = session.document
        session.changeCounter = try? runtime.store.changeCounter()
        _ = send(.tick)
        runtime.refresh()
        if runtime.refreshDocument(), let old = shownDocument { screen.documentRefreshed(session, from: old) }
        if !isKiosk, session.staff != nil, !accountStillUsable(runtime.reloadStaffIfStoreChanged()) { return [] }
        if session.waitingCount > 0 || !runtime.waitingEvents.isEmpty, now.timeIntervalSince(lastRetry ?? .distantPast) >= Runtime.retrySeconds {
            lastRetry = now
            runtime.saveWaiting()
        }
        if session.assessment != shown { screen.refreshed(session, from: shown) }
        if !isKiosk, session.staff != nil, !session.locked, idleFor >= session.idleLock { return lock(.lockedWhenIdle) }
        guard isKiosk, screen.kind != .kioskWelcome else { return [] }
        if idleFor >= TimeInterval(session.flow.setting(.idleSeconds)) {
            return resetKiosk()
        }
        return []
    }

    /// What stopping left in memory only, because the store would not take it (nothing of the patient's).
    public struct NotSaved: Equatable, Sendable {
        public let count: Int
        public let why: String
        /// For the log and the terminal: "stopped with 2 changes not saved: the database server cannot be reached".
        public var sentence: String { "stopped with \(Runtime.changes(count)) not saved: \(why)" }
    }

    /// Saves everything pending before exit (quit, hang-up or terminate). Changes waiting for the store are
    /// tried again, as the tick does, every `Runtime.retrySeconds` until `patience` has passed; what still
    /// waits is returned (nil: everything is on disk), for the caller to say so and exit with failure.
    @discardableResult
    public func flush(now: Date, patience: TimeInterval = 0, clock: () -> Date = Date.init,
                      wait: (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }) -> NotSaved? {
        session.now = now
        _ = send(.leaving)
        let deadline = clock().addingTimeInterval(patience)
        while !runtime.saveWaiting() {
            let left = deadline.timeIntervalSince(clock())
            guard left > 0 else { break }
            wait(min(Runtime.retrySeconds, left))
        }
        // Ended at the lock: the lock stands (a trusted operating-system account then needs its password).
        runtime.record(session.locked ? .endedWhileLocked : .signedOut)
        return session.waitingCount == 0 ? nil : NotSaved(count: session.waitingCount, why: runtime.waitingReason)
    }

    /// The flow's screen that an exit leads to.
    func destination(_ nav: Navigation) -> Flow.Screen? {
        switch nav {
        case .back where openedFrom[place.id] != nil: return openedFrom[place.id]
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
            // Patient data leaving the store: only for a role that may export, as the account is now.
            if !isKiosk, !accountStillUsable(runtime.reloadStaff()) { return [] }
            let isDocument: Bool
            switch e {
            case .exportDocument, .printDocument: isDocument = true
            default: isDocument = false
            }
            if case .exportReport = e {
                if session.refuses(.reports) { return [] }
            } else if session.refuses(.export, doing: isDocument ? "export or print this document" : nil) { return [] }
        case .resume:
            resume()
            return []
        case .signOut:
            signOut()
            return []
        default: break
        }
        switch nav {
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
            ask(leaving(nav, "Not saved yet. Leave anyway? y = leave, any other key = stay"))
            return []
        }
        if nav == .quit, !confirmed, let form = session.unsavedFollowUpForms.first {
            let n = session.unsavedFollowUpForms.count
            ask(leaving(nav, "Quit and lose the follow-up form not saved (\(form))\(n > 1 ? " and \(n - 1) more" : "")? y = quit, any other key = stay",
                        shortening: form))
            return []
        }
        if nav == .quit, !confirmed, !runtime.saveWaiting() {
            ask(leaving(nav, "Quit and lose \(Runtime.changes(session.waitingCount, "unsaved"))? y = quit, any other key = stay"))
            return []
        }
        switch nav {
        case .quit:
            return [.quit]
        case .exit, .restart:
            guard let target = destination(nav) else { break }
            let from = place
            open(target)
            guard place.id == target.id, place.id != from.id else { break }
            if nav == .back { openedFrom[from.id] = nil }
            if nav == .exit("open") { openedFrom[target.id] = target.back == from.id ? nil : from }
        case .stay, .effect, .resume, .signOut: break
        }
        return []
    }

    /// Asks before leaving by `nav` what would be lost: y goes without asking again.
    func leaving(_ nav: Navigation, _ text: String, shortening: String? = nil) -> Question {
        Question(text: text, shortening: shortening, yes: [.go(nav)], no: Said("Kept: carry on"), yesHint: nav == .quit ? "quit" : "leave", noHint: "stay",
                 confirmsLeaving: true)
    }

    /// Shows a screen of the flow, if what it needs is open (else the session says why and nothing moves).
    func open(_ target: Flow.Screen) {
        if let next = registry.make(ScreenKind(target.kind), session) {
            screen = next
            place = target
            question = nil
            session.contentArea = contentArea
            follow(send(.opened))
        }
        session.contentArea = contentArea
    }
}
