import Foundation
import Yams

/// The numbers of local policy in `Resources/policy.yaml`.
public struct Policy: Sendable, Equatable {
    /// An overall distress score at or above this counts as significant.
    public var distressThreshold: Int
    /// The review date offered when a plan is agreed: this many days after today.
    public var reviewAfterDays: Int
    /// A clinician's terminal locks after this long without a key, warning `idleWarning` before.
    public var idleLock: TimeInterval
    public var idleWarning: TimeInterval
    public var passwords: PasswordRules
    /// Wrong passwords, per account and per terminal.
    public var signInTries: RateLimit
    /// An End of Treatment Summary is due within this many weeks of the end of treatment (`EoTSDue`).
    public var eotsDueWeeks: Int
    /// How wrong kiosk codes and staff PINs lock out.
    public var kioskLockout: RateLimit
    /// Follow-up's numbers (issue 14).
    public var followUp = FollowUpPolicy()
    /// Reports' numbers (issue 15).
    public var reports = ReportPolicy()

    public func isSignificant(distress score: Int) -> Bool { score >= distressThreshold }
    public func hasSignificantDistress(_ a: Assessment) -> Bool { a.distressScore.map(isSignificant) ?? false }

    public static func load(from url: URL, displayPath: String) -> Result<Policy, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath, parse: parse)
    }

    public static func parse(text: String, displayPath: String) -> Result<Policy, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath, parse: parse)
    }

    static func parse(_ root: Node, _ r: ConfigReader) -> Policy? {
        let keys = ["distress-threshold", "review-after-days", "idle-lock-minutes", "idle-warning-seconds", "password-minimum-length",
                    "sign-in-free-tries", "sign-in-tries-window-minutes", "sign-in-first-wait-seconds", "sign-in-longest-wait-minutes", "eots-due-weeks", "kiosk-lockout"]
        guard let m = r.mapping(root, "the policy", required: keys + ["follow-up"], optional: ["reports"]) else { return nil }
        let threshold = r.number(m, "distress-threshold", in: "the policy", range: 0...10, example: 4)
        let review = r.number(m, "review-after-days", in: "the policy", range: 1...3650, example: 91)
        let idle = r.number(m, "idle-lock-minutes", in: "the policy", range: 1...60, example: 5)
        let warning = r.number(m, "idle-warning-seconds", in: "the policy", range: 0...300, example: 30)
        let length = r.number(m, "password-minimum-length", in: "the policy", range: 8...64, example: 10)
        let free = r.number(m, "sign-in-free-tries", in: "the policy", range: 1...20, example: 5)
        let window = r.number(m, "sign-in-tries-window-minutes", in: "the policy", range: 1...1440, example: 15)
        let first = r.number(m, "sign-in-first-wait-seconds", in: "the policy", range: 1...3600, example: 30)
        let longest = r.number(m, "sign-in-longest-wait-minutes", in: "the policy", range: 1...1440, example: 15)
        let eots = r.number(m, "eots-due-weeks", in: "the policy", range: 1...52, example: 6)
        let lockout = m["kiosk-lockout"].flatMap { parseLockout($0, r) }
        let followUp = m["follow-up"].flatMap { parseFollowUp($0, r) }
        let reports = m["reports"].map { parseReports($0, r) } ?? ReportPolicy()
        guard let threshold, let review, let idle, let warning, let length, let free, let window, let first, let longest, let eots, let lockout, let followUp, let reports
        else { return nil }
        if warning >= idle * 60 {
            r.report(m["idle-warning-seconds"], "`idle-warning-seconds` should be shorter than the idle lock (\(idle) minutes)",
                     fix: "e.g. `idle-warning-seconds: 30`")
            return nil
        }
        if first > longest * 60 {
            r.report(m["sign-in-first-wait-seconds"], "the first wait is longer than `sign-in-longest-wait-minutes`",
                     fix: "make `sign-in-longest-wait-minutes` at least \((first + 59) / 60)")
            return nil
        }
        return Policy(distressThreshold: threshold, reviewAfterDays: review, idleLock: TimeInterval(idle * 60), idleWarning: TimeInterval(warning),
                      passwords: PasswordRules(minimumLength: length),
                      signInTries: RateLimit(freeTries: free, window: TimeInterval(window * 60), firstWait: TimeInterval(first),
                                             longestWait: TimeInterval(longest * 60)),
                      eotsDueWeeks: eots, kioskLockout: lockout, followUp: followUp, reports: reports)
    }

    static func parseFollowUp(_ node: Node, _ r: ConfigReader) -> FollowUpPolicy? {
        let what = "`follow-up` in the policy"
        guard let m = r.mapping(node, what, required: ["reaccess-return-hours", "result-review-days", "care-plan-open-days", "due-soon-days"],
                                optional: ["suspended-review-days"]) else { return nil }
        let hours = r.number(m, "reaccess-return-hours", in: what, range: 1...168, example: 24)
        let review = r.number(m, "result-review-days", in: what, range: 1...90, example: 7)
        let open = r.number(m, "care-plan-open-days", in: what, range: 1...365, example: 14)
        let soon = r.number(m, "due-soon-days", in: what, range: 0...31, example: 7)
        let suspended = m["suspended-review-days"] == nil ? FollowUpPolicy().suspendedReviewDays
            : r.number(m, "suspended-review-days", in: what, range: 1...365, example: 28)
        guard let hours, let review, let open, let soon, let suspended else { return nil }
        return FollowUpPolicy(reaccessReturnHours: hours, resultReviewDays: review, carePlanOpenDays: open, dueSoonDays: soon,
                              suspendedReviewDays: suspended)
    }

    static func parseReports(_ node: Node, _ r: ConfigReader) -> ReportPolicy? {
        let what = "`reports` in the policy"
        guard let m = r.mapping(node, what, required: ["eots-within-weeks", "top-concerns"]) else { return nil }
        let weeks = r.number(m, "eots-within-weeks", in: what, range: 1...52, example: 6)
        let top = r.number(m, "top-concerns", in: what, range: 1...100, example: 10)
        guard let weeks, let top else { return nil }
        return ReportPolicy(eotsWithinWeeks: weeks, topConcerns: top)
    }

    static func parseLockout(_ node: Node, _ r: ConfigReader) -> RateLimit? {
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
        return RateLimit(freeTries: free, window: TimeInterval(window * 60), firstWait: TimeInterval(first), longestWait: TimeInterval(longest * 60))
    }
}

/// Reports' numbers (`reports` in Resources/policy.yaml; without it, these).
public struct ReportPolicy: Sendable, Equatable {
    /// The `eots` report counts a summary written within this many weeks of the end of treatment as on time.
    public var eotsWithinWeeks = 6
    /// The `concerns` report lists this many of the concerns raised most often.
    public var topConcerns = 10

    public init(eotsWithinWeeks: Int = 6, topConcerns: Int = 10) {
        self.eotsWithinWeeks = eotsWithinWeeks
        self.topConcerns = topConcerns
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
