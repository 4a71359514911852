import CareplanCore
import CareplanSQLite
@testable import CareplanExport
import Foundation
import XCTest

/// The information prescription a patient takes home: the items given on a date, each with its summary and
/// where to find it; as text (golden), as a PDF (looked at with pdftotext), and written under the export rules.
final class InformationPrescriptionTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_435_200)  // 2026-11-23, 12:00 in the UK
    let today = LocalDate(year: 2026, month: 11, day: 23)!
    var library: InformationLibrary { testConfiguration.library }

    /// Siân, given two items today (handed over, from the record) and one a week ago.
    func given() throws -> (CareStore, Patient, [InformationGiven]) {
        let store = try CareStore()
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!))
        _ = try store.recordInformationGiven([library.item("late-effects-guide")!], patientId: p.id!, date: today.adding(days: -7), how: .emailed,
                                             by: "nurse", now: now)
        let two = try store.recordInformationGiven([library.item("after-treatment-what-to-look-for")!, library.item("fear-of-recurrence-course")!],
                                                   patientId: p.id!, date: today, how: .handedOver, by: "nurse", now: now)
        return (store, p, two)
    }

    func prescription(_ store: CareStore, _ p: Patient, date: LocalDate? = nil, ids: Set<Int64>? = nil) throws -> InformationPrescription {
        InformationPrescription(patient: p, given: try store.informationGiven(patientId: p.id!), date: date ?? today, ids: ids, library: library,
                                names: ["nurse": "Nia Nurse"])
    }

    func testTheTextListsTheDaysItemsWithSummariesAndWhereToFindThem() throws {
        let (store, p, _) = try given()
        let text = TextRenderer.render(try prescription(store, p).printLayout())
        let golden = repositoryRoot.appendingPathComponent("Tests/CareplanExportTests/Golden/information-prescription.txt")
        if ProcessInfo.processInfo.environment["CAREPLAN_RECORD_GOLDEN"] == "1" { try text.write(to: golden, atomically: true, encoding: .utf8) }
        XCTAssertEqual(text, try String(contentsOf: golden, encoding: .utf8), "re-record with CAREPLAN_RECORD_GOLDEN=1 on purpose")
        XCTAssertFalse(text.contains("Late effects"), "only the date's items")
        for line in text.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 80) }
        let earlier = TextRenderer.render(try prescription(store, p, date: today.adding(days: -7)).printLayout())
        XCTAssertTrue(earlier.contains("Late effects of cancer treatment") && earlier.contains("https://example.org/nht/late-effects"), earlier)
        XCTAssertFalse(earlier.contains("After treatment"))
    }

    func testChosenIdsNarrowTheDateAndAnItemGoneFromTheLibraryIsStillListed() throws {
        let (store, p, two) = try given()
        let one = try prescription(store, p, ids: [two[1].id])
        XCTAssertEqual(one.given.map(\.title), ["Living with the fear of cancer coming back"])
        var smaller = library
        smaller.items.removeAll { $0.id == "fear-of-recurrence-course" }
        let gone = InformationPrescription(patient: p, given: try store.informationGiven(patientId: p.id!), date: today, library: smaller)
        let text = TextRenderer.render(gone.printLayout())
        XCTAssertTrue(text.contains("2. Living with the fear of cancer coming back"), text)
        XCTAssertTrue(text.contains("no longer in the information library"), text)
        XCTAssertTrue(text.contains("Given by:") && text.contains("nurse"), "without the staff's names, the user name")
    }

    func testThePDFHasTheTitlesAndSummariesAndPrintsLargeTheSameEveryTime() throws {
        let (store, p, _) = try given()
        let layout = try prescription(store, p).printLayout()
        let standard = try PDFProgram.render(layout, paper: .a4)
        let large = try PDFProgram.render(try prescription(store, p).printLayout(largePrint: true), paper: .a4)
        keepSample(standard, "information-prescription.pdf")
        keepSample(large, "information-prescription-large.pdf")
        for pdf in [standard, large] {
            let all = squeezed(try pdfPages(pdf).joined(separator: " "))
            for words in ["Information prescription", "NHS number 943 476 5919", "After treatment: what to look out for",
                          "Living with the fear of cancer coming back", "Riverside Centre, Tuesdays 2pm", "Nia Nurse", "Given 23 Nov 2026"] {
                XCTAssertTrue(all.contains(words), "\(words) in \(all)")
            }
            XCTAssertFalse(all.contains("DRAFT"))
        }
        XCTAssertGreaterThanOrEqual(try pdfPages(large).count, try pdfPages(standard).count)
        XCTAssertEqual(standard, try PDFProgram.render(layout, paper: .a4), "the same records print the same bytes")
    }

    func testExportWritesAPrivateFileNamedForThePatientAndDateAndAuditsIt() throws {
        let (store, p, _) = try given()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (url, written) = try InformationExporter.export(patientId: p.id!, date: nil, format: .text, paper: .a4, output: folder.path + "/", store: store,
                                                            configuration: testConfiguration, user: "nurse", now: now)
        XCTAssertEqual(url.lastPathComponent, "information-Wiśniewski-9434765919-2026-11-23.txt")
        XCTAssertEqual(written.date, today, "without a date: the latest date anything was given")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int, 0o600)
        let trail = try store.auditTrail(patientId: p.id!).filter { $0.action == "exported information prescription" }
        XCTAssertEqual(trail.map(\.detail), ["2 item(s) as text to \(url.path)"])
        // The same again is a new name, never over the first; a date with nothing given writes nothing.
        let (again, _) = try InformationExporter.export(patientId: p.id!, date: today, format: .text, paper: .a4, output: folder.path, store: store,
                                                        configuration: testConfiguration, user: "nurse", now: now)
        XCTAssertEqual(again.lastPathComponent, "information-Wiśniewski-9434765919-2026-11-23-2.txt")
        XCTAssertThrowsError(try InformationExporter.export(patientId: p.id!, date: today.adding(days: -1), format: .pdf, paper: .a4, output: folder.path,
                                                            store: store, configuration: testConfiguration, user: "nurse", now: now)) {
            XCTAssertEqual(($0 as? ExportError)?.description, "Nothing was given to Siân Wiśniewski on 22 Nov 2026. Nothing was written")
        }
        XCTAssertThrowsError(try InformationExporter.export(patientId: p.id!, date: today, format: .fhir, paper: .a4, output: folder.path,
                                                            store: store, configuration: testConfiguration, user: "nurse", now: now))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.count, 2)
    }

    func testAPlansPrintedInformationSectionListsWhatWasGivenFromItOnly() throws {
        let (store, a, p) = try onePlan(family: "Okafor", given: "Ada")
        _ = try store.recordInformationGiven([library.item("late-effects-guide")!], patientId: p.id!, date: today, how: .link, from: .assessment(a.id),
                                             by: "nurse", now: now)
        _ = try store.recordInformationGiven([library.item("after-treatment-what-to-look-for")!], patientId: p.id!, date: today, how: .printed,
                                             by: "nurse", now: now)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let exported = try PlanExporter.export(target: "\(a.id)", format: .text, paper: .a4, output: folder.path, store: store,
                                               configuration: testConfiguration, user: "nurse", now: now)
        let text = try String(contentsOf: exported.url, encoding: .utf8)
        let section = try XCTUnwrap(text.range(of: "INFORMATION AND SUPPORT"))
        let given = try XCTUnwrap(text.range(of: "Information given", range: section.upperBound..<text.endIndex))
        XCTAssertTrue(text[given.upperBound...].contains("Late effects of cancer treatment") && text.contains("link") && text.contains("23 Nov 2026"), text)
        XCTAssertFalse(text.contains("After treatment"), "given from the record, not from this plan")
    }

    func testAnAgreedPlanPrintsWhatItWasWhenAgreedThoughInformationIsGivenFromItLater() throws {
        var (store, a, p) = try onePlan(family: "Okafor", given: "Ada")
        _ = try store.recordInformationGiven([library.item("late-effects-guide")!], patientId: p.id!, date: today, how: .link, from: .assessment(a.id),
                                             by: "nurse", now: now)
        a = try store.apply(.agree(by: "Nurse", role: .cns, at: now.addingTimeInterval(60), reviewDate: LocalDate(year: 2027, month: 1, day: 1)!),
                            to: a.id, basedOn: a)
        func printed() throws -> String {
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let exported = try PlanExporter.export(target: "\(a.id)", format: .text, paper: .a4, output: folder.path, store: store,
                                                   configuration: testConfiguration, user: "nurse", now: now.addingTimeInterval(120))
            return try String(contentsOf: exported.url, encoding: .utf8)
        }
        let before = try printed()
        XCTAssertTrue(before.contains("Late effects of cancer treatment"), "given before it was agreed: in its copies")
        _ = try store.recordInformationGiven([library.item("after-treatment-what-to-look-for")!], patientId: p.id!, date: today, how: .printed,
                                             from: .assessment(a.id), by: "nurse", now: now.addingTimeInterval(180))
        XCTAssertEqual(try printed(), before, "an agreed plan's copies do not change")
        XCTAssertEqual(try store.informationGiven(patientId: p.id!).count, 2, "the later item is on the record")
    }
}
