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
        let request = try JSONEncoder().encode(Request(paper: paper, layout: layout))
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
}

public enum Paper: String, CaseIterable, Sendable, Codable {
    case a4, letter
}

/// Why an export did not happen, in words a nurse can act on. Nothing is written when one is thrown.
public enum ExportError: Error, Equatable, Sendable, CustomStringConvertible {
    case badTarget(String)
    case unknownPatient(nhsNumber: String)
    case unknownAssessment(Int64)
    case noAssessment(patient: String, nhsNumber: String)
    case cannotWrite(path: String, reason: String)
    case renderFailed(String)
    case notRecorded(String)

    public var description: String {
        switch self {
        case .badTarget(let why): return why
        case .unknownPatient(let n): return "No patient with NHS number \(n) is registered in this store"
        case .unknownAssessment(let id): return "There is no assessment \(id) in this store"
        case let .noAssessment(name, n):
            return "\(name) (NHS number \(n)) has no assessment yet, so there is no plan to export: start one in careplan first"
        case let .cannotWrite(path, reason): return "Cannot write \(path): \(reason). Nothing was written"
        case .renderFailed(let why): return "The plan could not be rendered (\(why)). Nothing was written"
        case .notRecorded(let why): return "The export could not be recorded against the plan (\(why)), so the file was removed"
        }
    }
}

public enum PlanExporter {
    /// The plan in one format. Pure: the same document gives the same bytes (a draft's document may carry
    /// its print time).
    public static func render(_ doc: PlanDocument, format: ExportFormat, paper: Paper = .a4) throws -> Data {
        switch format {
        case .pdf: return try PDFProgram.render(doc.printLayout, paper: paper)
        case .text: return Data(TextRenderer.render(doc).utf8)
        case .fhir: return try FHIRRenderer.render(doc)
        }
    }

    /// `care-plan-Wisniewski-2024-03-05.pdf`: the family name in plain ASCII letters (accents dropped; a name
    /// with none, e.g. in Arabic or Japanese script, gives `care-plan-2024-03-05.pdf`), and today's date.
    public static func defaultFileName(for doc: PlanDocument, format: ExportFormat, today: LocalDate) -> String {
        let folded = doc.patient.familyName.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        var name = ""
        for u in folded.unicodeScalars {
            if u.isASCII && (CharacterSet.alphanumerics.contains(u)) { name.unicodeScalars.append(u) }
            else if (u == " " || u == "-" || u == "'") && !name.isEmpty && name.last != "-" { name.append("-") }
        }
        while name.last == "-" { name.removeLast() }
        name = String(name.prefix(40))
        return "care-plan-" + (name.isEmpty ? "" : name + "-") + today.iso + "." + format.fileExtension
    }

    /// The assessment that `target` names: an NHS number (with or without spaces) gives that patient's
    /// latest assessment; a shorter number is an assessment id.
    public static func resolve(target: String, store: CareStore) throws -> (Assessment, Patient) {
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
                guard let latest = try store.assessments(patientId: pid).max(by: { $0.id < $1.id }),
                      let a = try store.assessment(id: latest.id) else {
                    throw ExportError.noAssessment(patient: patient.displayName, nhsNumber: nhs.formatted)
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

    /// Where the file goes: `output` as given (a folder gets the default name inside it), else the default
    /// name in the current folder.
    public static func destination(output: String?, doc: PlanDocument, format: ExportFormat, today: LocalDate,
                                   currentDirectory: String = FileManager.default.currentDirectoryPath) -> URL {
        let name = defaultFileName(for: doc, format: format, today: today)
        guard let output, !output.isEmpty else { return URL(fileURLWithPath: currentDirectory).appendingPathComponent(name) }
        let url = URL(fileURLWithPath: output, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true)).standardizedFileURL
        var isDir: ObjCBool = false
        if output.hasSuffix("/") || (FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue) {
            return url.appendingPathComponent(name)
        }
        return url
    }

    /// Resolves the target (NHS number or assessment id), renders, writes atomically (0600) and records the
    /// export against the plan. Returns the file written. On any failure nothing is left behind.
    public static func export(target: String, format: ExportFormat, paper: Paper, output: String?, store: CareStore,
                              configuration: Configuration, user: String, now: Date) throws -> URL {
        let (assessment, patient) = try resolve(target: target, store: store)
        let doc = PlanDocument(assessment: assessment, patient: patient, catalogue: configuration.catalogues[assessment.catalogueId],
                               services: configuration.services, printedAt: now)
        let data = try render(doc, format: format, paper: paper)
        let url = destination(output: output, doc: doc, format: format, today: LocalDate(now, calendar: PlanDocument.ukCalendar))
        try AtomicFile.write(data, to: url)
        do {
            try store.recordExport(assessmentId: assessment.id, format: format.rawValue, destination: url.path, by: user, at: now)
        } catch {
            unlink(url.path)
            throw ExportError.notRecorded(String(describing: error))
        }
        return url
    }
}

/// Writes a whole file or nothing: a temporary file (0600) in the same folder, fsync, rename over the
/// target, fsync of the folder. A crash or a full disk at any moment leaves the old file or the new one,
/// never a partial one.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let path = url.path
        let dir = url.deletingLastPathComponent().path
        func fail(_ what: String, _ code: Int32 = errno) -> ExportError {
            .cannotWrite(path: path, reason: "\(what) (\(String(cString: strerror(code))))")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw ExportError.cannotWrite(path: path, reason: "the folder \(dir) does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw ExportError.cannotWrite(path: path, reason: "it is a folder")
        }
        var template = Array((dir + "/." + url.lastPathComponent + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // mkstemp creates 0600
        guard fd >= 0 else { throw fail("cannot create a file in \(dir)") }
        let tmp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
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
        if rename(tmp, path) != 0 { throw fail("cannot put the file in place") }
        ok = true
        let dfd = open(dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 {
            let synced = fsync(dfd)
            let e = errno
            close(dfd)
            if synced != 0 { throw fail("the disk did not confirm the folder", e) }
        }
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
