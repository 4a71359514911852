import ArgumentParser
import CareplanCore
import CareplanExport
import Foundation

/// `careplan results import FILE`: surveillance results from a laboratory's file (issue 14).
struct Results: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Load follow-up test results from a file.",
        subcommands: [ResultsImportCommand.self])
}

struct ResultsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record the results in a CSV file (columns NHS number, test, date, value, unit) against patients' scheduled follow-up tests.",
        discussion: """
            Each row is matched to a patient on an active follow-up pathway (by NHS number) and to the test of their \
            schedule named by its code or name, due nearest the day it was taken; or rejected, with its reason, in the \
            report. A value is a number in the unit of the pathway's test, or normal, abnormal or needs review. \
            The file loads in one transaction: the rows matched are recorded and the rejected listed, or, if the file \
            cannot be read or the store fails, nothing at all. Exit status 0 when every row was recorded, 3 when some \
            were rejected and the rest recorded (correct the rejected rows and load them again), 1 when nothing was \
            recorded (every row rejected, or the file or the store failed).
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The CSV file.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Also write the report to this new file.", valueName: "path"))
    var report: String?

    @Flag(name: .long, help: "Replace the report file if it exists.")
    var force = false

    /// Larger files are refused before anything is read: a laboratory's day of results is far smaller.
    static let largestFile = 100 * 1024 * 1024

    func run() throws {
        // The report's path is checked before anything is loaded: a bad one must not be found after the results are in.
        let reportURL = try report.map { path -> URL in
            if path == "-" || path.isEmpty {
                throw CLIError("--report names a file careplan writes itself (0600): give a path (./- for a file named -). Nothing was recorded")
            }
            let url = URL(fileURLWithPath: path).standardizedFileURL
            do { try AtomicFile.check(url, replace: force) } catch { throw CLIError("\(error). Nothing was recorded") }
            return url
        }
        let text = try Self.readFile(file)
        let store = try options.openExistingStore()
        let config = try options.loadConfiguration()
        let me = try options.signIn(store, config, toDo: FollowUpPermission.record)
        let rows: [ResultRow]
        switch ResultsImport.read(csv: text) {
        case .success(let r): rows = r
        case .failure(let problem): throw CLIError("\(file): \(problem). Nothing was recorded")
        }
        let clock: CareClock
        do { clock = try CareClock.current() } catch { throw CLIError("\(error). Nothing was recorded") }
        do { try store.useTestClock(clock, now: Date()) } catch { throw CLIError("\(error). Nothing was recorded") }
        if let notice = clock.notice(config.wording) { FileHandle.standardError.write(Data((notice + "\n").utf8)) }
        try store.keepEnrolledPathways(config.pathways, by: me.name, now: Date())
        let bar = ProgressBar(total: rows.count, label: "Loading results")
        let result: ResultsImportReport
        do {
            result = try store.importResults(rows, pathways: config.pathways, source: URL(fileURLWithPath: file).lastPathComponent, today: clock.today(),
                                             by: me.name, now: Date(), progress: bar.show)
        } catch {
            bar.abandon()
            throw CLIError("\(error). Nothing was recorded from \(file)")
        }
        bar.finish()
        let out = result.text(file: URL(fileURLWithPath: file).lastPathComponent)
        print(out, terminator: "")
        if let reportURL {
            do { try AtomicFile.write(Data(out.utf8), to: reportURL, replace: force) }
            catch { throw CLIError("the results are recorded, but the report was not written to \(reportURL.path): \(error)") }
        }
        // 0: every row recorded; 3: some rejected, the rest recorded; 1: nothing recorded (every row rejected).
        if result.recorded.isEmpty && !result.rejections.isEmpty { throw ExitCode(1) }
        if !result.rejections.isEmpty { throw ExitCode(3) }
    }

    /// The file's text: a regular file, UTF-8, of a sensible size.
    static func readFile(_ path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CLIError("cannot read \(path): \(String(cString: strerror(errno))). Nothing was recorded") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw CLIError("\(path) is not a regular file. Nothing was recorded") }
        guard Int(info.st_size) <= largestFile else { throw CLIError("\(path) is larger than 100 MB: split it. Nothing was recorded") }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path). Nothing was recorded") }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(path) is not UTF-8 text: save it as UTF-8 CSV. Nothing was recorded") }
        return text
    }
}
