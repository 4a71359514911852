import CareplanCore
import Foundation

// Information prescriptions written or printed (issue 13).
extension FaultyRepository {
    public func recordInformationExport(patientId: Int64, items: Int, format: String, destination: String, by user: String, now: Date) throws {
        try write { try wrapped.recordInformationExport(patientId: patientId, items: items, format: format, destination: destination, by: user, now: now) }
    }
}
