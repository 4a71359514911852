import ReliabilityKnobs
import PseudoTerminal
import CareplanCore
import CareplanSQLite
import Foundation
import XCTest

/// The real binary killed with SIGKILL at random moments, hundreds of times, on one store: while it opens
/// the store, while it draws, between keys and in the middle of a burst of ratings. Every answer whose
/// confirmation ("“Pain” rated 7") was drawn before the kill must be in the store, an answer never confirmed
/// may be there or not but nothing else may be, and SQLite's integrity check must stay "ok".
///
/// A pseudo-terminal per run rather than tmux (starting a tmux server per kill would take most of the
/// time); the screen is followed with the bench's small terminal emulator, because ncurses sends only the
/// cells that change. Seeded: `CAREPLAN_RELIABILITY_SEED=<seed>` repeats a run (the timings differ, the
/// choices do not); `CAREPLAN_RELIABILITY_SCALE` multiplies the number of kills (200 at scale 1).
final class CrashLoopTests: EndToEndCase {
    /// The answers as the test knows them: concern label (or `distress`) to score.
    typealias Answers = [String: Int]

    func testKilledAtRandomMomentsLosesNothingConfirmed() throws {
        let seed = Reliability.seed()
        let kills = Reliability.scaled(200)
        var r = SeededRandom(seed: seed)
        print("crash loop: seed \(seed), \(kills) kills (CAREPLAN_RELIABILITY_SEED=\(seed) repeats the choices)")
        let (_, assessmentId) = try Reliability.storeWithAssessment(at: store)
        staffTheStore()
        let env = ["LANG": "C.UTF-8", "TERM": "xterm-256color", "CAREPLAN_HOME": Paths.packageRoot.path, "PATH": "/usr/bin:/bin",
                   "HOME": dir.path, "LINES": "24", "COLUMNS": "80",
                   // The key the store above was made with in this process: careplan writes nothing under another.
                   "CAREPLAN_AUDIT_KEY": AuditKeeper.defaultKeyPath()].merging(TestStore.environment) { $1 }
        var known: Answers = [:]   // what the store held after the last kill
        var reachedChecklist = 0, confirmed = 0, startupKills = 0, freshStoreKills = 0
        let started = Date()

        for i in 0..<kills {
            let context = "seed \(seed), kill \(i + 1)"
            // Now and then, a brand-new store killed while it is being created and migrated.
            if i % 25 == 12 {
                try killDuringCreation(random: &r, env: env, context: context)
                freshStoreKills += 1
                continue
            }
            let p = try PtySession(Paths.careplan, ["--store", store], environment: env)
            if r.chance(0.15) {
                // Killed while starting: opening the store, reading the catalogue, drawing the first screen.
                p.pump(forMs: Double.random(in: 0...250, using: &r))
                p.kill9()
                p.pump(forMs: 50)
                startupKills += 1
            } else {
                try open(p, context: context)
                reachedChecklist += 1
                // The plan for this run: rate the first few concerns from the top, one each, perhaps then
                // the distress score; keys a few ms apart (some arrive together); the kill 0-300 ms in.
                var plan: [[UInt8]] = []
                var sent: Answers = [:]
                let ratings = Int.random(in: 1...12, using: &r)
                for _ in 0..<ratings {
                    plan.append(Array(String(r.pick([0, 2, 3, 4, 5, 6, 7, 8, 9])).utf8))  // never 1: "1 then 0" is 10
                    plan.append(XtermKeys.down)
                }
                if r.chance(0.3) {
                    plan.append(XtermKeys.end)
                    plan.append(Array(String(r.pick([0, 2, 3, 4, 5, 6, 7, 8, 9])).utf8))
                }
                let gaps = plan.map { _ in Double.random(in: 0...15, using: &r) }
                let killAt = Double.random(in: 0...300, using: &r)
                var acknowledged: Answers = [:]
                let watch: (TerminalScreen) -> Void = { screen in
                    if let (label, score) = CrashLoopTests.confirmation(on: screen) { acknowledged[label] = score }
                }
                let burstStart = monotonicMs()
                var row = 0
                for (k, key) in plan.enumerated() {
                    let due = burstStart + gaps[...k].reduce(0, +)
                    if due > burstStart + killAt { break }
                    p.pump(forMs: due - monotonicMs(), watch)
                    p.send(key)
                    if key == XtermKeys.end { row = -1 }
                    if key.count == 1, let digit = Int(String(UnicodeScalar(key[0]))) {
                        sent[row == -1 ? "distress" : "#\(row)"] = digit
                    }
                    if key == XtermKeys.down { row += 1 }
                }
                p.pump(forMs: burstStart + killAt - monotonicMs(), watch)
                p.kill9()
                p.pump(forMs: 100, watch)   // what it drew before it died, still in the pty
                confirmed += acknowledged.count

                // The store, read after the kill: every confirmed answer exactly; others as before or as sent.
                let now = try answers(assessmentId)
                for (label, score) in acknowledged where now[label] != score {
                    XCTFail("\(context): “\(label)” rated \(score) was confirmed on screen before the kill, but the store has \(now[label].map(String.init) ?? "nothing")")
                }
                let sentScores = Set(sent.values)
                for (label, score) in now where known[label] != score && acknowledged[label] == nil && !sentScores.contains(score) {
                    XCTFail("\(context): the store has “\(label)” \(score), which was neither there before (\(known[label].map(String.init) ?? "nothing")) nor typed")
                }
                for (label, score) in known where now[label] == nil {
                    XCTFail("\(context): “\(label)” \(score) was in the store before this run and is gone")
                }
                known = now
            }
            if i % 10 == 9 || i == kills - 1 {
                XCTAssertEqual(try integrity(), "ok", "\(context): PRAGMA integrity_check")
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print("crash loop: \(kills) kills in \(String(format: "%.1f", seconds)) s: \(reachedChecklist) on the checklist (\(confirmed) confirmations checked), "
              + "\(startupKills) while starting, \(freshStoreKills) while creating a new store; \(known.count) answers in the store")
        XCTAssertGreaterThan(confirmed, kills / 2, "too few confirmations seen: the test is not testing much")
        // And the store still opens and works in the real program after all that.
        let p = try PtySession(Paths.careplan, ["--store", store], environment: env)
        try open(p, context: "seed \(seed), after the loop")
        XCTAssertNotNil(p.finish(sending: XtermKeys.ctrl("q")), "careplan did not quit after the loop")
    }

    /// The worklist, Esc to the register, Enter on the patient, Enter on the assessment in progress, until the checklist shows.
    func open(_ p: PtySession, context: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for (key, expected) in [(nil, " careplan · Worklist"), ([0x1B], " careplan · Patients"), (XtermKeys.enter, " careplan · Patient record"), (XtermKeys.enter, " careplan · Concerns checklist")] {
            if let key { p.send(key) }
            let out = p.settle(until: { $0.contains(expected) }, timeoutMs: 10_000)
            if out.timedOut {
                let text = "\(context): “\(expected)” never showed. Screen:\n\(p.screen.text)"
                XCTFail(text, file: file, line: line)
                throw StopTest(description: text)
            }
        }
    }

    /// The confirmation on the message line, if there is one: (label, score) or ("distress", score). Only
    /// when the concern's row (drawn above it, so earlier in the same frame) shows the same score: a frame
    /// read half-way (or cut short by the kill) can leave an old message's end after a new message's start.
    static func confirmation(on screen: TerminalScreen) -> (String, Int)? {
        let lines = screen.lines
        let line = lines[screen.rows - 2].trimmingCharacters(in: .whitespaces)
        if line.hasPrefix("Overall distress "), let n = Int(line.dropFirst(17).prefix { $0.isNumber }) {
            let bar = (n == 10 ? "10" : " \(n)") + " " + String(repeating: "█", count: n) + String(repeating: "░", count: 10 - n)
            let row = lines.contains { $0.hasPrefix("  Overall distress over the past week") && $0.trimmingCharacters(in: .whitespaces).hasSuffix(bar) }
            return row ? ("distress", n) : nil
        }
        guard line.hasPrefix("“"), let close = line.range(of: "” rated "), let n = Int(line[close.upperBound...].prefix { $0.isNumber }) else { return nil }
        let label = String(line[line.index(after: line.startIndex)..<close.lowerBound])
        let row = EndToEndCase.checklistRow(label, n)
        return lines.contains { $0.hasPrefix(row) } ? (label, n) : nil
    }

    /// What the store holds now, read by a connection of the test's own.
    func answers(_ assessmentId: Int64) throws -> Answers {
        let s = try openStore()
        guard let a = try s.assessment(id: assessmentId) else { throw StopTest(description: "the assessment is gone") }
        var out: Answers = [:]
        for c in a.concerns { if let score = c.score { out[c.label] = score } }
        if let d = a.distressScore { out["distress"] = d }
        return out
    }

    func integrity(_ path: String? = nil) throws -> String {
        try openStore(path).integrityCheck()
    }

    /// careplan started on a path (or an empty schema) where no store is yet, killed 0-150 ms in; the store
    /// must then open, be complete (every migration) and pass the integrity check, or not exist yet.
    func killDuringCreation(random r: inout SeededRandom, env: [String: String], context: String) throws {
        let fresh = try freshStore("fresh-\(UUID().uuidString.prefix(6))")
        let p = try PtySession(Paths.careplan, ["--store", fresh], environment: env)
        p.pump(forMs: Double.random(in: 0...150, using: &r))
        p.kill9()
        p.pump(forMs: 50)
        guard TestStore.onPostgres || FileManager.default.fileExists(atPath: fresh) else { return }
        let s = try openStore(fresh)
        XCTAssertEqual(try s.integrityCheck(), "ok", "\(context): a store killed while being created")
        XCTAssertEqual(try s.appliedMigrations(), CareStore.migrationNames, "\(context): a store killed while being created is not fully migrated on reopening")
        XCTAssertEqual(try s.patientCount(), 0)
    }
}
