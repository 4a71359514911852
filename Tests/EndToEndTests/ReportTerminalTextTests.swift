import CareplanCore
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import XCTest

/// Tester finding t15b #5: what `careplan report` prints to a terminal (a table, a chart, CSV on standard output,
/// the list of teams when one is not found) carries none of the escape sequences or controls the store may hold.
final class ReportTerminalTextTests: EndToEndCase {
    func testStoredEscapeSequencesNeverReachTheTerminal() throws {
        try addStaff()
        let s = try CareStore(path: store)
        let today = LocalDate(Date())
        let ann = try s.addPatient(Patient(nhsNumber: Array(NHSNumber.fictionalNumbers().prefix(1))[0], familyName: "Field", givenName: "Ann",
                                           dateOfBirth: LocalDate(year: 1958, month: 2, day: 3)!, diagnosis: "Breast", diagnosisCode: "C50.1"))
        let offer = try s.recordHNAOffer(patientId: ann.id!, date: today, pathwayPoint: .other, outcome: .declined, by: StaffFixture.nurse)
        _ = try sql("UPDATE hna_offer SET offered_role = char(27) || ']0;T' || char(7) || 'x' WHERE id = \(offer.id)")
        _ = try sql("INSERT INTO team (name, name_key) VALUES ('@SUM(1+1)' || char(27) || '[41mT' || char(10) || 'x', 'evil')")
        let period = ["--from", today.iso, "--to", today.iso, "--store", store]
        for args in [["report", "hna", "--by", "role", "--format", "table"], ["report", "hna", "--by", "role", "--format", "csv"],
                     ["report", "hna", "--team", "99"]] {
            let r = try signedIn(args + period)
            for text in [r.stdout, r.stderr] {
                XCTAssertFalse(text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(args): \(text.debugDescription)")
            }
            XCTAssertTrue((r.stdout + r.stderr).contains(args.contains("--team") ? "@SUM(1+1)T x" : "x"), "\(args): \(r.stdout) \(r.stderr)")
        }
    }
}
