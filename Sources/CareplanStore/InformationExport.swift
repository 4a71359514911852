import CareplanCore
import Foundation

/// Exports that keep nothing but their audit entry: an information prescription and a follow-up letter are each
/// made again from the records, so only who wrote which, as what and where, is kept.
extension CareStore {
    public func recordInformationExport(patientId: Int64, items: Int, format: String, destination: String, by user: String, now: Date) throws {
        try auditExport(patientId: patientId, action: "exported information prescription", what: "\(items) item(s)", format: format,
                        destination: destination, by: user, now: now)
    }

    public func recordLetterExport(patientId: Int64, letter: String, format: String, destination: String, by user: String, now: Date) throws {
        try auditExport(patientId: patientId, action: "exported follow-up letter", what: "\(TextCleaner.field(letter, maxLength: 40)) letter",
                        format: format, destination: destination, by: user, now: now)
    }

    private func auditExport(patientId: Int64, action: String, what: String, format: String, destination: String, by user: String, now: Date) throws {
        try write { db in
            try Self.requirePatient(db, patientId)
            let to = TextCleaner.field(destination, maxLength: 500)
            try Self.audit(db, user: user, action: action, patientId: patientId,
                           detail: "\(what) as \(format)" + (to.isEmpty ? "" : " to \(to)"), at: now)
        }
    }
}
