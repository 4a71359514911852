import CareplanCore
import Foundation

/// The worklist: each kind of work is read through an index that holds only what waits to be done (open
/// tests by due date, results not reviewed, calls not returned...), so it takes the same time with a
/// million tests done as with none. `worklistQueryPlans` lets a test hold it to that.
extension CareStore {
    /// One kind's reading: a count (every item, and how many overdue), and the most urgent `limit` items.
    struct WorkQuery {
        var kind: WorkKind
        /// `SELECT count(*), <overdue count>` over the kind's rows.
        var count: String
        /// Rows with `patient_id`, `due` (ISO date), `overdue` (0/1), `red_flag`, `target_id`, `target_extra`, `what`.
        var items: String
        var arguments: StatementArguments
        /// A kind counted twice over the same rows: tests overdue and due this week come from one reading.
        var split: Bool = false
    }

    /// ` AND p.team_id IN (...)`: whole numbers, from the store's own team ids.
    static func teamFilter(_ teams: Set<Int64>?) -> (join: String, filter: String) {
        guard let teams else { return ("", "") }
        return (" JOIN patient p ON p.id = x.patient_id", " AND p.team_id IN (\(sqlIdList(teams)))")
    }

    static func workQueries(_ q: WorklistQuery) -> [WorkQuery] {
        let (join, team) = teamFilter(q.teams)
        let today = q.today.iso, soon = q.dueSoonUntil.iso
        let f = q.policy.followUp
        let returnBy = TimeInterval(f.reaccessReturnHours * 3600), reviewBy = TimeInterval(f.resultReviewDays * 86400)
        let openSince = q.now.addingTimeInterval(-TimeInterval(f.carePlanOpenDays * 86400))
        var list: [WorkQuery] = []
        func add(_ kind: WorkKind, from: String, where cond: String, overdue: String, select: String, order: String, _ args: StatementArguments,
                 split: Bool = false) {
            let base = "FROM \(from)\(join) WHERE \(cond)\(team)"
            list.append(WorkQuery(kind: kind, count: "SELECT count(*), coalesce(sum(CASE WHEN \(overdue) THEN 1 ELSE 0 END), 0) \(base)",
                                  items: "SELECT x.patient_id AS patient_id, \(select), (\(overdue)) AS overdue \(base) ORDER BY \(order) LIMIT \(max(0, q.limit))",
                                  arguments: args, split: split))
        }
        // Calls: overdue `reaccess-return-hours` after the call. Dates in the store are UTC text: compared as stored.
        let callDeadline = q.now.addingTimeInterval(-returnBy)
        add(.contactToReturn, from: "follow_up_contact x", where: "x.returned_at IS NULL", overdue: "x.at <= :callDeadline",
            select: "x.at AS at, x.red_flag AS red_flag, x.id AS target_id, x.enrolment_id AS target_extra, '' AS what", order: "x.red_flag DESC, x.at",
            ["callDeadline": callDeadline])
        add(.resultToReview, from: "follow_up_result x", where: "x.needs_review = 1 AND x.review_outcome IS NULL", overdue: "x.recorded_at <= :reviewDeadline",
            select: "x.recorded_at AS at, 0 AS red_flag, x.id AS target_id, x.enrolment_id AS target_extra, x.code AS what", order: "x.recorded_at",
            ["reviewDeadline": q.now.addingTimeInterval(-reviewBy)])
        // Open tests due by the end of the week, but a suspended patient's (seen in clinic meanwhile: `paused`).
        add(.testOverdue, from: "follow_up_test x",
            where: "x.status IN ('scheduled', 'requested') AND x.paused = 0 AND x.due_date <= :soon", overdue: "x.overdue_from <= :today",
            select: "x.due_date AS due, 0 AS red_flag, x.id AS target_id, x.enrolment_id AS target_extra, x.name AS what", order: "x.due_date",
            ["soon": soon, "today": today], split: true)
        add(.dischargeDue, from: "follow_up_enrolment x", where: "x.status = 'active' AND x.end_date <= :soon", overdue: "x.end_date < :today",
            select: "x.end_date AS due, 0 AS red_flag, x.id AS target_id, NULL AS target_extra, x.pathway_id AS what", order: "x.end_date",
            ["soon": soon, "today": today])
        // Suspended (seen in clinic): listed from the day of suspension, overdue `suspended-review-days` after,
        // with how many of their tests are overdue meanwhile (their tests leave the lists above while paused).
        let suspendedAt = "(SELECT max(c.changed_at) FROM follow_up_change c WHERE c.enrolment_id = x.id AND c.kind = 'suspended')"
        let overdueTests = "(SELECT count(*) FROM follow_up_test t WHERE t.enrolment_id = x.id AND t.status IN ('scheduled', 'requested') AND t.overdue_from <= :today)"
        add(.followUpSuspended, from: "follow_up_enrolment x", where: "x.status = 'suspended'", overdue: "\(suspendedAt) <= :suspendedBefore",
            select: "\(suspendedAt) AS at, 0 AS red_flag, x.id AS target_id, NULL AS target_extra, CAST(\(overdueTests) AS TEXT) AS what", order: "at NULLS FIRST",
            ["suspendedBefore": q.now.addingTimeInterval(-TimeInterval(f.suspendedReviewDays * 86400)), "today": today])
        add(.selfAssessmentWaiting, from: "assessment x", where: "x.submitted_at IS NOT NULL AND x.status = 'in-progress'", overdue: "false",
            select: "x.submitted_at AS at, 0 AS red_flag, x.id AS target_id, NULL AS target_extra, '' AS what", order: "x.submitted_at", [:])
        // Kiosk self-assessments offered (a code issued) and not sent: overdue once no code is left to use.
        let kiosk = "x.completed_by = 'patient' AND EXISTS (SELECT 1 FROM kiosk_code k WHERE k.assessment_id = x.id)"
        add(.hnaNotDone, from: "assessment x", where: "x.status = 'in-progress' AND x.submitted_at IS NULL AND \(kiosk)",
            overdue: "NOT EXISTS (SELECT 1 FROM kiosk_code k WHERE k.assessment_id = x.id AND k.used_at IS NULL AND k.expires_at > :now)",
            select: "x.created_at AS at, 0 AS red_flag, x.id AS target_id, NULL AS target_extra, '' AS what", order: "x.created_at", ["now": q.now])
        add(.carePlanInProgress, from: "assessment x", where: "x.status = 'in-progress' AND x.created_at <= :openSince AND x.submitted_at IS NULL AND NOT (\(kiosk))",
            overdue: "true", select: "x.created_at AS at, 0 AS red_flag, x.id AS target_id, NULL AS target_extra, '' AS what", order: "x.created_at",
            ["openSince": openSince])
        add(.planReviewDue, from: "assessment x", where: "x.status = 'agreed' AND x.review_date IS NOT NULL AND x.review_date <= :soon",
            overdue: "x.review_date < :today", select: "x.review_date AS due, 0 AS red_flag, x.id AS target_id, NULL AS target_extra, '' AS what",
            order: "x.review_date", ["soon": soon, "today": today])
        return list.filter { q.kinds.contains($0.kind) || ($0.split && q.kinds.contains(.testDueSoon)) }
    }

    /// The engine's plan of every query the worklist runs, one line per step (for tests: no scan of a big table).
    public func worklistQueryPlans(_ q: WorklistQuery) throws -> [String] {
        try mappingFailures(StoreError.cannotOpen) {
            var lines: [String] = []
            for w in Self.workQueries(q) {
                for sql in [w.count, w.items] { lines += try engine.queryPlan(sql, w.arguments).map { "\(w.kind.rawValue): \($0)" } }
            }
            return lines + (try engine.queryPlan(Self.eotsCandidates(q.teams), [])).map { "eots-due: \($0)" }
        }
    }

    /// Patients with a draft End of Treatment Summary: where "EoTS due" can be (`EoTSDue`).
    static func eotsCandidates(_ teams: Set<Int64>?) -> String {
        let (join, team) = teamFilter(teams)
        return "SELECT DISTINCT x.patient_id FROM document x\(join) WHERE x.template_id = 'eots' AND x.status = 'draft'\(team)"
    }

    public func worklist(_ q: WorklistQuery) throws -> Worklist {
        var pending: [(kind: WorkKind, patientId: Int64, item: (Patient) -> WorkItem)] = []
        var counts: [WorkKind: Int] = [:], overdue: [WorkKind: Int] = [:]
        try read { db in
            for w in Self.workQueries(q) {
                let c = try Row.fetchOne(db, sql: w.count, arguments: w.arguments)!
                let (all, late): (Int, Int) = (c[0], c[1])
                if w.split {
                    counts[.testOverdue] = late; overdue[.testOverdue] = late
                    counts[.testDueSoon] = all - late; overdue[.testDueSoon] = 0
                } else {
                    counts[w.kind] = all; overdue[w.kind] = late
                }
                for r in try Row.fetchAll(db, sql: w.items, arguments: w.arguments) {
                    let late: Bool = r["overdue"]
                    let kind = w.split ? (late ? WorkKind.testOverdue : .testDueSoon) : w.kind
                    guard q.kinds.contains(kind) else { continue }
                    let due: LocalDate = (r["due"] as String?).flatMap(LocalDate.init(iso:)) ?? Self.dueDate(kind, at: r["at"], q)
                    let id: Int64 = r["target_id"], extra: Int64? = r["target_extra"]
                    var what: String = r["what"]
                    if kind == .followUpSuspended {
                        let at: Date? = r["at"], late = Int(what) ?? 0
                        what = "resume or discharge? Suspended " + (at.map { LocalDate($0).display } ?? "") + (late > 0 ? ", \(late) test(s) overdue" : "")
                    }
                    let target: WorkTarget
                    switch kind {
                    case .contactToReturn: target = .contact(id, enrolmentId: extra)
                    case .resultToReview: target = .result(id, enrolmentId: extra!)
                    case .testOverdue, .testDueSoon: target = .test(id, enrolmentId: extra!)
                    case .dischargeDue, .followUpSuspended: target = .enrolment(id)
                    default: target = .assessment(id)
                    }
                    let redFlag: Bool = r["red_flag"]
                    pending.append((kind, r["patient_id"], { WorkItem(kind: kind, patient: $0, due: due, overdue: late, redFlag: redFlag, target: target, what: what) }))
                }
            }
            if q.kinds.contains(.eotsDue) {
                var n = 0, late = 0
                for patientId in try Int64.fetchAll(db, sql: Self.eotsCandidates(q.teams)) {
                    let ids = try Int64.fetchAll(db, sql: "SELECT id FROM document WHERE patient_id = ? AND template_id = 'eots'", arguments: [patientId])
                    let documents = try ids.compactMap { try Self.document(db, id: $0) }
                    let ended = EoTSDue.treatmentEnded(documents: documents, assessments: try Self.assessmentSummaries(db, patientId: patientId, limit: 50).map(\.0))
                    let summaries = documents.map { d in
                        DocumentSummary(id: d.id, patientId: d.patientId, templateId: d.templateId, title: d.title, status: d.status, version: d.version,
                                        date: d.date, updatedAt: d.updatedAt, signedAt: d.signedAt)
                    }
                    guard let due = EoTSDue.check(treatmentEnded: ended, documents: summaries, today: q.today, policy: q.policy) else { continue }
                    n += 1
                    if due.overdue { late += 1 }
                    let draft = documents.filter { $0.status == .draft }.map(\.id).max()
                    pending.append((.eotsDue, patientId, { WorkItem(kind: .eotsDue, patient: $0, due: due.dueBy, overdue: due.overdue, target: .document(draft)) }))
                }
                counts[.eotsDue] = n
                overdue[.eotsDue] = late
            }
        }
        var items: [WorkItem] = []
        if let rules = q.careReviews, q.kinds.contains(.careReviewDue) {
            let view = try qofPracticeView(rules: rules, today: q.today, teams: q.teams, limit: q.limit)
            for e in view.entries {
                switch e.status.state {
                case .due(let deadline), .missed(let deadline):
                    var late = false
                    if case .missed = e.status.state { late = true }
                    items.append(WorkItem(kind: .careReviewDue, patient: e.patient, due: deadline, overdue: late,
                                          target: .careReview(indicatorId: e.status.indicatorId), what: e.status.indicatorId))
                default: continue
                }
            }
            counts[.careReviewDue] = view.counts.values.reduce(0) { $0 + $1.due + $1.missed }
            overdue[.careReviewDue] = view.counts.values.reduce(0) { $0 + $1.missed }
        }
        let patients = try patients(ids: Set(pending.map(\.patientId)))
        items += pending.compactMap { p in patients[p.patientId].map(p.item) }
        items.sort(by: Worklist.urgentFirst)
        for k in q.kinds where counts[k] == nil { counts[k] = 0; overdue[k] = 0 }
        return Worklist(items: Array(items.prefix(max(0, q.limit))), counts: counts.filter { q.kinds.contains($0.key) },
                        overdueCounts: overdue.filter { q.kinds.contains($0.key) })
    }

    /// The day by which an item read with a time is due: a call `reaccess-return-hours` after it, a result
    /// `result-review-days` after it was recorded, a care plan `care-plan-open-days` after it was started.
    static func dueDate(_ kind: WorkKind, at: Date?, _ q: WorklistQuery) -> LocalDate {
        let at = at ?? q.now
        let f = q.policy.followUp
        switch kind {
        case .contactToReturn: return LocalDate(at.addingTimeInterval(TimeInterval(f.reaccessReturnHours * 3600)))
        case .resultToReview: return LocalDate(at).adding(days: f.resultReviewDays)
        case .carePlanInProgress: return LocalDate(at).adding(days: f.carePlanOpenDays)
        case .followUpSuspended: return LocalDate(at).adding(days: f.suspendedReviewDays)
        default: return LocalDate(at)
        }
    }

    /// How many tests are scheduled in all (the benchmark's figure).
    public func followUpTestCount() throws -> Int { try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM follow_up_test") ?? 0 } }

    func patients(ids: Set<Int64>) throws -> [Int64: Patient] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var found: [Int64: Patient] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT * FROM patient WHERE id IN (\(sqlIdList(ids)))") {
                let p = Self.patient(r)
                found[p.id!] = p
            }
            return found
        }
    }
}
