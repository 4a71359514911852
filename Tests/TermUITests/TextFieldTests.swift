import XCTest
@testable import TermUI

final class TextFieldTests: XCTestCase {
    func testTypingInsertsAtCursor() {
        var f = TextField()
        XCTAssertEqual(f.handle(.text("abc")), .changed)
        XCTAssertEqual(f.text, "abc")
        XCTAssertEqual(f.cursor, 3)
        XCTAssertEqual(f.handle(.left), .changed)
        XCTAssertEqual(f.handle(.text("X")), .changed)
        XCTAssertEqual(f.text, "abXc")
        XCTAssertEqual(f.cursor, 3)
    }

    func testCombiningMarkTypedAfterLetterJoinsIt() {
        var f = TextField("Zoe")
        XCTAssertEqual(f.handle(.text("\u{308}")), .changed)
        XCTAssertEqual(f.text, "Zoe\u{308}")
        XCTAssertEqual(f.text.count, 3)
        XCTAssertEqual(f.cursor, 3)
        XCTAssertEqual(f.handle(.left), .changed)
        XCTAssertEqual(f.cursor, 2)
        XCTAssertEqual(f.handle(.backspace), .changed)
        XCTAssertEqual(f.text, "Ze\u{308}")
        XCTAssertEqual(f.cursor, 1)
    }

    func testCursorMovesByWholeCharacters() {
        var f = TextField("日本語 Siân Łódź 👩‍⚕️")
        XCTAssertEqual(f.cursor, 15)
        XCTAssertEqual(f.handle(.backspace), .changed)   // the whole ZWJ emoji goes
        XCTAssertEqual(f.text, "日本語 Siân Łódź ")
        f.cursor = 2
        XCTAssertEqual(f.handle(.delete), .changed)
        XCTAssertEqual(f.text, "日本 Siân Łódź ")
        var a = TextField("العربية")
        XCTAssertEqual(a.cursor, 7)
        XCTAssertEqual(a.handle(.home), .changed)
        XCTAssertEqual(a.handle(.right), .changed)
        XCTAssertEqual(a.cursor, 1)
    }

    func testOverLongPasteIsTruncatedAndSaysSo() {
        var f = TextField("", maxLength: 5)
        XCTAssertEqual(f.handle(.text("abcdefgh")), .truncated(dropped: 3))
        XCTAssertEqual(f.text, "abcde")
        XCTAssertEqual(f.cursor, 5)
        XCTAssertEqual(f.handle(.text("x")), .truncated(dropped: 1))
        XCTAssertEqual(f.text, "abcde")
    }

    func testControlAndBidiCharactersAreStripped() {
        var f = TextField()
        XCTAssertEqual(f.handle(.text("a\u{202E}b\u{07}c\td\r\ne\u{200F}f\u{85}g\u{2066}h\u{FEFF}")), .changed)
        XCTAssertEqual(f.text, "abc d efgh")
        XCTAssertEqual(f.handle(.text("\u{202E}\u{1B}")), .unchanged)
        XCTAssertEqual(f.text, "abc d efgh")
    }

    func testWordMovementAndDeletion() {
        var f = TextField("one two  three")
        XCTAssertEqual(f.handle(.wordLeft), .changed)
        XCTAssertEqual(f.cursor, 9)
        XCTAssertEqual(f.handle(.wordLeft), .changed)
        XCTAssertEqual(f.cursor, 4)
        XCTAssertEqual(f.handle(.wordRight), .changed)
        XCTAssertEqual(f.cursor, 7)
        XCTAssertEqual(f.handle(.ctrl("w")), .changed)
        XCTAssertEqual(f.text, "one   three")
        XCTAssertEqual(f.cursor, 4)
        XCTAssertEqual(f.handle(.ctrl("k")), .changed)
        XCTAssertEqual(f.text, "one ")
        XCTAssertEqual(f.handle(.ctrl("a")), .changed)
        XCTAssertEqual(f.cursor, 0)
        XCTAssertEqual(f.handle(.ctrl("e")), .changed)
        XCTAssertEqual(f.handle(.ctrl("u")), .changed)
        XCTAssertEqual(f.text, "")
        XCTAssertEqual(f.cursor, 0)
    }

    func testKeysForTheScreenAreNotHandled() {
        var f = TextField("x")
        for k: Key in [.tab, .backTab, .enter, .escape, .function(1), .up, .down, .pageUp, .ctrl("s"), .resize] {
            XCTAssertEqual(f.handle(k), .notHandled, k.name)
        }
        XCTAssertEqual(f.handle(.right), .unchanged)
        f.cursor = 0
        XCTAssertEqual(f.handle(.backspace), .unchanged)
        XCTAssertEqual(f.handle(.left), .unchanged)
    }

    func testSettingTextClampsCursor() {
        var f = TextField("abcdef")
        f.text = "ab"
        XCTAssertEqual(f.cursor, 2)
        f.cursor = 99
        XCTAssertEqual(f.cursor, 2)
        f.cursor = -3
        XCTAssertEqual(f.cursor, 0)
    }

    func testRenderShortText() {
        var g = Grid(width: 14, height: 3)
        TextField("hello").render(into: &g, x: 2, y: 1, width: 10, focused: true)
        XCTAssertEqual(g.lines, ["", "  hello", ""])
        XCTAssertEqual(g.cursor, Point(x: 7, y: 1))
        XCTAssertEqual(g[11, 1].style, Style(.input))
        XCTAssertEqual(g[12, 1].style, Style(.normal))
        var h = Grid(width: 14, height: 1)
        TextField("hello").render(into: &h, x: 0, y: 0, width: 10, focused: false)
        XCTAssertNil(h.cursor)
    }

    func testRenderScrollsByHalfWidthToKeepCursorVisible() {
        var g = Grid(width: 10, height: 1)
        let f = TextField("abcdefghijklmnopqrstuvwxyz")
        f.render(into: &g, x: 0, y: 0, width: 10, focused: true)
        XCTAssertEqual(g.lines, ["uvwxyz"])
        XCTAssertEqual(g.cursor, Point(x: 6, y: 0))
        var start = f
        start.cursor = 0
        var g2 = Grid(width: 10, height: 1)
        start.render(into: &g2, x: 0, y: 0, width: 10, focused: true)
        XCTAssertEqual(g2.lines, ["abcdefghij"])
        XCTAssertEqual(g2.cursor, Point(x: 0, y: 0))
    }

    func testRenderScrollsByDisplayWidthWithWideCharacters() {
        var g = Grid(width: 5, height: 1)
        TextField("日本語日本語").render(into: &g, x: 0, y: 0, width: 5, focused: true)
        XCTAssertEqual(g.lines, ["本語"])
        XCTAssertEqual(g.cursor, Point(x: 4, y: 0))
        var g6 = Grid(width: 6, height: 1)
        TextField("日本語日本語").render(into: &g6, x: 0, y: 0, width: 6, focused: true)
        XCTAssertEqual(g6.lines, ["語"])
        XCTAssertEqual(g6.cursor, Point(x: 2, y: 0))
        var f = TextField("日本語日本語")
        f.cursor = 1
        var g3 = Grid(width: 5, height: 1)
        f.render(into: &g3, x: 0, y: 0, width: 5, focused: true)
        XCTAssertEqual(g3.lines, ["日本"])   // a third wide character would not fit in 5 columns
        XCTAssertEqual(g3.cursor, Point(x: 2, y: 0))
    }
}
