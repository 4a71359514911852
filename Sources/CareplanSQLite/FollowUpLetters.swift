import CareplanCore
import Foundation
import GRDB

/// A follow-up letter written or printed: an audit entry only (the letter is made again from the records).
extension CareStore {
    public func recordLetterExport(patientId: Int64, letter: String, format: String, destination: String, by user: String, now: Date) throws {
        try write { db in
            try Self.requirePatient(db, patientId)
            let to = TextCleaner.field(destination, maxLength: 500)
            try Self.audit(db, user: user, action: "exported follow-up letter", patientId: patientId,
                           detail: "\(TextCleaner.field(letter, maxLength: 40)) letter as \(format)" + (to.isEmpty ? "" : " to \(to)"), at: now)
        }
    }
}
