import CareplanCore
import Foundation

// Follow-up letters written or printed (issue 14).
extension FaultyRepository {
    public func recordLetterExport(patientId: Int64, letter: String, format: String, destination: String, by user: String, now: Date) throws {
        try write { try wrapped.recordLetterExport(patientId: patientId, letter: letter, format: format, destination: destination, by: user, now: now) }
    }
}
