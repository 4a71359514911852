import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import CareplanSQLite
import Foundation
import XCTest

/// The runtime's side of recording an HNA offer (issue 15): the record screen's form sends `recordHNAOffer` for
/// the open patient; it needs `record-actions`, and the store's refusal is said, nothing kept.
final class HNAOfferCommandTests: XCTestCase {
    func testAnOfferIsRecordedForTheOpenPatientByWhoeverIsSignedIn() throws {
        let h = Harness()
        h.addPatient()
        let runtime = h.program.runtime
        let patientId = try XCTUnwrap(runtime.patient?.id)
        let day = LocalDate(year: 2026, month: 11, day: 20)!
        guard case .hnaOfferRecorded(let offer) = runtime.execute(.recordHNAOffer(date: day, pathwayPoint: .endOfTreatment, outcome: .declined, reason: ""))
        else { return XCTFail("not recorded") }
        XCTAssertEqual(offer.patientId, patientId)
        XCTAssertEqual(offer.date, day)
        XCTAssertEqual(offer.offeredBy, Harness.nurse.userName)
        XCTAssertEqual(runtime.execute(.query(.hnaOffers(patientId: patientId))), .hnaOffers([offer]))
        // Refused by the store: said, and nothing kept.
        XCTAssertEqual(runtime.execute(.recordHNAOffer(date: day, pathwayPoint: .endOfTreatment, outcome: .notOffered, reason: "")), .failed(nil))
        XCTAssertEqual(try h.store.hnaOffers(patientId: patientId), [offer])
        XCTAssertEqual(Runtime.permission(for: .recordHNAOffer(date: day, pathwayPoint: .other, outcome: .declined, reason: "")), .recordActions)
        XCTAssertEqual(Runtime.permission(for: .query(.hnaOffers(patientId: 1))), .viewRecords)
    }

    func testARoleWithoutRecordActionsIsRefused() throws {
        let h = Harness(signedIn: Harness.staff("audit", role: "read-only"))
        let p = try h.store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                               dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), now: h.now)
        XCTAssertTrue(h.program.runtime.open(patientId: p.id!))
        XCTAssertEqual(h.program.runtime.execute(.recordHNAOffer(date: LocalDate(year: 2026, month: 11, day: 20)!, pathwayPoint: .other,
                                                                 outcome: .declined, reason: "")), .failed(nil))
        XCTAssertEqual(try h.store.hnaOffers(patientId: p.id!), [])
    }
}
