import XCTest
import CNcursesw
import TermUI
@testable import CursesBackend

final class KeyDecoderTests: XCTestCase {
    private func decode(_ raw: [RawInput]) -> [Key] {
        var d = KeyDecoder()
        return d.decode(raw)
    }
    private func chars(_ s: String) -> [RawInput] { s.unicodeScalars.map { .char($0.value) } }

    func testPrintableRunsCoalesce() {
        XCTAssertEqual(decode(chars("abe\u{301}日本")), [.text("abe\u{301}日本")])
        XCTAssertEqual(decode(chars("ab") + [.keyCode(KEY_LEFT)] + chars("c")), [.text("ab"), .left, .text("c")])
    }

    func testControlCharacters() {
        XCTAssertEqual(decode([9, 10, 13, 127, 8, 3, 1, 26, 0, 28, 31, 0x85].map { .char($0) }),
                       [.tab, .enter, .enter, .backspace, .backspace, .ctrl("c"), .ctrl("a"), .ctrl("z"), .ctrl("\\"), .ctrl("_")])
    }

    /// Windows text pasted without bracketed paste: each CR LF is one line break, not two Enters.
    func testCRLFIsOneEnter() {
        XCTAssertEqual(decode(chars("one\r\ntwo\r\n\r\nthree")), [.text("one"), .enter, .text("two"), .enter, .enter, .text("three")])
    }

    func testEscapeAndAlt() {
        XCTAssertEqual(decode([.char(27)]), [.escape])
        XCTAssertEqual(decode([.char(27), .char(0x62)]), [.wordLeft])
        XCTAssertEqual(decode([.char(27), .char(0x66)]), [.wordRight])
        XCTAssertEqual(decode([.char(27), .char(0x78)]), [.escape, .text("x")])
        XCTAssertEqual(decode([.char(27), .char(27)]), [.escape, .escape])
    }

    func testInvalidScalarBecomesReplacementCharacter() {
        XCTAssertEqual(decode([.char(0x61), .char(0xD800), .char(0x110000)]), [.text("a\u{FFFD}\u{FFFD}")])
    }

    func testFunctionKeys() {
        XCTAssertEqual(decode([KEY_RESIZE, KEY_BTAB, KEY_DC, KEY_HOME, KEY_END, KEY_PPAGE, KEY_NPAGE, KEY_ENTER,
                               KEY_BACKSPACE, Int32(cp_key_f(1)), Int32(cp_key_f(12)), KEY_MOUSE].map { .keyCode($0) }),
                       [.resize, .backTab, .delete, .home, .end, .pageUp, .pageDown, .enter, .backspace,
                        .function(1), .function(12)])
        var custom = KeyDecoder(keyCodes: [600: .wordLeft])
        XCTAssertEqual(custom.decode([.keyCode(600), .keyCode(601)]), [.wordLeft])
    }

    func testBracketedPasteKeepsNewlinesAsText() {
        var d = KeyDecoder()
        let start: [RawInput] = [.keyCode(KeyDecoder.pasteStartCode)], end: [RawInput] = [.keyCode(KeyDecoder.pasteEndCode)]
        XCTAssertEqual(d.decode(start + chars("a\rb\tc")), [.text("a\rb\tc")])
        XCTAssertTrue(d.inPaste)
        XCTAssertEqual(d.decode(chars("\nd") + end + [.char(13)]), [.text("\nd"), .enter])
        XCTAssertFalse(d.inPaste)
    }

    /// Pasted text is text: nothing in it may act as Esc, Ctrl-Q, Enter-less commands or arrows,
    /// even when a sequence inside it is split across two reads.
    func testNothingInsideAPasteActsAsAKey() {
        var d = KeyDecoder()
        let pasted = chars("red \u{1B}[31mtext\u{1B}[0m \u{11}\u{3}\u{1B}x end") + [.keyCode(KEY_UP), .keyCode(KEY_DC)]
        XCTAssertEqual(d.decode([.keyCode(KeyDecoder.pasteStartCode)] + Array(pasted.prefix(6))), [.text("red ")])
        XCTAssertEqual(d.decode(Array(pasted.dropFirst(6)) + [.keyCode(KeyDecoder.pasteEndCode)]), [.text("text  end")])
        XCTAssertEqual(d.decode([.char(27)]), [.escape], "after the paste, keys are keys again")
    }

    /// A pasted window title (OSC ... BEL) goes whole, body and all, even split across reads.
    func testAPastedOSCSequenceLeavesNoBody() {
        var d = KeyDecoder()
        let pasted = chars("Talked \u{1B}[31mRED\u{1B}[0m \u{1B}]0;PWNED\u{07} x")
        XCTAssertEqual(d.decode([.keyCode(KeyDecoder.pasteStartCode)] + Array(pasted.prefix(22))), [.text("Talked RED ")])
        XCTAssertEqual(d.decode(Array(pasted.dropFirst(22)) + [.keyCode(KeyDecoder.pasteEndCode)]), [.text(" x")])
    }
}
