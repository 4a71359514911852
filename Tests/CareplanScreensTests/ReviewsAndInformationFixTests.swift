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

    func testCtrlQOnTheQOFFormOrTheEventFormAsksBeforeLosingWhatWasTyped() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("q"), .enter)
        h.press(.ctrl("u")); h.type("12/11/2026")
        h.press(.ctrl("q"))
        XCTAssertTrue(h.screen.contains("Not saved yet. Leave anyway?"), h.screen)
        h.press(.text("x"))
        XCTAssertTrue(h.screen.contains("12/11/2026"), "kept\n" + h.screen)
        XCTAssertFalse(h.effects.contains(.quit))
        h.press(.escape)
        h.wait(2)
        h.press(.text("o"))
        XCTAssertTrue(h.screen.contains("Course or event for"), h.screen)
        h.press(.ctrl("q"))
        XCTAssertTrue(h.screen.contains("Not saved yet. Leave anyway?"), h.screen)
        h.press(.text("y"))
        XCTAssertEqual(h.effects.last, .quit)
    }

    func testAfterRecordingInformationTheKeyLineNamesPOnce() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("i"))
        h.type("sleep"); h.press(.text(" "), .enter, .enter)
        XCTAssertTrue(h.screen.contains("Print the information prescription"), h.screen)
        XCTAssertEqual(h.lines[23].components(separatedBy: "P save PDF").count - 1, 1, h.lines[23])
    }

    func testTheRegisterSuggestsAddingAPatientOnlyToARoleThatMay() throws {
        let store = try CareStore()
        _ = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                         dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), now: Harness.start)
        let gp = Harness(store: store, signedIn: Harness.staff("drgp", role: "gp"))
        gp.type("lodz")
        XCTAssertTrue(gp.screen.contains("No patient matches “lodz”."), gp.screen)
        XCTAssertFalse(gp.screen.contains("Ctrl-A"), gp.screen)
        let nurse = Harness(store: store)
        nurse.type("lodz")
        XCTAssertTrue(nurse.screen.contains("No patient matches “lodz”. Ctrl-A adds a new patient."), nurse.screen)
    }
}
