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

    /// Kinds each flow file may use and must have, keyed by flow file name (for `Configuration.load`).
    public static let knownKinds: [String: Set<String>] = ["clinician": Set(allCases.map(\.rawValue))]
    public static let requiredKinds: [String: Set<String>] = ["clinician": Set(allCases.map(\.rawValue))]
}
