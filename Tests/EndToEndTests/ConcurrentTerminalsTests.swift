import ReliabilityKnobs
import CareplanCore
import CareplanSQLite
import Foundation
import XCTest

/// Eight real careplan processes on one store at once, in one tmux server: four clinicians (three on the
/// same assessment, one on another) and four kiosks (each a patient's own self-assessment), taking turns a
/// key at a time so their saves interleave. Every answer confirmed on any screen must be in the store at
/// the end; a clinician told "another terminal changed" gives the answer again, as a nurse would, and
/// then it must be saved. All eight still running; the integrity check "ok".
final class ConcurrentTerminalsTests: EndToEndCase {
    struct Terminal {
        var session: String
        var kiosk: Bool
        /// Checklist rows (clinician) or page-1 item numbers (kiosk) still to rate, with the score to give.
        var todo: [(Int, Int)]
        var assessmentId: Int64
        var moved = 0
        var conflicts = 0
        var confirmed: [String: Int] = [:]
    }

    func testFourCliniciansAndFourKiosksOnOneStore() throws {
        let seed = Reliability.seed()
        var r = SeededRandom(seed: seed)
        let perTerminal = Reliability.scaled(5)
        print("8 terminals: seed \(seed), \(perTerminal) answers each")
        let t = tmux!
        // The store: two patients with an assessment each (clinicians), four with a kiosk code each.
        let catalogue = try ConcernCatalogue.load(from: Paths.packageRoot.appendingPathComponent("Resources/catalogues/ncat-hna.yaml"),
                                                  displayPath: "ncat-hna.yaml").get()
        let s = try openStore()
        func patient(_ n: Int, _ family: String) throws -> Patient {
            let digits = FictionalNHS.spaced(n).replacingOccurrences(of: " ", with: "")
            return try s.addPatient(Patient(nhsNumber: NHSNumber(digits)!, familyName: family, givenName: "Alex",
                                            dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!))
        }
        var assessments: [Int64] = []
        for (n, family) in [(1, "Shared"), (2, "Separate")] {
            let p = try patient(n, family)
            assessments.append(try s.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician,
                                                     date: LocalDate(Date()), catalogue: catalogue, createdBy: "Nurse").id)
        }
        var codes: [KioskCode] = []
        for n in 3...6 {
            let p = try patient(n, "Kiosk\(n)")
            codes.append(try s.issueKioskCode(patientId: p.id!, pathwayPoint: .initialDiagnosis, catalogue: catalogue, by: "Nurse"))
        }
        try s.setStaffPIN("ward7-kiosk", lockout: testLockout)

        // Clinicians 0-2 on the shared assessment, each on rows of its own; clinician 3 on the other one.
        var terminals: [Terminal] = []
        for c in 0..<4 {
            let first = c == 3 ? 0 : c * perTerminal
            let rows = (0..<perTerminal).map { (first + $0, r.pick([0, 2, 3, 4, 5, 6, 7, 8, 9])) }
            terminals.append(Terminal(session: "c\(c)", kiosk: false, todo: rows, assessmentId: assessments[c == 3 ? 1 : 0]))
        }
        for k in 0..<4 {
            let items = Array((1...18).shuffled(using: &r).prefix(min(perTerminal, 18))).map { ($0, r.pick([0, 2, 3, 4, 5, 6, 7, 8, 9])) }
            terminals.append(Terminal(session: "k\(k)", kiosk: true, todo: items, assessmentId: codes[k].assessmentId))
        }

        // Start all eight and bring each to its checklist.
        for (i, term) in terminals.enumerated() {
            // `careplan kiosk --store ...` for a kiosk.
            let command = term.kiosk ? careplanCommand().replacingOccurrences(of: " --store ", with: " kiosk --store ") : careplanCommand()
            try t.start(term.session, remainOnExit: true, command: command)
            if term.kiosk {
                try t.waitFor("Press Enter to start.", in: term.session)
                try t.keys("Enter", to: term.session)
                try t.type(codes[i - 4].code, to: term.session)
                try t.keys("Tab", to: term.session)
                try t.type("05/03/1961", to: term.session)
                try t.keys("Enter", to: term.session)
                try t.waitFor("Thank you for doing this", in: term.session)
            } else {
                try toPatients(term.session)
                try t.type(i == 3 ? "Separate" : "Shared", to: term.session)
                try t.waitUntil("only the patient searched for", in: term.session) { screen in
                    screen.contains((i == 3 ? "SEPARATE" : "SHARED") + ", Alex") && !screen.contains(i == 3 ? "SHARED, Alex" : "SEPARATE, Alex")
                }
                try t.keys("Enter", to: term.session)
                try t.waitFor(" careplan · Patient record", in: term.session)
                try t.keys("Enter", to: term.session)
                try t.waitFor(" careplan · Concerns checklist", in: term.session)
            }
        }

        // Rounds: every terminal gets ready (moves to its row, opens the rating), then all eight are sent
        // their answer at once, then each is read back; the saves land on the store together.
        let started = Date()
        func messageGone(_ screen: String) -> Bool { !screen.contains("” rated ") && !screen.contains("another terminal changed") }
        while terminals.contains(where: { !$0.todo.isEmpty }) {
            let active = terminals.indices.filter { !terminals[$0].todo.isEmpty }
            for i in active {
                let (row, _) = terminals[i].todo[0]
                let session = terminals[i].session
                if terminals[i].kiosk {
                    try t.type(String(row), to: session)
                    try t.type(" ", to: session)
                    try t.waitFor("0 = not at all", in: session)
                } else {
                    if terminals[i].moved == row { try t.keys("Down", "Up", to: session) }   // a retry: clear the message first
                    while terminals[i].moved < row {
                        try t.keys("Down", to: session)
                        terminals[i].moved += 1
                    }
                    try t.waitUntil("the message line to clear", in: session, messageGone)
                }
            }
            for i in active {
                let score = terminals[i].todo[0].1
                try t.type(String(score), to: terminals[i].session)
                if terminals[i].kiosk { try t.keys("Enter", to: terminals[i].session) }
            }
            for i in active {
                let score = terminals[i].todo[0].1
                let session = terminals[i].session
                if terminals[i].kiosk {
                    let screen = try t.waitUntil("“…, \(score) out of 10” saved", in: session) { $0.contains("Saved: ") && $0.contains(", \(score) out of 10") }
                    if let line = screen.components(separatedBy: "\n").first(where: { $0.contains("Saved: ") }),
                       let start = line.range(of: "Saved: "), let end = line.range(of: ", \(score) out of 10") {
                        terminals[i].confirmed[String(line[start.upperBound..<end.lowerBound])] = score
                    }
                    terminals[i].todo.removeFirst()
                } else {
                    let screen = try t.waitUntil("a rating or a conflict", in: session) {
                        $0.contains("” rated \(score)") || $0.contains("another terminal changed")
                    }
                    if screen.contains("another terminal changed") {
                        terminals[i].conflicts += 1   // given again in the next round, as a nurse would
                    } else {
                        let line = screen.components(separatedBy: "\n").first { $0.contains("” rated \(score)") }!
                        let label = String(line.drop { $0 != "“" }.dropFirst().prefix { $0 != "”" })
                        terminals[i].confirmed[label] = score
                        terminals[i].todo.removeFirst()
                    }
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)

        for term in terminals {
            XCTAssertEqual(try t.display("#{pane_dead}", term.session), "0", "\(term.session) died (seed \(seed))")
            let a = try XCTUnwrap(try s.assessment(id: term.assessmentId))
            for (label, score) in term.confirmed {
                // A kiosk says the item's plain words; the store keeps the catalogue's key and label.
                let key = term.kiosk ? catalogue.allItems.first { $0.item.plain == label }?.item.id : nil
                let stored = a.concerns.first { term.kiosk ? $0.key == key : $0.label == label }
                XCTAssertEqual(stored?.score, score, "\(term.session): “\(label)” \(score) was confirmed on screen (seed \(seed))")
            }
            XCTAssertEqual(term.confirmed.count, perTerminal, "\(term.session): every answer confirmed")
        }
        let shared = try XCTUnwrap(try s.assessment(id: assessments[0]))
        XCTAssertEqual(shared.concerns.count, 3 * perTerminal, "the shared assessment has every clinician's answers")
        XCTAssertEqual(try s.integrityCheck(), "ok")
        print("8 terminals: \(terminals.map(\.confirmed.count).reduce(0, +)) answers in \(String(format: "%.1f", seconds)) s, "
              + "\(terminals.map(\.conflicts).reduce(0, +)) conflicts told and given again")
    }

    /// One patient with an assessment, "what matters to me" holding `whatMatters`, open on the notes of
    /// terminals "a" and "b".
    func twoTerminalsInNotes(whatMatters: String = "") throws -> (CareStore, Int64) {
        let t = tmux!
        let (_, id) = try Reliability.storeWithAssessment(at: store, family: "Shared")
        let s = try openStore()
        if !whatMatters.isEmpty, let a = try s.assessment(id: id) { _ = try s.apply(.setWhatMattersToMe(whatMatters), to: id, basedOn: a) }
        for session in ["a", "b"] {
            try t.start(session, remainOnExit: true, command: careplanCommand())
            try toPatients(session)
            try openChecklist(of: "Shared", in: session)
            try t.keys("C-n", "C-n", to: session)
            try t.waitFor(" careplan · Conversation notes", in: session)
        }
        return (s, id)
    }

    /// Two real terminals typing into the same note, as nurses at two ward terminals: both texts end in the
    /// store, each screen shows the other's within a moment, neither says "saved" for text the store does not
    /// have, moving the cursor writes nothing, and Ctrl-Q with a note still saving saves it.
    func testTwoTerminalsTypingIntoTheSameNoteKeepBothTexts() throws {
        let t = tmux!
        let (s, id) = try twoTerminalsInNotes()
        func stored() throws -> String { try XCTUnwrap(try s.assessment(id: id)).whatMattersToMe }
        func waitForStore(_ what: String, _ ok: (String) -> Bool) throws {
            let deadline = Date().addingTimeInterval(6)
            while Date() < deadline { if try ok(stored()) { return }; usleep(50_000) }
            XCTFail("the store never had \(what): “\(try stored())”\nA:\n\(try t.screen("a"))\nB:\n\(try t.screen("b"))")
            throw StopTest(description: what)
        }
        /// A screen that says saved shows every line of the stored text.
        func assertNoFalseSaved(_ session: String) throws {
            let screen = try t.screen(session)
            guard screen.contains("· saved") else { return }
            for piece in try stored().split(separator: "\n") where piece.count < 40 {
                XCTAssertTrue(screen.contains(piece), "\(session) says saved without “\(piece)” that is stored:\n\(screen)")
            }
        }

        try t.type(" AAA-one", to: "a")
        usleep(300_000)
        try t.type(" BBB-two", to: "b")
        try waitForStore("both texts") { $0.contains("AAA-one") && $0.contains("BBB-two") }
        let both = try stored()
        XCTAssertTrue(both.contains(AssessmentChange.alsoTyped), both)
        try t.waitUntil("both texts on A, saved", in: "a") { $0.contains("AAA-one") && $0.contains("BBB-two") && $0.contains("· saved") }
        try t.waitUntil("both texts on B, saved", in: "b") { $0.contains("AAA-one") && $0.contains("BBB-two") && $0.contains("· saved") }
        try assertNoFalseSaved("a")
        try assertNoFalseSaved("b")

        // Moving the cursor writes nothing.
        let before = try XCTUnwrap(try s.assessment(id: id))
        try t.keys("Left", "Left", "Home", to: "a")
        usleep(1_600_000)
        XCTAssertEqual(try s.assessment(id: id), before, "A's cursor moves changed the store")

        // B types and quits at once, while its note says saving…, just after A saved to the same note.
        try t.keys("C-e", to: "a")
        try t.type(" DDD", to: "a")
        try t.keys("C-e", to: "b")
        try t.type(" CCC", to: "b")
        try t.waitFor("saving…", in: "b")
        try waitForStore("A's second text") { $0.contains("DDD") }
        let pid = try t.pid("b")
        try t.keys("C-q", to: "b")
        try waitForExit(pid, limit: 3, "Ctrl-Q")
        let final = try stored()
        XCTAssertTrue(final.contains("CCC"), "B's text typed before Ctrl-Q was lost: \(final)")
        for word in ["AAA-one", "BBB-two", "DDD"] { XCTAssertTrue(final.contains(word), final) }
        try t.waitUntil("B's last words on A", in: "a") { $0.contains("CCC") }
        try assertNoFalseSaved("a")
        XCTAssertEqual(try s.integrityCheck(), "ok")
    }
    /// Two real terminals typing into one note that holds a sentence, each 12 words with pauses of 0.1 to
    /// 0.6 s, interleaved (seeded) over about 5 s: the note ends with the sentence once, every word of each
    /// once, at most a mark or two (not one per save), and both screens showing it, saved.
    func testTwoTerminalsTypingInOneNoteForSecondsAddOnlyWhatEachTyped() throws {
        let t = tmux!
        let seed = Reliability.seed()
        var r = SeededRandom(seed: seed)
        let original = "Lives alone since wife died"
        let (s, id) = try twoTerminalsInNotes(whatMatters: original)
        for session in ["a", "b"] { try t.waitFor(original, in: session) }
        var events: [(at: Double, session: String, word: String)] = []
        for session in ["a", "b"] {
            var at = Double(r.int(300)) / 1000
            for w in 1...12 { events.append((at, session, " \(session)\(w)x")); at += 0.1 + Double(r.int(500)) / 1000 }
        }
        let start = Date()
        for e in events.sorted(by: { $0.at < $1.at }) {
            let wait = e.at - Date().timeIntervalSince(start)
            if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
            try t.type(e.word, to: e.session)
        }
        let words = events.map { $0.word.trimmingCharacters(in: .whitespaces) }
        for session in ["a", "b"] {
            try t.waitUntil("every word on \(session), saved", in: session, timeout: 8) { screen in
                screen.contains("· saved") && words.allSatisfy { screen.contains($0) }
            }
        }
        let text = try XCTUnwrap(try s.assessment(id: id)).whatMattersToMe
        XCTAssertEqual(text.components(separatedBy: original).count - 1, 1, "the sentence once (seed \(seed)):\n\(text)")
        let tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
        for word in words { XCTAssertEqual(tokens.filter { $0 == word }.count, 1, "\(word) once (seed \(seed)):\n\(text)") }
        let marks = text.components(separatedBy: AssessmentChange.alsoTyped).count - 1
        XCTAssertLessThanOrEqual(marks, 2, "a mark or two, not one per save (seed \(seed)):\n\(text)")
        print("two terminals in one note: \(marks) mark(s), \(text.count) characters (seed \(seed))")
        XCTAssertEqual(try s.integrityCheck(), "ok")
    }
}
