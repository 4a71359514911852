import XCTest
@testable import CareplanCore

/// The real Screens/ and Resources/ load, and broken files are reported with file, line and a fix.
final class ConfigurationTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    // The core loader takes the kinds as data; the application's lists live in CareplanScreens.ScreenKind.
    static let kinds: Set<String> = ["patient-register", "patient-form", "patient-record", "assessment-start", "concern-checklist",
                                     "prioritise", "conversation-notes", "agreed-actions", "plan-review"]
    static let kioskKinds: Set<String> = ["kiosk-welcome", "kiosk-identify", "kiosk-checklist", "kiosk-distress", "kiosk-message",
                                          "kiosk-review", "kiosk-thanks", "kiosk-staff"]
    static var known: [String: Set<String>] { ["clinician": kinds, "kiosk": kioskKinds] }

    func testTheShippedFilesLoad() throws {
        let config = try Configuration.load(root: Self.root, knownKinds: Self.known, requiredKinds: Self.known).get()
        XCTAssertEqual(config.flows["kiosk"]?.mode, .kiosk)
        XCTAssertEqual(config.flows["kiosk"]?.setting(.idleSeconds), 180)
        XCTAssertEqual(config.flows["clinician"]?.setting(.kioskCodeHours), 24, "the default")
        let catalogue = try XCTUnwrap(config.catalogues["ncat-hna"])
        let concerns = catalogue.categories.filter { !$0.isInformation }
        XCTAssertEqual(concerns.map { $0.items.count }, [24, 9, 3, 9, 3], "the 48 concerns of the 2011 checklist, by category")
        XCTAssertEqual(catalogue.categories.last?.items.count, 9, "lifestyle and information")
        XCTAssertEqual(catalogue.item("pain")?.item.label, "Pain")
        XCTAssertEqual(config.flows["clinician"]?.steps.map(\.stepName), ["Checklist", "Prioritise", "Notes", "Actions", "Review"])
        XCTAssertFalse(config.services.services.isEmpty)
    }

    func testYAMLSyntaxErrorGivesItsLine() {
        let text = "id: x\nversion: \"1\"\ntitle: t\ncategories:\n  - id: a\n    title: [unclosed\n"
        guard case .failure(let e) = ConcernCatalogue.parse(text: text, displayPath: "bad.yaml") else { return XCTFail("loaded") }
        XCTAssertEqual(e.problems.first?.file, "bad.yaml")
        XCTAssertTrue(e.problems.first!.message.hasPrefix("YAML syntax"), e.description)
        XCTAssertGreaterThanOrEqual(e.problems.first!.line, 6)
    }

    func testEveryProblemIsReportedWithLineAndFix() {
        let text = """
            id: test
            version: "1"
            title: Test
            categories:
              - id: physical
                title: Physical
                items:
                  - {id: pain, label: Pain}
                  - {id: pain, label: Pain again}
                  - {id: Bad Id, label: x}
                  - {id: sleep, lable: Sleep}
            """
        guard case .failure(let e) = ConcernCatalogue.parse(text: text, displayPath: "c.yaml") else { return XCTFail("loaded") }
        let byLine = Dictionary(grouping: e.problems, by: \.line)
        XCTAssertTrue(byLine[9]?.contains { $0.message.contains("`pain` is used twice (first on line 8)") } == true, e.description)
        XCTAssertTrue(byLine[10]?.contains { $0.message.contains("not a valid id") } == true, e.description)
        XCTAssertTrue(byLine[11]?.contains { $0.message.contains("unknown key `lable`") && $0.fix.contains("did you mean `label`") } == true, e.description)
        XCTAssertTrue(e.problems.contains { $0.message.contains("has no `label`") }, e.description)
        XCTAssertTrue(e.description.contains("c.yaml:11:"), e.description)
    }

    func testFlowProblems() {
        let text = """
            id: clinician
            title: careplan
            catalogue: ncat-hna
            start: register
            screens:
              - id: register
                kind: patient-registr
                title: Patients
                help: Find patients
                next: nowhere
            """
        guard case .failure(let e) = Flow.parse(text: text, displayPath: "Screens/clinician.yaml", knownKinds: Self.kinds,
                                                requiredKinds: ["patient-register", "plan-review"]) else { return XCTFail("loaded") }
        XCTAssertTrue(e.problems.contains { $0.line == 7 && $0.message == "unknown screen kind `patient-registr`" && $0.fix.hasPrefix("did you mean `patient-register`?") }, e.description)
        XCTAssertTrue(e.problems.contains { $0.line == 10 && $0.message.contains("`next: nowhere` names no screen") }, e.description)
        XCTAssertTrue(e.problems.contains { $0.message.contains("no screen of kind `plan-review`") }, e.description)
    }

    func testServicesMustReferToCatalogueIds() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Resources/catalogues"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Screens"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Resources/catalogues/ncat-hna.yaml"),
                                         to: dir.appendingPathComponent("Resources/catalogues/ncat-hna.yaml"))
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Screens/clinician.yaml"), to: dir.appendingPathComponent("Screens/clinician.yaml"))
        for name in ["codelists.yaml", "policy.yaml", "wording.yaml"] {
            try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Resources/\(name)"), to: dir.appendingPathComponent("Resources/\(name)"))
        }
        try "services:\n  - {id: x, name: X, contact: '1', helps-with: [pain, nonsense]}\n".write(to: dir.appendingPathComponent("Resources/services.yaml"), atomically: true, encoding: .utf8)
        guard case .failure(let e) = Configuration.load(root: dir, knownKinds: Self.known, requiredKinds: ["clinician": Self.kinds]) else {
            return XCTFail("loaded")
        }
        XCTAssertEqual(e.problems.count, 1, e.description)
        XCTAssertTrue(e.problems[0].message.contains("`nonsense`"), e.description)
    }
}
