import CareplanCore
import Foundation

/// Results loaded from a file, and the follow-up the benchmark and demos seed: each in one transaction.
extension CareStore {
    /// Rows are read and matched outside the write transaction (a snapshot read), so the store's write lock
    /// is held only while the matched rows are inserted: other terminals' saves wait a moment, not the whole
    /// file. The inserts stay one transaction (all or nothing); each checks its test still waits for a result,
    /// since another terminal may have recorded one in between (then the row is rejected as such).
    public func importResults(_ rows: [ResultRow], pathways: [String: Pathway], source: String, today: LocalDate, by user: String, now: Date,
                              progress: (Int) throws -> Void) throws -> ResultsImportReport {
        let who = Self.who(user)
        var planned: [(line: Int, test: ScheduledTest, rule: ReviewRule, result: NewResult)] = []
        var rejections: [ResultsImportReport.Rejection] = []
        try read { db in
            var seen: [String: Int] = [:], claimed: Set<Int64> = [], plannedDays: Set<String> = []
            var enrolledRules: [String: Pathway?] = [:]  // by the hash enrolments keep, read once
            let patientByNumber = try db.cachedStatement(sql: "SELECT id, date_of_birth FROM patient WHERE nhs_number = ?")
            // A suspended patient's results are recorded too (and judged by their rule, as on the screen): they are
            // seen in clinic meanwhile, and a result thrown away there would be lost to the team.
            let activeEnrolments = try db.cachedStatement(sql: "SELECT * FROM follow_up_enrolment WHERE patient_id = ? AND status IN ('active', 'suspended') ORDER BY id")
            // The tests waiting for a result, the one due nearest the day it was taken first (the earlier on a tie),
            // none due long after it: a test taken late is the overdue one, never one of next year's. A test an
            // earlier row of the file has taken is passed over.
            let nearest = try db.cachedStatement(sql: """
                SELECT * FROM follow_up_test WHERE enrolment_id = ? AND code = ? AND status IN ('scheduled', 'requested', 'done') AND due_date <= ?
                ORDER BY abs(\(db.dialect.daysBetween("due_date", "?"))), due_date
                """)
            let recordedThatDay = try db.cachedStatement(sql: "SELECT 1 FROM follow_up_result WHERE enrolment_id = ? AND code = ? AND taken_on = ? LIMIT 1")
            let addedCodes = try db.cachedStatement(sql: "SELECT DISTINCT code, name FROM follow_up_test WHERE enrolment_id = ? AND added = 1")
            for (i, row) in rows.enumerated() {
                try progress(i)
                func reject(_ why: RowRejection) { rejections.append(.init(line: row.line, reason: why)) }
                let checked: ResultsImport.Checked
                // Never after the real today, whatever the test clock says (`requireNotFuture`).
                switch ResultsImport.check(row, today: min(today, LocalDate(now))) {
                case .success(let c): checked = c
                case .failure(let why): reject(why); continue
                }
                guard let found = try Row.fetchOne(patientByNumber, arguments: [checked.nhsNumber.digits]) else { reject(.unknownPatient); continue }
                let patientId: Int64 = found["id"]
                let enrolments = try Row.fetchAll(activeEnrolments, arguments: [patientId]).map(Self.enrolment)
                if enrolments.isEmpty { reject(.notOnFollowUp); continue }
                // The test, by code or name: of the pathway, else one added by hand to this patient's schedule.
                var match: (Enrolment, String, ReviewRule)?
                for e in enrolments where match == nil {
                    // The rules the patient was enrolled under, kept with the enrolment (the file may have changed since).
                    if enrolledRules[e.pathwayHash] == nil { enrolledRules[e.pathwayHash] = try Self.enrolledPathway(db, e) ?? pathways[e.pathwayId] }
                    if let t = enrolledRules[e.pathwayHash]??.test(named: checked.test) { match = (e, t.code, t.review); continue }
                    let key = Pathway.testKey(checked.test)
                    for r in try Row.fetchAll(addedCodes, arguments: [e.id]) where Pathway.testKey(r["code"]) == key || Pathway.testKey(r["name"]) == key {
                        match = (e, r["code"], .clinician)
                    }
                }
                guard let m = match else { reject(.unknownTest(checked.test)); continue }
                let (enrolment, code, rule) = m
                if let problem = FollowUpDates.takenProblem(checked.takenOn, born: LocalDate(iso: found["date_of_birth"])!, enrolment: enrolment, today: today) {
                    reject(problem); continue
                }
                if let problem = ResultsImport.unitProblem(checked.value, rule: rule) { reject(problem); continue }
                let key = "\(checked.nhsNumber.digits)|\(code)|\(checked.takenOn.iso)|\(row.value)|\(row.unit)"
                if let first = seen[key] { reject(.duplicate(firstLine: first)); continue }
                seen[key] = row.line
                let day = "\(enrolment.id)|\(code)|\(checked.takenOn.iso)"
                let already = try Int.fetchOne(recordedThatDay, arguments: [enrolment.id, code, checked.takenOn.iso]) != nil
                if plannedDays.contains(day) || already {
                    reject(.alreadyRecorded); continue
                }
                let candidates = try Row.fetchCursor(nearest, arguments: [enrolment.id, code, checked.takenOn.adding(days: ResultsImport.earliestDays).iso,
                                                                          checked.takenOn.iso]).map(Self.scheduledTest)
                var test: ScheduledTest?
                while test == nil, let t = try candidates.next() { if !claimed.contains(t.id) { test = t } }
                guard let test else { reject(.noTestWaiting(checked.test)); continue }
                claimed.insert(test.id)
                plannedDays.insert(day)
                planned.append((row.line, test, rule, NewResult(value: checked.value, takenOn: checked.takenOn, source: .csv)))
            }
        }
        return try write { db in
            var recorded: [ResultsImportReport.Recorded] = []
            let stillWaiting = try db.cachedStatement(sql: "SELECT * FROM follow_up_test WHERE id = ? AND status IN ('scheduled', 'requested', 'done')")
            let recordedThatDay = try db.cachedStatement(sql: "SELECT 1 FROM follow_up_result WHERE enrolment_id = ? AND code = ? AND taken_on = ? LIMIT 1")
            for p in planned {
                guard let test = try Row.fetchOne(stillWaiting, arguments: [p.test.id]).map(Self.scheduledTest) else {
                    rejections.append(.init(line: p.line, reason: .noTestWaiting(p.test.code))); continue
                }
                if try Int.fetchOne(recordedThatDay, arguments: [test.enrolmentId, test.code, p.result.takenOn.iso]) != nil {
                    rejections.append(.init(line: p.line, reason: .alreadyRecorded)); continue
                }
                let result = try Self.insertResult(db, test: test, rule: p.rule, p.result, by: who, now: now)
                recorded.append(.init(line: p.line, resultId: result.id, needsReview: result.needsReview))
            }
            try progress(rows.count)
            // The file's name may name a patient: only counts here.
            try Self.audit(db, user: who, action: "loaded results from a file",
                           detail: "\(rows.count) row(s): \(recorded.count) recorded, \(rejections.count) rejected"
                               + (today == LocalDate(now) ? "" : ", today taken as \(today.iso) (test clock)"), at: now)
            return ResultsImportReport(recorded: recorded, rejections: rejections.sorted { $0.line < $1.line })
        }
    }

    public func addFictionalFollowUp(pathways: [Pathway], today: LocalDate, by user: String, now: Date) throws -> (patients: Int, tests: Int) {
        guard !pathways.isEmpty else { return (0, 0) }
        return try write { db in
            let who = Self.who(user)
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM patient WHERE id NOT IN (SELECT patient_id FROM follow_up_enrolment) ORDER BY id")
            let insertEnrolment = try db.cachedStatement(sql: """
                INSERT INTO follow_up_enrolment (patient_id, pathway_id, pathway_version, pathway_hash, start_date, end_date, status, enrolled_by, enrolled_at)
                VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?)
                """)
            let insertTest = try db.cachedStatement(sql: """
                INSERT INTO follow_up_test (enrolment_id, patient_id, code, name, due_date, grace_days, overdue_from, status, status_date)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let insertResult = try db.cachedStatement(sql: """
                INSERT INTO follow_up_result (test_id, enrolment_id, patient_id, code, value, unit, judgement, taken_on, source, needs_review, recorded_by, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'manual', ?, ?, ?)
                """)
            let insertContact = try db.cachedStatement(sql: """
                INSERT INTO follow_up_contact (patient_id, enrolment_id, at, reason, red_flag, recorded_by, recorded_at, response, returned_at, returned_by)
                VALUES (?, ?, ?, 'worried about a new symptom', ?, ?, ?, ?, ?, ?)
                """)
            var tests = 0
            let firstIds = try [AuditedTable.enrolment, .test, .result, .contact].map { t in (t, try Self.nextId(db, t)) }
            for (k, patientId) in ids.enumerated() {
                let p = pathways[k % pathways.count]
                // Starts spread over the whole follow-up before today (a patient a day, in a deterministic order).
                let span = max(1, today.dayNumber - today.adding(months: -p.lengthMonths).dayNumber)
                let start = today.adding(days: -((k &* 7919) % span))
                try insertEnrolment.execute(arguments: [patientId, p.id, p.version, p.contentHash, start.iso, p.endDate(from: start).iso, who, now])
                let enrolmentId = try db.lastInsertedRowID
                for t in p.schedule(from: start) {
                    // Done and resulted a month after falling due; a few (1 in 50) still open and so overdue.
                    let resulted = t.due < today.adding(days: -30) && (k + tests) % 50 != 0
                    try insertTest.execute(arguments: [enrolmentId, patientId, t.code, t.name, t.due.iso, t.graceDays,
                                                       Overdue.from(due: t.due, graceDays: t.graceDays).iso,
                                                       resulted ? TestStatus.resultReceived.rawValue : TestStatus.scheduled.rawValue, resulted ? t.due.iso : nil])
                    let testId = try db.lastInsertedRowID
                    if resulted {
                        let rule = p.test(t.code)?.review ?? .clinician
                        let value: Double? = rule.unit == nil ? nil : 1
                        try insertResult.execute(arguments: [testId, enrolmentId, patientId, t.code, value, rule.unit ?? "", value == nil ? "normal" : nil, t.due.iso,
                                                             (k + tests) % 997 == 0, who, now])
                    }
                    tests += 1
                }
                if k % 100 == 0 {
                    let at = now.addingTimeInterval(-Double(k % 7) * 3600 * 9)
                    let returned = k % 300 != 0
                    try insertContact.execute(arguments: [patientId, enrolmentId, at, k % 500 == 0, who, now, returned ? ContactResponse.advice.rawValue : nil,
                                                          returned ? at.addingTimeInterval(3600) : nil, returned ? who : ""])
                }
            }
            // Fictional records by the hundred thousand: their id ranges, not their digests, in the entry.
            let ranges = try firstIds.compactMap { t, first in try Self.seededRange(db, t, from: first) }
            try Self.audit(db, user: who, action: "seeded", detail: "\(ids.count) fictional patients on follow-up, \(tests) tests"
                               + (ranges.isEmpty ? "" : Self.seededMark + ranges.joined(separator: ", ")), at: now)
            return (ids.count, tests)
        }
    }
}
