import ArgumentParser
import CareplanCore
import CareplanExport
import Foundation
import Logging

extension ExportFormat: ExpressibleByArgument {}
extension Paper: ExpressibleByArgument {}
extension DocumentCopy: ExpressibleByArgument {}

/// `careplan export <NHS number | assessment id> --format pdf|text|fhir [--draft] [--output PATH] [--force] [--paper a4|letter] [--print]`,
/// or `careplan export --document ID [--copy patient|gp|record] [--large-print] ...` for any other document.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",  // named, not derived from the type: that costs a runtime scan at every start
        abstract: "Export a care and support plan or another document as PDF, plain text (80 columns) or FHIR R4 JSON.",
        discussion: """
            TARGET is an NHS number (the patient's latest agreed plan is exported, or with --draft their newest draft; spaces are fine, quoted or not) or an assessment id (that plan, agreed or not).

            Without --output the file goes in the current folder, named after the patient's family name, NHS number, the plan's assessment id and version, and today's date (with -2, -3 ... if that name is taken); an --output folder gets that name inside it. An existing file is never replaced without --force; devices, pipes, sockets and symbolic links never. A path ending in / is a folder; `-` is refused (plans go only into files), and so is an extension of another format (plan.pdf with --format fhir).

            Files are private to you (0600) and are written whole or not at all. Every export is recorded against the plan (when, which format, by whom).

            --document ID exports that document (an End of Treatment Summary, ...) instead, under the same rules: --copy says whose copy (the GP's puts the actions for the GP first).

            --large-print sets the PDF's text at 14 pt (clear print), for a plan or a document.

            --letter results|discharge with an NHS number writes the patient's follow-up letter (to the patient, copy to the GP): the letter of their latest result, or of their latest discharge from follow-up, as pdf or text, under the same rules.

            --information NHS-NUMBER writes the patient's information prescription (the health and wellbeing information given to them, with summaries and where to find each item) for --date (day/month/year; without it, the latest date anything was given), as pdf or text, under the same rules.
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The patient's NHS number (spaces allowed) or an assessment id.", valueName: "nhs-number-or-assessment-id"))
    var target: [String] = []

    @Option(name: .long, help: "pdf, text or fhir.")
    var format: ExportFormat = .pdf

    @Flag(name: .long, help: "With an NHS number: export the patient's newest draft instead of their latest agreed plan.")
    var draft = false

    @Option(name: .long, help: ArgumentHelp("The file (or folder) to write.", valueName: "path"))
    var output: String?

    @Flag(name: .long, help: "Replace the --output file if it exists (a regular, writable file only).")
    var force = false

    @Option(name: .long, help: "Paper size for the PDF: a4 or letter.")
    var paper: Paper = .a4

    @Option(name: .long, help: ArgumentHelp("Export this document (its id) instead of a plan.", valueName: "id"))
    var document: Int64?

    @Option(name: .long, help: "With --document: whose copy, patient, gp or record.")
    var copy: DocumentCopy = .record

    @Option(name: .long, help: ArgumentHelp("Export this patient's information prescription instead of a plan.", valueName: "nhs-number"))
    var information: String?

    @Option(name: .long, help: ArgumentHelp("With --information: the date it was given (default: the latest).", valueName: "day/month/year"))
    var date: String?

    @Option(name: .long, help: ArgumentHelp("With an NHS number: the patient's follow-up letter, results or discharge, instead of a plan.", valueName: "kind"))
    var letter: FollowUpLetterKind?

    @Flag(name: .long, help: "With --format pdf: text at 14 pt, for patients who need large print.")
    var largePrint = false

    @Flag(name: .customLong("print"), help: "Also send the PDF to the default printer (CUPS `lp`). Without CUPS the file is kept and you are told.")
    var sendToPrinter = false

    func validate() throws {
        if letter != nil {
            if target.isEmpty || document != nil || information != nil { throw ValidationError("Give --letter with the patient's NHS number only") }
            if draft || copy != .record || date != nil { throw ValidationError("--draft, --copy and --date are not for a follow-up letter") }
            if format == .fhir { throw ValidationError("A follow-up letter is a page for the patient and the GP: --format pdf or text") }
        } else if information != nil {
            if !target.isEmpty || document != nil { throw ValidationError("Give --information alone: not with a plan or a --document") }
            if draft || copy != .record { throw ValidationError("--draft and --copy are for plans and documents, not an information prescription") }
            if format == .fhir { throw ValidationError("An information prescription is a page for the patient: --format pdf or text") }
            if let date, case .failure(let problem) = LocalDate.parse(date) { throw ValidationError("--date \(date): \(problem)") }
        } else if date != nil {
            throw ValidationError("--date goes with --information")
        } else if document != nil {
            if !target.isEmpty { throw ValidationError("Give either --document or a plan (NHS number or assessment id), not both") }
            if draft { throw ValidationError("--draft chooses among a patient's plans: a --document is exported as it stands") }
        } else {
            if target.isEmpty { throw ValidationError("Say which plan: an NHS number or an assessment id (or --document ID)") }
            if copy != .record { throw ValidationError("--copy goes with --document") }
        }
        if largePrint && format != .pdf { throw ValidationError("--large-print is for the PDF: use it with --format pdf (the default)") }
        if sendToPrinter && format != .pdf { throw ValidationError("--print sends the PDF: use it with --format pdf (the default)") }
    }

    func run() throws {
        let store = try options.openExistingStore()
        FileLogHandler.bootstrap(folder: try options.location().logFolder)
        let configuration = try options.loadConfiguration()
        let me = try options.signIn(store, configuration, toDo: .export)
        if let letter {
            let patient = try informationPatient(target.joined(separator: " "), store)
            let request = try exporting { try FollowUpLetterExporter.latest(letter.kind, patientId: patient, store: store) }
            try runLetterExport(request, format: format, paper: paper, largePrint: largePrint, output: output, force: force, print: sendToPrinter,
                                store: store, configuration: configuration, user: me.name, now: Date(), today: try CareClock.current().today())
            return
        }
        if let information {
            let patient = try informationPatient(information, store)
            try runInformationExport(patientId: patient, date: date.flatMap { try? LocalDate.parse($0).get() }, format: format, paper: paper,
                                     largePrint: largePrint, output: output, force: force, print: sendToPrinter, store: store,
                                     configuration: configuration, user: me.name, now: Date())
            return
        }
        if let document {
            try runDocumentExport(id: document, copy: copy, largePrint: largePrint, format: format, paper: paper, output: output, force: force,
                                  print: sendToPrinter, store: store, configuration: configuration, user: me.name, now: Date())
            return
        }
        try runExport(target: target.joined(separator: " "), draft: draft, format: format, paper: paper, largePrint: largePrint, output: output, force: force,
                      print: sendToPrinter, store: store, configuration: configuration, user: me.name, now: Date())
    }
}

/// The export command's work, apart from argument parsing: export, say which plan went out and where, log
/// it (record ids only), print if asked. The review screen's keys come here too, with no output (a new file
/// in the current folder). Throws a `CLIError` (message for the user, non-zero exit) when nothing was
/// exported or printing failed.
@discardableResult
func runExport(target: String, draft: Bool = false, format: ExportFormat, paper: Paper, largePrint: Bool = false, output: String?, force: Bool = false,
               print sendToPrinter: Bool, store: any CareRepository, configuration: Configuration, user: String, now: Date,
               say: (String) -> Void = { Swift.print($0) }) throws -> Exported {
    let exported = try exporting {
        try PlanExporter.export(target: target, draft: draft, format: format, paper: paper, largePrint: largePrint, output: output, force: force,
                                store: store, configuration: configuration, user: user, now: now)
    }
    let a = exported.assessment
    Logger(label: "careplan.export").info("exported", metadata: [
        "assessment": "\(a.id)", "version": "\(a.version)", "status": "\(a.status.rawValue)", "format": "\(format.rawValue)",
    ])
    say("Wrote \(exported.url.path): \(exported.planDescription)")
    guard sendToPrinter else { return exported }
    try printExported(exported.url, say: say) { printer in
        try store.recordExport(assessmentId: a.id, format: "print", destination: printer, by: user, at: now)
        Logger(label: "careplan.export").info("printed", metadata: ["assessment": "\(a.id)", "version": "\(a.version)"])
    }
    return exported
}

/// `careplan export --document ID`: as `runExport`, for a document. The document's screen comes here too.
@discardableResult
func runDocumentExport(id: Int64, copy: DocumentCopy, largePrint: Bool, format: ExportFormat, paper: Paper, output: String?, force: Bool,
                       print sendToPrinter: Bool, store: any CareRepository, configuration: Configuration, user: String, now: Date,
                       say: (String) -> Void = { Swift.print($0) }) throws -> (url: URL, document: Document) {
    // A signed document is exported only as it was signed: a copy of the store changed behind careplan's back is refused.
    if let changed = try store.signedContentProblem(documentId: id) {
        throw CLIError(changed + ". Not exported: run `careplan audit --verify`, and export it from a store that was not tampered with")
    }
    let (url, document) = try exporting {
        try DocumentExporter.export(documentId: id, copy: copy, largePrint: largePrint, format: format, paper: paper,
                                    output: output, force: force, store: store, configuration: configuration, user: user, now: now)
    }
    Logger(label: "careplan.export").info("exported document", metadata: [
        "document": "\(id)", "version": "\(document.version)", "status": "\(document.status.rawValue)", "format": "\(format.rawValue)",
    ])
    let state = document.status == .draft ? "a DRAFT, not yet signed" : document.status == .signed ? "signed" : "signed, since replaced"
    say("Wrote \(url.path): \(document.title), version \(document.version) (document \(id)), \(state), \(copy.label)'s copy")
    guard sendToPrinter else { return (url, document) }
    try printExported(url, say: say) { try store.recordDocumentExport(documentId: id, format: "print", destination: $0, by: user, now: now) }
    return (url, document)
}

/// The patient `--information` names, by NHS number.
func informationPatient(_ typed: String, _ store: any CareRepository) throws -> Int64 {
    switch NHSNumber.parse(typed) {
    case .failure(let problem): throw CLIError("--information \(typed): \(problem)")
    case .success(let nhs):
        guard let id = try store.patient(nhsNumber: nhs)?.id else { throw CLIError(ExportError.unknownPatient(nhsNumber: nhs.formatted).description) }
        return id
    }
}

/// `careplan export --information`: as `runExport`, for an information prescription (`ids`: only those of the
/// date's, as the picker just recorded). The screens' P and print come here too.
@discardableResult
func runInformationExport(patientId: Int64, date: LocalDate?, ids: Set<Int64>? = nil, format: ExportFormat, paper: Paper, largePrint: Bool,
                          output: String?, force: Bool, print sendToPrinter: Bool, store: any CareRepository, configuration: Configuration,
                          user: String, now: Date, say: (String) -> Void = { Swift.print($0) }) throws -> (url: URL, prescription: InformationPrescription) {
    let (url, prescription) = try exporting {
        try InformationExporter.export(patientId: patientId, date: date, ids: ids, format: format, paper: paper, largePrint: largePrint,
                                       output: output, force: force, store: store, configuration: configuration, user: user, now: now)
    }
    Logger(label: "careplan.export").info("exported information prescription", metadata: [
        "patient": "\(patientId)", "items": "\(prescription.given.count)", "format": "\(format.rawValue)",
    ])
    let n = prescription.given.count
    say("Wrote \(url.path): the information prescription of \(prescription.date.display), \(n) item\(n == 1 ? "" : "s")")
    guard sendToPrinter else { return (url, prescription) }
    try printExported(url, say: say) { try store.recordInformationExport(patientId: patientId, items: n, format: "print", destination: $0, by: user, now: now) }
    return (url, prescription)
}

/// An export's refusals in the words the user sees (nothing was written).
func exporting<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as ExportError {
        throw CLIError(e.description)
    } catch let e as StoreError {
        throw CLIError(e.description + ". Nothing was written")
    }
}

/// Sends a written file to the default printer and records it (`record` gets where it went), or says why not.
func printExported(_ url: URL, say: (String) -> Void, record: (String) throws -> Void) throws {
    switch Printer.print(url) {
    case .success(let answer):
        try record("default printer" + (answer.isEmpty ? "" : ": \(answer)"))
        say("Sent to the default printer" + (answer.isEmpty ? "." : " (\(answer))."))
    case .failure(let e):
        throw CLIError(e.description)
    }
}

/// `--letter`'s kinds.
enum FollowUpLetterKind: String, ExpressibleByArgument, CaseIterable {
    case results, discharge
    var kind: FollowUpLetter.Kind { self == .results ? .results : .discharge }
}

/// `careplan export --letter`: as `runExport`, for a follow-up letter. The follow-up screen's L comes here too.
@discardableResult
func runLetterExport(_ request: FollowUpLetterRequest, format: ExportFormat, paper: Paper, largePrint: Bool, output: String?, force: Bool,
                     print sendToPrinter: Bool, store: any CareRepository, configuration: Configuration, user: String, now: Date, today: LocalDate,
                     say: (String) -> Void = { Swift.print($0) }) throws -> (url: URL, letter: FollowUpLetter) {
    let (url, letter) = try exporting {
        try FollowUpLetterExporter.export(request, format: format, paper: paper, largePrint: largePrint, output: output, force: force,
                                          store: store, configuration: configuration, user: user, now: now, today: today)
    }
    Logger(label: "careplan.export").info("exported follow-up letter", metadata: ["enrolment": "\(letter.enrolment.id)", "kind": "\(letter.kind.rawValue)",
                                                                               "format": "\(format.rawValue)"])
    say("Wrote \(url.path): the \(letter.kind == .results ? "results" : "discharge") letter of \(letter.date.display) (patient, copy to the GP)")
    guard sendToPrinter else { return (url, letter) }
    try printExported(url, say: say) {
        try store.recordLetterExport(patientId: letter.enrolment.patientId, letter: letter.kind.rawValue, format: "print", destination: $0, by: user, now: now)
    }
    return (url, letter)
}
