import CareplanScreens
import TermUI
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
        let b = Harness(store: try CareStore(path: path))
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
        _ = try a.store.apply(.setPriorities(order: keys, discuss: Set(keys)), to: id, basedOn: seen)
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
        b.store.writeFault.withLock { $0 = .SQLITE_FULL }
        b.type("Kept while the disk was full")
        b.wait(1.1)
        XCTAssertEqual(b.program.session.waitingCount, 1)
        XCTAssertTrue(b.screen.contains("not saved yet"), b.screen)
        XCTAssertFalse(b.screen.contains("· saved"), b.screen)
        a.type("Typed on A meanwhile")
        a.wait(1.1)
        b.store.writeFault.withLock { $0 = nil }
        b.wait(2.1)
        XCTAssertEqual(b.program.session.waitingCount, 0)
        let text = try stored(a).whatMattersToMe
        XCTAssertTrue(text.contains("Typed on A meanwhile") && text.contains("Kept while the disk was full"), text)
        XCTAssertTrue(b.screen.contains("Both texts kept: another terminal changed this note too"), b.screen)
    }
}
