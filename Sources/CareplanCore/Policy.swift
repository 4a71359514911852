import Foundation
import Yams

/// The numbers of local policy in `Resources/policy.yaml`.
public struct Policy: Sendable, Equatable {
    /// An overall distress score at or above this counts as significant.
    public var distressThreshold: Int
    /// The review date offered when a plan is agreed: this many days after today.
    public var reviewAfterDays: Int
    /// An End of Treatment Summary is due within this many weeks of the end of treatment (`EoTSDue`).
    public var eotsDueWeeks: Int

    public func isSignificant(distress score: Int) -> Bool { score >= distressThreshold }
    public func hasSignificantDistress(_ a: Assessment) -> Bool { a.distressScore.map(isSignificant) ?? false }

    public static func load(from url: URL, displayPath: String) -> Result<Policy, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath, parse: parse)
    }

    public static func parse(text: String, displayPath: String) -> Result<Policy, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath, parse: parse)
    }

    static func parse(_ root: Node, _ r: ConfigReader) -> Policy? {
        guard let m = r.mapping(root, "the policy", required: ["distress-threshold", "review-after-days", "eots-due-weeks"]) else { return nil }
        let threshold = r.number(m, "distress-threshold", in: "the policy", range: 0...10, example: 4)
        let review = r.number(m, "review-after-days", in: "the policy", range: 1...3650, example: 91)
        let eots = r.number(m, "eots-due-weeks", in: "the policy", range: 1...52, example: 6)
        guard let threshold, let review, let eots else { return nil }
        return Policy(distressThreshold: threshold, reviewAfterDays: review, eotsDueWeeks: eots)
    }
}

extension ConfigReader {
    /// A required whole number within `range` (a missing key is reported by `mapping`).
    func number(_ m: Fields, _ key: String, in what: String, range: ClosedRange<Int>, example: Int) -> Int? {
        guard let node = m[key] else { return nil }
        guard let n = node.int, range.contains(n) else {
            report(node, "`\(key)` in \(what) should be a whole number from \(range.lowerBound) to \(range.upperBound)",
                   fix: "e.g. `\(key): \(example)`")
            return nil
        }
        return n
    }
}
