import CareplanCore
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import XCTest

/// `careplan cosd` as a registry lead runs it (issue 15): the file written owner-only, what was left out named by
/// patient id on standard error and in the report, exit 3 for that, a role without `reports` refused, and a file
/// already there kept.
final class COSDCommandTests: EndToEndCase {
    func testTheFileTheLeftOutListAndWhoMayWriteIt() throws {
        try addStaff()
        let s = try CareStore(path: store)
        let today = LocalDate(Date())
        var numbers = NHSNumber.fictionalNumbers().makeIterator()
        let catalogue = try ConcernCatalogue.load(from: Paths.packageRoot.appendingPathComponent("Resources/catalogues/ncat-hna.yaml"), displayPath: "c").get()
        let ann = try s.addPatient(Patient(nhsNumber: numbers.next()!, familyName: "Field", givenName: "Ann", dateOfBirth: LocalDate(year: 1958, month: 2, day: 3)!,
                                           diagnosis: "Breast", diagnosisCode: "C50.1"))
        _ = try s.startAssessment(patientId: ann.id!, pathwayPoint: .initialDiagnosis, completedBy: .patient, date: today, catalogue: catalogue,
                                  createdBy: StaffFixture.nurse)
        let bob = try s.addPatient(Patient(nhsNumber: numbers.next()!, familyName: "Lane", givenName: "Bob", dateOfBirth: LocalDate(year: 1949, month: 7, day: 1)!,
                                           diagnosis: "Bowel", diagnosisCode: "bowel"))
        try s.recordHNAOffer(patientId: bob.id!, date: today, pathwayPoint: .other, outcome: .declined, by: StaffFixture.nurse)

        let out = dir.appendingPathComponent("cosd.csv").path, report = dir.appendingPathComponent("left out.txt").path
        let r = try signedIn(["cosd", "--from", today.iso, "--to", today.iso, "--output", out, "--report", report, "--store", store])
        XCTAssertEqual(r.status, 3, r.stderr)
        let left = "patient \(bob.id!), HNA offer 2: the patient's diagnosis code is not an ICD-10 code\n"
        XCTAssertTrue(r.stderr.hasSuffix(left), r.stderr)
        XCTAssertEqual(r.stdout, "1 row(s) for 1 patient(s) written to \(out); 1 event(s) left out (listed above).\n")
        XCTAssertEqual(try String(contentsOfFile: report, encoding: .utf8), left + r.stdout)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8).components(separatedBy: "\r\n").dropFirst().first,
                       "\(ann.nhsNumber.digits),\(ann.id!),1958-02-03,C50.1,,03,02,\(today.iso),01,02,,")
        for path in [out, report] {
            XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue, 0o600, path)
        }
        XCTAssertEqual(try sql("SELECT user, detail FROM audit_log WHERE action = 'exported COSD'"),
                       [["user": "nurse", "detail": "\(today.iso) to \(today.iso): 1 patient(s), 1 row(s), 1 left out, to \(out), events left out listed in \(report)"]])

        // Again: the file is kept without --force; a role that may export but not run reports may not write it.
        let again = try signedIn(["cosd", "--from", today.iso, "--to", today.iso, "--output", out, "--store", store])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("a file is already there"), again.stderr)
        let pw = StaffFixture.password
        let added = try Shell.run(Paths.careplan, ["users", "add", "gp1", "--role", "gp", "--full-name", "Dr Gee", "--as", StaffFixture.administrator,
                                                   "--password-stdin", "--store", store], env: Self.environment, input: "\(pw)\n\(pw)\n\(pw)\n")
        XCTAssertEqual(added.status, 0, added.stderr)
        let gp = try signedIn(["cosd", "--from", today.iso, "--to", today.iso, "--output", dir.appendingPathComponent("gp.csv").path, "--store", store],
                              as: "gp1")
        XCTAssertEqual(gp.status, 1)
        XCTAssertTrue(gp.stderr.contains("may not"), gp.stderr)
        // The refusal is in the trail (t15b #9), by command, with no patient data.
        let refused = try sql("SELECT user, detail FROM audit_log WHERE action = 'refused'")
        XCTAssertEqual(refused.map { $0["user"] }, ["gp1"])
        XCTAssertTrue(refused.first?["detail"]?.hasPrefix("may not run reports: careplan cosd at ") == true, "\(refused)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("gp.csv").path))
    }

    /// Tester findings t15b #4, #5, #6, #12: the report never over the COSD file, stored escape sequences never on
    /// the terminal or in the report, an offer dated `2026-13-45` listed (never lost), exit codes as the README says.
    func testTheReportIsNeverTheCOSDFileAndEveryEventReadIsWrittenOrListedCleanly() throws {
        let (s, ann) = try storeWithAnn()
        let today = LocalDate(Date())
        let good = try s.recordHNAOffer(patientId: ann.id!, date: today, pathwayPoint: .other, outcome: .declined, by: StaffFixture.nurse)
        let bad = try s.recordHNAOffer(patientId: ann.id!, date: today, pathwayPoint: .other, outcome: .declined, by: StaffFixture.nurse)
        let undated = try s.recordHNAOffer(patientId: ann.id!, date: today, pathwayPoint: .other, outcome: .declined, by: StaffFixture.nurse)
        _ = try sql("UPDATE hna_offer SET outcome = '0' || char(27) || '[31m1' || char(10) || char(7) || 'x' WHERE id = \(bad.id)")
        _ = try sql("UPDATE hna_offer SET date = '2026-13-45' WHERE id = \(undated.id)")
        let period = ["cosd", "--from", today.adding(days: -30).iso, "--to", today.iso, "--store", store]

        let same = dir.appendingPathComponent("o7.csv").path
        FileManager.default.createFile(atPath: same, contents: Data("kept".utf8))
        let linked = dir.appendingPathComponent("linked.txt").path
        try FileManager.default.linkItem(atPath: same, toPath: linked)
        for report in [same, linked] {
            let r = try signedIn(period + ["--output", same, "--report", report, "--force"])
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("is the COSD file itself"), r.stderr)
            XCTAssertEqual(try String(contentsOfFile: same, encoding: .utf8), "kept", "nothing written")
        }
        XCTAssertEqual(try sql("SELECT count(*) AS n FROM audit_log WHERE action = 'exported COSD'"), [["n": "0"]])

        let odd = dir.appendingPathComponent("odd\nname.csv").path, report = dir.appendingPathComponent("left.txt").path
        let r = try signedIn(period + ["--output", odd, "--report", report])
        XCTAssertEqual(r.status, 3, "written, with events left out: \(r.stderr)")
        let listed = try String(contentsOfFile: report, encoding: .utf8)
        for text in [r.stderr, r.stdout, listed] {
            XCTAssertFalse(text.contains("\u{1B}") || text.contains("\u{07}"), text)
        }
        XCTAssertTrue(listed.contains("patient \(ann.id!), HNA offer \(bad.id): its outcome `01 x`"), listed)
        XCTAssertTrue(listed.contains("patient \(ann.id!), HNA offer \(undated.id): its date `2026-13-45` is not a date"), listed)
        XCTAssertTrue(listed.hasSuffix(".\n"), "the report ends its last line")
        XCTAssertEqual(r.stdout, "1 row(s) for 1 patient(s) written to \(dir.appendingPathComponent("odd name.csv").path); 2 event(s) left out (listed above).\n")
        XCTAssertEqual(try String(contentsOfFile: odd, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }.count, 2,
                       "the header and offer \(good.id)")

        // Everything written: 0. The report again without --force: the file is there, so nothing is written, once said.
        _ = try sql("DELETE FROM hna_offer WHERE id IN (\(bad.id), \(undated.id))")
        let all = try signedIn(period + ["--output", dir.appendingPathComponent("all.csv").path])
        XCTAssertEqual(all.status, 0, all.stderr)
        let again = try signedIn(period + ["--output", dir.appendingPathComponent("again.csv").path, "--report", report])
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.stderr.components(separatedBy: "othing was written").count, 2, again.stderr)
    }

    /// t15b #3 and #12: the offers' table dropped with sqlite3 is named by `audit --verify` and `check --store`, and
    /// cosd says the store is damaged and what to run, not "database error 1".
    func testADroppedOffersTableIsFoundAndSaidInWords() throws {
        try addStaff()
        let today = LocalDate(Date())
        _ = try sql("DROP TABLE hna_offer")
        let verify = try signedIn(["audit", "--verify", "--store", store])
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.stderr.contains("the table hna_offer is missing"), verify.stderr)
        let check = try Shell.run(Paths.careplan, ["check", "--store", store], env: Self.environment)
        XCTAssertNotEqual(check.status, 0)
        XCTAssertTrue(check.stderr.contains("the table hna_offer is missing"), check.stderr)
        // CAREPLAN_STORE names the store for `check` as --store does (t16 F4: it was left unchecked).
        let byVariable = try Shell.run(Paths.careplan, ["check"], env: Self.environment.merging(["CAREPLAN_STORE": store]) { $1 })
        XCTAssertNotEqual(byVariable.status, 0)
        XCTAssertTrue(byVariable.stderr.contains("the table hna_offer is missing"), byVariable.stderr)
        let cosd = try signedIn(["cosd", "--from", today.iso, "--to", today.iso, "--output", dir.appendingPathComponent("c.csv").path, "--store", store])
        XCTAssertEqual(cosd.status, 1)
        XCTAssertTrue(cosd.stderr.contains("the store is damaged: no such table: hna_offer") && cosd.stderr.contains("careplan check --store"), cosd.stderr)
        XCTAssertFalse(cosd.stderr.contains("database error"), cosd.stderr)
    }
}
