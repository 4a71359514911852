import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import CareplanSQLite
import Foundation
import TermUI
import XCTest

/// What the issue 15 testers found on the screens: a default typed over, the one care clock, stored control
/// characters measured as drawn, the Reports list and period at 80 columns, the trends in a small window.
final class ScreenFixes15Tests: XCTestCase {
    // MARK: A value put in for the user is replaced by typing; a value being changed is edited

    func testTypingIntoTheHNAOffersDefaultDateReplacesItAndThenEditsWhatWasTyped() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("a"))
        XCTAssertTrue(h.screen.contains("23 Nov 2026"), h.screen)
        h.type("31/02/2026")
        XCTAssertTrue(h.screen.contains("31/02/2026"), h.screen)
        XCTAssertFalse(h.screen.contains("202631/02"), "typed onto the default: \(h.screen)")
        // Once typed, the value is the user's: more typing edits it where the cursor is, nothing typed is lost.
        h.press(.backspace); h.type("5")
        XCTAssertTrue(h.screen.contains("31/02/2025"), h.screen)
        h.press(.left, .left, .left, .left, .left, .backspace); h.type("1")
        XCTAssertTrue(h.screen.contains("31/01/2025"), h.screen)
    }

    func testTypingIntoTheReportsDefaultFromAndToReplacesThem() throws {
        let h = Harness()
        h.press(.function(6), .enter)
        h.type("2026-02-30")
        XCTAssertTrue(h.lines.contains { $0.contains("From") && $0.contains("2026-02-30") && !$0.contains("2026-08-01") }, h.screen)
        h.press(.tab); h.type("2026-03-31")
        XCTAssertTrue(h.lines.contains { $0.contains("To  ") && $0.contains("2026-03-31") && !$0.contains("2026-11-23") }, h.screen)
    }

    func testTheNewAssessmentsDefaultDateIsReplacedByTyping() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("n"), .tab, .tab)
        h.type("20/11/2026")
        XCTAssertTrue(h.screen.contains("20/11/2026"), h.screen)
        XCTAssertFalse(h.screen.contains("2620/11"), h.screen)
        h.press(.ctrl("s"))
        XCTAssertEqual(h.assessment?.date, LocalDate(year: 2026, month: 11, day: 20))
    }

    /// A stored value being changed is the user's own: typing edits it, as before.
    func testAPatientsStoredDetailsAreEditedNotReplaced() throws {
        let h = Harness()
        h.press(.ctrl("a"))
        h.type("943 476 5919")
        XCTAssertTrue(h.screen.contains("943 476 5919"), h.screen)
        var form = Form([.init("name", "Name", text: "Smith", maxLength: 40)])
        _ = form.handle(.text("e"))
        XCTAssertEqual(form.text("name"), "Smithe", "a stored value is edited where the cursor is")
        var suggested = Form([.init("date", "Date", text: "23 Nov 2026", suggested: true, maxLength: 20)])
        _ = suggested.handle(.text("1"))
        XCTAssertEqual(suggested.text("date"), "1", "a default is replaced by the first character typed")
        var kept = Form([.init("date", "Date", text: "23 Nov 2026", suggested: true, maxLength: 20)])
        _ = kept.handle(.backspace)
        _ = kept.handle(.text("7"))
        XCTAssertEqual(kept.text("date"), "23 Nov 2027", "Backspace edits a default: what follows is kept")
    }

    // MARK: One clock: with the test clock moved, every screen's today is the clock's

    /// 10 Sep 2026 while the machine says 23 Nov 2026.
    func movedClock(_ h: Harness) {
        h.program.session.clock = CareClock(offsetDays: -74)
        XCTAssertEqual(h.program.session.today, LocalDate(year: 2026, month: 9, day: 10))
    }

    func testTheHNAOffersDefaultAndItsNotAfterTodayFollowTheClock() throws {
        let h = Harness()
        movedClock(h)
        h.addPatient()
        h.press(.text("a"))
        XCTAssertTrue(h.screen.contains("10 Sep 2026"), h.screen)
        h.type("23/11/2026")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("The date is after today"), h.screen)
        XCTAssertEqual(try h.store.hnaOffers(patientId: h.program.session.patient!.id!), [])
    }

    func testANewAssessmentsDefaultDateFollowsTheClock() throws {
        let h = Harness()
        movedClock(h)
        h.addPatient()
        h.startAssessment()
        XCTAssertEqual(h.assessment?.date, LocalDate(year: 2026, month: 9, day: 10))
    }

    func testThePlansAgreedDateAndReviewDefaultFollowTheClock() throws {
        let h = Harness()
        movedClock(h)
        h.reviewADraftPlan()
        XCTAssertEqual(h.program.currentKind, .planReview)
        h.press(.text("a"), .text("y"))
        let review = LocalDate(year: 2026, month: 9, day: 10)!.adding(days: Harness.configuration.policy.reviewAfterDays)
        XCTAssertTrue(h.screen.contains(review.display), h.screen)
        h.press(.ctrl("s"))
        XCTAssertEqual(h.assessment?.status, .agreed, h.screen)
        XCTAssertEqual(h.assessment?.agreedAt.map { LocalDate($0) }, LocalDate(year: 2026, month: 9, day: 10))
    }

    func testTheEoTSDateFollowsTheClock() throws {
        let h = Harness(signedIn: Harness.staff("cns", role: "clinical-nurse-specialist"))
        movedClock(h)
        h.addPatient()
        h.press(.text("w"), .enter)
        XCTAssertEqual(h.program.currentKind, .documentForm)
        let d = try XCTUnwrap(h.store.documents(patientId: XCTUnwrap(h.program.session.patient?.id)).first)
        XCTAssertEqual(d.date, LocalDate(year: 2026, month: 9, day: 10))
    }

    func testTheReportsPeriodEndsOnTheClocksToday() throws {
        let h = Harness()
        movedClock(h)
        h.press(.function(6), .enter)
        XCTAssertTrue(h.screen.contains("From                2026-06-01"), h.screen)
        XCTAssertTrue(h.lines.contains { $0.contains("To  ") && $0.contains("2026-09-10") }, h.screen)
    }

    // MARK: Control and format characters measured as drawn

    func testControlAndBidiCharactersAreMeasuredAsTheReplacementTheGridDraws() {
        let label = "Pain\u{1b}[2J\u{7}\u{202e}x\u{202c}"
        XCTAssertEqual(DisplayWidth.of(label), 12)
        var g = Grid(size: Size(width: 20, height: 1))
        XCTAssertEqual(g.put(label, x: 0, y: 0), DisplayWidth.of(label))
        XCTAssertEqual(g.lines[0], "Pain\u{FFFD}[2J\u{FFFD}\u{FFFD}x\u{FFFD}")
        XCTAssertEqual(DisplayWidth.pad(label, to: 14).count, label.count + 2)
        XCTAssertEqual(DisplayWidth.of("e\u{301}"), 1, "a combining mark still joins its letter")
    }

    // MARK: The Reports screen at 80 columns

    func testTheReportsListShowsWholeTitlesAndTheChosenOnesSummaryInFull() {
        let h = Harness()
        h.press(.function(6))
        for r in ReportCatalogue.reports {
            XCTAssertTrue(h.screen.contains(r.title), "\(r.title) cut:\n\(h.screen)")
        }
        XCTAssertFalse(h.screen.contains("…"), h.screen)
        XCTAssertTrue(h.screen.contains("(COSD CR7900)"), "the chosen one's summary in full: \(h.screen)")
    }

    func testAPeriodBackwardsIsSaidWholeNextToItsField() {
        let h = Harness()
        h.press(.function(6), .enter)
        h.type("2026-12-01")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! Before From (2026-12-01): give a later date"), h.screen)
    }

    /// The save step says where: Tab to Where, a path typed (letters there are the path's, not commands).
    func testTheSaveStepTakesWhereToSave() {
        let h = Harness()
        h.press(.function(6), .enter, .ctrl("s"), .text("s"))
        XCTAssertTrue(h.screen.contains("Where"), h.screen)
        XCTAssertTrue(h.screen.contains("empty: a new file here; or a folder, or a new file's path"), h.screen)
        h.press(.tab)
        h.type("reports/nov.csv")
        XCTAssertTrue(h.screen.contains("reports/nov.csv"), h.screen)
        h.press(.enter)
        guard case .exportReport(_, let format, let path)? = h.effects.last else { return XCTFail("\(h.effects)") }
        XCTAssertEqual(format, "csv")
        XCTAssertEqual(path, "reports/nov.csv")
    }

    func testAfterWideningEveryColumnShowsAndArrowsSaySo() {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.escape, .escape, .escape, .function(6), .enter, .ctrl("s"))
        XCTAssertTrue(h.screen.contains("Columns 2-"), h.screen)
        h.press(.right, .right)
        XCTAssertTrue(h.screen.contains("Columns 4-"), h.screen)
        h.resize(130, 30)
        XCTAssertFalse(h.screen.contains("Columns "), "every column fits: none hidden\n\(h.screen)")
        XCTAssertTrue(h.lines.contains { $0.contains("Month") && $0.contains("Offered") && $0.contains("Undecided") }, h.screen)
        h.press(.right)
        XCTAssertTrue(h.screen.contains("Every column is shown"), h.screen)
        h.resize(80, 24)
        XCTAssertTrue(h.screen.contains("Columns 2-"), "narrow again: from the second column\n\(h.screen)")
    }
}

/// The trend view with stored control characters, and in a small window (issue 15 testers).
extension TrendScreenTests {
    /// Labels as a store changed by hand holds them (the store's own writes clean them): every row still ends at
    /// the window's edge and its change stays under "Change".
    func testTrendRowsWithControlCharactersInALabelStayInTheirColumns() throws {
        let (_, _, stored) = try storeWithThreeAssessments()
        let odd = "Bills\u{1b}[2J\u{7}\u{202e}paid\u{202c}"
        let assessments = stored.map { a -> Assessment in
            var a = a
            a.concerns = a.concerns.map { c in var c = c; if c.key == "sleep" { c.label = odd }; return c }
            return a
        }
        let table = TrendTable.lines(PatientTrends(assessments: assessments), width: 80, .blocks)
        let at = try XCTUnwrap(table.header.range(of: "Change")).lowerBound.utf16Offset(in: table.header)
        let rows = table.rows.map(\.text).filter { $0.contains("Bills") || $0.contains(" Pain ") }
        XCTAssertEqual(rows.count, 2, "\(table.rows)")
        for row in rows {
            var g = Grid(size: Size(width: 80, height: 1))
            g.put(row, x: 0, y: 0)
            let drawn = g.lines[0]
            XCTAssertTrue(["unchanged", "fell"].contains { String(drawn.dropFirst(at)).hasPrefix($0) }, "\(drawn)\n\(table.header)")
        }
    }

    /// The Reports table with such a label: its columns stay lined up, the last one whole.
    func testAReportTableWithControlCharactersInALabelKeepsItsColumns() {
        let s = Session(configuration: Harness.configuration, flowId: "clinician", user: "kiosk", now: now)
        let t = ReportTable(report: "concerns", title: "Concerns raised most often", from: LocalDate(year: 2026, month: 1, day: 1)!,
                            to: LocalDate(year: 2026, month: 11, day: 23)!, definition: "",
                            columns: [ReportColumn("Concern", .text), ReportColumn("Key", .text), ReportColumn("Raised", .count), ReportColumn("Share", .percent)],
                            rows: [[.text("Bills\u{1b}[2J\u{7}\u{202e}paid\u{202c}"), .text("other"), .count(6), .percent(46.2)],
                                   [.text("Pain"), .text("pain"), .count(3), .percent(23.1)]])
        let lines = ReportsScreen(s).lines(t, width: 80, s).map(\.text)
        let rows = lines.filter { $0.contains("46.2") || $0.contains("23.1") }
        XCTAssertEqual(rows.count, 2, "\(lines)")
        XCTAssertEqual(Set(rows.map { DisplayWidth.of($0) }).count, 1, "rows of one width: \(rows)")
        XCTAssertTrue(rows[0].hasSuffix("46.2") && rows[1].hasSuffix("23.1"), "\(rows)")
        // Drawn, the figures end in the same column.
        var g = Grid(size: Size(width: 80, height: 2))
        g.put(rows[0], x: 0, y: 0)
        g.put(rows[1], x: 0, y: 1)
        XCTAssertEqual(g.lines[0].count, g.lines[1].count, "\(g.lines)")
    }

    // MARK: The trends in a small window

    func testAt40x12TheTrendsShowConcernRows() throws {
        let (store, _, _) = try storeWithThreeAssessments()
        let h = openRecord(store, "Trend")
        h.resize(40, 12)
        h.press(.text("t"))
        XCTAssertTrue(h.lines.contains { $0.contains("Concern") }, h.screen)
        XCTAssertTrue(h.lines.contains { $0.hasPrefix(" Distres") }, h.screen)
        XCTAssertTrue(h.lines.contains { $0.contains("Pain") || $0.contains("more below") }, h.screen)
        h.press(.end)
        XCTAssertTrue(h.lines.contains { $0.contains("Sleep") || $0.contains("Breathing") || $0.contains("Worry") || $0.contains("Pain") }, h.screen)
    }
}
