import GRDB
import XCTest
@testable import CareplanCore

final class AuditTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_435_200)

    func storeWithAPlan() throws -> (CareStore, Assessment) {
        let store = try CareStore()
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), by: "Nurse A", now: now)
        var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .other, completedBy: .patient, date: LocalDate(now),
                                          catalogue: StoreTests.catalogue, createdBy: "Nurse A", now: now)
        a = try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 8)), to: a.id,
                            basedOn: a, by: "Nurse A", now: now)
        for i in 0..<20 {  // a note saved every second while typing
            a = try store.apply(.setNote(key: "pain", text: "Worse at night, left hip " + String(repeating: "x", count: i)), to: a.id,
                                basedOn: a, by: "Nurse A", now: now.addingTimeInterval(Double(i)))
        }
        try store.recordView(user: "Nurse B", assessmentId: a.id, now: now)
        return (store, a)
    }

    func testWhoDidWhatToWhichRecordWithoutClinicalText() throws {
        let (store, a) = try storeWithAPlan()
        let trail = try store.auditTrail()
        XCTAssertEqual(trail.map(\.action), ["added patient", "started assessment", "changed", "changed", "viewed"])
        XCTAssertEqual(trail.map(\.detail), ["", "", "concern pain", "note on pain", ""], "twenty note saves, one entry")
        XCTAssertEqual(trail.last?.user, "Nurse B")
        XCTAssertEqual(trail.last?.patientId, a.patientId, "the patient is recorded with the assessment")
        let everything = trail.map { "\($0.user) \($0.action) \($0.detail)" }.joined()
        XCTAssertFalse(everything.contains("hip") || everything.contains("Siân") || everything.contains("943"), everything)
        XCTAssertEqual(try store.auditTrail(patientId: a.patientId).count, 5)
        XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: 5))
    }

    func testTheTrailIsAppendOnly() throws {
        let (store, _) = try storeWithAPlan()
        XCTAssertThrowsError(try store.db.write { db in try db.execute(sql: "UPDATE audit_log SET user = 'someone else'") })
        XCTAssertThrowsError(try store.db.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE id = 2") })
        XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: 5))
    }

    func testTamperingBehindTheTriggersIsDetected() throws {
        let (changed, _) = try storeWithAPlan()
        try changed.db.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            try db.execute(sql: "UPDATE audit_log SET user = 'Nurse C' WHERE id = 3")
        }
        XCTAssertEqual(try changed.verifyAuditTrail(), .broken(atEntry: 3, reason: "its content was changed after it was written"))

        let (removed, _) = try storeWithAPlan()
        try removed.db.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: "DELETE FROM audit_log WHERE id = 2")
        }
        XCTAssertEqual(try removed.verifyAuditTrail(), .broken(atEntry: 3, reason: "it does not follow the entry before it (one was removed or inserted)"))
    }

    func testExportsAndKioskCodesAreAudited() throws {
        let (store, a) = try storeWithAPlan()
        _ = try store.recordExport(assessmentId: a.id, format: "pdf", destination: "/tmp/x.pdf", by: "Nurse B", at: now)
        _ = try store.issueKioskCode(patientId: a.patientId, pathwayPoint: .other, catalogue: StoreTests.catalogue, by: "Nurse B", now: now)
        let actions = try store.auditTrail().suffix(3).map(\.action)
        XCTAssertEqual(actions, ["exported", "started assessment", "issued kiosk code"])
        XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: 8))
    }
}
