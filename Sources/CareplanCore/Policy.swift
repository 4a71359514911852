import Foundation
import Yams

/// The numbers of local policy in `Resources/policy.yaml`.
public struct Policy: Sendable, Equatable {
    /// An overall distress score at or above this counts as significant.
    public var distressThreshold: Int
    /// The review date offered when a plan is agreed: this many days after today.
    public var reviewAfterDays: Int
    /// How wrong kiosk codes and staff PINs lock out.
    public var kioskLockout: LockoutPolicy

    public func isSignificant(distress score: Int) -> Bool { score >= distressThreshold }
    public func hasSignificantDistress(_ a: Assessment) -> Bool { a.distressScore.map(isSignificant) ?? false }

    public static func load(from url: URL, displayPath: String) -> Result<Policy, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath, parse: parse)
    }

    public static func parse(text: String, displayPath: String) -> Result<Policy, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath, parse: parse)
    }

    static func parse(_ root: Node, _ r: ConfigReader) -> Policy? {
        guard let m = r.mapping(root, "the policy", required: ["distress-threshold", "review-after-days", "kiosk-lockout"]) else { return nil }
        let threshold = r.number(m, "distress-threshold", in: "the policy", range: 0...10, example: 4)
        let review = r.number(m, "review-after-days", in: "the policy", range: 1...3650, example: 91)
        let lockout = m["kiosk-lockout"].flatMap { parseLockout($0, r) }
        guard let threshold, let review, let lockout else { return nil }
        return Policy(distressThreshold: threshold, reviewAfterDays: review, kioskLockout: lockout)
    }

    static func parseLockout(_ node: Node, _ r: ConfigReader) -> LockoutPolicy? {
        let what = "`kiosk-lockout` in the policy"
        guard let m = r.mapping(node, what, required: ["free-tries", "tries-window-minutes", "first-wait-seconds", "longest-wait-minutes"]) else { return nil }
        let free = r.number(m, "free-tries", in: what, range: 1...100, example: 5)
        let window = r.number(m, "tries-window-minutes", in: what, range: 1...1440, example: 15)
        let first = r.number(m, "first-wait-seconds", in: what, range: 1...3600, example: 30)
        let longest = r.number(m, "longest-wait-minutes", in: what, range: 1...1440, example: 15)
        guard let free, let window, let first, let longest else { return nil }
        guard longest * 60 >= first else {
            r.report(m["longest-wait-minutes"], "`longest-wait-minutes` (\(longest) min) is shorter than `first-wait-seconds` (\(first) s)",
                     fix: "make the longest wait at least the first")
            return nil
        }
        return LockoutPolicy(freeTries: free, triesWindow: TimeInterval(window * 60), firstWait: TimeInterval(first), longestWait: TimeInterval(longest * 60))
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
