import Foundation

/// Why a kiosk code was not accepted. Deliberately vague to the person at the kiosk: which part was
/// wrong is not said, so the kiosk cannot be used to find out whether a code exists. In words: `Wording.describe`.
public enum KioskError: Error, Equatable, Sendable {
    case notAccepted
    case tooManyTries(wait: TimeInterval)
    case noPINSet
    case wrongPIN

    /// `30 seconds`, `2 minutes`: a wait as people say it.
    public static func words(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s) second\(s == 1 ? "" : "s")" }
        let m = (s + 59) / 60
        return "\(m) minute\(m == 1 ? "" : "s")"
    }
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

/// Repeated wrong codes, PINs or passwords lock that kind of attempt for a while, doubling each time, kept in the store
/// so restarting the kiosk does not reset it.
public enum AttemptKind: String, Sendable {
    case kioskCode = "kiosk-code"
    case staffPIN = "staff-pin"
    /// A wrong password (or unknown name) for one user name; and any wrong one at one terminal.
    case signInAccount = "sign-in-account"
    case signInTerminal = "sign-in-terminal"
}

/// How long a kiosk code lasts, and how wrong tries lock out: the same for every store.
public enum KioskPolicy {
    public static let codeValidFor: TimeInterval = 24 * 3600
    /// Free tries within the window before waiting starts, and the first wait (doubling after).
    public static let freeTries = 5
    public static let triesWindow: TimeInterval = 15 * 60
    public static let firstWait: TimeInterval = 30
    public static let longestWait: TimeInterval = 15 * 60

    /// The same for kiosk codes and the staff PIN: one kiosk, one patient at a time.
    public static let tries = RateLimit(freeTries: freeTries, window: triesWindow, firstWait: firstWait, longestWait: longestWait)
}
