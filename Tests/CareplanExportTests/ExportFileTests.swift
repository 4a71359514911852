import CareplanCore
import CareplanSQLite
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
                                          configuration: testConfiguration, user: "Rhian Price", now: now).url
        let name = "care-plan-Okafor-\(p.nhsNumber.digits)-plan\(a.id)-v1-2024-03-05.pdf"
        XCTAssertEqual(url.lastPathComponent, name)
        XCTAssertEqual(files(in: folder), [name], "no temporary file is left behind")
        let mode = (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as! NSNumber).intValue
        XCTAssertEqual(mode & 0o777, 0o600)
        let log = try store.exports(assessmentId: a.id)
        XCTAssertEqual(log.count, 1)
        XCTAssertEqual(log[0].format, "pdf")
        XCTAssertEqual(log[0].exportedBy, "Rhian Price")
        XCTAssertEqual(log[0].exportedAt, now)
        XCTAssertEqual(log[0].destination, url.path)
        XCTAssertEqual(log[0].planStatus, .agreed)

        // By assessment id, to a named file, replacing it whole (asked for with force).
        let named = folder.appendingPathComponent("plan.txt")
        try Data("old".utf8).write(to: named)
        let again = try PlanExporter.export(target: "\(a.id)", format: .text, paper: .a4, output: named.path, force: true, store: store,
                                            configuration: testConfiguration, user: "Rhian Price", now: now).url
        XCTAssertEqual(again.path, named.path)
        XCTAssertTrue(try String(contentsOf: named, encoding: .utf8).contains("PERSONALISED CARE AND SUPPORT PLAN"))
        XCTAssertEqual(try store.exports(assessmentId: a.id).map(\.format), ["pdf", "text"])
        XCTAssertEqual(files(in: folder).count, 2)
    }

    /// Issue 9, item 9: an NHS number exported the newest draft version instead of the agreed plan.
    func testAnNHSNumberExportsTheLatestAgreedPlanAndDraftsOnRequest() throws {
        let (store, agreed, p) = try storeWithPlan()
        let draft = try store.newVersion(of: agreed.id, createdBy: "Rhian Price")
        XCTAssertEqual(try PlanExporter.resolve(target: p.nhsNumber.digits, store: store).0.id, agreed.id)
        XCTAssertEqual(try PlanExporter.resolve(target: p.nhsNumber.digits, store: store, draft: true).0.id, draft.id)
        XCTAssertEqual(try PlanExporter.resolve(target: "\(draft.id)", store: store).0.id, draft.id, "an assessment id names one plan")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try PlanExporter.export(target: p.nhsNumber.formatted, format: .text, paper: .a4, output: folder.path, store: store,
                                          configuration: testConfiguration, user: "x", now: now)
        XCTAssertEqual(out.assessment.id, agreed.id)
        XCTAssertEqual(out.planDescription, "the agreed plan, version 1 (assessment \(agreed.id))")
        let drafted = try PlanExporter.export(target: p.nhsNumber.formatted, draft: true, format: .text, paper: .a4, output: folder.path,
                                              store: store, configuration: testConfiguration, user: "x", now: now)
        XCTAssertEqual(drafted.planDescription, "a DRAFT, version 2 (assessment \(draft.id)), not yet agreed")

        // Only a draft: saying so, and how to export it.
        let (drafts, onlyDraft, q) = try storeWithPlan(agreed: false)
        XCTAssertThrowsError(try PlanExporter.resolve(target: q.nhsNumber.digits, store: drafts)) { error in
            XCTAssertEqual(error as? ExportError, .noAgreedPlan(patient: q.displayName, nhsNumber: q.nhsNumber.formatted, draftId: onlyDraft.id))
            XCTAssertTrue("\(error)".contains("--draft"))
        }
        XCTAssertEqual(try PlanExporter.resolve(target: q.nhsNumber.digits, store: drafts, draft: true).0.id, onlyDraft.id)
    }

    /// Issue 9, item 8: a second patient with the same family name replaced the first one's plan.
    func testExportsIntoAFolderNeverReplaceOneAnother() throws {
        let (store, a, _) = try storeWithPlan()
        let other = try SamplePlans.add(.typical, to: store, catalogue: catalogue, services: testConfiguration.services, agreed: true, serial: 1)
        XCTAssertNotEqual(try store.assessment(id: other)!.patientId, a.patientId)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var written: [URL] = []
        for target in ["\(a.id)", "\(other)", "\(a.id)"] {
            written.append(try PlanExporter.export(target: target, format: .text, paper: .a4, output: folder.path, store: store,
                                                   configuration: testConfiguration, user: "x", now: now).url)
        }
        XCTAssertEqual(Set(written).count, 3)
        XCTAssertEqual(files(in: folder).count, 3, "\(files(in: folder))")
        XCTAssertTrue(written[2].lastPathComponent.hasSuffix("-2024-03-05-2.txt"), written[2].lastPathComponent)
        // The review screen's keys export with no output: the current folder, so the same new-name rule.
        let (_, doc) = try sample(.typical, agreed: true)
        guard case .folder(let cwd, _) = try PlanExporter.destination(output: nil, doc: doc, format: .pdf, today: LocalDate(year: 2024, month: 3, day: 5)!,
                                                                      currentDirectory: folder.path) else { return XCTFail("not a folder") }
        XCTAssertEqual(cwd.standardizedFileURL.path, folder.path)
        for (url, id) in zip(written, [a.id, other, a.id]) {
            XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).contains("Plan reference: \(id)") , url.lastPathComponent)
        }
    }

    /// Issue 9, item 7: devices, FIFOs, symbolic links and existing files were replaced by a plan.
    func testAFileIsWrittenOnlyToARegularFileOrANewPath() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = Data("plan".utf8)
        func refused(_ url: URL, replace: Bool, _ why: String) {
            XCTAssertThrowsError(try AtomicFile.write(data, to: url, replace: replace)) { error in
                XCTAssertTrue("\(error)".contains(why) && "\(error)".contains("Nothing was written"), "\(url.path): \(error)")
            }
        }
        refused(URL(fileURLWithPath: "/dev/null"), replace: true, "it is a device")
        let fifo = folder.appendingPathComponent("fifo")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        refused(fifo, replace: true, "it is a pipe")
        let kept = folder.appendingPathComponent("kept.txt")
        try Data("kept".utf8).write(to: kept)
        let link = folder.appendingPathComponent("link.txt")
        XCTAssertEqual(symlink(kept.path, link.path), 0)
        refused(link, replace: true, "symbolic link")
        XCTAssertThrowsError(try PlanExporter.destination(output: link.path, doc: try sample(.typical, agreed: true).1, format: .text,
                                                          today: LocalDate(year: 2024, month: 3, day: 5)!))
        refused(kept, replace: false, "--force")
        XCTAssertEqual(try String(contentsOf: kept, encoding: .utf8), "kept")
        XCTAssertEqual(chmod(kept.path, 0o444), 0)
        refused(kept, replace: true, "read-only")
        XCTAssertEqual(try String(contentsOf: kept, encoding: .utf8), "kept")
        XCTAssertEqual(chmod(kept.path, 0o644), 0)
        XCTAssertEqual(try AtomicFile.write(data, to: kept, replace: true), kept)
        XCTAssertEqual(try Data(contentsOf: kept), data)
        let fresh = folder.appendingPathComponent("fresh.txt")
        XCTAssertEqual(try AtomicFile.write(data, to: fresh), fresh)
        XCTAssertEqual(files(in: folder), ["fifo", "fresh.txt", "kept.txt", "link.txt"], "no temporary file is left behind")
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

    /// `--output ex2.txt/ --force` replaced the file ex2.txt; `--output existing.txt/x.txt` called the file a
    /// missing folder; `--output ""` wrote into the current folder, `-` made a file named `-`; `--format fhir
    /// --output plan.pdf` wrote JSON into a .pdf. Each is refused, saying what is wrong, and nothing is written.
    func testAnOutputThatCannotMeanWhatItSaysIsRefused() throws {
        let (store, _, _) = try storeWithPlan()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let existing = folder.appendingPathComponent("existing.txt")
        try Data("keep".utf8).write(to: existing)
        let cases: [(String, ExportFormat, String)] = [
            (existing.path + "/", .text, "\(existing.path) is a file, not a folder (the / at the end of --output means a folder)"),
            (existing.path + "/x.txt", .text, "\(existing.path) is a file, not a folder"),
            ("", .text, "--output is empty"),
            ("-", .text, "careplan does not write plans to standard output"),
            (folder.appendingPathComponent("plan.pdf").path, .fhir, "--format fhir writes FHIR JSON: name the file .json"),
            (folder.appendingPathComponent("plan.TXT").path, .pdf, "--format pdf writes a PDF: name the file .pdf"),
            (folder.appendingPathComponent("plan.json").path, .text, "--format text writes plain text: name the file .txt"),
        ]
        for (output, format, words) in cases {
            XCTAssertThrowsError(try PlanExporter.export(target: "1", format: format, paper: .a4, output: output, force: true, store: store,
                                                         configuration: testConfiguration, user: "x", now: now),
                                 "--output \(output)") { error in
                XCTAssertTrue("\(error)".contains(words) && "\(error)".contains("Nothing was written"), "--output \(output): \(error)")
            }
        }
        XCTAssertEqual(files(in: folder), ["existing.txt"])
        XCTAssertEqual(try String(contentsOf: existing, encoding: .utf8), "keep")
        XCTAssertEqual(try store.exports(assessmentId: 1), [], "a refused export is not recorded")
        // A name the format fits, in any case, and a name with no known extension are written.
        for name in ["plan.JSON", "plan.fhir"] {
            XCTAssertNoThrow(try PlanExporter.export(target: "1", format: .fhir, paper: .a4, output: folder.appendingPathComponent(name).path,
                                                     store: store, configuration: testConfiguration, user: "x", now: now), name)
        }
    }

    func testAtomicWriteFailsCleanlyOnAReadOnlyFolder() throws {
        // Root ignores permissions; /proc is read-only for everyone.
        XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: URL(fileURLWithPath: "/proc/careplan-test.pdf")))
    }

    func testDefaultFileNames() throws {
        let (_, doc) = try sample(.multilingual, agreed: true)
        let day = LocalDate(year: 2024, month: 3, day: 5)!
        let unique = "-\(doc.patient.nhsNumber.digits)-plan\(doc.assessment.id)-v1-2024-03-05"
        XCTAssertEqual(PlanExporter.defaultFileName(for: doc, format: .pdf, today: day), "care-plan-Wiśniewski\(unique).pdf")
        var other = doc
        other.patient.familyName = "ó Súilleabháin-Jones"
        XCTAssertEqual(PlanExporter.defaultFileName(for: other, format: .fhir, today: day), "care-plan-ó-Súilleabháin-Jones\(unique).json")
        other.patient.familyName = "Łódź"
        XCTAssertEqual(PlanExporter.defaultFileName(for: other, format: .text, today: day), "care-plan-Łódź\(unique).txt")
        other.patient.familyName = "山田"
        XCTAssertEqual(PlanExporter.defaultFileName(for: other, format: .text, today: day), "care-plan-山田\(unique).txt")
        other.patient.familyName = "../../etc/passwd\u{202E}"
        XCTAssertEqual(PlanExporter.defaultFileName(for: other, format: .text, today: day), "care-plan-etcpasswd\(unique).txt")
        other.isDraft = true
        XCTAssertTrue(PlanExporter.defaultFileName(for: other, format: .text, today: day).hasSuffix("-v1-DRAFT-2024-03-05.txt"))
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
