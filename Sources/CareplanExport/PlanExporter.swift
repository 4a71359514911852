import CareplanCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The PDF is drawn by `careplan-pdf`, beside this program: the plan's layout goes in as JSON on standard
/// input, the PDF comes back on standard output.
public enum PDFProgram {
    /// What the two programs say to each other.
    public struct Request: Codable, Sendable {
        public var paper: Paper
        public var layout: PrintLayout
        public init(paper: Paper, layout: PrintLayout) { self.paper = paper; self.layout = layout }
    }

    /// `CAREPLAN_PDF` if set, else `careplan-pdf` in the folder of the running program.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = environment["CAREPLAN_PDF"], !p.isEmpty { return p }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent("careplan-pdf").path
    }

    public static func render(_ layout: PrintLayout, paper: Paper) throws -> Data {
        let program = path()
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw ExportError.renderFailed("the PDF program \(program) is missing: build it with swift build, beside careplan")
        }
        let request = try JSONEncoder().encode(Request(paper: paper, layout: layout.cleaned))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw ExportError.renderFailed("\(program) did not start: \(error)") }
        // It reads the whole request before it writes anything, so writing all of it first cannot deadlock.
        try? input.fileHandleForWriting.write(contentsOf: request)
        try? input.fileHandleForWriting.close()
        let pdf = output.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, pdf.starts(with: Data("%PDF-".utf8)) else {
            let why = problem.trimmingCharacters(in: .whitespacesAndNewlines)
            throw ExportError.renderFailed(why.isEmpty ? "\(program) stopped (status \(process.terminationStatus))" : why)
        }
        return pdf
    }
}

public enum ExportFormat: String, CaseIterable, Sendable {
    case pdf, text, fhir

    public var fileExtension: String {
        switch self {
        case .pdf: return "pdf"
        case .text: return "txt"
        case .fhir: return "json"
        }
    }

    /// The format as the export log and the audit trail record it: `pdf large print` for a large-print PDF.
    func recorded(largePrint: Bool) -> String { rawValue + (largePrint && self == .pdf ? " large print" : "") }

    /// What the format writes, in words: `--format fhir writes FHIR JSON`.
    public var contents: String {
        switch self {
        case .pdf: return "a PDF"
        case .text: return "plain text"
        case .fhir: return "FHIR JSON"
        }
    }
}

public enum Paper: String, CaseIterable, Sendable, Codable {
    case a4, letter
}

/// Why an export did not happen, in words a nurse can act on. Nothing is written when one is thrown.
public enum ExportError: Error, Equatable, Sendable, CustomStringConvertible {
    case badTarget(String)
    /// An --output that cannot mean what it says (empty, `-`, a file with a folder's slash, the wrong extension).
    case badOutput(String)
    case unknownPatient(nhsNumber: String)
    case unknownAssessment(Int64)
    case noAssessment(patient: String, nhsNumber: String)
    /// The patient has plans, none agreed yet; `draftId` is the newest draft.
    case noAgreedPlan(patient: String, nhsNumber: String, draftId: Int64?)
    case noDraft(patient: String, nhsNumber: String)
    case cannotWrite(path: String, reason: String)
    case renderFailed(String)
    case notRecorded(String)

    public var description: String {
        switch self {
        case .badTarget(let why): return why
        case .badOutput(let why): return why + ". Nothing was written"
        case .unknownPatient(let n): return "No patient with NHS number \(n) is registered in this store"
        case .unknownAssessment(let id): return "There is no assessment \(id) in this store"
        case let .noAssessment(name, n):
            return "\(name) (NHS number \(n)) has no assessment yet, so there is no plan to export: start one in careplan first"
        case let .noAgreedPlan(name, n, draft):
            return "\(name) (NHS number \(n)) has no agreed plan yet. Nothing was written"
                + (draft.map { ": to export the draft (assessment \($0)), add --draft or give its assessment id" } ?? "")
        case let .noDraft(name, n):
            return "\(name) (NHS number \(n)) has no draft plan: without --draft the latest agreed plan is exported. Nothing was written"
        case let .cannotWrite(path, reason): return "Cannot write \(path): \(reason). Nothing was written"
        case .renderFailed(let why): return "The plan could not be rendered (\(why)). Nothing was written"
        case .notRecorded(let why): return "The export could not be recorded against the plan (\(why)), so the file was removed"
        }
    }
}

/// Where an export goes: a file the user named, or a folder where careplan names it.
public enum ExportDestination: Equatable, Sendable {
    /// A path the user named: a new file, or (with --force) an existing regular file replaced.
    case file(URL)
    /// A folder: the file gets the plan's own name there, with `-2`, `-3` ... if that name is taken.
    case folder(URL, name: String)
}

/// What was exported: the file written and the plan that went out.
public struct Exported: Sendable {
    public var url: URL
    public var assessment: Assessment

    /// `the agreed plan, version 2 (assessment 12)`: which plan went out, for the person who exported it.
    public var planDescription: String {
        let a = assessment
        switch a.status {
        case .agreed: return "the agreed plan, version \(a.version) (assessment \(a.id))"
        case .superseded: return "version \(a.version) (assessment \(a.id)), agreed but since replaced by a newer version"
        case .inProgress: return "a DRAFT, version \(a.version) (assessment \(a.id)), not yet agreed"
        case .discarded: return "version \(a.version) (assessment \(a.id)), DISCARDED: started in error, never agreed"
        }
    }
}

public enum PlanExporter {
    /// The plan in one format. Pure: the same document gives the same bytes (a draft's document may carry
    /// its print time).
    public static func render(_ doc: PlanDocument, format: ExportFormat, paper: Paper = .a4, largePrint: Bool = false) throws -> Data {
        switch format {
        case .pdf:
            var layout = doc.printLayout
            layout.largePrint = largePrint
            return try PDFProgram.render(layout, paper: paper)
        case .text: return Data(TextRenderer.render(doc).utf8)
        case .fhir: return try FHIRRenderer.render(doc)
        }
    }

    /// `care-plan-Łódź-9434765919-plan12-v2-2024-03-05.pdf` (`...-v3-DRAFT-...` for a draft): unique per
    /// document, since two patients share family names. The family name keeps its letters in any script;
    /// everything else (slashes, dots, controls) is dropped.
    public static func defaultFileName(for doc: PlanDocument, format: ExportFormat, largePrint: Bool = false, today: LocalDate) -> String {
        let a = doc.assessment
        return "care-plan-" + fileNamePart(doc.patient.familyName) + "\(doc.patient.nhsNumber.digits)-plan\(a.id)-v\(a.version)"
            + (largePrint && format == .pdf ? "-large" : "") + (doc.isDraft ? "-DRAFT" : "") + "-" + today.iso + "." + format.fileExtension
    }

    /// A family name as part of a file name, `Łódź-`: letters in any script kept, the rest dropped; empty stays empty.
    static func fileNamePart(_ familyName: String) -> String {
        var name = ""
        for c in familyName.precomposedStringWithCanonicalMapping {
            if c.isLetter || (c.isNumber && c.isASCII) { name.append(c) }
            else if (c == " " || c == "-" || c == "'") && !name.isEmpty && name.last != "-" { name.append("-") }
        }
        while name.last == "-" { name.removeLast() }
        name = String(name.prefix(40))
        return name.isEmpty ? "" : name + "-"
    }

    /// The assessment that `target` names: an NHS number (with or without spaces) gives that patient's
    /// latest agreed plan (their newest draft with `draft`); a shorter number is an assessment id, exported
    /// as it stands.
    public static func resolve(target: String, store: any CareRepository, draft: Bool = false) throws -> (Assessment, Patient) {
        let compact = target.filter { $0 != " " && $0 != "-" }
        guard !compact.isEmpty, compact.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ExportError.badTarget("`\(target)` is neither an NHS number (10 digits) nor an assessment id (a number)")
        }
        if compact.count == 10 {
            switch NHSNumber.parse(compact) {
            case .failure(let problem): throw ExportError.badTarget("\(target): \(problem)")
            case .success(let nhs):
                guard let patient = try store.patient(nhsNumber: nhs), let pid = patient.id else {
                    throw ExportError.unknownPatient(nhsNumber: nhs.formatted)
                }
                let all = try store.assessments(patientId: pid).sorted { $0.id > $1.id }
                guard !all.isEmpty else { throw ExportError.noAssessment(patient: patient.displayName, nhsNumber: nhs.formatted) }
                let newestDraft = all.first { $0.status == .inProgress }
                let chosen = draft ? newestDraft : all.first { $0.status == .agreed }
                guard let chosen, let a = try store.assessment(id: chosen.id) else {
                    if draft { throw ExportError.noDraft(patient: patient.displayName, nhsNumber: nhs.formatted) }
                    throw ExportError.noAgreedPlan(patient: patient.displayName, nhsNumber: nhs.formatted, draftId: newestDraft?.id)
                }
                return (a, patient)
            }
        }
        guard compact.count < 10, let id = Int64(compact) else {
            throw ExportError.badTarget("`\(target)` is neither an NHS number (10 digits) nor an assessment id")
        }
        guard let a = try store.assessment(id: id) else { throw ExportError.unknownAssessment(id) }
        guard let patient = try store.patient(id: a.patientId) else { throw ExportError.unknownAssessment(id) }
        return (a, patient)
    }

    /// Where the file goes: `output` as given (a folder gets the plan's own name inside it), else the plan's
    /// own name in the current folder. A symbolic link is refused: it could point anywhere. So is `-`: a plan
    /// goes only into a file careplan writes itself, owner-only and whole or not at all, and a shell's `>`
    /// would do neither (nor keep an existing file without --force).
    public static func destination(output: String?, doc: PlanDocument, format: ExportFormat, largePrint: Bool = false, today: LocalDate,
                                   currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> ExportDestination {
        try destination(output: output, name: defaultFileName(for: doc, format: format, largePrint: largePrint, today: today), format: format,
                        currentDirectory: currentDirectory)
    }

    /// Where a file named `name` by default goes, under the rules above (any document's export too).
    public static func destination(output: String?, name: String, format: ExportFormat,
                                   currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> ExportDestination {
        guard let output else { return .folder(URL(fileURLWithPath: currentDirectory, isDirectory: true), name: name) }
        if output.isEmpty {
            throw ExportError.badOutput("--output is empty: give a file or a folder, or leave --output out to write in the current folder")
        }
        if output == "-" {
            throw ExportError.badOutput("careplan does not write plans to standard output: a plan goes only into a file it writes itself, "
                                        + "owner-only (0600) and whole or not at all. Give a file or a folder (./- for a file named -)")
        }
        let url = URL(fileURLWithPath: output, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true)).standardizedFileURL
        var info = stat()
        if lstat(url.path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR: return .folder(url, name: name)
            case S_IFLNK: throw ExportError.cannotWrite(path: url.path, reason: "it is a symbolic link (it could point anywhere): give the real path")
            case let kind where output.hasSuffix("/"):
                throw ExportError.badOutput("\(url.path) is \(AtomicFile.words(for: kind)), not a folder (the / at the end of --output means a folder)")
            default: break
            }
        } else if output.hasSuffix("/") {
            return .folder(url, name: name)
        }
        let ext = url.pathExtension.lowercased()
        if let fits = ExportFormat.allCases.first(where: { $0.fileExtension == ext }), fits != format {
            throw ExportError.badOutput("--format \(format.rawValue) writes \(format.contents): name the file .\(format.fileExtension) "
                                        + "(.\(url.pathExtension) is for --format \(fits.rawValue))")
        }
        return .file(url)
    }

    /// Resolves the target (NHS number or assessment id), renders, writes atomically (0600) and records the
    /// export against the plan. Never replaces a file unless `force` (and then only a writable regular file
    /// the user named). On any failure nothing is left behind.
    public static func export(target: String, draft: Bool = false, format: ExportFormat, paper: Paper, largePrint: Bool = false, output: String?,
                              force: Bool = false, store: any CareRepository, configuration: Configuration, user: String, now: Date) throws -> Exported {
        let (assessment, patient) = try resolve(target: target, store: store, draft: draft)
        let doc = PlanDocument(assessment: assessment, patient: patient, catalogue: configuration.catalogues[assessment.catalogueId],
                               services: configuration.services, codes: configuration.codes, policy: configuration.policy, printedAt: now,
                               informationGiven: try store.informationGiven(patientId: assessment.patientId),
                               history: try history(of: assessment, store: store))
        let place = try destination(output: output, doc: doc, format: format, largePrint: largePrint, today: LocalDate(now, calendar: PlanDocument.ukCalendar))
        let data = try render(doc, format: format, paper: paper, largePrint: largePrint)
        let url = try deliver(data, to: place, force: force) { url in
            try store.recordExport(assessmentId: assessment.id, format: format.recorded(largePrint: largePrint), destination: url.path, by: user, at: now)
        }
        return Exported(url: url, assessment: assessment)
    }

    /// The patient's assessments that the printed trend may count (`PlanDocument.trendAssessments` chooses):
    /// only those dated up to this plan's are read in full.
    static func history(of plan: Assessment, store: any CareRepository) throws -> [Assessment] {
        try store.assessments(patientId: plan.patientId)
            .filter { $0.id != plan.id && $0.date <= plan.date && $0.status != .discarded }
            .compactMap { try store.assessment(id: $0.id) } + [plan]
    }

    /// Writes `data` at `place` (whole or nothing, 0600) and records it with `record`; if it cannot be recorded,
    /// the file is removed: nothing leaves careplan unrecorded. Plans and documents alike.
    static func deliver(_ data: Data, to place: ExportDestination, force: Bool, record: (URL) throws -> Void) throws -> URL {
        let url: URL
        switch place {
        case .file(let file): url = try AtomicFile.write(data, to: file, replace: force)
        case let .folder(folder, name): url = try AtomicFile.write(data, newFileIn: folder, named: name)
        }
        do { try record(url) } catch {
            unlink(url.path)
            throw ExportError.notRecorded(String(describing: error))
        }
        return url
    }
}

/// Writes a whole file or nothing: a temporary file (0600) in the same folder, fsync, then put in place
/// (linked to a new name, or renamed over a file being replaced), fsync of the folder. A crash or a full disk
/// at any moment leaves the old file or the new one, never a partial one. Only regular files are ever
/// replaced: never a device (/dev/null), a FIFO, a socket or a symbolic link.
public enum AtomicFile {
    /// Writes `url`: a new file, or with `replace` an existing writable regular file. Returns `url`.
    @discardableResult
    public static func write(_ data: Data, to url: URL, replace: Bool = false) throws -> URL {
        try check(url, replace: replace)
        return try write(data, folder: url.deletingLastPathComponent(), names: [url.lastPathComponent], replace: replace)
    }

    /// Whether `write(_:to:replace:)` could write `url`, said before any work whose result it keeps (a
    /// command checks its report's path before it loads anything): the same refusals, and a folder missing.
    /// Whether two paths name one file: the same path once links are followed, or the same file by its device
    /// and inode (a hard link). A file not there yet is the same only by its path.
    public static func sameFile(_ a: URL, _ b: URL) -> Bool {
        if a.standardizedFileURL.resolvingSymlinksInPath().path == b.standardizedFileURL.resolvingSymlinksInPath().path { return true }
        var x = stat(), y = stat()
        return stat(a.path, &x) == 0 && stat(b.path, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    public static func check(_ url: URL, replace: Bool) throws {
        var info = stat()
        if lstat(url.path, &info) == 0 {
            let mode = info.st_mode & S_IFMT
            let kind: String? = switch mode {
            case S_IFREG: nil
            case S_IFDIR: "it is a folder"
            case S_IFLNK: "it is a symbolic link (it could point anywhere): give the real path"
            case S_IFCHR, S_IFBLK: "it is a device, not a file"
            case S_IFIFO: "it is a pipe (FIFO), not a file"
            case S_IFSOCK: "it is a socket, not a file"
            default: "it is not a regular file"
            }
            if let kind { throw ExportError.cannotWrite(path: url.path, reason: kind) }
            if !replace {
                throw ExportError.cannotWrite(path: url.path, reason: "a file is already there: choose another name, or add --force to replace it")
            }
            if info.st_mode & 0o200 == 0 {
                throw ExportError.cannotWrite(path: url.path, reason: "it is read-only (mode \(String(info.st_mode & 0o777, radix: 8))), so it is kept as it is")
            }
        }
        let parent = url.deletingLastPathComponent().path
        try checkFolder(parent, for: url.path)
        if access(parent, W_OK) != 0 { throw ExportError.cannotWrite(path: url.path, reason: "the folder \(parent) cannot be written to") }
    }

    /// The folder a file is written in: there, and a folder.
    static func checkFolder(_ dir: String, for file: String) throws {
        var info = stat()
        guard stat(dir, &info) == 0 else {
            throw ExportError.cannotWrite(path: file, reason: errno == ENOENT ? "the folder \(dir) does not exist" : "the folder \(dir) cannot be used (\(String(cString: strerror(errno))))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw ExportError.cannotWrite(path: file, reason: "\(dir) is \(words(for: info.st_mode & S_IFMT)), not a folder")
        }
    }

    /// Writes a new file in `folder` named `name`, or `name-2`, `name-3` ... when that is taken: never
    /// replaces anything. Returns the file written.
    public static func write(_ data: Data, newFileIn folder: URL, named name: String) throws -> URL {
        let ext = (name as NSString).pathExtension, stem = (name as NSString).deletingPathExtension
        let names = [name] + (2...999).map { "\(stem)-\($0)" + (ext.isEmpty ? "" : ".\(ext)") }
        return try write(data, folder: folder, names: names, replace: false)
    }

    /// `a file`, `a device` ...: what is at a path that should have been a folder.
    static func words(for kind: mode_t) -> String {
        switch kind {
        case S_IFREG: return "a file"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFIFO: return "a pipe (FIFO)"
        case S_IFSOCK: return "a socket"
        default: return "something else"
        }
    }

    private static func write(_ data: Data, folder: URL, names: [String], replace: Bool) throws -> URL {
        let dir = folder.path
        let first = folder.appendingPathComponent(names[0]).path
        func fail(_ what: String, _ code: Int32 = errno) -> ExportError {
            .cannotWrite(path: first, reason: "\(what) (\(String(cString: strerror(code))))")
        }
        try checkFolder(dir, for: first)
        var template = Array((dir + "/." + names[0] + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // mkstemp creates 0600
        guard fd >= 0 else { throw fail("cannot create a file in \(dir)") }
        let tmp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(tmp) }  // after a link the file lives on under its new name; after a rename it is gone already
        fchmod(fd, 0o600)
        var offset = 0
        let writeError: Int32? = data.withUnsafeBytes { raw -> Int32? in
            guard let base = raw.baseAddress else { return nil }
            while offset < raw.count {
                let n = Glibc.write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
        if let code = writeError { close(fd); throw fail("writing failed", code) }
        if fsync(fd) != 0 { let e = errno; close(fd); throw fail("the disk did not confirm the write", e) }
        if close(fd) != 0 { throw fail("closing failed") }
        var written: String?
        for name in names {
            let path = dir + "/" + name
            if replace {
                if rename(tmp, path) != 0 { throw fail("cannot put the file in place") }
                written = path
                break
            }
            // link(2) refuses a name that exists (EEXIST), atomically: nothing is ever replaced. Where the file
            // system has no links (FAT on a USB stick), the name is claimed with O_EXCL and renamed over.
            if link(tmp, path) == 0 { written = path; break }
            var e = errno
            if e == EPERM || e == EOPNOTSUPP || e == EXDEV {
                let claim = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
                if claim >= 0 {
                    close(claim)
                    if rename(tmp, path) != 0 { let re = errno; unlink(path); throw fail("cannot put the file in place", re) }
                    written = path
                    break
                }
                e = errno
            }
            if e != EEXIST { throw fail("cannot put the file in place", e) }
        }
        guard let written else { throw ExportError.cannotWrite(path: first, reason: "every name for it is taken in \(dir)") }
        let dfd = open(dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 {
            let synced = fsync(dfd)
            let e = errno
            close(dfd)
            if synced != 0 { throw fail("the disk did not confirm the folder", e) }
        }
        return URL(fileURLWithPath: written)
    }
}

public enum PrintError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No CUPS on this computer: the file is kept.
    case noPrinting(file: String)
    case failed(file: String, message: String)

    public var description: String {
        switch self {
        case .noPrinting(let file):
            return "Printing is not available on this computer (CUPS and its `lp` command are not installed). The file is kept: \(file)"
        case let .failed(file, message):
            return "The printer did not accept the plan (\(message)). The file is kept: \(file)"
        }
    }
}

/// Sends a file to the default printer through CUPS's `lp`.
public enum Printer {
    /// Where `lp` is on the PATH, if anywhere.
    public static func lpPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let dirs = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        return dirs.map { $0 + "/lp" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `lp`'s answer (e.g. `request id is office-12 (1 file(s))`), or why it could not print.
    public static func print(_ url: URL) -> Result<String, PrintError> {
        guard let lp = lpPath() else { return .failure(.noPrinting(file: url.path)) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: lp)
        process.arguments = ["--", url.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return .failure(.failed(file: url.path, message: "\(error)")) }
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(.failed(file: url.path, message: errors.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return .success(output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
