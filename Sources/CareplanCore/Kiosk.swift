import Foundation

/// Why a kiosk code was not accepted. Deliberately vague to the person at the kiosk: which part was
/// wrong is not said, so the kiosk cannot be used to find out whether a code exists. In words: `Wording.describe`.
public enum KioskError: Error, Equatable, Sendable {
    case notAccepted
    case tooManyTries(wait: TimeInterval)
    case noPINSet
    case wrongPIN
}

/// A code issued for a patient to complete their checklist at the kiosk.
public struct KioskCode: Equatable, Sendable {
    /// Six digits, shown `482 913`: short and easy to type on any keyboard.
    public var code: String
    public var assessmentId: Int64
    public var expiresAt: Date

    public init(code: String, assessmentId: Int64, expiresAt: Date) {
        self.code = code
        self.assessmentId = assessmentId
        self.expiresAt = expiresAt
    }

    public var formatted: String { String(code.prefix(3)) + " " + String(code.suffix(3)) }
}

/// Repeated wrong codes or PINs lock that kind of attempt for a while, doubling each time, kept in the store
/// so restarting the kiosk does not reset it.
public enum AttemptKind: String, Sendable {
    case kioskCode = "kiosk-code"
    case staffPIN = "staff-pin"
}

/// How wrong kiosk codes and staff PINs lock out (`kiosk-lockout` in Resources/policy.yaml): the runtime
/// gives it to the repository, which counts the tries.
public struct LockoutPolicy: Sendable, Equatable {
    /// Free tries within the window before waiting starts, and the first wait (doubling after, up to the longest).
    public var freeTries: Int
    public var triesWindow: TimeInterval
    public var firstWait: TimeInterval
    public var longestWait: TimeInterval

    public init(freeTries: Int, triesWindow: TimeInterval, firstWait: TimeInterval, longestWait: TimeInterval) {
        self.freeTries = freeTries
        self.triesWindow = triesWindow
        self.firstWait = firstWait
        self.longestWait = longestWait
    }

    /// Seconds still to wait after the failed tries at `failures` (oldest first, within the window), or nil.
    public func wait(after failures: [Date], now: Date) -> TimeInterval? {
        guard failures.count >= freeTries, let last = failures.last else { return nil }
        let wait = min(longestWait, firstWait * pow(2, Double(failures.count - freeTries)))
        let remaining = last.addingTimeInterval(wait).timeIntervalSince(now)
        return remaining > 0 ? remaining : nil
    }
}
