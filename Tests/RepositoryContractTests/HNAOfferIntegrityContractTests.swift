import CareplanCore
@testable import CareplanSQLite
@_spi(StoreTesting) @testable import CareplanStore
import RepositoryTestSupport
import XCTest

/// HNA offers under `audit --verify` (issue 15, tester finding t15b #3): they feed COSD and the hna report, so an
/// offer changed, inserted or removed behind careplan's back, or the table dropped, is named like a QOF record.
final class HNAOfferIntegrityContractTests: RepositoryContractCase {
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    func testAnOfferChangedInsertedRemovedOrItsTableDroppedOutsideCareplanIsFound() throws {
        try eachRepository { store, _ in
            guard let sqlite = store as? CareStore else { return }
            let p = try addSian(store)
            let declined = try store.recordHNAOffer(patientId: p.id!, date: today, pathwayPoint: .startOfTreatment, outcome: .declined, by: "t", now: now)
            let a = try store.startAssessment(patientId: p.id!, pathwayPoint: .endOfTreatment, completedBy: .patient, date: today,
                                              catalogue: Self.catalogue, createdBy: "t", now: now)
            let accepted = try XCTUnwrap(try store.hnaOffers(patientId: p.id!).first { $0.assessmentId == a.id }).id
            // A discarded assessment's offer is taken out by careplan: not a finding.
            let discarded = try store.startAssessment(patientId: p.id!, pathwayPoint: .other, completedBy: .patient, date: today,
                                                      catalogue: Self.catalogue, createdBy: "t", now: now)
            _ = try store.discardAssessment(id: discarded.id, by: "t", now: now)
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
            try sqlite.unauditedWrite { db in try db.execute(sql: "CREATE TABLE kept AS SELECT * FROM hna_offer") }
            let cases: [(String, String, String)] = [
                ("outcome", "UPDATE hna_offer SET outcome = '03' WHERE id = \(declined.id)", "HNA offer \(declined.id) (patient \(p.id!)) was changed"),
                ("date", "UPDATE hna_offer SET date = '2026-11-01' WHERE id = \(accepted)", "HNA offer \(accepted) (patient \(p.id!)) was changed"),
                ("role", "UPDATE hna_offer SET offered_role = 'clinical-nurse-specialist' WHERE id = \(accepted)", "HNA offer \(accepted) (patient"),
                ("inserted", "INSERT INTO hna_offer (patient_id, date, pathway_point, outcome, offered_by, recorded_at) "
                    + "VALUES (\(p.id!), '2026-10-10', '01', '02', 'ghost', '2026-10-10')", "has no audit entry"),
                ("deleted", "DELETE FROM hna_offer WHERE id = \(declined.id)", "HNA offer \(declined.id) (patient \(p.id!)), recorded in audit entry"),
                ("dropped", "DROP TABLE hna_offer", "the table hna_offer is missing"),
            ]
            for (what, tamper, expected) in cases {
                try sqlite.unauditedWrite { db in try db.execute(sql: tamper) }
                guard case .broken(nil, let reason) = try store.verifyAuditTrail() else { XCTFail("\(what): verify found nothing"); continue }
                XCTAssertTrue(reason.contains(expected) && reason.contains("the HNA offers were changed outside careplan"), "\(what): \(reason)")
                try sqlite.unauditedWrite { db in
                    if try !db.tableExists("hna_offer") { try db.execute(sql: "CREATE TABLE hna_offer AS SELECT * FROM kept WHERE false") }
                    try db.execute(sql: "DELETE FROM hna_offer; INSERT INTO hna_offer SELECT * FROM kept")
                }
                XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count), "\(what): put back")
            }
        }
    }

    func testCheckStoreSaysTheOffersTableIsMissing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropped-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("store/careplan.sqlite").path
        let store = try CareStore(path: path, auditKey: folder.appendingPathComponent("keys/audit.key").path)
        XCTAssertEqual(CareStore.integrityCheck(path: path), "ok")
        try store.unauditedWrite { db in try db.execute(sql: "DROP TABLE hna_offer") }
        XCTAssertTrue(CareStore.integrityCheck(path: path).contains("the table hna_offer is missing"), CareStore.integrityCheck(path: path))
    }

    func testOffersFromBeforeTheDigestsAreAcceptedAfterTheUpgradeAndLaterOnesAreNot() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("upgrade-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let open = { try CareStore(path: folder.appendingPathComponent("store/careplan.sqlite").path, auditKey: folder.appendingPathComponent("keys/audit.key").path) }
        let store = try open()
        let p = try addSian(store)
        // As v15-hna-offer and the careplan before digests left it: offers with no digest, and the upgrade's note.
        try store.unauditedWrite { db in
            try db.execute(sql: "INSERT INTO hna_offer (patient_id, date, pathway_point, outcome, offered_by, recorded_at) VALUES (\(p.id!), '2026-10-10', '01', '02', 'n', '2026-10-10')")
            try CareStore.noteUndigestedRows(db, "hna_offer 1-\(db.lastInsertedRowID)")
        }
        XCTAssertEqual(try open().verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
        try store.unauditedWrite { db in
            try db.execute(sql: "INSERT INTO hna_offer (patient_id, date, pathway_point, outcome, offered_by, recorded_at) VALUES (\(p.id!), '2026-10-11', '01', '02', 'n', '2026-10-11')")
        }
        guard case .broken(nil, let reason) = try open().verifyAuditTrail() else { return XCTFail("an offer inserted after the upgrade not found") }
        XCTAssertTrue(reason.contains("has no audit entry"), reason)
        XCTAssertTrue(CareStore.migrationNames.contains("v15-hna-offer-integrity"))
    }
}
