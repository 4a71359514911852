import CareplanCore
import Foundation

/// Reports (issue 15): each report's SQL in one place, counting with GROUP BY by month, team, ICD-10 category
/// (and role where it has one), so a report over 100,000 patients reads a handful of rows. Plain SQL: substr,
/// count, sum, CASE, NOT EXISTS (PostgreSQL takes the same; dates are ISO text, so months are their first 7 characters).
extension CareStore {
    static func registerReportIndexMigration(_ m: inout Migrator) {
        m.registerMigration("v15-report-indexes") { db in
            try db.execute(sql: db.dialect.ddl("""
                CREATE INDEX assessment_date ON assessment(date, status);
                CREATE INDEX assessment_patient_date ON assessment(patient_id, date, status);
                CREATE INDEX assessment_agreed ON assessment(agreed_at) WHERE agreed_at IS NOT NULL;
                CREATE INDEX document_template_date ON document(template_id, status, date);
                CREATE INDEX follow_up_result_recorded ON follow_up_result(recorded_at);
                CREATE INDEX follow_up_contact_at ON follow_up_contact(at);
                """))
        }
    }

    /// Covering indexes (issue 15 testers: 12-month reports took 1-2 s at 100,000 patients): each report reads its
    /// rows from one narrow index, never the wide rows (an assessment's words, a concern's label and note, a
    /// patient's details), and the patient's keys from `patient_report_keys`. Checked with EXPLAIN QUERY PLAN
    /// (`ReportSpeedTests`). Plain CREATE INDEX and ANALYZE, as PostgreSQL takes them: the statistics let the planner
    /// choose the patient's and the assessment's narrow indexes over their rows (a 12-month hna 1.8 s without, 1.0 s with).
    static func registerReportSpeedMigration(_ m: inout Migrator) {
        m.registerMigration("v16-report-speed") { db in
            try db.execute(sql: db.dialect.ddl("""
                CREATE INDEX patient_report_keys ON patient(id, team_id, diagnosis_code, diagnosis_date);
                CREATE INDEX hna_offer_report ON hna_offer(date, outcome, offered_role, patient_id, pathway_point, assessment_id);
                CREATE INDEX hna_offer_point ON hna_offer(patient_id, pathway_point, date);
                CREATE INDEX assessment_status ON assessment(id, status);
                CREATE INDEX assessment_report ON assessment(date, status, patient_id, distress_score);
                CREATE INDEX assessment_agreed_report ON assessment(agreed_at, status, version, agreed_role, patient_id) WHERE agreed_at IS NOT NULL;
                CREATE INDEX concern_report ON concern(assessment_id, key, category_id);
                CREATE INDEX concern_key ON concern(key, assessment_id);
                CREATE INDEX concern_category ON concern(category_id, assessment_id);
                CREATE INDEX document_report ON document(template_id, status, date, patient_id, signed_role);
                CREATE INDEX follow_up_result_report ON follow_up_result(recorded_at, needs_review, reviewed_at, patient_id);
                ANALYZE;
                """))
        }
    }

    /// The patient's columns every fact is keyed by, and the team filter.
    static let reportKeyColumns = "p.team_id AS team_id, substr(p.diagnosis_code, 1, 3) AS category"
    static let reportKeyGroup = "p.team_id, substr(p.diagnosis_code, 1, 3)"

    static func teamFilter(_ scope: ReportScope) -> String { scope.teamId.map { " AND p.team_id = \($0)" } ?? "" }

    /// The period as bounds for a date-time column: from the first day's start to before the day after the last.
    static func instantBounds(_ scope: ReportScope) -> StatementArguments { [scope.from.iso, scope.to.adding(days: 1).iso] }

    static func key(_ r: Row, month: String, role: String? = nil) -> ReportKey {
        ReportKey(month: month, teamId: r["team_id"], category: r["category"] ?? "", role: role)
    }

    static func month(_ date: LocalDate) -> String { String(date.iso.prefix(7)) }

    /// Facts keyed and counted in Swift, for the reports whose value the store cannot work out portably (days between dates).
    static func tally(_ items: [(ReportKey, String, Int?, Int)]) -> [ReportFact] {
        var counts: [ReportFact: Int] = [:]
        for (key, measure, value, n) in items { counts[ReportFact(key, measure, value: value, count: 0), default: 0] += n }
        return counts.map { f, n in ReportFact(f.key, f.measure, value: f.value, label: f.label, count: n) }
    }

    public func hnaOfferReportFacts(_ scope: ReportScope) throws -> [ReportFact] {
        try read { db in
            // Dates are ISO text compared as text, so a malformed one ('2025-02-30', '2025-06-01x') falls inside a
            // period's range: those are left out of the counts and counted as `not-a-date`, never put in a month.
            let malformed = try String.fetchAll(db, sql: "SELECT DISTINCT o.date FROM hna_offer o WHERE o.date BETWEEN ? AND ?",
                                                arguments: [scope.from.iso, scope.to.iso]).filter { LocalDate(iso: $0)?.iso != $0 }
            let marks = malformed.map { _ in "?" }.joined(separator: ", ")
            var bad: [ReportFact] = []
            if !malformed.isEmpty {
                let n = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM hna_offer o JOIN patient p ON p.id = o.patient_id WHERE o.date IN (\(marks))\(Self.teamFilter(scope))
                    """, arguments: StatementArguments(malformed)) ?? 0
                if n > 0 { bad.append(ReportFact(ReportKey(month: "", teamId: nil, category: ""), ReportFact.notADate, count: n)) }
            }
            let wellFormed = malformed.isEmpty ? "" : " AND o.date NOT IN (\(marks))"
            // The counted rows are "How offers are counted" (README), with the patient's keys and the assessment's status.
            return bad + (try Row.fetchAll(db, sql: """
                SELECT substr(o.date, 1, 7) AS month, o.offered_role AS role, \(Self.reportKeyColumns), o.outcome AS outcome,
                       CASE WHEN a.status IN ('agreed', 'superseded') THEN 1 ELSE 0 END AS completed, count(*) AS n
                FROM hna_offer o JOIN patient p ON p.id = o.patient_id LEFT JOIN assessment a ON a.id = o.assessment_id
                WHERE o.date BETWEEN ? AND ?\(wellFormed)\(Self.teamFilter(scope))
                  AND NOT (o.outcome = '01' AND EXISTS (SELECT 1 FROM hna_offer l
                           WHERE l.patient_id = o.patient_id AND l.pathway_point = o.pathway_point
                             AND (l.date > o.date OR (l.date = o.date AND l.id > o.id))))
                GROUP BY substr(o.date, 1, 7), o.offered_role, \(Self.reportKeyGroup), o.outcome,
                         CASE WHEN a.status IN ('agreed', 'superseded') THEN 1 ELSE 0 END
                """, arguments: [scope.from.iso, scope.to.iso] + StatementArguments(malformed)).map { r in
                ReportFact(Self.key(r, month: r["month"], role: r["role"]), r["outcome"], value: r["completed"], count: r["n"])
            })
        }
    }

    public func carePlanReportFacts(_ scope: ReportScope) throws -> [ReportFact] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT substr(a.agreed_at, 1, 7) AS month, a.agreed_role AS role, \(Self.reportKeyColumns),
                       CASE WHEN a.version = 1 THEN 'agreed' ELSE 'reviewed' END AS measure, count(*) AS n
                FROM assessment a JOIN patient p ON p.id = a.patient_id
                WHERE a.agreed_at >= ? AND a.agreed_at < ? AND a.status IN ('agreed', 'superseded')\(Self.teamFilter(scope))
                GROUP BY substr(a.agreed_at, 1, 7), a.agreed_role, \(Self.reportKeyGroup), CASE WHEN a.version = 1 THEN 'agreed' ELSE 'reviewed' END
                """, arguments: Self.instantBounds(scope)).map { r in
                ReportFact(Self.key(r, month: r["month"], role: r["role"]), r["measure"], count: r["n"])
            }
        }
    }

    public func firstHNAReportFacts(_ scope: ReportScope) throws -> [ReportFact] {
        try read { db in
            // A patient's first assessment: none not discarded before it (an earlier date, or the same date and an earlier id).
            let rows = try Row.fetchAll(db, sql: """
                SELECT a.date AS first, p.diagnosis_date AS diagnosed, \(Self.reportKeyColumns), count(*) AS n
                FROM assessment a JOIN patient p ON p.id = a.patient_id
                WHERE a.date BETWEEN ? AND ? AND a.status <> 'discarded'\(Self.teamFilter(scope))
                  AND NOT EXISTS (SELECT 1 FROM assessment b WHERE b.patient_id = a.patient_id AND b.status <> 'discarded'
                                  AND (b.date < a.date OR (b.date = a.date AND b.id < a.id)))
                GROUP BY a.date, p.diagnosis_date, \(Self.reportKeyGroup)
                """, arguments: [scope.from.iso, scope.to.iso])
            return Self.tally(rows.compactMap { r in
                guard let first = LocalDate(iso: r["first"]) else { return nil }
                let diagnosed = (r["diagnosed"] as String?).flatMap(LocalDate.init(iso:))
                return (Self.key(r, month: Self.month(first)), "first-hna", diagnosed.map { first.dayNumber - $0.dayNumber }, r["n"])
            })
        }
    }

    public func eotsReportFacts(_ scope: ReportScope) throws -> [ReportFact] {
        try read { db in
            let chosen = """
                FROM document d JOIN patient p ON p.id = d.patient_id
                WHERE d.template_id = '\(EoTSDue.templateId)' AND d.status = 'signed' AND d.date BETWEEN ? AND ?\(Self.teamFilter(scope))
                """
            let bounds: StatementArguments = [scope.from.iso, scope.to.iso]
            let documents = try Row.fetchAll(db, sql: "SELECT d.id, d.date, d.signed_role, \(Self.reportKeyColumns) \(chosen)", arguments: bounds)
            // Each summary's latest treatment end date, from its rows of treatments (values kept as JSON).
            var ended: [Int64: LocalDate] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT document_id, value FROM document_row
                WHERE field = '\(EoTSDue.treatmentsGroup)' AND document_id IN (SELECT d.id \(chosen))
                """, arguments: bounds) {
                if let end = Self.treatmentEnd(r["value"]) {
                    let id: Int64 = r["document_id"]
                    ended[id] = max(ended[id] ?? end, end)
                }
            }
            return Self.tally(documents.compactMap { r in
                guard let written = LocalDate(iso: r["date"]) else { return nil }
                let id: Int64 = r["id"]
                return (Self.key(r, month: Self.month(written), role: r["signed_role"]), "signed", ended[id].map { written.dayNumber - $0.dayNumber }, 1)
            })
        }
    }

    /// A treatment row's end date, found where the store writes it (`"end-date":{"date":{"_0":"2026-01-02"}}`: text
    /// inside a value cannot hold that, its quotes are escaped) rather than decoding every row, which was most of a
    /// 12-month eots report's time; a row written otherwise is decoded.
    static func treatmentEnd(_ json: String) -> LocalDate? {
        let marker = "\"\(EoTSDue.treatmentEndField)\":{\"date\":{\"_0\":\""
        if let found = json.range(of: marker), let end = json.index(found.upperBound, offsetBy: 10, limitedBy: json.endIndex),
           let date = LocalDate(iso: String(json[found.upperBound..<end])) {
            return date
        }
        guard json.contains(EoTSDue.treatmentEndField),
              case .date(let end)? = (try? decode([String: FieldValue].self, json))?[EoTSDue.treatmentEndField] else { return nil }
        return end
    }

    public func qofReportPatients(_ scope: ReportScope, diagnosedFrom: LocalDate) throws -> [QOFReportPatient] {
        try read { db in
            let chosen = "FROM patient p WHERE p.diagnosis_date BETWEEN ? AND ?\(Self.teamFilter(scope))"
            let bounds: StatementArguments = [diagnosedFrom.iso, scope.to.iso]
            let records = Dictionary(grouping: try Row.fetchAll(db, sql: """
                SELECT r.* FROM qof_record r WHERE r.patient_id IN (SELECT p.id \(chosen)) ORDER BY r.date, r.id
                """, arguments: bounds).map(Self.qofRecord), by: \.patientId)
            return try Row.fetchAll(db, sql: "SELECT p.id, p.diagnosis_date, \(Self.reportKeyColumns) \(chosen)", arguments: bounds).map { r in
                let id: Int64 = r["id"]
                let diagnosed = (r["diagnosis_date"] as String?).flatMap(LocalDate.init(iso:))
                return QOFReportPatient(key: Self.key(r, month: diagnosed.map(Self.month) ?? ""), diagnosed: diagnosed, records: records[id] ?? [])
            }
        }
    }

    public func followUpReportFacts(_ scope: ReportScope) throws -> [ReportFact] {
        try read { db in
            let on = "e.start_date <= :to AND (e.discharged_on IS NULL OR e.discharged_on > :to)"
            let args: StatementArguments = ["from": scope.from.iso, "to": scope.to.iso]
            var facts: [ReportFact] = []
            for r in try Row.fetchAll(db, sql: """
                SELECT e.pathway_id AS pathway, \(Self.reportKeyColumns),
                       sum(CASE WHEN \(on) AND e.status <> 'suspended' THEN 1 ELSE 0 END) AS active,
                       sum(CASE WHEN \(on) AND e.status = 'suspended' THEN 1 ELSE 0 END) AS suspended,
                       sum(CASE WHEN e.discharged_on BETWEEN :from AND :to THEN 1 ELSE 0 END) AS discharged
                FROM follow_up_enrolment e JOIN patient p ON p.id = e.patient_id
                WHERE e.start_date <= :to\(Self.teamFilter(scope))
                GROUP BY e.pathway_id, \(Self.reportKeyGroup)
                """, arguments: args) {
                for measure in ["active", "suspended", "discharged"] {
                    facts.append(ReportFact(Self.key(r, month: ""), measure, label: r["pathway"], count: r[measure]))
                }
            }
            for r in try Row.fetchAll(db, sql: """
                SELECT e.pathway_id AS pathway, \(Self.reportKeyColumns), count(*) AS n
                FROM follow_up_test t JOIN follow_up_enrolment e ON e.id = t.enrolment_id JOIN patient p ON p.id = t.patient_id
                WHERE t.status IN ('scheduled', 'requested') AND t.paused = 0 AND t.overdue_from <= :to\(Self.teamFilter(scope))
                GROUP BY e.pathway_id, \(Self.reportKeyGroup)
                """, arguments: args) {
                facts.append(ReportFact(Self.key(r, month: ""), "overdue-tests", label: r["pathway"], count: r["n"]))
            }
            return facts
        }
    }

    public func resultReviewReportFacts(_ scope: ReportScope) throws -> [ReportFact] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT substr(r.recorded_at, 1, 10) AS recorded, substr(r.reviewed_at, 1, 10) AS reviewed, r.needs_review AS needs, \(Self.reportKeyColumns),
                       count(*) AS n
                FROM follow_up_result r JOIN patient p ON p.id = r.patient_id
                WHERE r.recorded_at >= ? AND r.recorded_at < ?\(Self.teamFilter(scope))
                GROUP BY substr(r.recorded_at, 1, 10), substr(r.reviewed_at, 1, 10), r.needs_review, \(Self.reportKeyGroup)
                """, arguments: Self.instantBounds(scope))
            return Self.tally(rows.compactMap { r in
                guard let recorded = LocalDate(iso: r["recorded"]) else { return nil }
                let needs: Bool = r["needs"]
                let reviewed = (r["reviewed"] as String?).flatMap(LocalDate.init(iso:))
                return (Self.key(r, month: Self.month(recorded)), needs ? "review" : "no-review",
                        needs ? reviewed.map { $0.dayNumber - recorded.dayNumber } : nil, r["n"])
            })
        }
    }

    public func reaccessReportFacts(_ scope: ReportScope) throws -> [ReportFact] {
        try read { db in
            // Hours between two instants are not portable SQL: the calls of the period are read (a few per patient a year).
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.at, c.returned_at, c.red_flag, \(Self.reportKeyColumns)
                FROM follow_up_contact c JOIN patient p ON p.id = c.patient_id
                WHERE c.at >= ? AND c.at < ?\(Self.teamFilter(scope))
                """, arguments: Self.instantBounds(scope))
            return Self.tally(rows.map { r in
                let at: Date = r["at"], returned: Date? = r["returned_at"], red: Bool = r["red_flag"]
                let hours = returned.map { Int(($0.timeIntervalSince(at) / 3600).rounded()) }
                return (Self.key(r, month: Self.month(LocalDate(at))), red ? "red-flag" : "call", hours, 1)
            })
        }
    }

    /// Assessments that count once: in progress or agreed (not discarded, not superseded by a later version).
    static let countedAssessment = "a.status IN ('in-progress', 'agreed') AND a.date BETWEEN ? AND ?"

    /// The patient, joined only to keep one team's: these reports have no grouping by the patient.
    static func teamJoin(_ scope: ReportScope) -> String {
        scope.teamId.map { " JOIN patient p ON p.id = a.patient_id AND p.team_id = \($0)" } ?? ""
    }

    /// A concern in the patient's own words (`ConcernEntry.isOwnWords`, or filed under the own-words category).
    /// (A key range rather than LIKE, so an index finds them.)
    static let ownWordsConcern = "((c.key >= 'other-' AND c.key < 'other.') OR c.category_id = '\(ConcernCatalogue.ownWordsCategory)')"

    public func concernReportFacts(_ scope: ReportScope) throws -> [ReportFact] {
        try read { db in
            let bounds: StatementArguments = [scope.from.iso, scope.to.iso]
            let any = ReportKey(month: "", teamId: nil, category: "")
            let assessments = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM assessment a\(Self.teamJoin(scope)) WHERE \(Self.countedAssessment)
                """, arguments: bounds) ?? 0
            // Own words are numbered afresh in every assessment (other-1, other-2): counted together, as the assessments
            // raising any, and never labelled with their words (a patient's free text, which may name them).
            let ownWords = try Int.fetchOne(db, sql: """
                SELECT count(DISTINCT a.id) FROM concern c CROSS JOIN assessment a\(Self.teamJoin(scope))
                WHERE a.id = c.assessment_id AND \(Self.countedAssessment) AND \(Self.ownWordsConcern)
                """, arguments: bounds) ?? 0
            let own = ownWords == 0 ? [] : [ReportFact(any, "concern", label: ConcernCatalogue.ownWordsCategory + "\t" + ConcernCatalogue.ownWordsTitle,
                                                       count: ownWords)]
            return [ReportFact(any, "assessment", count: assessments)] + own + (try Row.fetchAll(db, sql: """
                SELECT g.item, (SELECT l.label FROM concern l WHERE l.key = g.item ORDER BY l.assessment_id DESC LIMIT 1) AS label, g.n
                FROM (SELECT c.key AS item, count(*) AS n
                      FROM assessment a\(Self.teamJoin(scope)) JOIN concern c ON c.assessment_id = a.id
                      WHERE \(Self.countedAssessment) AND NOT \(Self.ownWordsConcern)
                      GROUP BY c.key) g
                """, arguments: bounds).map { r in
                ReportFact(any, "concern", label: (r["item"] as String) + "\t" + (r["label"] as String), count: r["n"])
            })
        }
    }

    public func distressReportFacts(_ scope: ReportScope) throws -> [ReportFact] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT substr(a.date, 1, 7) AS month, a.distress_score AS score, count(*) AS n
                FROM assessment a\(Self.teamJoin(scope))
                WHERE \(Self.countedAssessment)
                GROUP BY substr(a.date, 1, 7), a.distress_score
                """, arguments: [scope.from.iso, scope.to.iso]).map { r in
                ReportFact(ReportKey(month: r["month"], teamId: nil, category: ""), "distress", value: r["score"], count: r["n"])
            }
        }
    }

    public func recordReportRun(_ report: String, scope: ReportScope, format: String, by user: String, now: Date) throws {
        let team = scope.teamId.map { ", team \($0)" } ?? ""
        try write { db in
            try Self.audit(db, user: user, action: "ran report \(report)", detail: "\(scope.from.iso) to \(scope.to.iso)\(team), \(format)", at: now)
        }
    }
}
