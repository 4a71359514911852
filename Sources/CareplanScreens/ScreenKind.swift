/// The kinds of screen the application implements; flows in `Screens/` name these.
public enum ScreenKind: String, CaseIterable, Sendable {
    case patientRegister = "patient-register"
    case patientForm = "patient-form"
    case patientRecord = "patient-record"
    case assessmentStart = "assessment-start"
    case concernChecklist = "concern-checklist"
    case prioritise = "prioritise"
    case conversationNotes = "conversation-notes"
    case agreedActions = "agreed-actions"
    case planReview = "plan-review"

    case kioskWelcome = "kiosk-welcome"
    case kioskIdentify = "kiosk-identify"
    case kioskChecklist = "kiosk-checklist"
    case kioskDistress = "kiosk-distress"
    case kioskMessage = "kiosk-message"
    case kioskReview = "kiosk-review"
    case kioskThanks = "kiosk-thanks"
    case kioskStaff = "kiosk-staff"

    public var isKiosk: Bool { rawValue.hasPrefix("kiosk-") }

    static let clinicianKinds = Set(allCases.filter { !$0.isKiosk }.map(\.rawValue))
    static let kioskKinds = Set(allCases.filter(\.isKiosk).map(\.rawValue))

    /// Kinds each flow file may use and must have, keyed by flow file name (for `Configuration.load`).
    /// A kiosk flow can name only kiosk screens, so no flow file can lead a patient into the clinician's.
    public static let knownKinds: [String: Set<String>] = ["clinician": clinicianKinds, "kiosk": kioskKinds]
    public static let requiredKinds: [String: Set<String>] = ["clinician": clinicianKinds, "kiosk": kioskKinds]
}
