import XCTest
@testable import CareplanCore

/// Resources/pathways (issue 14): the shipped examples follow the published schedules, a schedule counts from
/// the start (month ends and leap years), results need review as the rule says, and a broken file is refused
/// with file, line and fix.
final class PathwayTests: XCTestCase {
    static let folder = TermsTests.resources.appendingPathComponent("pathways")

    static func shipped(_ name: String) throws -> Pathway {
        try Pathway.load(from: folder.appendingPathComponent("\(name).yaml"), displayPath: name).get()
    }

    func text(_ name: String) throws -> String { try String(contentsOf: Self.folder.appendingPathComponent("\(name).yaml"), encoding: .utf8) }

    func d(_ y: Int, _ m: Int, _ day: Int) -> LocalDate { LocalDate(year: y, month: m, day: day)! }

    func testTheColorectalExampleFollowsRoyalDevonsSchedule() throws {
        let p = try Self.shipped("colorectal")
        XCTAssertTrue(p.isExample)
        XCTAssertTrue(p.source.contains("Royal Devon") && p.source.contains("confirm locally"))
        XCTAssertEqual(p.atEnd, .dischargeToGP)
        XCTAssertEqual(p.test("cea")!.offsets(lengthMonths: p.lengthMonths), [6, 12, 18, 24, 30, 36, 48, 60], "6-monthly for 3 years, then yearly for 2")
        XCTAssertEqual(p.test("ct-cap")!.offsets(lengthMonths: p.lengthMonths), [12, 30], "at 1 year and 2.5 years")
        XCTAssertEqual(p.test("colonoscopy")!.offsets(lengthMonths: p.lengthMonths), [12, 48], "at 1 year and year 4")
        XCTAssertEqual(p.test(named: "CEA Blood Test")?.code, "cea", "by name, as a CSV file may say it")
        XCTAssertEqual(p.test(named: " ct-cap")?.code, "ct-cap")
        XCTAssertNil(p.test(named: "PSA"))
        let schedule = p.schedule(from: d(2026, 1, 15))
        XCTAssertEqual(schedule.count, 12)
        XCTAssertEqual(schedule.prefix(5).map { "\($0.code) \($0.due.iso)" },
                       ["cea 2026-07-15", "cea 2027-01-15", "ct-cap 2027-01-15", "colonoscopy 2027-01-15", "cea 2027-07-15"],
                       "by date, then in the file's order")
        XCTAssertEqual(p.endDate(from: d(2026, 1, 15)), d(2031, 1, 15))
    }

    func testTheBreastAndProstateExamplesFollowNICE() throws {
        let breast = try Self.shipped("breast"), prostate = try Self.shipped("prostate")
        XCTAssertTrue(breast.source.contains("NG101"))
        XCTAssertEqual(breast.test("mammogram")!.offsets(lengthMonths: breast.lengthMonths), [12, 24, 36, 48, 60])
        XCTAssertTrue(prostate.source.contains("NG131"))
        XCTAssertEqual(prostate.test("psa")!.offsets(lengthMonths: prostate.lengthMonths), [6, 12, 18, 24, 36, 48, 60])
        XCTAssertEqual(prostate.test("psa")!.review, .measured(above: 0.2, rise: nil, unit: "ng/mL"))
        let all = try Pathway.loadAll([Self.folder.appendingPathComponent("breast.yaml"), Self.folder.appendingPathComponent("prostate.yaml")],
                                      display: { $0.lastPathComponent }).get()
        XCTAssertEqual(Set(all.keys), ["breast-early", "prostate-radical"])
        let twice = Pathway.loadAll([Self.folder.appendingPathComponent("breast.yaml"), Self.folder.appendingPathComponent("breast.yaml")],
                                    display: { $0.lastPathComponent })
        guard case .failure(let e) = twice else { return XCTFail("the same id twice was accepted") }
        XCTAssertEqual(e.problems.map(\.message), ["pathway id `breast-early` is used by another file too"])
    }

    func testDueDatesCountFromTheStartSoMonthEndsAndLeapDaysDoNotDrift() throws {
        var p = try Self.shipped("breast")
        p.tests[0].schedule = [.every(months: 1, forMonths: 3), .at(months: [12, 48])]
        p.lengthMonths = 48
        XCTAssertEqual(p.schedule(from: d(2027, 1, 31)).map(\.due.iso), ["2027-02-28", "2027-03-31", "2027-04-30", "2028-01-31", "2031-01-31"],
                       "31 Jan: the end of February, then 31 March again (not 28 March)")
        XCTAssertEqual(p.schedule(from: d(2028, 2, 29)).map(\.due.iso), ["2028-03-29", "2028-04-29", "2028-05-29", "2029-02-28", "2032-02-29"],
                       "a leap day: 28 Feb in a common year, 29 Feb in the next leap year")
        XCTAssertEqual(p.schedule(from: d(2027, 12, 31)).first?.due.iso, "2028-01-31", "across the year")
        XCTAssertEqual(Overdue.from(due: d(2028, 2, 28), graceDays: 1), d(2028, 3, 1), "29 Feb is the grace day")
        XCTAssertEqual(Overdue.from(due: d(2027, 2, 28), graceDays: 0), d(2027, 3, 1))
    }

    func testAPhaseWithoutAnEndRunsToTheEndOfFollowUp() {
        let t = SurveillanceTest(code: "x", name: "X", schedule: [.every(months: 6, forMonths: 12), .every(months: 12, forMonths: nil)], graceDays: 0,
                                 review: .clinician)
        XCTAssertEqual(t.offsets(lengthMonths: 48), [6, 12, 24, 36, 48])
        XCTAssertEqual(t.offsets(lengthMonths: 10), [6], "nothing after follow-up ends")
        let at = SurveillanceTest(code: "y", name: "Y", schedule: [.at(months: [30, 12, 12]), .every(months: 12, forMonths: 24)], graceDays: 0, review: .clinician)
        XCTAssertEqual(at.offsets(lengthMonths: 60), [12, 30, 42, 54], "each once, in order; what follows starts after the last")
    }

    func testAResultNeedsReviewAboveTheThresholdOnARiseOrWhenJudgedSo() {
        let cea = ReviewRule.measured(above: 5, rise: 2, unit: "ug/L")
        XCTAssertFalse(cea.needsReview(.measured(5, unit: "ug/L"), previous: nil), "at the threshold is not above it")
        XCTAssertTrue(cea.needsReview(.measured(5.1, unit: "ug/L"), previous: nil))
        XCTAssertTrue(cea.needsReview(.measured(4.5, unit: "ug/L"), previous: 2.4), "a rise of 2.1")
        XCTAssertFalse(cea.needsReview(.measured(4.4, unit: "ug/L"), previous: 2.4))
        XCTAssertFalse(cea.needsReview(.measured(1, unit: "ug/L"), previous: 4), "a fall")
        XCTAssertTrue(cea.needsReview(.judged(.abnormal), previous: nil))
        XCTAssertTrue(cea.needsReview(.judged(.needsReview), previous: nil))
        XCTAssertFalse(cea.needsReview(.judged(.normal), previous: nil))
        XCTAssertTrue(ReviewRule.clinician.needsReview(.measured(1, unit: "mm"), previous: nil), "a value nobody has judged")
        XCTAssertFalse(ReviewRule.clinician.needsReview(.judged(.normal), previous: nil))
        XCTAssertEqual(cea.words, "above 5 ug/L, or a rise of more than 2 ug/L")
        XCTAssertEqual(ReviewRule.measured(above: 0.2, rise: nil, unit: "ng/mL").words, "above 0.2 ng/mL")
    }

    func testTheHashTellsAnEditedFile() throws {
        let original = try text("breast")
        let a = try Pathway.parse(text: original, displayPath: "b").get()
        let b = try Pathway.parse(text: original.replacingOccurrences(of: "grace-days: 42", with: "grace-days: 43"), displayPath: "b").get()
        XCTAssertEqual(a.version, b.version)
        XCTAssertNotEqual(a.contentHash, b.contentHash)
        XCTAssertEqual(a.contentHash, try Self.shipped("breast").contentHash)
    }

    /// The colorectal file with `from` replaced by `to`: its problems, each with a line and a fix.
    func problems(_ from: String, _ to: String, file: StaticString = #filePath, line: UInt = #line) throws -> [ConfigProblem] {
        let original = try text("colorectal")
        XCTAssertTrue(original.contains(from), "the shipped file has `\(from)`", file: file, line: line)
        switch Pathway.parse(text: original.replacingOccurrences(of: from, with: to), displayPath: "Resources/pathways/colorectal.yaml") {
        case .success: XCTFail("accepted", file: file, line: line); return []
        case .failure(let e):
            for p in e.problems {
                XCTAssertFalse(p.fix.isEmpty, "\(p) has a fix", file: file, line: line)
                XCTAssertGreaterThan(p.line, 0, "\(p) has a line", file: file, line: line)
            }
            return e.problems
        }
    }

    func lineOf(_ s: String) throws -> Int {
        try text("colorectal").components(separatedBy: "\n").firstIndex { $0.contains(s) }! + 1
    }

    func testBrokenPathwaysAreRefusedWithLineAndFix() throws {
        var p = try problems("grace-days: 28", "grace-days: soon")
        XCTAssertEqual(p.map(\.line), [try lineOf("grace-days: 28")])
        XCTAssertTrue(p[0].message.contains("grace-days"))
        p = try problems("at-months: [12, 30]", "at-months: [12, 90]")
        XCTAssertEqual(p.count, 1)
        XCTAssertTrue(p[0].message.contains("month 90, after follow-up ends (month 60)"), p[0].message)
        p = try problems("      above: 5\n", "      above: five\n")
        XCTAssertEqual(p.map(\.line), [try lineOf("above: 5")])
        p = try problems("      above: 5\n      rise: 2\n", "")
        XCTAssertTrue(p[0].message.contains("neither `above` nor `rise`"))
        p = try problems("review: clinician", "review: doctor")
        XCTAssertTrue(p[0].fix.contains("review: clinician"))
        p = try problems("at-end: discharge-to-gp", "at-end: discharge")
        XCTAssertTrue(p[0].fix.contains("discharge-to-gp"))
        p = try problems("  - code: ct-cap", "  - code: cea")
        XCTAssertTrue(p.contains { $0.message.contains("`cea` is used twice") })
        p = try problems("      - every-months: 6\n        for-months: 36\n", "      - every-months: 6\n")
        XCTAssertTrue(p[0].message.contains("nothing can follow it"))
        p = try problems("    grace-days: 42", "    grace-day: 42")
        XCTAssertTrue(p.contains { $0.fix.contains("did you mean `grace-days`") })
        p = try problems("example: yes", "example: maybe")
        XCTAssertTrue(p[0].fix.contains("example: no"))
        p = try problems("      - at-months: [12, 48]", "      - at-months: [twelve]")
        XCTAssertTrue(p[0].message.contains("whole numbers"))
    }

    func testPathwaysThatWouldMisleadOrFloodAreRefused() throws {
        // Codes and names that fold alike would take each other's results; a month listed twice; thousands of tests.
        var p = try problems("  - code: ct-cap", "  - code: c-e-a")
        XCTAssertTrue(p.contains { $0.message.contains("test `c-e-a` (CT chest, abdomen and pelvis) is named like test `cea`") }, "\(p.map(\.message))")
        p = try problems("    name: Colonoscopy", "    name: C.E.A.")
        XCTAssertTrue(p.contains { $0.message.contains("is named like test `cea`") }, "\(p.map(\.message))")
        p = try problems("      - at-months: [12, 48]", "      - at-months: [12, 48, 12]")
        XCTAssertTrue(p.contains { $0.message.contains("lists a month twice") }, "\(p.map(\.message))")
        XCTAssertNoThrow(try Pathway.parse(text: try self.text("colorectal").replacingOccurrences(of: "length-months: 60", with: "length-months: 600"),
                                           displayPath: "p").get(), "a long pathway with a sensible schedule is fine")
        var text = try self.text("colorectal").replacingOccurrences(of: "length-months: 60", with: "length-months: 600")
        text = text.replacingOccurrences(of: "      - every-months: 12\n        for-months: 24\n", with: "      - every-months: 1\n")
        text = text.replacingOccurrences(of: "      - at-months: [12, 48]", with: "      - every-months: 1")
        guard case .failure(let e) = Pathway.parse(text: text, displayPath: "p") else { return XCTFail("accepted") }
        XCTAssertTrue(e.problems.contains { $0.message.contains("tests for one patient (at most 600)") }, "\(e.problems.map(\.message))")
        // The ICD-10 categories it is for, checked.
        p = try problems("diagnoses: [C18, C19, C20]", "diagnoses: [C18, colon]")
        XCTAssertEqual(p.map(\.message), ["`COLON` in `diagnoses` is not an ICD-10 category"])
    }

    func testAPathwayIsForTheDiagnosesItNames() throws {
        let colorectal = try Self.shipped("colorectal")
        XCTAssertEqual(colorectal.diagnoses, ["C18", "C19", "C20"])
        XCTAssertTrue(colorectal.isFor(diagnosisCode: "C18.7", diagnosis: "Sigmoid colon"))
        XCTAssertTrue(colorectal.isFor(diagnosisCode: "c20", diagnosis: ""))
        XCTAssertFalse(colorectal.isFor(diagnosisCode: "C50.9", diagnosis: "Colorectal"), "the code decides when there is one")
        XCTAssertTrue(colorectal.isFor(diagnosisCode: "", diagnosis: "Colorectal cancer"))
        XCTAssertFalse(colorectal.isFor(diagnosisCode: "", diagnosis: "Breast"))
        XCTAssertTrue(colorectal.isFor(diagnosisCode: "", diagnosis: ""), "nothing recorded: nothing to tell apart")
        XCTAssertTrue(try Self.shipped("prostate").isFor(diagnosisCode: "C61", diagnosis: ""))
        XCTAssertTrue(try Self.shipped("breast").isFor(diagnosisCode: "C50.4", diagnosis: ""))
    }

    func testFollowUpsNumbersAreInThePolicyAndCheckedThere() throws {
        let text = try String(contentsOf: TermsTests.resources.appendingPathComponent("policy.yaml"), encoding: .utf8)
        let policy = try Policy.parse(text: text, displayPath: "p").get()
        XCTAssertEqual(policy.followUp, FollowUpPolicy(reaccessReturnHours: 24, resultReviewDays: 7, carePlanOpenDays: 14, dueSoonDays: 7))
        let fortnight = try Policy.parse(text: text.replacingOccurrences(of: "suspended-review-days: 28", with: "suspended-review-days: 14"), displayPath: "p").get()
        XCTAssertEqual(fortnight.followUp.suspendedReviewDays, 14, "how long a suspension waits before it is asked about")
        guard case .failure(let e) = Policy.parse(text: text.replacingOccurrences(of: "reaccess-return-hours: 24", with: "reaccess-return-hours: 0"), displayPath: "p")
        else { return XCTFail("accepted") }
        XCTAssertEqual(e.problems.count, 1)
        XCTAssertTrue(e.problems[0].message.contains("`reaccess-return-hours` in `follow-up` in the policy should be a whole number from 1 to 168"))
        XCTAssertEqual(e.problems[0].line, text.components(separatedBy: "\n").firstIndex { $0.contains("reaccess-return-hours: 24") }! + 1)
    }
}
