import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import Foundation
import TermUI
import XCTest

/// Issue 14's screens: the worklist a clinician signs in to, and one patient's follow-up, driven by keys on
/// an in-memory store at 80x24 (today is 23 Nov 2026 in the harness).
final class FollowUpScreenTests: XCTestCase {
    var colorectal: Pathway { Harness.configuration.pathways["colorectal-standard"]! }

    /// Siân, on the colorectal pathway since 1 Mar 2026: her first CEA (1 Sep) is overdue from 30 Sep.
    func enrolled(_ h: Harness) throws -> (Patient, Enrolment) {
        let p = try h.store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                               dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!, diagnosis: "Colorectal"), by: "cns", now: h.now)
        let e = try h.store.enrol(patientId: p.id!, pathway: colorectal, start: LocalDate(year: 2026, month: 3, day: 1)!, fromDocument: nil, by: "cns", now: h.now)
        return (p, e)
    }

    func testAClinicianSignsInToTheWorklistMostUrgentFirstAndEnterOpensWhereItIsDone() throws {
        let setup = Harness()
        let (p, e) = try enrolled(setup)
        let contact = try setup.store.recordContact(NewContact(patientId: p.id!, enrolmentId: e.id, at: setup.now.addingTimeInterval(-3600), reason: "Pain", redFlag: true),
                                                    by: "cns", now: setup.now)
        let h = Harness(store: setup.store, onWorklist: true)
        XCTAssertEqual(h.program.currentKind, .worklist, "a clinician's home")
        XCTAssertTrue(h.lines[2].contains("Calls 1") && h.lines[2].contains("Tests overdue 1"), h.screen)
        XCTAssertTrue(h.lines[5].hasPrefix("!!") && h.lines[5].contains("Call to return"), "a red flag first: \(h.screen)")
        XCTAssertTrue(h.lines[6].contains("Test overdue") && h.lines[6].contains("CEA blood test"), h.screen)
        h.assertGolden("worklist-80x24")
        XCTAssertEqual(try h.store.auditTrail().filter { $0.action == "listed worklist" }.last?.detail, "1 patients", "audited as a listing of the worklist")

        // Tab: one kind at a time, then all again.
        h.press(.tab)
        XCTAssertTrue(h.screen.contains("Showing: Call to return"), h.screen)
        XCTAssertFalse(h.screen.contains("Test overdue  "), h.screen)
        h.press(.tab, .tab)
        XCTAssertTrue(h.screen.contains("Showing: everything"), h.screen)

        // Enter on the test opens the patient's follow-up on it; Esc comes back.
        h.press(.down, .enter)
        XCTAssertEqual(h.program.currentKind, .followUp)
        XCTAssertEqual(h.program.session.patient?.id, p.id)
        let test = try h.store.scheduledTests(enrolmentId: e.id).first!
        XCTAssertTrue(h.screen.contains("[Schedule"), h.screen)
        XCTAssertTrue(h.lines.first { $0.contains("OVERDUE since 30 Sep 2026") }.map { _ in true } ?? false, h.screen)
        h.press(.escape)
        XCTAssertEqual(h.program.currentKind, .worklist)
        // The call opens on the calls, chosen.
        h.press(.home, .enter)
        XCTAssertTrue(h.screen.contains("[Calls 1 (1 open)]"), h.screen)
        h.press(.enter)
        XCTAssertTrue(h.screen.contains("Return the call"), h.screen)
        h.press(.ctrl("s"))
        XCTAssertNotNil(try h.store.contacts(patientId: p.id!).first { $0.id == contact.id }?.returnedAt)
        XCTAssertEqual(test.code, "cea")

        // Esc goes to the patients, and F5 there comes back.
        h.press(.escape, .escape)
        XCTAssertEqual(h.program.currentKind, .patientRegister)
        h.press(.function(5))
        XCTAssertEqual(h.program.currentKind, .worklist)
    }

    func testAnAdministratorGoesOnToThePatients() throws {
        let h = Harness(signedIn: Harness.staff("ada", role: "administrator"), onWorklist: true)
        XCTAssertEqual(h.program.currentKind, .patientRegister)
        h.press(.function(5))
        XCTAssertEqual(h.program.currentKind, .patientRegister)
        XCTAssertTrue(h.screen.contains("may not see the worklist"), h.screen)
    }

    /// The whole of one patient's follow-up from the record: on a pathway, a result above range reviewed,
    /// suspended, a call logged and returned, discharged early and the letter asked for.
    func testOnePatientsFollowUpByKeys() throws {
        let h = Harness()
        h.addPatient()
        let patientId = try XCTUnwrap(h.program.session.patient?.id)
        // The store refuses a pathway not for the patient's diagnosis, or a start before it: she has colorectal
        // cancer (C18.7), diagnosed in January, though the record screen still shows what was typed.
        var p = try XCTUnwrap(try h.store.patient(id: patientId))
        (p.diagnosis, p.diagnosisCode, p.diagnosisDate) = ("Colorectal", "C18.7", LocalDate(year: 2026, month: 1, day: 5))
        _ = try h.store.updatePatient(p, by: "t", now: Date())
        h.press(.text("f"))
        XCTAssertEqual(h.program.currentKind, .followUp)
        XCTAssertTrue(h.screen.contains("Not on a follow-up pathway. P puts the patient on one."), h.screen)
        h.press(.text("p"))
        h.press(.left)    // from breast (the patient's) to colorectal
        h.press(.tab, .ctrl("u"))
        h.type("31/02/2026")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! "), "the impossible date is marked: \(h.screen)")
        XCTAssertTrue(h.screen.contains("31/02/2026"), "and kept as typed")
        XCTAssertTrue(try h.store.enrolments(patientId: patientId).isEmpty)
        h.press(.ctrl("u"))
        h.type("01/03/2026")
        h.press(.ctrl("s"))
        let e = try XCTUnwrap(try h.store.enrolments(patientId: patientId).first)
        XCTAssertEqual(e.pathwayId, "colorectal-standard")
        h.assertGolden("follow-up-schedule-80x24")

        // A result: bad input marked next to its field, nothing lost; then one above the range.
        h.press(.text("e"))
        h.type("high")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! Not a number, nor normal, abnormal or needs review"), h.screen)
        XCTAssertTrue(h.screen.contains("high"), h.screen)
        h.assertGolden("follow-up-result-problem-80x24")
        for _ in 0..<4 { h.press(.backspace) }
        h.type("7.2")
        h.press(.down, .ctrl("u"))
        h.type("mmol/L")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! The pathway's rule is in ug/L"), h.screen)
        h.press(.ctrl("u"))
        h.type("ug/L")
        h.press(.ctrl("s"))
        let result = try XCTUnwrap(try h.store.results(enrolmentId: e.id).first)
        XCTAssertEqual(result.value, .measured(7.2, unit: "ug/L"))
        XCTAssertTrue(result.needsReview)
        XCTAssertTrue(h.screen.contains("result 7.2 ug/L: TO REVIEW"), h.screen)

        // The review, then suspended.
        h.press(.tab, .text("v"), .text("2"), .ctrl("s"))
        XCTAssertEqual(try h.store.results(enrolmentId: e.id).first?.review?.outcome, .contactPatient)
        h.press(.text("u"), .ctrl("s"))
        XCTAssertTrue(h.screen.contains("! Say why remote follow-up is suspended"), h.screen)
        h.type("Seen in clinic for a raised CEA")
        h.press(.ctrl("s"))
        XCTAssertEqual(try h.store.enrolment(id: e.id)?.status, .suspended)

        // A call with red flags, returned.
        h.press(.tab, .text("c"), .tab, .tab)
        h.type("Pain in the abdomen")
        h.press(.tab, .right, .ctrl("s"))
        let call = try XCTUnwrap(try h.store.contacts(patientId: patientId).first)
        XCTAssertTrue(call.redFlag)
        h.press(.enter, .right, .ctrl("s"))
        XCTAssertEqual(try h.store.contacts(patientId: patientId).first?.response, .urgentAppointment)

        // The history keeps every change; discharged early, with the letter offered.
        h.press(.tab)
        XCTAssertTrue(h.screen.contains("suspended") && h.screen.contains("enrolled"), h.screen)
        h.press(.text("x"), .tab)
        h.type("Recurrence: back to clinic")
        h.press(.ctrl("s"))
        h.wait(1)
        h.press(.text("y"))                                      // asked first, with what is still open
        XCTAssertEqual(try h.store.enrolment(id: e.id)?.status, .discharged)
        h.effects = []
        h.press(.text("g"))                                      // the discharge letter has its own key
        XCTAssertEqual(h.effects, [.exportFollowUpLetter(.discharge(enrolmentId: e.id), format: "pdf")])
    }

    /// R, D, M, S and A on the schedule: each change stands, with its reason in the history.
    func testTheScheduleIsChangedForOnePatientAndEveryChangeIsKept() throws {
        let setup = Harness()
        let (_, e) = try enrolled(setup)
        let h = Harness(store: setup.store)
        h.type("Wiś")
        h.press(.enter, .text("f"))
        h.press(.text("r"), .ctrl("s"))                          // the first CEA requested today
        h.press(.text("d"), .ctrl("s"))                          // and done
        h.press(.down, .text("m"), .ctrl("u"))                   // the next moved, with a reason
        h.type("15/03/2027")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! Say why it moves"), h.screen)
        h.type("Patient away in March")
        h.press(.ctrl("s"))
        h.press(.text("s"))
        h.type("Done privately")
        h.press(.ctrl("s"))
        h.press(.text("a"), .tab, .ctrl("u"))
        h.type("01/12/2026")
        h.press(.tab)
        h.type("Rising symptoms")
        h.press(.ctrl("s"))
        let tests = try h.store.scheduledTests(enrolmentId: e.id)
        XCTAssertEqual(tests.first { $0.due == LocalDate(year: 2026, month: 9, day: 1)! }?.status, .done)
        XCTAssertTrue(tests.contains { $0.added && $0.due == LocalDate(year: 2026, month: 12, day: 1)! })
        XCTAssertTrue(tests.contains { $0.due == LocalDate(year: 2027, month: 3, day: 15)! })
        let kinds = try h.store.followUpHistory(enrolmentId: e.id).map(\.kind)
        XCTAssertEqual(kinds, [.enrolled, .requested, .done, .moved, .skipped, .added])
        h.press(.tab, .tab, .tab)
        XCTAssertTrue(h.screen.contains("01 Mar 2027 → 15 Mar 2027") && h.screen.contains("added CEA blood test 01 Dec 2026: Rising"), h.screen)
    }

    func testASupportWorkerRecordsButIsNotOfferedTheDecisions() throws {
        let setup = Harness()
        let (p, e) = try enrolled(setup)
        _ = try setup.store.recordResult(NewResult(value: .measured(9, unit: "ug/L"), takenOn: LocalDate(year: 2026, month: 9, day: 2)!),
                                         testId: try setup.store.scheduledTests(enrolmentId: e.id).first!.id, pathway: colorectal, by: "cns", now: setup.now)
        let h = Harness(store: setup.store, signedIn: Harness.staff("sam", role: "support-worker"))
        h.type("Wiś")
        h.press(.enter, .text("f"))
        XCTAssertEqual(h.program.session.patient?.id, p.id)
        XCTAssertFalse(h.lines.last!.contains("discharge"), h.lines.last!)
        h.press(.tab, .text("v"))
        XCTAssertTrue(h.screen.contains("may not review results, suspend or discharge"), h.screen)
        h.press(.text("x"))
        XCTAssertEqual(try h.store.enrolment(id: e.id)?.status, .active)
    }

    /// The screen asks; the runtime does: a result's form gives exactly one command, with the value parsed.
    func testTheResultFormGivesOneCommandWithTheValueAndUnit() throws {
        let s = Session(configuration: Harness.configuration, flowId: "clinician", user: "kiosk", now: Harness.start)
        s.signIn(Harness.nurse)
        s.patient = Patient(id: 1, nhsNumber: NHSNumber("9434765919")!, familyName: "W", givenName: "S", dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!)
        let test = ScheduledTest(id: 7, enrolmentId: 3, patientId: 1, code: "cea", name: "CEA blood test", due: LocalDate(year: 2026, month: 9, day: 1)!,
                                 graceDays: 28, status: .scheduled, statusDate: nil, skipReason: "", added: false)
        let enrolment = Enrolment(id: 3, patientId: 1, pathwayId: "colorectal-standard", pathwayVersion: "2022.1", pathwayHash: "", start: LocalDate(year: 2026, month: 3, day: 1)!,
                                  end: LocalDate(year: 2031, month: 3, day: 1)!, documentId: nil, status: .active, statusReason: "", dischargedOn: nil, enrolledBy: "cns", enrolledAt: Harness.start)
        var screen = FollowUpScreen(s)
        _ = screen.update(.answer(.followUp(FollowUpView(enrolments: [enrolment], tests: [test], results: [], history: [], contacts: [], offer: nil))), s)
        XCTAssertEqual(screen.update(.key(.text("e")), s), [])
        for c in "5,5" { XCTAssertEqual(screen.update(.key(.text(String(c))), s), []) }
        let commands = screen.update(.key(.ctrl("s")), s)
        XCTAssertEqual(commands, [.followUp(.result(NewResult(value: .measured(5.5, unit: "ug/L"), takenOn: LocalDate(year: 2026, month: 11, day: 23)!),
                                                    testId: 7, enrolmentId: 3))])
    }
}
