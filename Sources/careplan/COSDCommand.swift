import ArgumentParser
import CareplanCore
import CareplanExport
import Foundation

/// `careplan cosd --from DATE --to DATE`: the COSD personalised care items for the period, as CSV (issue 15).
struct COSD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosd",
        abstract: "Write the COSD personalised care items (HNA offers, care plans, End of Treatment Summaries) for a period, as CSV.",
        discussion: """
            One row per patient and event in the period (both days included): an HNA offered (and the assessment and \
            care plan an accepted one led to), or a signed End of Treatment Summary. Columns are the COSD item numbers \
            of Resources/cosd.yaml. Events that cannot be coded are left out and listed with their reason (patient id, \
            never the NHS number) on standard error and in --report. The file holds identifiable patient data: it is \
            written owner-only (0600), whole or not at all, never over a file without --force, and audited. Exit \
            status 0 when every event was written (and the --report file), 3 when the COSD file was written but some \
            events were left out or the --report file could not be written, 1 when nothing was written.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("The first day of the period (2026-01-01).", valueName: "date"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("The last day of the period.", valueName: "date"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("The CSV file or a folder (default: cosd-FROM-TO.csv in the current folder).", valueName: "path"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Also write the list of events left out to this new file.", valueName: "path"))
    var report: String?

    @Flag(name: .long, help: "Replace the output and report files if they exist.")
    var force = false

    func run() throws {
        guard let first = LocalDate(iso: from) else { throw CLIError("--from \(from) is not a date: write it as 2026-01-01") }
        guard let last = LocalDate(iso: to) else { throw CLIError("--to \(to) is not a date: write it as 2026-03-31") }
        guard first <= last else { throw CLIError("--from \(first.iso) is after --to \(last.iso): nothing was written") }
        let reportURL = try report.map { path -> URL in
            guard path != "-", !path.isEmpty else { throw CLIError("--report names a file careplan writes itself (0600): give a path. Nothing was written") }
            let url = URL(fileURLWithPath: path).standardizedFileURL
            try exporting { try AtomicFile.check(url, replace: force) }
            return url
        }
        let store = try options.openExistingStore()
        FileLogHandler.bootstrap(folder: try options.location().logFolder)
        let config = try options.loadConfiguration()
        let me = try options.signIn(store, config, toDo: .export)
        // Every patient of the period at once, for the service: a role must be trusted with exports and with reports.
        guard me.role.may(.reports) else {
            try options.recordRefusal(store, me, .reports)
            throw CLIError("\(me.name) (\(me.role.name)) may not \(Permission.reports.words): nothing was written")
        }
        var bar: ProgressBar?
        let (url, export) = try exporting {
            try COSDExporter.export(from: first, to: last, output: output, report: reportURL, force: force, store: store, configuration: config, user: me.name, now: Date()) {
                done, total in
                // Only where it takes more than a moment: a period of a big store.
                if bar == nil && total >= 10_000 { bar = ProgressBar(total: total, label: "Reading the period") }
                bar?.show(done)
            }
        }
        bar?.finish()
        // The reasons quote stored values: shown, so the terminal and the report file get no escape sequences.
        let leftOut = export.leftOut.map { shown($0.line) + "\n" }.joined()
        FileHandle.standardError.write(Data(leftOut.utf8))
        let summary = "\(export.rows.count) row(s) for \(export.patients) patient(s) written to \(shown(url.path)); \(export.leftOut.count) event(s) left out"
            + (export.leftOut.isEmpty ? "." : " (listed above).")
        print(summary)
        if let reportURL {
            do { try AtomicFile.write(Data((leftOut + summary + "\n").utf8), to: reportURL, replace: force) } catch {
                FileHandle.standardError.write(Data("careplan: the COSD file is written, but the list of events left out was not written to \(shown(reportURL.path)): \(error)\n".utf8))
                throw ExitCode(3)
            }
        }
        if !export.leftOut.isEmpty { throw ExitCode(3) }
    }
}
