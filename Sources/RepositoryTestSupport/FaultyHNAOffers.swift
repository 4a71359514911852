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

// The COSD export's facts and its audit entry (issue 15).
extension FaultyRepository {
    public func cosdFacts(from: LocalDate, to: LocalDate, eotsTemplate: String, progress: (Int, Int) -> Void) throws -> COSDFacts {
        try wrapped.cosdFacts(from: from, to: to, eotsTemplate: eotsTemplate, progress: progress)
    }
    public func recordCOSDExport(from: LocalDate, to: LocalDate, patients: Int, rows: Int, leftOut: Int, destination: String, by user: String,
                                 now: Date) throws {
        try write { try wrapped.recordCOSDExport(from: from, to: to, patients: patients, rows: rows, leftOut: leftOut, destination: destination,
                                                 by: user, now: now) }
    }
}
