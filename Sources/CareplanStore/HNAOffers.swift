import CareplanCore
import Foundation

/// HNAs offered to patients and what each said (COSD CR7900; schema step v15-hna-offer).
extension CareStore {
    static func registerHNAOfferMigration(_ m: inout Migrator) {
        m.registerMigration("v15-hna-offer") { db in
            // offered_role: the offerer's role id (roles.yaml) then, NULL when not a staff user; mapped to CR7950
            // when reported, so a role's code can be corrected in roles.yaml. reason: for 04/05, never audited.
            try db.execute(sql: db.dialect.ddl("""
                CREATE TABLE hna_offer (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
                    date TEXT NOT NULL,
                    pathway_point TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    assessment_id INTEGER REFERENCES assessment(id),
                    offered_by TEXT NOT NULL,
                    offered_role TEXT,
                    reason TEXT NOT NULL DEFAULT '',
                    recorded_at DATETIME NOT NULL
                );
                CREATE INDEX hna_offer_patient ON hna_offer(patient_id, date);
                CREATE INDEX hna_offer_date ON hna_offer(date);
                CREATE INDEX hna_offer_assessment ON hna_offer(assessment_id) WHERE assessment_id IS NOT NULL;
                """))
            // Every assessment started so far was an accepted offer; new versions of a plan are not offers, and
            // discarded ones were started in error.
            try db.execute(sql: """
                INSERT INTO hna_offer (patient_id, date, pathway_point, outcome, assessment_id, offered_by, offered_role, recorded_at)
                SELECT a.patient_id, a.date, a.pathway_point, ?, a.id, a.created_by,
                       (SELECT s.role_id FROM staff_user s WHERE s.user_name = a.created_by), a.created_at
                FROM assessment a WHERE a.previous_id IS NULL AND a.status <> ? ORDER BY a.id
                """, arguments: [HNAOfferOutcome.accepted.rawValue, AssessmentStatus.discarded.rawValue])
        }
    }

    /// Schema step v15-hna-offer-integrity: the offers written before their entries carried digests (the ones
    /// v15-hna-offer took from the assessments, and those recorded since), named once so verify can tell them
    /// from offers inserted later, as v14-followup-integrity did for follow-up.
    static func registerHNAOfferIntegrityMigration(_ m: inout Migrator) {
        m.registerMigration("v15-hna-offer-integrity") { db in
            let last = try Int64.fetchOne(db, sql: "SELECT max(id) FROM hna_offer") ?? 0
            if last > 0 { try Self.noteUndigestedRows(db, "\(AuditedTable.hnaOffer.table) 1-\(last)") }
        }
    }

    public func recordHNAOffer(patientId: Int64, date: LocalDate, pathwayPoint: PathwayPoint, outcome: HNAOfferOutcome, reason: String,
                               by user: String, now: Date) throws -> HNAOffer {
        try write { db in
            guard let born = try String.fetchOne(db, sql: "SELECT date_of_birth FROM patient WHERE id = ?", arguments: [patientId]) else {
                throw StoreError.notFound("The patient")
            }
            let reason = TextCleaner.field(reason, maxLength: Limits.actionText)
            if let why = HNAOffer.refusal(date: date, outcome: outcome, reason: reason, today: LocalDate(now), bornOn: LocalDate(iso: born)) {
                throw StoreError.refused(why)
            }
            let id = try Self.insertHNAOffer(db, patientId: patientId, date: date, pathwayPoint: pathwayPoint, outcome: outcome,
                                             assessmentId: nil, reason: reason, by: user, now: now)
            try Self.audit(db, user: user, action: "recorded HNA offer \(outcome.rawValue)", patientId: patientId, detail: Self.hnaOfferMark + "\(id)"
                           + Self.contentNote(db, [(.hnaOffer, id)]), at: now)
            return try Self.hnaOffers(db, where: "id = ?", [id])[0]
        }
    }

    /// Before an offer's id in an entry's detail.
    static let hnaOfferMark = "HNA offer "

    /// One offer row inside the caller's transaction (recording one, or starting the assessment an accepted one
    /// led to), whose audit entry names its id.
    static func insertHNAOffer(_ db: Database, patientId: Int64, date: LocalDate, pathwayPoint: PathwayPoint, outcome: HNAOfferOutcome,
                               assessmentId: Int64?, reason: String = "", by user: String, now: Date) throws -> Int64 {
        let who = TextCleaner.field(user, maxLength: Limits.personName)
        let role = try String.fetchOne(db, sql: "SELECT role_id FROM staff_user WHERE user_name = ?", arguments: [who])
        try db.execute(sql: """
            INSERT INTO hna_offer (patient_id, date, pathway_point, outcome, assessment_id, offered_by, offered_role, reason, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [patientId, date.iso, pathwayPoint.rawValue, outcome.rawValue, assessmentId, who, role, reason, now])
        return try db.lastInsertedRowID
    }

    /// A discarded assessment was started in error: the accepted offer its start wrote is taken back (an
    /// "undecided" offer before it is then unsettled again). Says which, for the discard's audit entry.
    static func withdrawHNAOffers(_ db: Database, assessmentId: Int64) throws -> String {
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM hna_offer WHERE assessment_id = ? AND outcome = ? ORDER BY id",
                                     arguments: [assessmentId, HNAOfferOutcome.accepted.rawValue])
        try db.execute(sql: "DELETE FROM hna_offer WHERE assessment_id = ? AND outcome = ?", arguments: [assessmentId, HNAOfferOutcome.accepted.rawValue])
        if ids.isEmpty { return "" }
        return ids.map { Self.hnaOfferMark + "\($0) withdrawn" }.joined(separator: ", ")
            + Self.removedMark + ids.map { "\(AuditedTable.hnaOffer.table) \($0)" }.joined(separator: ", ")
    }

    public func hnaOffers(patientId: Int64) throws -> [HNAOffer] {
        try read { db in try Self.hnaOffers(db, where: "patient_id = ? ORDER BY date DESC, id DESC", [patientId]) }
    }

    static func hnaOffers(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [HNAOffer] {
        try Row.fetchAll(db, sql: "SELECT * FROM hna_offer WHERE " + condition, arguments: arguments).map { r in
            HNAOffer(id: r["id"], patientId: r["patient_id"], date: LocalDate(iso: r["date"]) ?? LocalDate(year: 1900, month: 1, day: 1)!,
                     pathwayPoint: PathwayPoint(rawValue: r["pathway_point"]) ?? .other,
                     outcome: HNAOfferOutcome(rawValue: r["outcome"]) ?? .undecided, assessmentId: r["assessment_id"],
                     offeredBy: r["offered_by"], offeredRole: r["offered_role"], reason: r["reason"], recordedAt: r["recorded_at"])
        }
    }
}
