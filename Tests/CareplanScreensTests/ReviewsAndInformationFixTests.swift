import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import CareplanSQLite
import Foundation
import TermUI
import XCTest

/// What two testers found on the screens of issue 13 (the cancer reviews' QOF timing, information given):
/// each test fails without its fix.
final class ReviewsAndInformationFixTests: XCTestCase {
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    func testAfterRecordingInformationTheKeyLineNamesPOnce() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("i"))
        h.type("sleep"); h.press(.text(" "), .enter, .enter)
        XCTAssertTrue(h.screen.contains("Print the information prescription"), h.screen)
        XCTAssertEqual(h.lines[23].components(separatedBy: "P save PDF").count - 1, 1, h.lines[23])
    }
}
