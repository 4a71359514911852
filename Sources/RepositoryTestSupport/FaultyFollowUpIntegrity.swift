import CareplanCore
import Foundation

// The pathways enrolments keep (issue 14, finding A3).
extension FaultyRepository {
    public func enrolledPathway(enrolmentId: Int64) throws -> Pathway? { try wrapped.enrolledPathway(enrolmentId: enrolmentId) }
    public func keepEnrolledPathways(_ pathways: [String: Pathway], by user: String, now: Date) throws {
        try write { try wrapped.keepEnrolledPathways(pathways, by: user, now: now) }
    }
    public func pathwayChanges(_ pathways: [String: Pathway]) throws -> [PathwayChange] { try wrapped.pathwayChanges(pathways) }
}
