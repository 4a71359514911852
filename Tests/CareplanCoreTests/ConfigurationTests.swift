import XCTest
@testable import CareplanCore

/// Broken files are reported with file, line and a fix.
final class ConfigurationTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    // The core loader takes the screen kinds as data; the application's own are in CareplanScreens.ScreenRegistry
    // (whose tests load the shipped flows). These two are enough to check the loader.
    static let kinds = [
        ScreenKindSpec(id: "patient-register", mode: .clinician, needs: .nothing, exits: [.required("open", "Enter")]),
        ScreenKindSpec(id: "plan-review", mode: .clinician, needs: .assessment, exits: [.required("done", "Esc")], inEveryFlow: true),
    ]

    func testYAMLSyntaxErrorGivesItsLine() {
        let text = "id: x\nversion: \"1\"\ntitle: t\ncategories:\n  - id: a\n    title: [unclosed\n"
        guard case .failure(let e) = ConcernCatalogue.parse(text: text, displayPath: "bad.yaml") else { return XCTFail("loaded") }
        XCTAssertEqual(e.problems.first?.file, "bad.yaml")
        XCTAssertTrue(e.problems.first!.message.hasPrefix("YAML syntax"), e.description)
        XCTAssertGreaterThanOrEqual(e.problems.first!.line, 6)
    }

    /// A "billion laughs": nine levels of aliases, each nine of the one before, in a few hundred bytes.
    static let bomb: String = {
        var lines = ["# expands to 9^9 strings", "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        let names = Array("abcdefghi").map(String.init)
        for (before, name) in zip(names, names.dropFirst()) {
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(before)", count: 9).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    /// Anchors and aliases are refused, with their line and a fix, before anything expands them: every loader
    /// (a catalogue, the wording, a document template, the code list names of templates) answers within a second.
    func testAnchorsAndAliasesAreRefusedBeforeTheyExpand() throws {
        XCTAssertLessThan(Self.bomb.utf8.count, 500)
        let started = Date()
        for result in [ConcernCatalogue.parse(text: Self.bomb, displayPath: "bomb.yaml").map { _ in () },
                       Wording.parse(text: Self.bomb, displayPath: "bomb.yaml").map { _ in () }] {
            guard case .failure(let e) = result else { return XCTFail("loaded") }
            XCTAssertEqual(e.problems.count, 1, e.description)
            XCTAssertEqual(e.problems.first?.line, 2, e.description)
            XCTAssertTrue(e.description.hasPrefix("bomb.yaml:2:4: YAML anchor (`&name`): careplan's files do not use anchors or aliases"), e.description)
            XCTAssertTrue(e.problems.first!.fix.contains("write the repeated part out in full"), e.description)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bomb-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try ("codes: x\n" + Self.bomb).write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(DocumentTemplate.codeListsNamed(in: [file]), [])
        XCTAssertLessThan(Date().timeIntervalSince(started), 1)
        // An alias alone (its anchor defined nowhere) is named as an alias.
        guard case .failure(let e) = Wording.parse(text: "kiosk: *k\n", displayPath: "w.yaml") else { return XCTFail("loaded") }
        XCTAssertTrue(e.description.hasPrefix("w.yaml:1:8: YAML alias (`*name`)"), e.description)
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
        guard case .failure(let e) = Flow.parse(text: text, displayPath: "Screens/clinician.yaml", kinds: Self.kinds) else { return XCTFail("loaded") }
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
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Resources/information"), withIntermediateDirectories: true)
        for name in ["codelists.yaml", "policy.yaml", "common-passwords.txt", "wording.yaml", "roles.yaml", "documents", "qof.yaml", "information/library.yaml", "tumour-sites.yaml"] {  // the code lists hold the documents' lists
            try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Resources/\(name)"), to: dir.appendingPathComponent("Resources/\(name)"))
        }
        try "services:\n  - {id: x, name: X, contact: '1', helps-with: [pain, nonsense]}\n".write(to: dir.appendingPathComponent("Resources/services.yaml"), atomically: true, encoding: .utf8)
        guard case .failure(let e) = Configuration.load(root: dir, screenKinds: Self.kinds, requiredFlows: []) else {
            return XCTFail("loaded")
        }
        XCTAssertEqual(e.problems.count, 1, e.description)
        XCTAssertTrue(e.problems[0].message.contains("`nonsense`"), e.description)
    }

    /// A new QOF edition that drops an indicator a template records: signing would record for nothing that counts.
    func testATemplateMustRecordAnIndicatorOfTheLatestEdition() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Resources"), to: dir.appendingPathComponent("Resources"))
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Screens"), to: dir.appendingPathComponent("Screens"))
        let qof = dir.appendingPathComponent("Resources/qof.yaml")
        let text = try String(contentsOf: qof, encoding: .utf8)
        let edition = text.components(separatedBy: "editions:\n")[1]
        let start = try XCTUnwrap(edition.range(of: "      - id: can004"))
        let end = try XCTUnwrap(edition.range(of: "    exceptions:"))
        let without = edition.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: "")
            .replacingOccurrences(of: "applies-from: 2021-04-01", with: "applies-from: 2027-04-01")
            .replacingOccurrences(of: "        also-met-by: [can004]\n", with: "")
        try (text + without).write(to: qof, atomically: true, encoding: .utf8)
        guard case .failure(let e) = Configuration.load(root: dir, screenKinds: Self.kinds, requiredFlows: []) else {
            return XCTFail("loaded a template recording an indicator the latest edition dropped")
        }
        XCTAssertTrue(e.problems.contains { $0.file.hasSuffix("ccr.yaml") && $0.message.contains("names no indicator of the latest edition") }, e.description)
    }

    /// A missing or unreadable file is named alone, not as line 0, column 0.
    func testAProblemWithTheWholeFileNamesTheFileAlone() {
        XCTAssertEqual(ConfigProblem(file: "Resources/qof.yaml", line: 0, column: 0, message: "cannot read the file", fix: "check that it exists").description,
                       "Resources/qof.yaml: cannot read the file. Fix: check that it exists")
        XCTAssertEqual(ConfigProblem(file: "f", line: 3, column: 5, message: "m", fix: "").description, "f:3:5: m")
    }
}
