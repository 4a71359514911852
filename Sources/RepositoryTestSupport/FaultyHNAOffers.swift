import CareplanCore
import Foundation

// HNA offers (issue 15), kept apart so that each issue's part of the wrapper is its own file.
extension FaultyRepository {
    public func recordHNAOffer(patientId: Int64, date: LocalDate, pathwayPoint: PathwayPoint, outcome: HNAOfferOutcome, reason: String,
                               by user: String, now: Date) throws -> HNAOffer {
        try write { try wrapped.recordHNAOffer(patientId: patientId, date: date, pathwayPoint: pathwayPoint, outcome: outcome, reason: reason,
                                               by: user, now: now) }
    }
    public func hnaOffers(patientId: Int64) throws -> [HNAOffer] { try wrapped.hnaOffers(patientId: patientId) }
}
