import CareplanCore
import RepositoryTestSupport
import XCTest

/// Why a patient is unsuitable for the cancer reviews, in the clinician's words: kept with the record, shown
/// on it, and never written to the audit trail (what was said stays out of it).
final class QOFReasonContractTests: RepositoryContractCase {
    func testTheReasonForUnsuitableIsKeptCleanedAndKeptOutOfTheAuditTrail() throws {
        let today = LocalDate(year: 2026, month: 11, day: 28)!
        try eachRepository { store, connect in
            let p = try addSian(store)
            let saved = try store.recordQOF(QOFRecord(patientId: p.id!, indicator: nil, kind: .unsuitable, date: today,
                                                      reason: "  Receiving end-of-life care\nat home  "), by: "Dr Adams", now: now)
            XCTAssertEqual(saved.reason, "Receiving end-of-life care at home", "one line, trimmed")
            let blank = try store.recordQOF(QOFRecord(patientId: p.id!, indicator: nil, kind: .invited, date: today, how: .letter, reason: "   "),
                                            by: "Dr Adams", now: now)
            XCTAssertNil(blank.reason, "nothing said is no reason")
            XCTAssertEqual(try connect().qofRecords(patientId: p.id!), [saved, blank])
            XCTAssertFalse(try store.auditTrail().contains { $0.detail.contains("end-of-life") }, "no reason in the trail")
            XCTAssertEqual(try store.auditTrail(patientId: p.id!).last { $0.action == "recorded QOF unsuitable" }?.detail.prefix { $0 != ";" },
                           "QOF record \(saved.id!): every indicator")
        }
    }
}
