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

/// Repeated wrong codes, PINs or passwords lock that kind of attempt for a while, doubling each time, kept in the store
/// so restarting the kiosk does not reset it.
public enum AttemptKind: String, Sendable {
    case kioskCode = "kiosk-code"
    case staffPIN = "staff-pin"
    /// A wrong password (or unknown name) for one user name; and any wrong one at one terminal.
    case signInAccount = "sign-in-account"
    case signInTerminal = "sign-in-terminal"
}
