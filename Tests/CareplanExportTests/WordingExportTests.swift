import CareplanCore
import CareplanScreens
@testable import CareplanExport
import Foundation
import XCTest

/// Plans take the labels of coded answers and the distress threshold from Resources/: a test copy with
/// them changed shows the change in every format.
final class WordingExportTests: XCTestCase {
    func testChangedLabelsAndThresholdShowInTextAndFHIR() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("export-words-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        for folder in ["Screens", "Resources"] { try fm.copyItem(at: repositoryRoot.appendingPathComponent(folder), to: dir.appendingPathComponent(folder)) }
        for (file, old, new) in [("codelists.yaml", "label: Clinical nurse specialist", "label: Nyrs clinigol arbenigol"),
                                 ("codelists.yaml", "label: Initial diagnosis", "label: Newly diagnosed"),
                                 ("policy.yaml", "distress-threshold: 4", "distress-threshold: 7")] {
            let url = dir.appendingPathComponent("Resources/\(file)")
            try (try String(contentsOf: url, encoding: .utf8)).replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        }
        let config = try Configuration.load(root: dir).get()
        let (store, shipped) = try sample(.typical, agreed: true)
        XCTAssertEqual(shipped.assessment.distressScore, 6)
        XCTAssertEqual(shipped.assessment.agreedRole, .cns)
        XCTAssertTrue(TextRenderer.render(shipped).contains("6 out of 10 (significant distress)"))

        let a = try store.assessment(id: shipped.assessment.id)!
        var changed = a
        changed.pathwayPoint = .initialDiagnosis
        let doc = PlanDocument(assessment: changed, patient: shipped.patient, catalogue: catalogue, services: config.services,
                               codes: config.codes, policy: config.policy)
        let text = TextRenderer.render(doc)
        XCTAssertTrue(text.contains("Nyrs clinigol arbenigol"), text)
        XCTAssertTrue(text.contains("newly diagnosed"), text)
        XCTAssertTrue(text.contains("6 out of 10") && !text.contains("(significant distress)"), "below the changed threshold: \(text)")
        let fhir = String(decoding: try FHIRRenderer.render(doc), as: UTF8.self)
        XCTAssertTrue(fhir.contains("Nyrs clinigol arbenigol"), fhir)
        XCTAssertTrue(fhir.contains("(newly diagnosed)"), fhir)
    }
}
