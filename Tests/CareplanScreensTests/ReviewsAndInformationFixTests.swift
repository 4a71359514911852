import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import CareplanSQLite
import Foundation
import TermUI
import XCTest

/// What two testers found on the screens of issue 13 (the cancer reviews' QOF timing, information given):
/// each test fails without its fix.
final class ReviewsAndInformationFixTests: XCTestCase {
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    /// Siân, diagnosed on 5 Jan 2026: a decline of the review in the QOF year before this one (it no longer
    /// counts), and the review unsuitable this year for a reason too long for one line.
    static let reason = "Receiving end-of-life care at the hospice since early November; the family asked that no further appointments be offered this year"

    func patientWithQOFHistory() throws -> Harness {
        let store = try CareStore()
        var p = Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân", dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!)
        p.diagnosisDate = LocalDate(year: 2026, month: 1, day: 5)
        let sian = try store.addPatient(p, now: Harness.start)
        try store.recordQOF(QOFRecord(patientId: sian.id!, indicator: "can004", kind: .declined, date: LocalDate(year: 2026, month: 3, day: 2)!), by: "drgp", now: Harness.start)
        try store.recordQOF(QOFRecord(patientId: sian.id!, indicator: "can004", kind: .unsuitable, date: LocalDate(year: 2026, month: 11, day: 10)!, reason: Self.reason),
                            by: "drgp", now: Harness.start)
        let h = Harness(store: store, signedIn: Harness.staff("drgp", role: "gp"))
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .patientRecord, h.screen)
        return h
    }

    func testTheUnsuitableReasonIsCutWithAnEllipsisAndHShowsTheWholeHistoryWithWhatNoLongerCounts() throws {
        let h = try patientWithQOFHistory()
        let line = try XCTUnwrap(h.lines.first { $0.contains("QOF CAN004") })
        XCTAssertTrue(line.trimmingCharacters(in: .whitespaces).hasSuffix("…"), line)
        h.press(.text("h"))
        h.assertGolden("record-qof-history-80x24")
        XCTAssertTrue(h.screen.contains("end-of-life care at the hospice"), h.screen)
        XCTAssertTrue(h.screen.contains("appointments be offered this year"), "the reason in full\n" + h.screen)
        XCTAssertTrue(h.screen.contains("02 Mar 2026  declined"), h.screen)
        XCTAssertTrue(h.screen.contains("Not counted: an earlier QOF year"), h.screen)
        h.press(.text("h"))
        XCTAssertTrue(h.screen.contains("Timeline"), "H again: the timeline\n" + h.screen)
    }

    func testCtrlQOnTheQOFFormOrTheEventFormAsksBeforeLosingWhatWasTyped() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("q"), .enter)
        h.press(.ctrl("u")); h.type("12/11/2026")
        h.press(.ctrl("q"))
        XCTAssertTrue(h.screen.contains("Not saved yet. Leave anyway?"), h.screen)
        h.press(.text("x"))
        XCTAssertTrue(h.screen.contains("12/11/2026"), "kept\n" + h.screen)
        XCTAssertFalse(h.effects.contains(.quit))
        h.press(.escape)
        h.wait(2)
        h.press(.text("o"))
        XCTAssertTrue(h.screen.contains("Course or event for"), h.screen)
        h.press(.ctrl("q"))
        XCTAssertTrue(h.screen.contains("Not saved yet. Leave anyway?"), h.screen)
        h.press(.text("y"))
        XCTAssertEqual(h.effects.last, .quit)
    }

    func testAfterRecordingInformationTheKeyLineNamesPOnce() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("i"))
        h.type("sleep"); h.press(.text(" "), .enter, .enter)
        XCTAssertTrue(h.screen.contains("Print the information prescription"), h.screen)
        XCTAssertEqual(h.lines[23].components(separatedBy: "P save PDF").count - 1, 1, h.lines[23])
    }

    func testTheRegisterSuggestsAddingAPatientOnlyToARoleThatMay() throws {
        let store = try CareStore()
        _ = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                         dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), now: Harness.start)
        let gp = Harness(store: store, signedIn: Harness.staff("drgp", role: "gp"))
        gp.type("lodz")
        XCTAssertTrue(gp.screen.contains("No patient matches “lodz”."), gp.screen)
        XCTAssertFalse(gp.screen.contains("Ctrl-A"), gp.screen)
        let nurse = Harness(store: store)
        nurse.type("lodz")
        XCTAssertTrue(nurse.screen.contains("No patient matches “lodz”. Ctrl-A adds a new patient."), nurse.screen)
    }

    func testASignedDocumentIsRefusedANewVersionAtVByARoleThatMayNotWriteItAndNothingSuggestsIt() throws {
        let cns = documents.startEoTS()
        documents.fillEoTS(cns)
        for _ in 0..<10 { cns.press(.ctrl("n")) }
        cns.press(.text("s"), .text("y"))
        XCTAssertEqual(cns.program.session.document?.status, .signed, cns.screen)
        for role in ["read-only", "support-worker"] {
            let h = Harness(store: cns.store, signedIn: Harness.staff("who", role: role))
            h.press(.enter, .enter)  // Siân's record, her signed EoTS
            XCTAssertEqual(h.program.currentKind, .documentForm, h.screen)
            h.press(.down, .text("p"))
            XCTAssertTrue(h.screen.contains("This document is signed and locked: read only"), h.screen)
            XCTAssertFalse(h.screen.contains("(V)"), h.screen)
            h.press(.text("v"))
            XCTAssertFalse(h.screen.contains("Start version 2"), "refused at V, not after y\n" + h.screen)
            XCTAssertTrue(h.screen.contains("is written by Clinical nurse specialist"), h.screen)
            for _ in 0..<10 { h.press(.ctrl("n")) }
            h.press(.text("s"))
            XCTAssertTrue(h.screen.contains("Already signed"), h.screen)
            XCTAssertFalse(h.screen.contains("V starts"), h.screen)
            h.press(.text("i"))
            if role == "read-only" { XCTAssertTrue(h.screen.contains("may not give information"), h.screen) }
        }
    }

    func testTheRecordsKeyLineAt80ColumnsHoldsIAndQForEachRoleThatMayAndF1ListsTheRest() throws {
        for role in ["clinical-nurse-specialist", "gp"] {
            let h = try patientWithQOFHistory()
            let other = Harness(store: h.store, signedIn: Harness.staff("who", role: role))
            other.press(.enter)
            XCTAssertEqual(other.program.currentKind, .patientRecord, other.screen)
            XCTAssertTrue(other.lines[23].contains("I info") && other.lines[23].contains("Q QOF"), role + ": " + other.lines[23])
            let help = other.program.chrome.helpLines(width: 76).joined(separator: "\n")  // what F1 shows
            for key in ["Tab", "H", "↑↓"] { XCTAssertTrue(help.contains("  " + key + " "), role + " F1 lists " + key + "\n" + help) }
            if role != "gp" { XCTAssertTrue(help.contains("  K "), help) }
        }
    }
}
