import CNcursesw
import TermUI
#if canImport(Glibc)
import Glibc
#endif

public struct TerminalOptions: Sendable {
    /// Kiosk: raw mode, so Ctrl-C, Ctrl-Z and Ctrl-\\ arrive as keys instead of signals.
    public var rawMode: Bool
    /// No colour even when the terminal has it (e.g. --no-color). NO_COLOR in the environment does the same.
    public var monochrome: Bool
    /// White on black with a yellow highlight and no dim text, for people who need more contrast.
    public var highContrast: Bool
    public init(rawMode: Bool = false, monochrome: Bool = false, highContrast: Bool = false) {
        self.highContrast = highContrast
        self.rawMode = rawMode
        self.monochrome = monochrome
    }
}

public enum TerminalSignal: Sendable, Equatable { case hangup, terminate, interrupt }

public enum TerminalInput: Equatable, Sendable {
    case keys([Key])
    case timeout
    /// The terminal is gone (SSH dropped, stdin closed). Every later read returns this at once.
    case hangup
    case signal(TerminalSignal)
}

public enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case initFailed
    public var description: String {
        switch self {
        case .notATerminal: return "careplan needs a terminal (stdin and stdout must be a terminal)"
        case .initFailed: return "could not start the terminal (is TERM set to a known terminal type?)"
        }
    }
}

/// The only code that talks to ncurses. Everything runs on the main actor: ncurses is not thread-safe.
@MainActor public final class CursesTerminal {
    private let options: TerminalOptions
    private var decoder = KeyDecoder()
    private var signalFD: Int32 = -1
    private var hungUp = false
    private var isShutDown = false
    private var pendingSignals: [TerminalSignal] = []
    private var lastGrid: Grid? = nil
    private var needsFullRedraw = true
    private var cursorVisible: Int32 = -1
    /// Whether roles are shown with colour pairs (else with bold/reverse/underline).
    public private(set) var usesColor = false
    /// At most this many get_wch results per read, so the screen still redraws during a huge paste.
    public var maxDrain = 262_144

    public init(options: TerminalOptions) throws {
        self.options = options
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw TerminalError.notATerminal }
        setlocale(LC_ALL, "")
        cp_install_crash_wipe(Self.engineerWantsBacktraces ? 1 : 0)  // before initscr: it saves the modes to put back
        guard initscr() != nil else { cp_remove_crash_wipe(); throw TerminalError.initFailed }
        if options.rawMode { raw() } else { cbreak() }
        noecho()
        nonl()
        _ = cp_keypad(true)
        intrflush(cp_stdscr(), false)
        set_escdelay(25)
        cp_claim_control_keys()
        setupColors()
        decoder.keyCodes.merge(Self.extendedKeyCodes()) { old, _ in old }
        signalFD = cp_install_signal_pipe()
        // Bracketed paste: pasted newlines stay text instead of becoming Enter presses.
        writeToTerminal("\u{1B}[?2004h")
        // ncurses 6.4 flushes its output after every cursor move until the screen has once been suspended
        // (its `_endwin` stays "initial"): a full register went out in about 50 writes, each waking whoever
        // reads the terminal. Suspended and resumed once, before anything is drawn, a frame is one write.
        endwin()
        _ = cp_refresh()
        needsFullRedraw = true
    }

    /// `SWIFT_BACKTRACE` set: an engineer is debugging and wants Swift's backtraces on a crash.
    static var engineerWantsBacktraces: Bool { getenv("SWIFT_BACKTRACE") != nil }

    /// For every careplan process, first thing: no core dumps and no attaching to read its memory.
    public static func keepMemoryPrivate() {
        if !engineerWantsBacktraces { cp_keep_memory_private() }
    }

    public var size: Size { Size(width: Int(cp_cols()), height: Int(cp_lines())) }

    // MARK: - Input

    public func read(timeoutMilliseconds: Int) -> TerminalInput {
        if hungUp || isShutDown { return .hangup }
        if !pendingSignals.isEmpty { return .signal(pendingSignals.removeFirst()) }
        let deadline = monotonicMilliseconds() + max(0, timeoutMilliseconds)
        while true {
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0)]
            let remaining = max(0, deadline - monotonicMilliseconds())
            let rc = poll(&fds, signalFD >= 0 ? 2 : 1, Int32(min(remaining, Int(Int32.max))))
            if rc < 0 {
                if errno == EINTR {
                    // A signal woke us: its byte is in the pipe (or ncurses queued a KEY_RESIZE).
                    if let input = readSignalsAndInput(stdinReadable: false) { return input }
                    continue
                }
                return markHungUp()
            }
            if rc == 0 {
                return .timeout
            }
            let stdinEvents = Int32(fds[0].revents)
            if signalFD >= 0, Int32(fds[1].revents) & Int32(POLLIN) != 0 {
                if let input = readSignalsAndInput(stdinReadable: stdinEvents & Int32(POLLIN) != 0) { return input }
            }
            if stdinEvents & Int32(POLLNVAL | POLLERR) != 0 { return markHungUp() }
            if stdinEvents & Int32(POLLIN) != 0 {
                let keys = drain()
                if !keys.isEmpty { return .keys(keys) }
                if atEndOfInput() { return markHungUp() }
            } else if stdinEvents & Int32(POLLHUP) != 0 {
                return markHungUp()
            }
            if monotonicMilliseconds() >= deadline { return .timeout }
        }
    }

    private func markHungUp() -> TerminalInput {
        hungUp = true
        return .hangup
    }

    /// Readable by poll(), nothing decoded, and nothing buffered: end of file or a hung-up terminal.
    private func atEndOfInput() -> Bool {
        var fd = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&fd, 1, 0) > 0 else { return false }
        if Int32(fd.revents) & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 { return true }
        return cp_stdin_pending() <= 0
    }

    /// Reads the self-pipe. Returns a signal input, or keys if a resize was signalled, or nil.
    private func readSignalsAndInput(stdinReadable: Bool) -> TerminalInput? {
        var resized = false
        if signalFD >= 0 {
            var buf = [UInt8](repeating: 0, count: 64)
            while true {
                let n = Glibc.read(signalFD, &buf, buf.count)
                if n <= 0 { break }
                for b in buf[0..<n] {
                    switch Int32(b) {
                    case cp_sighup(): pendingSignals.append(.hangup)
                    case cp_sigterm(), cp_sigquit(): pendingSignals.append(.terminate)
                    case cp_sigint(): pendingSignals.append(.interrupt)
                    case cp_sigwinch(): resized = true
                    default: break
                    }
                }
            }
        }
        if !pendingSignals.isEmpty { return .signal(pendingSignals.removeFirst()) }
        if resized || stdinReadable {
            let keys = drain()
            if !keys.isEmpty { return .keys(keys) }
        }
        return nil
    }

    /// Everything available now, without blocking (ncurses still waits ESCDELAY after a lone Esc).
    private func drain() -> [Key] {
        cp_timeout(0)
        var raw: [RawInput] = []
        var wch: wint_t = 0
        while raw.count < maxDrain {
            let rc = cp_get_wch(&wch)
            if rc == cp_err() { break }
            if rc == cp_key_code_yes() {
                if Int32(wch) == KEY_RESIZE { needsFullRedraw = true }
                raw.append(.keyCode(Int32(wch)))
            } else {
                raw.append(.char(UInt32(wch)))
            }
        }
        return decoder.decode(raw)
    }

    /// Codes ncurses gives the terminfo extended names for Ctrl-Left/Ctrl-Right (kLFT5/kRIT5, as xterm
    /// and tmux send them), defining the usual sequences where the description lacks them.
    private static func extendedKeyCodes() -> [Int32: Key] {
        var m: [Int32: Key] = [:]
        let wanted: [(cap: String, fallbacks: [String], key: Key, spare: Int32)] = [
            ("kLFT5", ["\u{1B}[1;5D", "\u{1B}Od"], .wordLeft, 0x3F00),
            ("kRIT5", ["\u{1B}[1;5C", "\u{1B}Oc"], .wordRight, 0x3F01),
            ("kLFT3", ["\u{1B}[1;3D"], .wordLeft, 0x3F02),   // Alt-Left
            ("kRIT3", ["\u{1B}[1;3C"], .wordRight, 0x3F03),  // Alt-Right
        ]
        for w in wanted {
            if let s = tigetstr(w.cap), cp_tigetstr_valid(s) != 0 {
                let code = key_defined(s)
                if code > 0 { m[code] = w.key }
            }
            for seq in w.fallbacks where key_defined(seq) <= 0 {
                if define_key(seq, w.spare) == OK { m[w.spare] = w.key }
            }
        }
        // Home/End as other terminals (and tmux with TERM=xterm*) send them, when the description lacks them.
        let homeEnd: [(String, Int32)] = [
            ("\u{1B}[1~", KEY_HOME), ("\u{1B}[7~", KEY_HOME), ("\u{1B}[H", KEY_HOME), ("\u{1B}OH", KEY_HOME),
            ("\u{1B}[4~", KEY_END), ("\u{1B}[8~", KEY_END), ("\u{1B}[F", KEY_END), ("\u{1B}OF", KEY_END),
        ]
        for (seq, code) in homeEnd where key_defined(seq) <= 0 { _ = define_key(seq, code) }
        // The bracketed-paste markers, so ncurses matches them whole even when a read splits them.
        _ = define_key("\u{1B}[200~", KeyDecoder.pasteStartCode)
        _ = define_key("\u{1B}[201~", KeyDecoder.pasteEndCode)
        return m
    }

    // MARK: - Output

    /// Draws a grid: only cells that differ from the last grid, then the cursor, then one refresh.
    public func draw(_ grid: Grid) {
        guard !isShutDown else { return }
        let full = needsFullRedraw || lastGrid?.size != grid.size
        if full { _ = cp_erase() }
        let h = min(grid.height, Int(cp_lines())), w = min(grid.width, Int(cp_cols()))
        var dirty = [Bool](repeating: false, count: max(0, w))
        for y in 0..<max(0, h) {
            var any = false
            for x in 0..<w {
                let c = grid[x, y]
                var d = full
                if !d, let old = lastGrid, old[x, y] != c {
                    d = true
                    // A wide character and its continuation are written together.
                    if c.isContinuation || old[x, y].isContinuation, x > 0 { dirty[x - 1] = true }
                    if (c.width == 2 || old[x, y].width == 2), x + 1 < w { dirty[x + 1] = true }
                }
                if d { dirty[x] = true; any = true }
            }
            guard any else { continue }
            for x in 0..<w where dirty[x] {
                dirty[x] = false
                let c = grid[x, y]
                if c.isContinuation {
                    if x > 0, grid[x - 1, y].width == 2 { continue }   // drawn with its first half
                    put(" ", style: c.style, x: x, y: y)             // orphan continuation
                } else if c.width == 2 && !(x + 1 < w && grid[x + 1, y].isContinuation) {
                    put(" ", style: c.style, x: x, y: y)             // a wide char cut at the edge
                } else {
                    put(c.text, style: c.style, x: x, y: y)
                }
            }
        }
        if let p = grid.cursor, p.x >= 0, p.y >= 0, p.x < w, p.y < h {
            if cursorVisible != 1 { _ = curs_set(1); cursorVisible = 1 }
            _ = cp_move(Int32(p.y), Int32(p.x))
        } else {
            if cursorVisible != 0 { _ = curs_set(0); cursorVisible = 0 }
        }
        _ = cp_refresh()
        lastGrid = grid
        needsFullRedraw = false
    }

    /// Forces the next draw to repaint everything (after a resize, or Ctrl-L).
    /// The next draw clears the terminal itself and sends every cell: for Ctrl-L after line noise, and for the
    /// kiosk wiping the screen between patients.
    public func invalidate() {
        needsFullRedraw = true
        cp_force_repaint()
    }

    /// Blanks the screen now and clears the terminal's scrollback where it can (the kiosk between patients).
    /// Terminals without an alternate screen (the Linux console, vt100) keep in scrollback what was cleared or
    /// scrolled off; E3 clears it, sent after the clear, which some terminals (tmux) push into scrollback.
    public func wipe() {
        guard !isShutDown else { return }
        _ = cp_erase()
        _ = cp_clear()
        _ = cp_refresh()
        clearScrollback()
        lastGrid = nil
        needsFullRedraw = true
    }

    private func clearScrollback() {
        if let e3 = cp_clear_scrollback_sequence() { writeToTerminal(String(cString: e3)) }
    }

    private func put(_ text: String, style: Style, x: Int, y: Int) {
        var wide: [wchar_t] = []
        for s in text.unicodeScalars where s.value >= 0x20 && !(0x7F...0x9F).contains(s.value) {
            if wide.count == 4 { break }  // CCHARW_MAX is 5 including the terminating 0
            wide.append(wchar_t(bitPattern: s.value))
        }
        if wide.isEmpty { wide = [0x20] }
        wide.append(0)
        let (attrs, pair) = attributes(for: style)
        var cc = cchar_t()
        if cp_setcchar(&cc, wide, attrs, pair) != OK {
            _ = cp_setcchar(&cc, [0x3F, 0], attrs, pair)
        }
        _ = cp_mvadd_wch(Int32(y), Int32(x), &cc)
    }

    // MARK: - Colours

    private static let palette: [Role: (fg: Int16, bg: Int16)] = [
        .title: (Int16(COLOR_WHITE), Int16(COLOR_BLUE)),
        .heading: (Int16(COLOR_CYAN), -1),
        .selected: (Int16(COLOR_BLACK), Int16(COLOR_CYAN)),
        .marked: (Int16(COLOR_GREEN), -1),
        .input: (Int16(COLOR_BLACK), Int16(COLOR_WHITE)),
        .error: (Int16(COLOR_WHITE), Int16(COLOR_RED)),
        .warning: (Int16(COLOR_BLACK), Int16(COLOR_YELLOW)),
        .help: (Int16(COLOR_BLACK), Int16(COLOR_WHITE)),
        .dim: (-1, -1),
        .success: (Int16(COLOR_GREEN), -1),
    ]

    /// High contrast: every role on black or a bright background, nothing dim.
    private static let highContrastPalette: [Role: (fg: Int16, bg: Int16)] = [
        .title: (Int16(COLOR_BLACK), Int16(COLOR_WHITE)),
        .heading: (Int16(COLOR_YELLOW), Int16(COLOR_BLACK)),
        .selected: (Int16(COLOR_BLACK), Int16(COLOR_YELLOW)),
        .marked: (Int16(COLOR_YELLOW), Int16(COLOR_BLACK)),
        .input: (Int16(COLOR_BLACK), Int16(COLOR_WHITE)),
        .error: (Int16(COLOR_BLACK), Int16(COLOR_YELLOW)),
        .warning: (Int16(COLOR_BLACK), Int16(COLOR_YELLOW)),
        .help: (Int16(COLOR_BLACK), Int16(COLOR_WHITE)),
        .dim: (Int16(COLOR_WHITE), Int16(COLOR_BLACK)),
        .success: (Int16(COLOR_WHITE), Int16(COLOR_BLACK)),
    ]

    private func setupColors() {
        let noColor = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
        guard !options.monochrome, noColor.isEmpty, has_colors() else { usesColor = false; return }
        guard start_color() == OK else { usesColor = false; return }
        if options.highContrast {
            _ = assume_default_colors(Int32(COLOR_WHITE), Int32(COLOR_BLACK))  // pair 0: white on black
        } else {
            _ = use_default_colors()
        }
        let palette = options.highContrast ? Self.highContrastPalette : Self.palette
        for role in Role.allCases where role != .normal {
            let c = palette[role] ?? (-1, -1)
            _ = init_pair(Int16(role.rawValue), c.fg, c.bg)
        }
        usesColor = true
    }

    private func attributes(for style: Style) -> (attr_t, Int16) {
        var a = cp_a_normal()
        var pair: Int16 = 0
        if usesColor {
            pair = style.role == .normal ? 0 : Int16(style.role.rawValue)
            switch style.role {
            case .title, .heading, .marked, .error, .success: a |= cp_a_bold()
            case .dim: if !options.highContrast { a |= cp_a_dim() }
            default: break
            }
        } else {
            switch style.role {
            case .normal: break
            case .title: a |= cp_a_reverse() | cp_a_bold()
            case .selected, .help: a |= cp_a_reverse()
            case .marked, .warning, .success: a |= cp_a_bold()
            case .error, .heading: a |= cp_a_bold() | cp_a_underline()
            case .input: a |= cp_a_underline()
            case .dim: a |= cp_a_dim()
            }
        }
        if style.bold { a |= cp_a_bold() }
        if style.underline { a |= cp_a_underline() }
        return (a, pair)
    }

    // MARK: - Shutdown

    /// Blanks the whole screen (no patient data left behind, also on the Linux console, which has no
    /// alternate screen), then endwin(). Safe to call twice and after a hang-up.
    public func shutdown() {
        guard !isShutDown else { return }
        isShutDown = true
        writeToTerminal("\u{1B}[?2004l")
        _ = cp_erase()
        _ = cp_clear()      // clear() makes the next refresh send the terminal's clear-screen sequence
        _ = curs_set(1)
        _ = cp_refresh()
        clearScrollback()
        endwin()
        fflush(nil)  // the switch back from the alternate screen reaches the terminal before anything printed after
        cp_restore_signals()
        cp_remove_crash_wipe()
        if signalFD >= 0 { close(signalFD); signalFD = -1 }
        lastGrid = nil
    }

    private func writeToTerminal(_ s: String) {
        guard !hungUp else { return }
        var bytes = Array(s.utf8)
        _ = Glibc.write(STDOUT_FILENO, &bytes, bytes.count)
    }

    private func monotonicMilliseconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int(ts.tv_sec) * 1000 + Int(ts.tv_nsec) / 1_000_000
    }
}
