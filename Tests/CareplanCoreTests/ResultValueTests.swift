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
