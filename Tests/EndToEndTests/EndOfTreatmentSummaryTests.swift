import Foundation
import XCTest

/// Issue 12, done when: a nurse opens a patient, writes an End of Treatment Summary with two treatments and
/// signs it, at 80x24; it shows on the timeline; its PDF, text and FHIR exports, written from its screen, are
/// correct (the FHIR bundle checked with the fhir.resources R4B models, every reference resolving).
final class EndOfTreatmentSummaryTests: EndToEndCase {
    func testANurseWritesSignsAndExportsAnEoTSWithTwoTreatments() throws {
        let t = tmux!
        // Started in the test's folder: the screen's exports go to the current folder.
        try t.start(width: 80, height: 24, command: "cd \(EndToEndCase.quote(dir.path)) && " + careplanCommand())
        try toPatients()
        try t.keys("C-a")
        try t.waitFor(" careplan · Patient details")
        for (text, key) in [("943 476 5919", "Tab"), ("Wiśniewski", "Tab"), ("Siân", "Tab"), ("05/03/1961", "Tab"), ("Breast", "Tab"),
                            ("C50.9", "Tab"), ("01/06/2026", "C-s")] {
            try t.type(text)
            try t.keys(key)
        }
        try t.waitFor(" Patient added")
        try t.keys("w")
        try t.waitFor("‹ End of Treatment Summary ›")
        try t.keys("Enter")
        try t.waitFor("End of Treatment Summary v1 · saved · Section 1 of 10: Diagnosis")
        try t.keys("Down", "Down")
        try t.type("left breast")
        try t.keys("Enter", "C-n")
        try t.waitFor("Section 2 of 10: Treatment given")
        // Two treatments, each a row: a choice narrowed by typing, its dates and details.
        for (kind, start, end, details) in [("surg", "01/07/2026", "01/07/2026", "Wide local excision"),
                                            ("radio", "01/08/2026", "05/09/2026", "40 Gy in 15 fractions")] {
            try t.keys("a")
            try t.waitFor("Treatments: new row")
            try t.type(kind)
            try t.keys("Enter", "Down")
            try t.type(start); try t.keys("Enter")
            try t.type(end); try t.keys("Enter")
            try t.type(details); try t.keys("C-s")
        }
        var screen = try t.waitFor("2 rows · A adds one")
        XCTAssertTrue(screen.contains("2. Radiotherapy (external beam) · Started 01 Aug 2026 · Ended 05 Sep 2026"), screen)
        try t.keys("Down", "Down", "Down")
        try t.type("cur"); try t.keys("Enter", "C-n")
        try t.waitFor("Section 3 of 10")
        try t.keys("Enter"); try t.type("Tiredness for some months; skin soreness"); try t.keys("Escape", "C-n")
        try t.waitFor("Section 4 of 10")
        try t.keys("Enter"); try t.type("A new lump, or swelling in the arm"); try t.keys("Escape", "Down")
        try t.type("Breast CNS team 0113 000 0000"); try t.keys("Enter")
        try t.type("Acute oncology 0113 000 0001"); try t.keys("Enter", "C-n", "C-n")
        try t.waitFor("Section 6 of 10")
        try t.type("self"); try t.keys("Enter", "Down", "Enter")
        try t.type("Mammogram yearly for 5 years"); try t.keys("Escape", "C-n")
        try t.waitFor("Section 7 of 10")
        try t.keys("Enter"); try t.type("Bone health: DEXA scan in 2027"); try t.keys("Escape", "C-n", "C-n", "C-n")
        try t.waitFor("Section 10 of 10")
        // Completed by: the nurse who started it (`default: user`); the staff offered with their roles, and a
        // name typed for someone who is not a user kept as typed.
        try t.waitFor(" Completed by *                Nurse")
        try t.type("nur")
        try t.waitFor("Nurse, Clinical nurse specialist")
        try t.keys("BSpace", "BSpace", "BSpace"); try t.type("Anna Nurse")
        try t.waitFor("“Anna Nurse”, as typed (not one of the staff)")
        try t.keys("Enter", "C-n")
        try t.waitFor("Every required field is filled: S signs and locks it.")
        try t.keys("s")
        try t.waitFor("Sign and lock it as Nurse, Clinical nurse specialist?")
        try t.keys("y")
        try t.waitFor("Signed and locked: End of Treatment Summary, version 1")

        // Exports from the screen: the PDF (the record's copy), the text (the patient's) and FHIR.
        try t.keys("p")
        try t.waitFor("Saved PDF, signed v1:", timeout: 20)
        try t.keys("c", "t")
        try t.waitFor("Saved text, signed v1:")
        try t.keys("f")
        try t.waitFor("Saved FHIR, signed v1:")
        try t.keys("c", "p")                                      // the patient's copy in large print
        try t.waitFor("-large-", timeout: 20)

        // On the timeline, newest first, and openable read-only.
        try t.keys("Escape")
        screen = try t.waitFor("End of Treatment Summary       Signed")
        XCTAssertTrue(screen.contains(" Timeline\n"), screen)
        XCTAssertFalse(screen.contains("EoTS due"), "signed since treatment ended: not due\n\(screen)")
        try t.keys("Enter")
        try t.waitFor("Signed, read only")
        try t.keys("Escape")
        try t.waitFor(" careplan · Patient record")

        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("eots-") }.sorted()
        XCTAssertEqual(files.count, 4, "\(files)")
        XCTAssertEqual(files.filter { $0.contains("-patient-large-") && $0.hasSuffix(".pdf") }.count, 1, "\(files)")
        for f in files {
            let mode = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(f).path)[.posixPermissions] as? Int
            XCTAssertEqual(mode, 0o600, f)
        }
        let text = try XCTUnwrap(files.first { $0.hasSuffix(".txt") })
        XCTAssertTrue(text.contains("-patient-"), text)
        let body = try String(contentsOf: dir.appendingPathComponent(text), encoding: .utf8)
        for expected in ["END OF TREATMENT SUMMARY", "Wide local excision", "40 Gy in 15 fractions", "Curative", "Acute oncology 0113 000 0001",
                         "Anna Nurse", "943 476 5919"] {
            XCTAssertTrue(body.contains(expected), "the text export has “\(expected)”\n\(body)")
        }
        XCTAssertFalse(body.contains("DRAFT"), body)
        XCTAssertTrue(body.split(separator: "\n").allSatisfy { $0.count <= 80 }, "80 columns")

        // FHIR: a document Bundle with a Procedure per treatment, every reference resolving (fhir.resources).
        let fhir = try XCTUnwrap(files.first { $0.hasSuffix(".json") })
        let bundle = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(fhir))) as? [String: Any]
        XCTAssertEqual(bundle?["type"] as? String, "document")
        let kinds = (bundle?["entry"] as? [[String: Any]] ?? []).compactMap { ($0["resource"] as? [String: Any])?["resourceType"] as? String }
        XCTAssertEqual(kinds.first, "Composition")
        XCTAssertEqual(kinds.filter { $0 == "Procedure" }.count, 2, "\(kinds)")
        // As the export tests find it: CAREPLAN_PYTHON, else .ci/fhir-check's virtual environment, else python3.
        let venv = "/opt/careplan-fhir-check/bin/python3"
        let python = try XCTUnwrap(ProcessInfo.processInfo.environment["CAREPLAN_PYTHON"]
                                   ?? (FileManager.default.isExecutableFile(atPath: venv) ? venv : Shell.which("python3")), "python3 checks the bundle")
        let check = try Shell.run(python,
                                  [Paths.packageRoot.appendingPathComponent("Tests/CareplanExportTests/fhir_check.py").path,
                                   dir.appendingPathComponent(fhir).path])
        XCTAssertEqual(check.status, 0, "fhir.resources: \(check.stdout) \(check.stderr)")

        // The PDF: a real PDF with the summary in it (pdftotext), and an image to look at (pdftoppm).
        let pdf = try XCTUnwrap(files.first { $0.hasSuffix(".pdf") && !$0.contains("-large") })
        XCTAssertTrue(pdf.contains("-record-"), pdf)
        guard let pdftotext = Shell.which("pdftotext") else { throw XCTSkip("pdftotext (poppler-utils) is not installed") }
        let words = try Shell.run(pdftotext, ["-layout", dir.appendingPathComponent(pdf).path, "-"])
        for expected in ["End of Treatment Summary", "Wide local excision", "40 Gy in 15 fractions", "Signed · version 1", "clinical record's copy", "page 1 of 2"] {
            XCTAssertTrue(words.stdout.contains(expected), "the PDF has “\(expected)”\n\(words.stdout)")
        }
        if let keep = ProcessInfo.processInfo.environment["CAREPLAN_KEEP_PDF"], let pdftoppm = Shell.which("pdftoppm") {
            _ = try Shell.run(pdftoppm, ["-png", "-r", "60", dir.appendingPathComponent(pdf).path, keep])
        }
    }
}
