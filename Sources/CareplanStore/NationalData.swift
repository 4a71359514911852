import CareplanCore
import Foundation

/// The COSD personalised care items' facts for a period (issue 15). Plain SQL (BETWEEN, EXISTS, LEFT JOIN),
/// one query per kind of fact, so another store can say the same.
extension CareStore {
    /// The counted offers of the README's "How offers are counted": every row but an undecided one a later row of
    /// the patient at the same point of the pathway settled (`HNAOffer.isSettled`).
    static let countedOffersSQL = """
        SELECT o.id, o.patient_id, o.date, o.pathway_point, o.outcome, o.offered_role,
               a.id AS assessment_id, a.status, a.agreed_role,
               (SELECT count(*) FROM concern c WHERE c.assessment_id = a.id) AS concerns
        FROM hna_offer o LEFT JOIN assessment a ON a.id = o.assessment_id
        WHERE o.date BETWEEN ? AND ?
          AND NOT (o.outcome = '01' AND EXISTS (SELECT 1 FROM hna_offer l
                   WHERE l.patient_id = o.patient_id AND l.pathway_point = o.pathway_point
                     AND (l.date > o.date OR (l.date = o.date AND l.id > o.id))))
        ORDER BY o.date, o.id
        """

    public func cosdFacts(from: LocalDate, to: LocalDate, eotsTemplate: String, progress: (Int, Int) -> Void) throws -> COSDFacts {
        try read { db in
            let period: StatementArguments = [from.iso, to.iso]
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM hna_offer WHERE date BETWEEN ? AND ?", arguments: period) ?? 0
            var facts = COSDFacts()
            let rows = try Row.fetchCursor(db, sql: Self.countedOffersSQL, arguments: period)
            var seen = 0
            while let r = try rows.next() {
                let assessment = (r["assessment_id"] as Int64?).map {
                    COSDFacts.Assessment(id: $0, status: r["status"], agreedRole: r["agreed_role"], concerns: r["concerns"])
                }
                facts.offers.append(COSDFacts.Offer(id: r["id"], patientId: r["patient_id"], date: r["date"], pathwayPoint: r["pathway_point"],
                                                    outcome: r["outcome"], offeredRole: r["offered_role"], assessment: assessment))
                seen += 1
                if seen % 1000 == 0 { progress(seen, total) }
            }
            progress(total, total)
            // An offer whose date is no date belongs to no period (`2026-13-45` sorts outside most): every run
            // reads it, so COSDExport lists it with its reason instead of losing it unseen.
            let read = Set(facts.offers.map(\.id))
            let notDates = try String.fetchAll(db, sql: "SELECT DISTINCT date FROM hna_offer").filter { LocalDate(iso: $0) == nil }
            for r in notDates.isEmpty ? [] : try Row.fetchAll(db, sql: """
                SELECT id, patient_id, date, pathway_point, outcome, offered_role FROM hna_offer
                WHERE date IN (\(databaseQuestionMarks(count: notDates.count))) ORDER BY id
                """, arguments: StatementArguments(notDates)) where !read.contains(r["id"]) {
                facts.offers.append(COSDFacts.Offer(id: r["id"], patientId: r["patient_id"], date: r["date"], pathwayPoint: r["pathway_point"],
                                                    outcome: r["outcome"], offeredRole: r["offered_role"], assessment: nil))
            }
            for r in try Row.fetchAll(db, sql: """
                SELECT d.id, d.patient_id, v.value FROM document d
                LEFT JOIN document_value v ON v.document_id = d.id AND v.field = d.date_field
                WHERE d.template_id = ? AND d.status = ? AND d.date BETWEEN ? AND ?
                ORDER BY d.date, d.id
                """, arguments: [eotsTemplate, DocumentStatus.signed.rawValue, from.iso, to.iso]) {
                // The date field's own value: the document's `date` falls back to the day it was made when it is empty.
                let value = try (r["value"] as String?).map { try Self.decode(FieldValue.self, $0) }
                let date: String? = if case .date(let d)? = value { d.iso } else { nil }
                facts.summaries.append(COSDFacts.Summary(documentId: r["id"], patientId: r["patient_id"], date: date))
            }
            for r in try Row.fetchAll(db, sql: """
                SELECT id, nhs_number, date_of_birth, diagnosis_code, diagnosis_date FROM patient
                WHERE id IN (SELECT patient_id FROM hna_offer WHERE date BETWEEN ? AND ?)
                   OR id IN (SELECT patient_id FROM document WHERE template_id = ? AND status = ? AND date BETWEEN ? AND ?)
                   OR id IN (SELECT patient_id FROM hna_offer WHERE date IN (\(databaseQuestionMarks(count: notDates.count))))
                """, arguments: StatementArguments([from.iso, to.iso, eotsTemplate, DocumentStatus.signed.rawValue, from.iso, to.iso] + notDates)) {
                facts.patients[r["id"]] = COSDFacts.Patient(id: r["id"], nhsNumber: r["nhs_number"], dateOfBirth: r["date_of_birth"],
                                                            diagnosisCode: r["diagnosis_code"], diagnosisDate: r["diagnosis_date"])
            }
            return facts
        }
    }

    public func recordCOSDExport(from: LocalDate, to: LocalDate, patients: Int, rows: Int, leftOut: Int, destination: String, by user: String,
                                 now: Date) throws {
        try write { db in
            try Self.audit(db, user: user, action: "exported COSD",
                           detail: "\(from.iso) to \(to.iso): \(patients) patient(s), \(rows) row(s), \(leftOut) left out, to "
                               + TextCleaner.field(destination, maxLength: 500), at: now)
        }
    }
}
