import CareplanCore
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import XCTest

/// The Reports screen in the real binary at 80x24 (issue 15): F6 from the patients, a report run on its default
/// period, its table and chart shown, saved as CSV into the folder careplan runs in.
final class ReportsEndToEndTests: EndToEndCase {
    /// careplan in tmux at 80x24 in this test's folder, F6 from the patients, the HNA report run on its default
    /// period: the table as shown.
    @discardableResult
    func runTheHNAReportOnScreen() throws -> String {
        try tmux.start(command: "cd \(EndToEndCase.quote(dir.path)) && " + careplanCommand())
        try toPatients()
        try tmux.keys("F6")
        try tmux.waitFor(" careplan · Reports")
        try tmux.waitFor("HNAs offered, accepted, declined")
        try tmux.keys("Enter")
        try tmux.waitFor(" Breakdown ")
        try tmux.keys("C-s")
        return try tmux.waitFor(" Month ")
    }

    func testAReportRunsOnScreenAndSavesAsCSV() throws {
        let (s, p, catalogue) = try addPatientToStore(family: "Reporter", given: "Rae")
        _ = try s.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patient, date: LocalDate(Date()),
                                  catalogue: catalogue, createdBy: "seed", now: Date())
        let screen = try runTheHNAReportOnScreen()
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

    /// The save step's Where: a folder gets a new file named for the report, a new path is written (0600), and
    /// an existing file or a symbolic link is refused with nothing written through it.
    func testWhereTheReportIsSavedIsAFolderOrANewFileNeverOneReplacedNorALink() throws {
        _ = try addPatientToStore(family: "Reporter", given: "Rae")
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try Data("keep".utf8).write(to: out.appendingPathComponent("taken.csv"))
        try FileManager.default.createSymbolicLink(atPath: out.appendingPathComponent("link.csv").path, withDestinationPath: "/tmp/elsewhere.csv")
        try runTheHNAReportOnScreen()
        func save(_ path: String, expect: String) throws -> String {
            try tmux.keys("s")
            try tmux.waitFor("Where")
            try tmux.keys("Tab")
            try tmux.type(path)
            try tmux.keys("Enter")
            return try tmux.waitFor(expect)
        }
        _ = try save("out", expect: "Saved")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix("report-hna-") }.count, 1)
        _ = try save("out/mine.csv", expect: "mine.csv")
        let mine = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("mine.csv").path)
        XCTAssertEqual((mine[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let taken = try save("out/taken.csv", expect: "already there")
        XCTAssertTrue(taken.contains("Not saved"), taken)
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("taken.csv"), encoding: .utf8), "keep")
        let link = try save("out/link.csv", expect: "symbolic link")
        XCTAssertTrue(link.contains("Not saved"), link)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/elsewhere.csv"))
    }
}
