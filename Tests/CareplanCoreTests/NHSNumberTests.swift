import XCTest
@testable import CareplanCore

final class NHSNumberTests: XCTestCase {
    func testValidNumberFromTheDomainExample() throws {
        let n = try NHSNumber.parse("943 476 5919").get()
        XCTAssertEqual(n.digits, "9434765919")
        XCTAssertEqual(n.formatted, "943 476 5919")
    }

    func testSpacesAndHyphensAreAccepted() {
        XCTAssertEqual(NHSNumber("943-476-5919")?.digits, "9434765919")
        XCTAssertEqual(NHSNumber("9434765919")?.formatted, "943 476 5919")
    }

    func testCheckDigitMismatchIsRejected() {
        XCTAssertEqual(NHSNumber.parse("943 476 5918"), .failure(.checkDigitMismatch(expected: 9, found: 8)))
    }

    func testCheckDigitOfTenMeansNoValidNumber() {
        // Find a nine-digit stem whose Modulus 11 result is 10: no tenth digit can make it valid.
        let stem = (0..<1000).lazy.map { String(format: "999000%03d", $0) }.first {
            NHSNumber.checkDigit(for: $0.map { Int(String($0))! }) == nil
        }!
        for last in 0...9 {
            XCTAssertEqual(NHSNumber.parse(stem + String(last)), .failure(.checkDigitIsTen), stem + String(last))
        }
    }

    func testWrongLengthAndLettersAndEmpty() {
        XCTAssertEqual(NHSNumber.parse("943 476 591"), .failure(.wrongLength(9)))
        XCTAssertEqual(NHSNumber.parse("94347659190"), .failure(.wrongLength(11)))
        XCTAssertEqual(NHSNumber.parse("943 476 591O"), .failure(.notDigits))
        XCTAssertEqual(NHSNumber.parse("   "), .failure(.empty))
        XCTAssertEqual(NHSNumber.parse("９４３４７６５９１９"), .failure(.notDigits), "full-width digits are not NHS digits")
    }

    func testRemainderZeroGivesCheckDigitZero() {
        // 11 - 0 = 11 becomes 0.
        let stem = (0..<1000).lazy.map { String(format: "999001%03d", $0) }.first {
            let d = $0.map { Int(String($0))! }
            return zip(d, stride(from: 10, through: 2, by: -1)).reduce(0) { $0 + $1.0 * $1.1 } % 11 == 0
        }!
        XCTAssertNotNil(NHSNumber(stem + "0"))
    }

    func testFictionalNumbersAreAllValidAndInTheNeverIssuedRange() {
        let first = Array(NHSNumber.fictionalNumbers().prefix(500))
        XCTAssertEqual(Set(first).count, 500)
        for n in first {
            XCTAssertTrue(n.digits.hasPrefix("999"))
            XCTAssertNotNil(NHSNumber(n.digits))
        }
    }
}

final class LocalDateTests: XCTestCase {
    func testWardFormatsAreDayFirst() throws {
        let expected = LocalDate(year: 2024, month: 3, day: 5)!
        for s in ["05/03/2024", "5/3/2024", "05-03-2024", "05.03.2024", "2024-03-05", "5 Mar 2024", "5 march 2024", " 05/03/2024 "] {
            XCTAssertEqual(try LocalDate.parse(s).get(), expected, s)
        }
        XCTAssertEqual(expected.display, "05 Mar 2024")
        XCTAssertEqual(expected.iso, "2024-03-05")
    }

    func testImpossibleAndUnreadableDates() {
        XCTAssertEqual(LocalDate.parse("31/02/1961"), .failure(.noSuchDate))
        XCTAssertEqual(LocalDate.parse("29/02/2023"), .failure(.noSuchDate))
        XCTAssertNotNil(try? LocalDate.parse("29/02/2024").get())
        XCTAssertEqual(LocalDate.parse("5/3/61"), .failure(.unreadable), "two-digit years are ambiguous for births")
        XCTAssertEqual(LocalDate.parse("tomorrow"), .failure(.unreadable))
        XCTAssertEqual(LocalDate.parse(""), .failure(.empty))
    }

    func testDayArithmeticRoundTrips() {
        let d = LocalDate(year: 2024, month: 2, day: 28)!
        XCTAssertEqual(d.adding(days: 1), LocalDate(year: 2024, month: 2, day: 29))
        XCTAssertEqual(d.adding(days: 2), LocalDate(year: 2024, month: 3, day: 1))
        XCTAssertEqual(LocalDate(year: 1970, month: 1, day: 1)!.dayNumber, 0)
        XCTAssertEqual(LocalDate(dayNumber: d.dayNumber), d)
    }
}

final class TextCleanerTests: XCTestCase {
    func testEscapeSequencesControlsAndBidiOverridesAreRemoved() {
        XCTAssertEqual(TextCleaner.singleLine("a\u{1B}[31mred\u{1B}[0m b"), "ared b")
        XCTAssertEqual(TextCleaner.singleLine("x\u{1B}]0;title\u{07}y"), "xy")
        XCTAssertEqual(TextCleaner.singleLine("pay \u{202E}0001\u{202C} now"), "pay 0001 now")
        XCTAssertEqual(TextCleaner.singleLine("a\u{0}b\u{7F}c\u{85}d"), "abcd")
        XCTAssertEqual(TextCleaner.singleLine("one\ttwo\nthree"), "one two three")
        XCTAssertEqual(TextCleaner.singleLine("\u{1B}[日本語 text"), "日本語 text", "a broken sequence loses only its start")
    }

    /// A zero-width space pasted from a web page or an e-mail is unseen, and printed as a replacement character.
    /// Whole sequences go, not just their ESC or BEL: a pasted colour or window title leaves no body behind.
    func testWholeEscapeSequencesAndC1ControlsAreRemovedEverywhereTextIsCleaned() {
        let pasted = "Talked \u{1B}[31mRED\u{1B}[0m \u{1B}]0;PWNED\u{07} x"
        XCTAssertEqual(TextCleaner.singleLine(pasted), "Talked RED  x")
        XCTAssertEqual(String(TextCleaner.characters(pasted, multiline: false)), "Talked RED  x", "the widgets' path too")
        let cases: [(String, String)] = [
            ("a\u{1B}]8;;http://evil\u{1B}\\link\u{1B}]8;;\u{1B}\\b", "alinkb"),      // OSC 8 hyperlink, ST as ESC \\
            ("a\u{1B}P1$r0m\u{1B}\\b", "ab"),                                      // DCS
            ("a\u{1B}_hidden\u{9C}b", "ab"),                                         // APC ended by C1 ST
            ("a\u{9B}31mb", "ab"),                                                    // C1 CSI
            ("a\u{9D}0;title\u{07}b", "ab"),                                         // C1 OSC
            ("a\u{1B}(Bb\u{1B}7c\u{1B}#8d", "abcd"),                                // charset, save cursor, DEC test
            ("a\u{1B}[?1049hb", "ab"),                                                // private CSI
            ("a\u{85}b\u{8D}c", "abc"),                                              // other C1 controls
        ]
        for (raw, clean) in cases {
            XCTAssertEqual(TextCleaner.singleLine(raw), clean, raw.debugDescription)
            XCTAssertEqual(String(TextCleaner.characters(raw, multiline: true)), clean, raw.debugDescription)
        }
        // A sequence split across reads is followed across them.
        var reader = EscapeSequences()
        XCTAssertEqual("x\u{1B}]0;PW".unicodeScalars.filter { !reader.swallows($0.value) }.map(String.init).joined(), "x")
        XCTAssertEqual("NED\u{07}y".unicodeScalars.filter { !reader.swallows($0.value) }.map(String.init).joined(), "y")
    }

    func testAZeroWidthSpaceIsRemovedWhereTextIsCleaned() {
        XCTAssertEqual(TextCleaner.multiLine("Tamoxifen\u{200B} 20\u{200B}mg"), "Tamoxifen 20mg")
        XCTAssertEqual(TextCleaner.singleLine("0113\u{200B}000"), "0113000")
        XCTAssertEqual(String(TextCleaner.characters("a\u{200B}b", multiline: true)), "ab")
    }

    func testNotesKeepLinesAndScripts() {
        XCTAssertEqual(TextCleaner.multiLine("a\r\nb\rc\nd"), "a\nb\nc\nd")
        let text = "Siân, Łódź, Zoë, العربية, 日本語, e\u{301}"
        XCTAssertEqual(TextCleaner.multiLine(text), text)
    }

    func testFieldTrimsAndLimits() {
        XCTAssertEqual(TextCleaner.field("  Smith  ", maxLength: 100), "Smith")
        XCTAssertEqual(TextCleaner.field(String(repeating: "x", count: 150), maxLength: 100).count, 100)
    }

    func testWidgetCharactersFollowTheSameRule() {
        XCTAssertEqual(String(TextCleaner.characters("a\u{202E}b\tc\r\nd", multiline: true)), "ab c\nd")
        XCTAssertEqual(String(TextCleaner.characters("a\nb", multiline: false)), "a b")
    }
}
