import Crypto
import Foundation
import GRDB

/// One entry of the audit trail: who did what to which record, and when. Details name the kind of change,
/// never its content, so the trail itself holds no clinical text.
public struct AuditEntry: Equatable, Sendable {
    public var id: Int64
    public var at: String
    public var user: String
    public var action: String
    public var patientId: Int64?
    public var assessmentId: Int64?
    public var detail: String
    public var previousHash: String
    public var hash: String
}

/// What `careplan audit --verify` found.
public enum AuditVerification: Equatable, Sendable {
    case intact(entries: Int)
    /// The first entry whose hash or link to the one before does not match: changed, removed or inserted.
    case broken(atEntry: Int64, reason: String)
}

extension CareStore {
    /// The audit trail: append-only (triggers refuse UPDATE and DELETE), and each entry carries the hash of
    /// the one before, so an entry changed, removed or inserted behind careplan's back breaks the chain.
    static func registerAuditMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v4: audit trail") { db in
            try db.execute(sql: """
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    user TEXT NOT NULL,
                    action TEXT NOT NULL,
                    patient_id INTEGER,
                    assessment_id INTEGER,
                    detail TEXT NOT NULL DEFAULT '',
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX audit_log_patient ON audit_log(patient_id, id);
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                """)
        }
    }

    static let genesisHash = String(repeating: "0", count: 64)

    static func auditHash(previous: String, at: String, user: String, action: String, patientId: Int64?, assessmentId: Int64?, detail: String) -> String {
        let fields = [previous, at, user, action, patientId.map(String.init) ?? "", assessmentId.map(String.init) ?? "", detail]
        // Length-prefixed, so no choice of field values can make two different entries hash alike.
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined()
        return SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// UTC, to the millisecond; stored as text so the hash covers exactly what is stored.
    static func auditTime(_ d: Date) -> String { d.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }

    /// Appends an entry inside the caller's transaction, so the record and its audit entry commit together.
    static func audit(_ db: Database, user: String, action: String, patientId: Int64? = nil, assessmentId: Int64? = nil,
                      detail: String = "", at now: Date) throws {
        var patient = patientId
        if patient == nil, let a = assessmentId {
            patient = try Int64.fetchOne(db, sql: "SELECT patient_id FROM assessment WHERE id = ?", arguments: [a])
        }
        let previous = try String.fetchOne(db, sql: "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1") ?? genesisHash
        let at = auditTime(now)
        let who = TextCleaner.field(user, maxLength: Limits.personName)
        let hash = auditHash(previous: previous, at: at, user: who, action: action, patientId: patient, assessmentId: assessmentId, detail: detail)
        try db.execute(sql: """
            INSERT INTO audit_log (at, user, action, patient_id, assessment_id, detail, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [at, who, action, patient, assessmentId, detail, previous, hash])
    }

    /// Records that someone looked at a record (opening a patient or an assessment).
    public func recordView(user: String, patientId: Int64? = nil, assessmentId: Int64? = nil, now: Date = Date()) throws {
        try write { db in try Self.audit(db, user: user, action: "viewed", patientId: patientId, assessmentId: assessmentId, at: now) }
    }

    /// The trail, oldest first; for one patient when given.
    public func auditTrail(patientId: Int64? = nil) throws -> [AuditEntry] {
        try read { db in
            let rows = patientId == nil
                ? try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id")
                : try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE patient_id = ? ORDER BY id", arguments: [patientId])
            return rows.map { r in
                AuditEntry(id: r["id"], at: r["at"], user: r["user"], action: r["action"], patientId: r["patient_id"],
                           assessmentId: r["assessment_id"], detail: r["detail"], previousHash: r["previous_hash"], hash: r["hash"])
            }
        }
    }

    /// Recomputes every hash and link of the chain.
    public func verifyAuditTrail() throws -> AuditVerification {
        let entries = try auditTrail()
        var previous = Self.genesisHash
        for e in entries {
            if e.previousHash != previous {
                return .broken(atEntry: e.id, reason: "it does not follow the entry before it (one was removed or inserted)")
            }
            let expected = Self.auditHash(previous: e.previousHash, at: e.at, user: e.user, action: e.action,
                                          patientId: e.patientId, assessmentId: e.assessmentId, detail: e.detail)
            if e.hash != expected { return .broken(atEntry: e.id, reason: "its content was changed after it was written") }
            previous = e.hash
        }
        return .intact(entries: entries.count)
    }
}

extension AssessmentChange {
    /// The kind of change, for the audit trail: never the text or score itself.
    public var auditDetail: String {
        switch self {
        case .setDetails: return "details"
        case .setConcern(let c): return "concern \(c.key)"
        case .removeConcern(let key): return "concern \(key) removed"
        case .setDistress: return "distress score"
        case .setWhatMattersToMe: return "what matters to me"
        case .setNote(let key, _): return "note on \(key)"
        case .setOrder, .setDiscuss: return "priorities"
        case .saveAction(let a): return a.id == nil ? "action added" : "action \(a.id!) changed"
        case .deleteAction(let id): return "action \(id) removed"
        case .setReviewDate: return "review date"
        case .setPatientMessage: return "patient's message"
        case .submit: return "sent from the kiosk"
        case .agree: return "plan agreed and locked"
        }
    }

    /// Notes are saved every second or so while typing; one audit entry per person, note and few minutes
    /// says what the trail needs without thousands of lines.
    var isTyping: Bool {
        switch self {
        case .setNote, .setWhatMattersToMe, .setPatientMessage: return true
        default: return false
        }
    }
}
