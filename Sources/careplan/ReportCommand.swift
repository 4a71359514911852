import ArgumentParser
import CareplanCore
import CareplanExport
import Foundation
import TermUI

extension ReportGrouping: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}

/// `careplan report NAME [--from DATE --to DATE] [--team T] [--by ...] [--format table|csv|json] [--output PATH]` (issue 15).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Run a report of the service's activity: counts only, no patient named.",
        discussion: """
            Without NAME, lists the reports. Each report's definition (what counts, which dates) is printed with it and written \
            in the README under "Reports".

            The period is --from to --to, ISO dates, both days included. Without them: the last full calendar month before \
            today. --from alone runs to today; --to alone starts on the first day of its month.

            --by month (the default), team, site (tumour site, from the patient's ICD-10 code by Resources/tumour-sites.yaml) \
            or role (who agreed or signed), for the reports that have it; every grouping ends with a total row. --team counts \
            only that team's patients (its number, its name, or the start of one name).

            --format table (text for the terminal, with charts), csv (UTF-8 with BOM, CRLF, one header row), json, or pdf \
            (pages with the charts drawn, to an --output file). \
            Without --output the report goes to standard output; an --output file is private to you (0600), written whole \
            or not at all, and never replaced without --force; a folder (or a path ending in /) gets \
            report-NAME-FROM-to-TO.EXT inside it (-2, -3 ... if taken); an extension of another format (h.txt with --format csv) \
            is refused. A CSV has one header row only: the period, team and notes are printed on standard error when it is \
            written to a file (JSON carries them). Running a report needs the `reports` permission and is recorded in the \
            audit trail (who, which report, the period, team, rows, format and file).
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The report (leave out to list them).", valueName: "name"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("The period's first day (ISO, e.g. 2026-01-01).", valueName: "date"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("The period's last day (ISO).", valueName: "date"))
    var to: String?

    @Option(name: .long, help: ArgumentHelp("Only this team's patients: its number, name or the start of its name.", valueName: "team"))
    var team: String?

    @Option(name: .long, help: "Rows by month, team, site or role (default: month, where the report has it).")
    var by: String?

    @Option(name: .long, help: "table, csv, json or pdf (pdf needs --output).")
    var format: ReportFormat = .table

    @Option(name: .long, help: ArgumentHelp("Write to this new file (or into this folder) instead of standard output.", valueName: "path"))
    var output: String?

    @Flag(name: .long, help: "Replace the --output file if it exists (a regular, writable file only).")
    var force = false

    /// "  care-plans         care plans completed and agreed, ..." for every report.
    static var list: String {
        let w = ReportCatalogue.reports.map(\.name.count).max() ?? 0
        return "Reports (careplan report NAME; --help for the options):\n"
            + ReportCatalogue.reports.map { "  " + $0.name.padding(toLength: w, withPad: " ", startingAt: 0) + "  " + $0.summary }.joined(separator: "\n")
            + "\n"
    }

    static func date(_ text: String?, _ option: String) throws -> LocalDate? {
        guard let text else { return nil }
        let typed = text.trimmingCharacters(in: .whitespaces)
        guard let d = LocalDate(iso: typed) else {
            // A real date careplan does not take (9999-12-31) is told apart from one that is not a date.
            let p = typed.split(separator: "-").compactMap { Int($0) }
            if p.count == 3, (1...12).contains(p[1]), (1...31).contains(p[2]), !(1800...2200).contains(p[0]) {
                throw ValidationError("\(option) `\(text)` is outside the years careplan takes (1800 to 2200)")
            }
            throw ValidationError("\(option) `\(text)` is not a date: write it as year-month-day, e.g. 2026-01-31")
        }
        return d
    }

    /// `--by` as the report takes it; a wrong one is told with this report's usage, not the general one.
    static func grouping(_ text: String?) throws -> ReportGrouping? {
        guard let text else { return nil }
        guard let g = ReportGrouping(rawValue: text.lowercased()) else {
            throw ValidationError("--by `\(text)` is not a breakdown: month, team, site or role (which the report has)")
        }
        return g
    }

    /// Where `--output` writes: a file, or a folder (existing, or the path ends in /) that gets the report's file name.
    /// An extension of another format is refused, as `careplan export` refuses one.
    static func target(_ path: String, format: ReportFormat) throws -> (url: URL, folder: Bool) {
        if path == "-" || path.isEmpty { throw CLIError("--output names a file careplan writes itself (0600): leave it out for standard output") }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isFolder: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
                                   && (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) == nil) {
            return (url, true)
        }
        let ext = url.pathExtension.lowercased()
        if let fits = ReportFormat.allCases.first(where: { ReportOutput.fileExtension($0) == ext }), fits != format {
            throw CLIError("--format \(format.rawValue) writes .\(ReportOutput.fileExtension(format)): name the file so "
                           + "(.\(url.pathExtension) is for --format \(fits.rawValue))")
        }
        return (url, false)
    }

    /// The period asked for, or the last full calendar month before `today`.
    static func period(from: LocalDate?, to: LocalDate?, today: LocalDate) -> (LocalDate, LocalDate) {
        switch (from, to) {
        case let (f?, t?): return (f, t)
        case let (f?, nil): return (f, today)
        case let (nil, t?): return (LocalDate(year: t.year, month: t.month, day: 1)!, t)
        case (nil, nil):
            let firstOfThisMonth = LocalDate(year: today.year, month: today.month, day: 1)!
            let last = firstOfThisMonth.adding(days: -1)
            return (LocalDate(year: last.year, month: last.month, day: 1)!, last)
        }
    }

    func validate() throws {
        if let name, ReportCatalogue.report(name) == nil {
            throw ValidationError("there is no report `\(name)`. " + Self.list)
        }
        let f = try Self.date(from, "--from"), t = try Self.date(to, "--to")
        // A breakdown the report has not is refused here, so the message comes with this command's usage.
        if let name, let by = try Self.grouping(by), let def = ReportCatalogue.report(name), !def.groupings.contains(by) {
            throw ValidationError(def.groupings.isEmpty ? "the \(name) report has rows of its own: leave out --by"
                                  : "the \(name) report goes by " + def.groupings.map(\.rawValue).joined(separator: ", ") + ", not by \(by.rawValue)")
        }
        if let f, let t, f > t { throw ValidationError("--from \(f.iso) is after --to \(t.iso): the period must start on or before its end") }
        if format == .pdf && output == nil { throw ValidationError("--format pdf needs --output FILE: a PDF is not for the terminal") }
        if name == nil && (from != nil || to != nil || team != nil || by != nil || output != nil) {
            throw ValidationError("name the report first: careplan report NAME [options]. " + Self.list)
        }
    }

    func run() throws {
        guard let name else { print(Self.list, terminator: ""); return }
        let by = try Self.grouping(self.by)
        let target = try output.map { path in
            let t = try Self.target(path, format: format)
            if !t.folder { try AtomicFile.check(t.url, replace: force) }
            return t
        }
        let store = try options.openExistingStore()
        let config = try options.loadConfiguration()
        let me = try options.signIn(store, config, toDo: .reports)
        let clock: CareClock
        do { clock = try CareClock.current() } catch { throw CLIError("\(error)") }
        try store.useTestClock(clock, now: Date())
        let teams = try store.teams()
        var teamId: Int64?
        if let team { teamId = try findTeam(team, in: store).id }
        let (from, to) = Self.period(from: try Self.date(self.from, "--from"), to: try Self.date(self.to, "--to"), today: clock.today())
        if from > to { throw CLIError("the period would start on \(from.iso), after it ends on \(to.iso): give --from and --to") }
        let scope = ReportScope(from: from, to: to, teamId: teamId)
        let table: ReportTable
        // A long period is counted month by month; the bar shows (on a terminal) once it takes more than a moment.
        let started = Date()
        var bar: ProgressBar?
        func progress(_ done: Int, _ months: Int) {
            if bar == nil && Date().timeIntervalSince(started) > 0.3 && done < months { bar = ProgressBar(total: months, label: "Counting", unit: "months") }
            bar?.show(done)
        }
        do {
            table = try ReportCatalogue.run(name, scope: scope, by: by, store: store, context: ReportContext(teams: teams, configuration: config),
                                            progress: progress)
            bar?.finish()
        } catch let problem as ReportProblem {
            bar?.abandon()
            throw ValidationError(problem.description)
        } catch {
            bar?.abandon()
            throw error
        }
        // Charts in blocks where the terminal shows them; a file gets plain ASCII, which any viewer shows.
        let glyphs = target == nil ? ChartGlyphs.forTerminal(environment: ProcessInfo.processInfo.environment) : .ascii
        // What reaches a terminal (standard output, or a table meant for reading) carries no escape sequences.
        let data = try ReportOutput.data(target == nil || format == .table ? table.forTerminal : table, format: format, width: 80, glyphs: glyphs)
        // Recorded before anything leaves: the breakdown and the file (a folder's file is named as it is written).
        let file = target.map { " to " + $0.url.path + ($0.folder ? "/ (a new file in the folder)" : "") } ?? ""
        try store.recordReportRun(name, scope: scope, format: format.rawValue + (by.map { ", by \($0.rawValue)" } ?? "") + file, by: me.name, now: Date())
        if let target {
            let url = target.folder ? try AtomicFile.write(data, newFileIn: target.url, named: ReportOutput.fileName(table, format: format, teamId: teamId))
                                    : try AtomicFile.write(data, to: target.url, replace: force)
            var said = "Wrote \(table.title) (\(from.iso) to \(to.iso)" + (table.team.map { ", team \(shown($0))" } ?? ", every team") + ") to \(shown(url.path))\n"
            // A CSV has one header row and nothing else: what a reader must know goes here (and is in the JSON).
            if format == .csv, !table.notes.isEmpty { said += table.notes.map { "Note: \(shown($0))\n" }.joined() }
            FileHandle.standardError.write(Data(said.utf8))
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
