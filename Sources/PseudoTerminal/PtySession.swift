// A program run on a real pseudo-terminal, and a small model of what that terminal shows: shared by the
// benchmark (careplan-bench) and the end-to-end tests, which drive careplan without tmux where timing matters.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

public struct PtyError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// One program running in a pseudo-terminal of a fixed size, driven as a person at a terminal would:
/// send keys, read what it draws until the output has settled. Every byte read is also fed to a
/// `TerminalScreen`, so a caller can check what the screen shows.
public final class PtySession {
    public let pid: pid_t
    private let master: Int32
    /// When the program was spawned (monotonic ms).
    public let spawnedAt: Double
    public private(set) var screen: TerminalScreen
    public private(set) var exited = false

    /// What one wait for quiet read.
    public struct Output {
        public var bytes: [UInt8] = []
        /// When the last byte arrived (monotonic ms); nil if none did.
        public var lastByteAt: Double?
        public var timedOut = false
    }

    /// Output is settled after this long with no byte.
    public static let quietMs = 30.0

    /// Starts `executable` with the pty as its controlling terminal and stdin, stdout and stderr.
    public init(_ executable: String, _ arguments: [String], environment: [String: String], columns: Int = 80, rows: Int = 24) throws {
        // posix_openpt, unlockpt and ptsname need _XOPEN_SOURCE, which Swift's Glibc does not set: their
        // Linux insides instead (grantpt is nothing to do with devpts).
        let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430  // _IOW('T', 0x31, int), _IOR('T', 0x30, uint)
        let m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard m >= 0, ioctl(m, TIOCSPTLCK, &unlock) == 0, ioctl(m, TIOCGPTN, &number) == 0 else {
            throw PtyError("cannot open a pseudo-terminal (errno \(errno))")
        }
        var ws = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(m, UInt(TIOCSWINSZ), &ws)
        let slavePath = "/dev/pts/\(number)"

        // posix_spawn rather than fork: the bench is multi-threaded (Foundation, Dispatch). glibc runs
        // setsid() before the file actions, so opening the slave on fd 0 makes it the controlling terminal.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        let POSIX_SPAWN_SETSID: Int32 = 0x80  // glibc's value; the macro needs _GNU_SOURCE, which Swift does not set
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        spawnedAt = monotonicMs()
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { close(m); throw PtyError("cannot start \(executable) (error \(rc))") }
        pid = child
        master = m
        screen = TerminalScreen(columns: columns, rows: rows)
    }

    deinit {
        if !exited { kill(pid, SIGKILL); var s: Int32 = 0; waitpid(pid, &s, 0) }
        close(master)
    }

    /// Writes bytes to the program (as typed keys) and returns when they were written (monotonic ms).
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Double {
        let at = monotonicMs()
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
            if n <= 0 { if errno == EINTR { continue }; break }
            off += n
        }
        return at
    }

    public func send(_ text: String) -> Double { send(Array(text.utf8)) }

    /// Reads until no byte has come for `quietMs` and, if given, `until` holds for the screen; gives up
    /// after `timeoutMs`. Timestamps are taken as each read returns, before any screen bookkeeping.
    public func settle(until: ((TerminalScreen) -> Bool)? = nil, timeoutMs: Double = 15_000) -> Output {
        var out = Output()
        var fed = 0
        let started = monotonicMs()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let now = monotonicMs()
            if now - started >= timeoutMs { out.timedOut = true; break }
            let satisfied = until?(screen) ?? true
            let quietSince = out.lastByteAt ?? started
            if satisfied && now - quietSince >= Self.quietMs { break }
            // Until the expected screen shows, wait for more output however long it takes (up to the timeout).
            let wait = satisfied ? quietSince + Self.quietMs - now : started + timeoutMs - now
            var fd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let rc = poll(&fd, 1, Int32(Swift.max(1, wait.rounded(.up))))
            if rc < 0 && errno == EINTR { continue }
            if rc <= 0 { continue }
            let n = read(master, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { exited = exitedNow(); break }  // EIO: the program has gone
            out.lastByteAt = monotonicMs()
            out.bytes += buffer[0..<n]
            if until != nil {  // keep the screen current only when a condition looks at it
                screen.feed(out.bytes[fed...])
                fed = out.bytes.count
            }
        }
        screen.feed(out.bytes[fed...])
        return out
    }

    /// One keystroke: send it, read until quiet. Returns the bytes drawn and the time from the write to
    /// the last byte (0 when nothing was drawn).
    public func keystroke(_ key: [UInt8]) -> (bytes: [UInt8], settleMs: Double) {
        let at = send(key)
        let out = settle()
        return (out.bytes, out.lastByteAt.map { $0 - at } ?? 0)
    }

    /// The program's peak resident memory so far (VmHWM), in kB; nil once it has exited.
    public func peakResidentKB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    /// Sends `keys` (e.g. the quit key), drains the output and waits for the program to exit; kills it
    /// after `timeoutMs`. Returns the exit status, or nil if it had to be killed.
    @discardableResult
    public func finish(sending keys: [UInt8], timeoutMs: Double = 5_000) -> Int32? {
        if !exited { send(keys) }
        let deadline = monotonicMs() + timeoutMs
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !exited && monotonicMs() < deadline {
            var fd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&fd, 1, 20) > 0, read(master, &buffer, buffer.count) <= 0 { usleep(1000) }
            exited = exitedNow()
        }
        if !exited { kill(pid, SIGKILL); var s: Int32 = 0; waitpid(pid, &s, 0); exited = true; return nil }
        return lastStatus
    }

    private var lastStatus: Int32?

    private func exitedNow() -> Bool {
        if exited { return true }
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { lastStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F); return true }
        return false
    }
}

extension PtySession {
    /// Reads whatever the program draws for `ms` milliseconds, feeding the screen after every read and
    /// calling `seen` with it; returns early once the program has gone and its output is drained.
    public func pump(forMs ms: Double, _ seen: (TerminalScreen) -> Void = { _ in }) {
        let deadline = monotonicMs() + ms
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let left = deadline - monotonicMs()
            if left <= 0 { break }
            var fd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let rc = poll(&fd, 1, Int32(max(1, left.rounded(.up))))
            if rc < 0 && errno == EINTR { continue }
            if rc <= 0 { continue }
            let n = read(master, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }  // EIO: the program has gone and nothing is left to read
            screen.feed(buffer[0..<n])
            seen(screen)
        }
    }

    /// SIGKILL, then reaps it. What it wrote before dying is still in the pty to be read with `pump`.
    public func kill9() {
        guard !exited else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        exited = true
    }
}
