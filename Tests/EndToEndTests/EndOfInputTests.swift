import Foundation
import XCTest

/// End of input must end careplan, never leave it spinning: a pseudo-terminal whose other end closes
/// (without a hang-up signal: it is not careplan's controlling terminal), and no terminal at all.
final class EndOfInputTests: EndToEndCase {
    func testClosedTerminalEndsTheProgram() throws {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        XCTAssertGreaterThanOrEqual(master, 0, "open /dev/ptmx")
        guard master >= 0, Libc.grantpt(master) == 0, Libc.unlockpt(master) == 0, let name = Libc.ptsname(master) else {
            throw StopTest(description: "no pseudo-terminal")
        }
        let slave = open(String(cString: name), O_RDWR | O_NOCTTY)
        XCTAssertGreaterThanOrEqual(slave, 0)
        var masterOpen = true
        defer { if masterOpen { close(master) } }

        let p = Process()
        p.executableURL = URL(fileURLWithPath: Paths.careplan)
        staffTheStore()
        p.arguments = ["--store", store]
        p.environment = ["LANG": "C.UTF-8", "TERM": "xterm-256color", "LINES": "24", "COLUMNS": "80",
                         "CAREPLAN_HOME": Paths.packageRoot.path, "PATH": "/usr/bin:/bin"]
        let end = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        p.standardInput = end
        p.standardOutput = end
        p.standardError = end
        try p.run()
        try end.close()

        // Read what it draws until the worklist is there (the first screen after sign-in: it is waiting for keys).
        var seen = Data()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !String(decoding: seen, as: UTF8.self).contains("Nothing needs doing") {
            var fd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&fd, 1, 50) > 0 {
                var buf = [UInt8](repeating: 0, count: 4096)
                let n = read(master, &buf, buf.count)
                if n > 0 { seen.append(contentsOf: buf[0..<n]) } else { break }
            }
        }
        XCTAssertTrue(String(decoding: seen, as: UTF8.self).contains("Nothing needs doing"),
                      "careplan did not draw its worklist on the pseudo-terminal")

        close(master)
        masterOpen = false
        let pid = p.processIdentifier
        let started = Date()
        let deadlineExit = Date().addingTimeInterval(3)
        while p.isRunning && Date() < deadlineExit { usleep(10_000) }
        if p.isRunning {
            kill(pid, SIGKILL)
            p.waitUntilExit()
            XCTFail("careplan still running 3 s after its terminal closed: end of input must end it")
            return
        }
        p.waitUntilExit()
        let took = Date().timeIntervalSince(started)
        XCTAssertLessThanOrEqual(took, 1, "careplan took \(took) s to notice its terminal had closed")
        XCTAssertEqual(p.terminationReason, .exit)
        XCTAssertEqual(p.terminationStatus, 0)
    }

    func testNoTerminalIsRefusedAtOnce() throws {
        let started = Date()
        let r = try Shell.run(Paths.careplan, ["--store", store], env: ["CAREPLAN_HOME": Paths.packageRoot.path, "TERM": "xterm-256color"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("careplan needs an interactive terminal"), r.stderr)
    }
}

/// The pseudo-terminal calls Swift's Glibc module does not export (they need _XOPEN_SOURCE), from libc itself.
enum Libc {
    typealias IntOfFD = @convention(c) (Int32) -> Int32
    typealias NameOfFD = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
    static func symbol<T>(_ name: String, _ type: T.Type) -> T {
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { fatalError("libc has no \(name)") }
        return unsafeBitCast(p, to: type)
    }
    static func grantpt(_ fd: Int32) -> Int32 { symbol("grantpt", IntOfFD.self)(fd) }
    static func unlockpt(_ fd: Int32) -> Int32 { symbol("unlockpt", IntOfFD.self)(fd) }
    static func ptsname(_ fd: Int32) -> UnsafeMutablePointer<CChar>? { symbol("ptsname", NameOfFD.self)(fd) }
}
