import CareplanCore
import XCTest

/// The reports' resources (issue 15): tumour site groups by ICD-10 category, the policy's report numbers, and
/// the figures every report works out the same way (periods' months, medians of counted values).
final class ReportDefinitionTests: XCTestCase {
    func testTheShippedSitesPlaceEachCodeByItsCategory() throws {
        let sites = try TumourSites.parse(text: try shipped("tumour-sites.yaml"), displayPath: "t.yaml").get()
        XCTAssertEqual(sites.name(forCode: "C50.4"), "Breast")
        XCTAssertEqual(sites.name(forCode: "c50"), "Breast", "any case, with or without the subdivision")
        XCTAssertEqual(sites.name(forCode: "C18.7"), "Colorectal")
        XCTAssertEqual(sites.name(forCode: "C21.0"), "Colorectal", "both ends of a range are in it")
        XCTAssertEqual(sites.name(forCode: "C34.1"), "Lung")
        XCTAssertEqual(sites.name(forCode: "C61"), "Prostate")
        XCTAssertEqual(sites.name(forCode: "C92.0"), "Haematological")
        XCTAssertEqual(sites.name(forCode: "D05.1"), "Other", "a code no range holds")
        XCTAssertEqual(sites.name(forCode: ""), "Not coded")
        XCTAssertEqual(sites.name(forCode: "breast"), "Not coded", "words are no code")
        XCTAssertEqual(sites.names.suffix(2), ["Other", "Not coded"])
        XCTAssertEqual(sites.sites.count, 12)
    }

    func testABrokenSiteFileIsReportedWithLineAndFix() throws {
        let text = try shipped("tumour-sites.yaml")
        let overlap = text.replacingOccurrences(of: "icd10: [C61]", with: "icd10: [C61, C50]")
        assertOneProblem(problems(TumourSites.parse(text: overlap, displayPath: "t.yaml")), "`C50` in the tumour site `prostate` overlaps `C50-C50` of `breast`",
                         line: lineOf("C61, C50", in: overlap), fix: "put each category in one site only")
        let reversed = text.replacingOccurrences(of: "icd10: [C18-C21]", with: "icd10: [C21-C18]")
        assertOneProblem(problems(TumourSites.parse(text: reversed, displayPath: "t.yaml")), "`C21-C18` in the tumour site `colorectal` is not an ICD-10 category",
                         line: lineOf("[C21-C18]", in: reversed), fix: "with the lower first")
        let words = text.replacingOccurrences(of: "icd10: [C61]", with: "icd10: [prostate]")
        assertOneProblem(problems(TumourSites.parse(text: words, displayPath: "t.yaml")), "`prostate` in the tumour site `prostate` is not an ICD-10 category",
                         line: lineOf("[prostate]", in: words), fix: "a capital letter and two digits")
        let twice = text.replacingOccurrences(of: "name: Skin", with: "name: Breast")
        assertOneProblem(problems(TumourSites.parse(text: twice, displayPath: "t.yaml")), "the name `Breast` is used twice",
                         line: lineOf("id: skin", in: twice), fix: "its own name")
        let missing = text.replacingOccurrences(of: "other: Other\n", with: "")
        XCTAssertEqual(problems(TumourSites.parse(text: missing, displayPath: "t.yaml")).map(\.message), ["the tumour sites has no `other`"])
    }

    func testThePolicyGivesTheReportsNumbersAndChecksThem() throws {
        let policy = try Policy.parse(text: try shipped("policy.yaml"), displayPath: "p.yaml").get()
        XCTAssertEqual(policy.reports, ReportPolicy(eotsWithinWeeks: 6, topConcerns: 10))
        let text = try shipped("policy.yaml").replacingOccurrences(of: "top-concerns: 10", with: "top-concerns: 0")
        assertOneProblem(problems(Policy.parse(text: text, displayPath: "p.yaml")), "`top-concerns` in `reports` in the policy should be a whole number from 1 to 100",
                         line: lineOf("top-concerns: 0", in: text), fix: "e.g. `top-concerns: 10`")
        let typo = try shipped("policy.yaml").replacingOccurrences(of: "eots-within-weeks: 6", with: "eots-within-week: 6")
        XCTAssertFalse(problems(Policy.parse(text: typo, displayPath: "p.yaml")).isEmpty, "a misspelt key is never silently ignored")
        let without = try shipped("policy.yaml").components(separatedBy: "\nreports:")[0]
        XCTAssertEqual(try Policy.parse(text: without, displayPath: "p.yaml").get().reports, ReportPolicy(), "an older policy file keeps the defaults")
    }

    func testAReportRefusalSaysWhatMayNotBeDone() {
        XCTAssertEqual(Permission.reports.words, "run reports", "not \"may not reports\"")
        XCTAssertEqual(Permission.viewRecords.words, "view records")
    }

    func testAPeriodNamesItsMonthsAndMediansComeFromCounts() {
        let scope = ReportScope(from: LocalDate(year: 2025, month: 11, day: 15)!, to: LocalDate(year: 2026, month: 2, day: 1)!)
        XCTAssertEqual(scope.months, ["2025-11", "2025-12", "2026-01", "2026-02"])
        XCTAssertEqual(percentile([(10, 1), (20, 1), (30, 1)], 0.5), 20)
        XCTAssertEqual(percentile([(5, 3), (40, 1)], 0.5), 5, "three patients at 5 days, one at 40")
        XCTAssertEqual(percentile([(1, 1), (2, 1), (3, 1), (4, 1)], 0.25), 1)
        XCTAssertEqual(percentile([(1, 1), (2, 1), (3, 1), (4, 1)], 0.75), 3)
        XCTAssertNil(percentile([], 0.5), "a median of nothing is missing")
        XCTAssertEqual(ReportCatalogue.reports.map(\.name), ["hna", "care-plans", "time-to-first-hna", "eots", "qof", "follow-up", "results-review", "re-access",
                                                             "concerns", "distress"])
    }

    func testTheREADMEGivesEachReportsDefinitionInTheSameWords() throws {
        let readme = try String(contentsOf: ConfigurationTests.root.appendingPathComponent("README.md"), encoding: .utf8)
        for def in ReportCatalogue.reports {
            XCTAssertTrue(readme.contains("- **`\(def.name)`** (\(def.title); rows by "), "\(def.name) is listed in the README")
            XCTAssertTrue(readme.contains(def.definition), "the README says what \(def.name) counts in the code's words")
        }
    }
}
