import CareplanCore
import Foundation
import GRDB

/// An information prescription written or printed: an audit entry only (the prescription is made again from
/// the records of what was given, so nothing else needs keeping).
extension CareStore {
    public func recordInformationExport(patientId: Int64, items: Int, format: String, destination: String, by user: String, now: Date) throws {
        try write { db in
            try Self.requirePatient(db, patientId)
            let to = TextCleaner.field(destination, maxLength: 500)
            try Self.audit(db, user: user, action: "exported information prescription", patientId: patientId,
                           detail: "\(items) item(s) as \(format)" + (to.isEmpty ? "" : " to \(to)"), at: now)
        }
    }
}
