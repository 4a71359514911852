import CareplanCore
import Foundation

/// The COSD file for a period (`careplan cosd`): the store's facts made into rows (`COSDExport.rows`), written
/// as CSV with the item numbers of Resources/cosd.yaml as column names, under every export's rules (a new 0600
/// file, whole or nothing, never over another without `force`) and audited with counts only.
public enum COSDExporter {
    /// `report`: where the list of events left out goes (the caller writes it): never the COSD file itself, and named in the audit entry.
    public static func export(from: LocalDate, to: LocalDate, output: String?, report: URL? = nil, force: Bool = false, store: any CareRepository,
                              configuration: Configuration, user: String, now: Date,
                              currentDirectory: String = FileManager.default.currentDirectoryPath,
                              progress: (Int, Int) -> Void = { _, _ in }) throws -> (url: URL, export: COSDExport) {
        guard from <= to else { throw ExportError.badOutput("the period starts (\(from.iso)) after it ends (\(to.iso))") }
        if let output, !output.hasSuffix("/"), case let ext = URL(fileURLWithPath: output).pathExtension.lowercased(), !ext.isEmpty, ext != "csv" {
            throw ExportError.badOutput("the COSD file is CSV: name it .csv (\(output)), or give a folder")
        }
        // A folder gets the default name; `-` and symbolic links are refused, as for every export.
        let place = try PlanExporter.destination(output: output, name: "cosd-\(from.iso)-\(to.iso).csv", format: .text, currentDirectory: currentDirectory)
        if let report {
            let file: URL = switch place { case .file(let f): f; case let .folder(dir, name): dir.appendingPathComponent(name) }
            if AtomicFile.sameFile(file, report) {
                throw ExportError.badOutput("--report \(TextCleaner.singleLine(report.path)) is the COSD file itself: give the list of events left out another name")
            }
        }
        let facts = try store.cosdFacts(from: from, to: to, eotsTemplate: configuration.cosd.eotsTemplate, progress: progress)
        let export = COSDExport.rows(facts, roles: configuration.roles, codes: configuration.codes)
        // RFC 4180 cells as the reports write them; no byte-order mark: every value is a code, a date or digits.
        let data = Data(export.table(configuration.cosd).map { $0.map(ReportOutput.csvCell).joined(separator: ",") + "\r\n" }.joined().utf8)
        let url = try PlanExporter.deliver(data, to: place, force: force) { url in
            try store.recordCOSDExport(from: from, to: to, patients: export.patients, rows: export.rows.count, leftOut: export.leftOut.count,
                                       destination: url.path + (report.map { ", events left out listed in \($0.path)" } ?? ""), by: user, now: now)
        }
        return (url, export)
    }
}
