import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging

/// Writes log lines to a file beside the store, because the application owns the terminal and anything
/// on stderr would break the screen. Log messages carry events and record ids only, never names, NHS
/// numbers or what was typed.
struct FileLogHandler: LogHandler {
    /// One open file shared by every logger of the process.
    final class Sink: Sendable {
        let fd: Int32
        init?(path: String) {
            // O_APPEND: every write lands at the end of the file, whatever other processes (terminals on the
            // same store) have written since; created 0600, an existing log's mode is left alone; never
            // through a symbolic link.
            fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { return nil }
        }
        /// The whole entry in one write(2): with O_APPEND, entries from several processes never interleave.
        /// A full disk costs the line, never the program.
        func write(_ line: String) {
            var bytes = Array(line.utf8)
            _ = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        }
    }

    let label: String
    let sink: Sink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = all.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let time = Self.utcTimestamp()
        sink.write("\(time) \(event.level) \(label): \(event.message)\(fields) pid=\(getpid())\n")
    }

    /// `2026-11-23T09:41:07Z`, from the C library: a Foundation date formatter costs a millisecond or more to
    /// make (ICU), which at start-up is a tenth of the budget.
    static func utcTimestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sends every logger to `careplan.log` in `folder` (`StoreLocation.logFolder`; level from
    /// CAREPLAN_LOG_LEVEL, default info); if the file cannot be opened, logging is off rather than on the screen.
    static func bootstrap(folder: String) {
        // After the store is open: a store file's folder exists (created by the store when careplan made it);
        // for a server, careplan's data folder on this host is made here if need be (owner only), and a folder
        // that exists is left as it is.
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let sink = Sink(path: URL(fileURLWithPath: folder).appendingPathComponent("careplan.log").path)
        let level = ProcessInfo.processInfo.environment["CAREPLAN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            guard let sink else { return SwiftLogNoOpLogHandler() }
            var h = FileLogHandler(label: label, sink: sink)
            h.logLevel = level
            return h
        }
    }
}
