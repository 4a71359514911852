import CareplanCore
import RepositoryTestSupport
import XCTest

/// Cancer Care Reviews' national timing and the wellbeing information given (issue 13): what a practice
/// records, read back on another connection, audited without what was said; the practice view by deadline.
final class CareReviewContractTests: RepositoryContractCase {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources")
    static let rules = try! QOFRules.load(from: resources.appendingPathComponent("qof.yaml"), displayPath: "qof.yaml").get()
    static let library = try! InformationLibrary.load(from: resources.appendingPathComponent("information/library.yaml"), displayPath: "l").get()
    let today = LocalDate(year: 2026, month: 11, day: 28)!

    func diagnosed(_ store: any CareRepository, _ digits: String, _ family: String, daysAgo: Int?) throws -> Patient {
        var p = patient(digits, family: family, given: "Ann")
        p.diagnosisDate = daysAgo.map { today.adding(days: -$0) }
        return try store.addPatient(p, now: now)
    }

    func testQOFRecordsAreKeptByDateReadOnAnotherTerminalAndAudited() throws {
        try eachRepository { store, connect in
            let p = try diagnosed(store, "9434765919", "Wiśniewski", daysAgo: 30)
            let second = try store.recordQOF(QOFRecord(patientId: p.id!, indicator: nil, kind: .invited, date: today.adding(days: -2), how: .phone),
                                             by: "Dr Adams", now: now)
            let first = try store.recordQOF(QOFRecord(patientId: p.id!, indicator: "can004", kind: .invited, date: today.adding(days: -10), how: .letter),
                                            by: "Dr Adams", now: now)
            XCTAssertNotNil(first.id)
            XCTAssertEqual(first.recordedBy, "Dr Adams")
            XCTAssertEqual(first.recordedAt, now)
            let other = try connect()
            XCTAssertEqual(try other.qofRecords(patientId: p.id!), [first, second], "by date, whatever the order recorded")
            let states = Self.rules.states(diagnosed: p.diagnosisDate, records: try other.qofRecords(patientId: p.id!), today: today)
            XCTAssertEqual(states.map(\.state), [.due(deadline: p.diagnosisDate!.adding(days: 93)), .excepted(.noResponse, since: today.adding(days: -2))],
                           "two unanswered invitations 8 days apart except the review; one was for the review only")
            let review = try store.createDocument(template: DocumentContractTests.eots, patientId: p.id!, createdBy: "Dr Adams", now: now)
            let done = try store.recordQOF(QOFRecord(patientId: p.id!, indicator: "can005", kind: .done, date: today, documentId: review.id),
                                           by: "Dr Adams", now: now)
            XCTAssertEqual(try other.qofRecords(patientId: p.id!).last, done)
            XCTAssertEqual(done.documentId, review.id)
            let trail = try store.auditTrail(patientId: p.id!).filter { $0.action.hasPrefix("recorded QOF") }
            XCTAssertEqual(trail.map(\.action), ["recorded QOF invited", "recorded QOF invited", "recorded QOF done"])
            XCTAssertEqual(trail.map { String($0.detail.prefix { $0 != ";" }) },
                           ["QOF record \(second.id!): every indicator, phone", "QOF record \(first.id!): can004, letter", "QOF record \(done.id!): can005"])
            XCTAssertTrue(trail.allSatisfy { $0.detail.contains("; content sha256 ") }, "each record's content keyed in its entry")
            XCTAssertEqual(trail.map(\.user), ["Dr Adams", "Dr Adams", "Dr Adams"])
            guard case .intact = try store.verifyAuditTrail() else { return XCTFail("audit trail broken") }
        }
    }

    func testAnUnknownPatientOrAnotherPatientsPlanIsRefusedAndNothingIsRecorded() throws {
        try eachRepository { store, _ in
            let a = try assessmentWithPain(store)
            let other = try diagnosed(store, "9990000026", "Smith", daysAgo: 5)
            let entries = try store.auditTrail().count
            let leaflet = Self.library.item("managing-fatigue-leaflet")!
            XCTAssertThrowsError(try store.recordQOF(QOFRecord(patientId: 999, indicator: nil, kind: .declined, date: today), by: "GP", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The patient"))
            }
            XCTAssertThrowsError(try store.recordInformationGiven([leaflet], patientId: 999, date: today, how: .printed, by: "GP", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The patient"))
            }
            XCTAssertThrowsError(try store.recordInformationGiven([leaflet], patientId: other.id!, date: today, how: .printed, from: .assessment(a.id),
                                                                  by: "GP", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The patient's plan"))
            }
            XCTAssertThrowsError(try store.recordOccasion(Self.library.item("move-more-walks")!, patientId: 999, status: .offered, date: today, by: "GP", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The patient"))
            }
            XCTAssertEqual(try store.auditTrail().count, entries, "nothing audited for what was not done")
            let othersDocument = try store.createDocument(template: DocumentContractTests.eots, patientId: a.patientId, createdBy: "GP", now: now)
            let entriesNow = try store.auditTrail().count
            XCTAssertThrowsError(try store.recordInformationGiven([leaflet], patientId: other.id!, date: today, how: .emailed,
                                                                  from: .document(othersDocument.id), by: "GP", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The patient's document"))
            }
            XCTAssertThrowsError(try store.recordQOF(QOFRecord(patientId: other.id!, indicator: "can004", kind: .done, date: today, documentId: 999),
                                                     by: "GP", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The patient's document"))
            }
            XCTAssertEqual(try store.informationGiven(patientId: other.id!), [])
            XCTAssertEqual(try store.qofRecords(patientId: other.id!), [])
            XCTAssertEqual(try store.auditTrail().count, entriesNow, "nor for a document of another patient")
        }
    }

    func testThePracticeViewListsWhatIsDueOrMissedSoonestDeadlineFirstWithTheYearsCounts() throws {
        try eachRepository { store, connect in
            let recent = try diagnosed(store, "9434765919", "Able", daysAgo: 10)       // both due
            let late = try diagnosed(store, "9990000026", "Baker", daysAgo: 100)       // support discussion missed, review due
            let reviewed = try diagnosed(store, "9990000034", "Carter", daysAgo: 50)   // review done: both met
            _ = try diagnosed(store, "9990000050", "Dunn", daysAgo: nil)               // no diagnosis date: not counted
            _ = try diagnosed(store, "9990000069", "Evans", daysAgo: 3 * 365)          // too long ago: not counted
            let silent = try diagnosed(store, "9990000077", "Fox", daysAgo: 20)        // two unanswered invitations: excepted
            try store.recordQOF(QOFRecord(patientId: reviewed.id!, indicator: "can004", kind: .done, date: today.adding(days: -5)), by: "GP", now: now)
            for days in [15, 7] {
                try store.recordQOF(QOFRecord(patientId: silent.id!, indicator: nil, kind: .invited, date: today.adding(days: -days), how: .textMessage),
                                    by: "GP", now: now)
            }
            let view = try connect().qofPracticeView(rules: Self.rules, today: today, limit: 10)
            let rows = view.entries.map { "\($0.patient.familyName) \($0.status.code) \($0.status.state.deadline!.iso)" }
            XCTAssertEqual(rows, ["Able CAN005 \(recent.diagnosisDate!.adding(days: 93).iso)",
                                  "Baker CAN004 \(late.diagnosisDate!.adding(months: 12).iso)",
                                  "Able CAN004 \(recent.diagnosisDate!.adding(months: 12).iso)",
                                  "Baker CAN005 \(late.diagnosisDate!.adding(days: 93).iso)"], "due first, then missed")
            XCTAssertEqual(view.entries.last?.status.state, .missed(deadline: late.diagnosisDate!.adding(days: 93)))
            XCTAssertEqual(view.entries.last?.records, [], "each entry with the patient's records")
            XCTAssertEqual(view.total, 4)
            XCTAssertEqual(view.counts["can005"], QOFCounts(met: 1, due: 1, missed: 1, excepted: 1))
            XCTAssertEqual(view.counts["can004"], QOFCounts(met: 1, due: 2, missed: 0, excepted: 1))
            // Bounded, each state on its own: the soonest due first, the total still told.
            let two = try store.qofPracticeView(rules: Self.rules, today: today, limit: 2)
            XCTAssertEqual(two.entries, [view.entries[0], view.entries[1], view.entries[3]])
            XCTAssertEqual(two.total, 4)
            // The support discussion recorded: Able's leaves the list, and the counts follow.
            try store.recordQOF(QOFRecord(patientId: recent.id!, indicator: "can005", kind: .done, date: today), by: "GP", now: now)
            let after = try store.qofPracticeView(rules: Self.rules, today: today, limit: 10)
            XCTAssertEqual(after.entries.map { "\($0.patient.familyName) \($0.status.code)" }, ["Baker CAN004", "Able CAN004", "Baker CAN005"])
            XCTAssertEqual(after.counts["can005"], QOFCounts(met: 2, due: 0, missed: 1, excepted: 1))
            // A diagnosis date given later brings the patient in.
            var dunn = try XCTUnwrap(try store.patient(nhsNumber: NHSNumber("9990000050")!))
            dunn.diagnosisDate = today
            _ = try store.updatePatient(dunn, now: now)
            XCTAssertEqual(try store.qofPracticeView(rules: Self.rules, today: today, limit: 10).total, 5)
        }
    }

    /// Fictional NHS numbers of the never-issued 999 range, `count` of them.
    static func fictionalNHSNumbers(_ count: Int) -> [String] {
        var numbers: [String] = []
        for serial in 100_000... where numbers.count < count {
            let nine = Array("999" + String(serial)).map { Int(String($0))! }
            if let check = NHSNumber.checkDigit(for: nine) { numbers.append(nine.map(String.init).joined() + String(check)) }
            if numbers.count == count { break }
        }
        return numbers
    }

    func testPatientsStillDueAreListedBeforeAnyMissedOneWhateverHowManyAreMissed() throws {
        try eachRepository { store, _ in
            let numbers = Self.fictionalNHSNumbers(305)
            // 300 whose Cancer Care Review was missed (diagnosed 13 to 23 months ago), then 5 with both reviews due.
            for i in 0..<300 { _ = try diagnosed(store, numbers[i], "Missed\(i)", daysAgo: 400 + i) }
            for i in 0..<5 { _ = try diagnosed(store, numbers[300 + i], "Due\(i)", daysAgo: 10 + i) }
            let view = try store.qofPracticeView(rules: Self.rules, today: today, limit: 200)
            XCTAssertEqual(view.total, 310)
            XCTAssertEqual(view.entries.count, 210, "200 missed at most, and every due one")
            let due = view.entries.prefix(10)
            XCTAssertTrue(due.allSatisfy { if case .due = $0.status.state { return true } else { return false } }, "\(due.map(\.status.state))")
            XCTAssertEqual(Set(due.map(\.patient.familyName)), ["Due0", "Due1", "Due2", "Due3", "Due4"])
            XCTAssertEqual(due.map { $0.status.state.deadline! }, due.map { $0.status.state.deadline! }.sorted(), "soonest deadline first")
            let missed = view.entries.dropFirst(10)
            XCTAssertEqual(missed.first?.patient.familyName, "Missed0", "the most recently missed first")
            XCTAssertEqual(missed.last?.patient.familyName, "Missed199")
            // One state alone.
            let onlyDue = try store.qofPracticeView(rules: Self.rules, today: today, showing: .due, limit: 3)
            XCTAssertEqual(onlyDue.entries.map(\.patient.familyName), ["Due4", "Due3", "Due2"], "by deadline: the support discussions of the earliest diagnosed first")
            XCTAssertEqual(onlyDue.total, 10)
            let onlyMissed = try store.qofPracticeView(rules: Self.rules, today: today, showing: .missed, limit: 300)
            XCTAssertEqual(onlyMissed.entries.count, 300)
            XCTAssertEqual(onlyMissed.total, 300)
            XCTAssertEqual(onlyMissed.counts["can004"], QOFCounts(due: 5, missed: 300), "the counts are of everyone, whatever is shown")
            XCTAssertEqual(try store.qofPracticeView(rules: Self.rules, today: today, showing: .excepted, limit: 10).total, 0)
        }
    }

    func testThePracticeViewOfATeamHoldsOnlyItsPatientsAndCountsThemAlone() throws {
        try eachRepository { store, _ in
            let (admin, _) = try StaffFixture.addUsers(to: store, now: now)
            let gp = try store.addTeam(named: "Riverside Surgery", by: admin.userName, now: now)
            let other = try store.addTeam(named: "Northfield Practice", by: admin.userName, now: now)
            var ours = patient("9434765919", family: "Able", given: "Ann")
            ours.diagnosisDate = today.adding(days: -10)
            ours.teamId = gp.id
            _ = try store.addPatient(ours, now: now)
            var theirs = patient("9990000026", family: "Baker", given: "Bea")
            theirs.diagnosisDate = today.adding(days: -100)
            theirs.teamId = other.id
            _ = try store.addPatient(theirs, now: now)
            _ = try diagnosed(store, "9990000034", "Carter", daysAgo: 20)  // in no team
            let mine = try store.qofPracticeView(rules: Self.rules, today: today, teams: [gp.id], limit: 10)
            XCTAssertEqual(mine.entries.map(\.patient.familyName), ["Able", "Able"])
            XCTAssertEqual(mine.counts["can005"], QOFCounts(due: 1))
            let both = try store.qofPracticeView(rules: Self.rules, today: today, teams: [gp.id, other.id], limit: 10)
            XCTAssertEqual(both.entries.map(\.patient.familyName), ["Able", "Baker", "Able", "Baker"])
            XCTAssertEqual(try store.qofPracticeView(rules: Self.rules, today: today, teams: [], limit: 10).total, 0, "no team chosen: nobody")
            XCTAssertEqual(try store.qofPracticeView(rules: Self.rules, today: today, limit: 10).total, 6, "nil: everyone")
        }
    }

    /// "Date given" cannot be before the patient was born, nor before the plan or document it was given from was started.
    func testInformationCannotBeGivenBeforeBirthOrBeforeItsSourceWasStarted() throws {
        try eachRepository { store, _ in
            let a = try assessmentWithPain(store)
            let p = try store.patient(id: a.patientId)!
            let leaflet = [Self.library.item("managing-fatigue-leaflet")!]
            let eots = try store.createDocument(template: DocumentContractTests.eots, patientId: p.id!, createdBy: "GP", now: now)
            let started = [a.date, LocalDate(now)].min()!
            let cases: [(LocalDate, InformationSource?, String)] = [
                (p.dateOfBirth.adding(days: -1), nil, "before the patient was born"),
                (started.adding(days: -1), .assessment(a.id), "before the plan it was given from was started"),
                (min(eots.date, LocalDate(now)).adding(days: -1), .document(eots.id), "before the document it was given from was started"),
            ]
            for (date, source, why) in cases {
                XCTAssertThrowsError(try store.recordInformationGiven(leaflet, patientId: p.id!, date: date, how: .printed, from: source, by: "GP", now: now)) {
                    XCTAssertTrue("\($0)".contains(why), "\($0)")
                }
            }
            XCTAssertEqual(try store.informationGiven(patientId: p.id!), [])
            XCTAssertEqual(try store.recordInformationGiven(leaflet, patientId: p.id!, date: started, how: .printed, from: .assessment(a.id), by: "GP", now: now).count, 1)
        }
    }

    func testInformationGivenIsKeptPerItemWithItsSourceNewestFirstAndAuditedWithoutTitles() throws {
        try eachRepository { store, connect in
            let a = try assessmentWithPain(store)
            let items = ["managing-fatigue-leaflet", "benefits-advice"].map { Self.library.item($0)! }
            let given = try store.recordInformationGiven(items, patientId: a.patientId, date: today.adding(days: -1), how: .printed,
                                                         from: .assessment(a.id), by: "Nurse Jones", now: now)
            XCTAssertEqual(given.map(\.itemId), ["managing-fatigue-leaflet", "benefits-advice"])
            XCTAssertEqual(given.map(\.title), ["Managing cancer-related tiredness", "Money, benefits and cancer"])
            let eots = try store.createDocument(template: DocumentContractTests.eots, patientId: a.patientId, createdBy: "Dr Adams", now: now)
            let page = try store.recordInformationGiven([Self.library.item("late-effects-guide")!], patientId: a.patientId, date: today, how: .link,
                                                        from: .document(eots.id), by: "Dr Adams", now: now)
            let list = try connect().informationGiven(patientId: a.patientId)
            XCTAssertEqual(list, page + given.reversed(), "newest first")
            XCTAssertEqual(list.first?.source, .document(eots.id))
            XCTAssertEqual(list.last?.source, .assessment(a.id))
            XCTAssertEqual(list.last?.givenBy, "Nurse Jones")
            XCTAssertEqual(list.last?.how, .printed)
            let trail = try store.auditTrail(patientId: a.patientId).filter { $0.action == "recorded information given" }
            XCTAssertEqual(trail.map(\.detail), ["2 item(s), printed", "1 item(s), link, from document \(eots.id)"])
            XCTAssertEqual(trail.first?.assessmentId, a.id)
            XCTAssertFalse(try store.auditTrail().contains { $0.detail.contains("tiredness") || $0.detail.contains("fatigue") }, "no titles in the trail")
        }
    }

    func testCoursesAndEventsOfferedAndAttended() throws {
        try eachRepository { store, connect in
            let p = try addSian(store)
            let walk = Self.library.item("move-more-walks")!, course = Self.library.item("energy-course")!
            let offered = try store.recordOccasion(course, patientId: p.id!, status: .offered, date: today.adding(days: -14), by: "Nurse Jones", now: now)
            let attended = try store.recordOccasion(walk, patientId: p.id!, status: .attended, date: today, by: "Nurse Jones", now: now)
            XCTAssertEqual(try connect().occasions(patientId: p.id!), [attended, offered])
            XCTAssertEqual(attended.title, "Move More walking group")
            XCTAssertEqual(try store.auditTrail(patientId: p.id!).suffix(2).map(\.action), ["recorded course offered", "recorded event attended"])
        }
    }

    func testAFullDiskRefusesEachRecordAndReadsGoOn() throws {
        try eachRepository { store, _ in
            let faulty = FaultyRepository(store)
            let p = try diagnosed(faulty, "9434765919", "Able", daysAgo: 10)
            faulty.fail(.diskFull)
            let full = WriteFailure.diskFull.error
            XCTAssertThrowsError(try faulty.recordQOF(QOFRecord(patientId: p.id!, indicator: nil, kind: .invited, date: today), by: "GP", now: now)) {
                XCTAssertEqual($0 as? StoreError, full)
            }
            XCTAssertThrowsError(try faulty.recordInformationGiven([Self.library.items[0]], patientId: p.id!, date: today, how: .emailed, by: "GP", now: now)) {
                XCTAssertEqual($0 as? StoreError, full)
            }
            XCTAssertThrowsError(try faulty.recordOccasion(Self.library.item("support-group")!, patientId: p.id!, status: .offered, date: today, by: "GP", now: now)) {
                XCTAssertEqual($0 as? StoreError, full)
            }
            XCTAssertEqual(try faulty.qofPracticeView(rules: Self.rules, today: today, limit: 5).total, 2, "reading goes on")
            XCTAssertEqual(try faulty.qofRecords(patientId: p.id!), [])
            faulty.fail(nil)
            XCTAssertEqual(try faulty.recordQOF(QOFRecord(patientId: p.id!, indicator: nil, kind: .invited, date: today), by: "GP", now: now).kind, .invited)
        }
    }
}
