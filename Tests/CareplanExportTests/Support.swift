import CareplanCore
import CareplanSQLite
import CareplanScreens
@testable import CareplanExport
import Foundation
import XCTest

/// The repository root (Screens/ and Resources/), found from this file.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let testConfiguration: Configuration = {
    switch Configuration.load(root: repositoryRoot) {
    case .success(let c): return c
    case .failure(let e): fatalError("configuration: \(e)")
    }
}()

var catalogue: ConcernCatalogue { testConfiguration.catalogues["ncat-hna"]! }

/// A store holding one sample plan, and that plan's document.
func sample(_ kind: SamplePlans.Kind, agreed: Bool, printedAt: Date? = nil) throws -> (CareStore, PlanDocument) {
    let store = try CareStore()
    let id = try SamplePlans.add(kind, to: store, catalogue: catalogue, services: testConfiguration.services, agreed: agreed)
    let a = try store.assessment(id: id)!
    let doc = PlanDocument(assessment: a, patient: try store.patient(id: a.patientId)!, catalogue: catalogue,
                           services: testConfiguration.services, codes: testConfiguration.codes, policy: testConfiguration.policy, printedAt: printedAt)
    return (store, doc)
}

/// A store with one patient and one assessment: the checklist's first concern, rated 3, discussed, with `note`.
func onePlan(family: String, given: String, note: String = "") throws -> (CareStore, Assessment, Patient) {
    let store = try CareStore()
    let nhs = Array(NHSNumber.fictionalNumbers().prefix(1))[0]
    let p = try store.addPatient(Patient(nhsNumber: nhs, familyName: family, givenName: given, dateOfBirth: LocalDate(year: 1950, month: 1, day: 1)!))
    var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .other, completedBy: .patient, date: LocalDate(year: 2024, month: 1, day: 1)!,
                                      catalogue: catalogue, createdBy: "Nurse")
    let item = catalogue.allItems[0]
    a = try store.apply(.setConcern(ConcernEntry(key: item.item.id, categoryId: item.category.id, label: item.item.label, score: 3)), to: a.id, basedOn: a)
    a = try store.apply(.setOrder([item.item.id]), to: a.id, basedOn: a)
    a = try store.apply(.setDiscuss(key: item.item.id, true), to: a.id, basedOn: a)
    if !note.isEmpty { a = try store.apply(.setNote(key: item.item.id, text: note), to: a.id, basedOn: a) }
    return (store, a, p)
}

/// A fresh folder under the temporary directory.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("careplan-export-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@discardableResult
func runTool(_ tool: String, _ args: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [tool] + args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The text of each page of a PDF, through poppler's pdftotext (apt-get install poppler-utils).
func pdfPages(_ data: Data, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("plan.pdf")
    try data.write(to: url)
    let (status, text) = try runTool("pdftotext", ["-enc", "UTF-8", url.path, "-"])
    XCTAssertEqual(status, 0, "pdftotext failed (is poppler-utils installed?)", file: file, line: line)
    var pages = text.components(separatedBy: "\u{0C}")
    if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
    return pages
}

/// Text with runs of white space made one space (pdftotext wraps lines where the PDF does).
func squeezed(_ s: String) -> String {
    s.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
}

/// Keeps sample PDFs for a person to look at: `CAREPLAN_EXPORT_SAMPLES=/tmp/samples swift test`.
func keepSample(_ data: Data, _ name: String) {
    guard let dir = ProcessInfo.processInfo.environment["CAREPLAN_EXPORT_SAMPLES"], !dir.isEmpty else { return }
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try? data.write(to: URL(fileURLWithPath: dir).appendingPathComponent(name))
}

/// The bundle checked by the R4B models of fhir.resources (Python), with every reference resolved.
func checkWithFHIRResources(_ data: Data, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("bundle.json")
    try data.write(to: url)
    let script = repositoryRoot.appendingPathComponent("Tests/CareplanExportTests/fhir_check.py").path
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    // CAREPLAN_PYTHON, else the virtual environment .ci/fhir-check makes (from .ci/start and .ci/run), else python3.
    let venv = "/opt/careplan-fhir-check/bin/python3"
    let python = ProcessInfo.processInfo.environment["CAREPLAN_PYTHON"]
        ?? (FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3")
    p.arguments = [python, script, url.path]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    do { try p.run() } catch {
        XCTFail("python3 is needed to check FHIR bundles with fhir.resources (.ci/fhir-check installs it): \(error)", file: file, line: line)
        return [:]
    }
    let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0, "fhir.resources refused the bundle, or python3 / fhir.resources is missing (.ci/fhir-check installs it): \(output)", file: file, line: line)
    return (try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]) ?? [:]
}
