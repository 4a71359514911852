import CareplanCore
import Foundation

/// Any document out of careplan: rendered as its template says (`DocumentPrint`), written under the same
/// rules as a plan (`PlanExporter.destination`, `AtomicFile`: 0600, whole or nothing, never over a file
/// without --force, never to a device or a link), and recorded against the document in the audit trail.
public enum DocumentExporter {
    public static func render(_ print: DocumentPrint, format: ExportFormat, paper: Paper = .a4, largePrint: Bool = false) throws -> Data {
        switch format {
        case .pdf: return try PDFProgram.render(print.printLayout(largePrint: largePrint), paper: paper)
        case .text: return Data(TextRenderer.render(print.printLayout()).utf8)
        case .fhir: return try DocumentFHIR.render(print)
        }
    }

    /// `eots-Łódź-9434765919-doc12-v1-gp-DRAFT-2026-11-28.pdf`: unique per document, version and copy.
    public static func defaultFileName(for print: DocumentPrint, format: ExportFormat, largePrint: Bool = false, today: LocalDate) -> String {
        let d = print.document
        return "\(d.templateId)-" + PlanExporter.fileNamePart(print.patient.familyName) + "\(print.patient.nhsNumber.digits)-doc\(d.id)-v\(d.version)"
            + (format == .fhir ? "" : "-\(print.copy.rawValue)") + (largePrint && format == .pdf ? "-large" : "")
            + (print.isDraft ? "-DRAFT" : "") + "-" + today.iso + "." + format.fileExtension
    }

    /// Renders document `id` (its template from `configuration`), writes it and records the export.
    public static func export(documentId id: Int64, copy: DocumentCopy = .record, largePrint: Bool = false, format: ExportFormat, paper: Paper,
                              output: String?, force: Bool = false, store: any CareRepository, configuration: Configuration,
                              user: String, now: Date, currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> (URL, Document) {
        guard let document = try store.document(id: id) else { throw ExportError.badTarget("There is no document \(id) in this store") }
        guard let template = configuration.documents[document.templateId] else {
            throw ExportError.badTarget("Document \(id) is a `\(document.templateId)`, which has no template in Resources/documents any more")
        }
        guard let patient = try store.patient(id: document.patientId) else { throw ExportError.badTarget("There is no document \(id) in this store") }
        let print = DocumentPrint(document: document, template: template, patient: patient, codes: configuration.codes,
                                  services: configuration.services, roles: configuration.roles,
                                  staff: try store.users().map { StaffName($0, roles: configuration.roles) }, copy: copy, printedAt: now)
        let name = defaultFileName(for: print, format: format, largePrint: largePrint, today: LocalDate(now, calendar: PlanDocument.ukCalendar))
        let place = try PlanExporter.destination(output: output, name: name, format: format, currentDirectory: currentDirectory)
        let data = try render(print, format: format, paper: paper, largePrint: largePrint)
        let url = try PlanExporter.deliver(data, to: place, force: force) { url in
            try store.recordDocumentExport(documentId: id, format: format.recorded(largePrint: largePrint), destination: url.path, by: user, now: now)
        }
        return (url, document)
    }
}
