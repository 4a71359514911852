import CareplanCore
@testable import CareplanSQLite
@_spi(StoreTesting) @testable import CareplanStore
import RepositoryTestSupport
import XCTest

/// Follow-up records under `audit --verify` (issue 14, finding A1): every write's entry carries the digest of the
/// records it wrote, so a record changed, inserted or removed behind careplan's back is named by table and id.
final class FollowUpIntegrityContractTests: RepositoryContractCase {
    /// A patient whose diagnosis the colorectal pathway is for (it refuses others unless told).
    func colorectalPatient(_ digits: String, family: String) -> Patient {
        var p = patient(digits, family: family)
        (p.diagnosis, p.diagnosisCode) = ("Colorectal", "C18.7")
        return p
    }

    static let colorectal = FollowUpContractTests.colorectal
    let start = LocalDate(year: 2026, month: 1, day: 31)!

    /// One of everything: an enrolment changed, marked, resulted and reviewed, suspended and resumed, a call
    /// returned, one open; a second patient discharged.
    func everyKindOfRecord(_ store: any CareRepository) throws -> (patient: Int64, enrolment: Enrolment, open: ScheduledTest, result: TestResult,
                                                                     unreviewed: TestResult, call: Contact, openCall: Contact) {
        let p = try store.addPatient(colorectalPatient("9434765919", family: "Wiśniewski"), now: now)
        let e = try store.enrol(patientId: p.id!, pathway: Self.colorectal, start: start, by: "Nurse Jones", now: now)
        let tests = try store.scheduledTests(enrolmentId: e.id)
        _ = try store.changeSchedule(.move(testId: tests[2].id, to: start.adding(days: 400), reason: "Holiday"), enrolmentId: e.id, by: "N", now: now)
        _ = try store.markTest(tests[0].id, .requested, on: start.adding(days: 170), by: "N", now: now)
        let result = try store.recordResult(NewResult(value: .measured(7.4, unit: "ug/L"), takenOn: start.adding(days: 180), note: "fasting"),
                                            testId: tests[0].id, pathway: Self.colorectal, by: "N", now: now)
        _ = try store.reviewResult(result.id, outcome: .referToClinic, note: "Clinic", by: "Dr Okafor", now: now)
        let unreviewed = try store.recordResult(NewResult(value: .measured(9, unit: "ug/L"), takenOn: start.adding(days: 200)),
                                                testId: tests[1].id, pathway: Self.colorectal, by: "N", now: now)
        _ = try store.setSuspended(enrolmentId: e.id, reason: "Seen in clinic", by: "N", now: now)
        _ = try store.setSuspended(enrolmentId: e.id, reason: nil, by: "N", now: now)
        let call = try store.recordContact(NewContact(patientId: p.id!, enrolmentId: e.id, at: now.addingTimeInterval(-7200), reason: "Worried", redFlag: true),
                                           by: "N", now: now)
        _ = try store.returnContact(call.id, response: .advice, note: "Reassured", returnedAt: now.addingTimeInterval(-3600), by: "N", now: now)
        let open = try store.recordContact(NewContact(patientId: p.id!, enrolmentId: e.id, at: now.addingTimeInterval(-600), reason: "Pain", redFlag: false),
                                           by: "N", now: now)
        let q = try store.addPatient(colorectalPatient("9990000026", family: "Smith"), now: now)
        let other = try store.enrol(patientId: q.id!, pathway: Self.colorectal, start: start, by: "N", now: now)
        _ = try store.discharge(enrolmentId: other.id, reason: .early("Moved away"), on: start.adding(days: 30), by: "N", now: now)
        let untouched = try XCTUnwrap(try store.scheduledTests(enrolmentId: e.id).last)
        return (p.id!, e, untouched, result, unreviewed, call, open)
    }

    func testEachFollowUpRecordChangedInsertedOrRemovedOutsideCareplanIsFoundByTableAndId() throws {
        try eachRepository { store, _ in
            guard let sqlite = store as? CareStore else { return }
            let (p, e, test, result, unreviewed, call, open) = try everyKindOfRecord(store)
            XCTAssertEqual(try sqlite.auditedRowProblems().map(\.problem), [])
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
            let entries = try store.auditTrail().filter { $0.action.contains("follow-up") || $0.action.contains("call") }
            XCTAssertTrue(entries.allSatisfy { $0.detail.contains("; content sha256 follow_up_") }, "\(entries.map(\.detail))")
            XCTAssertFalse(entries.contains { $0.detail.contains("fasting") || $0.detail.contains("Worried") || $0.detail.contains("Holiday") })
            let change = try XCTUnwrap(try store.followUpHistory(enrolmentId: e.id).last).id
            let tables = ["follow_up_enrolment", "follow_up_test", "follow_up_change", "follow_up_result", "follow_up_contact"]
            try sqlite.unauditedWrite { db in for t in tables { try db.execute(sql: "CREATE TABLE kept_\(t) AS SELECT * FROM \(t)") } }
            let cases: [(String, String, String)] = [
                ("a result's value", "UPDATE follow_up_result SET value = 2.1 WHERE id = \(result.id)", "follow_up_result \(result.id) (patient \(p)) was changed"),
                ("a review put in", "UPDATE follow_up_result SET review_outcome = 'no-action', reviewed_by = 'x' WHERE id = \(unreviewed.id)",
                 "follow_up_result \(unreviewed.id) (patient \(p)) was changed"),
                ("a result inserted", "INSERT INTO follow_up_result (test_id, enrolment_id, patient_id, code, value, unit, taken_on, source, needs_review, recorded_by, recorded_at) "
                    + "SELECT test_id, enrolment_id, patient_id, code, 1, unit, taken_on, source, 0, recorded_by, recorded_at FROM follow_up_result WHERE id = \(result.id)",
                 "follow_up_result \(unreviewed.id + 1) (patient \(p)) has no audit entry"),
                ("a result deleted", "DELETE FROM follow_up_result WHERE id = \(unreviewed.id)", "follow_up_result \(unreviewed.id) (patient \(p)), recorded in audit entry"),
                ("a call marked returned", "UPDATE follow_up_contact SET returned_at = '2026-11-24 10:00:00.000', response = 'advice' WHERE id = \(open.id)",
                 "follow_up_contact \(open.id) (patient \(p)) was changed"),
                ("a call's red flag", "UPDATE follow_up_contact SET red_flag = 0 WHERE id = \(call.id)", "follow_up_contact \(call.id) (patient \(p)) was changed"),
                ("an enrolment discharged", "UPDATE follow_up_enrolment SET status = 'discharged', discharged_on = '2026-02-01' WHERE id = \(e.id)",
                 "follow_up_enrolment \(e.id) (patient \(p)) was changed"),
                ("the pathway's version", "UPDATE follow_up_enrolment SET pathway_version = '2099.1' WHERE id = \(e.id)", "follow_up_enrolment \(e.id) (patient \(p)) was changed"),
                ("the end date", "UPDATE follow_up_enrolment SET end_date = '2026-06-01' WHERE id = \(e.id)", "follow_up_enrolment \(e.id) (patient \(p)) was changed"),
                ("a test skipped", "UPDATE follow_up_test SET status = 'skipped', skip_reason = 'x' WHERE id = \(test.id)", "follow_up_test \(test.id) (patient \(p)) was changed"),
                ("a test's due date", "UPDATE follow_up_test SET due_date = '2040-01-01' WHERE id = \(test.id)", "follow_up_test \(test.id) (patient \(p)) was changed"),
                ("a test deleted", "DELETE FROM follow_up_test WHERE id = \(test.id)", "follow_up_test \(test.id) (patient \(p)), recorded in audit entry"),
                ("history deleted", "DELETE FROM follow_up_change WHERE id = \(change)", "follow_up_change \(change) (patient \(p)), recorded in audit entry"),
                ("history's reason", "UPDATE follow_up_change SET reason = 'x' WHERE id = \(change)", "follow_up_change \(change) (patient \(p)) was changed"),
            ]
            for (what, tamper, expected) in cases {
                try sqlite.unauditedWrite(foreignKeys: false) { db in try db.execute(sql: tamper) }
                guard case .broken(nil, let reason) = try store.verifyAuditTrail() else { XCTFail("\(what): verify found nothing"); continue }
                XCTAssertTrue(reason.contains(expected) && reason.hasSuffix("The trail is intact; the follow-up records were changed outside careplan"),
                              "\(what): \(reason)")
                XCTAssertFalse(reason.contains("ug/L") || reason.contains("CEA") || reason.contains("Worried"), "no clinical words: \(reason)")
                try sqlite.unauditedWrite(foreignKeys: false) { db in
                    for t in tables { try db.execute(sql: "DELETE FROM \(t); INSERT INTO \(t) SELECT * FROM kept_\(t)") }
                }
                XCTAssertEqual(try sqlite.auditedRowProblems().map(\.problem), [], "\(what) undone")
            }
        }
    }

    /// A store whose follow-up was seeded (the benchmark's fictional patients) is intact: the seeding's entry names
    /// the rows it wrote; a row inserted after it is not covered.
    func testSeededFollowUpIsCoveredByItsEntry() throws {
        try eachRepository { store, _ in
            guard let sqlite = store as? CareStore else { return }
            for (i, digits) in ["9434765919", "9990000026"].enumerated() {
                _ = try store.addPatient(colorectalPatient(digits, family: "Seed\(i)"), now: now)
            }
            let seeded = try store.addFictionalFollowUp(pathways: [Self.colorectal], today: LocalDate(now), by: "bench", now: now)
            XCTAssertEqual(seeded.patients, 2)
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
            try sqlite.unauditedWrite { db in
                try db.execute(sql: "INSERT INTO follow_up_test (enrolment_id, patient_id, code, name, due_date, grace_days, overdue_from, status) "
                               + "SELECT enrolment_id, patient_id, code, name, due_date, grace_days, overdue_from, status FROM follow_up_test WHERE id = 1")
            }
            guard case .broken(nil, let reason) = try store.verifyAuditTrail() else { return XCTFail("an inserted test not found") }
            XCTAssertTrue(reason.contains("has no audit entry"), reason)
        }
    }

    /// The test clock (finding A2): refused on a store an administrator has not marked a training store (the mark
    /// audited, and not obeyed when written behind careplan's back); once accepted, every entry says so.
    func testTheTestClockIsRefusedUnlessTheStoreIsATrainingStoreAndEveryEntryMeanwhileSaysSo() throws {
        try eachRepository { store, connect in
            let (admin, nurse) = try StaffFixture.addUsers(to: store, now: now)
            let moved = CareClock(offsetDays: -30)
            try store.useTestClock(.real, now: now)
            XCTAssertFalse(try store.isTrainingStore(), "off in a new store")
            XCTAssertThrowsError(try store.useTestClock(moved, now: now)) {
                XCTAssertTrue("\($0)".contains("not marked as a training store") && "\($0)".contains("careplan users training-store yes"), "\($0)")
            }
            XCTAssertThrowsError(try store.setTrainingStore(true, by: nurse.userName, now: now)) {
                XCTAssertEqual($0 as? StaffError, .notAdministrator(nurse.userName))
            }
            try store.setTrainingStore(true, by: admin.userName, now: now)
            XCTAssertTrue(try connect().isTrainingStore())
            try store.useTestClock(moved, now: now)
            let p = try store.addPatient(colorectalPatient("9434765919", family: "Wiśniewski"), now: now)
            XCTAssertEqual(try store.auditTrail(patientId: p.id!).last?.detail, "; test clock \(moved.today(now).iso)", "the entry says the clock was moved")
            try store.useTestClock(.real, now: now)
            _ = try store.addPatient(colorectalPatient("9990000026", family: "Smith"), now: now)
            XCTAssertFalse(try store.auditTrail().last!.detail.contains("test clock"))
            try store.setTrainingStore(false, by: admin.userName, now: now)
            XCTAssertThrowsError(try store.useTestClock(moved, now: now))
            guard let sqlite = store as? CareStore else { return }
            try sqlite.unauditedWrite { db in try db.execute(sql: "UPDATE setting SET value = 'yes' WHERE name = 'training-store'") }
            XCTAssertFalse(try store.isTrainingStore(), "written behind careplan's back: not obeyed")
            XCTAssertThrowsError(try store.useTestClock(moved, now: now))
            guard case .broken(nil, let reason) = try store.verifyAuditTrail() else { return XCTFail("not found") }
            XCTAssertTrue(reason.contains("the store says this is a training store, but no administrator's audited change says so"), reason)
        }
    }

    /// No record of care dated after the real today (`now`), whatever the test clock: starts, tests marked, results,
    /// calls and their return, discharges.
    func testNothingIsDatedAfterTheRealToday() throws {
        try eachRepository { store, _ in
            let p = try store.addPatient(colorectalPatient("9434765919", family: "Wiśniewski"), now: now)
            let tomorrow = LocalDate(now).adding(days: 1)
            func refused(_ what: String, _ body: () throws -> Void) {
                XCTAssertThrowsError(try body(), what) { error in
                    XCTAssertTrue(["after today", "after the time now", "in the future"].contains { "\(error)".contains($0) }, "\(what): \(error)")
                }
            }
            refused("a start") { _ = try store.enrol(patientId: p.id!, pathway: Self.colorectal, start: tomorrow, by: "N", now: now) }
            let e = try store.enrol(patientId: p.id!, pathway: Self.colorectal, start: start, by: "N", now: now)
            let test = try store.scheduledTests(enrolmentId: e.id)[0]
            refused("a test done") { _ = try store.markTest(test.id, .done, on: tomorrow, by: "N", now: now) }
            refused("a result") {
                _ = try store.recordResult(NewResult(value: .measured(1, unit: "ug/L"), takenOn: tomorrow), testId: test.id, pathway: Self.colorectal, by: "N", now: now)
            }
            refused("a call") {
                _ = try store.recordContact(NewContact(patientId: p.id!, enrolmentId: e.id, at: now.addingTimeInterval(86400), reason: "r", redFlag: false), by: "N", now: now)
            }
            let call = try store.recordContact(NewContact(patientId: p.id!, enrolmentId: e.id, at: now, reason: "r", redFlag: false), by: "N", now: now)
            refused("a return") { _ = try store.returnContact(call.id, response: .advice, note: "", returnedAt: now.addingTimeInterval(86400), by: "N", now: now) }
            refused("a discharge") { _ = try store.discharge(enrolmentId: e.id, reason: .endOfPathway, on: tomorrow, by: "N", now: now) }
            XCTAssertEqual(try store.results(enrolmentId: e.id), [])
            XCTAssertEqual(try store.enrolment(id: e.id)?.status, .active)
        }
    }

    /// A pathway edited after enrolment (the threshold 5 raised to 50, same id and version) or removed (finding A3):
    /// the enrolled patient keeps the rules they were enrolled under, and the change is reported.
    func testAPathwayEditedOrRemovedAfterEnrolmentDoesNotChangeTheEnrolledPatientsCare() throws {
        let edited = try Pathway.parse(text: Self.colorectal.text.replacingOccurrences(of: "above: 5\n", with: "above: 50\n"), displayPath: "c").get()
        XCTAssertEqual(edited.id, Self.colorectal.id)
        XCTAssertNotEqual(edited.contentHash, Self.colorectal.contentHash)
        try eachRepository { store, connect in
            let p = try store.addPatient(colorectalPatient("9434765919", family: "Wiśniewski"), now: now)
            let e = try store.enrol(patientId: p.id!, pathway: Self.colorectal, start: start, by: "N", now: now)
            XCTAssertEqual(try connect().enrolledPathway(enrolmentId: e.id), Self.colorectal, "kept with the enrolment")
            XCTAssertEqual(try store.pathwayChanges([Self.colorectal.id: Self.colorectal]), [])
            let tests = try store.scheduledTests(enrolmentId: e.id).filter { $0.code == "cea" }
            let report = try store.importResults([ResultRow(line: 2, nhsNumber: "9434765919", test: "cea", date: start.adding(days: 180).iso, value: "12", unit: "ug/L")],
                                                 pathways: [edited.id: edited], source: "lab.csv", today: LocalDate(now), by: "N", now: now)
            XCTAssertEqual(report.recorded.map(\.needsReview), [true], "from a file: judged by the rules enrolled under (above 5), not the edited file's 50")
            let typed = try store.recordResult(NewResult(value: .measured(7.4, unit: "ug/L"), takenOn: start.adding(days: 290)), testId: tests[1].id,
                                               pathway: edited, by: "N", now: now)
            XCTAssertTrue(typed.needsReview, "typed: judged by the rules enrolled under")
            let changed = try store.pathwayChanges([edited.id: edited])
            XCTAssertEqual(changed, [PathwayChange(pathwayId: "colorectal-standard", version: Self.colorectal.version, patients: 1, fileMissing: false, rulesKept: true)])
            XCTAssertTrue(changed[0].words.hasPrefix("1 patient enrolled under colorectal-standard \(Self.colorectal.version) whose file has changed: "
                                                     + "they keep the rules they were enrolled under; to move them"), changed[0].words)
            XCTAssertEqual(try store.pathwayChanges([:]).map(\.fileMissing), [true])
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count), "the kept pathway is under the trail too")
            // Enrolled before careplan kept pathways: kept from the file only while it is still the one enrolled under.
            guard let sqlite = store as? CareStore else { return }
            try sqlite.unauditedWrite { db in try db.execute(sql: "DELETE FROM follow_up_pathway") }
            XCTAssertEqual(try store.pathwayChanges([edited.id: edited]).map(\.rulesKept), [false])
            XCTAssertTrue(try store.pathwayChanges([edited.id: edited])[0].words.contains("their rules were not kept"))
            try store.keepEnrolledPathways([edited.id: edited], by: "careplan", now: now)
            XCTAssertNil(try store.enrolledPathway(enrolmentId: e.id), "an edited file is not taken for the rules enrolled under")
            try store.keepEnrolledPathways([Self.colorectal.id: Self.colorectal], by: "careplan", now: now)
            XCTAssertEqual(try store.enrolledPathway(enrolmentId: e.id), Self.colorectal)
            XCTAssertEqual(try store.auditTrail().last?.action, "kept a follow-up pathway enrolments were made under")
        }
    }

    /// Follow-up records written before their entries carried digests (a store upgraded to v14) are named once in
    /// the trail when the store is next opened, and verify accepts them; one inserted afterwards is still found.
    func testRecordsFromBeforeTheDigestsAreAcceptedAfterTheUpgrade() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("upgrade-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let open = { try CareStore(path: folder.appendingPathComponent("store/careplan.sqlite").path, auditKey: folder.appendingPathComponent("keys/audit.key").path) }
        let store = try open()
        let p = try store.addPatient(colorectalPatient("9434765919", family: "Wiśniewski"), now: now)
        let e = try store.enrol(patientId: p.id!, pathway: Self.colorectal, start: start, by: "N", now: now)
        // As an earlier careplan left it: a test written with no digest, and the upgrade's note of the rows before.
        try store.unauditedWrite { db in
            try db.execute(sql: "INSERT INTO follow_up_test (enrolment_id, patient_id, code, name, due_date, grace_days, overdue_from, status) "
                           + "VALUES (\(e.id), \(p.id!), 'x', 'X', '2027-01-01', 0, '2027-01-01', 'scheduled')")
            try db.execute(sql: "INSERT INTO setting (name, value) SELECT ?, 'follow_up_test 1-' || max(id) FROM follow_up_test", arguments: [CareStore.undigestedSetting])
        }
        XCTAssertEqual(try open().verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
        XCTAssertEqual(try store.auditTrail().last?.action, "kept records from before their digests")
        try store.unauditedWrite { db in
            try db.execute(sql: "INSERT INTO follow_up_test (enrolment_id, patient_id, code, name, due_date, grace_days, overdue_from, status) "
                           + "VALUES (\(e.id), \(p.id!), 'y', 'Y', '2027-01-01', 0, '2027-01-01', 'scheduled')")
        }
        guard case .broken(nil, let reason) = try open().verifyAuditTrail() else { return XCTFail("a test inserted after the upgrade not found") }
        XCTAssertTrue(reason.contains("has no audit entry"), reason)
        XCTAssertTrue(CareStore.migrationNames.contains("v14-followup-integrity"))
    }
}
