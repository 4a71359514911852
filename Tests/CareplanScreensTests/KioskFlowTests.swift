import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import TermUI
import XCTest

/// The patients' kiosk, driven by keys with a clock the test moves.
final class KioskFlowTests: XCTestCase {
    let dob = "05/03/1961"

    func testAPatientCompletesTheChecklistAndSendsIt() throws {
        let (h, code) = try Harness.kioskWithCode()
        h.assertGolden("kiosk-welcome")
        h.press(.enter)
        h.type(code.code == "123456" ? "654321" : "123456"); h.press(.tab)
        h.type(dob); h.press(.enter)
        XCTAssertTrue(h.screen.contains("That code and date of birth were not accepted."), h.screen)
        XCTAssertEqual(h.program.currentKind, .kioskIdentify)
        h.press(.up, .ctrl("u")); h.type(code.code); h.press(.enter, .enter)
        XCTAssertEqual(h.program.currentKind, .kioskChecklist)
        h.assertGolden("kiosk-checklist-page1")
        h.type("15")                              // the number of "Pain" on page 1
        h.press(.text(" "))
        h.assertGolden("kiosk-rating")
        h.type("10"); h.press(.enter)
        XCTAssertEqual(h.assessment?.concern("pain")?.score, 10)
        h.press(.down, .text(" "), .right, .right, .right, .right, .enter)   // item 16: → starts at 0, so 3
        XCTAssertEqual(h.assessment?.concern("hot-flushes")?.score, 3)
        for _ in 0..<6 { h.press(.enter) }         // through pages 2 to 6
        XCTAssertEqual(h.program.currentKind, .kioskDistress)
        h.type("6"); h.press(.enter)
        XCTAssertEqual(h.assessment?.distressScore, 6)
        h.type("Worried about the dog, Zoë looks after him")
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .kioskReview)
        h.assertGolden("kiosk-review")
        // Change an answer from the review, and come back to it.
        h.press(.text("7"), .enter)               // line 7: overall distress
        h.type("5"); h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .kioskReview)
        XCTAssertEqual(h.assessment?.distressScore, 5)
        h.press(.text("9"), .enter)               // send
        XCTAssertEqual(h.program.currentKind, .kioskThanks)
        let sent = try XCTUnwrap(try h.store.assessment(id: code.assessmentId))
        XCTAssertEqual(sent.submittedAt, h.now)
        XCTAssertEqual(sent.patientMessage, "Worried about the dog, Zoë looks after him")
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .kioskWelcome)
        XCTAssertNil(h.program.session.patient, "nothing of the patient's is kept")
        XCTAssertFalse(h.screen.contains("Siân"))
        XCTAssertEqual(h.effects, [.resetScreen])
    }

    func testNoWayOutButTheStaffPIN() throws {
        let (h, code) = try Harness.kioskWithCode()
        h.identify(code)
        for key: Key in [.ctrl("c"), .ctrl("q"), .ctrl("z"), .ctrl("\\"), .ctrl("d"), .escape, .escape, .escape] { h.press(key) }
        XCTAssertTrue(h.effects.isEmpty)
        XCTAssertTrue(h.program.currentKind.isKiosk)
        h.press(.function(1))
        XCTAssertTrue(h.screen.contains("Help: What has worried you"), h.screen)
        h.press(.escape)
        XCTAssertFalse(h.screen.contains("Help:"), "Esc closes the help, and stays in the kiosk")
        XCTAssertNil(ScreenRegistry.standard.make(.patientRegister, h.program.session), "a kiosk cannot open the clinician's screens")
        XCTAssertNil(ScreenRegistry.standard.make(.patientRecord, h.program.session))
        h.press(.down, .down, .down, .down, .down, .down)
        XCTAssertEqual(h.program.currentKind, .kioskChecklist)
        h.press(.ctrl("x"))
        XCTAssertEqual(h.program.currentKind, .kioskStaff)
        h.type("wrong-pin"); h.press(.enter)
        XCTAssertTrue(h.screen.contains("That PIN is not right."), h.screen)
        XCTAssertFalse(h.screen.contains("wrong-pin"), "the PIN is never shown")
        h.press(.escape)
        XCTAssertEqual(h.program.currentKind, .kioskChecklist, "back where the patient was")
        h.press(.ctrl("x"))
        h.type("ward7-kiosk"); h.press(.enter)
        XCTAssertEqual(h.effects, [.quit])
    }

    func testIdleKioskWarnsThenSavesAndClears() throws {
        let (h, code) = try Harness.kioskWithCode()
        h.identify(code)
        h.type("15"); h.press(.text(" ")); h.type("7"); h.press(.enter)
        h.wait(149)
        XCTAssertFalse(h.screen.contains("Are you still there?"))
        h.wait(2)
        XCTAssertTrue(h.screen.contains("Are you still there?"), h.screen)
        h.press(.down)                             // a key carries on
        h.wait(151)
        XCTAssertTrue(h.screen.contains("Are you still there?"), h.screen)
        XCTAssertEqual(h.program.currentKind, .kioskChecklist)
        h.wait(30)
        XCTAssertEqual(h.program.currentKind, .kioskWelcome)
        XCTAssertEqual(h.effects, [.resetScreen])
        XCTAssertFalse(h.screen.contains("Siân"))
        XCTAssertFalse(h.screen.contains("Pain"))
        XCTAssertEqual(try h.store.assessment(id: code.assessmentId)?.concern("pain")?.score, 7, "the answers so far are kept")
    }

    func testCliniciansIssueCodesAndSeeWhatIsWaiting() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("k"), .right, .enter)      // start of treatment
        let shown = try XCTUnwrap(h.lines.first { $0.contains(" ") && $0.trimmingCharacters(in: .whitespaces).count == 7 && $0.trimmingCharacters(in: .whitespaces).allSatisfy { $0.isNumber || $0 == " " } })
        let code = shown.trimmingCharacters(in: .whitespaces)
        XCTAssertTrue(h.screen.contains("It works once, with their date of"), h.screen)
        XCTAssertTrue(h.screen.contains("birth, until 24 Nov 2026"), h.screen)
        // The patient completes it at a kiosk on the same store.
        let kiosk = Harness(store: h.store, flow: "kiosk")
        kiosk.press(.enter); kiosk.type(code); kiosk.press(.tab); kiosk.type(dob); kiosk.press(.enter)
        kiosk.type("15"); kiosk.press(.text(" ")); kiosk.type("8"); kiosk.press(.enter)
        for _ in 0..<6 { kiosk.press(.enter) }
        kiosk.type("4"); kiosk.press(.enter)       // distress
        kiosk.press(.enter)                        // nothing else to say
        kiosk.press(.enter)                        // send (the review starts on it)
        XCTAssertEqual(kiosk.program.currentKind, .kioskThanks)
        // Back at the clinician's register, it is waiting; Enter opens it straight into prioritisation.
        h.press(.any, .escape)
        h.press(.escape)
        XCTAssertEqual(h.program.currentKind, .patientRegister)
        h.assertGolden("register-waiting")
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .prioritise)
        XCTAssertTrue(h.screen.contains("Completed by the patient at the kiosk, sent 23 Nov 2026"), h.screen)
        XCTAssertEqual(h.assessment?.concern("pain")?.score, 8)
        XCTAssertEqual(h.assessment?.pathwayPoint, .startOfTreatment)
    }
}

private extension Key {
    /// Any key that means nothing in particular (puts a shown code away).
    static let any = Key.text("z")
}
