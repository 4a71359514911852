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
            only that team's patients (its name, or its number).

            --format table (text for the terminal, with charts), csv (UTF-8 with BOM, CRLF, one header row), json, or pdf \
            (pages with the charts drawn, to an --output file). \
            Without --output the report goes to standard output; an --output file is private to you (0600), written whole \
            or not at all, and never replaced without --force. Running a report needs the `reports` permission and is \
            recorded in the audit trail (who, which report, the period).
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The report (leave out to list them).", valueName: "name"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("The period's first day (ISO, e.g. 2026-01-01).", valueName: "date"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("The period's last day (ISO).", valueName: "date"))
    var to: String?

    @Option(name: .long, help: ArgumentHelp("Only this team's patients: its name or number.", valueName: "team"))
    var team: String?

    @Option(name: .long, help: "Rows by month, team, site or role (default: month, where the report has it).")
    var by: ReportGrouping?

    @Option(name: .long, help: "table, csv, json or pdf (pdf needs --output).")
    var format: ReportFormat = .table

    @Option(name: .long, help: ArgumentHelp("Write to this new file instead of standard output.", valueName: "path"))
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
        guard let d = LocalDate(iso: text.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("\(option) `\(text)` is not a date: write it as year-month-day, e.g. 2026-01-31")
        }
        return d
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
        if let f, let t, f > t { throw ValidationError("--from \(f.iso) is after --to \(t.iso): the period must start on or before its end") }
        if format == .pdf && output == nil { throw ValidationError("--format pdf needs --output FILE: a PDF is not for the terminal") }
        if name == nil && (from != nil || to != nil || team != nil || by != nil || output != nil) {
            throw ValidationError("name the report first: careplan report NAME [options]. " + Self.list)
        }
    }

    func run() throws {
        guard let name else { print(Self.list, terminator: ""); return }
        let outputURL = try output.map { path -> URL in
            if path == "-" || path.isEmpty { throw CLIError("--output names a file careplan writes itself (0600): leave it out for standard output") }
            let url = URL(fileURLWithPath: path).standardizedFileURL
            try AtomicFile.check(url, replace: force)
            return url
        }
        let store = try options.openExistingStore()
        let config = try options.loadConfiguration()
        let me = try options.signIn(store, config, toDo: .reports)
        let clock: CareClock
        do { clock = try CareClock.current() } catch { throw CLIError("\(error)") }
        try store.useTestClock(clock, now: Date())
        let teams = try store.teams()
        var teamId: Int64?
        if let team {
            let wanted = team.trimmingCharacters(in: .whitespaces)
            guard let t = teams.first(where: { $0.name.caseInsensitiveCompare(wanted) == .orderedSame || String($0.id) == wanted }) else {
                throw CLIError("there is no team `\(shown(team))`: the teams are " + (teams.isEmpty ? "none yet" : teams.map { shown($0.name) }.joined(separator: ", ")))
            }
            teamId = t.id
        }
        let (from, to) = Self.period(from: try Self.date(self.from, "--from"), to: try Self.date(self.to, "--to"), today: clock.today())
        if from > to { throw CLIError("the period would start on \(from.iso), after it ends on \(to.iso): give --from and --to") }
        let scope = ReportScope(from: from, to: to, teamId: teamId)
        let table: ReportTable
        do {
            table = try ReportCatalogue.run(name, scope: scope, by: by, store: store, context: ReportContext(teams: teams, configuration: config))
        } catch let problem as ReportProblem {
            throw ValidationError(problem.description)
        }
        try store.recordReportRun(name, scope: scope, format: format.rawValue, by: me.name, now: Date())
        // Charts in blocks where the terminal shows them; a file gets plain ASCII, which any viewer shows.
        let glyphs = outputURL == nil ? ChartGlyphs.forTerminal(environment: ProcessInfo.processInfo.environment) : .ascii
        // What reaches a terminal (standard output, or a table meant for reading) carries no escape sequences.
        let data = try ReportOutput.data(outputURL == nil || format == .table ? table.forTerminal : table, format: format, width: 80, glyphs: glyphs)
        if let outputURL {
            try AtomicFile.write(data, to: outputURL, replace: force)
            FileHandle.standardError.write(Data("Wrote \(table.title) (\(from.iso) to \(to.iso)) to \(shown(outputURL.path))\n".utf8))
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
