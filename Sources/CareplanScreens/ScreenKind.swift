/// A kind of screen the application implements; flows in `Screens/` name these by their id. The registry
/// (`ScreenRegistry`) says what each kind is; a new kind declares its id next to its screen.
public struct ScreenKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ id: String) { rawValue = id }
    public var description: String { rawValue }

    public static let patientRegister = ScreenKind("patient-register")
    public static let patientForm = ScreenKind("patient-form")
    public static let patientRecord = ScreenKind("patient-record")
    public static let assessmentStart = ScreenKind("assessment-start")
    public static let concernChecklist = ScreenKind("concern-checklist")
    public static let prioritise = ScreenKind("prioritise")
    public static let conversationNotes = ScreenKind("conversation-notes")
    public static let agreedActions = ScreenKind("agreed-actions")
    public static let planReview = ScreenKind("plan-review")
    public static let documentForm = ScreenKind("document-form")
    public static let practiceView = ScreenKind("qof-practice-view")

    public static let signIn = ScreenKind("sign-in")
    public static let firstAdministrator = ScreenKind("first-administrator")
    public static let changePassword = ScreenKind("change-password")
    public static let lock = ScreenKind("lock")
    public static let users = ScreenKind("users")
    public static let teams = ScreenKind("teams")

    public static let kioskWelcome = ScreenKind("kiosk-welcome")
    public static let kioskIdentify = ScreenKind("kiosk-identify")
    public static let kioskChecklist = ScreenKind("kiosk-checklist")
    public static let kioskDistress = ScreenKind("kiosk-distress")
    public static let kioskMessage = ScreenKind("kiosk-message")
    public static let kioskReview = ScreenKind("kiosk-review")
    public static let kioskThanks = ScreenKind("kiosk-thanks")
    public static let kioskStaff = ScreenKind("kiosk-staff")

    /// A screen only a kiosk flow may name.
    public var isKiosk: Bool { ScreenRegistry.standard.entry(self)?.spec.mode == .kiosk }
}
