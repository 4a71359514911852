import CareplanCore
import CareplanSQLite
import Foundation
import XCTest

/// `careplan report` (issue 15): the list, each report in each format, a private output file never overwritten
/// without --force, and bad input said clearly with an exit status and no trace; `careplan check` reads the
/// tumour sites and the policy's report numbers.
final class ReportCommandEndToEndTests: EndToEndCase {
    /// Two patients with agreed plans in November 2026 (one breast in the Breast team, one not coded).
    func plans() throws {
        try addStaff()
        let s = try CareStore(path: store)
        let admin = try XCTUnwrap(try s.users().first { $0.roleId == UserRole.administratorId })
        let team = try s.addTeam(named: "Breast team", by: admin.userName, now: Date())
        let catalogue = try ConcernCatalogue.load(from: Paths.packageRoot.appendingPathComponent("Resources/catalogues/ncat-hna.yaml"), displayPath: "c").get()
        for (digits, code, teamId) in [("9434765919", "C50.1", team.id as Int64?), ("9990000026", "", nil)] {
            let p = try s.addPatient(Patient(nhsNumber: NHSNumber(digits)!, familyName: "Field", givenName: "Ann", dateOfBirth: LocalDate(year: 1958, month: 2, day: 3)!,
                                             diagnosisCode: code, teamId: teamId))
            let a = try s.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician,
                                          date: LocalDate(year: 2026, month: 11, day: 2)!, catalogue: catalogue, createdBy: "nurse", now: Date())
            let agreedAt = Date(timeIntervalSince1970: TimeInterval(LocalDate(year: 2026, month: 11, day: 3)!.dayNumber * 86400 + 43200))
            _ = try s.apply(.agree(by: "Nia Nurse", role: .cns, at: agreedAt, reviewDate: LocalDate(year: 2027, month: 2, day: 1)!), to: a.id, basedOn: a)
        }
    }

    let november = ["--from", "2026-11-01", "--to", "2026-11-30"]

    func testEachFormatCountsTheSameAndAFileIsPrivateAndNeverOverwritten() throws {
        try plans()
        let table = try signedIn(["report", "care-plans", "--by", "site"] + november + ["--store", store])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix("Care plans agreed\n2026-11-01 to 2026-11-30, every team\n"), table.stdout)
        XCTAssertTrue(table.stdout.contains("\nBreast                         1               0           1\n"), table.stdout)
        XCTAssertTrue(table.stdout.contains("\nNot coded                      1               0           1\n"), table.stdout)
        XCTAssertTrue(table.stdout.contains("\nTotal                          2               0           2\n"), table.stdout)
        let team = try signedIn(["report", "care-plans", "--team", "breast", "--format", "json"] + november + ["--store", store])
        XCTAssertEqual(team.status, 0, team.stderr)
        XCTAssertTrue(team.stdout.contains("\"team\": \"Breast team\""), team.stdout)
        XCTAssertTrue(team.stdout.contains("[\"2026-11\", 1, 0, 1]"), "months ISO; the start of a team's name, as `users add --team`: \(team.stdout)")

        let csv = dir.appendingPathComponent("plans.csv").path
        let written = try signedIn(["report", "care-plans", "--format", "csv", "--output", csv] + november + ["--store", store])
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertEqual(written.stdout, "")
        XCTAssertTrue(written.stderr.contains("(2026-11-01 to 2026-11-30, every team) to \(csv)"), written.stderr)
        let data = try Data(contentsOf: URL(fileURLWithPath: csv))
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "\u{FEFF}Month,New plans agreed,Reviews agreed,All agreed\r\n2026-11,2,0,2\r\nTotal,2,0,2\r\n")
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: csv)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let again = try signedIn(["report", "care-plans", "--format", "csv", "--output", csv] + november + ["--store", store])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("already"), again.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: csv)), data)
        XCTAssertEqual(try signedIn(["report", "distress", "--format", "csv", "--output", csv, "--force"] + november + ["--store", store]).status, 0)
        // A CSV is one header row and its rows: the notes are said on standard error (the JSON carries them).
        let eots = try signedIn(["report", "eots", "--format", "csv", "--by", "team", "--output", dir.path + "/"] + november + ["--store", store])
        XCTAssertEqual(eots.status, 0, eots.stderr)
        let inFolder = dir.appendingPathComponent("report-eots-2026-11-01-to-2026-11-30.csv").path
        XCTAssertTrue(eots.stderr.contains("to \(inFolder)\nNote: On time: written within 6 weeks"), "a folder gets the report's name: \(eots.stderr)")
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: inFolder)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let runs = try CareStore(path: store).auditTrail(patientId: nil).filter { $0.action.hasPrefix("ran report") }
        XCTAssertEqual(runs.map(\.action), ["ran report care-plans", "ran report care-plans", "ran report care-plans", "ran report distress", "ran report eots"],
                       "the refused overwrite was checked before the report ran")
        XCTAssertEqual(runs.map(\.said), ["2026-11-01 to 2026-11-30, table, by site", "2026-11-01 to 2026-11-30, team 1, json",
                                          "2026-11-01 to 2026-11-30, csv to \(csv)", "2026-11-01 to 2026-11-30, csv to \(csv)",
                                          "2026-11-01 to 2026-11-30, csv, by team to \(dir.path)/ (a new file in the folder)"],
                       "the team, the breakdown and the file are recorded")
        XCTAssertTrue(runs.allSatisfy { $0.patientId == nil && $0.user == "nurse" })
    }

    func testBadInputIsSaidWithAnExitStatusAndNoTrace() throws {
        try plans()
        let list = try Shell.run(Paths.careplan, ["report"], env: Self.environment)
        XCTAssertEqual(list.status, 0)
        XCTAssertTrue(list.stdout.contains("  care-plans         care plans completed and agreed"), list.stdout)
        for (args, status, words) in [
            (["report", "care-plans", "--from", "31/11/2026"], 64, "--from `31/11/2026` is not a date: write it as year-month-day"),
            (["report", "care-plans", "--from", "2026-12-01", "--to", "2026-11-01"], 64, "--from 2026-12-01 is after --to 2026-11-01"),
            (["report", "caer-plans"], 64, "there is no report `caer-plans`"),
            (["report", "concerns", "--by", "team"], 64, "the concerns report has rows of its own: leave out --by"),
            (["report", "care-plans", "--team", "Lung"], 1, "there is no team Lung: see `careplan teams list`"),
            (["report", "concerns", "--by", "month"], 64, "Usage: careplan report"),
            (["report", "care-plans", "--to", "9999-12-31"], 64, "--to `9999-12-31` is outside the years careplan takes (1800 to 2200)"),
            (["report", "care-plans", "--format", "csv", "--output", "h.txt"], 1, "--format csv writes .csv: name the file so (.txt is for --format table)"),
            (["report", "care-plans", "--format", "pdf"], 64, "--format pdf needs --output FILE"),
        ] as [([String], Int32, String)] {
            let r = try signedIn(args + ["--store", store])
            XCTAssertEqual(r.status, status, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(words), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Stack dump"), r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        let check = try Shell.run(Paths.careplan, ["check"], env: Self.environment)
        XCTAssertTrue(check.stdout.contains("OK: reports: 12 tumour site groups; EoTS on time within 6 weeks, top 10 concerns"), check.stdout)
    }

    func testCheckRefusesABrokenTumourSiteFile() throws {
        let config = try Paths.copyOfScreensAndResources()
        defer { try? FileManager.default.removeItem(at: config) }
        let url = config.appendingPathComponent("Resources/tumour-sites.yaml")
        try (try String(contentsOf: url, encoding: .utf8)).replacingOccurrences(of: "icd10: [C61]", with: "icd10: [C61, C50]")
            .write(to: url, atomically: true, encoding: .utf8)
        let r = try Shell.run(Paths.careplan, ["check"], env: ["CAREPLAN_HOME": config.path, "LANG": "C.UTF-8"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("Resources/tumour-sites.yaml:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("`C50` in the tumour site `prostate` overlaps `C50-C50` of `breast`"), r.stderr)
    }
}
