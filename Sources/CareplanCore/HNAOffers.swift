import Foundation

/// Holistic Needs Assessments offered to patients, and what each patient said (COSD CR7900, issue 15).
/// An accepted offer is written by the store itself when an assessment is started (or a kiosk code issued, which
/// starts a self-assessment), linked to that assessment; the other outcomes are recorded here by a clinician.
/// Every change is audited under its user with ids and codes only, never the reason.
public protocol HNAOfferRepository: AnyObject, Sendable {
    /// Records an offer made on `date` at `pathwayPoint` with one of `HNAOfferOutcome.recordable`, by `user` (their
    /// role, as the store has it now, kept with it). Refuses an unknown patient (`notFound`), and (`refused`) a
    /// date in the future or before the patient was born, "accepted" (starting the assessment records that), and
    /// "not offered" or "unable to complete" without a reason.
    func recordHNAOffer(patientId: Int64, date: LocalDate, pathwayPoint: PathwayPoint, outcome: HNAOfferOutcome, reason: String,
                        by user: String, now: Date) throws -> HNAOffer
    /// The patient's offers, newest first (by date, then as recorded).
    func hnaOffers(patientId: Int64) throws -> [HNAOffer]
}

extension HNAOfferRepository {
    @discardableResult
    public func recordHNAOffer(patientId: Int64, date: LocalDate, pathwayPoint: PathwayPoint, outcome: HNAOfferOutcome, reason: String = "",
                               by user: String, now: Date = Date()) throws -> HNAOffer {
        try recordHNAOffer(patientId: patientId, date: date, pathwayPoint: pathwayPoint, outcome: outcome, reason: reason, by: user, now: now)
    }
}

/// CR7900: whether an HNA was offered, and what the patient said.
public enum HNAOfferOutcome: String, Coded, Codable {
    public static let listId = "hna-offered"
    case undecided = "01", declined = "02", accepted = "03", notOffered = "04", unableToComplete = "05"

    /// What a clinician records by hand: "accepted" is recorded by starting the assessment it leads to, so that
    /// every accepted offer names a real assessment and none is counted twice.
    public static let recordable: [HNAOfferOutcome] = [.undecided, .declined, .notOffered, .unableToComplete]

    /// The outcomes that must say why (kept on the record, never in the audit trail).
    public var needsReason: Bool { self == .notOffered || self == .unableToComplete }

    /// Whether an HNA was offered at all (everything but "not offered").
    public var wasOffered: Bool { self != .notOffered }
}

/// One offer of an HNA to a patient, as stored.
public struct HNAOffer: Sendable, Hashable {
    public var id: Int64
    public var patientId: Int64
    /// CR7930: the day it was offered, declined or accepted.
    public var date: LocalDate
    /// CR7940.
    public var pathwayPoint: PathwayPoint
    public var outcome: HNAOfferOutcome
    /// The assessment an accepted offer led to.
    public var assessmentId: Int64?
    /// The user name of who made the offer.
    public var offeredBy: String
    /// Their role id (roles.yaml) at the time; nil when they were not a staff user of the store. Reported as
    /// CR7950 through the role's `cosd-staff-role`.
    public var offeredRole: String?
    public var reason: String
    public var recordedAt: Date

    public init(id: Int64, patientId: Int64, date: LocalDate, pathwayPoint: PathwayPoint, outcome: HNAOfferOutcome, assessmentId: Int64?,
                offeredBy: String, offeredRole: String?, reason: String, recordedAt: Date) {
        self.id = id
        self.patientId = patientId
        self.date = date
        self.pathwayPoint = pathwayPoint
        self.outcome = outcome
        self.assessmentId = assessmentId
        self.offeredBy = offeredBy
        self.offeredRole = offeredRole
        self.reason = reason
        self.recordedAt = recordedAt
    }

    /// Why an offer cannot be recorded as given, or nil; one rule for every store. `today` is the runtime's day.
    public static func refusal(date: LocalDate, outcome: HNAOfferOutcome, reason: String, today: LocalDate, bornOn: LocalDate?) -> String? {
        if outcome == .accepted { return "Not recorded: an accepted offer is recorded by starting the assessment (or issuing a kiosk code)" }
        if date > today { return "Not recorded: \(date.display) is in the future" }
        if let bornOn, date < bornOn { return "Not recorded: \(date.display) is before the patient was born (\(bornOn.display))" }
        if outcome.needsReason && reason.isEmpty { return "Not recorded: say why (\(outcome == .notOffered ? "not offered" : "unable to complete"))" }
        return nil
    }

    /// Whether `later` answers this offer: an "undecided" offer is settled by the patient's next offer at the same
    /// point of the pathway (a later day, or the same day recorded after it), and is then not counted on its own.
    public func isSettled(by later: HNAOffer) -> Bool {
        outcome == .undecided && later.patientId == patientId && later.pathwayPoint == pathwayPoint
            && (later.date > date || (later.date == date && later.id > id))
    }

    /// The offers that count (README "HNA offers: how they are counted"): every row but an "undecided" one that a
    /// later row settled. `offers` may be any patients' and any period's; the result keeps their order.
    public static func counted(_ offers: [HNAOffer]) -> [HNAOffer] {
        let byPatient = Dictionary(grouping: offers, by: \.patientId)
        return offers.filter { o in !(byPatient[o.patientId] ?? []).contains { o.isSettled(by: $0) } }
    }
}
