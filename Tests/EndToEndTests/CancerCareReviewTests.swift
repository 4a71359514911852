import CareplanCore
import CareplanSQLite
import RepositoryTestSupport
import Foundation
import XCTest

/// Issue 13, the review: a GP opens a patient with a signed End of Treatment Summary and an HNA, starts a
/// Cancer Care Review at 80x24, sees both beside it (F3), finds the defaults drawn from them, completes and
/// signs it; the timeline shows it, its QOF state goes from due to met, and the store holds CAN004 done on the
/// day the review was held.
final class CancerCareReviewTests: EndToEndCase {
    /// The test's account as a GP, and Siân diagnosed in June with a signed EoTS and an HNA (worry 8, pain 6).
    func prepare() throws -> Int64 {
        staffTheStore()
        let s = try CareStore(path: store)
        let now = Date()
        _ = try s.setRole("gp", userName: Self.account, by: StaffFixture.administrator, now: now)
        let p = try s.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                         dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!, diagnosis: "Breast", diagnosisCode: "C50.9",
                                         diagnosisDate: LocalDate(now).adding(days: -150)), by: "t", now: now)
        let catalogue = try ConcernCatalogue.load(from: Paths.packageRoot.appendingPathComponent("Resources/catalogues/ncat-hna.yaml"), displayPath: "c").get()
        var a = try s.startAssessment(patientId: p.id!, pathwayPoint: .endOfTreatment, completedBy: .patientWithClinician, date: LocalDate(now).adding(days: -20),
                                      catalogue: catalogue, createdBy: "cns", now: now)
        for change: AssessmentChange in [.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 6)),
                                         .setConcern(ConcernEntry(key: "worry", categoryId: "emotional", label: "Worry, fear or anxiety", score: 8)),
                                         .setDistress(5), .saveAction(AgreedAction(concernKey: "pain", what: "Refer to the pain team", owner: .cns))] {
            a = try s.apply(change, to: a.id, basedOn: a, now: now)
        }
        let root = Paths.packageRoot
        let files = ["eots", "ccr"].map { root.appendingPathComponent("Resources/documents/\($0).yaml") }
        let codes = try CodeLists.load(from: root.appendingPathComponent("Resources/codelists.yaml"), displayPath: "c", documentLists: DocumentTemplate.codeListsNamed(in: files)).get()
        let eots = try DocumentTemplate.load(from: files[0], displayPath: "eots.yaml", context: .init(
            codes: codes, services: ServiceDirectory.load(from: root.appendingPathComponent("Resources/services.yaml"), displayPath: "s").get(),
            roles: Roles.load(from: root.appendingPathComponent("Resources/roles.yaml"), displayPath: "r").get())).get()
        var d = try s.createDocument(template: eots, patientId: p.id!, createdBy: "cns", now: now)
        for (f, v): (String, FieldValue) in [("treatment-aim", .codes(["curative"])), ("side-effects", .text("Tiredness for some months")),
                                              ("red-flag-symptoms", .text("A new lump, or swelling in the arm")),
                                              ("contact-in-hours", .text("Breast CNS team 0113 000 0000")), ("contact-out-of-hours", .text("Acute oncology 0113 000 0001")),
                                              ("follow-up-pathway", .codes(["supported-self-management"])), ("follow-up-plan", .text("Mammogram yearly")),
                                              ("gp-actions", .text("Bone health: DEXA scan next year")), ("completed-by", .person(name: "Cara CNS", staffId: nil))] {
            d = try s.apply(.setField(f, v), to: d, template: eots, by: "cns", now: now)
        }
        d = try s.apply(.saveRow(group: "treatments", DocumentRow(values: ["treatment-type": .codes(["01"]), "start-date": .date(LocalDate(now).adding(days: -100))])),
                        to: d, template: eots, by: "cns", now: now)
        _ = try s.sign(documentId: d.id, revision: d.revision, template: eots, by: "cns", name: "Cara CNS", role: "clinical-nurse-specialist", now: now)
        return p.id!
    }

    func testAGPWritesAReviewBesideTheEoTSAndHNAAndSigningRecordsCAN004() throws {
        let patientId = try prepare()
        let t = tmux!
        try t.start(width: 80, height: 24, command: careplanCommand())
        try toPatients()
        try t.keys("Enter")
        try t.waitFor(" careplan · Patient record")
        try t.waitFor(" QOF CAN004          due by ")           // diagnosed 150 days ago: the review is due
        try t.keys("w")
        try t.waitFor("‹ Cancer Care Review ›")
        try t.keys("Enter")
        var screen = try t.waitFor("Cancer Care Review v1 · saved · Section 1 of 10: Diagnosis and current needs")
        XCTAssertTrue(screen.contains("F3 sources"), "the swap key is on the key line\n\(screen)")
        XCTAssertTrue(screen.contains("Diagnosis *                   Breast"), screen)
        XCTAssertTrue(screen.contains("Aim of treatment              Curative"), "from the EoTS\n\(screen)")

        // Beside it: the EoTS, then (scrolled) the HNA; F3 back with the note still open.
        try t.keys("Down", "Down", "Down", "Down", "Enter")
        try t.type("Back at work part")
        try t.keys("F3")
        screen = try t.waitFor("END OF TREATMENT SUMMARY")
        XCTAssertTrue(screen.contains("Red-flag symptoms needing referral back: A new lump"), screen)
        try t.keys("NPage")
        screen = try t.waitFor("HOLISTIC NEEDS ASSESSMENT")
        XCTAssertTrue(screen.contains("Worry, fear or anxiety: 8"), screen)
        try t.keys("F3")
        try t.waitFor("Tab/Esc done")
        try t.type(" time")
        try t.keys("Escape", "C-n")
        screen = try t.waitFor("Section 2 of 10: Concerns raised")
        XCTAssertTrue(screen.contains("Worry, fear or anxiety (8); Pain (6)"), "the HNA's concerns and scores\n\(screen)")
        try t.keys("Down", "Down", "Enter")
        try t.type("Pain at night; worry before scans"); try t.keys("Escape", "C-n")
        screen = try t.waitFor("Section 3 of 10")
        XCTAssertTrue(screen.contains("Tiredness for some months"), screen)
        try t.keys("C-n")
        screen = try t.waitFor("Section 4 of 10")
        XCTAssertTrue(screen.contains("A new lump, or swelling in the arm"), screen)
        try t.keys("C-n")
        try t.waitFor("Section 5 of 10: Medication review")
        try t.keys("Down", "Enter"); try t.type("No changes"); try t.keys("Escape")
        try t.keys("C-n", "C-n", "C-n", "C-n")
        screen = try t.waitFor("Section 9 of 10: Actions agreed")
        XCTAssertTrue(screen.contains("Bone health: DEXA scan next year"), screen)
        XCTAssertTrue(screen.contains("Refer to the pain team — CNS"), screen)
        try t.keys("Down", "Down", "a")
        try t.waitFor("Actions agreed: new row")
        try t.type("Dr Adams")
        try t.waitFor("“Dr Adams”, as typed")
        try t.keys("Enter", "Down")
        try t.type("Review pain relief"); try t.keys("C-s")
        try t.waitFor("1. Dr Adams · Review pain relief")
        try t.keys("C-n", "C-n")
        try t.waitFor("Every required field is filled: S signs and locks it.")
        try t.keys("s")
        try t.waitFor("Sign and lock it as Nurse, GP or practice nurse?")
        try t.keys("y")
        try t.waitFor("Signed and locked: Cancer Care Review, version 1")
        try t.keys("Escape")
        screen = try t.waitFor("Cancer Care Review             Signed")
        XCTAssertTrue(screen.contains("End of Treatment Summary       Signed"), screen)
        XCTAssertTrue(screen.contains(" QOF CAN004          met on \(LocalDate(Date()).display)"), "due, then met once signed\n\(screen)")

        let s = try CareStore(path: store)
        let records = try s.qofRecords(patientId: patientId)
        XCTAssertEqual(records.map(\.indicator), ["can004"])
        XCTAssertEqual(records.first?.kind, .done)
        XCTAssertEqual(records.first?.date, LocalDate(Date()))
        let review = try XCTUnwrap(try s.documents(patientId: patientId).first { $0.templateId == "ccr" })
        XCTAssertEqual(records.first?.documentId, review.id)
        XCTAssertEqual(try s.document(id: review.id)?["current-needs"], .text("Back at work part time"))
    }
}
