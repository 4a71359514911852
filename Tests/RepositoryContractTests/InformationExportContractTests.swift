import CareplanCore
import XCTest

/// An information prescription written or printed (issue 13): audited against the patient with the count,
/// format and destination, never what it says; an unknown patient refused with nothing recorded.
final class InformationExportContractTests: RepositoryContractCase {
    func testAnExportedPrescriptionIsAuditedAgainstThePatientAndAnUnknownPatientIsRefused() throws {
        try eachRepository { store, connect in
            let p = try store.addPatient(patient("9434765919", family: "Wiśniewski", given: "Siân"), now: now)
            try store.recordInformationExport(patientId: p.id!, items: 2, format: "pdf large print", destination: "/home/nurse/information.pdf",
                                              by: "nurse", now: now)
            let trail = try connect().auditTrail(patientId: p.id!).filter { $0.action == "exported information prescription" }
            XCTAssertEqual(trail.map(\.detail), ["2 item(s) as pdf large print to /home/nurse/information.pdf"])
            XCTAssertEqual(trail.map(\.user), ["nurse"])
            let entries = try store.auditTrail().count
            XCTAssertThrowsError(try store.recordInformationExport(patientId: 999, items: 1, format: "pdf", destination: "x.pdf", by: "nurse", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The patient"))
            }
            XCTAssertEqual(try store.auditTrail().count, entries)
            guard case .intact = try store.verifyAuditTrail() else { return XCTFail("audit trail broken") }
        }
    }
}
