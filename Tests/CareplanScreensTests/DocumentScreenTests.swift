import CareplanExport
import CareplanRuntime
import CareplanScreens
import CareplanSQLite
import RepositoryTestSupport
import TermUI
import XCTest
@testable import CareplanCore

/// The generic document form (issue 12) driven by keys: every kind of field, validation next to the field,
/// rows of a group, conflicts with another terminal, the review page, signing and the exports it asks for;
/// and the patient record's timeline with "EoTS due".
final class DocumentScreenTests: XCTestCase {
    /// Siân's record, then W: the End of Treatment Summary (the only template in Resources/documents) opens,
    /// for a clinical nurse specialist (a role that may sign it).
    func startEoTS(_ h: Harness = Harness(signedIn: Harness.staff("cns", role: "clinical-nurse-specialist"))) -> Harness {
        h.addPatient()
        h.press(.text("w"), .enter)
        XCTAssertEqual(h.program.currentKind, .documentForm)
        return h
    }

    /// Letters are commands on the record: a word beginning with w (after one Esc too many) starts no document.
    func testAWordTypedOnTheRecordStartsNoDocument() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("walks"))
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        XCTAssertTrue(h.screen.contains("Not typed: choose the document type"), h.screen)
        XCTAssertEqual(try h.store.documents(patientId: XCTUnwrap(h.program.session.patient?.id)).count, 0)
        h.press(.escape)
        XCTAssertTrue(h.screen.contains("No document started"), h.screen)
    }

    var eots: DocumentTemplate { Harness.configuration.documents["eots"]! }

    func stored(_ h: Harness) throws -> Document {
        try XCTUnwrap(try h.store.document(id: XCTUnwrap(h.program.session.document).id))
    }

    /// Section 2's two treatments, each added as a row: a choice narrowed by typing, two dates and details.
    func addTreatments(_ h: Harness) {
        h.press(.text("a"))
        h.type("surg"); h.press(.enter)
        h.press(.down); h.type("01/09/2026"); h.press(.enter)
        h.type("15/09/2026"); h.press(.enter)
        h.type("Wide local excision"); h.press(.ctrl("s"))
        h.press(.text("a"))
        h.type("radio"); h.press(.enter)
        h.press(.down); h.type("01/10/2026"); h.press(.enter)
        h.type("30/10/2026"); h.press(.enter)
        h.type("40 Gy in 15 fractions"); h.press(.ctrl("s"))
    }

    /// Every required field of the EoTS, through the keys, from section 1 to the review page.
    func fillEoTS(_ h: Harness) {
        h.press(.ctrl("n"))                                      // 2 Treatment given
        addTreatments(h)
        h.press(.down, .down, .down); h.type("cur"); h.press(.enter)
        h.press(.ctrl("n"))                                      // 3 Side effects
        h.press(.enter); h.type("Tiredness for some months; skin soreness"); h.press(.escape)
        h.press(.ctrl("n"))                                      // 4 Symptoms to report
        h.press(.enter); h.type("A new lump, or swelling in the arm"); h.press(.escape)
        h.press(.down); h.type("Breast CNS team 0113 000 0000"); h.press(.enter)
        h.type("Acute oncology 0113 000 0001"); h.press(.enter)
        h.press(.ctrl("n"))                                      // 5 Referrals (none)
        h.press(.ctrl("n"))                                      // 6 Follow-up
        h.type("self"); h.press(.enter)
        h.press(.down, .enter); h.type("Mammogram yearly for 5 years"); h.press(.escape)
        h.press(.ctrl("n"))                                      // 7 Actions for the GP
        h.press(.enter); h.type("Bone health: DEXA scan in 2027"); h.press(.escape)
        h.press(.ctrl("n"))                                      // 8 Information given
        h.press(.enter); h.type("recurr"); h.press(.text(" ")); h.press(.backspace, .backspace, .backspace, .backspace, .backspace, .backspace)
        h.type("work"); h.press(.text(" ")); h.press(.enter)
        h.press(.ctrl("n"))                                      // 9 Prescriptions
        h.press(.ctrl("n"))                                      // 10 Completed by
        h.type("Nurse Test"); h.press(.enter)
        h.press(.ctrl("n"))                                      // the review page
    }

    func testWOnTheRecordStartsTheEoTSOnItsFirstSectionFilledFromTheRecord() throws {
        let h = startEoTS()
        let d = try stored(h)
        XCTAssertEqual(d.templateId, "eots")
        XCTAssertEqual(d["diagnosis"], .text("Breast"))
        XCTAssertEqual(d["diagnosis-date"], .date(LocalDate(year: 2026, month: 9, day: 1)!))
        h.assertGolden("document-section-1")
    }

    func testShortTextIsSavedWhenLeftAndADateThatDoesNotExistIsKeptAsTypedWithItsProblem() throws {
        let h = startEoTS()
        h.press(.down, .down)
        h.type("left breast, upper outer quadrant")
        h.press(.enter)
        XCTAssertEqual(try stored(h)["site"], .text("left breast, upper outer quadrant"))
        h.press(.up, .up)                                        // the date of diagnosis
        h.press(.ctrl("u")); h.type("31/02/2026"); h.press(.enter)
        XCTAssertEqual(try stored(h)["diagnosis-date"], .date(LocalDate(year: 2026, month: 9, day: 1)!), "not saved")
        XCTAssertTrue(h.screen.contains("31/02/2026"), "what was typed stays in view\n\(h.screen)")
        XCTAssertTrue(h.screen.contains("   ! "), "its problem is next to it\n\(h.screen)")
        h.press(.escape)
        XCTAssertEqual(h.program.currentKind, .documentForm, "leaving with a field not saved asks first")
        h.press(.text("n"))
        h.press(.ctrl("u")); h.type("15/08/2026"); h.press(.enter)
        XCTAssertEqual(try stored(h)["diagnosis-date"], .date(LocalDate(year: 2026, month: 8, day: 15)!))
        XCTAssertFalse(h.screen.contains("   ! "), h.screen)
    }

    func testRowsOfAGroupAreAddedChangedAndRemoved() throws {
        let h = startEoTS()
        h.press(.ctrl("n"))
        addTreatments(h)
        var rows = try stored(h).rows("treatments")
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0]["treatment-type"], .codes(["01"]))
        XCTAssertEqual(rows[1]["treatment-type"], .codes(["05"]))
        XCTAssertEqual(rows[1]["end-date"], .date(LocalDate(year: 2026, month: 10, day: 30)!))
        XCTAssertEqual(rows[1]["treatment-details"], .text("40 Gy in 15 fractions"))
        // A row missing a required field is not saved, and says which.
        h.press(.text("a"), .ctrl("s"))
        XCTAssertTrue(h.screen.contains("Not saved: this row needs “Treatment”, “Started”"), h.screen)
        h.press(.escape)                                          // untouched: closes
        h.press(.down, .enter)                                    // change row 1
        h.press(.down, .down, .down, .ctrl("u")); h.type("WLE and sentinel node biopsy"); h.press(.ctrl("s"))
        rows = try stored(h).rows("treatments")
        XCTAssertEqual(rows[0]["treatment-details"], .text("WLE and sentinel node biopsy"))
        h.press(.down, .delete)
        XCTAssertTrue(h.screen.contains("Remove row 2"), h.screen)
        h.press(.text("y"))
        XCTAssertEqual(try stored(h).rows("treatments").count, 1)
    }

    func testAChoiceIsNarrowedByTypingAndChosenWithEnter() throws {
        let h = startEoTS()
        h.press(.ctrl("n"), .text("a"))
        h.type("radio")
        h.assertGolden("document-pick")
        h.press(.down, .enter)                                   // the second that matches
        h.press(.escape)                                          // changed: Esc saves it if it can (it cannot: Started is missing)
        XCTAssertTrue(h.screen.contains("Not saved: this row needs “Started”. Esc again drops this row's changes"), h.screen)
        XCTAssertEqual(h.program.currentKind, .documentForm)
        h.press(.escape)
        XCTAssertTrue(h.screen.contains("Row not saved: its changes were dropped"), h.screen)
        XCTAssertTrue(h.screen.contains("0 rows · A adds one"), h.screen)
        XCTAssertEqual(try stored(h).rows("treatments").count, 0)
    }

    func testLongTextIsSavedWhileTypingShowingSavingUntilItIs() throws {
        let h = startEoTS()
        h.press(.ctrl("n"), .ctrl("n"))
        h.press(.enter)
        h.type("Tiredness")
        XCTAssertTrue(h.screen.contains("saving…"), h.screen)
        h.wait(1.1)
        XCTAssertEqual(try stored(h)["side-effects"], .text("Tiredness"))
        XCTAssertTrue(h.screen.contains("· saved"), h.screen)
    }

    func testTheReviewListsWhatIsMissingAndSigningIsRefusedUntilItIsFilled() throws {
        let h = startEoTS()
        for _ in 0..<10 { h.press(.ctrl("n")) }
        h.assertGolden("document-review-missing")
        h.press(.text("s"))
        XCTAssertTrue(h.screen.contains("Not signed: 10 things need correcting first, listed here"), h.screen)
        XCTAssertEqual(try stored(h).status, .draft)
    }

    func testAFilledEoTSIsSignedAfterTheQuestionThenReadOnlyAndAVersionCanFollow() throws {
        let h = startEoTS()
        fillEoTS(h)
        XCTAssertTrue(h.screen.contains("Every required field is filled"), h.screen)
        h.press(.text("s"))                                       // as the signed-in person, in their role
        XCTAssertTrue(h.screen.contains("Sign and lock it as Cns Test, Clinical nurse specialist? Changes"), h.screen)
        h.press(.text("y"))
        let d = try stored(h)
        XCTAssertEqual(d.status, .signed)
        XCTAssertEqual(d.signedRole, "clinical-nurse-specialist")
        XCTAssertEqual(d.signedBy, "Cns Test", "her full name, not her login (cns)")
        XCTAssertTrue(h.screen.contains("Signed by Cns Test (Clinical nurse specialist)"), h.screen)
        XCTAssertEqual(d.rows("treatments").count, 2)
        XCTAssertEqual(d["information-given"], .codes(["signs-of-recurrence", "return-to-work"]))
        XCTAssertEqual(d["follow-up-pathway"], .codes(["supported-self-management"]))
        XCTAssertEqual(d["completed-by"], .person(name: "Nurse Test", staffId: nil))
        // Exports go out through the run loop's effects, with the chosen copy.
        h.press(.text("p"))
        h.press(.text("c"), .text("t"))
        h.press(.text("c"), .text("p"))
        h.press(.text("c"), .text("f"))
        XCTAssertTrue(h.screen.contains("Copy for P, T and L: GP's"), h.screen)
        XCTAssertEqual(h.effects, [.exportDocument(documentId: d.id, format: "pdf", copy: "record"),
                                   .exportDocument(documentId: d.id, format: "text", copy: "patient"),
                                   .exportDocument(documentId: d.id, format: "pdf", copy: "patient", largePrint: true),
                                   .exportDocument(documentId: d.id, format: "fhir", copy: "record")])
        // Locked: a field refuses, V starts version 2.
        h.press(.ctrl("p"), .ctrl("p"), .ctrl("p"))
        h.type("x")
        XCTAssertTrue(h.screen.contains("signed and locked"), h.screen)
        h.press(.text("v"))                                       // asked first: a stray V starts nothing
        XCTAssertTrue(h.screen.contains("Start version 2 of this End of Treatment Summary as a draft?"), h.screen)
        h.press(.text("n"))
        XCTAssertEqual(try stored(h).version, 1)
        XCTAssertTrue(h.screen.contains("No new version started"), h.screen)
        h.press(.text("v"), .text("y"))
        let v2 = try stored(h)
        XCTAssertEqual(v2.version, 2)
        XCTAssertEqual(v2.status, .draft)
        XCTAssertEqual(v2.rows("treatments").count, 2)
    }

    /// Who signs, and who writes, is the template's: a nurse fills in an EoTS but does not sign it; a
    /// support worker (not among its writers) cannot start one, refused by the runtime with the roles that may.
    func testAnEoTSIsSignedOnlyInARoleItsTemplateNamesAndWrittenOnlyByItsWriters() throws {
        let h = startEoTS(Harness())                             // the fixture's nurse
        fillEoTS(h)
        h.press(.text("s"))
        XCTAssertTrue(h.screen.contains("Not signed: an End of Treatment Summary is signed by Clinical nurse specialist"), h.screen)
        XCTAssertEqual(try stored(h).status, .draft)

        let support = Harness(store: h.store, signedIn: Harness.staff("sam", role: "support-worker"))
        support.press(.enter)                                    // Siân's record
        XCTAssertEqual(support.program.currentKind, .patientRecord, support.screen)
        XCTAssertFalse(support.screen.contains("W document"), "not offered: " + support.screen)
        support.press(.text("w"))
        XCTAssertNotEqual(support.program.currentKind, .documentForm)
        // No template names the role: the refusal says the role writes no documents (not only the first template's writers).
        XCTAssertTrue(support.screen.contains("Not done: the role Support worker may not write documents"), support.screen)
    }

    func testTheTimelineShowsDocumentsAndAssessmentsNewestFirstEachOpenable() throws {
        let h = startEoTS()
        fillEoTS(h)
        h.press(.text("s"), .text("y"))
        h.press(.escape)
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        h.startAssessment()
        h.press(.escape)
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        h.assertGolden("record-timeline")
        let timeline = try h.store.timeline(patientId: XCTUnwrap(h.program.session.patient?.id))
        XCTAssertEqual(timeline.count, 2)
        let documentRow = try XCTUnwrap(timeline.firstIndex { if case .document = $0 { return true } else { return false } })
        h.press(.up)
        for _ in 0..<documentRow { h.press(.down) }
        h.press(.enter)                                           // the summary, read-only
        XCTAssertEqual(h.program.currentKind, .documentForm)
        XCTAssertTrue(h.screen.contains("Signed, read only"), h.screen)
        h.press(.escape)
        for _ in 0..<documentRow { h.press(.up) }
        if documentRow == 0 { h.press(.down) }
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .concernChecklist)
    }

    func testEoTSDueShowsWhenTreatmentEndedAndNoneIsSigned() throws {
        let h = startEoTS()
        h.press(.ctrl("n"))
        h.press(.text("a")); h.type("surg"); h.press(.enter)
        h.press(.down); h.type("01/08/2026"); h.press(.enter); h.type("15/08/2026"); h.press(.ctrl("s"))
        h.press(.escape)
        let weeks = Harness.configuration.policy.eotsDueWeeks
        let dueBy = LocalDate(year: 2026, month: 8, day: 15)!.adding(days: 7 * weeks)
        XCTAssertTrue(h.screen.contains(" Treatment ended     15 Aug 2026 · EoTS overdue since \(dueBy.display)\n"), h.screen)
    }

    /// A store that cannot be written (disk full): what was typed stays on screen marked not saved (the
    /// runtime's queue keeps it: FaultTests), and it is saved by itself once the store takes writes again.
    func testAFieldTheStoreCannotTakeIsKeptOnScreenAndSavedWhenItCan() throws {
        let store = FaultyRepository(try CareStore())
        let h = startEoTS(Harness(store: store))
        store.fail(.diskFull)
        h.press(.down, .down)
        h.type("left breast"); h.press(.enter)
        XCTAssertNil(try stored(h)["site"])
        XCTAssertTrue(h.screen.contains("left breast  (not saved yet)"), h.screen)
        XCTAssertTrue(h.screen.contains("· not saved yet ·"), h.screen)
        store.fail(nil)
        h.wait(2.1)
        XCTAssertEqual(try stored(h)["site"], .text("left breast"))
        XCTAssertTrue(h.screen.contains("· saved ·"), h.screen)
        XCTAssertFalse(h.screen.contains("(not saved yet)"), h.screen)
    }

    /// “Completed by” lists the store's enabled staff with their roles (a nurse may read these names, not the
    /// administrator's list of users), narrowed by what is typed; a name typed for anyone else is kept as typed.
    func testAPersonFieldOffersTheEnabledStaffAndKeepsANameAsTyped() throws {
        let store = try CareStore()
        let (admin, _) = try StaffFixture.addUsers(to: store, now: Harness.start)
        _ = try store.addUser(NewStaffUser(userName: "ngone", fullName: "Nora Gone", roleId: "nurse"),
                              password: StaffFixture.newPassword(for: "ngone"), by: admin.userName, now: Harness.start)
        _ = try store.setDisabled(true, userName: "ngone", by: admin.userName, now: Harness.start)
        let h = startEoTS(Harness(store: store, signedIn: Harness.staff("cns", role: "clinical-nurse-specialist")))
        for _ in 0..<9 { h.press(.ctrl("n")) }                   // 10 Completed by
        h.type("n")
        XCTAssertTrue(h.screen.contains("Nia Nurse, Nurse"), h.screen)
        XCTAssertFalse(h.screen.contains("Nora Gone"), "disabled: not offered\n\(h.screen)")
        h.assertGolden("document-person-pick")
        h.press(.enter)
        XCTAssertEqual(try stored(h)["completed-by"], .person(name: "Nia Nurse", staffId: "nurse"))
        XCTAssertTrue(h.screen.contains(" Completed by *                Nia Nurse"), h.screen)
        h.press(.up, .enter); h.type("Dr Jo Adams"); h.press(.enter)
        XCTAssertEqual(try stored(h)["completed-by"], .person(name: "Dr Jo Adams", staffId: nil))
    }

    /// Two terminals on one store: a choice another terminal made first is kept (this one's refused, said);
    /// a text both typed is merged.
    func testConflictsWithAnotherTerminalArePerField() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doc-conflict-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sqlite").path
        let a = startEoTS(Harness(store: try CareStore(path: path)))
        let b = Harness(store: try CareStore(path: path))
        b.press(.enter, .enter)
        XCTAssertEqual(b.program.currentKind, .documentForm)
        a.press(.ctrl("n"), .down)
        b.press(.ctrl("n"), .down)
        b.type("pall"); b.press(.enter)
        a.type("cur"); a.press(.enter)
        XCTAssertTrue(a.screen.contains("Your “Aim of treatment” was not saved: another terminal changed it; theirs is"), a.screen)
        XCTAssertTrue(a.screen.contains("Palliative"), a.screen)
        XCTAssertEqual(try stored(a)["treatment-aim"], .codes(["palliative"]))
        a.press(.down); b.press(.down)
        b.type("Shrink before surgery"); b.press(.enter)
        a.type("Control symptoms"); a.press(.enter)
        guard case .text(let both)? = try stored(a)["treatment-aim-details"] else { return XCTFail("no text") }
        XCTAssertTrue(both.contains("Shrink before surgery") && both.contains("Control symptoms"), both)
        XCTAssertTrue(a.screen.contains("Both texts kept"), a.screen)
        b.wait(0.5)
        XCTAssertEqual(b.program.session.document?["treatment-aim-details"], .text(both), "B shows A's change within a tick")
        XCTAssertTrue(b.screen.contains("Shrink before surgery Also typed on"), "a short text stays one line\n\(b.screen)")
    }

    /// A document type that exists only in a test file (no Swift): filled, signed, printed and exported
    /// through the generic screens, each kind of its fields (yes/no, a number with its unit) by keys.
    func testATestOnlyTemplateIsFilledSignedAndExportedThroughTheGenericScreens() throws {
        let url = Harness.root.appendingPathComponent("Tests/CareplanExportTests/Documents/wellbeing-review.yaml")
        var configuration = Harness.configuration
        let context = DocumentTemplate.Context(codes: configuration.codes, services: configuration.services, roles: configuration.roles)
        configuration.documents["wellbeing-review"] = try DocumentTemplate.load(from: url, displayPath: "wellbeing-review.yaml", context: context).get()
        let h = Harness(configuration: configuration)
        h.addPatient()
        h.press(.text("w"))
        XCTAssertTrue(h.screen.contains("‹ End of Treatment Summary ›"), "a chooser of document types\n\(h.screen)")
        h.press(.right, .enter)
        XCTAssertEqual(h.program.session.document?.templateId, "wellbeing-review")
        h.press(.down, .down)                                    // attended: yes/no
        h.press(.text("y"))
        h.press(.down); h.type("about 70"); h.press(.enter)
        XCTAssertTrue(h.screen.contains("! Enter a number of kg, e.g. 2 or 50.4"), h.screen)
        h.press(.ctrl("u")); h.type("71.5 kg"); h.press(.enter)
        h.type("Nurse Test"); h.press(.enter)
        h.press(.ctrl("n"))
        h.press(.down); h.press(.enter); h.type("physical"); h.press(.text(" "), .enter)
        h.press(.down, .text("a")); h.type("Letrozole"); h.press(.ctrl("s"))
        h.press(.down, .down, .text("a")); h.press(.enter, .enter, .ctrl("s"))   // a referral: the first service
        h.press(.ctrl("n"))
        h.press(.text("s"), .text("y"))
        let d = try stored(h)
        XCTAssertEqual(d.status, .signed, h.screen)
        XCTAssertEqual(d["attended"], .yesNo(true))
        XCTAssertEqual(d["weight"], .number("71.5"))
        XCTAssertEqual(d["topics"], .codes(["physical-activity"]))
        XCTAssertEqual(d.rows("medicines").first?["medicine"], .text("Letrozole"))
        XCTAssertEqual(d.rows("referrals").first?["service"], .service(configuration.services.services[0].id))
        h.press(.text("l"), .text("p"), .text("f"))
        XCTAssertEqual(h.effects, [.printDocument(documentId: d.id, copy: "record"), .exportDocument(documentId: d.id, format: "pdf", copy: "record"),
                                   .exportDocument(documentId: d.id, format: "fhir", copy: "record")])
        // The effects as the run loop runs them: the generic text and FHIR outputs of this template.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("doc-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for format in [ExportFormat.text, .fhir] {
            let (file, _) = try DocumentExporter.export(documentId: d.id, format: format, paper: .a4, output: nil, store: h.store,
                                                        configuration: configuration, user: "Nurse Test", now: h.now, currentDirectory: folder.path)
            let text = try String(contentsOf: file, encoding: .utf8)
            XCTAssertTrue(text.contains("Letrozole"), text)
            if format == .text { XCTAssertTrue(text.contains("71.5 kg"), text) }
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int, 0o600)
        }
    }

    func testEightyByTwentyFourKeepsTheFocusedFieldInViewWithLongContent() throws {
        let h = startEoTS()
        for _ in 0..<6 { h.press(.ctrl("n")) }                     // 7 Actions for the GP
        h.press(.enter)
        for i in 1...30 { h.type("Line \(i) of the actions for the GP"); h.press(.enter) }
        h.press(.escape, .down)
        XCTAssertTrue(h.screen.contains("Medication to continue"), h.screen)
        XCTAssertTrue(h.screen.contains("lines: Enter to read and change"), h.screen)
        h.assertGolden("document-long-content")
    }
}
