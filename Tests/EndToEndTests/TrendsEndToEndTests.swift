import CareplanCore
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import XCTest

/// A patient's trends in the real binary at 80x24 (issue 15): two assessments, T on the record, the change in
/// words and the chart; then the same in a plain (non-UTF-8) locale, where the chart falls back to ASCII.
extension EndToEndCase {
    /// The store staffed, a patient added to it (the first fictional NHS number), and the shipped catalogue, for a
    /// test to give them assessments.
    func addPatientToStore(family: String, given: String) throws -> (CareStore, Patient, ConcernCatalogue) {
        staffTheStore()
        let s = try CareStore(path: store)
        let p = try s.addPatient(Patient(nhsNumber: NHSNumber(FictionalNHS.spaced(1).replacingOccurrences(of: " ", with: ""))!,
                                         familyName: family, givenName: given, dateOfBirth: LocalDate(year: 1958, month: 6, day: 2)!),
                                 by: "seed", now: Date())
        let catalogue = try ConcernCatalogue.load(from: Paths.packageRoot.appendingPathComponent("Resources/catalogues/ncat-hna.yaml"), displayPath: "c").get()
        return (s, p, catalogue)
    }
}

final class TrendsEndToEndTests: EndToEndCase {
    func addPatientWithTwoAssessments() throws {
        let (s, p, catalogue) = try addPatientToStore(family: "Trendall", given: "Tess")
        let today = LocalDate(Date())
        for (days, pain, worry, distress) in [(120, 3, 0, 6), (10, 7, 4, 3)] {
            var a = try s.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician,
                                          date: today.adding(days: -days), catalogue: catalogue, createdBy: "seed", now: Date())
            a = try s.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: pain)), to: a.id, basedOn: a, now: Date())
            if worry > 0 {
                a = try s.apply(.setConcern(ConcernEntry(key: "worry", categoryId: "emotional", label: "Worry, fear or anxiety", score: worry)),
                                to: a.id, basedOn: a, now: Date())
            }
            a = try s.apply(.setDistress(distress), to: a.id, basedOn: a, now: Date())
            if days > 100 { _ = try s.apply(.agree(by: "Nia Nurse", role: .cns, at: Date(), reviewDate: today), to: a.id, basedOn: a, now: Date()) }
        }
    }

    /// careplan in tmux at 80x24, Tess's record open, T pressed: the trend view as shown.
    func openTrends(environment: String = "") throws -> String {
        try addPatientWithTwoAssessments()
        try tmux.start(command: careplanCommand(environment: environment))
        try toPatients()
        try tmux.type("Trendall")
        try tmux.waitFor("TRENDALL, Tess")
        try tmux.keys("Enter")
        try tmux.waitFor(" T trends")
        try tmux.keys("t")
        return try tmux.waitFor(" Trends for Tess Trendall")
    }

    func testTheTrendViewShowsTheChangesInWordsAndSurvivesAResize() throws {
        let screen = try openTrends()
        XCTAssertTrue(screen.contains("2 assessments, oldest to newest."), screen)
        XCTAssertTrue(screen.contains("(in progress)"), "the newest is marked in progress: \(screen)")
        let rows = screen.components(separatedBy: "\n")
        XCTAssertTrue(rows.contains { $0.hasPrefix(" Pain") && $0.contains("▃▆") && $0.hasSuffix("rose") }, screen)
        XCTAssertTrue(rows.contains { $0.hasPrefix(" Worry, fear or anxiety") && $0.hasSuffix("appeared") }, screen)
        XCTAssertTrue(rows.contains { $0.hasPrefix(" Distress (thermometer)") && $0.hasSuffix("fell") }, screen)
        // Smaller and back: the words stay.
        try tmux.resize(width: 60, height: 16)
        try tmux.waitUntil("the smaller table") { $0.contains("rose") && !$0.components(separatedBy: "\n").contains { $0.count > 60 } }
        try tmux.resize(width: 80, height: 24)
        try tmux.waitFor("appeared")
        try tmux.keys("Escape")
        try tmux.waitFor(" Timeline")
        XCTAssertEqual(try sql("SELECT count(*) AS n FROM audit_log WHERE action = 'viewed' AND assessment_id IS NOT NULL").first?["n"].flatMap(Int.init).map { $0 >= 2 }, true)
    }

    func testAPlainLocaleDrawsTheChartInAscii() throws {
        let screen = try openTrends(environment: "CAREPLAN_CHARTS=ascii ")
        XCTAssertTrue(screen.components(separatedBy: "\n").contains { $0.hasPrefix(" Pain") && $0.contains(":+") && $0.hasSuffix("rose") }, screen)
        XCTAssertFalse(screen.contains("▆"), screen)
    }
}
