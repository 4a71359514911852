import Foundation

/// What needs doing, for the clinician's home screen (issue 14): one store call, most urgent first, each item
/// carrying what a screen needs to open straight where it is done.
public struct WorklistQuery: Sendable {
    /// Only patients whose responsible team is one of these; nil: everyone.
    public var teams: Set<Int64>?
    /// Today and now, from the clock (`CareClock`), which tests and demos can move.
    public var today: LocalDate
    public var now: Date
    public var policy: Policy
    /// For primary-care users: the Cancer Care Reviews and support discussions due (the QOF practice view).
    public var careReviews: QOFRules?
    public var kinds: Set<WorkKind>
    /// At most this many items of each kind are read (the counts are of every one).
    public var limit: Int

    public init(teams: Set<Int64>?, today: LocalDate, now: Date, policy: Policy, careReviews: QOFRules? = nil,
                kinds: Set<WorkKind> = Set(WorkKind.allCases), limit: Int = 200) {
        self.teams = teams
        self.today = today
        self.now = now
        self.policy = policy
        self.careReviews = careReviews
        self.kinds = kinds
        self.limit = limit
    }

    /// The last day counted as "due this week".
    public var dueSoonUntil: LocalDate { today.adding(days: policy.followUp.dueSoonDays) }
}

/// The kinds of work, in the order a screen lists their counts.
public enum WorkKind: String, Sendable, Hashable, CaseIterable, Codable {
    case contactToReturn = "contact-to-return"
    case resultToReview = "result-to-review"
    case testOverdue = "test-overdue"
    case testDueSoon = "test-due-soon"
    /// Follow-up has run its length: discharge, with the letter.
    case dischargeDue = "discharge-due"
    /// Remote follow-up suspended (seen in clinic): resume or discharge? Overdue `suspended-review-days` after.
    case followUpSuspended = "follow-up-suspended"
    case selfAssessmentWaiting = "self-assessment-waiting"
    /// A kiosk self-assessment offered (a code issued) and not sent.
    case hnaNotDone = "hna-not-done"
    case carePlanInProgress = "care-plan-in-progress"
    case planReviewDue = "plan-review-due"
    case eotsDue = "eots-due"
    /// Cancer Care Reviews and support discussions due (primary care).
    case careReviewDue = "care-review-due"
}

/// Where an item is done: the screen opens on it. Follow-up's targets name their enrolment (a patient may
/// have several, a discharged one and a new one): the screen opens that one, never simply the latest.
public enum WorkTarget: Sendable, Hashable {
    /// A call, and the follow-up it is about (nil: none named when it was taken).
    case contact(Int64, enrolmentId: Int64?)
    case result(Int64, enrolmentId: Int64)
    case test(Int64, enrolmentId: Int64)
    case enrolment(Int64)
    case assessment(Int64)
    /// A document (a draft End of Treatment Summary), or nil for one to start.
    case document(Int64?)
    /// A QOF indicator of the patient's (`QOFStatus.indicatorId`).
    case careReview(indicatorId: String)
}

public struct WorkItem: Sendable, Hashable {
    public var kind: WorkKind
    public var patient: Patient
    /// The day by which it should be done.
    public var due: LocalDate
    public var overdue: Bool
    /// A call with red-flag symptoms: first of all.
    public var redFlag: Bool
    public var target: WorkTarget
    /// What it is about, from the configuration or the schedule (a test's name), never a typed note.
    public var what: String

    public init(kind: WorkKind, patient: Patient, due: LocalDate, overdue: Bool, redFlag: Bool = false, target: WorkTarget, what: String = "") {
        self.kind = kind
        self.patient = patient
        self.due = due
        self.overdue = overdue
        self.redFlag = redFlag
        self.target = target
        self.what = what
    }
}

public struct Worklist: Sendable, Hashable {
    /// Most urgent first, at most the query's limit.
    public var items: [WorkItem]
    /// Every item of each kind asked for, before the limit (kinds with none: 0).
    public var counts: [WorkKind: Int]
    /// Of those, how many are overdue.
    public var overdueCounts: [WorkKind: Int]

    public init(items: [WorkItem], counts: [WorkKind: Int], overdueCounts: [WorkKind: Int]) {
        self.items = items
        self.counts = counts
        self.overdueCounts = overdueCounts
    }

    /// Most urgent first, by kind: calls to return (red flags first), results to review, tests overdue, tests
    /// due, then the rest in `WorkKind`'s order; within a kind what is overdue first, the longest overdue (the
    /// earliest due) first, then the patient. A years-old overdue test never buries a call or a result.
    public static func urgentFirst(_ a: WorkItem, _ b: WorkItem) -> Bool {
        func key(_ i: WorkItem) -> (Int, Int, Int, Int64) {
            let kind = WorkKind.allCases.firstIndex(of: i.kind)!
            return (i.kind == .contactToReturn && i.redFlag ? -1 : kind, i.overdue ? 0 : 1, i.due.dayNumber, i.patient.id ?? 0)
        }
        return key(a) < key(b)
    }
}

/// The numbers of follow-up's policy (`follow-up` in Resources/policy.yaml).
public struct FollowUpPolicy: Sendable, Equatable {
    /// A patient's call not returned within this many hours is overdue.
    public var reaccessReturnHours: Int
    /// A result needing review not reviewed within this many days is overdue.
    public var resultReviewDays: Int
    /// A care plan in progress for longer than this many days goes on the worklist.
    public var carePlanOpenDays: Int
    /// "Due this week": tests and reviews due within this many days.
    public var dueSoonDays: Int
    /// A patient suspended from remote follow-up (seen in clinic) this many days ago is asked about: resume or
    /// discharge? Until then they are listed, low, so that nobody suspended is forgotten.
    public var suspendedReviewDays: Int

    public init(reaccessReturnHours: Int = 24, resultReviewDays: Int = 7, carePlanOpenDays: Int = 14, dueSoonDays: Int = 7, suspendedReviewDays: Int = 28) {
        self.reaccessReturnHours = reaccessReturnHours
        self.resultReviewDays = resultReviewDays
        self.carePlanOpenDays = carePlanOpenDays
        self.dueSoonDays = dueSoonDays
        self.suspendedReviewDays = suspendedReviewDays
    }
}
