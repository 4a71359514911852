import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import CareplanSQLite
import RepositoryTestSupport
import Foundation
import TermUI
import XCTest

/// A patient's trends (issue 15): on the record (T) and beside each concern while prioritising the care plan,
/// read by the runtime from the patient's full assessments, with the change in words.
final class TrendScreenTests: XCTestCase {
    let now = Harness.start
    static let catalogue = Harness.configuration.catalogues["ncat-hna"]!

    /// Tess Trend with three assessments: 12 Jan (agreed), 9 Apr (agreed) and today (in progress), in which pain
    /// fell, worry rose, fatigue resolved, breathing appeared and sleep stayed as it was; distress 4, 6, 3.
    func storeWithThreeAssessments() throws -> (CareStore, Patient, [Assessment]) {
        let store = try CareStore()
        let p = try addPatient(store, family: "Trend", given: "Tess")
        let a1 = try assessment(store, p, LocalDate(year: 2026, month: 1, day: 12)!, distress: 4, ["pain": 5, "fatigue": 7, "sleep": 2], agree: true)
        let a2 = try assessment(store, p, LocalDate(year: 2026, month: 4, day: 9)!, distress: 6, ["pain": 8, "fatigue": 3, "worry": 4, "sleep": 2], agree: true)
        let a3 = try assessment(store, p, LocalDate(year: 2026, month: 11, day: 23)!, distress: 3, ["pain": 6, "worry": 7, "breathing": 3, "sleep": 2], agree: false)
        return (store, p, [a1, a2, a3])
    }

    func addPatient(_ store: any CareRepository, family: String, given: String, nhs: String = "9434765919") throws -> Patient {
        try store.addPatient(Patient(nhsNumber: NHSNumber(nhs)!, familyName: family, givenName: given,
                                     dateOfBirth: LocalDate(year: 1958, month: 6, day: 2)!), now: now)
    }

    func assessment(_ store: any CareRepository, _ p: Patient, _ date: LocalDate, distress: Int, _ scores: KeyValuePairs<String, Int>, agree: Bool) throws -> Assessment {
        var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician, date: date,
                                          catalogue: Self.catalogue, createdBy: StaffFixture.nurse, now: now)
        func apply(_ c: AssessmentChange) throws { a = try store.apply(c, to: a.id, basedOn: a, now: now) }
        for (key, score) in scores {
            let item = Self.catalogue.categories.flatMap { c in c.items.map { (c.id, $0) } }.first { $0.1.id == key }!
            try apply(.setConcern(ConcernEntry(key: key, categoryId: item.0, label: item.1.label, score: score)))
        }
        try apply(.setDistress(distress))
        if agree { try apply(.agree(by: "Nia Nurse", role: .cns, at: now, reviewDate: date.adding(days: 90))) }
        return a
    }

    /// The harness on the patients list, the patient found and their record open.
    func openRecord(_ store: any CareRepository, _ name: String) -> Harness {
        let h = Harness(store: store)
        h.type(name)
        h.press(.enter)
        XCTAssertEqual(h.program.currentScreen, "record", h.screen)
        return h
    }

    func testThreeAssessmentsShowEachConcernsScoresChartLatestAndChangeInWordsAt80x24() throws {
        let (store, _, _) = try storeWithThreeAssessments()
        let h = openRecord(store, "Trend")
        XCTAssertTrue(h.lines.last!.contains("T trends"), "the key is in the record's key help: \(h.lines.last!)")
        h.press(.text("t"))
        h.assertGolden("record-trends-80x24")
        let rows = h.lines
        func row(_ label: String) -> String { rows.first { $0.hasPrefix(" " + label) } ?? "" }
        XCTAssertTrue(h.screen.contains("#1 12 Jan 2026 · #2 09 Apr 2026 · #3 23 Nov 2026 (in progress)"), h.screen)
        XCTAssertTrue(row("Distress").hasSuffix("4   6   3  ▄▅▃    3      fell"), row("Distress"))
        XCTAssertTrue(row("Pain").hasSuffix("5   8   6  ▅▇▅    6      fell"), row("Pain"))
        XCTAssertTrue(row("Worry").hasSuffix("-   4   7   ▄▆    7      rose"), row("Worry"))
        XCTAssertTrue(row("Breathing").hasSuffix("-   -   3    ▃    3      appeared"), row("Breathing"))
        XCTAssertTrue(row("Tired").hasSuffix("7   3   -  ▆▃     -      resolved"), row("Tired"))
        XCTAssertTrue(row("Sleep").contains("unchanged"), h.screen)
        // The concerns still raised come first, highest score first; the resolved one last.
        XCTAssertEqual(rows.compactMap { r in ["Pain", "Worry", "Breathing", "Sleep", "Tired"].first { r.hasPrefix(" " + $0) } },
                       ["Worry", "Pain", "Breathing", "Sleep", "Tired"])
        XCTAssertEqual(h.lines.last!.hasPrefix(" ↑↓ PgUp/PgDn scroll  T/Esc record"), true, h.lines.last!)
        // Every assessment read is audited as viewed.
        XCTAssertEqual(try store.auditTrail().filter { $0.action == "viewed" && $0.assessmentId != nil }.count >= 3, true)
        h.press(.text("x"))
        XCTAssertTrue(h.screen.contains("Not done: the trends are shown"), "a key that does nothing here is said: \(h.screen)")
        h.press(.escape)
        XCTAssertTrue(h.screen.contains("Timeline"), h.screen)
        XCTAssertEqual(h.program.currentScreen, "record")
    }

    func testPlainTerminalsGetTheSameTableInAscii() throws {
        let (store, _, _) = try storeWithThreeAssessments()
        let h = openRecord(store, "Trend")
        h.program.session.chartGlyphs = .ascii
        h.press(.text("t"))
        XCTAssertTrue(h.lines.contains { $0.hasPrefix(" Pain") && $0.hasSuffix("5   8   6  =*=    6      fell") }, h.screen)
        XCTAssertFalse(h.screen.contains("▅"), h.screen)
    }

    func testOneAssessmentSaysChangesShowFromTheSecond() throws {
        let store = try CareStore()
        let p = try addPatient(store, family: "Single", given: "Sam")
        _ = try assessment(store, p, LocalDate(year: 2026, month: 10, day: 1)!, distress: 5, ["pain": 4], agree: false)
        let h = openRecord(store, "Single")
        h.press(.text("T"))
        h.assertGolden("record-trends-one-80x24")
        XCTAssertTrue(h.screen.contains("One assessment: changes show from the second."), h.screen)
        XCTAssertTrue(h.lines.contains { $0.hasPrefix(" Pain") && $0.hasSuffix("4  ▄      4      first") }, h.screen)
    }

    func testNoAssessmentSaysHowToStartOne() throws {
        let store = try CareStore()
        _ = try addPatient(store, family: "Nobody", given: "Nell")
        let h = openRecord(store, "Nobody")
        h.press(.text("t"))
        h.assertGolden("record-trends-none-80x24")
        XCTAssertTrue(h.screen.contains("No assessments yet"), h.screen)
        h.press(.text("t"))
        XCTAssertTrue(h.screen.contains("Timeline"), h.screen)
    }

    func testManyConcernsScrollAndSmallTerminalsStillShowTheWords() throws {
        let store = try CareStore()
        let p = try addPatient(store, family: "Many", given: "Mo")
        let items = Self.catalogue.categories.flatMap(\.items).prefix(20).map(\.id)
        let first = KeyValuePairs<String, Int>(dictionaryLiteral: ("pain", 1))
        _ = try assessment(store, p, LocalDate(year: 2026, month: 3, day: 1)!, distress: 2, first, agree: true)
        var a = try assessment(store, p, LocalDate(year: 2026, month: 11, day: 1)!, distress: 7, first, agree: false)
        for (i, key) in items.enumerated() where key != "pain" {
            let category = Self.catalogue.categories.first { $0.items.contains { $0.id == key } }!
            a = try store.apply(.setConcern(ConcernEntry(key: key, categoryId: category.id, label: key, score: i % 11)), to: a.id, basedOn: a, now: now)
        }
        let h = openRecord(store, "Many")
        h.press(.text("t"))
        XCTAssertTrue(h.screen.contains("more below (↓ scrolls)"), h.screen)
        let before = h.screen
        h.press(.pageDown)
        XCTAssertNotEqual(h.screen, before)
        h.press(.end)
        XCTAssertFalse(h.screen.contains("more below"), h.screen)
        h.resize(60, 16)
        XCTAssertTrue(h.lines.contains { $0.contains("Pain") && $0.contains("unchanged") }, h.screen)
        XCTAssertTrue(h.lines.allSatisfy { DisplayWidth.of($0) <= 60 })
    }

    // MARK: Commands

    func testTheRecordAsksForThePatientsAssessmentsAndTheRuntimeRefusesAnotherPatient() throws {
        let s = Session(configuration: Harness.configuration, flowId: "clinician", user: "kiosk", now: now)
        s.signIn(Harness.nurse)
        s.patient = Patient(id: 7, nhsNumber: NHSNumber("9434765919")!, familyName: "Trend", givenName: "Tess",
                            dateOfBirth: LocalDate(year: 1958, month: 6, day: 2)!)
        var record = RecordScreen(s)
        XCTAssertEqual(record.update(.key(.text("t")), s), [.query(.patientAssessments(patientId: 7))])
        XCTAssertTrue(record.keys(s).map(\.keys).contains("T/Esc"))
        // An answer for another patient is not drawn.
        _ = record.update(.answer(.patientAssessments(patientId: 8, [])), s)
        XCTAssertNil(record.trendView?.trends)
        _ = record.update(.answer(.failed(nil)), s)
        XCTAssertEqual(record.trendView?.failed, true)

        let (store, tess, _) = try storeWithThreeAssessments()
        let h = Harness(store: store)
        h.type("Trend"); h.press(.enter)
        let runtime = h.program.runtime
        guard case .patientAssessments(let id, let all) = runtime.execute(.query(.patientAssessments(patientId: tess.id!))) else { return XCTFail() }
        XCTAssertEqual(id, tess.id)
        XCTAssertEqual(Set(all.map(\.distressScore)), [4, 6, 3])
        guard case .failed = runtime.execute(.query(.patientAssessments(patientId: tess.id! + 100))) else { return XCTFail("another patient than the open one") }
    }

    func testPrioritisingShowsEachConcernsTrendSinceTheLastAssessment() throws {
        let (store, _, _) = try storeWithThreeAssessments()
        let h = openRecord(store, "Trend")
        h.press(.enter)  // the newest, in progress: the checklist
        h.press(.ctrl("n"))
        XCTAssertEqual(h.program.currentScreen, "prioritise", h.screen)
        h.assertGolden("prioritise-trends-80x24")
        XCTAssertTrue(h.screen.contains("distress ▄▅▃ fell"), h.screen)
        XCTAssertTrue(h.lines.contains { $0.contains("Worry, fear or anxiety") && $0.hasSuffix("▄▆ rose") }, h.screen)
        XCTAssertTrue(h.lines.contains { $0.contains("Breathing difficulties") && $0.hasSuffix(" ▃ appeared") }, h.screen)
        XCTAssertTrue(h.lines.contains { $0.contains("Trend") }, h.screen)
        XCTAssertTrue(h.screen.contains("Resolved since the last assessment: Tired, exhausted or fatigued"), h.screen)
        // The first assessment has nothing to compare with: no trend column.
        let (_, _, all) = try storeWithThreeAssessments()
        var screen = PrioritiseScreen(h.program.session)
        _ = screen.update(.answer(.patientAssessments(patientId: all[0].patientId, all)), h.program.session)
        XCTAssertNil(screen.trends(all[0]))
        XCTAssertEqual(screen.trends(all[1])?.points.count, 2, "a plan sees the assessments up to its own date")
    }
}
