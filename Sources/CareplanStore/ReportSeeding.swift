import CareplanCore
import Foundation

/// The benchmark's report store (issue 15): years of history on top of `addFictionalPatients` and
/// `addFictionalFollowUp`, made in SQL so 100,000 patients take seconds. Fictional and deterministic.
extension CareStore {
    /// For every patient, `perPatient` more assessments spread over the two years before `today` (four in five
    /// agreed, by a CNS or a nurse; three of `items` raised in each; a distress score 0-10), each an accepted HNA
    /// offer, every tenth patient a declined offer too; and a signed End of Treatment Summary for seven patients in
    /// ten, written 0-90 days after a treatment end date. Returns how many assessments and documents it added.
    public func addFictionalReportHistory(perPatient: Int, items: [(key: String, category: String, label: String)], today: LocalDate,
                                          by user: String, now: Date) throws -> (assessments: Int, documents: Int) {
        try write { db in
            let firstNew = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM assessment") ?? 0) + 1
            let firstOffer = try Self.nextId(db, .hnaOffer)
            let day = db.dialect.date(":today", plusDays: "-((p.id * 7 + k.n * 131) % 730)")
            let agreed = "(p.id + k.n) % 5 <> 0"
            try db.execute(sql: """
                WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < :per)
                INSERT INTO assessment (patient_id, pathway_point, completed_by, date, status, catalogue_id, catalogue_version, distress_score,
                                        what_matters, review_date, agreed_by, agreed_role, agreed_at, created_by, created_at, updated_at)
                SELECT p.id, CASE k.n % 3 WHEN 0 THEN '01' WHEN 1 THEN '02' ELSE '04' END, 'patient-with-clinician', \(day),
                       CASE WHEN \(agreed) THEN 'agreed' ELSE 'in-progress' END, 'ncat-hna', '1', (p.id * 3 + k.n * 7) % 11, '', NULL,
                       CASE WHEN \(agreed) THEN 'Bench Nurse' ELSE '' END, CASE WHEN \(agreed) THEN CASE p.id % 2 WHEN 0 THEN '01' ELSE '02' END END,
                       CASE WHEN \(agreed) THEN \(day) || ' 12:00:00.000' END, :by, :now, :now
                FROM patient p, k ORDER BY p.id, k.n
                """, arguments: ["per": perPatient, "today": today.iso, "by": user, "now": now])
            let added = try Int.fetchOne(db, sql: "SELECT count(*) FROM assessment WHERE id >= ?", arguments: [firstNew]) ?? 0
            for (n, item) in items.enumerated() {
                try db.execute(sql: """
                    INSERT INTO concern (assessment_id, key, category_id, label, score, rank, discuss, note)
                    SELECT id, ?, ?, ?, (id + ?) % 11, ?, 0, '' FROM assessment WHERE id >= ? AND (id + ?) % \(max(1, items.count)) <> 0
                    """, arguments: [item.key, item.category, item.label, n, n, firstNew, n])
            }
            try db.execute(sql: """
                INSERT INTO hna_offer (patient_id, date, pathway_point, outcome, assessment_id, offered_by, offered_role, recorded_at)
                SELECT patient_id, date, pathway_point, '03', id, created_by, NULL, created_at FROM assessment WHERE id >= ?;
                INSERT INTO hna_offer (patient_id, date, pathway_point, outcome, assessment_id, offered_by, offered_role, recorded_at)
                SELECT patient_id, date, '05', '02', NULL, created_by, NULL, created_at FROM assessment WHERE id >= ? AND patient_id % 10 = 0
                """, arguments: [firstNew, firstNew])
            // Summaries one by one: their treatment rows are JSON of the document's field values.
            let insert = try db.makeStatement(sql: """
                INSERT INTO document (patient_id, template_id, template_version, title, date_field, date, status, created_by, created_at, updated_at,
                                      signed_by, signed_role, signed_at)
                VALUES (?, '\(EoTSDue.templateId)', '1', 'End of Treatment Summary', 'completed-date', ?, 'signed', ?, ?, ?, 'Bench Nurse', 'clinical-nurse-specialist', ?)
                """)
            let row = try db.makeStatement(sql: "INSERT INTO document_row (document_id, field, value) VALUES (?, '\(EoTSDue.treatmentsGroup)', ?)")
            var documents = 0
            for id in try Int64.fetchAll(db, sql: "SELECT id FROM patient WHERE id % 10 < 7 ORDER BY id") {
                let written = today.adding(days: -Int(id * 13 % 700))
                let ended = written.adding(days: -Int(id % 91))
                try insert.execute(arguments: [id, written.iso, user, now, now, now])
                try row.execute(arguments: [db.lastInsertedRowID, try Self.encode([EoTSDue.treatmentEndField: FieldValue.date(ended)])])
                documents += 1
            }
            // The follow-up seeding records every result and call on the day it runs: spread them over the two years,
            // one result in seven needing review (four in five of those reviewed 0-19 days later), calls returned 0-47
            // hours later (one in 300 not), so results-review and re-access count a real year.
            func spread(days: String = "0", hours: String = "0") -> String {
                db.dialect.time(":today", plusDays: "\(days) - (id * 13) % 730", hours: "10 + \(hours)")
            }
            try db.execute(sql: """
                UPDATE follow_up_result SET recorded_at = \(spread()),
                       needs_review = CASE WHEN id % 7 = 0 THEN 1 ELSE 0 END,
                       review_outcome = CASE WHEN id % 7 = 0 AND id % 5 <> 0 THEN '\(ReviewOutcome.noAction.rawValue)' END,
                       reviewed_by = CASE WHEN id % 7 = 0 AND id % 5 <> 0 THEN :by ELSE '' END,
                       reviewed_at = CASE WHEN id % 7 = 0 AND id % 5 <> 0 THEN \(spread(days: "id % 20")) END;
                UPDATE follow_up_contact SET at = \(spread()),
                       returned_at = CASE WHEN returned_at IS NOT NULL THEN \(spread(hours: "id % 48")) END
                """, arguments: ["today": today.iso, "by": user])
            try Self.audit(db, user: user, action: "seeded", detail: "report history: \(added) assessments, \(documents) documents"
                           + ((try Self.seededRange(db, .hnaOffer, from: firstOffer)).map { Self.seededMark + $0 } ?? ""), at: now)
            return (added, documents)
        }
    }

    /// Assessments and documents in the store (the benchmark's "documents").
    public func assessmentAndDocumentCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM assessment) + (SELECT count(*) FROM document)") ?? 0 }
    }
}
