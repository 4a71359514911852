import CareplanCore
import CareplanSQLite
@testable import CareplanExport
import Foundation
import TermUI
import XCTest

/// One output for any document: the End of Treatment Summary and a template that exists only in this
/// folder go through the same text, PDF and FHIR pieces, and out through `careplan export --document`'s rules.
final class DocumentExportTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_435_200)  // 2026-11-23, 12:00 in the UK
    var eots: DocumentTemplate { testConfiguration.documents["eots"]! }
    func day(_ m: Int, _ d: Int) -> LocalDate { LocalDate(year: 2026, month: m, day: d)! }

    /// Siân's End of Treatment Summary: two treatments, a referral, every required answer; signed when asked.
    func summary(signed: Bool, template: DocumentTemplate? = nil) throws -> (CareStore, Document, Patient) {
        let store = try CareStore()
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!, diagnosis: "Carcinoma of the left breast",
                                             diagnosisCode: "C50.4", diagnosisDate: day(3, 2)))
        let t = template ?? eots
        var d = try store.createDocument(template: t, patientId: p.id!, createdBy: "Nurse Test", now: now)
        func set(_ f: String, _ v: FieldValue) throws { d = try store.apply(.setField(f, v), to: d, template: t, by: "Nurse Test", now: now) }
        func row(_ g: String, _ v: [String: FieldValue]) throws { d = try store.apply(.saveRow(group: g, DocumentRow(values: v)), to: d, template: t, by: "Nurse Test", now: now) }
        try set("site", .text("Left breast, upper outer quadrant"))
        try set("stage", .text("T2 N1 M0"))
        try set("histology", .text("Invasive ductal carcinoma, ER positive"))
        try set("grade", .text("2"))
        try row("treatments", ["treatment-type": .codes(["01"]), "start-date": .date(day(4, 14)), "end-date": .date(day(4, 14)),
                               "treatment-details": .text("Wide local excision and sentinel node biopsy")])
        try row("treatments", ["treatment-type": .codes(["05"]), "start-date": .date(day(6, 1)), "end-date": .date(day(6, 19)),
                               "treatment-details": .text("40 Gy in 15 fractions to the left breast")])
        try set("treatment-aim", .codes(["curative"]))
        try set("side-effects", .text("Tiredness for some months. Skin over the breast may stay darker."))
        try set("late-effects", .text("Lymphoedema of the left arm; rarely, heart or lung changes years later."))
        try set("red-flag-symptoms", .text("A new lump in the breast, armpit or neck; bone pain that does not go away; breathlessness."))
        try set("contact-in-hours", .text("Breast CNS team 0113 000 0000 (Mon-Fri 9-5)"))
        try set("contact-out-of-hours", .text("Acute oncology 24-hour line 0113 000 0001"))
        try row("referrals", ["service": .service("local-dietitian"), "referral-reason": .text("Weight gain on letrozole")])
        try set("follow-up-pathway", .codes(["supported-self-management"]))
        try set("follow-up-plan", .text("Yearly mammogram for 5 years, booked by the breast unit."))
        try set("gp-actions", .text("Bone density scan in 2 years (letrozole). Review hot flushes."))
        try set("medication", .text("Letrozole 2.5 mg daily for 5 years"))
        try set("information-given", .codes(["signs-of-recurrence", "re-access"]))
        try set("prescription-exemption", .codes(["has-certificate"]))
        try set("ds1500", .codes(["not-applicable"]))
        try set("completed-by", .person(name: "Nurse Test", staffId: "ntest"))
        if signed { d = try store.sign(documentId: d.id, revision: d.revision, template: t, by: "Nurse Test", role: "clinical-nurse-specialist", now: now) }
        return (store, d, p)
    }

    func print(_ d: Document, _ p: Patient, copy: DocumentCopy = .record, template: DocumentTemplate? = nil) -> DocumentPrint {
        DocumentPrint(document: d, template: template ?? eots, patient: p, codes: testConfiguration.codes, services: testConfiguration.services,
                      roles: testConfiguration.roles, copy: copy, printedAt: now)
    }

    // MARK: Text

    func testTheSummaryAsTextHasEveryHeadingInOrderAt80Columns() throws {
        let (_, d, p) = try summary(signed: true)
        let text = TextRenderer.render(print(d, p).printLayout())
        let lines = text.components(separatedBy: "\n")
        XCTAssertTrue(lines.allSatisfy { DisplayWidth.of($0) <= 80 }, text)
        XCTAssertTrue(lines.contains { $0.contains("END OF TREATMENT SUMMARY") })
        XCTAssertTrue(text.contains("WIŚNIEWSKI, Siân   NHS number 943 476 5919   Born 05 Mar 1961"))
        let headings = ["DIAGNOSIS", "TREATMENT GIVEN", "SIDE EFFECTS AND LATE EFFECTS", "SYMPTOMS TO REPORT", "OTHER SERVICES REFERRED TO",
                        "ONGOING MANAGEMENT AND FOLLOW-UP", "ACTIONS FOR THE GP", "INFORMATION GIVEN TO THE PATIENT", "PRESCRIPTIONS AND BENEFITS",
                        "COMPLETED BY", "DOCUMENT STATUS"]
        XCTAssertEqual(lines.filter { headings.contains($0) }, headings, "every section, in the template's order")
        for expected in ["Date of diagnosis:", "02 Mar 2026", "T2 N1 M0", "Surgery", "Radiotherapy (external", "14 Apr 2026", "19 Jun 2026",
                         "Curative", "Acute oncology 24-hour line", "Oncology dietitian (hospital)", "Supported self-management",
                         "Signs and symptoms of recurrence; How to contact the team and re-access care", "Has a medical exemption certificate",
                         "Signed by:", "Clinical nurse specialist", "Copies: patient, GP, clinical record. This is the clinical record's copy."] {
            XCTAssertTrue(squeezed(text).contains(expected), "\(expected) missing from:\n\(text)")
        }
        XCTAssertFalse(text.contains("DRAFT"), "a signed summary has no draft marking")
        XCTAssertTrue(lines.contains { $0.hasPrefix("Version 1 · signed 23 Nov 2026 · reference \(d.id)") })
    }

    /// A person chosen from the staff is named with their role, as the store knows it, in the text, the PDF's
    /// layout and the FHIR narrative alike (they all read `DocumentPrint.text`); a name typed is as typed.
    func testAPersonChosenFromTheStaffIsNamedWithTheirRole() throws {
        let (_, d, p) = try summary(signed: true)
        let completedBy = try XCTUnwrap(eots.sections.flatMap(\.fields).first { $0.id == "completed-by" })
        var printed = print(d, p)
        XCTAssertEqual(printed.text(completedBy, in: d.values), "Nurse Test", "not one of the staff known here: the name alone")
        printed = DocumentPrint(document: d, template: eots, patient: p, codes: testConfiguration.codes, services: testConfiguration.services,
                                roles: testConfiguration.roles, staff: [StaffName(userName: "ntest", fullName: "Nurse Test", roleName: "Clinical nurse specialist")],
                                printedAt: now)
        XCTAssertEqual(printed.text(completedBy, in: d.values), "Nurse Test, Clinical nurse specialist")
        XCTAssertTrue(squeezed(TextRenderer.render(printed.printLayout())).contains("Nurse Test, Clinical nurse specialist"))
        let fhir = String(decoding: try DocumentExporter.render(printed, format: .fhir), as: UTF8.self)
        XCTAssertTrue(fhir.contains("Nurse Test, Clinical nurse specialist"), fhir)

        // Completed and signed by the same user: one Practitioner, the author and the attester.
        let (store, draft, _) = try summary(signed: false)
        let same = try store.sign(documentId: draft.id, revision: draft.revision, template: eots, by: "ntest", role: "clinical-nurse-specialist", now: now)
        printed = DocumentPrint(document: same, template: eots, patient: p, codes: testConfiguration.codes, services: testConfiguration.services,
                                roles: testConfiguration.roles, staff: printed.staff, printedAt: now)
        let bundle = try checkWithFHIRResources(try DocumentExporter.render(printed, format: .fhir))
        XCTAssertEqual((bundle["types"] as? [String: Int])?["Practitioner"], 1)
        XCTAssertTrue(squeezed(TextRenderer.render(printed.printLayout())).contains("Signed by: Nurse Test"), "by full name, not user name")
        XCTAssertEqual(bundle["unresolved"] as? [String], [])
    }

    func testTheGPCopyPutsTheActionsForTheGPFirstAndADraftSaysSo() throws {
        let (_, d, p) = try summary(signed: false)
        let text = TextRenderer.render(print(d, p, copy: .gp).printLayout())
        let lines = text.components(separatedBy: "\n")
        XCTAssertEqual(lines.first?.trimmingCharacters(in: .whitespaces), "*** DRAFT: NOT YET SIGNED ***")
        XCTAssertEqual(lines.dropLast().last?.trimmingCharacters(in: .whitespaces), "*** DRAFT: NOT YET SIGNED ***")
        let gp = try XCTUnwrap(lines.firstIndex(of: "ACTIONS FOR THE GP"))
        let diagnosis = try XCTUnwrap(lines.firstIndex(of: "DIAGNOSIS"))
        XCTAssertLessThan(gp, diagnosis)
        XCTAssertTrue(text.contains("This is the GP's copy."))
        XCTAssertFalse(text.contains("WHEN TO CONTACT US STRAIGHT AWAY"), "the GP's copy keeps the clinical words")

        // The patient's copy: the template's plain words where it gives them, the clinical ones elsewhere.
        let patient = TextRenderer.render(print(d, p, copy: .patient).printLayout())
        for words in ["YOUR DIAGNOSIS", "WHEN TO CONTACT US STRAIGHT AWAY", "Contact us straight away if you have any of these",
                      "Who to call at night and at weekends:", "WHAT WE HAVE ASKED YOUR GP TO DO", "What the treatment aimed to do:",
                      "Possible side effects and toxicities"] {
            XCTAssertTrue(patient.contains(words), "\(words) missing from:\n\(patient)")
        }
        XCTAssertFalse(patient.contains("Red-flag"))
        XCTAssertTrue(text.contains("DRAFT, version 1 · GP's copy · printed"))
    }

    // MARK: PDF

    func testTheSummaryAsPDFMarksEveryPageAndPrintsLarge() throws {
        let (_, draft, p) = try summary(signed: false)
        let layout = print(draft, p, copy: .patient).printLayout()
        let standard = try PDFProgram.render(layout, paper: .a4)
        let large = try PDFProgram.render(print(draft, p, copy: .patient).printLayout(largePrint: true), paper: .a4)
        keepSample(standard, "eots-draft.pdf")
        keepSample(large, "eots-draft-large.pdf")
        for pdf in [standard, large] {
            let pages = try pdfPages(pdf)
            XCTAssertGreaterThan(pages.count, 1)
            for (i, page) in pages.enumerated() {
                let s = squeezed(page)
                // (the diagonal DRAFT behind the text comes out of pdftotext inside words: "WIŚNIE WSKI")
                XCTAssertTrue(s.contains("NHS number 943 476 5919") && s.contains("Born 05 Mar 1961") && s.contains("Siân"), "page \(i + 1): \(s)")
                XCTAssertTrue(s.contains("page \(i + 1) of \(pages.count)"), "page \(i + 1): \(s)")
                XCTAssertTrue(s.contains("DRAFT: NOT YET SIGNED"), "page \(i + 1)")
            }
            let all = squeezed(pages.joined(separator: " "))
            XCTAssertTrue(all.contains("Copies: patient, GP, clinical record. This is the patient's copy."))
            XCTAssertTrue(all.contains("40 Gy in 15 fractions"))
        }
        XCTAssertGreaterThan(try pdfPages(large).count, try pdfPages(standard).count, "14 pt text takes more pages than 9.5 pt")
        let (_, signed, _) = try summary(signed: true)
        let signedPDF = try PDFProgram.render(print(signed, p).printLayout(), paper: .a4)
        XCTAssertFalse(try pdfPages(signedPDF).joined().contains("DRAFT"))
        XCTAssertEqual(signedPDF, try PDFProgram.render(print(signed, p).printLayout(), paper: .a4), "a signed summary prints the same bytes every time")
    }

    // MARK: FHIR

    func testTheSummaryAsFHIRIsADocumentBundleTheR4ModelsAccept() throws {
        let (_, d, p) = try summary(signed: true)
        let data = try DocumentFHIR.render(print(d, p))
        let summary = try checkWithFHIRResources(data)
        XCTAssertEqual(summary["type"] as? String, "document")
        XCTAssertEqual(summary["first"] as? String, "Composition")
        XCTAssertEqual(summary["types"] as? [String: Int], ["Composition": 1, "Patient": 1, "Practitioner": 2, "Condition": 1, "Procedure": 2, "ServiceRequest": 1],
                       "the signer and who completed it (signed by another name)")
        XCTAssertEqual(summary["sections"] as? [String], eots.sections.map(\.title), "a section per template section")
        XCTAssertEqual(summary["unresolved"] as? [String], [])
        XCTAssertEqual(summary["fullUrlsAreUUIDs"] as? Bool, true)

        let bundle = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let resources = (bundle["entry"] as! [[String: Any]]).map { $0["resource"] as! [String: Any] }
        func of(_ type: String) -> [[String: Any]] { resources.filter { $0["resourceType"] as? String == type } }
        let composition = of("Composition")[0]
        XCTAssertEqual(((composition["type"] as! [String: Any])["coding"] as! [[String: String]])[0],
                       ["system": "http://snomed.info/sct", "code": "1324891000000103", "display": "Cancer End of Treatment Summary Plan"])
        XCTAssertEqual(composition["status"] as? String, "final")
        XCTAssertEqual((composition["attester"] as? [[String: Any]])?.first?["mode"] as? String, "legal")
        // Who completed it is the author; who signed it attests: each a Practitioner in the Bundle.
        let author = try XCTUnwrap((composition["author"] as? [[String: Any]])?.first?["reference"] as? String)
        let attester = try XCTUnwrap(((composition["attester"] as? [[String: Any]])?.first?["party"] as? [String: Any])?["reference"] as? String)
        XCTAssertNotEqual(author, attester)
        let practitioners = (bundle["entry"] as! [[String: Any]]).filter { ($0["resource"] as? [String: Any])?["resourceType"] as? String == "Practitioner" }
        XCTAssertEqual(Set(practitioners.compactMap { $0["fullUrl"] as? String }), [author, attester])
        XCTAssertEqual((of("Patient")[0]["identifier"] as! [[String: String]])[0], ["system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"])
        let condition = of("Condition")[0]
        XCTAssertEqual((condition["code"] as! [String: Any])["coding"] as? [[String: String]], [["system": "http://hl7.org/fhir/sid/icd-10", "code": "C50.4"]])
        XCTAssertEqual(condition["onsetDateTime"] as? String, "2026-03-02")
        XCTAssertEqual((condition["note"] as? [[String: String]])?.map { $0["text"]! }, ["Histology: Invasive ductal carcinoma, ER positive", "Grade: 2"])
        let procedures = of("Procedure")
        XCTAssertEqual(procedures.map { ($0["code"] as! [String: Any])["text"] as! String }, ["Surgery", "Radiotherapy (external beam)"])
        XCTAssertEqual(procedures.map { $0["performedPeriod"] as! [String: String] }, [["start": "2026-04-14", "end": "2026-04-14"], ["start": "2026-06-01", "end": "2026-06-19"]])
        XCTAssertEqual(procedures.map { $0["status"] as! String }, ["completed", "completed"])
        XCTAssertEqual((of("ServiceRequest")[0]["code"] as! [String: Any])["text"] as? String, "Oncology dietitian (hospital)")
        let sections = composition["section"] as! [[String: Any]]
        let treatment = sections.first { $0["title"] as? String == "Treatment given" }!
        XCTAssertEqual((treatment["entry"] as? [[String: String]])?.count, 2)
        XCTAssertTrue(sections.allSatisfy { ($0["text"] as? [String: String])?["div"]?.hasPrefix("<div xmlns=\"http://www.w3.org/1999/xhtml\">") == true })
        XCTAssertEqual(data, try DocumentFHIR.render(print(d, p)), "a signed summary exports the same bytes every time")
    }

    /// A draft kept from before the date rules, with a treatment ending before it started, still exports valid
    /// FHIR (a Period's end may not be before its start): the end is left out.
    func testATreatmentEndingBeforeItsStartGivesNoInvalidPeriod() throws {
        var (store, d, p) = try summary(signed: false)
        d = try store.apply(.saveRow(group: "treatments", DocumentRow(values: ["treatment-type": .codes(["01"]), "start-date": .date(day(9, 10)),
                                                                             "end-date": .date(day(9, 1))])), to: d, template: eots, by: "n", now: now)
        let bundle = try XCTUnwrap(try JSONSerialization.jsonObject(with: DocumentFHIR.render(print(d, p))) as? [String: Any])
        let procedures = (bundle["entry"] as! [[String: Any]]).map { $0["resource"] as! [String: Any] }.filter { $0["resourceType"] as? String == "Procedure" }
        XCTAssertEqual(procedures.last?["performedPeriod"] as? [String: String], ["start": "2026-09-10"])
    }

    // MARK: A document type with no Swift

    func testADocumentTypeOnlyInTheTestsLoadsFillsSignsPrintsAndExports() throws {
        let url = repositoryRoot.appendingPathComponent("Tests/CareplanExportTests/Documents/wellbeing-review.yaml")
        let eotsURL = repositoryRoot.appendingPathComponent("Resources/documents/eots.yaml")
        let context = DocumentTemplate.Context(codes: testConfiguration.codes, services: testConfiguration.services,
                                               roles: testConfiguration.roles)
        let templates = try DocumentTemplate.loadAll([eotsURL, url], context: context, display: { $0.lastPathComponent }).get()
        let review = try XCTUnwrap(templates["wellbeing-review"])
        var configuration = testConfiguration
        configuration.documents = templates

        // An earlier signed summary gives the review its follow-up plan.
        let (store, signedEoTS, p) = try summary(signed: true)
        XCTAssertEqual(signedEoTS.status, .signed)
        var d = try store.createDocument(template: review, patientId: p.id!, createdBy: "Sam Support", now: now)
        XCTAssertEqual(d["nhs"], .text("943 476 5919"))
        XCTAssertEqual(d["plan-before"], .text("Yearly mammogram for 5 years, booked by the breast unit."))
        XCTAssertEqual(d.templateVersion, "2")
        func set(_ f: String, _ v: FieldValue) throws { d = try store.apply(.setField(f, v), to: d, template: review, by: "Sam", now: now) }
        try set("attended", .yesNo(true))
        try set("weight", .number("71.5"))
        try set("topics", .codes(["physical-activity", "money-benefits"]))
        try set("reviewer", .person(name: "Sam Support", staffId: nil))
        d = try store.apply(.saveRow(group: "medicines", DocumentRow(values: ["medicine": .text("Letrozole"), "since": .date(day(7, 1)), "dose": .text("2.5 mg daily")])),
                            to: d, template: review, by: "Sam", now: now)
        d = try store.apply(.saveRow(group: "referrals", DocumentRow(values: ["service": .service("citizens-advice")])), to: d, template: review, by: "Sam", now: now)
        XCTAssertThrowsError(try store.sign(documentId: d.id, revision: d.revision, template: review, by: "Sam", role: "support-worker", now: now))
        d = try store.sign(documentId: d.id, revision: d.revision, template: review, by: "Nurse Test", role: "nurse", now: now)
        XCTAssertEqual(d.status, .signed)

        let printed = DocumentPrint(document: d, template: review, patient: p, codes: configuration.codes, services: configuration.services,
                                    roles: configuration.roles)
        let text = TextRenderer.render(printed.printLayout())
        for expected in ["HEALTH AND WELLBEING REVIEW", "ABOUT THE REVIEW", "Attended the wellbeing event: Yes", "Weight:", "71.5 kg",
                         "Nutrition and physical activity; Money and benefits advice", "Letrozole", "2.5 mg daily", "Citizens Advice",
                         "Template:", "wellbeing-review version 2"] {
            XCTAssertTrue(squeezed(text).contains(expected), "\(expected) missing from:\n\(text)")
        }
        let pages = try pdfPages(try DocumentExporter.render(printed, format: .pdf))
        XCTAssertTrue(pages.allSatisfy { squeezed($0).contains("NHS number 943 476 5919") && squeezed($0).contains("Signed · version 1") })
        let fhir = try checkWithFHIRResources(try DocumentExporter.render(printed, format: .fhir))
        XCTAssertEqual(fhir["types"] as? [String: Int], ["Composition": 1, "Patient": 1, "Practitioner": 2, "MedicationStatement": 1, "ServiceRequest": 1],
                       "the signer and the reviewer")
        XCTAssertEqual(fhir["sections"] as? [String], ["About the review", "Plan carried over"])

        // Out through the export command's rules: a new 0600 file named for the document, recorded in the trail.
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for format in ExportFormat.allCases {
            let (file, _) = try DocumentExporter.export(documentId: d.id, copy: .patient, format: format, paper: .a4, output: folder.path + "/",
                                                        store: store, configuration: configuration, user: "Nurse Test", now: now)
            XCTAssertEqual(file.lastPathComponent, "wellbeing-review-Wiśniewski-9434765919-doc\(d.id)-v1" + (format == .fhir ? "" : "-patient")
                           + "-2026-11-23.\(format.fileExtension)")
            XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        }
        XCTAssertThrowsError(try DocumentExporter.export(documentId: d.id, copy: .patient, format: .text, paper: .a4,
                                                         output: folder.appendingPathComponent("wellbeing-review-Wiśniewski-9434765919-doc\(d.id)-v1-patient-2026-11-23.txt").path,
                                                         store: store, configuration: configuration, user: "Nurse Test", now: now)) {
            XCTAssertTrue(($0 as? ExportError)?.description.contains("a file is already there") == true, "\($0)")
        }
        let exports = try store.auditTrail(patientId: p.id!).filter { $0.action == "exported document" }
        XCTAssertEqual(exports.count, 3)
        XCTAssertThrowsError(try DocumentExporter.export(documentId: 999, format: .text, paper: .a4, output: folder.path + "/", store: store,
                                                         configuration: configuration, user: "n", now: now)) {
            XCTAssertEqual(($0 as? ExportError)?.description, "There is no document 999 in this store")
        }
    }
}

/// What the store holds reached it cleaned, but a store restored, hand-edited or written by an older version may
/// hold anything: every text and PDF export cleans at the way out, so no escape sequence or control reaches
/// a terminal, a printer or the page.
extension DocumentExportTests {
    var hostile: String { "Talked \u{1B}[31mRED\u{1B}[0m \u{1B}]0;PWNED\u{07}\nsecond\u{9B}2J line\u{7}" }

    func assertPrintable(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let bad = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
        XCTAssertEqual(bad.map { String(format: "U+%04X", $0.value) }, [], text, file: file, line: line)
        XCTAssertFalse(text.contains("PWNED") || text.contains("[31m") || text.contains("2J"), "no sequence's body either", file: file, line: line)
    }

    func testAnInformationPrescriptionWithAHostileStoredTitlePrintsCleanText() throws {
        let p = Patient(id: 1, nhsNumber: NHSNumber("9434765919")!, familyName: "Evil\u{1B}[2J", givenName: "Siân", dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!)
        let day = LocalDate(year: 2026, month: 11, day: 23)!
        let given = [InformationGiven(id: 1, patientId: 1, itemId: "gone-from-the-library", title: hostile, date: day, how: .handedOver,
                                      source: nil, givenBy: "nurse\u{1B}]0;x\u{07}", recordedAt: Date())]
        let text = String(decoding: try InformationExporter.render(InformationPrescription(patient: p, given: given, date: day, library: testConfiguration.library),
                                                                   format: .text), as: UTF8.self)
        assertPrintable(text)
        XCTAssertTrue(text.contains("Talked RED"), text)
    }

    func testADocumentWithHostileStoredValuesPrintsCleanTextAndACleanPDFLayout() throws {
        let (_, stored, p) = try summary(signed: false)
        var d = stored
        d.title = "End of\u{1B}]0;PWNED\u{07} Treatment\nSummary"
        d.values["side-effects"] = .text(hostile)
        d.values["site"] = .text(hostile)
        let printed = print(d, p)
        let text = String(decoding: try DocumentExporter.render(printed, format: .text), as: UTF8.self)
        assertPrintable(text)
        XCTAssertTrue(text.contains("Talked RED"), text)
        // The PDF program is handed the cleaned layout (`PDFProgram.render`): nothing hostile in any of it.
        let json = String(decoding: try JSONEncoder().encode(printed.printLayout(largePrint: false).cleaned), as: UTF8.self)
        XCTAssertFalse(json.contains("\\u001b") || json.contains("\\u0007") || json.contains("PWNED"), json)
        let pages = try pdfPages(try DocumentExporter.render(printed, format: .pdf))
        assertPrintable(pages.joined(separator: "\n").replacingOccurrences(of: "\u{0C}", with: "\n"))
    }
}
