import CareplanCore
import RepositoryTestSupport
import XCTest

/// A store that stops taking writes (a full disk, a read-only store), through the wrapping repository the
/// screen tests use: each refusal says why in the nurse's words, leaves nothing half-written, reads go on,
/// and the same change is taken once the store can take it again.
final class FaultContractTests: RepositoryContractCase {
    func testAFullDiskRefusesWholeChangesAndTakesThemOnceThereIsSpace() throws {
        try eachRepository { store, _ in
            let faulty = FaultyRepository(store)
            let a = try assessmentWithPain(faulty)
            faulty.fail(.diskFull)
            XCTAssertThrowsError(try faulty.apply(.setNote(key: "pain", text: "Worse at night"), to: a.id, basedOn: a, now: now)) { e in
                XCTAssertEqual((e as? StoreError)?.description, "Not saved: the disk is full. What you typed is kept; it is saved when you try again")
            }
            XCTAssertThrowsError(try faulty.recordView(user: "Nurse", assessmentId: a.id, now: now)) { XCTAssertEqual($0 as? StoreError, WriteFailure.diskFull.error) }
            XCTAssertEqual(try faulty.assessment(id: a.id), a, "nothing of the refused change, not even the revision")
            faulty.fail(nil)
            let saved = try faulty.apply(.setNote(key: "pain", text: "Worse at night"), to: a.id, basedOn: a, now: now)
            XCTAssertEqual(saved.concern("pain")?.note, "Worse at night")
            XCTAssertEqual(saved.revision, a.revision + 1)
            guard case .intact = try store.verifyAuditTrail() else { return XCTFail("audit trail broken by the refused writes") }
        }
    }

    func testAReadOnlyStoreRefusesEveryKindOfWriteAndStillReads() throws {
        try eachRepository { store, _ in
            let faulty = FaultyRepository(store)
            let a = try assessmentWithPain(faulty)
            let entries = try store.auditTrail().count
            faulty.fail(.readOnly)
            let refused = StoreError.cannotWrite("the store is read-only")
            XCTAssertThrowsError(try faulty.addPatient(patient("9990000026", family: "Smith", given: "Zoë"), now: now)) { XCTAssertEqual($0 as? StoreError, refused) }
            XCTAssertThrowsError(try faulty.apply(.setDistress(7), to: a.id, basedOn: a, now: now)) { XCTAssertEqual($0 as? StoreError, refused) }
            XCTAssertThrowsError(try faulty.recordExport(assessmentId: a.id, format: "pdf", destination: "x.pdf", by: "Nurse", at: now)) {
                XCTAssertEqual($0 as? StoreError, refused)
            }
            XCTAssertThrowsError(try faulty.issueKioskCode(patientId: a.patientId, pathwayPoint: .other, catalogue: Self.catalogue, by: "Nurse", now: now)) {
                XCTAssertEqual($0 as? StoreError, refused)
            }
            XCTAssertEqual(try faulty.assessment(id: a.id), a, "reading goes on")
            XCTAssertEqual(try faulty.searchPatients("wis").count, 1)
            XCTAssertEqual(try store.auditTrail().count, entries, "nothing audited for what was not done")
            faulty.fail(nil)
            XCTAssertEqual(try faulty.apply(.setDistress(7), to: a.id, basedOn: a, now: now).distressScore, 7)
        }
    }
}
