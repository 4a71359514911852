import GRDB
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore

/// v15-hna-offer: a store made before it gets one accepted offer for each assessment it holds, as starting one
/// now records, except for discarded ones (started in error) and new versions of a plan (not offers).
final class HNAOfferStoreTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func testTheMigrationRecordsAnAcceptedOfferForEveryAssessmentStartedBefore() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hna-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.sqlite").path
        let day = LocalDate(year: 2026, month: 10, day: 2)!
        var ids: (nurse: Int64, stranger: Int64, discarded: Int64, second: Int64, patient: Int64) = (0, 0, 0, 0, 0)
        do {
            let store = try CareStore(path: path)
            try store.db.write { db in
                try db.execute(sql: "INSERT INTO staff_user (user_name, full_name, role_id, password_hash, created_at) VALUES ('nurse', 'Nia Nurse', 'nurse', '-', ?)",
                               arguments: [now])
            }
            let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                                 dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), now: now)
            func start(_ by: String, _ point: PathwayPoint) throws -> Assessment {
                try store.startAssessment(patientId: p.id!, pathwayPoint: point, completedBy: .patient, date: day, catalogue: StoreTests.catalogue,
                                          createdBy: by, now: now)
            }
            let byNurse = try start("nurse", .startOfTreatment)
            let agreed = try store.apply(.agree(by: "Nia Nurse", role: .otherNurse, at: now, reviewDate: LocalDate(year: 2027, month: 1, day: 1)!),
                                         to: byNurse.id, basedOn: byNurse, now: now)
            let second = try store.newVersion(of: agreed.id, createdBy: "nurse", now: now)
            let byStranger = try start("imported", .endOfTreatment)
            let discarded = try start("nurse", .other)
            _ = try store.discardAssessment(id: discarded.id, by: "nurse", now: now)
            ids = (byNurse.id, byStranger.id, discarded.id, second.id, p.id!)
            // As a careplan before v15 left it: no offers.
            try store.db.write { db in
                try db.execute(sql: "DROP TABLE hna_offer")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v15-hna-offer'")
            }
        }
        let store = try CareStore(path: path)
        let offers = try store.hnaOffers(patientId: ids.patient)
        XCTAssertEqual(offers.map(\.assessmentId), [ids.stranger, ids.nurse], "newest first; not the new version, not the discarded one")
        XCTAssertEqual(offers.map(\.outcome), [.accepted, .accepted])
        XCTAssertEqual(offers.map(\.date), [day, day])
        XCTAssertEqual(offers.map(\.pathwayPoint), [.endOfTreatment, .startOfTreatment])
        XCTAssertEqual(offers.map(\.offeredBy), ["imported", "nurse"])
        XCTAssertEqual(offers.map(\.offeredRole), [nil, "nurse"], "role unknown where the starter is not staff")
        XCTAssertEqual(offers.map(\.recordedAt), [now, now])
    }
}
