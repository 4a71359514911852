import CareplanCore
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import XCTest

/// Follow-up from the command line and the terminal (issue 14): `careplan results import` records a file's rows
/// or rejects them with their reasons, with a progress bar on a terminal; a moved test clock is said on the
/// title bar and in the audit trail.
final class FollowUpCommandTests: EndToEndCase {
    static let colorectal = try! Pathway.load(from: Paths.packageRoot.appendingPathComponent("Resources/pathways/colorectal.yaml"), displayPath: "c").get()

    /// `count` patients on the colorectal pathway for four years; a CSV of every CEA due by today, a bad NHS
    /// number every 50th row.
    func patientsAndFile(_ count: Int) throws -> (csv: String, rows: Int, bad: Int) {
        try addStaff()
        let s = try CareStore(path: store)
        let start = LocalDate(Date()).adding(months: -50)
        var numbers = NHSNumber.fictionalNumbers().makeIterator()
        var lines = ["NHS number,test,date,value,unit"], bad = 0
        for i in 0..<count {
            let p = try s.addPatient(Patient(nhsNumber: numbers.next()!, familyName: "Field\(i)", givenName: "Ann", dateOfBirth: LocalDate(year: 1958, month: 2, day: 3)!))
            _ = try s.enrol(patientId: p.id!, pathway: Self.colorectal, start: start, by: "nurse")
            for t in Self.colorectal.schedule(from: start) where t.code == "cea" && t.due <= LocalDate(Date()) {
                let wrong = lines.count % 50 == 0
                if wrong { bad += 1 }
                lines.append("\(wrong ? "1234567890" : p.nhsNumber.digits),cea,\(t.due.iso),\(i == 0 ? "12.5" : "2"),ug/L")
            }
        }
        let csv = dir.appendingPathComponent("lab results.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        return (csv, lines.count - 1, bad)
    }

    func testResultsLoadFromAFileWithEveryRejectedRowReportedAndAReportFile() throws {
        let (csv, rows, bad) = try patientsAndFile(20)
        let report = dir.appendingPathComponent("report.txt").path
        let r = try signedIn(["results", "import", csv, "--report", report, "--store", store])
        XCTAssertEqual(r.status, 3, "some rows rejected: \(r.stderr)")
        XCTAssertTrue(r.stdout.hasPrefix("Results from lab results.csv: \(rows) row(s); \(rows - bad) recorded"), r.stdout)
        XCTAssertTrue(r.stdout.contains("(7 to review)"), "the first patient's 7 CEAs, above 5: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("; \(bad) rejected.\nline 51: rejected: NHS number: Not a valid NHS number"), r.stdout)
        XCTAssertFalse(r.stderr.contains("Loading results"), "no progress bar where standard error is no terminal")
        XCTAssertEqual(try String(contentsOfFile: report, encoding: .utf8), r.stdout)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: report)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let s = try CareStore(path: store)
        let first = try s.enrolments(patientId: 1)[0]
        XCTAssertEqual(try s.results(enrolmentId: first.id).filter(\.needsReview).count, 7)
        // Again: the report file is not overwritten without --force, and that is found before anything is loaded.
        let loads = { try s.auditTrail().filter { $0.action == "loaded results from a file" }.count }
        let before = try loads()
        for (path, why) in [(report, "a file is already there"), ("-", "give a path"), (dir.path, "it is a folder"),
                            (dir.appendingPathComponent("no/such/report.txt").path, "does not exist")] {
            let refused = try signedIn(["results", "import", csv, "--report", path, "--store", store])
            XCTAssertEqual(refused.status, 1)
            XCTAssertTrue(refused.stderr.contains(why) && refused.stderr.contains("Nothing was recorded"), refused.stderr)
            XCTAssertEqual(refused.stdout, "")
        }
        XCTAssertEqual(try loads(), before, "nothing loaded")
        // Every row recorded already: nothing recorded, exit 1 (as the README says).
        let again = try signedIn(["results", "import", csv, "--report", report, "--force", "--store", store])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stdout.contains("; 0 recorded; \(rows) rejected"), again.stdout)
        XCTAssertTrue(again.stdout.contains("line 2: rejected: a result of this test taken that day is recorded already"), again.stdout)
        // A file that is not there, or has no header for the columns: nothing recorded, and said.
        let missing = try signedIn(["results", "import", dir.appendingPathComponent("none.csv").path, "--store", store])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("Nothing was recorded"), missing.stderr)
        let headless = dir.appendingPathComponent("headless.csv").path
        try "9434765919,cea,2026-01-01,1,ug/L\n".write(toFile: headless, atomically: true, encoding: .utf8)
        let noHeader = try signedIn(["results", "import", headless, "--store", store])
        XCTAssertEqual(noHeader.status, 1)
        XCTAssertTrue(noHeader.stderr.contains("the first line has no column “nhs number”"), noHeader.stderr)
    }

    func testAProgressBarShowsOnATerminal() throws {
        let (csv, rows, _) = try patientsAndFile(400)
        let password = dir.appendingPathComponent("pw").path
        try (StaffFixture.password + "\n").write(toFile: password, atomically: true, encoding: .utf8)
        let q = EndToEndCase.quote
        try tmux.start("r", width: 100, height: 10, remainOnExit: true,
                       command: "exec env LANG=C.UTF-8 CAREPLAN_HOME=\(q(Paths.packageRoot.path)) \(q(Paths.careplan)) results import \(q(csv)) "
                           + "--store \(q(store)) --as nurse --password-stdin < \(q(password)) > /dev/null")
        // Read once it has finished, from the pane's history too: when the pane dies, tmux may scroll the bar off the screen.
        try tmux.waitUntil("the import to finish", in: "r", timeout: 180) { _ in (try? self.tmux.display("#{pane_dead}", "r")) == "1" }
        let seen = try tmux.tmux(["capture-pane", "-p", "-S", "-", "-t", "r"])
        XCTAssertTrue(seen.contains("Loading results [\(String(repeating: "#", count: 30))] \(rows)/\(rows) rows"), seen)
    }

    func testAMovedClockIsSaidOnTheTitleBarAndInTheAuditTrail() throws {
        // Refused on a store an administrator has not marked for training (finding A2), saying how.
        staffTheStore()
        let refused = try Shell.run(Paths.careplan, ["--store", store], env: Self.environment.merging(["CAREPLAN_CLOCK_OFFSET_DAYS": "30"]) { $1 })
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("not marked as a training store") && refused.stderr.contains("careplan users training-store yes"), refused.stderr)
        XCTAssertTrue(try cli(["users", "training-store", "yes"]).contains("This is a training store"))
        try tmux.start("t", command: careplanCommand(environment: "CAREPLAN_CLOCK_OFFSET_DAYS=30 "))
        let moved = LocalDate(Date()).adding(days: 30).display
        try tmux.waitFor(" TEST CLOCK: today is \(moved) (+30 days) · careplan · Worklist")
        let trail = try CareStore(path: store).auditTrail()
        XCTAssertTrue(trail.contains { $0.action == "started with the test clock moved" && $0.detail.contains("+30 days")
                && $0.detail.hasSuffix("; test clock \(LocalDate(Date()).adding(days: 30).iso)") }, "every entry meanwhile says so")
        // A value careplan cannot read is refused, not taken as the real clock.
        let r = try Shell.run(Paths.careplan, ["--store", store], env: Self.environment.merging(["CAREPLAN_CLOCK_OFFSET_DAYS": "a month"]) { $1 })
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("CAREPLAN_CLOCK_OFFSET_DAYS should be a whole number of days"), r.stderr)
    }
}
