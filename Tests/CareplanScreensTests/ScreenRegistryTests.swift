import CareplanCore
import CareplanSQLite
@testable import CareplanRuntime
@testable import CareplanScreens
import Foundation
import TermUI
import XCTest

/// The screen kinds are registered in one place; flows name the ones they use and map their exits.
final class ScreenRegistryTests: XCTestCase {
    static var kinds: [ScreenKindSpec] { ScreenRegistry.standard.specs }

    func testTheShippedFilesLoad() throws {
        let config = try Configuration.load(root: Harness.root).get()
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
        XCTAssertEqual(config.flows["clinician"]?.screen("record")?.exits,
                       ["back": "register", "continue": "checklist", "view": "review", "new": "start", "edit": "patient-form", "document": "document",
                        "follow-up": "follow-up"])
        // Every registered kind is used by a shipped flow, once per kind.
        let used = config.flows.values.flatMap { $0.screens.map(\.kind) }
        XCTAssertEqual(Set(used), Set(Self.kinds.map(\.id)))
        XCTAssertEqual(Self.kinds.count, Set(Self.kinds.map(\.id)).count, "a kind registered twice")
    }

    // MARK: - `careplan check` on exits

    func testCheckReportsExitsWithLineAndFix() {
        let text = """
            id: clinician
            title: careplan
            catalogue: ncat-hna
            start: register
            screens:
              - id: register
                kind: patient-register
                title: Patients
                help: Find patients
                exits: {opne: record}
              - id: record
                kind: patient-record
                title: Record
                help: One patient
                back: register
                exits: {view: nowhere}
              - id: welcome
                kind: kiosk-welcome
                title: Welcome
                help: Hello
            """
        guard case .failure(let e) = Flow.parse(text: text, displayPath: "Screens/clinician.yaml", kinds: Self.kinds) else {
            return XCTFail("loaded")
        }
        func has(_ line: Int, _ message: String, fix: String) -> Bool {
            e.problems.contains { $0.line == line && $0.file == "Screens/clinician.yaml" && $0.message == message && $0.fix.hasPrefix(fix) }
        }
        XCTAssertTrue(has(10, "a `patient-register` screen has no exit `opne`", fix: "did you mean `open`? its exits are open, new, waiting"), e.description)
        XCTAssertTrue(has(7, "screen `register` has no exit `open` (Enter on a patient), which a `patient-register` screen can take",
                          fix: "add `open: <screen id>` under `exits:`"), e.description)
        XCTAssertTrue(has(16, "`view: nowhere` names no screen in this flow", fix: "use one of record, register, welcome"), e.description)
        XCTAssertTrue(has(12, "screen `record` has no exit `continue` (Enter on an assessment in progress), which a `patient-record` screen can take",
                          fix: "add `continue: <screen id>`"), e.description)
        XCTAssertTrue(has(18, "screen kind `kiosk-welcome` is a kiosk screen, not for a clinician flow", fix: "kinds are agreed-actions"), e.description)
        XCTAssertFalse(e.problems.contains { $0.message.contains("`new`") || $0.message.contains("`edit`") }, "optional exits may be left out")
    }

    func testAFlowMustStartWhereNothingNeedsToBeOpenAndAKioskNeedsItsStaffScreen() {
        let text = """
            id: desk
            title: Desk
            mode: kiosk
            catalogue: ncat-hna
            start: thanks
            screens:
              - id: thanks
                kind: kiosk-thanks
                title: Thank you
                help: Done
            """
        guard case .failure(let e) = Flow.parse(text: text, displayPath: "Screens/desk.yaml", kinds: Self.kinds) else { return XCTFail("loaded") }
        XCTAssertTrue(e.problems.contains { $0.line == 5 && $0.message == "`start: thanks` is a screen that needs an open assessment" }, e.description)
        XCTAssertTrue(e.problems.contains { $0.message.contains("no screen of kind `kiosk-staff`, which every kiosk flow needs") }, e.description)
    }

    // MARK: - A third flow, with a subset of the screens

    static func storeWithSiân() throws -> (CareStore, Patient) {
        let store = try CareStore()
        let siân = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                                dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), now: Harness.start)
        return (store, siân)
    }

    /// Screens/ and Resources/ as shipped, plus one more flow file.
    func root(adding name: String, _ flow: String) throws -> URL {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("flows-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? fm.removeItem(at: dir) }
        try fm.copyItem(at: Harness.root.appendingPathComponent("Resources"), to: dir.appendingPathComponent("Resources"))
        try fm.copyItem(at: Harness.root.appendingPathComponent("Screens"), to: dir.appendingPathComponent("Screens"))
        try flow.write(to: dir.appendingPathComponent("Screens/\(name).yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    static let deskFlow = """
        id: desk
        title: Plans desk
        catalogue: ncat-hna
        start: register
        screens:
          - id: register
            kind: patient-register
            title: Patients
            help: Find a patient.
            exits: {open: record}
          - id: record
            kind: patient-record
            title: Patient record
            help: Their plans.
            back: register
            exits: {continue: review, view: review}
          - id: review
            kind: plan-review
            title: The plan
            help: Read it.
            exits: {done: record, new-version: review}
          - id: lock
            kind: lock
            title: Locked
            help: Your password carries on.
        """

    func testAThirdFlowWithOnlyTheListTheRecordAndTheReviewLoadsAndRuns() throws {
        let config = try Configuration.load(root: root(adding: "desk", Self.deskFlow)).get()
        XCTAssertEqual(config.flows.keys.sorted(), ["clinician", "desk", "kiosk"])
        let (store, siân) = try Self.storeWithSiân()
        _ = try store.startAssessment(patientId: siân.id!, pathwayPoint: .initialDiagnosis, completedBy: .patient, date: LocalDate(Harness.start),
                                      catalogue: config.catalogues["ncat-hna"]!, createdBy: "Nurse", now: Harness.start)
        let h = Harness(store: store, flow: "desk", configuration: config)
        XCTAssertEqual(h.program.currentScreen, "register")
        XCTAssertFalse(h.lines.last!.contains("add patient"), "no patient form in this flow: its key is not offered")
        h.press(.ctrl("a"))
        XCTAssertEqual(h.program.currentScreen, "register")
        XCTAssertTrue(h.screen.contains("That is not part of this flow (desk)"), h.screen)

        h.press(.enter)
        XCTAssertEqual(h.program.currentScreen, "record")
        XCTAssertTrue(h.screen.contains(" Plans desk · Patient record"), h.screen)
        XCTAssertFalse(h.lines.last!.contains(" new") || h.lines.last!.contains(" edit"), h.lines.last!)
        h.press(.text("e"))
        XCTAssertEqual(h.program.currentScreen, "record", "E is refused with a word")
        XCTAssertTrue(h.screen.contains("That is not part of this flow"), h.screen)

        h.press(.enter)  // the assessment in progress opens on the review: `continue: review`
        XCTAssertEqual(h.program.currentKind, .planReview)
        XCTAssertTrue(h.screen.contains(" Plans desk · The plan"), h.screen)
        h.press(.escape)
        XCTAssertEqual(h.program.currentScreen, "record")
        h.press(.escape)
        XCTAssertEqual(h.program.currentScreen, "register")
        XCTAssertNil(h.program.session.patient)
    }

    // MARK: - A kind of screen added by a test

    func testATestOnlyScreenKindJoinsFromItsRegistryEntryAndFlow() throws {
        let flow = """
            id: counting
            title: Counting
            catalogue: ncat-hna
            start: register
            screens:
              - id: register
                kind: patient-register
                title: Patients
                help: Find a patient.
                exits: {open: count}
              - id: count
                kind: assessment-count
                title: How many assessments
                help: A number.
                back: register
              - id: lock
                kind: lock
                title: Locked
                help: Your password carries on.
            """
        let dir = try root(adding: "counting", flow)
        guard case .failure(let e) = Configuration.load(root: dir) else { return XCTFail("a kind the application lacks was accepted") }
        XCTAssertTrue(e.description.contains("Screens/counting.yaml:12:") && e.description.contains("unknown screen kind `assessment-count`"), e.description)

        let registry = ScreenRegistry.standard.adding(AssessmentCountScreen.entry)
        let config = try Configuration.load(root: dir, registry: registry).get()
        let (store, _) = try Self.storeWithSiân()
        let h = Harness(store: store, flow: "counting", configuration: config, registry: registry)
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, AssessmentCountScreen.kind)
        XCTAssertTrue(h.screen.contains(" Counting · How many assessments"), h.screen)
        XCTAssertTrue(h.screen.contains("Siân has 0 assessments"), h.screen)
        XCTAssertTrue(h.lines.last!.contains("Esc back"), h.lines.last!)
        h.press(.function(1))
        XCTAssertTrue(h.screen.contains("A number."), "help from the flow file")
        h.press(.escape, .escape)
        XCTAssertEqual(h.program.currentScreen, "register")
    }
}

/// A kind of screen that exists only in these tests: one type, one registry entry, and its flow entry above.
struct AssessmentCountScreen: Screen {
    static let kind = ScreenKind("assessment-count")
    static let entry = ScreenEntry(kind, .clinician, needs: .patient, exits: [.required("back", "Esc")]) { AssessmentCountScreen($0) }
    let kind: ScreenKind = AssessmentCountScreen.kind
    var count = 0

    init(_ s: Session) {}

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .opened: return [.query(.assessments(patientId: s.patient!.id!))]
        case .answer(.assessments(let found)): count = found.count
        case .key(.escape): return [.go(.back)]
        default: break
        }
        return []
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        g.put("\(s.patient?.givenName ?? "") has \(count) assessments", x: area.x + 1, y: area.y + 1)
    }

    func keys(_ s: Session) -> [KeyHint] { [KeyHint("Esc", "back")] }
}
