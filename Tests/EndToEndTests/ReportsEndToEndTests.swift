import CareplanCore
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import XCTest

/// The Reports screen in the real binary at 80x24 (issue 15): F6 from the patients, a report run on its default
/// period, its table and chart shown, saved as CSV into the folder careplan runs in.
final class ReportsEndToEndTests: EndToEndCase {
    func testAReportRunsOnScreenAndSavesAsCSV() throws {
        let (s, p, catalogue) = try addPatientToStore(family: "Reporter", given: "Rae")
        _ = try s.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patient, date: LocalDate(Date()),
                                  catalogue: catalogue, createdBy: "seed", now: Date())
        try tmux.start(command: "cd \(EndToEndCase.quote(dir.path)) && " + careplanCommand())
        try toPatients()
        try tmux.keys("F6")
        try tmux.waitFor(" careplan · Reports")
        try tmux.waitFor("HNAs offered, accepted, declined")
        try tmux.keys("Enter")
        try tmux.waitFor(" Breakdown ")
        try tmux.keys("C-s")
        let screen = try tmux.waitFor(" Month ")
        XCTAssertTrue(screen.contains(" Total "), screen)
        XCTAssertTrue(screen.contains("HNAs offered (offers)"), screen)
        XCTAssertTrue(screen.contains("█"), "the chart's bar: \(screen)")
        try tmux.keys("s")
        try tmux.waitFor("Save as")
        try tmux.keys("Enter")
        try tmux.waitFor("Saved")
        let saved = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".csv") }
        XCTAssertEqual(saved.count, 1, "\(saved)")
        let text = try String(contentsOf: dir.appendingPathComponent(saved[0]), encoding: .utf8)
        XCTAssertTrue(text.contains("Month,Offered"), text)
        XCTAssertTrue(try sql("SELECT action FROM audit_log WHERE action LIKE 'ran report%'").count >= 2, "the run and the file audited")
    }
}
