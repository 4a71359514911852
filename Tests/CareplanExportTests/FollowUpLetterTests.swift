import CareplanCore
import CareplanSQLite
@testable import CareplanExport
import Foundation
import XCTest

/// Follow-up's letters (issue 14): a result's letter and the discharge letter, to the patient with a copy to
/// the GP, as text and PDF (looked at with pdftotext), written under the export rules and audited.
final class FollowUpLetterTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_435_200)  // 2026-11-23, 12:00 in the UK
    var colorectal: Pathway { testConfiguration.pathways["colorectal-standard"]! }

    /// Siân on the colorectal pathway since March: her first CEA 7.2 (above 5), reviewed "contact the patient".
    func followed() throws -> (CareStore, Patient, Enrolment, TestResult) {
        let store = try CareStore()
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!, diagnosis: "Colorectal"))
        let e = try store.enrol(patientId: p.id!, pathway: colorectal, start: LocalDate(year: 2026, month: 3, day: 1)!, fromDocument: nil, by: "cns", now: now)
        let test = try store.scheduledTests(enrolmentId: e.id).first!
        let r = try store.recordResult(NewResult(value: .measured(7.2, unit: "ug/L"), takenOn: LocalDate(year: 2026, month: 9, day: 3)!),
                                       testId: test.id, pathway: colorectal, by: "cns", now: now)
        let reviewed = try store.reviewResult(r.id, outcome: .contactPatient, note: "Repeat in 4 weeks", by: "cns", now: now)
        return (store, p, e, reviewed)
    }

    func testTheResultsLetterSaysTheResultTheReviewAndTheNextTestsWithACopyToTheGP() throws {
        let (store, _, e, r) = try followed()
        let letter = try FollowUpLetterExporter.letter(.results(resultId: r.id, enrolmentId: e.id), store: store, configuration: testConfiguration)
        let text = TextRenderer.render(letter.printLayout())
        for words in ["Your test result", "CEA blood test", "03 Sep 2026", "7.2 ug/L", "will contact you", "YOUR NEXT TESTS", "01 Mar 2027",
                      "A copy of this letter goes to your GP", "NHS number:    943 476 5919"] {
            XCTAssertTrue(text.contains(words), "\(words) in \(text)")
        }
        XCTAssertFalse(text.contains("Repeat in 4 weeks"), "the reviewer's note is for the record, not the letter")
        for line in text.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 80) }
        let pdf = try FollowUpLetterExporter.render(letter, format: .pdf)
        keepSample(pdf, "results-letter.pdf")
        let all = squeezed(try pdfPages(pdf).joined(separator: " "))
        XCTAssertTrue(all.contains("Your test result") && all.contains("7.2 ug/L") && all.contains("goes to your GP"), all)
        XCTAssertEqual(pdf, try FollowUpLetterExporter.render(letter, format: .pdf), "the same records print the same bytes")
    }

    func testTheDischargeLetterIsWrittenOnlyOnceDischargedPrivateAndAudited() throws {
        let (store, p, e, _) = try followed()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try FollowUpLetterExporter.export(.discharge(enrolmentId: e.id), format: .pdf, paper: .a4, output: folder.path, store: store,
                                                               configuration: testConfiguration, user: "cns", now: now)) {
            XCTAssertEqual(($0 as? ExportError)?.description, "Siân Wiśniewski is not discharged from Colorectal cancer after curative treatment yet. Nothing was written")
        }
        XCTAssertThrowsError(try FollowUpLetterExporter.latest(.discharge, patientId: p.id!, store: store))
        _ = try store.discharge(enrolmentId: e.id, reason: .early("Recurrence: back to clinic"), on: LocalDate(year: 2026, month: 11, day: 20)!,
                                acknowledging: true, by: "cns", now: now)
        let request = try FollowUpLetterExporter.latest(.discharge, patientId: p.id!, store: store)
        XCTAssertEqual(request, .discharge(enrolmentId: e.id))
        let (url, letter) = try FollowUpLetterExporter.export(request, format: .pdf, paper: .a4, output: folder.path + "/", store: store,
                                                              configuration: testConfiguration, user: "cns", now: now)
        XCTAssertEqual(url.lastPathComponent, "discharge-Wiśniewski-9434765919-2026-11-23.pdf", "dated the day it is written")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int, 0o600)
        let all = squeezed(try pdfPages(try Data(contentsOf: url)).joined(separator: " "))
        for words in ["Discharge from follow-up", "early: Recurrence: back to clinic", "20 Nov 2026", "For your GP", "7.2 ug/L", "goes to your GP",
                      "Still open at discharge", "CEA blood test taken 03 Sep 2026: reviewed, contact the patient"] {
            XCTAssertTrue(all.contains(words), "\(words) in \(all)")
        }
        XCTAssertEqual(letter.kind, .discharge)
        let trail = try store.auditTrail(patientId: p.id!).filter { $0.action == "exported follow-up letter" }
        XCTAssertEqual(trail.map(\.detail), ["discharge letter as pdf to \(url.path)"])
        XCTAssertThrowsError(try FollowUpLetterExporter.export(request, format: .fhir, paper: .a4, output: folder.path, store: store,
                                                               configuration: testConfiguration, user: "cns", now: now))
    }

    func testNoResultsLetterForAResultStillWaitingForItsReview() throws {
        let (store, _, e, _) = try followed()
        let second = try store.scheduledTests(enrolmentId: e.id).first { $0.status == .scheduled && $0.code == "cea" }!
        let high = try store.recordResult(NewResult(value: .judged(.abnormal), takenOn: LocalDate(year: 2026, month: 11, day: 1)!), testId: second.id,
                                          pathway: colorectal, by: "cns", now: now)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try FollowUpLetterExporter.export(.results(resultId: high.id, enrolmentId: e.id), format: .pdf, paper: .a4, output: folder.path,
                                                               store: store, configuration: testConfiguration, user: "cns", now: now)) {
            XCTAssertEqual(($0 as? ExportError)?.description, "This result needs a clinician's review before a letter is written: review it first. Nothing was written")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
        _ = try store.reviewResult(high.id, outcome: .referToClinic, note: "", by: "cns", now: now)
        XCTAssertNoThrow(try FollowUpLetterExporter.letter(.results(resultId: high.id, enrolmentId: e.id), store: store, configuration: testConfiguration))
    }

    func testLettersGiveTheCareTeamsNumbersAndAreDatedByTheUsersClockButNeverAfterTheRealToday() throws {
        // Siân's signed End of Treatment Summary holds her team's numbers; she is on the breast pathway.
        let (store, _, p) = try DocumentExportTests(name: "summary", testClosure: { _ in }).summary(signed: true)
        let breast = testConfiguration.pathways["breast-early"]!
        let e = try store.enrol(patientId: p.id!, pathway: breast, start: LocalDate(year: 2026, month: 7, day: 1)!, by: "cns", now: now)
        let test = try store.scheduledTests(enrolmentId: e.id)[0]
        let r = try store.recordResult(NewResult(value: .judged(.normal), takenOn: LocalDate(year: 2026, month: 11, day: 1)!), testId: test.id,
                                       pathway: breast, by: "cns", now: now)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let request = FollowUpLetterRequest.results(resultId: r.id, enrolmentId: e.id)
        let (moved, letter) = try FollowUpLetterExporter.export(request, format: .text, paper: .a4, output: folder.path, store: store,
                                                                 configuration: testConfiguration, user: "cns", now: now, today: LocalDate(year: 2026, month: 11, day: 10)!)
        XCTAssertEqual(letter.date.iso, "2026-11-10", "the test clock's day")
        XCTAssertTrue(moved.lastPathComponent.hasSuffix("-2026-11-10.txt"), moved.lastPathComponent)
        let text = try String(contentsOf: moved, encoding: .utf8)
        XCTAssertTrue(text.contains("Breast CNS team 0113 000 0000 (Mon-Fri 9-5)") && text.contains("Acute oncology 24-hour line 0113 000 0001"), text)
        let (_, later) = try FollowUpLetterExporter.export(request, format: .text, paper: .a4, output: folder.path, store: store,
                                                           configuration: testConfiguration, user: "cns", now: now, today: LocalDate(year: 2030, month: 1, day: 1)!)
        XCTAssertEqual(later.date, LocalDate(now), "never after the real today")
    }
}
