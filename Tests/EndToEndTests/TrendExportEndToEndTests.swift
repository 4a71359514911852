import CareplanCore
import CareplanSQLite
import Foundation
import XCTest

/// `careplan export`, the real binary, on a patient with three agreed assessments (issue 15): the printed
/// middle plan carries the trend of the first two and nothing of the third, in text and in the PDF.
final class TrendExportEndToEndTests: EndToEndCase {
    func testTheExportedPlanCarriesTheTrendUpToItsOwnAssessment() throws {
        _ = try cli(["seed", "--patients", "1"])
        let catalogue = try ConcernCatalogue.load(from: Paths.packageRoot.appendingPathComponent("Resources/catalogues/ncat-hna.yaml"), displayPath: "c").get()
        let repository = try CareStore(path: store)
        let patient = try repository.addPatient(Patient(nhsNumber: Array(NHSNumber.fictionalNumbers().prefix(6))[5], familyName: "Okafor",
                                                        givenName: "Adaeze", dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!))
        let item = catalogue.allItems.first { !$0.category.isInformation }!
        var ids: [Int64] = []
        for (day, score) in [(10, 6), (20, 3), (28, 8)] {
            let date = LocalDate(year: 2026, month: 2, day: day)!
            let noon = Calendar(identifier: .gregorian).date(from: DateComponents(timeZone: TimeZone(identifier: "UTC"), year: 2026, month: 2, day: day, hour: 12))!
            var a = try repository.startAssessment(patientId: patient.id!, pathwayPoint: .other, completedBy: .patientWithClinician, date: date,
                                                   catalogue: catalogue, createdBy: "Nurse", now: noon)
            a = try repository.apply(.setConcern(ConcernEntry(key: item.item.id, categoryId: item.category.id, label: item.item.label, score: score)),
                                     to: a.id, basedOn: a, now: noon)
            a = try repository.apply(.agree(by: "Nurse", role: .cns, at: noon, reviewDate: date.adding(days: 90)), to: a.id, basedOn: a, now: noon)
            ids.append(a.id)
        }
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        _ = try cli(["export", "\(ids[1])", "--format", "text", "--output", out.appendingPathComponent("plan.txt").path])
        let text = try String(contentsOf: out.appendingPathComponent("plan.txt"), encoding: .utf8)
        XCTAssertTrue(text.contains("HOW MY SCORES HAVE CHANGED"), text)
        let row = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix(item.item.label + "  ") })
        XCTAssertEqual(row.dropFirst(item.item.label.count).split(separator: " "), ["6", "3", "fell"])
        XCTAssertFalse(text.contains("28 Feb 2026"), "a later assessment in an agreed plan")

        _ = try cli(["export", "\(ids[1])", "--format", "pdf", "--output", out.appendingPathComponent("plan.pdf").path])
        let pdftotext = Process()
        pdftotext.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        pdftotext.arguments = ["pdftotext", out.appendingPathComponent("plan.pdf").path, "-"]
        let pipe = Pipe()
        pdftotext.standardOutput = pipe
        try pdftotext.run()
        let pdf = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        pdftotext.waitUntilExit()
        let words = pdf.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(words.contains("\(item.item.label): fell"), words)
        XCTAssertTrue(words.contains("10 Feb 2026") && words.contains("20 Feb 2026"))
        XCTAssertFalse(words.contains("28 Feb 2026"))
    }
}
