import ArgumentParser
import CareplanCore
import CareplanExport
import CareplanRuntime
import CareplanScreens
import CursesBackend
import Foundation
import Logging
import TermUI

struct Clinician: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app", abstract: "Open the clinician application (the default).")

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "No colours (also when NO_COLOR is set).")
    var noColor = false

    func run() throws {
        let config = try options.loadConfiguration()
        let store = try options.openStore(interactive: true)
        // A store that takes no answers (damaged, or under another audit key) was refused on opening, saying why;
        // damage found later (the quick check runs beside start-up) stops the run loop.
        FileLogHandler.bootstrap(folder: try options.location().logFolder)
        let log = Logger(label: "careplan.app")
        log.info("started", metadata: ["version": "\(Careplan.version)"])
        // Who is at the terminal is the sign-in screen's business (or the trusted operating-system account's).
        let account = TerminalIdentity.operatingSystemAccount()
        let terminal = TerminalIdentity.current()
        // Tests shorten the idle lock (seconds); the policy's minutes otherwise.
        let idleLock = ProcessInfo.processInfo.environment["CAREPLAN_IDLE_LOCK_SECONDS"].flatMap(TimeInterval.init).flatMap { $0 > 0 ? $0 : nil }
        let monochrome = noColor
        let clock: CareClock
        do { clock = try CareClock.current() } catch { throw CLIError("\(error)") }
        // Refused before the screen starts on a store not marked for training: said on the terminal.
        do { try store.useTestClock(clock, now: Date()) } catch { throw CLIError("\(error)") }
        let status: Int32 = try MainActor.assumeIsolated {
            let terminalUI: CursesTerminal
            do {
                // Raw mode: Ctrl-C, Ctrl-S and Ctrl-Z are keys (quit, save, nothing), never signals that
                // would stop careplan without saving or leave patient data on a suspended screen.
                terminalUI = try CursesTerminal(options: TerminalOptions(rawMode: true, monochrome: monochrome))
            } catch {
                throw CLIError("careplan needs an interactive terminal (\(error))")
            }
            let program = Program(store: store, configuration: config, terminal: terminal, operatingSystemAccount: account, idleLock: idleLock,
                                  size: terminalUI.size, now: Date(), clock: clock)
            let warnings = store.openingWarnings
            program.session.clock = clock
            program.session.chartGlyphs = ChartGlyphs.forTerminal(environment: ProcessInfo.processInfo.environment)
            if let notice = clock.notice(config.wording) {
                try store.recordSessionEvent(.startedWithTestClock, userName: account ?? "careplan", terminal: "\(terminal), \(notice)", now: Date())
            }
            // Enrolments keep their pathway's rules (kept here for those made before careplan kept them); a file changed since is said.
            try? store.keepEnrolledPathways(config.pathways, by: "careplan", now: Date())
            let pathwayWarnings = ((try? store.pathwayChanges(config.pathways)) ?? []).map { "Warning: \($0.words)." }
            if !(warnings + pathwayWarnings).isEmpty { program.session.say((warnings + pathwayWarnings).joined(separator: " "), .error) }
            // Exports from the review screen go where `careplan export` puts them by default: the current folder.
            let effects = EffectRunner { effect, session in
                let target: String, format: ExportFormat, print: Bool
                switch effect {
                case .quit, .resetScreen: return
                case .exportDocument(let id, let name, let copy, let large):
                    exportDocument(id, format: ExportFormat(rawValue: name) ?? .pdf, copy: copy, largePrint: large, print: false, session)
                    return
                case .printDocument(let id, let copy, let large):
                    guard Printer.lpPath() != nil else { session.sayNoPrinting(); return }
                    exportDocument(id, format: .pdf, copy: copy, largePrint: large, print: true, session)
                    return
                case let .exportInformation(patient, date, ids, name, large):
                    exportInformation(patient, date: date, ids: ids, format: ExportFormat(rawValue: name) ?? .pdf, largePrint: large, print: false, session)
                    return
                case let .printInformation(patient, date, ids):
                    guard Printer.lpPath() != nil else { session.sayNoPrinting(); return }
                    exportInformation(patient, date: date, ids: ids, format: .pdf, largePrint: false, print: true, session)
                    return
                case let .exportFollowUpLetter(request, name):
                    var said: [String] = []
                    do {
                        let (url, letter) = try runLetterExport(request, format: ExportFormat(rawValue: name) ?? .pdf, paper: .a4, largePrint: false, output: nil,
                                                                force: false, print: false, store: store, configuration: config, user: session.user,
                                                                now: Date(), today: session.today, say: { said.append($0) })
                        session.sayWritten(name == "text" ? "text" : name.uppercased(), "the \(letter.kind == .results ? "results" : "discharge") letter",
                                           to: url.path, after: "")
                    } catch {
                        session.say("Not saved: " + String(describing: error), .error)
                    }
                    return
                case let .exportReport(table, name, path):
                    let format = ReportFormat(rawValue: name) ?? .csv
                    do {
                        let data = try ReportOutput.data(table, format: format)
                        // Empty: the current folder; a folder: a new file named for the report in it (never one
                        // replaced); else that new file, refused if it exists or is a link, device or pipe.
                        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                        let destination = path.isEmpty ? here : URL(fileURLWithPath: path, relativeTo: here).standardizedFileURL
                        var isFolder: ObjCBool = false
                        let named = ReportOutput.fileName(table, format: format)
                        let isLink = (try? FileManager.default.destinationOfSymbolicLink(atPath: destination.path)) != nil
                        let url = path.isEmpty || (!isLink && FileManager.default.fileExists(atPath: destination.path, isDirectory: &isFolder) && isFolder.boolValue)
                            ? try AtomicFile.write(data, newFileIn: destination, named: named)
                            : try AtomicFile.write(data, to: destination, replace: false)
                        try store.recordReportRun(table.report, scope: ReportScope(from: table.from, to: table.to), format: "\(format.rawValue) file " + url.path + (table.team.map { ", team \($0)" } ?? ""),
                                                  by: session.user, now: Date())
                        session.sayWritten(format == .table ? "text" : format.rawValue.uppercased(), "the \(table.title) report", to: url.path, after: "")
                    } catch {
                        session.say("Not saved: " + String(describing: error), .error)
                    }
                    return
                case .export(let id, let name):
                    target = String(id); format = ExportFormat(rawValue: name) ?? .pdf; print = false
                case .print(let id):
                    // Asked before writing: a PDF that cannot be printed is not what L asked for.
                    guard Printer.lpPath() != nil else { session.sayNoPrinting(); return }
                    target = String(id); format = .pdf; print = true
                }
                var said: [String] = []
                do {
                    let exported = try runExport(target: target, format: format, paper: .a4, output: nil, print: print, store: store,
                                                 configuration: config, user: session.user, now: Date(), say: { said.append($0) })
                    let name = format == .text ? "text" : format.rawValue.uppercased()
                    session.sayWritten(name, of: exported.assessment, to: exported.url.path,
                                       after: print ? "Sent to the default printer. " : "")
                } catch {
                    // Written but refused by the printer (the error names the file kept), or nothing written.
                    session.say((said.isEmpty ? "Not saved: " : "Not printed: ") + String(describing: error), .error)
                }
            }
            /// A document from its screen, as `careplan export --document` writes it: said as the plan's exports are.
            func exportDocument(_ id: Int64, format: ExportFormat, copy: String, largePrint: Bool, print: Bool, _ session: Session) {
                var said: [String] = []
                do {
                    let (url, document) = try runDocumentExport(id: id, copy: DocumentCopy(rawValue: copy) ?? .record, largePrint: largePrint, format: format,
                                                                paper: .a4, output: nil, force: false, print: print, store: store, configuration: config,
                                                                user: session.user, now: Date(), say: { said.append($0) })
                    session.sayWritten(format == .text ? "text" : format.rawValue.uppercased(), of: document, to: url.path,
                                       after: print ? "Sent to the default printer. " : "")
                } catch {
                    session.say((said.isEmpty ? "Not saved: " : "Not printed: ") + String(describing: error), .error)
                }
            }
            /// An information prescription from the record or the picker, as `careplan export --information` writes it.
            func exportInformation(_ patient: Int64, date: LocalDate, ids: [Int64], format: ExportFormat, largePrint: Bool, print: Bool, _ session: Session) {
                var said: [String] = []
                do {
                    let (url, p) = try runInformationExport(patientId: patient, date: date, ids: ids.isEmpty ? nil : Set(ids), format: format, paper: .a4,
                                                            largePrint: largePrint, output: nil, force: false, print: print, store: store,
                                                            configuration: config, user: session.user, now: Date(), say: { said.append($0) })
                    session.sayWritten(format == .text ? "text" : format.rawValue.uppercased(), "the information prescription of \(p.date.display)",
                                       to: url.path, after: print ? "Sent to the default printer. " : "")
                } catch {
                    session.say((said.isEmpty ? "Not saved: " : "Not printed: ") + String(describing: error), .error)
                }
            }
            return RunLoop(program: program, store: store, terminal: terminalUI, effects: effects, log: log).run()
        }
        if status != 0 { throw ExitCode(status) }
    }
}
