import PseudoTerminal
import Foundation

/// A set of measured values (milliseconds, bytes, ...) and the figures the bench prints about them.
struct Samples {
    private(set) var values: [Double] = []

    init(_ values: [Double] = []) { self.values = values }

    mutating func add(_ v: Double) { values.append(v) }
    var count: Int { values.count }
    var isEmpty: Bool { values.isEmpty }

    /// The value below which `p` percent of the samples lie (nearest rank), so p90 of 10 samples is the 9th.
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(sorted.count - 1, Swift.max(0, rank - 1))]
    }

    var median: Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted(), n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }
    var p90: Double { percentile(90) }
    var max: Double { values.max() ?? .nan }
}

/// Formats milliseconds with enough digits to see sub-millisecond figures.
func ms(_ v: Double) -> String {
    if v.isNaN { return "-" }
    return String(format: v < 10 ? "%.2f ms" : "%.1f ms", v)
}

func ratio(_ a: Double, _ b: Double) -> String {
    guard !a.isNaN, !b.isNaN, b > 0 else { return "-" }
    return String(format: "%.2fx", a / b)
}
