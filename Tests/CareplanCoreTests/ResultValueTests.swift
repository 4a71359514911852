import CareplanCore
import XCTest

/// Results read alike from files and screens (issue 14 testers' findings N8/A7): no negatives, values beyond a
/// laboratory's limit kept with their side and judged sensibly, exponents, unit synonyms from one table.
final class ResultValueTests: XCTestCase {
    func read(_ s: String) -> Result<ResultValue, RowRejection> { ResultsImport.value(s, unit: "ug/L") }

    func testNumbersJudgementsAndLimitsAreReadAndNothingElse() {
        XCTAssertEqual(try read("7.5").get(), .measured(7.5, unit: "ug/L"))
        XCTAssertEqual(try read("7,5").get(), .measured(7.5, unit: "ug/L"))
        XCTAssertEqual(try read("1e-2").get(), .measured(0.01, unit: "ug/L"))
        XCTAssertEqual(try read("1E3").get(), .measured(1000, unit: "ug/L"))
        XCTAssertEqual(try read(".5").get(), .measured(0.5, unit: "ug/L"))
        XCTAssertEqual(try read("<0.01").get(), .beyond(.below, 0.01, unit: "ug/L"))
        XCTAssertEqual(try read("> 1000").get(), .beyond(.above, 1000, unit: "ug/L"))
        XCTAssertEqual(try read("Needs review").get(), .judged(.needsReview))
        XCTAssertEqual(try read("needs-review").get(), .judged(.needsReview))
        XCTAssertEqual(try read("normal").get(), .judged(.normal))
        for bad in ["-1", "-3", "<-2"] { XCTAssertEqual(read(bad), .failure(.negative), bad) }
        for bad in ["nan", "inf", "0x10", "1e", "1.2.3", "1e999", "", "<", "high", "7 5"] { XCTAssertEqual(read(bad), .failure(.notANumber), bad) }
        XCTAssertEqual(ResultValue.beyond(.below, 0.01, unit: "ug/L").words, "<0.01 ug/L")
    }

    func testAValueBelowALimitUnderTheThresholdIsNormalAndOneAboveALimitIsReviewed() {
        let psa = ReviewRule.measured(above: 4, rise: nil, unit: "ug/L")
        XCTAssertFalse(psa.needsReview(.beyond(.below, 0.01, unit: "ug/L"), previous: nil), "below detection: normal")
        XCTAssertTrue(psa.needsReview(.beyond(.below, 10, unit: "ug/L"), previous: nil), "under 10 may be above 4")
        XCTAssertTrue(psa.needsReview(.beyond(.above, 1, unit: "ug/L"), previous: nil), "above what was counted: look at it")
        XCTAssertTrue(ReviewRule.clinician.needsReview(.beyond(.below, 1, unit: "ug/L"), previous: nil))
    }

    func testUnitsWrittenDifferentlyThatMeanTheSameAreOne() {
        let rule = ReviewRule.measured(above: 5, rise: nil, unit: "ug/L")
        for same in ["ug/L", "µg/L", "μg/l", "mcg/L", "UG/L", "ng/mL", "ug / L"] {
            XCTAssertNil(ResultsImport.unitProblem(.measured(1, unit: same), rule: rule), same)
        }
        XCTAssertEqual(ResultsImport.unitProblem(.beyond(.below, 1, unit: "mmol/L"), rule: rule), .unitMismatch(expected: "ug/L", found: "mmol/L"))
        XCTAssertTrue(Units.same("kU/L", "U/mL"))
        XCTAssertFalse(Units.same("mg/L", "ug/L"))
    }
}

/// Reading a laboratory's file (issue 14 testers' findings N19/A9): ISO date-times, an unclosed quote, fields
/// echoed cleaned and short.
final class ResultsFileTests: XCTestCase {
    func testISODateTimesAreTakenByTheirDayAndAnUnreadableDateNamesISO() throws {
        let rows = try ResultsImport.read(csv: "NHS number,test,date,value,unit\n9434765919,cea,2027-06-01T09:00,1,ug/L\n9434765919,cea,2027-06-02 10:30:00Z,1,ug/L\n9434765919,cea,June,1,ug/L\n").get()
        let today = LocalDate(year: 2027, month: 7, day: 1)!
        XCTAssertEqual(try ResultsImport.check(rows[0], today: today).get().takenOn.iso, "2027-06-01")
        XCTAssertEqual(try ResultsImport.check(rows[1], today: today).get().takenOn.iso, "2027-06-02")
        guard case .failure(let why) = ResultsImport.check(rows[2], today: today) else { return XCTFail("accepted") }
        XCTAssertTrue(why.description.contains("ISO (2027-03-05, 2027-03-05T09:30)"), why.description)
    }

    func testAnUnclosedQuoteIsSaidAsSuchWithItsLine() {
        guard case .failure(let p) = ResultsImport.read(csv: "NHS number,test,date,value,unit\n9434765919,cea,2027-06-01,1,ug/L\n9434765919,\"cea,2027-06-01,1,ug/L\n") else {
            return XCTFail("accepted")
        }
        XCTAssertEqual(p.description, "line 3: a quoted field is not closed (a \" is missing): nothing after it could be read")
    }

    func testFieldsSaidBackAreCleanedAndShort() {
        let huge = String(repeating: "x", count: 100_000)
        XCTAssertEqual(RowRejection.unitMismatch(expected: "ug/L", found: "\u{1B}[31mmg" + huge).description.count, "unit: “”, but the pathway's results are in ug/L".count + 40)
        XCTAssertFalse(RowRejection.unknownTest("\u{1B}]0;owned\u{07}PSA").description.contains("\u{1B}"))
    }
}
