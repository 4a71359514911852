import CareplanCore
@testable import CareplanExport
import CareplanSQLite
import Foundation
import XCTest

/// `careplan cosd`'s file, from a store built so that every answer is known: an offer undecided then accepted
/// (one row), an agreed plan, a declined offer, a kiosk self-assessment, a signed End of Treatment Summary, an
/// offer outside the period, and a patient whose NHS number cannot be sent (left out, with the reason).
final class COSDExportTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_435_200)  // 2026-11-23, 12:00 in the UK
    let november = (LocalDate(year: 2026, month: 11, day: 1)!, LocalDate(year: 2026, month: 11, day: 30)!)
    func day(_ m: Int, _ d: Int) -> LocalDate { LocalDate(year: 2026, month: m, day: d)! }
    var eots: DocumentTemplate { testConfiguration.documents["eots"]! }

    /// The store's first administrator, and `users` (name, role): roles are what matter here.
    func addStaff(_ store: CareStore, _ users: [(String, String)]) throws {
        func password(_ user: String) throws -> NewPassword {
            try NewPassword.checked("purple tractor rain", userName: user, rules: PasswordRules(minimumLength: 10)).get()
        }
        _ = try store.addUser(NewStaffUser(userName: "admin", fullName: "Ada Admin", roleId: UserRole.administratorId), password: password("admin"),
                              by: nil, now: now)
        for (name, role) in users {
            _ = try store.addUser(NewStaffUser(userName: name, fullName: name, roleId: role), password: password(name), by: "admin", now: now)
        }
    }

    func addPatient(_ store: CareStore, _ n: Int) throws -> Patient {
        try store.addPatient(Patient(nhsNumber: Array(NHSNumber.fictionalNumbers().prefix(4))[n], familyName: "Patient", givenName: "P\(n)",
                                     dateOfBirth: LocalDate(year: 1950 + n, month: 1, day: 2)!, diagnosis: "Breast", diagnosisCode: n == 3 ? "breast" : "C50.\(n)",
                                     diagnosisDate: day(3, 1 + n)), now: now)
    }

    func signedSummary(_ store: CareStore, patientId: Int64) throws -> Document {
        var d = try store.createDocument(template: eots, patientId: patientId, createdBy: "nurse", now: now)
        let values: [(String, FieldValue)] = [
            ("treatment-aim", .codes(["curative"])), ("side-effects", .text("Tiredness.")), ("red-flag-symptoms", .text("A new lump.")),
            ("contact-in-hours", .text("CNS team")), ("contact-out-of-hours", .text("Acute oncology")),
            ("follow-up-pathway", .codes(["supported-self-management"])), ("follow-up-plan", .text("Yearly mammogram.")),
            ("gp-actions", .text("None.")), ("completed-by", .person(name: "Nia Nurse", staffId: "nurse")), ("completed-date", .date(day(11, 20))),
        ]
        for (field, value) in values { d = try store.apply(.setField(field, value), to: d, template: eots, by: "nurse", now: now) }
        d = try store.apply(.saveRow(group: "treatments", DocumentRow(values: ["treatment-type": .codes(["01"]), "start-date": .date(day(4, 2)),
                                                                               "end-date": .date(day(10, 30))])), to: d, template: eots, by: "nurse", now: now)
        return try store.sign(documentId: d.id, revision: d.revision, template: eots, by: "carys", role: "clinical-nurse-specialist", now: now)
    }

    /// The store of the class comment; its patients are 1 to 4.
    func constructedStore() throws -> CareStore {
        let store = try CareStore()
        try addStaff(store, [("nurse", "nurse"), ("sam", "support-worker"), ("carys", "clinical-nurse-specialist")])
        let catalogue = testConfiguration.catalogues["ncat-hna"]!
        // 1: offered at diagnosis, undecided, then accepted (the assessment started), the plan agreed by a CNS; a
        // signed End of Treatment Summary; and an offer in October, outside the period.
        let one = try addPatient(store, 0)
        try store.recordHNAOffer(patientId: one.id!, date: day(11, 2), pathwayPoint: .initialDiagnosis, outcome: .undecided, by: "sam", now: now)
        var a = try store.startAssessment(patientId: one.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician, date: day(11, 5),
                                          catalogue: catalogue, createdBy: "nurse", now: now)
        a = try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 6)), to: a.id, basedOn: a, now: now)
        _ = try store.apply(.agree(by: "Carys CNS", role: .cns, at: now, reviewDate: day(12, 20)), to: a.id, basedOn: a, now: now)
        _ = try signedSummary(store, patientId: one.id!)
        try store.recordHNAOffer(patientId: one.id!, date: day(10, 31), pathwayPoint: .startOfTreatment, outcome: .declined, by: "nurse", now: now)
        // 2: declined on the last day of the period... of this test's store, 23 November (nothing may be later than today).
        let two = try addPatient(store, 1)
        try store.recordHNAOffer(patientId: two.id!, date: day(11, 23), pathwayPoint: .startOfTreatment, outcome: .declined, by: "nurse", now: now)
        // 3: a kiosk code, which starts a self-assessment: accepted, its plan offered (in progress).
        let three = try addPatient(store, 2)
        _ = try store.issueKioskCode(patientId: three.id!, pathwayPoint: .endOfTreatment, catalogue: catalogue, by: "sam", now: now)
        // 4: a diagnosis "code" that is no ICD-10 code: not sent.
        let four = try addPatient(store, 3)
        try store.recordHNAOffer(patientId: four.id!, date: day(11, 1), pathwayPoint: .other, outcome: .notOffered, reason: "Too unwell",
                                 by: "nurse", now: now)
        return store
    }

    func testTheFileHasOneRowPerPatientAndEventWithTheirCodes() throws {
        let store = try constructedStore()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (url, export) = try COSDExporter.export(from: november.0, to: november.1, output: folder.path, store: store,
                                                    configuration: testConfiguration, user: "nurse", now: now)
        XCTAssertEqual(url.lastPathComponent, "cosd-2026-11-01-2026-11-30.csv")
        let nhs = Array(NHSNumber.fictionalNumbers().prefix(3)).map(\.digits)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), [
            "CR0010,CR0020,CR0100,CR0370,CR2030,CR7900,CR7920,CR7930,CR7940,CR7950,CR7960,CR8420",
            // Offered 2 Nov (undecided), accepted 5 Nov: one offer, accepted, by the nurse who started it; the CNS's plan.
            "\(nhs[0]),1,1950-01-02,C50.0,2026-03-01,03,03,2026-11-05,01,02,01,",
            "\(nhs[0]),1,1950-01-02,C50.0,2026-03-01,,,,,,,2026-11-20",
            "\(nhs[1]),2,1951-01-02,C50.1,2026-03-02,02,,2026-11-23,02,02,,",
            // The kiosk's self-assessment: issued by the support worker, today, not yet a plan.
            "\(nhs[2]),3,1952-01-02,C50.2,2026-03-03,03,02,2026-11-23,04,04,,",
        ].map { $0 + "\r\n" }.joined())
        XCTAssertEqual(export.leftOut.map(\.line), ["patient 4, HNA offer 6: the patient's diagnosis code is not an ICD-10 code"])
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let entry = try XCTUnwrap(try store.auditTrail().last)
        XCTAssertEqual([entry.user, entry.action], ["nurse", "exported COSD"])
        XCTAssertEqual(entry.detail, "2026-11-01 to 2026-11-30: 3 patient(s), 4 row(s), 1 left out, to \(url.path)")
        XCTAssertNil(entry.patientId, "one entry for the file, no patient's")
        XCTAssertFalse(try store.auditTrail().contains { $0.detail.contains(nhs[0]) }, "no NHS number in the trail")
    }

    func testAnEmptyPeriodWritesTheHeaderAloneAndIsStillAudited() throws {
        let store = try constructedStore()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (url, export) = try COSDExporter.export(from: day(1, 1), to: day(1, 31), output: folder.appendingPathComponent("january.csv").path,
                                                    store: store, configuration: testConfiguration, user: "nurse", now: now)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "CR0010,CR0020,CR0100,CR0370,CR2030,CR7900,CR7920,CR7930,CR7940,CR7950,CR7960,CR8420\r\n")
        XCTAssertEqual(export.leftOut, [])
        XCTAssertEqual(try store.auditTrail().last?.detail, "2026-01-01 to 2026-01-31: 0 patient(s), 0 row(s), 0 left out, to \(url.path)")
        // The same file again: kept, as every export keeps what is there without --force.
        XCTAssertThrowsError(try COSDExporter.export(from: day(1, 1), to: day(1, 31), output: url.path, store: store,
                                                     configuration: testConfiguration, user: "nurse", now: now))
        XCTAssertThrowsError(try COSDExporter.export(from: day(1, 1), to: day(1, 31), output: folder.appendingPathComponent("x.pdf").path, store: store,
                                                     configuration: testConfiguration, user: "nurse", now: now)) {
            XCTAssertEqual(($0 as? ExportError)?.description.contains("the COSD file is CSV"), true, "\($0)")
        }
    }

    /// The facts the store gives for a period: both days included, an undecided offer settled by a later one left out.
    func testTheStoresFactsForAPeriod() throws {
        let store = try constructedStore()
        let facts = try store.cosdFacts(from: day(11, 2), to: day(11, 23), eotsTemplate: "eots")
        XCTAssertEqual(facts.offers.map(\.date), ["2026-11-05", "2026-11-23", "2026-11-23"], "the undecided offer of 2 Nov is settled")
        XCTAssertEqual(facts.offers[0].assessment?.status, "agreed")
        XCTAssertEqual(facts.offers[0].assessment?.agreedRole, "01")
        XCTAssertEqual(facts.offers[0].assessment?.concerns, 1)
        XCTAssertEqual(facts.offers.map(\.offeredRole), ["nurse", "nurse", "support-worker"])
        XCTAssertEqual(facts.summaries.map(\.date), ["2026-11-20"])
        XCTAssertEqual(Set(facts.patients.keys), [1, 2, 3])
        XCTAssertEqual(try store.cosdFacts(from: day(11, 24), to: day(11, 30), eotsTemplate: "eots"), COSDFacts())
    }
}
