import CareplanCore
import Foundation

/// An information prescription out of careplan, under the same rules as a plan or a document
/// (`PlanExporter.destination`, `AtomicFile`: 0600, whole or nothing, never over a file without --force),
/// recorded against the patient in the audit trail.
public enum InformationExporter {
    public static func render(_ prescription: InformationPrescription, format: ExportFormat, paper: Paper = .a4, largePrint: Bool = false) throws -> Data {
        switch format {
        case .pdf: return try PDFProgram.render(prescription.printLayout(largePrint: largePrint), paper: paper)
        case .text: return Data(TextRenderer.render(prescription.printLayout()).utf8)
        case .fhir: throw ExportError.badOutput("An information prescription is a page for the patient: export it as pdf or text")
        }
    }

    /// `information-Łódź-9434765919-2026-11-23.pdf`: unique per patient and date given.
    public static func defaultFileName(for p: InformationPrescription, format: ExportFormat, largePrint: Bool = false) -> String {
        "information-" + PlanExporter.fileNamePart(p.patient.familyName) + "\(p.patient.nhsNumber.digits)-\(p.date.iso)"
            + (largePrint && format == .pdf ? "-large" : "") + "." + format.fileExtension
    }

    /// The patient's prescription for `date` (nil: the latest date anything was given), only `ids` of it when
    /// given: made from the records, written and recorded.
    public static func export(patientId: Int64, date: LocalDate?, ids: Set<Int64>? = nil, format: ExportFormat, paper: Paper, largePrint: Bool = false,
                              output: String?, force: Bool = false, store: any CareRepository, configuration: Configuration, user: String,
                              now: Date, currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> (URL, InformationPrescription) {
        guard let patient = try store.patient(id: patientId) else { throw ExportError.badTarget("There is no patient \(patientId) in this store") }
        let given = try store.informationGiven(patientId: patientId)
        let name = "\(patient.givenName) \(patient.familyName)"
        guard let day = date ?? InformationPrescription.latestDate(given) else {
            throw ExportError.badTarget("\(name) (NHS number \(patient.nhsNumber.formatted)) has been given no information yet. Nothing was written")
        }
        let names = Dictionary(try store.users().map { ($0.userName, $0.fullName) }, uniquingKeysWith: { a, _ in a })
        let prescription = InformationPrescription(patient: patient, given: given, date: day, ids: ids, library: configuration.library, names: names)
        guard !prescription.given.isEmpty else {
            throw ExportError.badTarget("Nothing was given to \(name) on \(day.display). Nothing was written")
        }
        let place = try PlanExporter.destination(output: output, name: defaultFileName(for: prescription, format: format, largePrint: largePrint),
                                                 format: format, currentDirectory: currentDirectory)
        let data = try render(prescription, format: format, paper: paper, largePrint: largePrint)
        let url = try PlanExporter.deliver(data, to: place, force: force) { url in
            try store.recordInformationExport(patientId: patientId, items: prescription.given.count, format: format.recorded(largePrint: largePrint),
                                              destination: url.path, by: user, now: now)
        }
        return (url, prescription)
    }
}
