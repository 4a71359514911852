import XCTest
@testable import CareplanCore

/// The QOF timing of the cancer reviews (Resources/qof.yaml) on the dates where it turns: the last day of a
/// window and the day after, 12 months across a leap day, invitations 6 and 7 days apart, answers, declines.
final class QOFTests: XCTestCase {
    static let shipped = try! QOFRules.load(from: TermsTests.resources.appendingPathComponent("qof.yaml"), displayPath: "qof.yaml").get()

    func d(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

    func record(_ kind: QOFRecordKind, _ date: String, _ indicator: String? = nil, how: ContactMethod? = nil) -> QOFRecord {
        QOFRecord(patientId: 1, indicator: indicator, kind: kind, date: d(date), how: how)
    }

    func state(_ indicator: String, diagnosed: String?, _ records: [QOFRecord] = [], today: String, rules: QOFRules = shipped) -> QOFState? {
        rules.states(diagnosed: diagnosed.map(d), records: records, today: d(today)).first { $0.indicatorId == indicator }?.state
    }

    func testTheShippedRulesAreTheNationalOnes() {
        let e = Self.shipped.edition(on: d("2026-11-28"))!
        XCTAssertEqual(e.indicators.map(\.code), ["CAN005", "CAN004"])
        XCTAssertEqual(e.indicator("can005")?.doneWithin, .days(93))
        XCTAssertEqual(e.indicator("can005")?.diagnosedWithin, .months(12))
        XCTAssertEqual(e.indicator("can004")?.doneWithin, .months(12))
        XCTAssertEqual(e.indicator("can004")?.diagnosedWithin, .months(24))
        XCTAssertEqual(e.exceptions, [.declined, .unsuitable, .noResponse])
        XCTAssertEqual(e.unansweredInvitations, 2)
        XCTAssertEqual(e.invitationDaysApart, 7)
        XCTAssertEqual(e.yearStart(containing: d("2027-03-31")), d("2026-04-01"))
        XCTAssertEqual(e.yearStart(containing: d("2027-04-01")), d("2027-04-01"))
        XCTAssertNil(Self.shipped.edition(on: d("2021-03-31")), "nothing before the first edition")
    }

    func testMonthsAreCalendarMonthsAndAMissingDayIsTheMonthsLast() {
        XCTAssertEqual(d("2028-02-29").adding(months: 12), d("2029-02-28"))
        XCTAssertEqual(d("2027-03-01").adding(months: 12), d("2028-03-01"))
        XCTAssertEqual(d("2028-01-31").adding(months: 1), d("2028-02-29"))
        XCTAssertEqual(d("2027-01-31").adding(months: 1), d("2027-02-28"))
        XCTAssertEqual(d("2027-04-01").adding(months: -12), d("2026-04-01"))
        XCTAssertEqual(d("2027-01-15").adding(months: -1), d("2026-12-15"))
    }

    // MARK: Support discussion: 93 days

    func testTheSupportDiscussionOnDay93IsMetAndOnDay94Missed() {
        // 10 Jan 2026 + 93 days = 13 Apr 2026.
        XCTAssertEqual(state("can005", diagnosed: "2026-01-10", today: "2026-01-10"), .due(deadline: d("2026-04-13")))
        XCTAssertEqual(state("can005", diagnosed: "2026-01-10", [record(.done, "2026-04-13", "can005")], today: "2026-05-01"), .met(on: d("2026-04-13")))
        XCTAssertEqual(state("can005", diagnosed: "2026-01-10", [record(.done, "2026-04-14", "can005")], today: "2026-05-01"),
                       .missed(deadline: d("2026-04-13")), "day 94 is too late")
        XCTAssertEqual(state("can005", diagnosed: "2026-01-10", today: "2026-04-13"), .due(deadline: d("2026-04-13")), "the deadline is its last day")
        XCTAssertEqual(state("can005", diagnosed: "2026-01-10", today: "2026-04-14"), .missed(deadline: d("2026-04-13")))
        XCTAssertEqual(state("can005", diagnosed: "2026-01-10", [record(.done, "2026-01-10", "can005")], today: "2026-01-10"), .met(on: d("2026-01-10")),
                       "on the day of diagnosis")
        XCTAssertEqual(state("can005", diagnosed: "2026-01-10", [record(.done, "2026-01-09", "can005")], today: "2026-02-01"),
                       .due(deadline: d("2026-04-13")), "before the diagnosis does not count")
    }

    func testACancerCareReviewInTheWindowIsAlsoTheSupportDiscussionButNotTheOtherWayRound() {
        let ccr = record(.done, "2026-03-01", "can004")
        XCTAssertEqual(state("can005", diagnosed: "2026-01-10", [ccr], today: "2026-03-02"), .met(on: d("2026-03-01")))
        let discussion = record(.done, "2026-03-01", "can005")
        XCTAssertEqual(state("can004", diagnosed: "2026-01-10", [discussion], today: "2026-03-02"), .due(deadline: d("2027-01-10")))
        XCTAssertEqual(state("can005", diagnosed: "2026-01-10", [record(.done, "2026-06-01", "can004")], today: "2026-06-02"),
                       .missed(deadline: d("2026-04-13")), "a later review does not meet the 93 days")
    }

    // MARK: Cancer Care Review: 12 months

    func testTwelveMonthsFromALeapDayEndOnThe28thOfFebruary() {
        XCTAssertEqual(state("can004", diagnosed: "2028-02-29", today: "2028-03-01"), .due(deadline: d("2029-02-28")))
        XCTAssertEqual(state("can004", diagnosed: "2028-02-29", [record(.done, "2029-02-28", "can004")], today: "2029-03-05"), .met(on: d("2029-02-28")))
        XCTAssertEqual(state("can004", diagnosed: "2028-02-29", [record(.done, "2029-03-01", "can004")], today: "2029-03-05"),
                       .missed(deadline: d("2029-02-28")))
    }

    func testTwelveMonthsAcrossALeapDayAre366Days() {
        // 1 Mar 2027 to 1 Mar 2028 holds 29 Feb 2028: a count of 365 days would end a day early.
        XCTAssertEqual(state("can004", diagnosed: "2027-03-01", [record(.done, "2028-03-01", "can004")], today: "2028-03-02"), .met(on: d("2028-03-01")))
        XCTAssertEqual(state("can004", diagnosed: "2027-03-01", today: "2028-03-01"), .due(deadline: d("2028-03-01")))
        XCTAssertEqual(state("can004", diagnosed: "2027-03-01", today: "2028-03-02"), .missed(deadline: d("2028-03-01")))
    }

    // MARK: Who is counted

    func testNotDueWithoutADiagnosisDateWithOneInTheFutureOrOnceNoLongerCounted() {
        XCTAssertEqual(state("can004", diagnosed: nil, today: "2026-11-28"), .notDue(.noDiagnosisDate))
        XCTAssertEqual(state("can004", diagnosed: "2026-12-01", today: "2026-11-28"), .notDue(.diagnosedAfterToday))
        // The support discussion counts patients diagnosed in the preceding 12 months, the review 24.
        XCTAssertEqual(state("can005", diagnosed: "2026-01-10", today: "2027-01-10"), .missed(deadline: d("2026-04-13")))
        XCTAssertEqual(state("can005", diagnosed: "2026-01-10", today: "2027-01-11"), .notDue(.noLongerCounted(since: d("2027-01-11"))))
        XCTAssertEqual(state("can004", diagnosed: "2026-01-10", today: "2028-01-10"), .missed(deadline: d("2027-01-10")))
        XCTAssertEqual(state("can004", diagnosed: "2026-01-10", today: "2028-01-11"), .notDue(.noLongerCounted(since: d("2028-01-11"))))
    }

    // MARK: Exceptions

    func testTwoUnansweredInvitations7DaysApartExceptThePatientAnd6DaysApartDoNot() {
        let first = record(.invited, "2026-05-10", how: .letter)
        XCTAssertEqual(state("can004", diagnosed: "2026-05-01", [first, record(.invited, "2026-05-16", how: .phone)], today: "2026-06-01"),
                       .due(deadline: d("2027-05-01")), "6 days apart")
        XCTAssertEqual(state("can004", diagnosed: "2026-05-01", [first, record(.invited, "2026-05-17", how: .phone)], today: "2026-06-01"),
                       .excepted(.noResponse, since: d("2026-05-17")))
        XCTAssertEqual(state("can004", diagnosed: "2026-05-01", [first, record(.invited, "2026-05-16"), record(.invited, "2026-05-18")], today: "2026-06-01"),
                       .excepted(.noResponse, since: d("2026-05-18")), "a third, 8 days after the first, completes the pair")
        let statuses = Self.shipped.states(diagnosed: d("2026-05-01"), records: [record(.invited, "2026-05-17", "can004"), first], today: d("2026-06-01"))
        XCTAssertEqual(statuses.first { $0.indicatorId == "can004" }?.invitations.map(\.date), [d("2026-05-10"), d("2026-05-17")], "oldest first")
        XCTAssertEqual(statuses.first { $0.indicatorId == "can005" }?.invitations.map(\.date), [d("2026-05-10")], "one invitation was for the review only")
    }

    func testAnAnsweredInvitationIsNotUnanswered() {
        let records = [record(.invited, "2026-05-10"), record(.responded, "2026-05-12", how: .phone), record(.invited, "2026-05-20")]
        XCTAssertEqual(state("can004", diagnosed: "2026-05-01", records, today: "2026-06-01"), .due(deadline: d("2027-05-01")))
        XCTAssertEqual(state("can004", diagnosed: "2026-05-01", records + [record(.invited, "2026-05-27")], today: "2026-06-01"),
                       .excepted(.noResponse, since: d("2026-05-27")), "two unanswered since the answer")
    }

    func testInvitationsForOneIndicatorDoNotExceptTheOther() {
        let records = [record(.invited, "2026-05-10", "can004"), record(.invited, "2026-05-20", "can004")]
        XCTAssertEqual(state("can004", diagnosed: "2026-05-01", records, today: "2026-06-01"), .excepted(.noResponse, since: d("2026-05-20")))
        XCTAssertEqual(state("can005", diagnosed: "2026-05-01", records, today: "2026-06-01"), .due(deadline: d("2026-08-02")))
    }

    func testADeclineAfterTheDeadlineStillExceptsAsTheNationalRulesDo() {
        XCTAssertEqual(state("can005", diagnosed: "2026-05-01", today: "2026-08-20"), .missed(deadline: d("2026-08-02")))
        XCTAssertEqual(state("can005", diagnosed: "2026-05-01", [record(.declined, "2026-09-01")], today: "2026-09-10"),
                       .excepted(.declined, since: d("2026-09-01")))
        XCTAssertEqual(state("can005", diagnosed: "2026-05-01", [record(.unsuitable, "2026-06-01", "can005")], today: "2026-06-10"),
                       .excepted(.unsuitable, since: d("2026-06-01")))
    }

    func testMetComesBeforeAnException() {
        let records = [record(.declined, "2026-05-05"), record(.done, "2026-06-01", "can005")]
        XCTAssertEqual(state("can005", diagnosed: "2026-05-01", records, today: "2026-06-10"), .met(on: d("2026-06-01")))
    }

    func testExceptionsCountOnlyInTheCurrentQualityYearAndRecordsDatedAfterTodayNotAtAll() {
        let decline = record(.declined, "2026-02-01")
        XCTAssertEqual(state("can004", diagnosed: "2026-01-05", [decline], today: "2026-03-31"), .excepted(.declined, since: d("2026-02-01")))
        XCTAssertEqual(state("can004", diagnosed: "2026-01-05", [decline], today: "2026-04-01"), .due(deadline: d("2027-01-05")),
                       "recorded again each quality year")
        XCTAssertEqual(state("can004", diagnosed: "2026-01-05", [record(.declined, "2026-01-04")], today: "2026-02-01"), .due(deadline: d("2027-01-05")),
                       "before the diagnosis")
        XCTAssertEqual(state("can004", diagnosed: "2026-01-05", [record(.done, "2026-03-01", "can004")], today: "2026-02-01"),
                       .due(deadline: d("2027-01-05")), "a review dated in the future is not done yet")
    }

    func testAnEditionAppliesFromItsDate() throws {
        let text = try String(contentsOf: TermsTests.resources.appendingPathComponent("qof.yaml"), encoding: .utf8)
            + """
              - applies-from: 2027-04-01
                year-starts: 04-01
                indicators:
                  - { id: can005, code: CAN005, title: Support, done-within: 60 days, diagnosed-within: 12 months }
                exceptions:
                  counted: [declined]

            """
        let rules = try QOFRules.parse(text: text, displayPath: "qof.yaml").get()
        XCTAssertEqual(state("can005", diagnosed: "2027-03-01", today: "2027-03-31", rules: rules), .due(deadline: d("2027-06-02")))
        XCTAssertEqual(state("can005", diagnosed: "2027-03-01", today: "2027-04-01", rules: rules), .due(deadline: d("2027-04-30")))
        XCTAssertEqual(state("can005", diagnosed: "2027-03-01", [record(.invited, "2027-04-02"), record(.invited, "2027-04-20")], today: "2027-04-25", rules: rules),
                       .due(deadline: d("2027-04-30")), "the new edition does not count unanswered invitations")
        XCTAssertEqual(rules.states(diagnosed: d("2027-03-01"), records: [], today: d("2027-04-01")).map(\.code), ["CAN005"])
    }

    func testARecordTheFormMustNotTakeIsNamed() {
        let today = d("2026-11-28")
        let rules = Self.shipped
        XCTAssertNil(rules.problem(with: record(.invited, "2026-11-28", "can004", how: .letter), today: today))
        XCTAssertNil(rules.problem(with: record(.declined, "2026-11-01"), today: today), "a decline of every review")
        XCTAssertEqual(rules.problem(with: record(.invited, "2026-11-29", how: .letter), today: today), "The date is after today")
        XCTAssertEqual(rules.problem(with: record(.invited, "2026-11-20"), today: today), "Say how the patient was invited")
        XCTAssertEqual(rules.problem(with: record(.done, "2026-11-20"), today: today), "Say which was done: the support discussion or the review")
        XCTAssertEqual(rules.problem(with: record(.done, "2026-11-20", "can003"), today: today), "No indicator `can003` is in Resources/qof.yaml for today")
    }

    /// The store reads only patients diagnosed since `earliestCountedDiagnosis`: nobody an indicator still counts
    /// is before it, on any day of three years around a leap day.
    func testTheStoresLowerBoundLeavesOutNobodyTheRulesCount() {
        let from = d("2027-01-01").dayNumber
        for t in stride(from: from, to: from + 3 * 365, by: 1) {
            let today = LocalDate(dayNumber: t)
            let bound = Self.shipped.earliestCountedDiagnosis(on: today)!
            for before in 1...4 {
                let diagnosed = bound.adding(days: -before)
                let states = Self.shipped.states(diagnosed: diagnosed, records: [], today: today).map(\.state)
                XCTAssertTrue(states.allSatisfy { if case .notDue = $0 { return true } else { return false } }, "\(diagnosed) on \(today): \(states)")
            }
        }
    }

    // MARK: The file

    func testBrokenRulesAreReportedWithLineAndFix() throws {
        let original = try String(contentsOf: TermsTests.resources.appendingPathComponent("qof.yaml"), encoding: .utf8)
        func problems(_ from: String, _ to: String) -> [ConfigProblem] {
            XCTAssertTrue(original.contains(from), from)
            guard case .failure(let e) = QOFRules.parse(text: original.replacingOccurrences(of: from, with: to), displayPath: "Resources/qof.yaml") else {
                XCTFail("loaded with \(to)"); return []
            }
            return e.problems
        }
        func line(_ text: String) -> Int { original.components(separatedBy: "\n").firstIndex { $0.contains(text) }! + 1 }
        var p = problems("done-within: 93 days", "done-within: 3 fortnights")
        XCTAssertEqual(p.map(\.line), [line("done-within: 93 days")])
        XCTAssertTrue(p.first?.fix.contains("`done-within: 93 days` or `done-within: 12 months`") == true, "\(p)")
        p = problems("counted: [declined, unsuitable, no-response]", "counted: [declined, unsutable]")
        XCTAssertEqual(p.count, 1)
        XCTAssertTrue(p.first?.message.contains("`unsutable` is no exception careplan knows") == true, "\(p)")
        p = problems("also-met-by: [can004]", "also-met-by: [can006]")
        XCTAssertTrue(p.first?.message.contains("also met by `can006`") == true, "\(p)")
        XCTAssertEqual(p.first?.line, line("also-met-by: [can004]"), "at the line that names it")
        XCTAssertTrue(p.first?.fix.contains("`can004`") == true, "\(p)")
        p = problems("applies-from: 2021-04-01", "applies-from: 1 April 2021")
        XCTAssertEqual(p.first?.line, line("  - applies-from"))
        XCTAssertTrue(p.first?.fix.contains("2021-04-01") == true, "\(p)")
        p = problems("year-starts: 04-01", "year-starts: 04-31")
        XCTAssertTrue(p.first?.message.contains("month and day") == true, "\(p)")
        p = problems("      - id: can004\n", "      - id: can005\n")
        XCTAssertTrue(p.contains { $0.message.contains("indicator id `can005` is used twice") }, "\(p)")
        let twice = original + original.components(separatedBy: "editions:\n")[1]
        guard case .failure(let e) = QOFRules.parse(text: twice, displayPath: "q") else { return XCTFail("two editions of one date loaded") }
        XCTAssertTrue(e.problems.first?.message.contains("editions must be in date order") == true, e.description)
    }
}
