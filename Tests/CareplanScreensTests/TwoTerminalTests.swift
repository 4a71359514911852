import CareplanRuntime
import CareplanScreens
import TermUI
import CareplanSQLite
import RepositoryTestSupport
import XCTest
@testable import CareplanCore

/// Two terminals (two programs, each with its own connection) on one store file, as two ward terminals:
/// conflicts are per answer, text typed on both is never lost, neither says "saved" for text that is not
/// stored, and each shows what the other saved within a tick.
final class TwoTerminalTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("two-terminals-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    var path: String { dir.appendingPathComponent("s.sqlite").path }

    /// A has added Siân and started an assessment, B has opened it: both on the checklist.
    func twoTerminals() throws -> (Harness, Harness) {
        let a = Harness(store: try CareStore(path: path))
        a.addPatient()
        a.startAssessment()
        let b = Harness(store: FaultyRepository(try CareStore(path: path)))
        b.press(.enter, .enter)
        XCTAssertEqual(b.program.currentKind, .concernChecklist)
        return (a, b)
    }

    func stored(_ h: Harness) throws -> Assessment { try XCTUnwrap(try h.store.assessment(id: h.assessment!.id)) }

    /// Neither screen says "saved" unless the note it shows is the one in the store.
    func assertNoFalseSaved(_ h: Harness, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let screen = h.screen
        guard screen.contains("· saved") else { return }
        let text = try stored(h).whatMattersToMe
        for piece in text.split(separator: "\n") where piece.count < 40 {
            XCTAssertTrue(screen.contains(piece), "\(name) says saved but does not show “\(piece)” that is stored\n\(screen)", file: file, line: line)
        }
    }

    func testTwoTerminalsTypingIntoTheSameNoteKeepBothTextsAndNeitherClaimsSavedFalsely() throws {
        let (a, b) = try twoTerminals()
        a.press(.ctrl("n"), .ctrl("n"))
        b.press(.ctrl("n"), .ctrl("n"))
        XCTAssertEqual(a.program.currentKind, .conversationNotes)
        XCTAssertEqual(b.program.currentKind, .conversationNotes)
        a.type("Garden AAA-one")
        b.type("Walks BBB-two")
        a.wait(1.1)                                       // A's is saved
        b.wait(1.1)                                       // B's, based on the empty note, is merged
        let text = try stored(a).whatMattersToMe
        XCTAssertTrue(text.contains("Garden AAA-one"), text)
        XCTAssertTrue(text.contains("Walks BBB-two"), text)
        XCTAssertTrue(text.contains(AssessmentChange.alsoTyped), "marked for the nurse to tidy: \(text)")
        XCTAssertTrue(b.screen.contains("Both texts kept: another terminal changed this note too; please tidy it"), b.screen)
        XCTAssertTrue(b.screen.contains("AAA-one"), "B's editor shows what is stored\n\(b.screen)")
        a.wait(0.5)                                       // A's next tick shows B's words
        XCTAssertTrue(a.screen.contains("BBB-two"), a.screen)
        try assertNoFalseSaved(a, "A")
        try assertNoFalseSaved(b, "B")

        // A cursor move with no edit writes nothing.
        let before = try stored(a)
        a.press(.left, .left, .home)
        a.wait(1.1)
        XCTAssertEqual(try stored(a), before, "nothing written by moving the cursor")
        // And A typing on is added to both texts, not to its old copy.
        a.press(.ctrl("e")); a.type(" more")
        a.wait(1.1)
        XCTAssertEqual(try stored(a).whatMattersToMe, text + " more")
    }

    func testTwoNursesRatingDifferentConcernsOrWritingDifferentNotesNeverCollide() throws {
        let (a, b) = try twoTerminals()
        a.press(.text("7"))                               // breathing 7
        b.press(.down, .text("3"))                        // the next concern 3, on a screen from before A's
        XCTAssertFalse(b.screen.contains("another terminal"), b.screen)
        XCTAssertEqual(try stored(a).concern("breathing")?.score, 7)
        XCTAssertEqual(try stored(a).concerns.count, 2, "both ratings stored")
        XCTAssertEqual(b.assessment?.concern("breathing")?.score, 7, "and B shows A's too")
        // Notes on two different concerns, and "what matters to me": three answers, no collision.
        let id = try XCTUnwrap(a.assessment?.id)
        let keys = try stored(a).concerns.map(\.key)
        let seen = try stored(a)
        for key in keys { _ = try a.store.apply(.setDiscuss(key: key, true), to: id, basedOn: seen) }
        _ = try a.store.apply(.setNote(key: keys[0], text: "from A"), to: id, basedOn: seen)
        _ = try b.store.apply(.setNote(key: keys[1], text: "from B"), to: id, basedOn: seen)
        _ = try b.store.apply(.setWhatMattersToMe("from B too"), to: id, basedOn: seen)
        XCTAssertEqual(try stored(a).concerns.map(\.note).sorted(), ["from A", "from B"])
        XCTAssertEqual(try stored(a).whatMattersToMe, "from B too")
    }

    func testASecondTerminalShowsAnotherTerminalsChangeWithinATickAndKeepsItsNextKey() throws {
        let (a, b) = try twoTerminals()
        a.press(.text("7"))
        XCTAssertNil(b.assessment?.concern("breathing"))
        b.wait(0.4)                                       // one tick of the run loop
        XCTAssertEqual(b.assessment?.concern("breathing")?.score, 7)
        XCTAssertTrue(b.screen.contains("1 chosen"), b.screen)
        b.press(.text("4"))                               // B's next key changes it: not thrown away
        XCTAssertFalse(b.screen.contains("another terminal"), b.screen)
        XCTAssertEqual(try stored(a).concern("breathing")?.score, 4)
    }

    func testTheHighlightStaysOnItsRowWhenAnotherTerminalAddsAConcern() throws {
        let (a, b) = try twoTerminals()
        b.press(.end)                                     // the overall distress score
        a.press(.end, .up, .enter)                        // "+ Something else"
        a.type("Worried about the dog"); a.press(.enter)
        b.wait(0.4)
        XCTAssertTrue(b.screen.contains("Worried about the dog"), b.screen)
        b.press(.text("5"))
        XCTAssertEqual(try stored(a).distressScore, 5, "the highlighted row was rated\n\(b.screen)")
    }

    func testQuitSavesANoteShowingSavingEvenWhenAnotherTerminalChangedIt() throws {
        let (a, b) = try twoTerminals()
        a.press(.ctrl("n"), .ctrl("n"))
        b.press(.ctrl("n"), .ctrl("n"))
        b.type("Typed by B")
        XCTAssertTrue(b.screen.contains("saving…"), b.screen)
        a.type("Typed by A")
        a.wait(1.1)
        b.press(.ctrl("q"))
        XCTAssertEqual(b.effects, [.quit])
        let text = try stored(a).whatMattersToMe
        XCTAssertTrue(text.contains("Typed by A") && text.contains("Typed by B"), text)
    }

    func testQuitAsksWhenTheNoteCannotBeSaved() throws {
        let (a, b) = try twoTerminals()
        a.press(.text("6"), .ctrl("n"), .text(" "))       // breathing 6, to discuss
        b.wait(0.4)
        b.press(.ctrl("n"), .ctrl("n"), .tab, .down, .enter)
        XCTAssertTrue(b.screen.contains("Breathing difficulties"), b.screen)
        // A un-chooses the concern (its note goes too) while B writes its note.
        _ = try a.store.apply(.removeConcern(key: "breathing"), to: a.assessment!.id, basedOn: try stored(a))
        b.type("Breathless on stairs")
        b.press(.ctrl("q"))
        XCTAssertEqual(b.effects, [], "not quit: the note is not stored anywhere")
        XCTAssertTrue(b.screen.contains("Not saved yet. Leave anyway? y = leave, any other key = stay"), b.screen)
        b.press(.text("n"))
        XCTAssertTrue(b.screen.contains("Breathless on stairs"), "still there to copy elsewhere\n\(b.screen)")
    }

    func testANoteWaitingForAFullDiskIsMergedWithAnotherTerminalsWhenSaved() throws {
        let (a, b) = try twoTerminals()
        a.press(.ctrl("n"), .ctrl("n"))
        b.press(.ctrl("n"), .ctrl("n"))
        (b.store as! FaultyRepository).fail(.diskFull)
        b.type("Kept while the disk was full")
        b.wait(1.1)
        XCTAssertEqual(b.program.session.waitingCount, 1)
        XCTAssertTrue(b.screen.contains("not saved yet"), b.screen)
        XCTAssertFalse(b.screen.contains("· saved"), b.screen)
        a.type("Typed on A meanwhile")
        a.wait(1.1)
        (b.store as! FaultyRepository).fail(nil)
        b.wait(2.1)
        XCTAssertEqual(b.program.session.waitingCount, 0)
        let text = try stored(a).whatMattersToMe
        XCTAssertTrue(text.contains("Typed on A meanwhile") && text.contains("Kept while the disk was full"), text)
        XCTAssertTrue(b.screen.contains("Both texts kept: another terminal changed this note too"), b.screen)
    }
    func testTwoNursesTickingDifferentConcernsToDiscussAtOnceKeepBothTicks() throws {
        let (a, b) = try twoTerminals()
        a.press(.text("7"), .down, .text("3"))            // breathing 7 and the next concern 3
        b.wait(0.4)
        a.press(.ctrl("n")); b.press(.ctrl("n"))
        XCTAssertEqual(b.program.currentKind, .prioritise)
        a.press(.text(" "))                               // the first, while no order was ever set
        b.press(.down, .text(" "))                        // the second, 10 ms later: before B's next tick
        XCTAssertFalse(b.screen.contains("another terminal"), b.screen)
        XCTAssertEqual(try stored(a).discussedConcerns.count, 2, "both ticks stored")
        a.wait(0.4)
        XCTAssertTrue(a.screen.contains("2 to discuss today"), a.screen)
    }

    /// Two nurses in one note, each typing 12 words with pauses of 0.1 to 0.6 s, interleaved (seeded), the
    /// run loop ticking both: the note ends with the first sentence once, every word of each, few marks.
    func testTwoTerminalsTypingInOneNoteForSecondsKeepEveryWordOnceWithFewMarks() throws {
        let (a, b) = try twoTerminals()
        a.press(.ctrl("n"), .ctrl("n")); b.press(.ctrl("n"), .ctrl("n"))
        let original = "Lives alone since wife died"
        a.type(original); a.wait(1.1); b.wait(1.1)
        XCTAssertTrue(b.screen.contains(original), b.screen)
        var marks = 0
        for seed: UInt64 in [1, 2, 3, 20261128] {
            try typeAtOnce(a, b, seed: seed)
            let text = try stored(a).whatMattersToMe
            XCTAssertEqual(text.components(separatedBy: original).count - 1, 1, "seed \(seed): the first sentence once\n\(text)")
            for w in 1...12 {
                for who in ["a", "b"] {
                    XCTAssertEqual(text.components(separatedBy: " \(who)\(seed)w\(w)x").count
                                   + text.components(separatedBy: "\n\(who)\(seed)w\(w)x").count - 2, 1,
                                   "seed \(seed): \(who)'s word \(w) once\n\(text)")
                }
            }
            let before = marks
            marks = text.components(separatedBy: AssessmentChange.alsoTyped).count - 1
            XCTAssertLessThanOrEqual(marks - before, 1, "seed \(seed): one mark at most for 5 s of typing on both\n\(text)")
            // Both editors hold the stored text: a word typed on each now is added to it, nothing merged again.
            for (h, word) in [(a, " \(seed)A"), (b, " \(seed)B")] {
                let before = try stored(a).whatMattersToMe
                h.type(word); h.wait(1.1)
                let after = try stored(a).whatMattersToMe
                XCTAssertEqual(after.replacingOccurrences(of: word, with: ""), before, "seed \(seed): only \(word) added")
                a.wait(0.4); b.wait(0.4)
            }
        }
    }

    func testAStatusLineAboutAnAnswerAnotherTerminalChangedGoesOrNamesTheValueStored() throws {
        let (a, b) = try twoTerminals()
        a.press(.text("7"))
        XCTAssertTrue(a.screen.contains("rated 7"), a.screen)
        b.wait(0.4); b.press(.text("5"))                  // B changes it to 5
        a.wait(0.4)
        XCTAssertEqual(a.assessment?.concern("breathing")?.score, 5)
        XCTAssertFalse(a.screen.contains("rated 7"), "A no longer says the old value\n\(a.screen)")
        // A types 1 then 0 (10) around B's 8: B's refusal names what is stored in the end.
        a.press(.text("1"))
        b.press(.text("8"))
        XCTAssertTrue(b.screen.contains("Your 8 was not saved: another terminal changed “Breathing difficulties” to 1"), b.screen)
        a.press(.text("0"))
        b.wait(0.4)
        XCTAssertEqual(b.assessment?.concern("breathing")?.score, 10)
        XCTAssertTrue(b.screen.contains("Your 8 was not saved: another terminal changed “Breathing difficulties” to 10"), b.screen)
        // A message about another answer stays: A's tick on a refresh of B's rating elsewhere.
        a.press(.down, .text("4"))
        XCTAssertTrue(a.screen.contains("rated 4"), a.screen)
        b.press(.end, .text("6")); a.wait(0.4)            // B's distress score
        XCTAssertTrue(a.screen.contains("rated 4"), a.screen)
    }

    /// A long label's message takes two rows rather than lose its end; where two rows are not enough, the
    /// label is shortened in its middle, never the value stored, said last.
    func testAConflictOnALongLabelFitsTheStatusLineWithTheValueStoredLast() throws {
        let (a, b) = try twoTerminals()
        a.type("regret"); a.press(.text("3"))
        b.type("regret"); b.press(.text("5"))
        func message(_ h: Harness, width: Int) throws -> String {
            let lines = h.lines
            let first = try XCTUnwrap(lines.firstIndex { $0.contains("was not saved") }, h.screen)
            XCTAssertTrue(lines.allSatisfy { DisplayWidth.of($0) <= width }, h.screen)
            return lines[first...].prefix(2).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        }
        let wide = try message(b, width: 80)
        XCTAssertTrue(wide.hasPrefix("Your 5 was not saved: another terminal changed “Not being at"), wide)
        XCTAssertTrue(wide.contains("the past” to 3"), wide)
        b.resize(44, 20)
        let narrow = try message(b, width: 44)
        XCTAssertTrue(narrow.contains("…"), narrow)
        XCTAssertTrue(narrow.contains("” to 3"), narrow)
    }

    /// A and B type 12 words each (" a<seed>w1x" ...) with pauses of 0.1 to 0.6 s, in one timeline; each
    /// program gets its tick every 0.4 s, as the run loop gives it; then both settle.
    func typeAtOnce(_ a: Harness, _ b: Harness, seed: UInt64) throws {
        var r = SeededRandom(seed: seed)
        var events: [(at: Double, who: Int, word: Int)] = []
        for who in 0...1 {
            var t = Double(r.int(300)) / 1000
            for w in 1...12 { events.append((t, who, w)); t += 0.1 + Double(r.int(500)) / 1000 }
        }
        events.sort { $0.at < $1.at }
        let start = a.now
        var nextTick = [0.4, 0.4]
        let terminals = [a, b]
        for e in events + [(at: 8.0, who: -1, word: 0)] {
            for who in 0...1 {
                while nextTick[who] <= e.at {
                    terminals[who].now = start.addingTimeInterval(nextTick[who] - 0.4)
                    terminals[who].wait(0.4)
                    nextTick[who] += 0.4
                }
            }
            guard e.who >= 0 else { break }
            let h = terminals[e.who]
            h.now = start.addingTimeInterval(e.at)
            h.type(" \(e.who == 0 ? "a" : "b")\(seed)w\(e.word)x")
        }
        a.wait(1.1); b.wait(1.1); a.wait(0.4); b.wait(0.4)
        XCTAssertEqual(a.program.render().text.contains("saving…"), false)
        XCTAssertEqual(b.program.render().text.contains("saving…"), false)
    }
}
