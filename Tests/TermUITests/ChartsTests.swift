import XCTest
@testable import TermUI

final class ChartsTests: XCTestCase {
    func testScoreSparklineUsesTheFixedScaleAndLeavesAGapForAMissingValue() {
        XCTAssertEqual(Charts.sparkline(scores: [0, 5, 10, nil, 3], glyphs: .blocks), "▁▅█ ▃")
        XCTAssertEqual(Charts.sparkline(scores: [0, 5, 10, nil, 3], glyphs: .ascii), "_=# :")
        // The same score is the same height whatever else the line holds.
        XCTAssertEqual(Charts.sparkline(scores: [2, 2], glyphs: .blocks), "▂▂")
        XCTAssertEqual(Charts.sparkline(scores: [], glyphs: .blocks), "")
    }

    func testSparklineScalesFromZeroToTheHighestValueAndClampsToAGivenScale() {
        XCTAssertEqual(Charts.sparkline([0, 35, 70], glyphs: .blocks), "▁▅█")
        XCTAssertEqual(Charts.sparkline([4, 4, 4], glyphs: .blocks), "███")   // a steady count is not a flat zero
        XCTAssertEqual(Charts.sparkline([0, 0], glyphs: .blocks), "▁▁")
        XCTAssertEqual(Charts.sparkline([-3, 20, .nan], scale: 0...10, glyphs: .blocks), "▁█ ")
        XCTAssertEqual(Charts.sparkline([nil, nil], glyphs: .ascii), "  ")
    }

    func testChartsAreOneCellPerValueWhateverTheGlyphs() {
        for glyphs in ChartGlyphs.allCases {
            let line = Charts.sparkline(scores: Array(0...10) + [nil], glyphs: glyphs)
            XCTAssertEqual(DisplayWidth.of(line), 12, "\(glyphs)")
            for value in stride(from: 0.0, through: 13, by: 0.25) {
                XCTAssertEqual(DisplayWidth.of(Charts.bar(value, maximum: 12, cells: 7, glyphs: glyphs)), 7, "\(glyphs) \(value)")
            }
        }
    }

    func testBarFillsWholeCellsThenEighths() {
        XCTAssertEqual(Charts.bar(5, maximum: 10, cells: 4, glyphs: .blocks), "██  ")
        XCTAssertEqual(Charts.bar(10, maximum: 10, cells: 4, glyphs: .blocks), "████")
        XCTAssertEqual(Charts.bar(11, maximum: 10, cells: 4, glyphs: .blocks), "████")   // over the maximum: full, no more
        XCTAssertEqual(Charts.bar(3, maximum: 8, cells: 1, glyphs: .blocks), "▍")
        XCTAssertEqual(Charts.bar(1, maximum: 8, cells: 2, glyphs: .blocks), "▎ ")
        XCTAssertEqual(Charts.bar(0.001, maximum: 10, cells: 3, glyphs: .blocks), "▏  ")  // something never looks like nothing
        XCTAssertEqual(Charts.bar(0, maximum: 10, cells: 3, glyphs: .blocks), "   ")
        XCTAssertEqual(Charts.bar(5, maximum: 0, cells: 3, glyphs: .blocks), "   ")
        XCTAssertEqual(Charts.bar(5, maximum: 10, cells: 0, glyphs: .blocks), "")
    }

    func testAsciiBarUsesHalves() {
        XCTAssertEqual(Charts.bar(5, maximum: 10, cells: 5, glyphs: .ascii), "##-  ")
        XCTAssertEqual(Charts.bar(0.01, maximum: 10, cells: 2, glyphs: .ascii), "- ")
        XCTAssertEqual(Charts.scoreBar(7, cells: 10, glyphs: .ascii), "#######   ")
        XCTAssertEqual(Charts.scoreBar(7, cells: 10, glyphs: .blocks), "███████   ")
    }

    func testGlyphsFollowTheLocaleAndTheTerminal() {
        XCTAssertEqual(ChartGlyphs.forTerminal(environment: ["LANG": "en_GB.UTF-8", "TERM": "xterm-256color"]), .blocks)
        XCTAssertEqual(ChartGlyphs.forTerminal(environment: ["LANG": "C.utf8", "TERM": "tmux-256color"]), .blocks)
        XCTAssertEqual(ChartGlyphs.forTerminal(environment: ["LANG": "C", "TERM": "xterm"]), .ascii)
        // LC_ALL wins over LANG; an empty one is not set.
        XCTAssertEqual(ChartGlyphs.forTerminal(environment: ["LC_ALL": "POSIX", "LANG": "en_GB.UTF-8", "TERM": "xterm"]), .ascii)
        XCTAssertEqual(ChartGlyphs.forTerminal(environment: ["LC_ALL": "", "LANG": "en_GB.UTF-8", "TERM": "xterm"]), .blocks)
        // The Linux console's fonts lack the eighth blocks.
        XCTAssertEqual(ChartGlyphs.forTerminal(environment: ["LANG": "en_GB.UTF-8", "TERM": "linux"]), .ascii)
        XCTAssertEqual(ChartGlyphs.forTerminal(environment: ["LANG": "en_GB.UTF-8", "TERM": "vt220"]), .ascii)
        XCTAssertEqual(ChartGlyphs.forTerminal(environment: ["LANG": "en_GB.UTF-8"]), .ascii)
        XCTAssertEqual(ChartGlyphs.forTerminal(environment: ["CAREPLAN_CHARTS": "ASCII", "LANG": "en_GB.UTF-8", "TERM": "xterm"]), .ascii)
        XCTAssertEqual(ChartGlyphs.forTerminal(environment: ["CAREPLAN_CHARTS": "blocks", "TERM": "linux"]), .blocks)
    }
}
