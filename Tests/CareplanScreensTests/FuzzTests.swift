import ReliabilityKnobs
@testable import CareplanCore
@testable import CareplanSQLite
import CareplanRuntime
import CareplanScreens
import Foundation
import GRDB
import TermUI
import XCTest

/// Bad input thrown at the pure state machine: thousands of seeded random key sequences over both flows
/// (all Key cases, control characters, escape sequences, bidi controls, zero-width and combining marks,
/// emoji, CJK, 100 KB pastes), with random resizes from 1x1 to 300x100 and clock ticks in between.
///
/// After every event: the program has not crashed, the grid is exactly the size asked, and no cell holds a
/// control or bidi character. After every sequence: no text column of the store holds one either.
///
/// Repeat a run with `CAREPLAN_RELIABILITY_SEED=<seed>` (printed at the start and in every failure); run one
/// sequence alone with `CAREPLAN_FUZZ_SEQUENCE=<n>` as well. `CAREPLAN_RELIABILITY_SCALE=10` runs ten times as many.
final class FuzzTests: XCTestCase {
    /// Sequences per flow at scale 1, and events per sequence (resizes and ticks included).
    /// Sized for about 30 s per flow on a busy 2-core CI machine (a debug build renders a screen in ~1-2 ms).
    static let sequences = 500
    static let events = 24

    func testClinicianFlowSurvivesRandomInput() throws {
        try fuzz(flow: "clinician")
    }

    func testKioskFlowSurvivesRandomInput() throws {
        try fuzz(flow: "kiosk")
    }

    // MARK: - The run

    func fuzz(flow: String) throws {
        let seed = Reliability.seed()
        let count = Reliability.scaled(FuzzTests.sequences)
        let only = ProcessInfo.processInfo.environment["CAREPLAN_FUZZ_SEQUENCE"].flatMap(Int.init)
        print("fuzz \(flow): seed \(seed), \(count) sequences of \(FuzzTests.events) events (CAREPLAN_RELIABILITY_SEED=\(seed) repeats it)")
        CrashNote.install()
        defer { CrashNote.set("") }
        FuzzRun.setupSeconds = 0; FuzzRun.checkSeconds = 0; FuzzRun.storeSeconds = 0
        let started = Date()
        var failures = 0, reached = 0
        for i in 0..<count where only == nil || only == i {
            var r = SeededRandom(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
            let where_ = "fuzz \(flow), seed \(seed), sequence \(i) (CAREPLAN_RELIABILITY_SEED=\(seed) CAREPLAN_FUZZ_SEQUENCE=\(i))"
            CrashNote.set("careplan crashed in " + where_ + "\n")
            let t0 = Date()
            let run = try FuzzRun(flow: flow, random: &r, huge: i % 100 == 7)
            FuzzRun.setupSeconds += Date().timeIntervalSince(t0)
            defer { if run.reachedStore { reached += 1 } }
            if let problem = run.go(events: FuzzTests.events, random: &r) {
                XCTFail("\(where_): \(problem)\nlast keys: \(run.log.suffix(25).joined(separator: " "))")
                failures += 1
                if failures >= 5 { break }
            }
        }
        let f = { (x: Double) in String(format: "%.1f", x) }
        print("fuzz \(flow): \(count) sequences in \(f(Date().timeIntervalSince(started))) s (setting up \(f(FuzzRun.setupSeconds)) s, "
              + "rendering and checking screens \(f(FuzzRun.checkSeconds)) s, checking the store \(f(FuzzRun.storeSeconds)) s); "
              + "\(reached) stored typed text beyond ASCII")
        if only == nil { XCTAssertGreaterThan(reached, count / 20, "few sequences got typed text into the store: the fuzzer is not reaching it") }
    }
}

/// One sequence: a fresh in-memory store with a patient and an assessment (clinician) or an issued kiosk
/// code (kiosk), a program on it, and the events.
final class FuzzRun {
    static let nhs = NHSNumber("9434765919")!
    static let dob = LocalDate(year: 1961, month: 3, day: 5)!

    nonisolated(unsafe) static var setupSeconds = 0.0, checkSeconds = 0.0, storeSeconds = 0.0
    let flow: String
    let store: CareStore
    var program: Program
    var now = Harness.start
    var size: Size
    var log: [String] = []
    var code = ""
    var huge: Bool
    /// Whether the sequence got typed text beyond ASCII into the store (so the store check checked something).
    var reachedStore = false

    init(flow: String, random r: inout SeededRandom, huge: Bool) throws {
        NSTimeZone.default = TimeZone(identifier: "UTC")!
        self.flow = flow
        self.huge = huge
        store = try CareStore()
        let p = try store.addPatient(Patient(nhsNumber: FuzzRun.nhs, familyName: "Wiśniewski", givenName: "Siân", dateOfBirth: FuzzRun.dob), now: now)
        let catalogue = Harness.configuration.catalogues["ncat-hna"]!
        if flow == "kiosk" {
            code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .initialDiagnosis, catalogue: catalogue, by: "Nurse", now: now).code
            // The staff PIN's scrypt takes a good part of a second in a debug build: derived once, copied.
            let rows = FuzzRun.staffPINSetting
            try store.db.write { db in
                for row in rows { try db.execute(sql: "INSERT INTO setting (name, value) VALUES (?, ?)", arguments: [row[0], row[1]]) }
            }
        } else {
            _ = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician,
                                          date: LocalDate(now), catalogue: catalogue, createdBy: "Nurse", now: now)
        }
        size = r.chance(0.5) ? Size(width: 80, height: 24) : FuzzRun.randomSize(&r)
        program = Program(store: store, configuration: Harness.configuration, flowId: flow, user: "Nurse Fuzz",
                          signedIn: flow == "clinician" ? Harness.nurse : nil, size: size, now: now)
        // Where the sequence starts: mostly deep in the flow, in a box taking text, where answers and
        // notes are stored (otherwise few sequences would get their text as far as the store).
        let start = Double.random(in: 0..<1, using: &r)
        if flow == "kiosk" {
            if start >= 0.15 {
                for k: Key in [.enter, .text(code), .tab, .text("05/03/1961"), .enter] { send(k) }      // the checklist
            }
            if start >= 0.6 {
                for _ in 0..<6 { send(.enter) }                                                       // past the six pages
                send(.text("5")); send(.enter)                                                        // distress: the message box
            }
        } else if start >= 0.1 {
            send(.escape)                                                 // from the worklist, where signing in opens, to the patients
            send(.enter); send(.enter)                                    // the patient, then the assessment in progress
            if start < 0.3 {
                // stays on the checklist
            } else if start < 0.45 {
                send(.end); send(.up); send(.enter)                       // a concern in the patient's own words
            } else if start < 0.85 {
                send(.ctrl("n")); send(.ctrl("n"))                        // notes: typing into "What matters to me"
            } else {
                for _ in 0..<Int.random(in: 1...4, using: &r) { send(.ctrl("n")) }
            }
        }
    }

    /// The `setting` rows of a store whose staff PIN is "ward7-kiosk".
    static let staffPINSetting: [[String]] = {
        let template = try! CareStore()
        try! template.setStaffPIN("ward7-kiosk", lockout: Harness.configuration.policy.kioskLockout)
        return try! template.db.read { db in try GRDB.Row.fetchAll(db, sql: "SELECT name, value FROM setting").map { [$0["name"], $0["value"]] } }
    }()

    /// 1x1 to 300x100: a quarter anywhere in that range, the rest where screens change layout (tiny, around
    /// the 40x12 minimum) or where they are used (80x24 and up).
    static func randomSize(_ r: inout SeededRandom) -> Size {
        switch Double.random(in: 0..<1, using: &r) {
        case ..<0.15: return Size(width: Int.random(in: 1...12, using: &r), height: Int.random(in: 1...6, using: &r))
        case ..<0.40: return Size(width: Int.random(in: 36...44, using: &r), height: Int.random(in: 10...14, using: &r))
        case ..<0.75: return Size(width: Int.random(in: 45...132, using: &r), height: Int.random(in: 15...50, using: &r))
        default: return Size(width: Int.random(in: 1...300, using: &r), height: Int.random(in: 1...100, using: &r))
        }
    }

    /// Words that mean something to some screen, so sequences get past the forms.
    static let tokens = ["943 476 5919", "9434765919", "Wiśniewski", "Siân", "05/03/1961", "23/02/2027", "1/1/2030", "31/11/2026",
                         "Breast", "C50.9", "pain", "worry", "fatig", "10", "ward7-kiosk", "wrong-pin", "123456", "y", "n"]

    func randomKey(_ r: inout SeededRandom) -> Key {
        let roll = Double.random(in: 0..<1, using: &r)
        switch roll {
        case ..<0.30:
            return .text(String(r.pick(Array("0123456789 abcdefghijklmnopqrstuvwxyzAENKVY?[]+-,./"))))
        case ..<0.55:
            return r.pick([.enter, .tab, .backTab, .backspace, .delete, .escape, .up, .down, .left, .right, .home, .end,
                           .pageUp, .pageDown, .wordLeft, .wordRight, .enter, .down, .down, .up, .escape] as [Key])
        case ..<0.65:
            return .ctrl(r.pick(Array("abcdefghijklmnopqrstuvwxyz\\[]^_")))
        case ..<0.67:
            return .function(r.chance(0.9) ? Int.random(in: 1...12, using: &r) : r.pick([0, -1, 13, 64, Int.max]))
        case ..<0.70:
            return .resize   // without a size change: the loop may deliver it twice
        case ..<0.77:
            return .text(r.pick(FuzzRun.tokens))
        case ..<0.97:
            return .text(NastyText.mixed(&r, pieces: Int.random(in: 1...(r.chance(0.1) ? 400 : 12), using: &r)))
        default:
            // One nasty piece, alone or repeated (a key held down, a paste of the same thing).
            let piece = NastyText.mixed(&r, pieces: 1)
            return .text(r.chance(0.5) ? String(repeating: piece, count: Int.random(in: 2...60, using: &r)) : piece)
        }
    }

    /// Runs `events` random events; returns what went wrong, or nil.
    func go(events: Int, random r: inout SeededRandom) -> String? {
        if let p = check() { return "before any key: " + p }
        for e in 0..<events {
            let roll = Double.random(in: 0..<1, using: &r)
            if roll < 0.06 {
                size = FuzzRun.randomSize(&r)
                log.append("resize(\(size.width)x\(size.height))")
                program.resize(size)
                send(.resize)
            } else if roll < 0.14 {
                let dt = r.chance(0.1) ? Double.random(in: 100...200, using: &r) : Double.random(in: 0...2.5, using: &r)
                now += dt
                log.append("tick(+\(String(format: "%.1f", dt)))")
                effects(program.tick(now: now))
            } else {
                let key: Key = (huge && e == events / 2) ? .text(NastyText.huge(&r)) : randomKey(&r)
                send(key)
            }
            if let p = check() { return "after event \(e): " + p }
        }
        program.flush(now: now)
        return storeProblem()
    }

    func send(_ key: Key) {
        log.append(key.name)
        effects(program.handle(key, now: now))
    }

    /// Quit is what the run loop would do: flush, exit; the next person starts the program again on the store.
    func effects(_ list: [Effect]) {
        guard list.contains(.quit) else { return }
        program.flush(now: now)
        log.append("(quit: restarted)")
        program = Program(store: store, configuration: Harness.configuration, flowId: flow, user: "Nurse Fuzz",
                          signedIn: flow == "clinician" ? Harness.nurse : nil, size: size, now: now)
    }

    /// The rendered grid: its size, and what its cells hold.
    func check() -> String? {
        let t0 = Date()
        defer { FuzzRun.checkSeconds += Date().timeIntervalSince(t0) }
        let g = program.render()
        if g.size != size { return "grid is \(g.width)x\(g.height), asked for \(size.width)x\(size.height)" }
        if g.cells.count != size.width * size.height { return "grid has \(g.cells.count) cells for \(size.width)x\(size.height)" }
        let cells = g.cells, w = g.width
        for (i, c) in cells.enumerated() {
            if let b = c.text.utf8.first, b >= 0x20, b < 0x7F, c.text.utf8.count == 1, c.width == 1 { continue }  // fast path: ASCII
            if c.text.unicodeScalars.contains(where: { NastyText.isForbidden($0.value) }), let bad = NastyText.forbidden(in: c.text) {
                return "cell (\(i % w), \(i / w)) holds \(bad): \(String(reflecting: c.text)) on \(program.currentKind)"
            }
            if c.width == 2 && (i % w == w - 1 || !cells[i + 1].isContinuation) {
                return "double-width cell (\(i % w), \(i / w)) \(String(reflecting: c.text)) has no continuation cell on \(program.currentKind)"
            }
            if c.isContinuation && (i % w == 0 || cells[i - 1].width != 2) {
                return "continuation cell (\(i % w), \(i / w)) does not follow a double-width cell on \(program.currentKind)"
            }
        }
        return nil
    }

    /// Every text value in every table of the store (LF allowed only in the multi-line columns).
    func storeProblem() -> String? {
        let t0 = Date()
        defer { FuzzRun.storeSeconds += Date().timeIntervalSince(t0) }
        let multiline: Set<String> = ["note", "what_matters", "patient_message"]
        do {
            return try store.db.read { db -> String? in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                for table in tables {
                    for row in try GRDB.Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"") {
                        for (column, value) in row {
                            guard case .string(let text) = value.storage else { continue }
                            if let bad = NastyText.forbidden(in: text, allowNewline: multiline.contains(column)) {
                                return "store: \(table).\(column) holds \(bad): \(String(reflecting: String(text.prefix(200))))"
                            }
                            if table != "patient" && table != "setting" && !text.unicodeScalars.allSatisfy(\.isASCII) { reachedStore = true }
                        }
                    }
                }
                return nil
            }
        } catch {
            return "store: \(error)"
        }
    }
}

/// What to print if the process dies of a trap in the middle of a sequence: which seed and sequence to
/// repeat. Written from the signal handler with write(2); the handler then puts back the one it replaced
/// (Swift's backtracer) and returns, so the faulting instruction runs again and that one reports the crash.
enum CrashNote {
    nonisolated(unsafe) static var buffer = UnsafeMutablePointer<CChar>.allocate(capacity: 1024)
    nonisolated(unsafe) static var length = 0
    nonisolated(unsafe) static var installed = false
    nonisolated(unsafe) static var previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

    static func set(_ text: String) {
        let bytes = Array(text.utf8.prefix(1023))
        length = 0
        for (i, b) in bytes.enumerated() { buffer[i] = CChar(bitPattern: b) }
        length = bytes.count
    }

    static func install() {
        guard !installed else { return }
        installed = true
        for sig in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                _ = write(2, CrashNote.buffer, CrashNote.length)
                sigaction(sig, CrashNote.previous + Int(sig), nil)
            }
            sigaction(sig, &action, previous + Int(sig))
        }
    }
}
