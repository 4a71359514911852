import CareplanCore
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import XCTest

/// The cancer reviews' QOF timing in the real binary, as a GP uses it: the practice view by deadline, a patient
/// excepted after two unanswered invitations, a signed review met, and a support discussion recorded from the
/// record turning due into met.
final class QOFEndToEndTests: EndToEndCase {
    func testAGPListsTheReviewsDueSeesExceptedAndMetAndRecordsASupportDiscussion() throws {
        staffTheStore()
        let today = LocalDate(Date())
        let s = try CareStore(path: store)
        _ = try s.setRole("gp", userName: Self.account, by: StaffFixture.administrator, now: Date())
        func add(_ n: Int, _ family: String, daysAgo: Int) throws -> Patient {
            var p = Patient(nhsNumber: NHSNumber(FictionalNHS.spaced(n).replacingOccurrences(of: " ", with: ""))!, familyName: family, givenName: "Ann",
                            dateOfBirth: LocalDate(year: 1950, month: 6, day: 1)!)
            p.diagnosisDate = today.adding(days: -daysAgo)
            return try s.addPatient(p, by: "seed", now: Date())
        }
        _ = try add(1, "Dueton", daysAgo: 40)          // support discussion due in 53 days, review due
        let silent = try add(2, "Silentio", daysAgo: 60)
        for days in [20, 12] {                          // 8 days apart, no answer: excepted
            try s.recordQOF(QOFRecord(patientId: silent.id!, indicator: nil, kind: .invited, date: today.adding(days: -days), how: .letter), by: "seed")
        }
        let reviewed = try add(3, "Metcalfe", daysAgo: 100)
        try s.recordQOF(QOFRecord(patientId: reviewed.id!, indicator: "can004", kind: .done, date: today.adding(days: -30)), by: "seed")
        _ = try add(4, "Misson", daysAgo: 120)          // support discussion missed 27 days ago

        try launch()
        try tmux.keys("F4")
        let list = try tmux.waitFor(" careplan · Reviews due")
        XCTAssertTrue(list.contains("1 met · 1 due · 1 missed · 1 excepted"), list)
        let rows = list.components(separatedBy: "\n").filter { $0.contains(", Ann") }
        XCTAssertEqual(rows.map { $0.contains("MISSON") ? "Misson" : "Dueton" }, ["Dueton", "Misson", "Dueton", "Misson"], list)
        XCTAssertEqual(rows.map { $0.contains("CAN005") ? "CAN005" : "CAN004" }, ["CAN005", "CAN004", "CAN004", "CAN005"],
                       "due ones first, soonest deadline first; then the missed one")
        XCTAssertTrue(rows[0].contains("53 left"), rows[0])
        XCTAssertTrue(rows[3].contains("27 overdue"), rows[3])

        // The patient excepted after two unanswered invitations, from the register.
        try tmux.keys("Escape")
        try tmux.waitFor(" careplan · Patients")
        try tmux.type("Silentio")
        try tmux.waitFor("SILENTIO, Ann")
        try tmux.keys("Enter")
        try tmux.waitFor(" QOF CAN005          excepted (no response to 2 invitations)")
        try tmux.waitFor(" Invitations         2 sent, last \(today.adding(days: -12).display) by letter · no response")

        // A signed review (its `done` record) meets both.
        try tmux.keys("Escape")
        try tmux.waitFor(" careplan · Patients")
        try tmux.type("Metcalfe")
        try tmux.waitFor("METCALFE, Ann")
        try tmux.keys("Enter")
        try tmux.waitFor(" QOF CAN004          met on \(today.adding(days: -30).display) · Cancer Care Review")

        // The support discussion recorded from the record: due becomes met, and the practice view follows.
        try tmux.keys("Escape")
        try tmux.waitFor(" careplan · Patients")
        try tmux.keys("F4")
        try tmux.waitFor(" careplan · Reviews due")
        try tmux.keys("Enter")
        try tmux.waitFor("DUETON, Ann")
        try tmux.waitFor(" QOF CAN005          due by \(today.adding(days: 53).display) (53 days left)")
        try tmux.keys("q")
        try tmux.waitFor(" Record for Ann Dueton (QOF)")
        try tmux.keys("Right", "Right", "Enter")
        try tmux.waitFor(" Record for Ann Dueton: support discussion held")
        try tmux.keys("C-s")
        try tmux.waitFor(" Recorded: support discussion held, \(today.display)")
        try tmux.waitFor(" QOF CAN005          met on \(today.display)")
        try tmux.keys("Escape")                         // back to the list it was opened from, read again
        try tmux.waitFor(" careplan · Reviews due")
        try tmux.waitFor("2 met · 0 due · 1 missed · 1 excepted")

        let audited = try sql("SELECT user, action, detail FROM audit_log WHERE action IN ('recorded QOF done', 'listed reviews due') AND user <> 'seed' ORDER BY id")
        XCTAssertEqual(audited.map { $0["action"]! }, ["listed reviews due", "listed reviews due", "recorded QOF done", "listed reviews due"])
        XCTAssertEqual(audited.map { $0["user"]! }, Array(repeating: Self.account, count: 4))
        XCTAssertEqual(audited.map { $0["detail"]!.replacingOccurrences(of: #"QOF record \d+: "#, with: "", options: .regularExpression).prefix { $0 != ";" } },
                       ["2 patients", "2 patients", "can005", "2 patients"], "how many were shown, never who")
        XCTAssertTrue(audited[2]["detail"]!.contains("; content sha256 "), "the record's content keyed in its entry")
        let recorded = try sql("SELECT indicator, kind, date, recorded_by FROM qof_record WHERE recorded_by <> 'seed'")
        XCTAssertEqual(recorded, [["indicator": "can005", "kind": "done", "date": today.iso, "recorded_by": Self.account]])
    }
}
