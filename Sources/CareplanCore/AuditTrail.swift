import Foundation

/// One entry of the audit trail: who did what to which record, and when. Details name the kind of change,
/// never its content, so the trail itself holds no clinical text.
public struct AuditEntry: Equatable, Sendable {
    public var id: Int64
    public var at: String
    public var user: String
    public var action: String
    public var patientId: Int64?
    public var assessmentId: Int64?
    public var detail: String
    public var previousHash: String
    public var hash: String

    public init(id: Int64, at: String, user: String, action: String, patientId: Int64?, assessmentId: Int64?, detail: String,
                previousHash: String, hash: String) {
        self.id = id
        self.at = at
        self.user = user
        self.action = action
        self.patientId = patientId
        self.assessmentId = assessmentId
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// What `careplan audit --verify` found.
public enum AuditVerification: Equatable, Sendable {
    case intact(entries: Int)
    /// The first entry whose MAC, hash or link to the one before does not match (changed, removed or inserted),
    /// or nil when the fault is not in one entry (a guarding trigger or the anchor).
    case broken(atEntry: Int64?, reason: String)
}

extension AssessmentChange {
    /// The kind of change, for the audit trail: never the text or score itself.
    public var auditDetail: String {
        switch self {
        case .setDetails: return "details"
        case .setConcern(let c): return "concern \(c.key)"
        case .removeConcern(let key): return "concern \(key) removed"
        case .setDistress: return "distress score"
        case .setWhatMattersToMe: return "what matters to me"
        case .setNote(let key, _): return "note on \(key)"
        case .setOrder, .setDiscuss: return "priorities"
        case .saveAction(let a): return a.id == nil ? "action added" : "action \(a.id!) changed"
        case .deleteAction(let id): return "action \(id) removed"
        case .setReviewDate: return "review date"
        case .setPatientMessage: return "patient's message"
        case .submit: return "sent from the kiosk"
        case .agree: return "plan agreed and locked"
        }
    }

    /// Notes are saved every second or so while typing; one audit entry per person, note and few minutes
    /// says what the trail needs without thousands of lines.
    public var isTyping: Bool {
        switch self {
        case .setNote, .setWhatMattersToMe, .setPatientMessage: return true
        default: return false
        }
    }
}
