import CareplanCore
import XCTest

/// A follow-up letter written or printed (issue 14): audited against the patient with its kind, format and
/// destination, never what it says; an unknown patient refused with nothing recorded.
final class FollowUpLetterContractTests: RepositoryContractCase {
    func testAnExportedLetterIsAuditedAgainstThePatientAndAnUnknownPatientIsRefused() throws {
        try eachRepository { store, connect in
            let p = try store.addPatient(patient("9434765919", family: "Wiśniewski", given: "Siân"), now: now)
            try store.recordLetterExport(patientId: p.id!, letter: "discharge", format: "pdf", destination: "/home/nurse/discharge.pdf", by: "nurse", now: now)
            let trail = try connect().auditTrail(patientId: p.id!).filter { $0.action == "exported follow-up letter" }
            XCTAssertEqual(trail.map(\.detail), ["discharge letter as pdf to /home/nurse/discharge.pdf"])
            XCTAssertEqual(trail.map(\.user), ["nurse"])
            let entries = try store.auditTrail().count
            XCTAssertThrowsError(try store.recordLetterExport(patientId: 999, letter: "results", format: "pdf", destination: "x.pdf", by: "nurse", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The patient"))
            }
            XCTAssertEqual(try store.auditTrail().count, entries)
            guard case .intact = try store.verifyAuditTrail() else { return XCTFail("audit trail broken") }
        }
    }
}
