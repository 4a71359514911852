import CareplanCore
import Foundation

/// Schema step v14-followup-integrity: the pathways enrolments were made under, kept in the store so an edited
/// or removed file does not change an enrolled patient's care, and the follow-up records written before their
/// audit entries carried digests (`AuditedRows`), named once so verify can tell them from records inserted later.
extension CareStore {
    static func registerFollowUpIntegrityMigration(_ m: inout Migrator) {
        m.registerMigration("v14-followup-integrity") { db in
            try db.execute(sql: db.dialect.ddl("""
                CREATE TABLE follow_up_pathway (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    hash TEXT NOT NULL UNIQUE,
                    pathway_id TEXT NOT NULL,
                    version TEXT NOT NULL,
                    text TEXT NOT NULL,
                    kept_at DATETIME NOT NULL
                )
                """))
            let ranges = try [AuditedTable.enrolment, .test, .change, .result, .contact].compactMap { t -> String? in
                let last = try Int64.fetchOne(db, sql: "SELECT max(id) FROM \(t.table)") ?? 0
                return last > 0 ? "\(t.table) 1-\(last)" : nil
            }
            if !ranges.isEmpty { try noteUndigestedRows(db, ranges.joined(separator: ", ")) }
        }
    }

    static let undigestedSetting = "follow-up rows before digests"

    /// Keeps `table first-last` ranges an upgrade found, to be said in the keyed trail when the store is next
    /// opened with its key (`keepUndigestedRows`): the migration has no key.
    static func noteUndigestedRows(_ db: Database, _ ranges: String) throws {
        let before = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = ?", arguments: [undigestedSetting])
        try db.execute(sql: "INSERT OR REPLACE INTO setting (name, value) VALUES (?, ?)",
                       arguments: [undigestedSetting, (before.map { $0 + ", " } ?? "") + ranges])
    }

    /// Puts the ranges the upgrade found into the trail, once, so `audit --verify` accepts them.
    func keepUndigestedRows() throws {
        try write { db in
            guard let ranges = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = ?", arguments: [Self.undigestedSetting]) else { return }
            try Self.audit(db, user: "careplan", action: "kept records from before their digests", detail: Self.seededMark + ranges, at: Date())
            try db.execute(sql: "DELETE FROM setting WHERE name = ?", arguments: [Self.undigestedSetting])
        }
    }

    // MARK: The pathways enrolments keep

    /// Keeps the pathway's text (once per version of its file), in the enrolment's transaction; the record to digest when new.
    static func keepPathway(_ db: Database, _ pathway: Pathway, now: Date) throws -> [(AuditedTable, Int64)] {
        guard !pathway.text.isEmpty,
              try Int.fetchOne(db, sql: "SELECT 1 FROM follow_up_pathway WHERE hash = ?", arguments: [pathway.contentHash]) == nil else { return [] }
        try db.execute(sql: "INSERT INTO follow_up_pathway (hash, pathway_id, version, text, kept_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [pathway.contentHash, pathway.id, pathway.version, pathway.text, now])
        return [(.pathway, try db.lastInsertedRowID)]
    }

    /// The rules the enrolment was made under, as kept; nil when none is kept (enrolled before v14 under a file since changed).
    static func enrolledPathway(_ db: Database, _ e: Enrolment) throws -> Pathway? {
        guard let text = try String.fetchOne(db, sql: "SELECT text FROM follow_up_pathway WHERE hash = ?", arguments: [e.pathwayHash]) else { return nil }
        return try? Pathway.parse(text: text, displayPath: "\(e.pathwayId) \(e.pathwayVersion), as enrolled").get()
    }

    public func enrolledPathway(enrolmentId: Int64) throws -> Pathway? {
        try read { db in try Self.enrolledPathway(db, Self.enrolment(db, enrolmentId)) }
    }

    /// Keeps the text of each configured pathway that enrolments were made under and whose text is not kept yet
    /// (enrolled before v14): only where the file's hash is the enrolment's, so the rules kept are the ones enrolled under.
    public func keepEnrolledPathways(_ pathways: [String: Pathway], by user: String, now: Date) throws {
        try write { db in
            for p in pathways.values.sorted(by: { $0.id < $1.id }) {
                guard try Int.fetchOne(db, sql: "SELECT 1 FROM follow_up_enrolment WHERE pathway_hash = ? LIMIT 1", arguments: [p.contentHash]) != nil else { continue }
                let kept = try Self.keepPathway(db, p, now: now)
                if kept.isEmpty { continue }
                try Self.audit(db, user: user, action: "kept a follow-up pathway enrolments were made under",
                               detail: "\(p.id) \(p.version)" + Self.contentNote(db, kept), at: now)
            }
        }
    }

    /// Patients still on follow-up under a pathway whose file is gone or changed since they were enrolled, by pathway.
    public func pathwayChanges(_ pathways: [String: Pathway]) throws -> [PathwayChange] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.pathway_id, e.pathway_version, e.pathway_hash, count(*) AS patients,
                       EXISTS (SELECT 1 FROM follow_up_pathway p WHERE p.hash = e.pathway_hash) AS kept
                FROM follow_up_enrolment e WHERE e.status != 'discharged' GROUP BY e.pathway_id, e.pathway_version, e.pathway_hash ORDER BY e.pathway_id
                """).compactMap { r in
                let id: String = r["pathway_id"], hash: String = r["pathway_hash"]
                guard pathways[id]?.contentHash != hash else { return nil }
                return PathwayChange(pathwayId: id, version: r["pathway_version"], patients: r["patients"], fileMissing: pathways[id] == nil, rulesKept: r["kept"])
            }
        }
    }
}
