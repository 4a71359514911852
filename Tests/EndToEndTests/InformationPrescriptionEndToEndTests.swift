import Foundation
import XCTest

/// Issue 13, done when: an information prescription is given from the care plan and printed. A nurse opens a
/// patient's care plan at 80x24, picks two items of the library by typing a filter, records them as handed
/// over and saves the prescription as a PDF; the record lists both; the PDF holds their titles (pdftotext);
/// `careplan export --information` writes the same as text; every export is in the audit trail.
final class InformationPrescriptionEndToEndTests: EndToEndCase {
    func testANurseGivesTwoItemsFromTheCarePlanAndPrintsThePrescription() throws {
        let t = tmux!
        // Started in the test's folder: the screen's exports go to the current folder.
        try t.start(width: 80, height: 24, command: "cd \(EndToEndCase.quote(dir.path)) && " + careplanCommand())
        try toPatients()
        try addPatient(nhs: "943 476 5919", family: "Wiśniewski", given: "Siân")
        try startAssessment()
        try t.type("pain")
        try t.waitFor("[ ] Pain")
        try rate("Pain", 8)
        try t.keys("Escape", "C-n")
        try t.waitFor("careplan · Prioritise")
        try t.keys("Space", "C-n", "C-n", "C-n")
        try t.waitFor("careplan · Review and agree")
        try t.waitFor(" I info ")

        try t.keys("i")
        try t.waitFor("Information for Siân Wiśniewski · from the care plan")
        try t.type("fear")
        try t.waitFor("[ ] Living with the fear of cancer coming back")
        try t.keys("Space")
        try t.waitFor("1 chosen")
        try t.keys("BSpace", "BSpace", "BSpace", "BSpace")
        try t.type("look")
        try t.waitFor("[ ] After treatment: what to look out for")
        try t.keys("Space")
        try t.waitFor("2 chosen")
        try t.keys("Enter")
        try t.waitFor("Give 2 items to Siân Wiśniewski · from the care plan")
        try t.waitFor("‹ handed over ›")
        try t.keys("Enter")                             // records from "How given", as the key line says
        try t.waitFor("Print the information prescription for the patient now?")
        try t.keys("p")
        let saved = try t.waitFor("Saved PDF, the information prescription of")
        XCTAssertTrue(saved.contains("information-Wiśniewski-9434765919-"), saved)

        // The plan lists what was given from it; the record lists both, from the care plan.
        try t.keys("PageDown")
        try t.waitFor("Information given")
        try t.keys("Escape")
        try t.waitFor("careplan · Patient record")
        try t.waitFor("(Tab: information and events, 2)")
        try t.keys("Tab")
        let record = try t.waitFor("Information and events")
        // Two lines an item: the whole title, then how, by whom and from where.
        let details = record.split(separator: "\n").filter { $0.contains("handed over") }
        XCTAssertEqual(details.count, 2, record)
        XCTAssertTrue(record.contains("Living with the fear of cancer coming back") && record.contains("After treatment: what to look out for"), record)
        XCTAssertTrue(details.allSatisfy { $0.contains("Nurse") && $0.contains("from care plan") }, record)

        // The PDF: both titles and where to find them; an image to look at.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("information-") }
        let pdf = try XCTUnwrap(files.first { $0.hasSuffix(".pdf") }, "\(files)")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(pdf).path)[.posixPermissions] as? Int, 0o600)
        guard let pdftotext = Shell.which("pdftotext") else { throw XCTSkip("pdftotext (poppler-utils) is not installed") }
        let words = try Shell.run(pdftotext, [dir.appendingPathComponent(pdf).path, "-"]).stdout
        for text in ["Information prescription", "After treatment: what to look out for", "Living with the fear of cancer coming back",
                     "Riverside Centre, Tuesdays 2pm", "943 476 5919"] {
            XCTAssertTrue(words.contains(text), "\(text) in\n\(words)")
        }
        if let pdftoppm = Shell.which("pdftoppm"), let keep = ProcessInfo.processInfo.environment["CAREPLAN_EXPORT_SAMPLES"] {
            _ = try Shell.run(pdftoppm, ["-png", "-r", "60", dir.appendingPathComponent(pdf).path, keep + "/e2e-information"])
        }

        // The same from the command line, as text.
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let said = try cli(["export", "--information", "9434765919", "--format", "text", "--output", out.path + "/"])
        XCTAssertTrue(said.contains(", 2 items"), said)
        let text = try String(contentsOf: out.appendingPathComponent(try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: out.path).first)),
                              encoding: .utf8)
        XCTAssertTrue(text.contains("1. Living with the fear of cancer coming back") && text.contains("2. After treatment: what to look out for"), text)
        let refused = try signedIn(["export", "--information", "9434765919", "--date", "01/01/2020", "--output", out.path + "/", "--store", store])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("Nothing was given to Siân Wiśniewski on 01 Jan 2020"), refused.stderr)

        let trail = try sql("SELECT detail FROM audit_log WHERE action = 'exported information prescription' ORDER BY id").map { $0["detail"]! }
        XCTAssertEqual(trail.count, 2, "\(trail)")
        XCTAssertTrue(trail[0].hasPrefix("2 item(s) as pdf to \(dir.path)/information-"), trail[0])
        let given = try sql("SELECT how, assessment_id FROM information_given ORDER BY id")
        XCTAssertEqual(given.map { $0["how"]! }, ["handed-over", "handed-over"])
        XCTAssertFalse(given.contains { $0["assessment_id"] == "NULL" }, "\(given)")
    }
}
