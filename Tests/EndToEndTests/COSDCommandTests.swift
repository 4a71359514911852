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
                       [["user": "nurse", "detail": "\(today.iso) to \(today.iso): 1 patient(s), 1 row(s), 1 left out, to \(out)"]])

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
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("gp.csv").path))
    }
}
