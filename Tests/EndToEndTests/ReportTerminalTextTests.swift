import CareplanCore
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import XCTest

/// Tester finding t15b #5: what `careplan report` prints to a terminal (a table, a chart, CSV on standard output,
/// the list of teams when one is not found) carries none of the escape sequences or controls the store may hold.
final class ReportTerminalTextTests: EndToEndCase {
    func testStoredEscapeSequencesNeverReachTheTerminal() throws {
        let (s, ann) = try storeWithAnn()
        let today = LocalDate(Date())
        let offer = try s.recordHNAOffer(patientId: ann.id!, date: today, pathwayPoint: .other, outcome: .declined, by: StaffFixture.nurse)
        _ = try sql("UPDATE hna_offer SET offered_role = char(27) || ']0;T' || char(7) || 'x' WHERE id = \(offer.id)")
        _ = try sql("INSERT INTO team (name, name_key) VALUES ('@SUM(1+1)' || char(27) || '[41mT' || char(10) || 'x', 'evil')")
        _ = try sql("INSERT INTO team (name, name_key) VALUES ('@SUMMARY', 'summary')")
        let period = ["--from", today.iso, "--to", today.iso, "--store", store]
        for args in [["report", "hna", "--by", "role", "--format", "table"], ["report", "hna", "--by", "role", "--format", "csv"],
                     ["report", "hna", "--team", "@SU"]] {
            let r = try signedIn(args + period)
            for text in [r.stdout, r.stderr] {
                XCTAssertFalse(text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(args): \(text.debugDescription)")
            }
            // The ambiguous team is named, cleaned; a role id careplan no longer knows is "Not known", never its text.
            XCTAssertTrue((r.stdout + r.stderr).contains(args.contains("--team") ? "@SUM(1+1)T x" : "Not known"), "\(args): \(r.stdout) \(r.stderr)")
        }
        // A role without `reports` is refused, and the refusal is in the trail (t15b #9).
        let pw = StaffFixture.password
        let added = try Shell.run(Paths.careplan, ["users", "add", "gp1", "--role", "gp", "--full-name", "Dr Gee", "--as", StaffFixture.administrator,
                                                   "--password-stdin", "--store", store], env: Self.environment, input: "\(pw)\n\(pw)\n\(pw)\n")
        XCTAssertEqual(added.status, 0, added.stderr)
        let gp = try signedIn(["report", "hna"] + period, as: "gp1")
        XCTAssertEqual(gp.status, 1)
        XCTAssertTrue(gp.stderr.contains("may not run reports"), gp.stderr)
        XCTAssertTrue(try sql("SELECT detail FROM audit_log WHERE action = 'refused' AND user = 'gp1'").first?["detail"]?
            .hasPrefix("may not run reports: careplan report at ") == true)
    }
}

extension EndToEndCase {
    /// The staff and one patient whose offers the cosd and report tests tamper with.
    func storeWithAnn() throws -> (CareStore, Patient) {
        try addStaff()
        let s = try CareStore(path: store)
        let ann = try s.addPatient(Patient(nhsNumber: Array(NHSNumber.fictionalNumbers().prefix(1))[0], familyName: "Field", givenName: "Ann",
                                           dateOfBirth: LocalDate(year: 1958, month: 2, day: 3)!, diagnosis: "Breast", diagnosisCode: "C50.1"))
        return (s, ann)
    }
}
