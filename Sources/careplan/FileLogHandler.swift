import Foundation
import Logging

/// Writes log lines to a file beside the store (created 0600 by the process umask), because the
/// application owns the terminal and anything on stderr would break the screen. Log messages carry
/// events and record ids only, never names, NHS numbers or what was typed.
struct FileLogHandler: LogHandler {
    /// One open file shared by every logger of the process; a lock keeps lines whole.
    final class Sink: @unchecked Sendable {
        let handle: FileHandle
        let lock = NSLock()
        init?(path: String) {
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            guard let h = FileHandle(forWritingAtPath: path) else { return nil }
            h.seekToEndOfFile()
            handle = h
        }
        func write(_ line: String) {
            lock.lock()
            defer { lock.unlock() }
            // The throwing write: a full disk must cost a log line, never the program.
            try? handle.write(contentsOf: Data(line.utf8))
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

    /// Sends every logger to `careplan.log` in the store's folder (level from CAREPLAN_LOG_LEVEL, default
    /// info); if the file cannot be opened, logging is off rather than on the screen.
    static func bootstrap(storePath: String) {
        let folder = URL(fileURLWithPath: storePath).deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let sink = Sink(path: folder.appendingPathComponent("careplan.log").path)
        let level = ProcessInfo.processInfo.environment["CAREPLAN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            guard let sink else { return SwiftLogNoOpLogHandler() }
            var h = FileLogHandler(label: label, sink: sink)
            h.logLevel = level
            return h
        }
    }
}
