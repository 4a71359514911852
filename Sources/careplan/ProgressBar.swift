import Foundation

/// A bar on standard error while a long job runs, only on a terminal (a script's log gets none), redrawn
/// at most once a percent.
final class ProgressBar {
    let total: Int, label: String, unit: String, width = 30
    let shown = isatty(STDERR_FILENO) == 1
    private var lastPercent = -1

    init(total: Int, label: String, unit: String = "rows") {
        self.total = total
        self.label = label
        self.unit = unit
    }

    func show(_ done: Int) {
        guard shown, total > 0 else { return }
        let percent = min(100, done * 100 / total)
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent * width / 100
        let line = "\r\(label) [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(done)/\(total) \(unit)"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        show(total)
        if shown && total > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// Leaves the line where it stopped, so the error that follows starts on a line of its own.
    func abandon() { if shown && lastPercent >= 0 { FileHandle.standardError.write(Data("\n".utf8)) } }
}
