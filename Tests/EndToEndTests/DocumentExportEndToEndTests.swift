import CareplanCore
import CareplanSQLite
import Foundation
import XCTest

/// `careplan export --document`, the real binary on a store holding a signed End of Treatment Summary with
/// two treatments (written through the repository, as the form will): each format lands as a private file
/// named for the document, is recorded in the audit trail, and bad requests are refused in words.
final class DocumentExportEndToEndTests: EndToEndCase {
    func testASignedSummaryExportsInEveryFormatFromTheCommandLine() throws {
        _ = try cli(["seed", "--patients", "2"])
        let root = Paths.packageRoot
        let url = root.appendingPathComponent("Resources/documents/eots.yaml")
        let codes = try CodeLists.load(from: root.appendingPathComponent("Resources/codelists.yaml"), displayPath: "c",
                                       documentLists: DocumentTemplate.codeListsNamed(in: [url])).get()
        let services = try ServiceDirectory.load(from: root.appendingPathComponent("Resources/services.yaml"), displayPath: "s").get()
        let roles = try Roles.load(from: root.appendingPathComponent("Resources/roles.yaml"), displayPath: "r").get()
        let eots = try DocumentTemplate.load(from: url, displayPath: "eots.yaml",
                                             context: .init(codes: codes, services: services, roles: roles)).get()

        let repository = try CareStore(path: store)
        let patient = try XCTUnwrap(try repository.allPatients().first?.patient)
        var d = try repository.createDocument(template: eots, patientId: patient.id!, createdBy: "Nurse")
        let answers: [(String, FieldValue)] = [
            ("diagnosis", .text("Carcinoma of the left breast")), ("diagnosis-date", .date(LocalDate(year: 2026, month: 3, day: 2)!)),
            ("treatment-aim", .codes(["curative"])), ("side-effects", .text("Tiredness.")), ("red-flag-symptoms", .text("A new lump.")),
            ("contact-in-hours", .text("CNS 0113 000 0000")), ("contact-out-of-hours", .text("Acute oncology 0113 000 0001")),
            ("follow-up-pathway", .codes(["supported-self-management"])), ("follow-up-plan", .text("Yearly mammogram.")),
            ("gp-actions", .text("Bone density scan in 2 years.")), ("completed-by", .person(name: "Nurse", staffId: nil)),
        ]
        for (field, value) in answers { d = try repository.apply(.setField(field, value), to: d, template: eots, by: "Nurse") }
        for (type, start, end) in [("01", 4, 4), ("05", 6, 7)] {
            d = try repository.apply(.saveRow(group: "treatments", DocumentRow(values: [
                "treatment-type": .codes([type]), "start-date": .date(LocalDate(year: 2026, month: start, day: 1)!),
                "end-date": .date(LocalDate(year: 2026, month: end, day: 20)!)])), to: d, template: eots, by: "Nurse")
        }
        d = try repository.sign(documentId: d.id, revision: d.revision, template: eots, by: "Nurse", role: "clinical-nurse-specialist")

        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let said = try cli(["export", "--document", "\(d.id)", "--format", "text", "--copy", "gp", "--output", out.path + "/"])
        XCTAssertTrue(said.contains("End of Treatment Summary, version 1 (document \(d.id)), signed, GP's copy"), said)
        _ = try cli(["export", "--document", "\(d.id)", "--format", "pdf", "--large-print", "--output", out.path + "/"])
        _ = try cli(["export", "--document", "\(d.id)", "--format", "fhir", "--output", out.path + "/"])
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertEqual(files.count, 3, "\(files)")
        XCTAssertTrue(files.allSatisfy { $0.hasPrefix("eots-") && $0.contains("-doc\(d.id)-v1-") && !$0.contains("DRAFT") }, "\(files)")
        XCTAssertTrue(files.contains { $0.contains("-record-large-") && $0.hasSuffix(".pdf") }, "\(files)")
        for f in files {
            let mode = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(f).path)[.posixPermissions] as? NSNumber
            XCTAssertEqual(mode?.intValue, 0o600, f)
        }
        let text = try String(contentsOf: out.appendingPathComponent(files.first { $0.hasSuffix(".txt") }!), encoding: .utf8)
        XCTAssertLessThan(try XCTUnwrap(text.range(of: "ACTIONS FOR THE GP")).lowerBound, try XCTUnwrap(text.range(of: "TREATMENT GIVEN")).lowerBound)
        let bundle = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent(files.first { $0.hasSuffix(".json") }!))) as! [String: Any]
        let types = (bundle["entry"] as! [[String: Any]]).map { ($0["resource"] as! [String: Any])["resourceType"] as! String }
        XCTAssertEqual(types.filter { $0 == "Procedure" }.count, 2)

        let trail = try sql("SELECT detail FROM audit_log WHERE action = 'exported document' ORDER BY id").map { $0["detail"]! }
        XCTAssertEqual(trail.count, 3)
        XCTAssertTrue(trail[1].hasPrefix("document \(d.id) (eots) as pdf large print to \(out.path)/"), trail[1])

        // Refused in words, nothing written.
        for (args, message) in [(["--document", "999"], "There is no document 999 in this store"),
                                (["--document", "\(d.id)", "--format", "text", "--large-print"], "--large-print is for the PDF"),
                                (["--document", "\(d.id)", "9434765919"], "Give either --document or a plan")] {
            let r = try signedIn(["export"] + args + ["--output", out.path + "/", "--store", store])
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).count, 3)

        // A copy of the store in hostile hands: what was signed changed with sqlite3. Export refuses it, verify names it.
        guard let sqlite3 = Paths.sqlite3 else { throw XCTSkip("sqlite3 is not installed (apt-get install sqlite3)") }
        let changed = try Shell.run(sqlite3, [store, "UPDATE document_value SET value = replace(value, 'A new lump.', 'Nothing.') WHERE document_id = \(d.id); "
                                                + "UPDATE document SET signed_by = 'gp1' WHERE id = \(d.id);"])
        XCTAssertEqual(changed.status, 0, changed.stderr)
        let refused = try signedIn(["export", "--document", "\(d.id)", "--format", "text", "--output", out.path + "/", "--store", store])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("document \(d.id) was changed after it was signed: what the store holds is not what Nurse signed"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("Not exported"), refused.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).count, 3, "nothing written")
        let verify = try signedIn(["audit", "--verify", "--store", store])
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.stderr.contains("document \(d.id) was changed after it was signed"), verify.stderr)
    }
}
