import CareplanCore
import CareplanRuntime
import CareplanScreens
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import XCTest

/// Drives the state machine with keys, as the run loop does, on an in-memory store (or a file store
/// shared by two harnesses), with a clock the test moves by hand.
final class Harness {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let configuration: Configuration = {
        try! Configuration.load(root: root).get()
    }()
    /// Noon, so the local date is 23 Nov 2026 in any time zone a CI machine is likely to have.
    static let start = Date(timeIntervalSince1970: 1_795_435_200)

    let store: any CareRepository
    let program: Program
    var now: Date
    var effects: [Effect] = []

    /// A clinician's flow starts signed in as `signedIn` (the fixture's nurse unless told; nil: at the sign-in),
    /// on the patients: Esc from the worklist, where signing in opens, unless `onWorklist` (its own tests).
    init(store: (any CareRepository)? = nil, flow: String = "clinician", size: Size = Size(width: 80, height: 24),
         configuration: Configuration = Harness.configuration, registry: ScreenRegistry = .standard,
         signedIn: StaffUser? = Harness.nurse, idleLock: TimeInterval? = nil, onWorklist: Bool = false) {
        // Screens show local times: golden screens are recorded in UTC whatever the machine's zone.
        NSTimeZone.default = TimeZone(identifier: "UTC")!
        self.store = store ?? (try! CareStore())
        now = Harness.start
        program = Program(store: self.store, configuration: configuration, flowId: flow, user: "kiosk", signedIn: flow == "kiosk" ? nil : signedIn,
                          terminal: "test terminal", idleLock: idleLock, size: size, now: now, registry: registry)
        if !onWorklist, program.currentScreen == "worklist" { press(.escape) }
    }

    /// The fixture's nurse, as signed in: most screen tests act as her. Made here rather than in the store,
    /// whose slow password hash would cost every test a good part of a second; tests of signing in add
    /// users to the store (`StaffFixture`).
    static let nurse = StaffUser(id: 2, userName: StaffFixture.nurse, fullName: "Nia Nurse", roleId: "nurse")
    static func staff(_ name: String, role: String, teams: Set<Int64> = []) -> StaffUser {
        StaffUser(id: 100, userName: name, fullName: name.capitalized + " Test", roleId: role, teamIds: teams)
    }

    func press(_ keys: Key...) { for k in keys { effects += program.handle(k, now: now) } }

    /// Types text one key at a time, as a person does.
    func type(_ text: String) { for c in text { press(.text(String(c))) } }

    func wait(_ seconds: TimeInterval) {
        now += seconds
        effects += program.tick(now: now)
    }

    var screen: String { program.render().text }
    var lines: [String] { program.render().lines }

    func resize(_ width: Int, _ height: Int) {
        program.resize(Size(width: width, height: height))
        press(.resize)
    }

    /// Compares the rendered screen with `Golden/<name>.txt`; `CAREPLAN_RECORD_GOLDEN=1 swift test` re-records.
    func assertGolden(_ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let url = Harness.root.appendingPathComponent("Tests/CareplanScreensTests/Golden/\(name).txt")
        let actual = screen + "\n"
        if ProcessInfo.processInfo.environment["CAREPLAN_RECORD_GOLDEN"] == "1" {
            try! actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no golden screen \(name).txt: record it with CAREPLAN_RECORD_GOLDEN=1 swift test --filter CareplanScreensTests", file: file, line: line)
            return
        }
        if actual != expected {
            XCTFail("screen differs from Golden/\(name).txt\n--- expected\n\(expected)--- actual\n\(actual)", file: file, line: line)
        }
    }

    /// Adds Siân Wiśniewski through the form and opens her record.
    func addPatient(nhs: String = "943 476 5919", family: String = "Wiśniewski", given: String = "Siân") {
        press(.ctrl("a"))
        type(nhs); press(.tab)
        type(family); press(.tab)
        type(given); press(.tab)
        type("05/03/1961"); press(.tab)
        type("Breast"); press(.tab)
        type("C50.9"); press(.tab)
        type("01/09/2026")
        press(.ctrl("s"))
    }

    /// From a patient's record: a new assessment, on the checklist.
    func startAssessment() {
        press(.text("n"))
        press(.ctrl("s"))
    }

    /// Siân, a new assessment, and the first concern `filter` finds rated `score`: on the checklist.
    func startRating(_ filter: String, _ score: Int) {
        addPatient()
        startAssessment()
        type(filter); press(.text(String(score))); press(.escape)
    }

    var assessment: Assessment? { program.session.assessment }

    /// Siân, a new assessment with Pain rated 8 (to discuss) and distress 5, on the plan's review (step 5).
    func reviewADraftPlan() {
        addPatient()
        startAssessment()
        type("pain"); press(.text("8")); press(.escape)
        press(.end, .text("5"))
        press(.ctrl("n"), .text(" "), .ctrl("n"), .ctrl("n"), .ctrl("n"))
    }

    /// A kiosk on `store` (in memory unless given) with Siân registered, a kiosk code issued for her and a
    /// staff PIN set; returns the kiosk and the code.
    static func kioskWithCode(store: (any CareRepository)? = nil, configuration: Configuration = Harness.configuration) throws -> (Harness, KioskCode) {
        let store: any CareRepository = try store ?? CareStore()
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), now: Harness.start)
        let catalogue = Harness.configuration.catalogues["ncat-hna"]!
        let code = try store.issueKioskCode(patientId: p.id!, pathwayPoint: .initialDiagnosis, catalogue: catalogue, by: "Nurse", now: Harness.start)
        try store.setStaffPIN("ward7-kiosk", lockout: Harness.configuration.policy.kioskLockout)
        return (Harness(store: store, flow: "kiosk", configuration: configuration), code)
    }

    /// On the kiosk's welcome: the code and Siân's date of birth, on to the checklist.
    func identify(_ code: KioskCode) {
        press(.enter)
        type(code.code); press(.tab)
        type("05/03/1961"); press(.enter)
    }
}
