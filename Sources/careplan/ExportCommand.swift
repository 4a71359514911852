import ArgumentParser
import CareplanCore
import CareplanExport
import Foundation

extension ExportFormat: ExpressibleByArgument {}
extension Paper: ExpressibleByArgument {}

/// `careplan export <NHS number | assessment id> --format pdf|text|fhir [--output PATH] [--paper a4|letter] [--print]`
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",  // named, not derived from the type: that costs a runtime scan at every start
        abstract: "Export a care and support plan as PDF, plain text (80 columns) or FHIR R4 JSON.",
        discussion: """
            TARGET is an NHS number (the patient's latest assessment is exported; spaces are fine, quoted or not) or an assessment id.

            Without --output the file goes in the current folder, named after the patient's family name and today's date; an --output folder gets that name inside it.

            Files are private to you (0600) and are written whole or not at all. Every export is recorded against the plan (when, which format, by whom).
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The patient's NHS number (spaces allowed) or an assessment id.", valueName: "nhs-number-or-assessment-id"))
    var target: [String] = []

    @Option(name: .long, help: "pdf, text or fhir.")
    var format: ExportFormat = .pdf

    @Option(name: .long, help: ArgumentHelp("The file (or folder) to write.", valueName: "path"))
    var output: String?

    @Option(name: .long, help: "Paper size for the PDF: a4 or letter.")
    var paper: Paper = .a4

    @Flag(name: .customLong("print"), help: "Also send the PDF to the default printer (CUPS `lp`). Without CUPS the file is kept and you are told.")
    var sendToPrinter = false

    func validate() throws {
        if target.isEmpty { throw ValidationError("Say which plan: an NHS number or an assessment id") }
        if sendToPrinter && format != .pdf { throw ValidationError("--print sends the PDF: use it with --format pdf (the default)") }
    }

    func run() throws {
        let store = try options.openStore()
        let configuration = try options.loadConfiguration()
        try runExport(target: target.joined(separator: " "), format: format, paper: paper, output: output, print: sendToPrinter, store: store,
                      configuration: configuration, user: options.userName, now: Date())
    }
}

/// The export command's work, apart from argument parsing: export, report the file, print if asked.
/// Throws a `CLIError` (message for the user, non-zero exit) when nothing was exported or printing failed.
func runExport(target: String, format: ExportFormat, paper: Paper, output: String?, print sendToPrinter: Bool,
               store: CareStore, configuration: Configuration, user: String, now: Date,
               say: (String) -> Void = { Swift.print($0) }) throws {
    let url: URL
    do {
        url = try PlanExporter.export(target: target, format: format, paper: paper, output: output, store: store,
                                      configuration: configuration, user: user, now: now)
    } catch let e as ExportError {
        throw CLIError(e.description)
    } catch let e as StoreError {
        throw CLIError(e.description + ". Nothing was written")
    }
    say("Wrote \(url.path)")
    guard sendToPrinter else { return }
    switch Printer.print(url) {
    case .success(let answer):
        let (assessment, _) = try PlanExporter.resolve(target: target, store: store)
        try store.recordExport(assessmentId: assessment.id, format: "print", destination: "default printer" + (answer.isEmpty ? "" : ": \(answer)"),
                               by: user, at: now)
        say("Sent to the default printer" + (answer.isEmpty ? "." : " (\(answer))."))
    case .failure(let e):
        throw CLIError(e.description)
    }
}
