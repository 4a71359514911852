import PseudoTerminal
import CareplanCore
import Foundation

// The terminal measurements: careplan and `dialog --checklist` in the same 80x24 pty.

/// Start-up: from spawn to the last byte of the first complete screen (the expected text is on the
/// screen and no byte has come for 30 ms).
struct StartupRun {
    var ms: Double
    var bytes: Int
    var peakKB: Int?
    /// The screen as it was when measured (to check by eye with --show-bytes).
    var screen: String
}

extension Bench {
    static let startupRuns = 7

    /// dialog showing the same concerns as careplan's checklist, sized by dialog to the terminal.
    func dialogArguments() throws -> [String] {
        let catalogue = try configuration().catalogues["ncat-hna"]!
        var args = ["--no-tags", "--title", "Concerns checklist", "--checklist",
                    "What has worried the patient over the past week?", "0", "0", "0"]
        for (category, item) in catalogue.allItems { args += ["\(category.id)/\(item.id)", item.label, "off"] }
        return args
    }

    func dialogReady(_ s: TerminalScreen) -> Bool { s.contains("Cancel") && s.contains("Breathing difficulties") }

    func careplanArguments(store: String) -> [String] { ["--store", store] }

    /// careplan opens on the worklist, a clinician's home (issue 14): ready when it has drawn what it shows.
    func careplanReady(patients: Int) -> (TerminalScreen) -> Bool {
        { s in s.contains("^Q quit") && s.contains("careplan · Worklist") && s.contains("Showing:") }
    }

    func startupDialog() throws -> [StartupRun] {
        guard let dialog else { return [] }
        let args = try dialogArguments()
        return try (0..<Self.startupRuns).map { _ in
            try startup(dialog, args, environment: terminalEnvironment, ready: dialogReady, quit: Keys.enter)
        }
    }

    func startupCareplan(patients: Int) throws -> [StartupRun] {
        let store = try self.store(stores.seeded(patients), schema: "bench_\(patients)")
        return try (0..<Self.startupRuns).map { _ in
            try startup(careplan, careplanArguments(store: store), environment: careplanEnvironment,
                        ready: careplanReady(patients: patients), quit: Keys.ctrl("q"))
        }
    }

    private func startup(_ exe: String, _ args: [String], environment: [String: String],
                         ready: @escaping (TerminalScreen) -> Bool, quit: [UInt8]) throws -> StartupRun {
        let p = try PtySession(exe, args, environment: environment)
        let out = p.settle(until: ready)
        if out.timedOut || !ready(p.screen) {
            throw CLIFailure("\(exe) did not show its first screen:\n\(p.screen.text)")
        }
        let peak = p.peakResidentKB()
        p.finish(sending: quit)
        return StartupRun(ms: (out.lastByteAt ?? p.spawnedAt) - p.spawnedAt, bytes: out.bytes.count, peakKB: peak, screen: p.screen.text)
    }
}

/// Per keystroke: the bytes drawn and the time from the write to the last byte, for one kind of key.
struct KeySamples {
    var name: String
    var bytes = Samples()
    var settle = Samples()
    /// One typical keystroke's output (the second one: past any first-time drawing), to show with --show-bytes.
    var example: [UInt8] = []

    mutating func add(_ r: (bytes: [UInt8], settleMs: Double)) {
        if bytes.count == 1 { example = r.bytes }
        bytes.add(Double(r.bytes.count))
        settle.add(r.settleMs)
    }
}

struct KeyRun {
    var kinds: [KeySamples]
    var peakKB: Int?
}

extension Bench {
    /// Down presses measured per round: then as many Up presses (not measured) go back to the top.
    static let downsPerRound = 20
    static let rounds = 5
    static let screenChanges = 20
    static let noteText = Array("Wants to keep walking the dog each morning; tired after 3 pm. ")

    /// dialog's checklist: Down through the list (with its scrolling), as careplan's checklist is measured.
    func keysDialog() throws -> KeyRun? {
        guard let dialog else { return nil }
        let p = try PtySession(dialog, try dialogArguments(), environment: terminalEnvironment)
        guard !p.settle(until: dialogReady).timedOut else { throw CLIFailure("dialog did not start:\n\(p.screen.text)") }
        var down = KeySamples(name: "Down in the checklist")
        moveDownAndBack(p, &down)
        let peak = p.peakResidentKB()
        p.finish(sending: Keys.enter)
        return KeyRun(kinds: [down], peakKB: peak)
    }

    private func moveDownAndBack(_ p: PtySession, _ samples: inout KeySamples) {
        for _ in 0..<Self.rounds {
            for _ in 0..<Self.downsPerRound { samples.add(p.keystroke(Keys.down)) }
            for _ in 0..<Self.downsPerRound { _ = p.keystroke(Keys.up) }
        }
    }

    /// careplan: find the bench patient, open their assessment in progress, then Down in the checklist,
    /// Ctrl-N and Ctrl-P between checklist and prioritisation, and typing in a conversation note.
    func keysCareplan(patients: Int) throws -> KeyRun {
        // On a server: a fresh copy of the seeded store (as the file's keystroke copy is one), the patient added there.
        let (store, patient) = try postgres == nil ? stores.withBenchPatient(patients) : { () throws -> (String, BenchPatient) in
            let address = try self.store(stores.seeded(patients), schema: "bench_keys_\(patients)", reuse: false)
            return (address, try BenchPatient.add(to: BenchStore.open(address)))
        }()
        let p = try PtySession(careplan, careplanArguments(store: store), environment: careplanEnvironment)
        func reach(_ keys: [UInt8], _ text: String) throws {
            if !keys.isEmpty { p.send(keys) }
            let out = p.settle(until: { $0.contains(text) }, timeoutMs: 10_000)
            if out.timedOut { throw CLIFailure("careplan did not show “\(text)”:\n\(p.screen.text)") }
        }
        try reach([], "^Q quit")
        try reach(Keys.escape, "careplan · Patients")
        try reach(Array(patient.nhsNumber.digits.utf8), BenchPatient.familyName.uppercased())
        try reach(Keys.enter, "· Patient record")
        try reach(Keys.enter, "· Concerns checklist")

        var down = KeySamples(name: "Down in the checklist")
        moveDownAndBack(p, &down)

        var next = KeySamples(name: "Ctrl-N (checklist to prioritise)")
        var back = KeySamples(name: "Ctrl-P (prioritise to checklist)")
        for _ in 0..<Self.screenChanges {
            next.add(p.keystroke(Keys.ctrl("n")))
            back.add(p.keystroke(Keys.ctrl("p")))
        }

        try reach(Keys.ctrl("n"), "· Prioritise")
        try reach(Keys.ctrl("n"), "· Conversation notes")
        var typing = KeySamples(name: "typing in a note")
        for i in 0..<(Self.rounds * Self.downsPerRound) {
            typing.add(p.keystroke(Array(String(Self.noteText[i % Self.noteText.count]).utf8)))
        }
        let peak = p.peakResidentKB()
        p.send(Keys.ctrl("q"))
        _ = p.settle()
        if !p.exited { p.finish(sending: Array("y".utf8)) }  // "Not saved yet. Leave anyway?"
        return KeyRun(kinds: [down, next, back, typing], peakKB: peak)
    }
}
