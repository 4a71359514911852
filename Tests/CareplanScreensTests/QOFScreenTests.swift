import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import TermUI
import XCTest

/// The cancer reviews' QOF timing on screen: the record's lines and the Q form (commands asserted, no store),
/// and the practice view (F4 on the register) drawn at 80x24 from a store.
final class QOFScreenTests: XCTestCase {
    /// Today is 23 Nov 2026 (`Harness.start`); Siân was diagnosed on 1 Sep 2026.
    static let diagnosed = LocalDate(year: 2026, month: 9, day: 1)!
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    func session(role: String = "gp") -> Session {
        let s = Session(configuration: Harness.configuration, flowId: "clinician", user: "kiosk", now: Harness.start)
        s.signIn(Harness.staff("drgp", role: role))
        var p = Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân", dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!)
        p.id = 7
        p.diagnosisDate = Self.diagnosed
        s.patient = p
        return s
    }

    func send(_ screen: inout some Screen, _ s: Session, _ keys: Key...) -> [Command] {
        keys.flatMap { screen.update(.key($0), s) }
    }

    func type(_ screen: inout some Screen, _ s: Session, _ text: String) {
        for c in text { XCTAssertEqual(screen.update(.key(.text(String(c))), s), []) }
    }

    /// On the record: Q, the chooser moved `right` times, Enter, the date typed over today's.
    func form(_ s: Session, right: Int, date: String) -> RecordScreen {
        var r = RecordScreen(s)
        XCTAssertEqual(send(&r, s, .text("q")), [])
        for _ in 0..<right { _ = send(&r, s, .right) }
        XCTAssertEqual(send(&r, s, .enter), [])
        _ = send(&r, s, .ctrl("u"))
        type(&r, s, date)
        return r
    }

    func testTheRecordAsksForTheQOFStatesWithTheTimelineAndShowsOnlyTheIndicatorsThatCount() {
        let s = session()
        var r = RecordScreen(s)
        XCTAssertEqual(r.update(.opened, s).prefix(2), [.query(.timeline(patientId: 7)), .query(.qof(patientId: 7))])
        let rules = Harness.configuration.qof
        let states = rules.states(diagnosed: Self.diagnosed, records: [], today: today)
        _ = r.update(.answer(.qof(states, records: [])), s)
        XCTAssertEqual(r.qof.map(\.code), ["CAN005", "CAN004"])
        let old = rules.states(diagnosed: LocalDate(year: 2023, month: 1, day: 1), records: [], today: today)
        _ = r.update(.answer(.qof(old, records: [])), s)
        XCTAssertEqual(r.qof, [], "diagnosed too long ago: no line")
    }

    func testAnInvitationIsRecordedWithItsDateAndHowForBothReviews() {
        let s = session()
        var r = form(s, right: 0, date: "12/09/2026")
        _ = send(&r, s, .tab, .right)  // How: phone
        XCTAssertEqual(send(&r, s, .ctrl("s")), [.recordQOF(QOFRecord(patientId: 7, indicator: nil, kind: .invited, date: LocalDate(year: 2026, month: 9, day: 12)!,
                                                                      how: .phone))])
        XCTAssertNotNil(r.recordingQOF, "open until the store has it")
        let saved = QOFRecord(id: 1, patientId: 7, indicator: nil, kind: .invited, date: LocalDate(year: 2026, month: 9, day: 12)!, how: .phone)
        XCTAssertEqual(r.update(.answer(.qofRecorded(saved)), s), [.query(.qof(patientId: 7))])
        XCTAssertNil(r.recordingQOF)
        XCTAssertEqual(s.message?.text, "Recorded: invitation by phone, 12 Sep 2026")
    }

    func testADateAfterTodayBeforeTheDiagnosisOrUnreadableIsMarkedNextToItAndKeptAsTyped() {
        let s = session()
        for (typed, problem) in [("24/11/2026", "! The date is after today"),
                                 ("31/08/2026", "! Before the diagnosis (01 Sep 2026): QOF counts only what follows it"),
                                 ("31/02/2026", nil)] {
            var r = form(s, right: 2, date: typed)  // support discussion held
            XCTAssertEqual(send(&r, s, .ctrl("s")), [], typed)
            XCTAssertEqual(r.recordingQOF?.form.text("date"), typed, "kept as typed")
            XCTAssertEqual(s.message?.text, "Not recorded: correct what is marked")
            var g = Grid(width: 80, height: 24)
            r.render(into: &g, Area(x: 0, y: 3, width: 80, height: 19), s)
            if let problem { XCTAssertTrue(g.text.contains(problem), g.text) } else { XCTAssertTrue(g.text.contains("! "), g.text) }
        }
    }

    func testASupportDiscussionHeldMeetsTheSupportIndicator() {
        let s = session()
        var r = form(s, right: 2, date: "20/11/2026")
        XCTAssertEqual(send(&r, s, .ctrl("s")), [.recordQOF(QOFRecord(patientId: 7, indicator: "can005", kind: .done, date: LocalDate(year: 2026, month: 11, day: 20)!))])
    }

    func testUnsuitableNeedsAReasonAndIsAskedBeforeItIsRecorded() {
        let s = session()
        var r = form(s, right: 4, date: "20/11/2026")
        XCTAssertEqual(send(&r, s, .ctrl("s")), [], "no reason")
        XCTAssertEqual(r.recordingQOF?.form["reason"].problem, "Say why the cancer reviews are unsuitable for the patient")
        XCTAssertEqual(r.recordingQOF?.form.fields[r.recordingQOF!.form.focus].id, "reason", "the field to correct")
        // One review chosen: singular.
        _ = send(&r, s, .up, .right, .right)  // For: CAN004
        XCTAssertEqual(send(&r, s, .ctrl("s")), [])
        XCTAssertEqual(r.recordingQOF?.form["reason"].problem, "Say why the Cancer Care Review is unsuitable for the patient")
        _ = send(&r, s, .up, .right, .down)  // For: both again
        type(&r, s, "Receiving end-of-life care")
        let commands = send(&r, s, .ctrl("s"))
        guard case .ask(let q)? = commands.first, commands.count == 1 else { return XCTFail("\(commands)") }
        XCTAssertEqual(q.yes, [.recordQOF(QOFRecord(patientId: 7, indicator: nil, kind: .unsuitable, date: LocalDate(year: 2026, month: 11, day: 20)!,
                                                    reason: "Receiving end-of-life care"))])
        XCTAssertTrue(q.text.hasPrefix("Record that the cancer reviews are unsuitable for Siân Wiśniewski, on 20 Nov 2026?"), q.text)
    }

    func testADeclineOfTheReviewOnlyIsAskedFirst() {
        let s = session()
        var r = form(s, right: 3, date: "20/11/2026")
        _ = send(&r, s, .tab, .right, .right)  // For: CAN004
        let commands = send(&r, s, .ctrl("s"))
        guard case .ask(let q)? = commands.first else { return XCTFail("\(commands)") }
        XCTAssertEqual(q.yes, [.recordQOF(QOFRecord(patientId: 7, indicator: "can004", kind: .declined, date: LocalDate(year: 2026, month: 11, day: 20)!))])
        XCTAssertTrue(q.text.hasPrefix("Record that Siân Wiśniewski declined the Cancer Care Review (informed dissent), on 20 Nov 2026?"), q.text)
    }

    func testTypingOnAChoiceOrEscIsSaidAndNothingIsRecorded() {
        let s = session()
        var r = RecordScreen(s)
        _ = send(&r, s, .text("q"))
        XCTAssertEqual(send(&r, s, .text("x")), [])
        XCTAssertEqual(s.message?.text, "Not typed: choose what to record with ←→, Enter goes on, Esc cancels")
        XCTAssertEqual(send(&r, s, .escape), [])
        XCTAssertNil(r.recordingQOF)
        XCTAssertEqual(s.message?.text, "Nothing recorded")
    }

    func testRolesThatMayNotRecordQOFAreRefusedWithAWordAndNotOfferedTheKeys() {
        for role in ["support-worker", "read-only"] {
            let s = session(role: role)
            var r = RecordScreen(s)
            XCTAssertEqual(send(&r, s, .text("q")), [])
            XCTAssertNil(r.recordingQOF, role)
            XCTAssertTrue(s.message?.text.contains("may not record or list the cancer reviews' QOF timing") == true, role)
            var register = RegisterScreen(s)
            XCTAssertEqual(send(&register, s, .function(4)), [], role)
        }
        XCTAssertEqual(Runtime.permission(for: .recordQOF(QOFRecord(patientId: 7, indicator: nil, kind: .declined, date: today))), .qof)
        XCTAssertEqual(Runtime.permission(for: .query(.qofPracticeView(limit: 5))), .qof)
        let gp = session()
        var register = RegisterScreen(gp)
        XCTAssertEqual(send(&register, gp, .function(4)), [.exit("reviews-due")])
    }

    func testThePracticeViewAsksForItsListOpensTheChosenPatientAndSaysWhatKeysDo() {
        let s = session()
        var v = PracticeViewScreen(s)
        XCTAssertEqual(v.update(.opened, s), [.query(.qofPracticeView(limit: 200))])
        var ann = s.patient!
        ann.id = 9
        let status = QOFStatus(indicatorId: "can005", code: "CAN005", title: "Discussion", state: .due(deadline: today))
        _ = v.update(.answer(.qofPracticeView(QOFPracticeView(entries: [.init(patient: s.patient!, status: status), .init(patient: ann, status: status)],
                                                             total: 2, counts: [:]))), s)
        XCTAssertEqual(send(&v, s, .down, .enter), [.openPatient(9), .exit("open")])
        XCTAssertEqual(send(&v, s, .text("a")), [])
        XCTAssertEqual(s.message?.text, "Keys here: ↑↓ choose, Enter opens the patient's record, F shows due, missed, excepted or all, Esc goes back")
        XCTAssertEqual(send(&v, s, .escape), [.go(.back)])
    }

    func testFShowsEachStateAloneInTurnAndTheKeyLineSaysWhich() {
        let s = session()
        var v = PracticeViewScreen(s)
        for showing in [QOFPracticeView.Showing.due, .missed, .excepted, .all] {
            XCTAssertEqual(send(&v, s, .text("f")), [.query(.qofPracticeView(limit: 200, showing: showing))])
            XCTAssertEqual(v.keys(s).first { $0.keys == "F" }?.action, showing.rawValue)
        }
        XCTAssertEqual(s.message?.text, "Showing due, then missed")
    }

    func testAnEmptyListOffersNoPatientToOpen() {
        let s = session()
        var v = PracticeViewScreen(s)
        _ = v.update(.answer(.qofPracticeView(QOFPracticeView(entries: [], total: 0, counts: [:]))), s)
        XCTAssertEqual(v.keys(s).map(\.keys), ["↑↓", "F", "Esc"])
        XCTAssertEqual(send(&v, s, .enter), [])
        XCTAssertEqual(s.message?.text, "There is no patient to open")
    }

    func testTheInvitationsColumnSaysWhenThePatientReplied() {
        func invited(_ day: Int) -> QOFRecord { QOFRecord(id: Int64(day), patientId: 7, indicator: nil, kind: .invited, date: LocalDate(year: 2026, month: 11, day: day)!, how: .letter) }
        let replied = QOFRecord(id: 99, patientId: 7, indicator: nil, kind: .responded, date: LocalDate(year: 2026, month: 11, day: 20)!, how: .phone)
        let three = [invited(3), invited(10), invited(17)]
        XCTAssertEqual(QOFWords.invitationStatus(three, records: three, short: true), "3, last 17 Nov")
        XCTAssertEqual(QOFWords.invitationStatus(three, records: three + [replied], short: true), "3, replied 20 Nov")
        XCTAssertEqual(QOFWords.invitationStatus(three + [invited(22)], records: three + [replied, invited(22)], short: true), "4, last 22 Nov",
                       "invited again after the reply: the last invitation is the news")
    }

    func testTheCountsOfEachIndicatorLineUpWhateverTheirWidths() {
        let s = session()
        var v = PracticeViewScreen(s)
        _ = v.update(.answer(.qofPracticeView(QOFPracticeView(entries: [], total: 0, counts: ["can005": QOFCounts(met: 1, due: 3),
                                                                                               "can004": QOFCounts(met: 120, due: 22, missed: 16)]))), s)
        var g = Grid(width: 80, height: 24)
        v.render(into: &g, Area(x: 0, y: 3, width: 80, height: 19), s)
        let rows = g.lines.filter { $0.contains(" met · ") }
        XCTAssertEqual(rows.count, 2, g.text)
        let columns = rows.map { row in DisplayWidth.of(String(row[..<row.range(of: " met · ")!.lowerBound].reversed().drop { $0.isNumber }.reversed())) }
        XCTAssertEqual(columns[0], columns[1], g.text)
        XCTAssertTrue(g.text.contains("No support discussion or Cancer Care Review is due or missed."), g.text)
    }

    // MARK: Drawn, from a store

    func addPatient(_ store: any CareRepository, _ n: Int, _ family: String, daysAgo: Int?) throws -> Patient {
        let digits = ["9434765919", "9990000026", "9990000034", "9990000050", "9990000069", "9990000077"]
        var p = Patient(nhsNumber: NHSNumber(n < digits.count ? digits[n] : Self.nhs(1000 + 2 * n))!, familyName: family, givenName: "Ann",
                        dateOfBirth: LocalDate(year: 1950, month: 1, day: 1)!)
        p.diagnosisDate = daysAgo.map { today.adding(days: -$0) }
        return try store.addPatient(p, now: Harness.start)
    }

    /// A valid fictional NHS number in the 999 range.
    static func nhs(_ serial: Int) -> String {
        var s = serial
        while true {
            let nine = Array("999" + String(format: "%06d", s)).map { Int(String($0))! }
            let check = 11 - zip(nine, stride(from: 10, through: 2, by: -1)).reduce(0) { $0 + $1.0 * $1.1 } % 11
            if check != 10 { return nine.map(String.init).joined() + String(check == 11 ? 0 : check) }
            s += 1
        }
    }

    func testTheRecordShowsEachStateAndTheInvitationsAt80x24() throws {
        let h = Harness()
        h.addPatient()
        h.assertGolden("record-qof-due-80x24")
        XCTAssertTrue(h.screen.contains(" QOF CAN005          due by 03 Dec 2026 (10 days left) · Discussion of the"), h.screen)
        // An invitation through the form, and the record shows it.
        h.press(.text("q"), .enter, .ctrl("u"))
        h.type("12/11/2026")
        h.press(.tab, .right, .right)  // text message
        h.assertGolden("record-qof-form-80x24")
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("Recorded: invitation by text message, 12 Nov 2026"), h.screen)
        XCTAssertTrue(h.screen.contains(" Invitations         1 sent, last 12 Nov 2026 by text message · no response"), h.screen)
        // A second, 8 days later, with no answer: both reviews excepted.
        h.wait(1)
        h.press(.text("q"), .enter, .ctrl("u"))
        h.type("20/11/2026")
        h.press(.ctrl("s"))
        h.assertGolden("record-qof-excepted-80x24")
        let stored = try h.store.qofRecords(patientId: XCTUnwrap(h.program.session.patient?.id))
        XCTAssertEqual(stored.map(\.recordedBy), [StaffFixture.nurse, StaffFixture.nurse])
        XCTAssertEqual(try h.store.auditTrail().filter { $0.action == "recorded QOF invited" }.count, 2, "each write audited")
    }

    func testAPatientWithASignedReviewShowsBothMetAndOneWithNoDateShowsNoQOFLines() throws {
        let store = try CareStore()
        let met = try addPatient(store, 0, "Reviewed", daysAgo: 200)
        try store.recordQOF(QOFRecord(patientId: met.id!, indicator: "can004", kind: .done, date: today.adding(days: -150)), by: "gp", now: Harness.start)
        let none = try addPatient(store, 1, "Undated", daysAgo: nil)
        let h = Harness(store: store)
        h.type("Reviewed")
        h.press(.enter)
        XCTAssertTrue(h.screen.contains(" QOF CAN005          met on 26 Jun 2026 · "), h.screen)
        XCTAssertTrue(h.screen.contains(" QOF CAN004          met on 26 Jun 2026 · Cancer Care Review"), h.screen)
        h.press(.escape, .escape)
        h.type("Undated")
        h.press(.enter)
        XCTAssertEqual(h.program.session.patient?.id, none.id)
        XCTAssertFalse(h.lines.dropLast().joined().contains("QOF"), "no QOF line (Q still records one)\n" + h.screen)
        XCTAssertFalse(h.lines[23].contains("H QOF history"), "nothing to show: not offered\n" + h.lines[23])
    }

    func testThePracticeViewListsByDeadlineScrollsAt80x24OpensTheRecordAndIsAudited() throws {
        let store = try CareStore()
        _ = try addPatient(store, 0, "Missed", daysAgo: 120)           // CAN005 missed 27 days ago
        _ = try addPatient(store, 1, "Recent", daysAgo: 40)            // both due
        let silent = try addPatient(store, 2, "Silent", daysAgo: 60)   // excepted
        for days in [20, 12] {
            try store.recordQOF(QOFRecord(patientId: silent.id!, indicator: nil, kind: .invited, date: today.adding(days: -days), how: .letter), by: "gp", now: Harness.start)
        }
        let met = try addPatient(store, 3, "Reviewed", daysAgo: 100)
        try store.recordQOF(QOFRecord(patientId: met.id!, indicator: "can004", kind: .done, date: today.adding(days: -30)), by: "gp", now: Harness.start)
        let invited = try addPatient(store, 4, "Invited", daysAgo: 80)
        try store.recordQOF(QOFRecord(patientId: invited.id!, indicator: nil, kind: .invited, date: today.adding(days: -3), how: .phone), by: "gp", now: Harness.start)
        for i in 0..<20 { _ = try addPatient(store, 10 + i, "Later\(i)", daysAgo: 300 - i) }
        try store.recordQOF(QOFRecord(patientId: invited.id!, indicator: nil, kind: .responded, date: today.adding(days: -1), how: .phone), by: "gp", now: Harness.start)
        let h = Harness(store: store, signedIn: Harness.staff("drgp", role: "gp"))
        h.press(.function(4))
        h.assertGolden("practice-view-80x24")
        XCTAssertEqual(try store.auditTrail().last.map { "\($0.action) | \($0.detail)" }, "listed reviews due | 23 patients")
        XCTAssertTrue(h.screen.contains("INVITED, Ann      1, replied 22 Nov"), h.screen)
        for _ in 0..<30 { h.press(.down) }
        h.assertGolden("practice-view-scrolled-80x24")
        h.press(.home, .enter)
        XCTAssertEqual(h.program.session.patient?.familyName, "Invited", "the soonest deadline still to meet first")
        XCTAssertTrue(h.screen.contains("careplan · Patient record"), h.screen)
        h.press(.escape)
        XCTAssertTrue(h.screen.contains("careplan · Reviews due"), "Esc goes back to the list the record was opened from:\n" + h.screen)
        h.press(.text("f"), .text("f"))
        XCTAssertTrue(h.screen.contains("Reviews due (missed)"), h.screen)
        h.assertGolden("practice-view-missed-80x24")
        h.press(.escape)
        XCTAssertTrue(h.screen.contains("careplan · Patients"), h.screen)
        // Opened from the patients, the record goes back to them.
        h.type("Invited")
        h.press(.enter, .escape)
        XCTAssertTrue(h.screen.contains("careplan · Patients"), h.screen)
    }
}
