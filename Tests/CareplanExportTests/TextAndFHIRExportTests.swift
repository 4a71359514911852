import CareplanCore
@testable import CareplanExport
import Foundation
import XCTest

final class TextExportTests: XCTestCase {
    /// Golden file: `CAREPLAN_RECORD_GOLDEN=1 swift test --filter TextExportTests` re-records it on purpose.
    func testGoldenPlainText() throws {
        let (_, doc) = try sample(.typical, agreed: true)
        let text = String(decoding: try PlanExporter.render(doc, format: .text), as: UTF8.self)
        let golden = repositoryRoot.appendingPathComponent("Tests/CareplanExportTests/Golden/typical-agreed.txt")
        if ProcessInfo.processInfo.environment["CAREPLAN_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        XCTAssertEqual(text, expected, "plain text differs from \(golden.path) (re-record with CAREPLAN_RECORD_GOLDEN=1 if the change is wanted)")
    }

    func testEveryLineFitsEightyColumnsInAnyScript() throws {
        for kind in SamplePlans.Kind.allCases {
            let (_, doc) = try sample(kind, agreed: false, printedAt: Date(timeIntervalSince1970: 1_709_650_000))
            let text = String(decoding: try PlanExporter.render(doc, format: .text), as: UTF8.self)
            for line in text.split(separator: "\n") {
                XCTAssertLessThanOrEqual(TextRenderer.displayWidth(line), 80, "\(kind): \(line)")
            }
            XCTAssertTrue(text.hasPrefix(TextRenderer.center("*** DRAFT: NOT YET AGREED ***")))
            for d in doc.discussed { XCTAssertTrue(text.contains(d.concern.label), "\(kind): \(d.concern.label)") }
        }
    }

    func testWrapKeepsEveryCharacter() {
        let s = "Zażółć " + String(repeating: "日本", count: 50) + " and " + String(repeating: "a", count: 200) + "\n\nend"
        let lines = TextRenderer.wrap(s, width: 30)
        XCTAssertTrue(lines.allSatisfy { TextRenderer.displayWidth($0) <= 30 })
        XCTAssertEqual(lines.joined().filter { !$0.isWhitespace }, s.filter { !$0.isWhitespace })
        XCTAssertEqual(lines.last, "end")
    }

    /// Issue 9, item 19: a long name pushed the NHS number across two lines of the text export.
    func testTheNHSNumberIsNeverSplitInTheTextExport() throws {
        let (_, doc) = try sample(.typical, agreed: true)
        for length in stride(from: 30, through: 90, by: 3) {
            var long = doc
            long.identity.name = String(repeating: "Ab ", count: length / 3) + "ALLEN-SMITH, Jane"
            let text = TextRenderer.render(long)
            XCTAssertTrue(text.split(separator: "\n").contains { $0.contains("NHS number \(doc.identity.nhsNumber)") },
                          "name of \(long.identity.name.count) characters:\n" + text.split(separator: "\n").prefix(6).joined(separator: "\n"))
        }
    }
}

final class FHIRExportTests: XCTestCase {
    func bundle(_ doc: PlanDocument) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: try PlanExporter.render(doc, format: .fhir)) as! [String: Any]
    }

    /// Every `reference` anywhere in `value`.
    func references(in value: Any) -> [String] {
        if let d = value as? [String: Any] {
            return (d["reference"] as? String).map { [$0] }.map { $0 + d.filter { $0.key != "reference" }.values.flatMap(references) }
                ?? d.values.flatMap(references)
        }
        if let a = value as? [Any] { return a.flatMap(references) }
        return []
    }

    /// The R4 elements with a minimum cardinality of 1 (and the document-bundle invariants bdl-9, bdl-10).
    static let required: [String: [String]] = [
        "Bundle": ["type", "identifier", "timestamp", "entry"],
        "Composition": ["status", "type", "date", "author", "title"],
        "Patient": [],
        "Practitioner": [],
        "QuestionnaireResponse": ["status"],
        "Condition": ["subject"],
        "CarePlan": ["status", "intent", "subject"],
        "Goal": ["lifecycleStatus", "description", "subject"],
    ]

    func testBundleStructureAndReferencesResolve() throws {
        for (kind, agreed) in [(SamplePlans.Kind.typical, true), (.long, false), (.multilingual, true)] {
            let (_, doc) = try sample(kind, agreed: agreed)
            let b = try bundle(doc)
            XCTAssertEqual(b["resourceType"] as? String, "Bundle")
            XCTAssertEqual(b["type"] as? String, "document")
            for key in Self.required["Bundle"]! { XCTAssertNotNil(b[key], "Bundle.\(key)") }
            let entries = b["entry"] as! [[String: Any]]
            let resources = entries.map { $0["resource"] as! [String: Any] }
            XCTAssertEqual(resources.first?["resourceType"] as? String, "Composition", "a document starts with its Composition")

            let uuidPattern = try NSRegularExpression(pattern: "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            var fullUrls = Set<String>()
            for (e, r) in zip(entries, resources) {
                let url = e["fullUrl"] as! String
                XCTAssertNotNil(uuidPattern.firstMatch(in: url, range: NSRange(url.startIndex..., in: url)), url)
                XCTAssertTrue(fullUrls.insert(url).inserted, "duplicate fullUrl \(url)")
                XCTAssertEqual(r["id"] as? String, String(url.dropFirst(9)), "resource id matches its fullUrl")
                let type = r["resourceType"] as! String
                for key in Self.required[type] ?? [] { XCTAssertNotNil(r[key], "\(type).\(key) is required") }
            }
            for ref in references(in: b) { XCTAssertTrue(fullUrls.contains(ref), "\(kind): reference \(ref) does not resolve inside the bundle") }

            func all(_ type: String) -> [[String: Any]] { resources.filter { $0["resourceType"] as? String == type } }
            let patient = all("Patient")[0]
            let identifier = (patient["identifier"] as! [[String: Any]])[0]
            XCTAssertEqual(identifier["system"] as? String, "https://fhir.nhs.uk/Id/nhs-number")
            XCTAssertEqual(identifier["value"] as? String, doc.patient.nhsNumber.digits)

            let conditions = all("Condition")
            XCTAssertEqual(conditions.count, doc.discussed.count)
            for c in conditions {
                let codes = (c["category"] as! [[String: Any]]).flatMap { ($0["coding"] as! [[String: Any]]).map { $0["code"] as! String } }
                XCTAssertEqual(codes, ["health-concern"])
            }
            let carePlan = all("CarePlan")[0]
            let addressed = Set((carePlan["addresses"] as! [[String: Any]]).map { $0["reference"] as! String })
            XCTAssertEqual(addressed, Set(entries.filter { ($0["resource"] as! [String: Any])["resourceType"] as? String == "Condition" }.map { $0["fullUrl"] as! String }))
            let activities = carePlan["activity"] as! [[String: Any]]
            XCTAssertEqual(activities.count, (doc.discussed + doc.information).reduce(0) { $0 + $1.actions.count })
            for act in activities {
                let detail = act["detail"] as! [String: Any]
                XCTAssertNotNil(detail["status"], "CarePlan.activity.detail.status is required")
                XCTAssertNotNil(detail["performer"])
            }
            XCTAssertEqual(carePlan["status"] as? String, agreed ? "active" : "draft")
            XCTAssertEqual(all("Goal").count, 1)
            let response = all("QuestionnaireResponse")[0]
            let answered = (response["item"] as! [[String: Any]]).flatMap { ($0["item"] as? [[String: Any]]) ?? [] }
            XCTAssertEqual(answered.count, doc.assessment.concerns.count)
            for item in answered + (response["item"] as! [[String: Any]]) { XCTAssertNotNil(item["linkId"], "linkId is required") }
        }
    }

    func testUUIDsAreDeterministicAndStandard() {
        // RFC 4122 appendix B's example (as corrected by errata): "www.example.com" in the DNS namespace.
        let dns: [UInt8] = [0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
        XCTAssertEqual(DeterministicUUID.make("www.example.com", namespace: dns), "2ed6657d-e927-568b-95e1-2665a8aea6a2")
        XCTAssertEqual(SHA1.digest(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined(), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(DeterministicUUID.make("a"), DeterministicUUID.make("a"))
        XCTAssertNotEqual(DeterministicUUID.make("a"), DeterministicUUID.make("b"))
    }

    /// Issue 9, item 20: a draft exported twice had one Bundle.identifier for two different documents.
    func testBundleIdentifierIsUniquePerDocument() throws {
        func identifier(_ doc: PlanDocument) throws -> String {
            let b = try bundle(doc)
            XCTAssertEqual(b["id"] as? String, ((b["identifier"] as? [String: Any])?["value"] as? String)?.replacingOccurrences(of: "urn:uuid:", with: ""))
            return try XCTUnwrap((b["identifier"] as? [String: Any])?["value"] as? String)
        }
        let (store, first) = try sample(.typical, agreed: false, printedAt: Date(timeIntervalSince1970: 1_709_650_000))
        var second = first
        second.printedAt = Date(timeIntervalSince1970: 1_709_650_060)
        XCTAssertNotEqual(try identifier(first), try identifier(second), "the same draft printed a minute later")
        let changed = try store.apply(.setDistress(2), to: first.assessment.id, basedOn: first.assessment, now: first.assessment.updatedAt)
        let third = PlanDocument(assessment: changed, patient: first.patient, catalogue: catalogue, services: testConfiguration.services, codes: testConfiguration.codes, policy: testConfiguration.policy,
                                 printedAt: first.printedAt)
        XCTAssertNotEqual(try identifier(first), try identifier(third), "the draft changed")
        let (_, agreed) = try sample(.typical, agreed: true, printedAt: Date())
        let (_, again) = try sample(.typical, agreed: true, printedAt: Date().addingTimeInterval(3600))
        XCTAssertEqual(try identifier(agreed), try identifier(again), "a locked plan is the same document every time")
    }
}
