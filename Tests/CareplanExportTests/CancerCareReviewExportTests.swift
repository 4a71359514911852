import CareplanCore
import CareplanSQLite
@testable import CareplanExport
import Foundation
import XCTest

/// The Cancer Care Review out of careplan through the same pieces as any document: the record's copy has every
/// section with the concerns and their scores as a table; the patient's copy only the summary of concerns and
/// actions (`patient-copy:`); the FHIR bundle is valid R4, its concerns in the section's narrative.
final class CancerCareReviewExportTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_435_200)
    var ccr: DocumentTemplate { testConfiguration.documents["ccr"]! }

    /// Siân's review, every required answer given, two concerns scored, a service offered and an action; signed by a GP when asked.
    func review(signed: Bool) throws -> (Document, Patient) {
        let store = try CareStore()
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!, diagnosis: "Carcinoma of the left breast",
                                             diagnosisCode: "C50.4", diagnosisDate: LocalDate(year: 2026, month: 3, day: 2)))
        var d = try store.createDocument(template: ccr, patientId: p.id!, createdBy: "gp", now: now)
        func set(_ f: String, _ v: FieldValue) throws { d = try store.apply(.setField(f, v), to: d, template: ccr, by: "gp", now: now) }
        func row(_ g: String, _ v: [String: FieldValue]) throws { d = try store.apply(.saveRow(group: g, DocumentRow(values: v)), to: d, template: ccr, by: "gp", now: now) }
        try set("current-needs", .text("Back at work three days a week; sleeping badly."))
        try set("concerns", .concerns([ScoredConcern(key: "sleep", label: "Sleep problems or nightmares", score: 7),
                                       ScoredConcern(key: "worry", label: "Worry, fear or anxiety", score: 5)]))
        try set("concerns-discussed", .text("Sleep hygiene; fear of recurrence & what to look for <not> to ignore."))
        try set("side-effects", .text("Tiredness; joint aches on letrozole."))
        try set("recurrence-signs", .text("A new lump in the breast or armpit; bone pain that does not go away."))
        try set("medication-review", .text("Letrozole continues; paracetamol for joint aches."))
        try set("has-carer", .yesNo(true))
        try set("carer-name", .text("Tomasz Wiśniewski"))
        try row("services-offered", ["service": .service("local-psychology"), "service-reason": .text("Fear of recurrence")])
        try row("actions", ["action-who": .person(name: "Dr Adams", staffId: nil), "action-what": .text("Review sleep in 4 weeks"),
                            "action-by": .date(LocalDate(year: 2026, month: 12, day: 21)!)])
        try set("next-review-date", .date(LocalDate(year: 2027, month: 5, day: 23)!))
        try set("completed-by", .person(name: "Dr Adams", staffId: nil))
        if signed { d = try store.sign(documentId: d.id, revision: d.revision, template: ccr, by: "gp", name: "Dr Adams", role: "gp", now: now) }
        return (d, p)
    }

    func print(_ d: Document, _ p: Patient, copy: DocumentCopy = .record) -> DocumentPrint {
        DocumentPrint(document: d, template: ccr, patient: p, codes: testConfiguration.codes, services: testConfiguration.services,
                      roles: testConfiguration.roles, copy: copy, printedAt: now)
    }

    func testTheRecordsCopyHasEverySectionAndThePatientsOnlyTheSummary() throws {
        let (d, p) = try review(signed: true)
        let record = TextRenderer.render(print(d, p).printLayout())
        for s in ccr.sections { XCTAssertTrue(record.contains(s.title.uppercased()) || record.contains(s.title), s.title) }
        XCTAssertTrue(record.contains("Sleep problems or nightmares"), record)
        XCTAssertTrue(record.contains("Medication review") || record.contains("MEDICATION REVIEW"), record)
        let patient = TextRenderer.render(print(d, p, copy: .patient).printLayout())
        let titles = ["What you told us worries you", "What we agreed to do", "Your next review"]
        for t in titles { XCTAssertTrue(patient.contains(t) || patient.contains(t.uppercased()), "\(t): \(patient)") }
        XCTAssertTrue(patient.contains("Review sleep in 4 weeks"), patient)
        XCTAssertTrue(patient.contains("Sleep problems or nightmares") && patient.contains("7"), patient)
        for absent in ["Outcome of the medication review", "Carer's name", "Fear of recurrence"] {
            XCTAssertFalse(patient.contains(absent), "the patient's copy is the summary, not \(absent): \(patient)")
        }
    }

    func testTheReviewAsPDFPrintsTheConcernsAsATable() throws {
        let (d, p) = try review(signed: true)
        let pdf = try PDFProgram.render(print(d, p).printLayout(), paper: .a4)
        let patientPDF = try PDFProgram.render(print(d, p, copy: .patient).printLayout(), paper: .a4)
        keepSample(pdf, "ccr-record.pdf")
        keepSample(patientPDF, "ccr-patient.pdf")
        let all = squeezed(try pdfPages(pdf).joined(separator: " "))
        XCTAssertTrue(all.contains("Concern Score (0-10)"), all)
        XCTAssertTrue(all.contains("Sleep problems or nightmares 7"), all)
        XCTAssertTrue(all.contains("Signs and symptoms of recurrence"), all)
        let patient = squeezed(try pdfPages(patientPDF).joined(separator: " "))
        XCTAssertTrue(patient.contains("What we agreed to do") && patient.contains("Review sleep in 4 weeks"), patient)
        XCTAssertFalse(patient.contains("Medication review"), patient)
        XCTAssertLessThan(try pdfPages(patientPDF).count, try pdfPages(pdf).count + 1)
    }

    func testTheReviewAsFHIRIsAValidDocumentBundleTypedAsACancerCareReview() throws {
        for signed in [false, true] {
            let (d, p) = try review(signed: signed)
            let data = try DocumentFHIR.render(print(d, p))
            let summary = try checkWithFHIRResources(data)
            XCTAssertEqual(summary["type"] as? String, "document")
            XCTAssertEqual(summary["sections"] as? [String], ccr.sections.map(\.title))
            XCTAssertEqual(summary["unresolved"] as? [String], [])
            XCTAssertEqual(summary["types"] as? [String: Int], ["Composition": 1, "Patient": 1, "Practitioner": signed ? 1 : 2, "Condition": 1, "ServiceRequest": 1],
                           "completed by and signed by Dr Adams: one Practitioner, author and attester")
            let bundle = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let composition = try XCTUnwrap((bundle["entry"] as? [[String: Any]])?.first?["resource"] as? [String: Any])
            XCTAssertEqual(((composition["type"] as? [String: Any])?["coding"] as? [[String: String]])?.first?["code"], "270101008")
            XCTAssertEqual(composition["status"] as? String, signed ? "final" : "preliminary")
            let concerns = try XCTUnwrap((composition["section"] as? [[String: Any]])?.first { $0["title"] as? String == "Concerns raised" })
            let div = try XCTUnwrap((concerns["text"] as? [String: String])?["div"])
            XCTAssertTrue(div.contains("<li>Sleep problems or nightmares (7)</li><li>Worry, fear or anxiety (5)</li>"), div)
            XCTAssertTrue(div.contains("fear of recurrence &amp; what to look for &lt;not&gt; to ignore"), div)
        }
    }
}
