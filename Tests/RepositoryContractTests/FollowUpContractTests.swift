import CareplanCore
import RepositoryTestSupport
import XCTest

/// Stratified follow-up (issue 14): a patient put on a pathway gets its schedule; changes, results, reviews,
/// calls, suspension and discharge are kept, read back on another connection and audited without what was
/// written; the worklist lists what needs doing, most urgent first.
final class FollowUpContractTests: RepositoryContractCase {
    static let resources = CareReviewContractTests.resources
    static let colorectal = try! Pathway.load(from: resources.appendingPathComponent("pathways/colorectal.yaml"), displayPath: "c").get()
    static let breast = try! Pathway.load(from: resources.appendingPathComponent("pathways/breast.yaml"), displayPath: "b").get()
    static let policy = try! Policy.load(from: resources.appendingPathComponent("policy.yaml"), displayPath: "p").get()
    static let pathways = [colorectal.id: colorectal, breast.id: breast]
    let start = LocalDate(year: 2026, month: 1, day: 31)!
    /// The real clock some months on, for results dated after `now` (no record is dated after the real today).
    let later = Date(timeIntervalSince1970: 1_801_742_400)  // 2027-02-03

    func onColorectal(_ store: any CareRepository, _ digits: String = "9434765919", family: String = "Wiśniewski") throws -> (Patient, Enrolment) {
        var colorectal = patient(digits, family: family)
        (colorectal.diagnosis, colorectal.diagnosisCode) = ("Colorectal", "C18.7")
        let p = try store.addPatient(colorectal, now: now)
        return (p, try store.enrol(patientId: p.id!, pathway: Self.colorectal, start: start, by: "Nurse Jones", now: now))
    }

    func testAPatientPutOnAPathwayGetsItsScheduleOnceAndItIsAudited() throws {
        try eachRepository { store, connect in
            let (p, e) = try onColorectal(store)
            XCTAssertEqual(e.status, .active)
            XCTAssertEqual(e.pathwayVersion, Self.colorectal.version)
            XCTAssertEqual(e.pathwayHash, Self.colorectal.contentHash)
            XCTAssertEqual(e.end, LocalDate(year: 2031, month: 1, day: 31))
            let other = try connect()
            XCTAssertEqual(try other.enrolments(patientId: p.id!), [e])
            let tests = try other.scheduledTests(enrolmentId: e.id)
            XCTAssertEqual(tests.map { "\($0.code) \($0.due.iso)" }, Self.colorectal.schedule(from: start).map { "\($0.code) \($0.due.iso)" })
            XCTAssertEqual(tests.first?.due.iso, "2026-07-31")
            XCTAssertTrue(tests.allSatisfy { $0.status == .scheduled && !$0.added && $0.patientId == p.id })
            XCTAssertThrowsError(try store.enrol(patientId: p.id!, pathway: Self.colorectal, start: start, by: "Nurse Jones", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("The patient is already on this pathway (since 31 Jan 2026)"))
            }
            let second = try store.addPatient(patient("9990000026", family: "Smith"), now: now)
            let eots = try store.createDocument(template: DocumentContractTests.eots, patientId: p.id!, createdBy: "Nurse Jones", now: now)
            XCTAssertThrowsError(try store.enrol(patientId: second.id!, pathway: Self.breast, start: start, fromDocument: eots.id, by: "N", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The patient's document"))
            }
            XCTAssertThrowsError(try store.enrol(patientId: 999, pathway: Self.breast, start: start, by: "N", now: now))
            XCTAssertThrowsError(try store.enrol(patientId: p.id!, pathway: Self.breast, start: start, fromDocument: eots.id, by: "Nurse Jones", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("Early breast cancer after treatment is for breast cancer (C50, D05), and the patient's diagnosis is "
                                                           + "C18.7 Colorectal: put them on it only if that is meant"))
            }
            let fromEoTS = try store.enrol(patientId: p.id!, pathway: Self.breast, start: start, fromDocument: eots.id, otherDiagnosis: true, by: "Nurse Jones", now: now)
            XCTAssertEqual(fromEoTS.documentId, eots.id)
            XCTAssertEqual(try other.enrolments(patientId: p.id!).map(\.pathwayId), ["breast-early", "colorectal-standard"], "newest first")
            let trail = try store.auditTrail(patientId: p.id!).filter { $0.action == "put on a follow-up pathway" }
            XCTAssertEqual(trail.map(\.said), ["enrolment \(e.id): colorectal-standard 2022.1, 12 tests",
                                                 "enrolment \(fromEoTS.id): breast-early 2018.1, 5 tests, from document \(eots.id)"])
            XCTAssertEqual(try other.followUpHistory(enrolmentId: e.id).map(\.kind), [.enrolled])
        }
    }

    func testTheScheduleIsChangedForOnePatientWithAReasonAndEveryChangeIsKept() throws {
        try eachRepository { store, connect in
            let (p, e) = try onColorectal(store)
            let tests = try store.scheduledTests(enrolmentId: e.id)
            let cea = tests[0], ct = tests.first { $0.code == "ct-cap" }!
            XCTAssertThrowsError(try store.changeSchedule(.move(testId: cea.id, to: start.adding(days: 100), reason: " "), enrolmentId: e.id, by: "N", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("Say why the test is moved"))
            }
            let moved = try store.changeSchedule(.move(testId: cea.id, to: LocalDate(year: 2026, month: 6, day: 1)!, reason: "Holiday in July, patient asked"),
                                                 enrolmentId: e.id, by: "Nurse Jones", now: now)
            XCTAssertEqual(moved.due.iso, "2026-06-01")
            XCTAssertEqual(moved.overdueFrom.iso, "2026-06-30", "28 days' grace, then overdue")
            let added = try store.changeSchedule(.add(code: "ultrasound-liver", name: "Liver ultrasound", due: LocalDate(year: 2026, month: 3, day: 2)!,
                                                      graceDays: 14, reason: "Indeterminate lesion"), enrolmentId: e.id, by: "Nurse Jones", now: now)
            XCTAssertTrue(added.added)
            _ = try store.changeSchedule(.skip(testId: ct.id, reason: "Had a CT in A&E last month"), enrolmentId: e.id, by: "Nurse Jones", now: now)
            XCTAssertThrowsError(try store.changeSchedule(.move(testId: ct.id, to: start, reason: "again"), enrolmentId: e.id, by: "N", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("This test is skipped: it cannot be changed"))
            }
            let other = try connect()
            let after = try other.scheduledTests(enrolmentId: e.id)
            XCTAssertEqual(after.first?.code, "ultrasound-liver", "by due date")
            XCTAssertEqual(after.first { $0.id == ct.id }?.status, .skipped)
            XCTAssertEqual(after.first { $0.id == ct.id }?.skipReason, "Had a CT in A&E last month")
            let history = try other.followUpHistory(enrolmentId: e.id)
            XCTAssertEqual(history.map(\.kind), [.enrolled, .moved, .added, .skipped])
            XCTAssertEqual(history[1].from?.iso, "2026-07-31")
            XCTAssertEqual(history[1].to?.iso, "2026-06-01")
            XCTAssertEqual(history[1].reason, "Holiday in July, patient asked")
            XCTAssertEqual(history[1].by, "Nurse Jones")
            let trail = try store.auditTrail(patientId: p.id!)
            XCTAssertEqual(trail.suffix(3).map(\.action), ["moved a follow-up test", "added a follow-up test", "skipped a follow-up test"])
            XCTAssertFalse(trail.contains { $0.detail.contains("Holiday") || $0.detail.contains("A&E") || $0.detail.contains("lesion") },
                           "reasons stay out of the audit trail")
            let otherPatient = try onColorectal(store, "9990000026", family: "Smith").1
            XCTAssertThrowsError(try store.changeSchedule(.skip(testId: cea.id, reason: "x"), enrolmentId: otherPatient.id, by: "N", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The test"), "a test of another enrolment")
            }
        }
    }

    func testAResultAboveRangeGoesToReviewOnceAndItsOutcomeIsKept() throws {
        try eachRepository { store, connect in
            let (p, e) = try onColorectal(store)
            let tests = try store.scheduledTests(enrolmentId: e.id).filter { $0.code == "cea" }
            let requested = try store.markTest(tests[0].id, .requested, on: LocalDate(year: 2026, month: 7, day: 20)!, by: "HCA Lee", now: now)
            XCTAssertEqual(requested.status, .requested)
            let normal = try store.recordResult(NewResult(value: .measured(2.1, unit: "ug/L"), takenOn: LocalDate(year: 2026, month: 7, day: 28)!, note: "fasting"),
                                                testId: tests[0].id, pathway: Self.colorectal, by: "HCA Lee", now: now)
            XCTAssertFalse(normal.needsReview)
            XCTAssertThrowsError(try store.recordResult(NewResult(value: .measured(2, unit: "ug/L"), takenOn: start), testId: tests[0].id,
                                                        pathway: Self.colorectal, by: "HCA Lee", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("This test has a result already"))
            }
            XCTAssertThrowsError(try store.recordResult(NewResult(value: .measured(2, unit: "mmol/L"), takenOn: start), testId: tests[1].id,
                                                        pathway: Self.colorectal, by: "HCA Lee", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("Not recorded: unit: “mmol/L”, but the pathway's results are in ug/L"))
            }
            XCTAssertThrowsError(try store.recordResult(NewResult(value: .measured(2, unit: "ug/L"), takenOn: start), testId: tests[1].id,
                                                        pathway: Self.breast, by: "HCA Lee", now: now))
            // 4.4 is within range, but a rise of 2.3 over 2.1 (recorded in February 2027: never a result taken after today).
            let feb = now.addingTimeInterval(80 * 86400)
            XCTAssertThrowsError(try store.recordResult(NewResult(value: .measured(4.4, unit: "µg/L"), takenOn: LocalDate(year: 2027, month: 1, day: 30)!),
                                                        testId: tests[1].id, pathway: Self.colorectal, by: "HCA Lee", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("Not recorded: date: the test cannot have been taken after today"))
            }
            XCTAssertThrowsError(try store.recordResult(NewResult(value: .measured(4.4, unit: "ug/L"), takenOn: start.adding(days: -1)),
                                                        testId: tests[1].id, pathway: Self.colorectal, by: "HCA Lee", now: feb)) {
                XCTAssertEqual($0 as? StoreError, .refused("Not recorded: date: before the patient's follow-up started (31 Jan 2026)"))
            }
            let risen = try store.recordResult(NewResult(value: .measured(4.4, unit: "µg/L"), takenOn: LocalDate(year: 2027, month: 1, day: 30)!),
                                               testId: tests[1].id, pathway: Self.colorectal, by: "HCA Lee", now: feb)
            XCTAssertTrue(risen.needsReview, "a rise over the last result")
            let ct = try store.scheduledTests(enrolmentId: e.id).first { $0.code == "ct-cap" }!
            let judged = try store.recordResult(NewResult(value: .judged(.normal), takenOn: LocalDate(year: 2027, month: 2, day: 1)!), testId: ct.id,
                                                pathway: Self.colorectal, by: "Dr Okafor", now: feb)
            XCTAssertFalse(judged.needsReview)
            let other = try connect()
            XCTAssertEqual(try other.results(enrolmentId: e.id).map(\.id), [judged.id, risen.id, normal.id], "newest first")
            XCTAssertEqual(try other.results(enrolmentId: e.id).last?.note, "fasting")
            XCTAssertEqual(try other.scheduledTests(enrolmentId: e.id).first { $0.id == tests[0].id }?.status, .resultReceived)
            let reviewed = try other.reviewResult(risen.id, outcome: .contactPatient, note: "Repeat in 4 weeks", by: "Dr Okafor", now: now)
            XCTAssertEqual(reviewed.review, TestResult.Review(outcome: .contactPatient, note: "Repeat in 4 weeks", by: "Dr Okafor", at: now))
            XCTAssertThrowsError(try store.reviewResult(risen.id, outcome: .noAction, note: "", by: "Dr B", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("This result was reviewed already, by Dr Okafor"))
            }
            let trail = try store.auditTrail(patientId: p.id!)
            XCTAssertTrue(trail.contains { $0.action == "recorded a follow-up result" && $0.said.hasSuffix("(cea), manual, to review") })
            XCTAssertTrue(trail.contains { $0.action == "reviewed a follow-up result" && $0.said == "result \(risen.id) (cea): contact-patient" })
            XCTAssertFalse(trail.contains { $0.detail.contains("4.4") || $0.detail.contains("fasting") || $0.detail.contains("Repeat") })
        }
    }

    func testSuspensionResumptionAndDischargeCloseTheSchedule() throws {
        try eachRepository { store, connect in
            let (p, e) = try onColorectal(store)
            XCTAssertThrowsError(try store.setSuspended(enrolmentId: e.id, reason: nil, by: "N", now: now))
            let suspended = try store.setSuspended(enrolmentId: e.id, reason: "CEA rising: seen in clinic", by: "Dr Okafor", now: now)
            XCTAssertEqual(suspended.status, .suspended)
            XCTAssertEqual(suspended.statusReason, "CEA rising: seen in clinic")
            XCTAssertEqual(try store.setSuspended(enrolmentId: e.id, reason: nil, by: "Dr Okafor", now: now).status, .active)
            let first = try store.scheduledTests(enrolmentId: e.id)[0]
            _ = try store.recordResult(NewResult(value: .measured(1, unit: "ug/L"), takenOn: start), testId: first.id, pathway: Self.colorectal, by: "N", now: now)
            let out = try store.discharge(enrolmentId: e.id, reason: .early("Recurrence: back to the colorectal clinic"), on: LocalDate(year: 2026, month: 9, day: 1)!,
                                          by: "Dr Okafor", now: now)
            XCTAssertEqual(out.status, .discharged)
            XCTAssertEqual(out.dischargedOn?.iso, "2026-09-01")
            let tests = try connect().scheduledTests(enrolmentId: e.id)
            XCTAssertEqual(tests.filter { $0.status == .skipped }.count, 11, "every test not done")
            XCTAssertTrue(tests.filter { $0.status == .skipped }.allSatisfy { $0.skipReason == "discharged" })
            XCTAssertEqual(tests[0].status, .resultReceived, "a result is kept")
            XCTAssertThrowsError(try store.changeSchedule(.add(code: "x", name: "X", due: start, graceDays: 0, reason: "r"), enrolmentId: e.id, by: "N", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("The patient was discharged from this pathway: the schedule is closed"))
            }
            XCTAssertThrowsError(try store.discharge(enrolmentId: e.id, reason: .endOfPathway, on: start, by: "N", now: now))
            XCTAssertThrowsError(try store.setSuspended(enrolmentId: e.id, reason: "x", by: "N", now: now))
            XCTAssertEqual(try store.followUpHistory(enrolmentId: e.id).map(\.kind), [.enrolled, .suspended, .resumed, .resultReceived, .discharged])
            let again = try store.enrol(patientId: p.id!, pathway: Self.colorectal, start: start, by: "N", now: now)
            XCTAssertNotEqual(again.id, e.id, "once discharged, the patient may be put on the pathway again")
            let trail = try store.auditTrail(patientId: p.id!).filter { $0.action == "discharged from follow-up" }
            XCTAssertEqual(trail.map(\.said), ["enrolment \(e.id), early, 11 test(s) not done skipped"])
        }
    }

    func testACallIsReturnedOnceAndNotBeforeItWasMade() throws {
        try eachRepository { store, connect in
            let (p, e) = try onColorectal(store)
            XCTAssertThrowsError(try store.recordContact(NewContact(patientId: p.id!, at: now, reason: "", redFlag: false), by: "N", now: now))
            let call = try store.recordContact(NewContact(patientId: p.id!, enrolmentId: e.id, at: now, reason: "Blood in stool since Monday", redFlag: true),
                                               by: "Nurse Jones", now: now)
            XCTAssertNil(call.returnedAt)
            XCTAssertThrowsError(try store.returnContact(call.id, response: .advice, note: "", returnedAt: now.addingTimeInterval(-60), by: "N", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("A call cannot be returned before it was made"))
            }
            let back = try store.returnContact(call.id, response: .urgentAppointment, note: "Clinic Thursday", returnedAt: now.addingTimeInterval(3600),
                                               by: "Dr Okafor", now: now.addingTimeInterval(3600))
            XCTAssertEqual(back.response, .urgentAppointment)
            XCTAssertEqual(back.returnedBy, "Dr Okafor")
            XCTAssertThrowsError(try store.returnContact(call.id, response: .advice, note: "", returnedAt: now, by: "N", now: now))
            XCTAssertEqual(try connect().contacts(patientId: p.id!), [back])
            let trail = try store.auditTrail(patientId: p.id!)
            XCTAssertTrue(trail.contains { $0.action == "recorded a re-access call" && $0.said == "contact \(call.id), red flag" })
            XCTAssertFalse(trail.contains { $0.detail.contains("stool") || $0.detail.contains("Thursday") })
            let stranger = try store.addPatient(patient("9990000026", family: "Smith"), now: now)
            XCTAssertThrowsError(try store.recordContact(NewContact(patientId: stranger.id!, enrolmentId: e.id, at: now, reason: "r", redFlag: false), by: "N", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The patient's follow-up"))
            }
        }
    }

    func query(_ today: LocalDate, teams: Set<Int64>? = nil, kinds: Set<WorkKind> = Set(WorkKind.allCases)) -> WorklistQuery {
        WorklistQuery(teams: teams, today: today, now: now, policy: Self.policy, kinds: kinds)
    }

    func testTheWorklistShowsWhatIsDueOverdueToReviewAndToReturnMostUrgentFirst() throws {
        try eachRepository { store, connect in
            let (ann, e) = try onColorectal(store)
            let (bob, f) = try onColorectal(store, "9990000026", family: "Smith")
            // On 10 Aug 2026 (time moved on): Ann's and Bob's first CEA (due 31 Jul, 28 days' grace) is due, not yet overdue.
            let aug10 = LocalDate(year: 2026, month: 8, day: 10)!
            var list = try connect().worklist(query(aug10))
            XCTAssertEqual(list.counts[.testDueSoon], 2)
            XCTAssertEqual(list.counts[.testOverdue], 0)
            XCTAssertEqual(list.items.map(\.kind), [.testDueSoon, .testDueSoon])
            XCTAssertEqual(list.items.map(\.what), ["CEA blood test", "CEA blood test"])
            // On 29 Aug they are overdue (the day after the grace ends); Bob's result arrives, above range.
            let aug29 = LocalDate(year: 2026, month: 8, day: 29)!
            list = try store.worklist(query(aug29))
            XCTAssertEqual(list.counts[.testOverdue], 2)
            XCTAssertTrue(list.items.allSatisfy(\.overdue))
            let bobsCEA = try store.scheduledTests(enrolmentId: f.id)[0]
            let high = try store.recordResult(NewResult(value: .measured(9.5, unit: "ug/L"), takenOn: aug29), testId: bobsCEA.id, pathway: Self.colorectal,
                                              by: "HCA Lee", now: now)
            let call = try store.recordContact(NewContact(patientId: ann.id!, enrolmentId: e.id, at: now.addingTimeInterval(-3600), reason: "Worried", redFlag: true),
                                               by: "N", now: now)
            list = try store.worklist(query(aug29))
            XCTAssertEqual(list.counts[.testOverdue], 1)
            XCTAssertEqual(list.counts[.resultToReview], 1)
            XCTAssertEqual(list.counts[.contactToReturn], 1)
            XCTAssertEqual(list.overdueCounts[.contactToReturn], 0, "within 24 hours")
            XCTAssertEqual(list.items.map(\.kind), [.contactToReturn, .resultToReview, .testOverdue], "calls, then results, then overdue tests")
            XCTAssertEqual(list.items[0].target, .contact(call.id, enrolmentId: e.id))
            XCTAssertEqual(list.items[0].patient.id, ann.id)
            XCTAssertEqual(list.items[2].target, .test(try store.scheduledTests(enrolmentId: e.id)[0].id, enrolmentId: e.id))
            XCTAssertEqual(list.items[1].target, .result(high.id, enrolmentId: f.id))
            XCTAssertEqual(list.items[1].patient.id, bob.id)
            // Filters: only some kinds; a suspended patient's tests leave the list (seen in clinic).
            XCTAssertEqual(try store.worklist(query(aug29, kinds: [.resultToReview])).items.map(\.kind), [.resultToReview])
            XCTAssertEqual(try store.worklist(query(aug29, kinds: [.resultToReview])).counts, [.resultToReview: 1])
            _ = try store.setSuspended(enrolmentId: e.id, reason: "In clinic", by: "Dr", now: now)
            XCTAssertEqual(try store.worklist(query(aug29)).counts[.testOverdue], 0)
            _ = try store.changeSchedule(.add(code: "cea", name: "CEA blood test", due: aug29.adding(days: -60), graceDays: 0, reason: "Repeat"),
                                         enrolmentId: e.id, by: "Dr", now: now)
            XCTAssertEqual(try store.worklist(query(aug29)).counts[.testOverdue], 0, "nor one added while suspended")
            _ = try store.setSuspended(enrolmentId: e.id, reason: nil, by: "Dr", now: now)
            XCTAssertEqual(try store.worklist(query(aug29)).counts[.testOverdue], 2, "resumed: back on the list")
            _ = try store.setSuspended(enrolmentId: e.id, reason: "In clinic", by: "Dr", now: now)
            // Reviewed and returned: off the list. At the end of the pathway: discharge due.
            _ = try store.reviewResult(high.id, outcome: .referToClinic, note: "", by: "Dr", now: now)
            _ = try store.returnContact(call.id, response: .advice, note: "", returnedAt: now, by: "N", now: now)
            list = try store.worklist(query(aug29))
            XCTAssertEqual(list.counts[.resultToReview], 0)
            XCTAssertEqual(list.counts[.contactToReturn], 0)
            list = try store.worklist(query(LocalDate(year: 2031, month: 2, day: 1)!, kinds: [.dischargeDue]))
            XCTAssertEqual(list.items.map(\.target), [.enrolment(f.id)], "Bob's follow-up ended on 31 Jan 2031; Ann is suspended")
            XCTAssertTrue(list.items[0].overdue)
        }
    }

    func testTheWorklistOfATeamListsOnlyItsPatientsAndCallsBecomeOverdue() throws {
        try eachRepository { store, _ in
            let admin = try StaffFixture.addUsers(to: store, now: now).administrator
            let team = try store.addTeam(named: "Colorectal CNS", by: admin.userName, now: now)
            var (ann, _) = try onColorectal(store)
            ann.teamId = team.id
            ann = try store.updatePatient(ann, by: "N", now: now)
            let (bob, _) = try onColorectal(store, "9990000026", family: "Smith")
            _ = try store.recordContact(NewContact(patientId: bob.id!, at: now.addingTimeInterval(-25 * 3600), reason: "Pain", redFlag: false), by: "N", now: now)
            let today = LocalDate(year: 2026, month: 8, day: 10)!
            let everyone = try store.worklist(query(today))
            XCTAssertEqual(everyone.counts[.contactToReturn], 1)
            XCTAssertEqual(everyone.overdueCounts[.contactToReturn], 1, "not returned within 24 hours")
            XCTAssertEqual(everyone.items.first?.kind, .contactToReturn, "overdue first")
            let mine = try store.worklist(query(today, teams: [team.id]))
            XCTAssertEqual(Set(mine.items.map(\.patient.id)), [ann.id])
            XCTAssertEqual(mine.counts[.contactToReturn], 0)
            XCTAssertEqual(mine.counts[.testDueSoon], 1)
        }
    }

    func testTheWorklistListsTheRecordsWorkToo() throws {
        try eachRepository { store, _ in
            // A care plan started 20 days ago and still in progress; one agreed with its review due in 3 days.
            let p = try addSian(store)
            let started = now.addingTimeInterval(-20 * 86400)
            let open = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician,
                                                 date: LocalDate(started), catalogue: Self.catalogue, createdBy: "N", now: started)
            let today = LocalDate(now)
            let list = try store.worklist(query(today))
            XCTAssertEqual(list.counts[.carePlanInProgress], 1)
            XCTAssertEqual(list.items.first { $0.kind == .carePlanInProgress }?.target, .assessment(open.id))
            XCTAssertEqual(list.counts[.planReviewDue], 0)
            let fresh = try store.worklist(WorklistQuery(teams: nil, today: LocalDate(started), now: started, policy: Self.policy))
            XCTAssertEqual(fresh.counts[.carePlanInProgress], 0, "not on the day it was started")
        }
    }

    func rows(_ lines: [String]) -> [ResultRow] {
        guard case .success(let rows) = ResultsImport.read(csv: (["NHS number,test,date,value,unit"] + lines).joined(separator: "\n")) else { return [] }
        return rows
    }

    func testResultsFromAFileAreMatchedOrRejectedWithTheirReasonAndAFailureRecordsNothing() throws {
        try eachRepository { store, connect in
            let (ann, e) = try onColorectal(store)
            _ = try store.addPatient(patient("9990000026", family: "Smith"), now: now)
            let today = LocalDate(year: 2027, month: 2, day: 1)!
            let file = rows([
                "943 476 5919,CEA,28/07/2026,2.1,ug/L",          // 2: Ann's first CEA
                "9434765919,cea blood test,2027-01-25,7.5,ug/L",  // 3: her second, above 5: to review
                "9434765918,cea,2027-01-25,1,ug/L",               // 4: check digit
                "9990000026,cea,2027-01-25,1,ug/L",               // 5: not on follow-up
                "9990000034,cea,2027-01-25,1,ug/L",               // 6: nobody
                "9434765919,PSA,2027-01-25,1,ng/mL",              // 7: not on her pathway
                "9434765919,cea,31/02/2027,1,ug/L",               // 8: no such date
                "9434765919,cea,2027-03-01,1,ug/L",               // 9: after today
                "9434765919,cea,2027-01-25,high,ug/L",            // 10: not a number
                "9434765919,cea,2027-01-25,1,mmol/L",             // 11: unit
                "9434765919,CT chest abdomen and pelvis,2027-01-20,abnormal,", // 12: judged: to review
                "9434765919,CEA,2027-01-25,7.5,ug/L",             // 13: line 3 again
            ])
            XCTAssertEqual(file.count, 12)
            var seen: [Int] = []
            let report = try store.importResults(file, pathways: Self.pathways, source: "lab.csv", today: today, by: "Nurse Jones", now: later,
                                                 progress: { seen.append($0) })
            XCTAssertEqual(seen.first, 0)
            XCTAssertEqual(seen.last, 12)
            XCTAssertEqual(report.recorded.map(\.line), [2, 3, 12])
            XCTAssertEqual(report.recorded.map(\.needsReview), [false, true, true])
            XCTAssertEqual(report.rejections.map(\.line), [4, 5, 6, 7, 8, 9, 10, 11, 13])
            XCTAssertEqual(report.rejections.map(\.reason), [
                .badNHSNumber(.checkDigitMismatch(expected: 9, found: 8)), .notOnFollowUp, .unknownPatient, .unknownTest("PSA"), .badDate(.noSuchDate),
                .futureDate, .notANumber, .unitMismatch(expected: "ug/L", found: "mmol/L"), .duplicate(firstLine: 3),
            ])
            let results = try connect().results(enrolmentId: e.id)
            XCTAssertEqual(results.count, 3)
            XCTAssertTrue(results.allSatisfy { $0.source == .csv })
            let tests = try store.scheduledTests(enrolmentId: e.id)
            XCTAssertEqual(tests.filter { $0.status == .resultReceived }.map(\.due.iso), ["2026-07-31", "2027-01-31", "2027-01-31"],
                           "each to the test due nearest the day it was taken")
            XCTAssertTrue(report.text(file: "lab.csv").hasPrefix("Results from lab.csv: 12 row(s); 3 recorded (2 to review); 9 rejected.\nline 4: rejected: NHS number:"))
            XCTAssertFalse(report.text(file: "lab.csv").contains("9434765918"), "no NHS number in the report")
            XCTAssertEqual(try store.auditTrail().last?.detail, "12 row(s): 3 recorded, 9 rejected, today taken as 2027-02-01 (test clock)",
                           "a today other than the real one is said")
            XCTAssertEqual(try store.auditTrail(patientId: ann.id!).filter { $0.action == "recorded a follow-up result" }.count, 3)
            // The same rows again: recorded already. A result with no test left near its day: none waits.
            let again = try store.importResults(Array(file.prefix(1)) + rows(["9434765919,cea,2027-02-01,3,ug/L"]), pathways: Self.pathways,
                                                source: "lab.csv", today: today, by: "N", now: later)
            XCTAssertEqual(again.rejections.map(\.reason), [.alreadyRecorded, .noTestWaiting("cea")])
            // A test clock moved past the real today does not let a result be dated after it.
            let ahead = try store.importResults(rows(["9434765919,cea,2027-03-01,1,ug/L"]), pathways: Self.pathways, source: "lab.csv",
                                                today: LocalDate(year: 2027, month: 4, day: 1)!, by: "N", now: later)
            XCTAssertEqual(ahead.rejections.map(\.reason), [.futureDate])
            // A failure part of the way through (here the progress report throwing) records nothing.
            let entries = try store.auditTrail().count
            struct Stop: Error {}
            let more = rows(["9434765919,cea,2027-01-26,1,ug/L", "9434765919,ct-cap,2027-01-26,normal,"])
            XCTAssertThrowsError(try store.importResults(more, pathways: Self.pathways, source: "lab.csv", today: today, by: "N", now: later,
                                                         progress: { if $0 == 1 { throw Stop() } }))
            XCTAssertEqual(try connect().results(enrolmentId: e.id).count, 3, "nothing half-loaded")
            XCTAssertEqual(try store.auditTrail().count, entries)
        }
    }

    func testASuspendedPatientStaysOnTheWorklistAndTheirResultsFromAFileAreRecordedAndReviewed() throws {
        try eachRepository { store, connect in
            let (ann, e) = try onColorectal(store)
            _ = try store.setSuspended(enrolmentId: e.id, reason: "Seen in clinic", by: "Dr Okafor", now: now)
            // Her first CEA (due 31 Jul 2026) is overdue while suspended: not a test to chase, but said on her line.
            var list = try connect().worklist(query(LocalDate(now)))
            XCTAssertEqual(list.counts[.followUpSuspended], 1)
            XCTAssertEqual(list.overdueCounts[.followUpSuspended], 0, "not yet")
            XCTAssertEqual(list.counts[.testOverdue], 0)
            let item = try XCTUnwrap(list.items.first { $0.kind == .followUpSuspended })
            XCTAssertEqual(item.target, .enrolment(e.id))
            XCTAssertEqual(item.patient.id, ann.id)
            XCTAssertEqual(item.due, LocalDate(now).adding(days: Self.policy.followUp.suspendedReviewDays))
            XCTAssertEqual(item.what, "resume or discharge? Suspended \(LocalDate(now).display), 1 test(s) overdue")
            let later = now.addingTimeInterval(29 * 86400)
            list = try store.worklist(WorklistQuery(teams: nil, today: LocalDate(later), now: later, policy: Self.policy))
            XCTAssertEqual(list.overdueCounts[.followUpSuspended], 1, "28 days on: resume or discharge?")
            // A result for her from a file: recorded and, above 5, sent to review (as one typed on the screen).
            let file = rows(["9434765919,cea,2026-08-20,25,ug/L"])
            let report = try store.importResults(file, pathways: Self.pathways, source: "lab.csv", today: LocalDate(now), by: "N", now: now)
            XCTAssertEqual(report.rejections, [])
            XCTAssertEqual(report.recorded.map(\.needsReview), [true])
            XCTAssertEqual(try store.worklist(query(LocalDate(now))).counts[.resultToReview], 1)
            _ = try store.discharge(enrolmentId: e.id, reason: .early("Recurrence"), on: LocalDate(now), acknowledging: true, by: "Dr", now: now)
            let after = try store.importResults(rows(["9434765919,cea,2026-08-21,1,ug/L"]), pathways: Self.pathways, source: "lab.csv",
                                                today: LocalDate(now), by: "N", now: now)
            XCTAssertEqual(after.rejections.map(\.reason.description), ["the patient is not on follow-up (never put on a pathway, or discharged)"])
            XCTAssertEqual(try store.worklist(query(LocalDate(now))).counts[.followUpSuspended], 0, "discharged: off the list")
        }
    }

    func testADischargeWithTestsNotDoneOrResultsOpenIsRefusedUntilAcknowledgedAndIsDatedWithinFollowUp() throws {
        try eachRepository { store, connect in
            let (p, e) = try onColorectal(store)
            let tests = try store.scheduledTests(enrolmentId: e.id)
            // 22 Nov 2026: the first CEA (31 Jul) has a result to review; none of the rest due by then is done.
            let high = try store.recordResult(NewResult(value: .measured(9, unit: "ug/L"), takenOn: LocalDate(year: 2026, month: 8, day: 2)!), testId: tests[0].id,
                                              pathway: Self.colorectal, by: "N", now: now)
            let other = try store.addPatient(patient("9990000026", family: "Smith"), now: now)
            _ = other
            let today = LocalDate(now)
            for (day, why) in [(start.adding(days: -1), "The discharge cannot be before follow-up started (31 Jan 2026)"),
                               (LocalDate(year: 2026, month: 8, day: 1)!, "The discharge cannot be before the last result (taken 02 Aug 2026)"),
                               (today.adding(days: 1), "The discharge cannot be after today (\(today.display))")] {
                XCTAssertThrowsError(try store.discharge(enrolmentId: e.id, reason: .early("Moved away"), on: day, acknowledging: true, by: "Dr", now: now)) {
                    XCTAssertEqual($0 as? StoreError, .refused(why))
                }
            }
            let open = FollowUpOpenItems(tests: try store.scheduledTests(enrolmentId: e.id), results: try store.results(enrolmentId: e.id), on: today)
            XCTAssertEqual(open.resultsToReview.map(\.id), [high.id])
            XCTAssertEqual(open.testsNotDone.map(\.code), [], "the next CEA is due in January")
            XCTAssertThrowsError(try store.discharge(enrolmentId: e.id, reason: .early("Moved away"), on: today, by: "Dr", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("Not discharged: 1 item(s) still open (CEA blood test taken 02 Aug 2026: result not reviewed): confirm to discharge all the same"))
            }
            _ = try store.reviewResult(high.id, outcome: .referToClinic, note: "", by: "Dr", now: now)
            // Months on, on 2 Mar 2027: January's tests were never done; the reviewed result still asks for the clinic.
            let march = now.addingTimeInterval(100 * 86400)
            let late = FollowUpOpenItems(tests: try store.scheduledTests(enrolmentId: e.id), results: try store.results(enrolmentId: e.id), on: LocalDate(march))
            XCTAssertEqual(late.testsNotDone.map(\.code), ["cea", "ct-cap", "colonoscopy"])
            XCTAssertEqual(late.referredBack.map(\.id), [high.id])
            XCTAssertEqual(late.lines { $0.uppercased() }.first, "CEA blood test due 31 Jan 2027: not done")
            XCTAssertEqual(late.lines { $0.uppercased() }.last, "CEA taken 02 Aug 2026: reviewed, refer back to clinic")
            XCTAssertThrowsError(try store.discharge(enrolmentId: e.id, reason: .early("Moved away"), on: LocalDate(march), by: "Dr", now: march))
            let out = try store.discharge(enrolmentId: e.id, reason: .early("Moved away"), on: LocalDate(march), acknowledging: true, by: "Dr", now: march)
            XCTAssertEqual(try connect().enrolment(id: e.id)?.status, .discharged)
            XCTAssertEqual(out.dischargedOn, LocalDate(march))
            XCTAssertEqual(try store.auditTrail(patientId: p.id!).last { $0.action == "discharged from follow-up" }?.detail.components(separatedBy: "; content sha256").first,
                           .some("enrolment \(e.id), early, 11 test(s) not done skipped, 4 open item(s) acknowledged"),
                           "then the content digests of what it wrote")
            // After the discharge the missed test is still told apart from the tests that were simply no longer due.
            let after = FollowUpOpenItems(tests: try store.scheduledTests(enrolmentId: e.id), results: try store.results(enrolmentId: e.id), on: LocalDate(march))
            XCTAssertEqual(after.testsNotDone.map(\.code), ["cea", "ct-cap", "colonoscopy"])
        }
    }

    func testDatesOutsideTheFollowUpOrThePatientsLifeAreRefused() throws {
        try eachRepository { store, _ in
            let (p, e) = try onColorectal(store)
            let tests = try store.scheduledTests(enrolmentId: e.id)
            for (to, ok) in [(start.adding(days: -1), false), (e.end.adding(days: 29), false), (e.end.adding(days: 28), true), (start, true)] {
                let move = { try store.changeSchedule(.move(testId: tests[0].id, to: to, reason: "Asked"), enrolmentId: e.id, by: "N", now: self.now) }
                if ok { XCTAssertNoThrow(try move()) } else {
                    XCTAssertThrowsError(try move()) { XCTAssertEqual($0 as? StoreError, .refused("A test moves within follow-up: from 31 Jan 2026 to 28 Feb 2031")) }
                }
            }
            XCTAssertThrowsError(try store.changeSchedule(.add(code: "x", name: "X", due: LocalDate(year: 2099, month: 1, day: 1)!, graceDays: 0, reason: "r"),
                                                          enrolmentId: e.id, by: "N", now: now))
            let born = Calendar(identifier: .gregorian).date(from: DateComponents(timeZone: TimeZone(identifier: "UTC"), year: 1900, month: 1, day: 1))!
            XCTAssertThrowsError(try store.recordContact(NewContact(patientId: p.id!, at: born, reason: "r", redFlag: false), by: "N", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("The call cannot be before the patient was born (\(self.dob.display))"))
            }
            XCTAssertThrowsError(try store.recordContact(NewContact(patientId: p.id!, enrolmentId: e.id, at: now.addingTimeInterval(-400 * 86400), reason: "r", redFlag: false),
                                                         by: "N", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("The call cannot be before the follow-up started (31 Jan 2026)"))
            }
            XCTAssertThrowsError(try store.recordContact(NewContact(patientId: p.id!, at: now.addingTimeInterval(3600), reason: "r", redFlag: false), by: "N", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("The call cannot be in the future"))
            }
            var young = patient("9990000026", family: "Smith")
            (young.diagnosis, young.diagnosisCode, young.diagnosisDate) = ("Colorectal", "C18.7", LocalDate(year: 2025, month: 6, day: 1))
            let q = try store.addPatient(young, now: now)
            for (day, why) in [(LocalDate(year: 1900, month: 1, day: 1)!, "Follow-up cannot start before the patient was born (\(dob.display))"),
                               (LocalDate(year: 2025, month: 5, day: 31)!, "Follow-up cannot start before the diagnosis (01 Jun 2025)"),
                               (LocalDate(now).adding(days: 1), "Follow-up cannot start after today (\(LocalDate(now).display))")] {
                XCTAssertThrowsError(try store.enrol(patientId: q.id!, pathway: Self.colorectal, start: day, by: "N", now: now)) {
                    XCTAssertEqual($0 as? StoreError, .refused(why))
                }
            }
            // From a file: a result taken before the patient was born, or before their follow-up started.
            let report = try store.importResults(rows(["9434765919,cea,1950-01-01,1,ug/L", "9434765919,cea,2026-01-30,1,ug/L"]), pathways: Self.pathways,
                                                 source: "lab.csv", today: LocalDate(now), by: "N", now: now)
            XCTAssertEqual(report.rejections.map(\.reason), [.beforeBirth, .beforeFollowUp(start)])
            // Below what the laboratory detects, in another spelling of the unit: kept as such, and normal.
            let low = try store.importResults(rows(["9434765919,cea,2026-08-01,<0.5,µg/L", "9434765919,cea,2026-08-02,-1,ug/L"]), pathways: Self.pathways,
                                              source: "lab.csv", today: LocalDate(now), by: "N", now: now)
            XCTAssertEqual(low.recorded.map(\.needsReview), [false])
            XCTAssertEqual(low.rejections.map(\.reason), [.negative])
            XCTAssertEqual(try store.results(enrolmentId: e.id).first?.value, .beyond(.below, 0.5, unit: "µg/L"))
        }
    }

    func testACallAnsweredByBringingATestForwardMovesItAndKeepsWhichAndWhen() throws {
        try eachRepository { store, connect in
            let (p, e) = try onColorectal(store)
            let cea = try store.scheduledTests(enrolmentId: e.id).first { $0.code == "cea" && $0.due > LocalDate(now) }!
            let call = try store.recordContact(NewContact(patientId: p.id!, enrolmentId: e.id, at: now, reason: "Tired, worried", redFlag: false), by: "N", now: now)
            XCTAssertThrowsError(try store.returnContact(call.id, response: .testBroughtForward, note: "", returnedAt: now,
                                                         bringingForward: BroughtForward(testId: cea.id, to: cea.due.adding(days: 1)), by: "N", now: now))
            let day = LocalDate(now).adding(days: 7)
            let back = try store.returnContact(call.id, response: .testBroughtForward, note: "", returnedAt: now,
                                               bringingForward: BroughtForward(testId: cea.id, to: day), by: "N", now: now)
            XCTAssertEqual(back.broughtForward, BroughtForward(testId: cea.id, to: day))
            XCTAssertEqual(try connect().contacts(patientId: p.id!).first?.broughtForward, BroughtForward(testId: cea.id, to: day))
            XCTAssertEqual(try store.scheduledTests(enrolmentId: e.id).first { $0.id == cea.id }?.due, day)
            let moved = try XCTUnwrap(try store.followUpHistory(enrolmentId: e.id).last)
            XCTAssertEqual([moved.kind.rawValue, moved.from?.iso, moved.to?.iso, moved.reason], ["moved", cea.due.iso, day.iso, "brought forward after a call"])
        }
    }

    func testAFileIsMatchedWithoutHoldingTheWriteLockAndARowWhoseTestWasTakenMeanwhileIsRejected() throws {
        try eachRepository { store, connect in
            let (p, e) = try onColorectal(store)
            let other = try connect()
            let first = try store.scheduledTests(enrolmentId: e.id)[0]
            let file = rows(["9434765919,cea,2026-08-01,1,ug/L", "9434765919,PSA,2026-08-01,1,ug/L"])
            // While the file is being matched another terminal saves: it is not kept waiting, and the result it
            // records for the CEA the file's first row matched wins; that row is rejected, not recorded twice.
            let report = try store.importResults(file, pathways: Self.pathways, source: "lab.csv", today: LocalDate(now), by: "N", now: now, progress: { done in
                guard done == 1 else { return }
                _ = try other.addPatient(self.patient("9990000026", family: "Smith"), now: self.now)
                _ = try other.recordResult(NewResult(value: .measured(2, unit: "ug/L"), takenOn: LocalDate(year: 2026, month: 7, day: 30)!), testId: first.id,
                                           pathway: Self.colorectal, by: "Other terminal", now: self.now)
            })
            XCTAssertEqual(report.recorded.map(\.line), [])
            XCTAssertEqual(report.rejections.map(\.reason), [.noTestWaiting("cea"), .unknownTest("PSA")])
            XCTAssertEqual(try store.results(enrolmentId: e.id).filter { $0.code == "cea" }.map(\.recordedBy), ["Other terminal"])
            XCTAssertEqual(try store.searchPatients("Smith").count, 1)
            _ = p
        }
    }
}
