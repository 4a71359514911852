import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import CareplanSQLite
import Foundation
import TermUI
import XCTest

/// The Reports screen (issue 15): F6 from the worklist and the patients for roles with `reports`, the list with
/// each report's line, the period checked next to its fields, the table and charts at 80x24, and saving.
final class ReportsScreenTests: XCTestCase {
    /// Siân with an assessment started today (an accepted HNA offer), on the worklist.
    func harnessWithAnOffer() -> Harness {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.escape, .escape, .escape)
        h.press(.function(5))
        XCTAssertEqual(h.program.currentScreen, "worklist", h.screen)
        return h
    }

    func testFromTheWorklistAReportIsChosenItsPeriodCheckedAndItsTableAndChartsShown() throws {
        let h = harnessWithAnOffer()
        XCTAssertTrue(h.lines.last!.contains("F6 reports"), "the worklist's key line shows the way: \(h.lines.last!)")
        h.press(.function(6))
        XCTAssertEqual(h.program.currentScreen, "reports", h.screen)
        h.assertGolden("reports-list-80x24")
        XCTAssertTrue(h.screen.contains("HNAs offered, accepted, declined and completed"), h.screen)
        h.press(.enter)
        XCTAssertTrue(h.screen.contains("From                2026-08-01"), h.screen)
        // A wrong date is marked next to its field and kept; a period backwards too.
        h.press(.ctrl("u")); h.type("2026-13-01"); h.press(.tab)
        XCTAssertTrue(h.screen.contains("2026-13-01"), h.screen)
        XCTAssertTrue(h.screen.contains("Not a date: write it as year-month-day"), h.screen)
        h.press(.backTab, .ctrl("u")); h.type("2026-12-01")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! Before From (2026-12-01): give a later date"), h.screen)
        XCTAssertEqual(h.program.currentScreen, "reports")
        h.press(.ctrl("u")); h.type("2026-11-01")
        h.assertGolden("reports-form-80x24")
        h.press(.ctrl("s"))
        h.assertGolden("reports-table-80x24")
        XCTAssertTrue(h.lines.contains { $0.hasPrefix(" 2026-11") || $0.hasPrefix(" Nov 2026") || $0.contains("Nov 2026") }, h.screen)
        XCTAssertTrue(h.screen.contains("HNAs offered, accepted, declined and completed: 01 Nov 2026 to 23 Nov 2026"), h.screen)
        // More columns than fit: the first stays, ←→ show the others.
        XCTAssertTrue(h.screen.contains("Columns 2-8 of 9 (and the first)"), h.screen)
        h.press(.right)
        XCTAssertTrue(h.screen.contains("Columns 3-"), h.screen)
        XCTAssertTrue(h.lines.contains { $0.hasPrefix(" Month") && !$0.contains("Offered") && $0.contains("Undecided") }, h.screen)
        h.press(.left)
        for _ in 0..<40 { h.press(.pageDown) }
        XCTAssertTrue(h.screen.contains("What counts"), h.screen)
        // Saved as a file by the effect the program runs (the runtime writes it).
        h.press(.text("s"), .right)
        XCTAssertTrue(h.screen.contains("‹ JSON ›"), h.screen)
        h.press(.enter)
        guard case .exportReport(let table, let format, let path)? = h.effects.last else { return XCTFail("\(h.effects)") }
        XCTAssertEqual(format, "json")
        XCTAssertEqual(path, "", "Where left empty: the current folder")
        XCTAssertEqual(table.report, "hna")
        XCTAssertEqual(table.from, LocalDate(year: 2026, month: 11, day: 1))
        h.press(.escape, .escape, .escape)
        XCTAssertEqual(h.program.currentScreen, "worklist", "Esc goes back a step at a time, then to the worklist")
    }

    func testTheScreenAsksTheRuntimeForTheReportAsTheFormSays() {
        let s = Session(configuration: Harness.configuration, flowId: "clinician", user: "kiosk", now: Harness.start)
        s.signIn(Harness.nurse)
        s.teams = [Team(id: 4, name: "Breast CNS"), Team(id: 5, name: "Lung CNS")]
        var screen = ReportsScreen(s)
        XCTAssertEqual(screen.update(.key(.down), s), [])     // care plans
        XCTAssertEqual(screen.update(.key(.enter), s), [])
        for key: Key in [.tab, .tab, .right, .right, .tab, .right] { _ = screen.update(.key(key), s) }  // Lung CNS, by team
        XCTAssertEqual(screen.update(.key(.ctrl("s")), s),
                       [.query(.report(ReportRequest(name: "care-plans", scope: ReportScope(from: LocalDate(year: 2026, month: 8, day: 1)!,
                                                                                           to: LocalDate(year: 2026, month: 11, day: 23)!, teamId: 5),
                                                     by: .team)))])
        // A report without breakdowns has no such field.
        var concerns = ReportsScreen(s)
        concerns.selected = ReportCatalogue.reports.firstIndex { $0.name == "concerns" }!
        _ = concerns.update(.key(.enter), s)
        XCTAssertFalse(concerns.form!.fields.contains { $0.id == "by" })
    }

    func testFromThePatientsAndForARoleWithoutReportsAWordNotSilence() throws {
        let h = Harness()
        h.press(.function(6))
        XCTAssertEqual(h.program.currentScreen, "reports", h.screen)
        h.press(.escape)
        XCTAssertEqual(h.program.currentScreen, "worklist")

        let support = Harness(signedIn: Harness.staff("sam", role: "support-worker"))
        support.press(.function(6))
        XCTAssertNotEqual(support.program.currentScreen, "reports")
        XCTAssertTrue(support.screen.contains("may not run reports"), support.screen)
    }
}
