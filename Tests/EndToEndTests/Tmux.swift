import Foundation
import XCTest

/// Thrown after a failure has been recorded, to stop the test there (the screen is in the failure message).
struct StopTest: Error, CustomStringConvertible {
    var description: String
}

/// A tmux server on a private socket in the test's own folder, driving the real careplan binary the way
/// a person at an 80x24 terminal would: keys in, screen text out. Every wait polls the screen every 50 ms
/// and, on timeout, fails with the last screen seen.
final class Tmux {
    let dir: URL
    let socket: String
    let tmuxPath: String

    /// nil when tmux is not installed (the tests then skip; CI installs it).
    static let path: String? = Shell.which("tmux")

    init(dir: URL) throws {
        guard let path = Tmux.path else { throw XCTSkip("tmux is not installed: the end-to-end tests need it (apt-get install tmux)") }
        self.dir = dir
        self.tmuxPath = path
        self.socket = dir.appendingPathComponent("tmux.sock").path
    }

    /// Runs one tmux command on this server; throws with tmux's complaint if it fails.
    @discardableResult
    func tmux(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try Shell.run(tmuxPath, ["-u", "-S", socket, "-f", "/dev/null"] + args, env: ["LANG": "C.UTF-8"])
        guard r.status == 0 else {
            let text = "tmux \(args.joined(separator: " ")) failed (\(r.status)): \(r.stderr)"
            XCTFail(text, file: file, line: line)
            throw StopTest(description: text)
        }
        return r.stdout
    }

    /// Starts a session running `command` (through sh: use `exec` so the pane's pid is the program's).
    /// Escape-time 0 so Esc is a key at once; remain-on-exit keeps a dead pane to look at.
    /// The session's name must not begin the name of a window ("careplan", after the program): tmux looks a bare
    /// target up as a window before a session, so `-t c` would reach another session's "careplan" window.
    func start(_ session: String = "t", width: Int = 80, height: Int = 24, remainOnExit: Bool = false, command: String) throws {
        guard !"careplan".hasPrefix(session) else { throw StopTest(description: "session name “\(session)” would match the window “careplan”") }
        // The session first: a server started with none may exit (exit-empty) before a later command reaches
        // it ("server exited unexpectedly"). Options are set in the same call, before any key is sent.
        let args = ["new-session", "-d", "-s", session, "-x", String(width), "-y", String(height), command, ";",
                    "set", "-s", "escape-time", "0", ";", "set", "-g", "remain-on-exit", remainOnExit ? "on" : "off"]
        // A session whose program was just killed may still be there for a moment on a loaded machine
        // ("duplicate session"): tmux removes it when it reaps the pane.
        for attempt in 1...10 {
            let r = try Shell.run(tmuxPath, ["-u", "-S", socket, "-f", "/dev/null"] + args, env: ["LANG": "C.UTF-8"])
            if r.status == 0 { return }
            let passing = r.stderr.contains("server exited unexpectedly") || r.stderr.contains("duplicate session")
            guard attempt < 10, passing else {
                let text = "tmux \(args.joined(separator: " ")) failed (\(r.status)): \(r.stderr)"
                XCTFail(text)
                throw StopTest(description: text)
            }
            usleep(200_000)
        }
    }

    /// Named keys, e.g. `Enter`, `Tab`, `C-n`, `Up`, `BSpace` (tmux key names).
    func keys(_ keys: String..., to session: String = "t") throws {
        try tmux(["send-keys", "-t", session] + keys)
    }

    /// Literal text, as typed.
    func type(_ text: String, to session: String = "t") throws {
        try tmux(["send-keys", "-t", session, "-l", text])
    }

    func screen(_ session: String = "t") throws -> String {
        try tmux(["capture-pane", "-p", "-t", session])
    }

    func lines(_ session: String = "t") throws -> [String] {
        try screen(session).components(separatedBy: "\n")
    }

    func resize(_ session: String = "t", width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", session, "-x", String(width), "-y", String(height)])
    }

    func display(_ format: String, _ session: String = "t") throws -> String {
        try tmux(["display-message", "-p", "-t", session, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The pid of the pane's process (careplan itself when started with `exec`).
    func pid(_ session: String = "t") throws -> Int32 {
        guard let p = Int32(try display("#{pane_pid}", session)) else { throw StopTest(description: "no pane pid") }
        return p
    }

    /// Polls the screen every 50 ms until `predicate` holds; returns that screen. On timeout, fails with
    /// `what` and the last screen.
    @discardableResult
    func waitUntil(_ what: String, in session: String = "t", timeout: TimeInterval = 5,
                   file: StaticString = #filePath, line: UInt = #line, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while true {
            last = try screen(session)
            if predicate(last) { return last }
            if Date() > deadline { break }
            usleep(50_000)
        }
        let text = "Timed out after \(timeout) s waiting for \(what). Last screen:\n\(last)"
        XCTFail(text, file: file, line: line)
        throw StopTest(description: text)
    }

    /// Waits until `text` is on the screen.
    @discardableResult
    func waitFor(_ text: String, in session: String = "t", timeout: TimeInterval = 5,
                 file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try waitUntil("“\(text)”", in: session, timeout: timeout, file: file, line: line) { $0.contains(text) }
    }

    /// Waits until the screen's line `row` (0-based) is exactly `text` (capture-pane trims trailing spaces).
    @discardableResult
    func waitForLine(_ row: Int, _ text: String, in session: String = "t", timeout: TimeInterval = 5,
                     file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try waitUntil("line \(row) to be “\(text)”", in: session, timeout: timeout, file: file, line: line) { screen in
            let lines = screen.components(separatedBy: "\n")
            return lines.indices.contains(row) && lines[row] == text
        }
    }

    func shutdown() {
        _ = try? Shell.run(tmuxPath, ["-S", socket, "kill-server"])
    }
}

/// Running programs and finding files.
enum Shell {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Runs a program to the end (at most `timeout` seconds), with posix_spawn and waitpid. Not Foundation's
    /// Process: it waits for a socket every child inherits to close, and the tmux server (forked from the
    /// client) keeps it open, so it would wait for ever. Output goes through files for the same reason.
    /// `input`, when given, is the program's standard input (else /dev/null).
    static func run(_ exe: String, _ args: [String], env: [String: String] = [:], input: String? = nil, timeout: TimeInterval = 30) throws -> Result {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
        let outPath = tmp.path + ".out", errPath = tmp.path + ".err", inPath = tmp.path + ".in"
        defer {
            unlink(outPath)
            unlink(errPath)
            unlink(inPath)
        }
        if let input {
            guard FileManager.default.createFile(atPath: inPath, contents: Data(input.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw StopTest(description: "cannot write \(inPath)")
            }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input == nil ? "/dev/null" : inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
        let argv: [UnsafeMutablePointer<CChar>?] = ([exe] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &actions, nil, argv, envp)
        guard rc == 0 else { throw StopTest(description: "cannot run \(exe): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw StopTest(description: "waitpid failed for \(exe)") }
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw StopTest(description: "\(exe) \(args.joined(separator: " ")) took more than \(timeout) s")
            }
            usleep(2_000)
        }
        // Exit status as the shell gives it: the code, or 128 + the signal.
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        func read(_ path: String) -> String { String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
        return Result(status: code, stdout: read(outPath), stderr: read(errPath))
    }

    /// True once `pid` has exited (gone, or a zombie nobody has reaped yet).
    static func isGone(_ pid: Int32) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        // The state follows the command name in parentheses: "123 (careplan) Z ...".
        guard let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// Waits for `pid` to exit, polling every 10 ms; returns the seconds it took, or nil on timeout.
    static func waitForExit(_ pid: Int32, timeout: TimeInterval) -> TimeInterval? {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if isGone(pid) { return Date().timeIntervalSince(start) }
            usleep(10_000)
        }
        return isGone(pid) ? Date().timeIntervalSince(start) : nil
    }
}
