import CareplanRuntime
import CareplanScreens
import CareplanSQLite
import TermUI
import XCTest
@testable import CareplanCore

/// The Cancer Care Review on the generic form: the latest EoTS and HNA beside it (F3 swaps at 80 columns,
/// keeping what is typed; side by side from 120), the concerns field with scores, and defaults drawn from both.
final class CancerCareReviewScreenTests: XCTestCase {
    var eots: DocumentTemplate { Harness.configuration.documents["eots"]! }

    /// Siân with a signed EoTS and an HNA (worry 8, pain 6, distress 5, one action), then W, Enter as a GP:
    /// the Cancer Care Review opens (first of the GP's document types by title).
    func startCCR(sources: Bool = true, size: Size = Size(width: 80, height: 24)) throws -> Harness {
        let nurse = Harness()                                    // a GP may not register patients: a nurse did
        nurse.addPatient()
        let h = Harness(store: nurse.store, size: size, signedIn: Harness.staff("gp", role: "gp"))
        let patientId = try XCTUnwrap(nurse.program.session.patient?.id)
        if sources {
            let store = h.store
            var a = try store.startAssessment(patientId: patientId, pathwayPoint: .endOfTreatment, completedBy: .patientWithClinician,
                                              date: LocalDate(year: 2026, month: 11, day: 20)!, catalogue: h.program.session.catalogue, createdBy: "cns", now: h.now)
            for change: AssessmentChange in [.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 6)),
                                             .setConcern(ConcernEntry(key: "worry", categoryId: "emotional", label: "Worry, fear or anxiety", score: 8)),
                                             .setDistress(5), .saveAction(AgreedAction(concernKey: "pain", what: "Refer to the pain team", owner: .cns))] {
                a = try store.apply(change, to: a.id, basedOn: a, now: h.now)
            }
            var d = try store.createDocument(template: eots, patientId: patientId, createdBy: "cns", now: h.now)
            for (f, v): (String, FieldValue) in [("treatment-aim", .codes(["curative"])), ("side-effects", .text("Tiredness for some months")),
                                                  ("red-flag-symptoms", .text("A new lump, or swelling in the arm")),
                                                  ("contact-in-hours", .text("Breast CNS team 0113 000 0000")), ("contact-out-of-hours", .text("Acute oncology 0113 000 0001")),
                                                  ("follow-up-pathway", .codes(["supported-self-management"])), ("follow-up-plan", .text("Mammogram yearly")),
                                                  ("gp-actions", .text("Bone health: DEXA scan in 2027")), ("completed-by", .person(name: "Cara CNS", staffId: nil))] {
                d = try store.apply(.setField(f, v), to: d, template: eots, by: "cns", now: h.now)
            }
            d = try store.apply(.saveRow(group: "treatments", DocumentRow(values: ["treatment-type": .codes(["01"]), "start-date": .date(LocalDate(year: 2026, month: 9, day: 15)!)])),
                                to: d, template: eots, by: "cns", now: h.now)
            _ = try store.sign(documentId: d.id, revision: d.revision, template: eots, by: "cns", name: "Cara CNS", role: "clinical-nurse-specialist", now: h.now)
        }
        h.press(.enter)                                          // Siân's record
        h.press(.text("w"), .enter)
        XCTAssertEqual(h.program.currentKind, .documentForm)
        XCTAssertEqual(h.program.session.document?.templateId, "ccr")
        return h
    }

    func testAt80ColumnsF3SwapsTheFormForTheSourcesKeepingWhatIsTyped() throws {
        let h = try startCCR()
        XCTAssertTrue(h.lines.last!.contains("F3 sources"), "said on the key line: " + h.lines.last!)
        h.assertGolden("ccr-form")
        h.press(.down, .down, .down, .down)                      // Current needs
        h.press(.enter); h.type("Back at work part ")
        h.press(.function(3))
        h.assertGolden("ccr-sources")
        XCTAssertTrue(h.screen.contains("Red-flag symptoms needing referral back: A new lump"), h.screen)
        h.press(.pageDown)
        XCTAssertTrue(h.screen.contains("HOLISTIC NEEDS ASSESSMENT"), h.screen)
        XCTAssertTrue(h.screen.contains("Worry, fear or anxiety: 8"), h.screen)
        XCTAssertTrue(h.screen.contains("Refer to the pain team: Clinical nurse specialist"), h.screen)
        h.press(.text("x"))                                      // read only, and said so
        XCTAssertTrue(h.screen.contains("The sources are read only"), h.screen)
        h.press(.function(3))                                    // back: the note goes on where it was
        h.type("time"); h.press(.escape)
        h.wait(2)
        XCTAssertEqual(try h.store.document(id: XCTUnwrap(h.program.session.document?.id))?["current-needs"], .text("Back at work part time"))
    }

    func testFrom120ColumnsTheSourcesStandBesideTheForm() throws {
        let h = try startCCR(size: Size(width: 132, height: 30))
        h.assertGolden("ccr-form-wide")
        XCTAssertTrue(h.screen.contains("END OF TREATMENT SUMMARY"), h.screen)
        XCTAssertTrue(h.screen.contains("Diagnosis *"), "the form too: " + h.screen)
        h.press(.function(3), .pageDown, .pageDown)
        XCTAssertTrue(h.screen.contains("F3 back to the form"), h.screen)
        h.press(.function(3), .down)                             // the form has the keys again
        XCTAssertTrue(h.lines.last!.contains("F3 scroll sources"), h.lines.last!)
    }

    func testAPatientWithNoEoTSOrHNAIsToldSo() throws {
        let h = try startCCR(sources: false)
        h.press(.function(3))
        XCTAssertTrue(h.screen.contains("None for this patient"), h.screen)
        XCTAssertEqual(h.program.session.beside.map(\.found), [false, false])
        XCTAssertNil(h.program.session.document?["concerns"])
    }

    func testDefaultsComeFromTheEoTSAndHNAAndConcernsArePickedWithScores() throws {
        let h = try startCCR()
        let d = try XCTUnwrap(h.program.session.document)
        XCTAssertEqual(d["recurrence-signs"], .text("A new lump, or swelling in the arm"))
        XCTAssertEqual(d["eots-gp-actions"], .text("Bone health: DEXA scan in 2027"))
        XCTAssertEqual(d["treatment-aim"], .codes(["curative"]))
        XCTAssertEqual(d["hna-actions"], .text("Refer to the pain team — CNS"))
        h.press(.ctrl("n"))                                      // 2 Concerns raised
        XCTAssertTrue(h.screen.contains("Worry, fear or anxiety (8); Pain (6)"), h.screen)
        h.press(.enter)
        h.type("naus")
        h.press(.text("1"), .text("0"))                          // 1 then 0: ten
        h.assertGolden("ccr-concerns")
        h.press(.backspace, .backspace, .backspace, .backspace)
        h.type("pain"); h.press(.text(" "))                      // un-chosen
        h.press(.enter)
        XCTAssertEqual(try h.store.document(id: d.id)?["concerns"],
                       .concerns([ScoredConcern(key: "worry", label: "Worry, fear or anxiety", score: 8),
                                  ScoredConcern(key: "nausea", label: "Nausea or vomiting", score: 10)]))
    }
}
