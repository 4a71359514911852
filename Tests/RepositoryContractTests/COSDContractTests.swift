import CareplanCore
import RepositoryTestSupport
import XCTest

/// The COSD export's facts for a period (issue 15), as every store must give them: both days included, an
/// undecided offer settled by a later one left out, an accepted one with its assessment, the signed End of
/// Treatment Summaries with their date, and one audit entry for the file with counts only.
extension DocumentContractTests {
    func testTheCOSDFactsOfAPeriodAndTheExportsAuditEntry() throws {
        try eachRepository { store, connect in
            let d = try filled(store, try draft(store))
            let signed = try store.sign(documentId: d.id, revision: d.revision, template: eots, by: "Nurse Test", role: "clinical-nurse-specialist", now: now)
            let p = signed.patientId
            func day(_ d: Int) -> LocalDate { LocalDate(year: 2026, month: 11, day: d)! }
            try store.recordHNAOffer(patientId: p, date: day(2), pathwayPoint: .endOfTreatment, outcome: .undecided, by: "t", now: now)
            var a = try store.startAssessment(patientId: p, pathwayPoint: .endOfTreatment, completedBy: .patient, date: day(5),
                                              catalogue: Self.catalogue, createdBy: "t", now: now)
            a = try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 6)), to: a.id, basedOn: a, now: now)
            _ = try store.apply(.agree(by: "Nia", role: .otherNurse, at: now, reviewDate: day(30)), to: a.id, basedOn: a, now: now)
            try store.recordHNAOffer(patientId: p, date: day(1), pathwayPoint: .other, outcome: .declined, by: "t", now: now)
            try store.recordHNAOffer(patientId: p, date: LocalDate(year: 2026, month: 10, day: 31)!, pathwayPoint: .other, outcome: .declined, by: "t", now: now)

            let facts = try connect().cosdFacts(from: day(1), to: day(23), eotsTemplate: "eots")
            XCTAssertEqual(facts.offers.map(\.date), ["2026-11-01", "2026-11-05"], "31 Oct is outside; the undecided 2 Nov is settled by 5 Nov")
            XCTAssertEqual(facts.offers[1].outcome, "03")
            XCTAssertEqual(facts.offers[1].pathwayPoint, "04")
            XCTAssertEqual(facts.offers[1].assessment, COSDFacts.Assessment(id: a.id, status: "agreed", agreedRole: "02", concerns: 1))
            XCTAssertNil(facts.offers[0].assessment)
            XCTAssertEqual(facts.summaries, [COSDFacts.Summary(documentId: signed.id, patientId: p, date: "2026-11-23")])
            XCTAssertEqual(facts.patients[p], COSDFacts.Patient(id: p, nhsNumber: "9434765919", dateOfBirth: "1961-03-05", diagnosisCode: "C50.9",
                                                                diagnosisDate: "2026-03-01"))
            XCTAssertEqual(try store.cosdFacts(from: day(24), to: day(30), eotsTemplate: "eots"), COSDFacts(), "an empty period")
            XCTAssertEqual(try store.cosdFacts(from: day(1), to: day(23), eotsTemplate: "ccr").summaries, [], "only the summary's template")

            try store.recordCOSDExport(from: day(1), to: day(23), patients: 1, rows: 3, leftOut: 0, destination: "/tmp/c.csv", by: "Nurse Test", now: now)
            let entry = try XCTUnwrap(try store.auditTrail().last)
            XCTAssertEqual([entry.user, entry.action, entry.detail],
                           ["Nurse Test", "exported COSD", "2026-11-01 to 2026-11-23: 1 patient(s), 3 row(s), 0 left out, to /tmp/c.csv"])
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
        }
    }
}
