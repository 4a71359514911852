import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import TermUI
import XCTest

/// Recording an HNA offer from the record (A; COSD CR7900, issue 15): a small form whose fields check and keep
/// what was typed, the record's line of the latest offer, and the list of offers under the form.
final class HNAOfferScreenTests: XCTestCase {
    func testAnOfferNotMadeNeedsAReasonNextToItsFieldAndIsThenRecordedAndListed() throws {
        let h = Harness()
        h.addPatient()
        XCTAssertFalse(h.screen.contains("HNA offered"), "no offer yet: no line")
        h.press(.text("a"))
        h.assertGolden("record-hna-offer-form-80x24")
        h.press(.tab, .tab, .right, .right)  // Outcome: Not offered
        XCTAssertTrue(h.screen.contains("Not offered"), h.screen)
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("Say why (not offered)"), h.screen)
        XCTAssertTrue(h.screen.contains("Not recorded: correct what is marked"), h.screen)
        XCTAssertEqual(try h.store.hnaOffers(patientId: h.program.session.patient!.id!), [])
        h.type("Patient too unwell today")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("Recorded: not offered, 23 Nov 2026 (initial diagnosis)"), h.screen)
        let offers = try h.store.hnaOffers(patientId: h.program.session.patient!.id!)
        XCTAssertEqual(offers.map(\.outcome), [.notOffered])
        XCTAssertEqual(offers.first?.reason, "Patient too unwell today")
        XCTAssertTrue(h.lines.contains { $0.hasPrefix(" HNA offered         23 Nov 2026  Not offered · Initial diagnosis · ") }, h.screen)
        // The form lists them under it.
        h.press(.text("a"))
        XCTAssertTrue(h.screen.contains("Offers recorded, newest first"), h.screen)
        XCTAssertTrue(h.screen.contains("23 Nov 2026  Not offered · Initial diagnosis"), h.screen)
        h.press(.escape)
        XCTAssertTrue(h.screen.contains("No HNA offer recorded"), h.screen)
    }

    func testADateThatIsWrongIsMarkedAndWhatWasTypedStays() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("a"), .ctrl("u"))
        h.type("31/02/2026")
        h.press(.tab)
        XCTAssertTrue(h.screen.contains("31/02/2026"), h.screen)
        XCTAssertTrue(h.screen.contains("! There is no such date"), h.screen)
        h.press(.backTab, .ctrl("u"))
        h.type("01/12/2026")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("The date is after today"), h.screen)
        XCTAssertTrue(h.screen.contains("01/12/2026"), h.screen)
        h.press(.ctrl("u"))
        h.type("01/01/1950")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("Before the patient was born (05 Mar 1961)"), h.screen)
        XCTAssertEqual(try h.store.hnaOffers(patientId: h.program.session.patient!.id!), [])
    }

    func testTheFormAsksTheRuntimeToRecordAndStartingAnAssessmentShowsAnAcceptedOffer() throws {
        let s = Session(configuration: Harness.configuration, flowId: "clinician", user: "kiosk", now: Harness.start)
        s.signIn(Harness.nurse)
        s.patient = Patient(id: 7, nhsNumber: NHSNumber("9434765919")!, familyName: "Offer", givenName: "Olu",
                            dateOfBirth: LocalDate(year: 1958, month: 6, day: 2)!)
        var record = RecordScreen(s)
        XCTAssertEqual(record.update(.opened, s).last, .query(.hnaOffers(patientId: 7)))
        XCTAssertEqual(record.update(.key(.text("A")), s), [])
        for key: Key in [.tab, .tab, .right] { XCTAssertEqual(record.update(.key(key), s), []) }  // declined
        XCTAssertEqual(record.update(.key(.ctrl("s")), s),
                       [.recordHNAOffer(date: LocalDate(year: 2026, month: 11, day: 23)!, pathwayPoint: .initialDiagnosis, outcome: .declined, reason: "")])
        XCTAssertTrue(record.keys(s).map(\.keys).contains("^S"))

        // Starting an assessment records the accepted offer; the record shows it.
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.press(.escape)
        XCTAssertTrue(h.lines.contains { $0.hasPrefix(" HNA offered         23 Nov 2026  Offered and accepted · Initial diagnosis") }, h.screen)
        // A second offer: the label counts them, the line shows the latest recorded.
        h.press(.text("a"), .tab, .tab, .right, .ctrl("s"))
        XCTAssertTrue(h.lines.contains { $0.hasPrefix(" HNA offers (2)      23 Nov 2026  Offered and declined · Initial diagnosis") }, h.screen)
    }

    func testARoleThatRecordsNoActionsIsToldSo() throws {
        let store = try CareStore()
        _ = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                         dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), by: "nurse", now: Harness.start)
        let h = Harness(store: store, signedIn: Harness.staff("rita", role: "read-only"))
        h.press(.enter)
        h.press(.text("a"))
        XCTAssertTrue(h.screen.contains("may not"), h.screen)
        XCTAssertFalse(h.screen.contains("HNA offer for"), h.screen)
    }
}
