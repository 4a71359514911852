import CareplanCore
import Foundation

extension CareStore {
    /// Records that a plan was exported (or printed): when, in which format, where to, by whom. Durable
    /// before it returns. Refuses an unknown assessment.
    @discardableResult
    public func recordExport(assessmentId: Int64, format: String, destination: String, by user: String, at now: Date) throws -> ExportRecord {
        try write { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT version, status FROM assessment WHERE id = ?", arguments: [assessmentId]) else {
                throw StoreError.notFound("The assessment")
            }
            let version: Int = r["version"]
            let status = AssessmentStatus(rawValue: r["status"]) ?? .inProgress
            let who = TextCleaner.field(user, maxLength: Limits.personName)
            try db.execute(sql: """
                INSERT INTO export_log (assessment_id, format, destination, exported_by, exported_at, plan_version, plan_status)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [assessmentId, format, destination, who, now, version, status.rawValue])
            let id = try db.lastInsertedRowID  // before the audit entry, which is a row too
            try Self.audit(db, user: who, action: format == "print" ? "printed" : "exported", assessmentId: assessmentId, detail: format, at: now)
            return ExportRecord(id: id, assessmentId: assessmentId, format: format, destination: destination,
                                exportedBy: who, exportedAt: now, planVersion: version, planStatus: status)
        }
    }

    /// The exports of one plan, oldest first.
    public func exports(assessmentId: Int64) throws -> [ExportRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM export_log WHERE assessment_id = ? ORDER BY id", arguments: [assessmentId]).map { r in
                ExportRecord(id: r["id"], assessmentId: r["assessment_id"], format: r["format"], destination: r["destination"],
                             exportedBy: r["exported_by"], exportedAt: r["exported_at"], planVersion: r["plan_version"],
                             planStatus: AssessmentStatus(rawValue: r["plan_status"]) ?? .inProgress)
            }
        }
    }
}
