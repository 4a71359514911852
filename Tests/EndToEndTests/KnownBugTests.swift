import Foundation
import XCTest

/// Bugs found by these tests and not fixed yet. Each runs only with CAREPLAN_E2E_KNOWN_BUGS=1 (it fails
/// today); once the fix is in, delete the guard so it runs every time.
final class KnownBugTests: EndToEndCase {
    func skipUnlessAsked() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["CAREPLAN_E2E_KNOWN_BUGS"] == "1",
                          "known bug, not fixed yet: run with CAREPLAN_E2E_KNOWN_BUGS=1")
    }

    /// Keys that arrive in one read (typing fast over ssh, a busy machine) must each still count.
    /// Today KeyDecoder joins printable characters into one `.text("10")`, which the checklist (and every
    /// screen that matches single characters: `]`, Space, `n`, `a`, y/n) ignores.
    func testTenTypedQuicklyIsStillTen() throws {
        try skipUnlessAsked()
        let t = tmux!
        try launch()
        try addPatient(nhs: FictionalNHS.spaced(8), family: "Quick", given: "Alex")
        try startAssessment()
        try t.type("10")   // both digits in one write, so careplan reads them together
        try t.waitFor("“Breathing difficulties” rated 10")
    }
}
