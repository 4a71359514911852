import XCTest
@testable import TermUI

final class TextWrapTests: XCTestCase {
    func testWrapsAtWordsByDisplayWidth() {
        XCTAssertEqual(TextWrap.wrap("the quick brown fox", width: 10), ["the quick", "brown fox"])
        XCTAssertEqual(TextWrap.wrap("hello world", width: 5), ["hello", "world"])
        XCTAssertEqual(TextWrap.wrap("a bb ccc dddd", width: 6), ["a bb", "ccc", "dddd"])
    }

    func testBreaksLongWordsAndKeepsNewlines() {
        XCTAssertEqual(TextWrap.wrap("abcdefghij", width: 4), ["abcd", "efgh", "ij"])
        XCTAssertEqual(TextWrap.wrap("a\n\nb", width: 5), ["a", "", "b"])
        XCTAssertEqual(TextWrap.wrap("ab\n", width: 5), ["ab", ""])
        XCTAssertEqual(TextWrap.wrap("", width: 5), [""])
    }

    func testWideAndCombiningCharacters() {
        XCTAssertEqual(TextWrap.wrap("日本語日本語", width: 5), ["日本", "語日", "本語"])
        XCTAssertEqual(TextWrap.wrap("Zoe\u{308} Zoe\u{308}", width: 3), ["Zoe\u{308}", "Zoe\u{308}"])
        XCTAssertEqual(TextWrap.wrap("Łódź Siân", width: 4), ["Łódź", "Siân"])
    }

    func testScrollWindow() {
        XCTAssertEqual(ScrollWindow.firstVisible(selected: 3, count: 20, height: 5, previousFirst: 0), 0)
        XCTAssertEqual(ScrollWindow.firstVisible(selected: 5, count: 20, height: 5, previousFirst: 0), 1)
        XCTAssertEqual(ScrollWindow.firstVisible(selected: 2, count: 20, height: 5, previousFirst: 4), 2)
        XCTAssertEqual(ScrollWindow.firstVisible(selected: 19, count: 20, height: 5, previousFirst: 0), 15)
        XCTAssertEqual(ScrollWindow.firstVisible(selected: 3, count: 4, height: 5, previousFirst: 2), 0)
        XCTAssertEqual(ScrollWindow.firstVisible(selected: 0, count: 0, height: 5, previousFirst: 3), 0)
    }
}

final class TextEditorTests: XCTestCase {
    func testEnterAndPasteNormaliseLineBreaks() {
        var e = TextEditor()
        XCTAssertTrue(e.isEmpty)
        XCTAssertEqual(e.handle(.text("a\r\nb\rc\td\u{202E}"), width: 20, height: 5), .changed)
        XCTAssertEqual(e.handle(.enter, width: 20, height: 5), .changed)
        XCTAssertEqual(e.text, "a\nb\nc d\n")
        XCTAssertEqual(e.cursor, 8)
        XCTAssertEqual(e.handle(.tab, width: 20, height: 5), .notHandled)
        XCTAssertEqual(e.handle(.escape, width: 20, height: 5), .notHandled)
    }

    func testTruncationIsReported() {
        var e = TextEditor("", maxLength: 10)
        XCTAssertEqual(e.handle(.text(String(repeating: "x", count: 15)), width: 20, height: 5), .truncated(dropped: 5))
        XCTAssertEqual(e.count, 10)
        XCTAssertEqual(e.handle(.enter, width: 20, height: 5), .truncated(dropped: 1))
        XCTAssertEqual(e.text, String(repeating: "x", count: 10))
    }

    func testUpDownKeepDisplayColumn() {
        var e = TextEditor("日本語\nabcdef")
        e.cursor = 2                                   // after 日本: column 4
        XCTAssertEqual(e.handle(.down, width: 20, height: 5), .changed)
        XCTAssertEqual(e.cursor, 8)                    // "日本語\n" is 4 Characters, + 4 columns
        XCTAssertEqual(e.handle(.up, width: 20, height: 5), .changed)
        XCTAssertEqual(e.cursor, 2)
        e.cursor = 9                                   // column 5
        XCTAssertEqual(e.handle(.up, width: 20, height: 5), .changed)
        XCTAssertEqual(e.cursor, 2)                    // column 5 is inside 本語's 語: stop before it
    }

    func testGoalColumnSurvivesShortLines() {
        var e = TextEditor("abcdef\nab\nabcdef")
        e.cursor = 5
        XCTAssertEqual(e.handle(.down, width: 20, height: 5), .changed)
        XCTAssertEqual(e.cursor, 9)
        XCTAssertEqual(e.handle(.down, width: 20, height: 5), .changed)
        XCTAssertEqual(e.cursor, 15)
        XCTAssertEqual(e.handle(.down, width: 20, height: 5), .changed)
        XCTAssertEqual(e.cursor, 16)                   // down on the last row goes to the end
    }

    func testMovesAcrossWrappedRows() {
        var e = TextEditor("aaaa bbbb cccc")   // rows "aaaa ", "bbbb ", "cccc" at width 5
        XCTAssertEqual(e.wrappedLines(width: 5), ["aaaa ", "bbbb ", "cccc"])
        XCTAssertEqual(e.handle(.up, width: 5, height: 3), .changed)
        XCTAssertEqual(e.cursor, 9)
        XCTAssertEqual(e.handle(.home, width: 5, height: 3), .changed)
        XCTAssertEqual(e.cursor, 5)
        XCTAssertEqual(e.handle(.end, width: 5, height: 3), .changed)
        XCTAssertEqual(e.cursor, 9)
        XCTAssertEqual(e.handle(.ctrl("a"), width: 5, height: 3), .changed)
        XCTAssertEqual(e.cursor, 0)
        XCTAssertEqual(e.handle(.wordRight, width: 5, height: 3), .changed)
        XCTAssertEqual(e.cursor, 4)
        XCTAssertEqual(e.handle(.ctrl("e"), width: 5, height: 3), .changed)
        XCTAssertEqual(e.cursor, 14)
        XCTAssertEqual(e.handle(.wordLeft, width: 5, height: 3), .changed)
        XCTAssertEqual(e.cursor, 10)
    }

    func testPageDownAndUp() {
        let text = (0..<20).map { "l\($0 % 10)" }.joined(separator: "\n")
        var e = TextEditor(text)
        e.cursor = 0
        XCTAssertEqual(e.handle(.pageDown, width: 10, height: 5), .changed)
        XCTAssertEqual(e.cursor, 12)                   // row 4: "l4"
        XCTAssertEqual(e.scroll, 4)
        XCTAssertEqual(e.handle(.pageUp, width: 10, height: 5), .changed)
        XCTAssertEqual(e.cursor, 0)
        XCTAssertEqual(e.scroll, 0)
    }

    func testDeletionKeys() {
        var e = TextEditor("ab\ncd")
        e.cursor = 1
        XCTAssertEqual(e.handle(.ctrl("k"), width: 10, height: 3), .changed)
        XCTAssertEqual(e.text, "a\ncd")
        XCTAssertEqual(e.handle(.ctrl("k"), width: 10, height: 3), .changed)   // at the line's end: join
        XCTAssertEqual(e.text, "acd")
        XCTAssertEqual(e.handle(.delete, width: 10, height: 3), .changed)
        XCTAssertEqual(e.text, "ad")
        XCTAssertEqual(e.handle(.backspace, width: 10, height: 3), .changed)
        XCTAssertEqual(e.text, "d")
        XCTAssertEqual(e.handle(.backspace, width: 10, height: 3), .unchanged)
        var w = TextEditor("see GP  ")
        XCTAssertEqual(w.handle(.ctrl("w"), width: 10, height: 3), .changed)
        XCTAssertEqual(w.text, "see ")
    }

    func testRenderExactLines() {
        var g = Grid(width: 12, height: 4)
        TextEditor("the quick brown fox jumps").render(into: &g, x: 1, y: 0, width: 10, height: 3, focused: true)
        XCTAssertEqual(g.lines, [" the quick", " brown fox", " jumps", ""])
        XCTAssertEqual(g.cursor, Point(x: 6, y: 2))
    }

    func testRenderScrollsToTheCursorAndWideCharsLineUp() {
        var g = Grid(width: 6, height: 2)
        TextEditor("日本語 Zoe\u{308} Łódź Siân end").render(into: &g, x: 0, y: 0, width: 6, height: 2, focused: true)
        XCTAssertEqual(g.lines, ["Siân", "end"])
        XCTAssertEqual(g.cursor, Point(x: 3, y: 1))
        var top = TextEditor("日本語 Zoe\u{308} Łódź Siân end")
        top.cursor = 0
        var g2 = Grid(width: 6, height: 2)
        top.render(into: &g2, x: 0, y: 0, width: 6, height: 2, focused: false)
        XCTAssertEqual(g2.lines, ["日本語", "Zoë"])
        XCTAssertEqual(g2[1, 0].width, 0)
        XCTAssertNil(g2.cursor)
    }

    func testCursorAtFullRowEndGoesToNextRow() {
        var g = Grid(width: 5, height: 3)
        TextEditor("hello").render(into: &g, x: 0, y: 0, width: 5, height: 3, focused: true)
        XCTAssertEqual(g.lines, ["hello", "", ""])
        XCTAssertEqual(g.cursor, Point(x: 0, y: 1))
    }

    func testHugePasteIsLinearAndRenderIsFast() {
        let line = "Patient reports fatigue and worry about work; Zoë 日本語 Łódź.\n"
        let big = String(repeating: line, count: 1_000_000 / line.utf8.count)
        var e = TextEditor("", maxLength: 2_000_000)
        var start = Date()
        XCTAssertEqual(e.handle(.text(big), width: 76, height: 18), .changed)
        let pasteSeconds = Date().timeIntervalSince(start)
        XCTAssertEqual(e.count, big.count)
        var note = TextEditor(String(e.text.prefix(20_000)))
        XCTAssertEqual(note.handle(.up, width: 76, height: 18), .changed)
        start = Date()
        var g = Grid(width: 80, height: 24)
        for _ in 0..<20 { note.render(into: &g, x: 2, y: 3, width: 76, height: 18, focused: true) }
        let renderSeconds = Date().timeIntervalSince(start) / 20
        print("1 MB paste: \(Int(pasteSeconds * 1000)) ms; render of a 20k note: \(Int(renderSeconds * 1_000_000)) us (this build)")
        XCTAssertLessThan(pasteSeconds, 20)     // generous: debug builds are slow; linear, not quadratic
        XCTAssertLessThan(renderSeconds, 0.2)
    }
}

final class ScrollWindowTests: XCTestCase {
    func testJumpScrollMovesHalfAPageAndStaysInsideTheList() {
        // One row at a time without `jump`.
        XCTAssertEqual(ScrollWindow.firstVisible(selected: 17, count: 57, height: 17, previousFirst: 0), 1)
        // With it, half a page (less one row of overlap) at a time, and no window past the end of the list.
        XCTAssertEqual(ScrollWindow.firstVisible(selected: 17, count: 57, height: 17, previousFirst: 0, jump: true), 8)
        XCTAssertEqual(ScrollWindow.firstVisible(selected: 24, count: 57, height: 17, previousFirst: 8, jump: true), 8, "still in view: no move")
        XCTAssertEqual(ScrollWindow.firstVisible(selected: 56, count: 57, height: 17, previousFirst: 33, jump: true), 40)
        XCTAssertEqual(ScrollWindow.firstVisible(selected: 7, count: 57, height: 17, previousFirst: 8, jump: true), 0)
        XCTAssertEqual(ScrollWindow.firstVisible(selected: 20, count: 57, height: 17, previousFirst: 21, jump: true), 13)
    }
}

/// Issue 9, item 22: undo and redo in the note editor, a word (or a pause, or a run of deletions) at a time.
final class TextEditorUndoTests: XCTestCase {
    func type(_ text: String, into e: inout TextEditor, at time: Double = 0) {
        for c in text { _ = e.handle(c == "\n" ? .enter : .text(String(c)), width: 40, height: 5, time: time) }
    }

    func testUndoTakesBackAWordAtATimeAndRedoPutsItBack() {
        var e = TextEditor()
        type("Worse at night", into: &e)
        XCTAssertEqual(e.handle(.ctrl("z"), width: 40, height: 5), .changed)
        XCTAssertEqual(e.text, "Worse at ")
        _ = e.handle(.ctrl("z"), width: 40, height: 5)
        XCTAssertEqual(e.text, "Worse ")
        _ = e.handle(.ctrl("y"), width: 40, height: 5)
        XCTAssertEqual(e.text, "Worse at ")
        _ = e.handle(.ctrl("y"), width: 40, height: 5)
        XCTAssertEqual(e.text, "Worse at night")
        XCTAssertEqual(e.cursor, 14)
        XCTAssertEqual(e.handle(.ctrl("y"), width: 40, height: 5), .unchanged, "nothing left to redo")
        for _ in 0..<3 { _ = e.handle(.ctrl("z"), width: 40, height: 5) }
        XCTAssertEqual(e.text, "")
        XCTAssertEqual(e.handle(.ctrl("z"), width: 40, height: 5), .unchanged, "nothing left to undo")
    }

    func testCtrlUDeletesALineAndUndoBringsItBack() {
        var e = TextEditor()
        type("Left hip.\nWorse at night.", into: &e)
        _ = e.handle(.ctrl("u"), width: 40, height: 5)
        XCTAssertEqual(e.text, "Left hip.\n")
        _ = e.handle(.ctrl("z"), width: 40, height: 5)
        XCTAssertEqual(e.text, "Left hip.\nWorse at night.")
        XCTAssertEqual(e.cursor, e.count, "the cursor goes back to where it was")
    }

    func testAPauseARunOfDeletionsAndAMoveEachEndAStep() {
        var e = TextEditor()
        type("abc", into: &e, at: 0)
        type("def", into: &e, at: 5)                 // the same word, after a pause
        _ = e.handle(.ctrl("z"), width: 40, height: 5)
        XCTAssertEqual(e.text, "abc")
        type("def", into: &e, at: 6)
        for _ in 0..<4 { _ = e.handle(.backspace, width: 40, height: 5, time: 6) }
        XCTAssertEqual(e.text, "ab")
        _ = e.handle(.ctrl("z"), width: 40, height: 5)
        XCTAssertEqual(e.text, "abcdef", "four backspaces are one step")
        _ = e.handle(.home, width: 40, height: 5)
        type("xy", into: &e, at: 6)
        _ = e.handle(.end, width: 40, height: 5)
        XCTAssertEqual(e.cursor, 8, "End on the last line goes after its last character")
        type("z", into: &e, at: 6)
        _ = e.handle(.ctrl("z"), width: 40, height: 5)
        XCTAssertEqual(e.text, "xyabcdef", "typing after a move is a step of its own")
        // A new edit after undo forgets what could be redone.
        type("q", into: &e, at: 7)
        XCTAssertEqual(e.handle(.ctrl("y"), width: 40, height: 5), .unchanged)
        // A paste is one step.
        _ = e.handle(.text(" pasted words"), width: 40, height: 5, time: 7)
        _ = e.handle(.ctrl("z"), width: 40, height: 5)
        XCTAssertEqual(e.text, "xyabcdefq")
    }
}
