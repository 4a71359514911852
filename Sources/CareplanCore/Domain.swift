import Foundation

// The clinical domain, with the national (COSD) codes where one exists.

/// CR7940: the point of the pathway at which the assessment was offered.
/// Labels for this and the other code lists are in Resources/codelists.yaml (see `CodeLists`).
public enum PathwayPoint: String, Coded, Codable {
    public static let listId = "pathway-point"
    case initialDiagnosis = "01", startOfTreatment = "02", duringTreatment = "03", endOfTreatment = "04"
    case recurrence = "05", transitionToPalliative = "06", prehabilitation = "07", palliativeEndOfLife = "08"
    case other = "97"

    public var code: String { rawValue }
}

/// Who filled in the concerns checklist.
public enum CompletedBy: String, Coded, Codable {
    public static let listId = "completed-by"
    case patient, patientWithClinician = "patient-with-clinician", carer = "carer-or-relative"
}

/// CR7950 / CR7960: the role of the member of staff.
public enum StaffRole: String, Coded, Codable {
    public static let listId = "staff-role"
    case cns = "01", otherNurse = "02", alliedHealth = "03", supportWorker = "04", mentalHealth = "05"
    case doctor = "06", other = "08", notKnown = "09"
}

/// Where an assessment is in its life. An agreed plan is locked: changing it means a new version.
public enum AssessmentStatus: String, Codable, Sendable, CaseIterable {
    case inProgress = "in-progress"
    case agreed
    case superseded
    /// Started in error (a stray N, the wrong patient) and put aside: kept, read only, with who and when.
    case discarded

    public var label: String {
        switch self {
        case .inProgress: return "In progress"
        case .agreed: return "Plan agreed"
        case .superseded: return "Superseded"
        case .discarded: return "Discarded"
        }
    }

    /// CR7920 (the `plan-status` list), as far as this status tells it.
    public var cosdPlanStatus: String {
        switch self {
        case .inProgress, .discarded: return "02"  // plan offered (a discarded one never went further)
        case .agreed, .superseded: return "03"  // plan completed
        }
    }
}

/// Who will carry out an agreed action.
public enum ActionOwner: String, Coded, Codable {
    public static let listId = "action-owner"
    case patient, cns, gp, ahp, other
}

/// Field limits, in characters, shared by the screens, the store and imports.
public enum Limits {
    public static let name = 100
    public static let diagnosis = 200
    public static let diagnosisCode = 20
    public static let concernText = 200
    public static let note = 20_000
    /// Short text, one rule wherever it is typed: a form's short-text field, an action, a reason.
    public static let shortText = 500
    public static let actionText = shortText
    public static let personName = 100
}

public struct Patient: Hashable, Sendable, Codable {
    public var id: Int64?
    public var nhsNumber: NHSNumber
    public var familyName: String
    public var givenName: String
    public var dateOfBirth: LocalDate
    public var diagnosis: String
    public var diagnosisCode: String
    public var diagnosisDate: LocalDate?
    /// Bumped by every change: a second terminal saving an older copy is refused, not silently applied.
    public var revision: Int
    /// The team responsible for the patient (`Team.id`), if one is.
    public var teamId: Int64?

    public init(id: Int64? = nil, nhsNumber: NHSNumber, familyName: String, givenName: String, dateOfBirth: LocalDate,
                diagnosis: String = "", diagnosisCode: String = "", diagnosisDate: LocalDate? = nil, revision: Int = 0, teamId: Int64? = nil) {
        self.id = id
        self.nhsNumber = nhsNumber
        self.familyName = familyName
        self.givenName = givenName
        self.dateOfBirth = dateOfBirth
        self.diagnosis = diagnosis
        self.diagnosisCode = diagnosisCode
        self.diagnosisDate = diagnosisDate
        self.revision = revision
        self.teamId = teamId
    }

    /// `SMITH, Jane` — the form NHS lists use.
    public var displayName: String { "\(familyName.uppercased()), \(givenName)" }
}

/// A patient's concern from the checklist (or one added in their own words), with its score and the
/// care-planning conversation about it.
public struct ConcernEntry: Hashable, Sendable, Codable {
    /// The catalogue item id, or `other-N` for a concern in the patient's own words.
    public var key: String
    public var categoryId: String
    /// The label as it was when chosen, so a plan reads the same after the catalogue changes.
    public var label: String
    /// 0 to 10: how much it is bothering the patient. Nil until rated.
    public var score: Int?
    /// Position in the care-planning order (0 first), nil until prioritised.
    public var rank: Int?
    public var discuss: Bool
    public var note: String

    public init(key: String, categoryId: String, label: String, score: Int? = nil, rank: Int? = nil,
                discuss: Bool = false, note: String = "") {
        self.key = key
        self.categoryId = categoryId
        self.label = label
        self.score = score
        self.rank = rank
        self.discuss = discuss
        self.note = note
    }

    public var isOwnWords: Bool { key.hasPrefix("other-") }
}

public struct AgreedAction: Hashable, Sendable, Codable {
    public var id: Int64?
    public var concernKey: String
    public var what: String
    public var owner: ActionOwner
    /// The person's name, for "other" (and optionally for any owner, e.g. the GP's name).
    public var ownerName: String
    public var due: LocalDate?
    /// A service from the directory the patient was signposted or referred to.
    public var serviceId: String?

    public init(id: Int64? = nil, concernKey: String, what: String, owner: ActionOwner, ownerName: String = "",
                due: LocalDate? = nil, serviceId: String? = nil) {
        self.id = id
        self.concernKey = concernKey
        self.what = what
        self.owner = owner
        self.ownerName = ownerName
        self.due = due
        self.serviceId = serviceId
    }
}

/// One holistic needs assessment and the care and support plan built on it.
public struct Assessment: Hashable, Sendable {
    public var id: Int64
    public var patientId: Int64
    public var pathwayPoint: PathwayPoint
    public var completedBy: CompletedBy
    public var date: LocalDate
    public var status: AssessmentStatus
    public var catalogueId: String
    public var catalogueVersion: String
    public var distressScore: Int?
    public var whatMattersToMe: String
    public var reviewDate: LocalDate?
    public var agreedBy: String
    public var agreedRole: StaffRole?
    public var agreedAt: Date?
    /// Plan version: 1 for the first plan, then one more for each new version of an agreed plan.
    public var version: Int
    public var previousId: Int64?
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
    public var revision: Int
    public var concerns: [ConcernEntry]
    public var actions: [AgreedAction]
    /// When the patient sent a self-completed checklist from the kiosk; nil for assessments done with a clinician.
    public var submittedAt: Date?
    /// "Anything else you want to tell us", from the kiosk.
    public var patientMessage: String
    /// Who discarded it and when (status `.discarded`).
    public var discardedBy = ""
    public var discardedAt: Date?

    public init(id: Int64, patientId: Int64, pathwayPoint: PathwayPoint, completedBy: CompletedBy, date: LocalDate,
                status: AssessmentStatus = .inProgress, catalogueId: String, catalogueVersion: String,
                distressScore: Int? = nil, whatMattersToMe: String = "", reviewDate: LocalDate? = nil,
                agreedBy: String = "", agreedRole: StaffRole? = nil, agreedAt: Date? = nil, version: Int = 1,
                previousId: Int64? = nil, createdBy: String = "", createdAt: Date, updatedAt: Date, revision: Int = 0,
                concerns: [ConcernEntry] = [], actions: [AgreedAction] = [], submittedAt: Date? = nil, patientMessage: String = "") {
        self.id = id
        self.patientId = patientId
        self.pathwayPoint = pathwayPoint
        self.completedBy = completedBy
        self.date = date
        self.status = status
        self.catalogueId = catalogueId
        self.catalogueVersion = catalogueVersion
        self.distressScore = distressScore
        self.whatMattersToMe = whatMattersToMe
        self.reviewDate = reviewDate
        self.agreedBy = agreedBy
        self.agreedRole = agreedRole
        self.agreedAt = agreedAt
        self.version = version
        self.previousId = previousId
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.revision = revision
        self.concerns = concerns
        self.actions = actions
        self.submittedAt = submittedAt
        self.patientMessage = patientMessage
    }

    /// A self-assessment sent from the kiosk that no plan has been agreed for yet.
    public var isWaitingForConversation: Bool { submittedAt != nil && status == .inProgress }

    public var isLocked: Bool { status != .inProgress }

    /// The concerns in care-planning order: prioritised ones by rank, then the rest by score (highest first),
    /// then by label so the order is stable.
    public var prioritisedConcerns: [ConcernEntry] {
        concerns.sorted { a, b in
            switch (a.rank, b.rank) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil):
                if (a.score ?? -1) != (b.score ?? -1) { return (a.score ?? -1) > (b.score ?? -1) }
                return a.label < b.label
            }
        }
    }

    public var discussedConcerns: [ConcernEntry] { prioritisedConcerns.filter(\.discuss) }

    public func concern(_ key: String) -> ConcernEntry? { concerns.first { $0.key == key } }

    public func actions(for key: String) -> [AgreedAction] { actions.filter { $0.concernKey == key } }
}
