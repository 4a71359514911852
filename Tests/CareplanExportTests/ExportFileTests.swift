import CareplanCore
@testable import CareplanExport
import Foundation
import XCTest

final class ExportFileTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_709_650_000)

    func storeWithPlan(agreed: Bool = true) throws -> (CareStore, Assessment, Patient) {
        let store = try CareStore()
        let id = try SamplePlans.add(.typical, to: store, catalogue: catalogue, services: testConfiguration.services, agreed: agreed)
        let a = try store.assessment(id: id)!
        return (store, a, try store.patient(id: a.patientId)!)
    }

    func files(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    func testExportByNHSNumberWritesPrivateFileAndRecordsIt() throws {
        let (store, a, p) = try storeWithPlan()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = try PlanExporter.export(target: p.nhsNumber.formatted, format: .pdf, paper: .a4, output: folder.path, store: store,
                                          configuration: testConfiguration, user: "Rhian Price", now: now)
        XCTAssertEqual(url.lastPathComponent, "care-plan-Okafor-2024-03-05.pdf")
        XCTAssertEqual(files(in: folder), ["care-plan-Okafor-2024-03-05.pdf"], "no temporary file is left behind")
        let mode = (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as! NSNumber).intValue
        XCTAssertEqual(mode & 0o777, 0o600)
        let log = try store.exports(assessmentId: a.id)
        XCTAssertEqual(log.count, 1)
        XCTAssertEqual(log[0].format, "pdf")
        XCTAssertEqual(log[0].exportedBy, "Rhian Price")
        XCTAssertEqual(log[0].exportedAt, now)
        XCTAssertEqual(log[0].destination, url.path)
        XCTAssertEqual(log[0].planStatus, .agreed)

        // By assessment id, to a named file, replacing it whole.
        let named = folder.appendingPathComponent("plan.txt")
        try Data("old".utf8).write(to: named)
        let again = try PlanExporter.export(target: "\(a.id)", format: .text, paper: .a4, output: named.path, store: store,
                                            configuration: testConfiguration, user: "Rhian Price", now: now)
        XCTAssertEqual(again.path, named.path)
        XCTAssertTrue(try String(contentsOf: named, encoding: .utf8).contains("PERSONALISED CARE AND SUPPORT PLAN"))
        XCTAssertEqual(try store.exports(assessmentId: a.id).map(\.format), ["pdf", "text"])
        XCTAssertEqual(files(in: folder).count, 2)
    }

    func testLatestAssessmentIsExportedForAnNHSNumber() throws {
        let (store, a, p) = try storeWithPlan()
        let newer = try store.newVersion(of: a.id, createdBy: "Rhian Price")
        let resolved = try PlanExporter.resolve(target: p.nhsNumber.digits, store: store)
        XCTAssertEqual(resolved.0.id, newer.id)
    }

    func testBadInputSaysWhatIsWrongAndWritesNothing() throws {
        let (store, _, _) = try storeWithPlan()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = try store.addPatient(Patient(nhsNumber: Array(NHSNumber.fictionalNumbers().dropFirst(5).prefix(1))[0], familyName: "Evans",
                                                 givenName: "Dai", dateOfBirth: LocalDate(year: 1970, month: 2, day: 3)!))
        let unknown = Array(NHSNumber.fictionalNumbers().dropFirst(9).prefix(1))[0]
        let cases: [(String, String?, ExportError)] = [
            (unknown.formatted, nil, .unknownPatient(nhsNumber: unknown.formatted)),
            ("4242", nil, .unknownAssessment(4242)),
            (empty.nhsNumber.digits, nil, .noAssessment(patient: "EVANS, Dai", nhsNumber: empty.nhsNumber.formatted)),
        ]
        for (target, output, expected) in cases {
            XCTAssertThrowsError(try PlanExporter.export(target: target, format: .pdf, paper: .a4, output: output ?? folder.path, store: store,
                                                         configuration: testConfiguration, user: "x", now: now)) { error in
                XCTAssertEqual(error as? ExportError, expected)
            }
        }
        for bad in ["943 476 5918", "Smith", ""] {
            XCTAssertThrowsError(try PlanExporter.resolve(target: bad, store: store)) { error in
                guard case .badTarget(let why) = error as? ExportError else { return XCTFail("\(error)") }
                XCTAssertFalse(why.isEmpty)
            }
        }
        // Unwritable places: a missing folder, a path under a file.
        let file = folder.appendingPathComponent("a-file")
        try Data().write(to: file)
        for out in [folder.appendingPathComponent("missing/plan.pdf").path, file.path + "/plan.pdf"] {
            XCTAssertThrowsError(try PlanExporter.export(target: "1", format: .pdf, paper: .a4, output: out, store: store,
                                                         configuration: testConfiguration, user: "x", now: now)) { error in
                guard case .cannotWrite = error as? ExportError else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".contains("Nothing was written"))
            }
        }
        XCTAssertEqual(files(in: folder), ["a-file"])
        XCTAssertEqual(try store.exports(assessmentId: 1), [], "a failed export is not recorded")
    }

    func testAtomicWriteFailsCleanlyOnAReadOnlyFolder() throws {
        // Root ignores permissions; /proc is read-only for everyone.
        XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: URL(fileURLWithPath: "/proc/careplan-test.pdf")))
    }

    func testDefaultFileNames() throws {
        let (_, doc) = try sample(.multilingual, agreed: true)
        let day = LocalDate(year: 2024, month: 3, day: 5)!
        XCTAssertEqual(PlanExporter.defaultFileName(for: doc, format: .pdf, today: day), "care-plan-Wisniewski-2024-03-05.pdf")
        var other = doc
        other.patient.familyName = "ó Súilleabháin-Jones"
        XCTAssertEqual(PlanExporter.defaultFileName(for: other, format: .fhir, today: day), "care-plan-o-Suilleabhain-Jones-2024-03-05.json")
        other.patient.familyName = "山田"
        XCTAssertEqual(PlanExporter.defaultFileName(for: other, format: .text, today: day), "care-plan-2024-03-05.txt")
        other.patient.familyName = "../../etc/passwd"
        XCTAssertEqual(PlanExporter.defaultFileName(for: other, format: .text, today: day), "care-plan-etcpasswd-2024-03-05.txt")
    }

    func testExportLogMigration() throws {
        XCTAssertTrue(try CareStore().appliedMigrations().contains("v2: export log"))
        let store = try CareStore()
        XCTAssertThrowsError(try store.recordExport(assessmentId: 99, format: "pdf", destination: "x", by: "y"))
    }

    func testPrintingWithoutCUPSSaysSoAndKeepsTheFile() throws {
        guard Printer.lpPath() == nil else { throw XCTSkip("CUPS is installed here") }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("p.pdf")
        try Data("%PDF-".utf8).write(to: file)
        guard case .failure(let e) = Printer.print(file) else { return XCTFail("printed without lp?") }
        XCTAssertTrue(e.description.contains("not available"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: file.path))
    }
}
