import CareplanCore
import Foundation

/// Stratified follow-up (schema step v13-followup): enrolments on pathways, their scheduled tests and every
/// change to them, results and their review, patients' calls, and the indexes the worklist reads through.
extension CareStore {
    static func registerFollowUpMigration(_ m: inout Migrator) {
        m.registerMigration("v13-followup") { db in
            // Statuses are written as literals in the partial indexes and in the queries that use them: SQLite
            // uses a partial index only for a query whose WHERE holds the index's own terms.
            try db.execute(sql: db.dialect.ddl("""
                CREATE TABLE follow_up_enrolment (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    patient_id INTEGER NOT NULL REFERENCES patient(id),
                    pathway_id TEXT NOT NULL,
                    pathway_version TEXT NOT NULL,
                    pathway_hash TEXT NOT NULL,
                    start_date TEXT NOT NULL,
                    end_date TEXT NOT NULL,
                    document_id INTEGER REFERENCES document(id),
                    status TEXT NOT NULL,
                    status_reason TEXT NOT NULL DEFAULT '',
                    discharged_on TEXT,
                    enrolled_by TEXT NOT NULL,
                    enrolled_at DATETIME NOT NULL
                );
                CREATE INDEX follow_up_enrolment_patient ON follow_up_enrolment(patient_id, id);
                CREATE UNIQUE INDEX follow_up_enrolment_open ON follow_up_enrolment(patient_id, pathway_id) WHERE status != 'discharged';
                CREATE INDEX follow_up_enrolment_ending ON follow_up_enrolment(end_date) WHERE status = 'active';
                CREATE TABLE follow_up_test (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    enrolment_id INTEGER NOT NULL REFERENCES follow_up_enrolment(id),
                    patient_id INTEGER NOT NULL REFERENCES patient(id),
                    code TEXT NOT NULL,
                    name TEXT NOT NULL,
                    due_date TEXT NOT NULL,
                    grace_days INTEGER NOT NULL,
                    overdue_from TEXT NOT NULL,
                    status TEXT NOT NULL,
                    status_date TEXT,
                    skip_reason TEXT NOT NULL DEFAULT '',
                    added INTEGER NOT NULL DEFAULT 0,
                    paused INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX follow_up_test_enrolment ON follow_up_test(enrolment_id, code, due_date);
                -- Open tests of enrolments not suspended (`paused` while suspended), by due date, with the day each is
                -- overdue from: the worklist counts them from the index alone (its own WHERE columns in it too, or SQLite reads the rows).
                CREATE INDEX follow_up_test_open ON follow_up_test(due_date, overdue_from, status, paused) WHERE status IN ('scheduled', 'requested') AND paused = 0;
                CREATE TABLE follow_up_change (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    enrolment_id INTEGER NOT NULL REFERENCES follow_up_enrolment(id),
                    test_id INTEGER REFERENCES follow_up_test(id),
                    kind TEXT NOT NULL,
                    from_date TEXT,
                    to_date TEXT,
                    reason TEXT NOT NULL DEFAULT '',
                    changed_by TEXT NOT NULL,
                    changed_at DATETIME NOT NULL
                );
                CREATE INDEX follow_up_change_enrolment ON follow_up_change(enrolment_id, id);
                CREATE TABLE follow_up_result (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    test_id INTEGER NOT NULL REFERENCES follow_up_test(id),
                    enrolment_id INTEGER NOT NULL REFERENCES follow_up_enrolment(id),
                    patient_id INTEGER NOT NULL REFERENCES patient(id),
                    code TEXT NOT NULL,
                    value REAL,
                    unit TEXT NOT NULL DEFAULT '',
                    judgement TEXT,
                    taken_on TEXT NOT NULL,
                    note TEXT NOT NULL DEFAULT '',
                    source TEXT NOT NULL,
                    needs_review INTEGER NOT NULL,
                    recorded_by TEXT NOT NULL,
                    recorded_at DATETIME NOT NULL,
                    review_outcome TEXT,
                    review_note TEXT NOT NULL DEFAULT '',
                    reviewed_by TEXT NOT NULL DEFAULT '',
                    reviewed_at DATETIME
                );
                CREATE INDEX follow_up_result_enrolment ON follow_up_result(enrolment_id, code, taken_on);
                CREATE INDEX follow_up_result_to_review ON follow_up_result(recorded_at) WHERE needs_review = 1 AND review_outcome IS NULL;
                CREATE TABLE follow_up_contact (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    patient_id INTEGER NOT NULL REFERENCES patient(id),
                    enrolment_id INTEGER REFERENCES follow_up_enrolment(id),
                    at DATETIME NOT NULL,
                    reason TEXT NOT NULL,
                    red_flag INTEGER NOT NULL,
                    recorded_by TEXT NOT NULL,
                    recorded_at DATETIME NOT NULL,
                    response TEXT,
                    response_note TEXT NOT NULL DEFAULT '',
                    returned_at DATETIME,
                    returned_by TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX follow_up_contact_patient ON follow_up_contact(patient_id, at);
                CREATE INDEX follow_up_contact_open ON follow_up_contact(at) WHERE returned_at IS NULL;
                -- What the worklist reads of the rest of the store: only what waits to be done.
                CREATE INDEX assessment_open ON assessment(created_at, completed_by, submitted_at) WHERE status = 'in-progress';
                CREATE INDEX assessment_review_due ON assessment(review_date) WHERE status = 'agreed' AND review_date IS NOT NULL;
                CREATE INDEX document_eots_draft ON document(patient_id) WHERE template_id = 'eots' AND status = 'draft';
                CREATE INDEX kiosk_code_assessment ON kiosk_code(assessment_id);
                """))
        }
    }

    // MARK: Rows

    static func enrolment(_ r: Row) -> Enrolment {
        Enrolment(id: r["id"], patientId: r["patient_id"], pathwayId: r["pathway_id"], pathwayVersion: r["pathway_version"], pathwayHash: r["pathway_hash"],
                  start: LocalDate(iso: r["start_date"])!, end: LocalDate(iso: r["end_date"])!, documentId: r["document_id"],
                  status: EnrolmentStatus(rawValue: r["status"]) ?? .active, statusReason: r["status_reason"],
                  dischargedOn: (r["discharged_on"] as String?).flatMap(LocalDate.init(iso:)), enrolledBy: r["enrolled_by"], enrolledAt: r["enrolled_at"])
    }

    static func scheduledTest(_ r: Row) -> ScheduledTest {
        ScheduledTest(id: r["id"], enrolmentId: r["enrolment_id"], patientId: r["patient_id"], code: r["code"], name: r["name"],
                      due: LocalDate(iso: r["due_date"])!, graceDays: r["grace_days"], status: TestStatus(rawValue: r["status"]) ?? .scheduled,
                      statusDate: (r["status_date"] as String?).flatMap(LocalDate.init(iso:)), skipReason: r["skip_reason"], added: r["added"])
    }

    static func testResult(_ r: Row) -> TestResult {
        let value: ResultValue
        if let v: Double = r["value"] {
            value = (r["qualifier"] as String?).flatMap(MeasureLimit.init(rawValue:)).map { .beyond($0, v, unit: r["unit"]) } ?? .measured(v, unit: r["unit"])
        }
        else { value = .judged(ResultJudgement(rawValue: r["judgement"] ?? "") ?? .needsReview) }
        let review = (r["review_outcome"] as String?).flatMap(ReviewOutcome.init(rawValue:)).map {
            TestResult.Review(outcome: $0, note: r["review_note"], by: r["reviewed_by"], at: r["reviewed_at"])
        }
        return TestResult(id: r["id"], testId: r["test_id"], enrolmentId: r["enrolment_id"], patientId: r["patient_id"], code: r["code"], value: value,
                          takenOn: LocalDate(iso: r["taken_on"])!, note: r["note"], source: ResultSource(rawValue: r["source"]) ?? .manual,
                          needsReview: r["needs_review"], recordedBy: r["recorded_by"], recordedAt: r["recorded_at"], review: review)
    }

    static func contact(_ r: Row) -> Contact {
        Contact(id: r["id"], patientId: r["patient_id"], enrolmentId: r["enrolment_id"], at: r["at"], reason: r["reason"], redFlag: r["red_flag"],
                recordedBy: r["recorded_by"], response: (r["response"] as String?).flatMap(ContactResponse.init(rawValue:)),
                responseNote: r["response_note"], returnedAt: r["returned_at"], returnedBy: r["returned_by"],
                broughtForward: (r["brought_forward_test_id"] as Int64?).flatMap { id in
                    (r["brought_forward_to"] as String?).flatMap(LocalDate.init(iso:)).map { BroughtForward(testId: id, to: $0) }
                })
    }

    static func enrolment(_ db: Database, _ id: Int64) throws -> Enrolment {
        guard let e = try Row.fetchOne(db, sql: "SELECT * FROM follow_up_enrolment WHERE id = ?", arguments: [id]).map(enrolment) else {
            throw StoreError.notFound("The follow-up enrolment")
        }
        return e
    }

    static func patient(_ db: Database, _ id: Int64) throws -> Patient {
        guard let p = try Row.fetchOne(db, sql: "SELECT * FROM patient WHERE id = ?", arguments: [id]).map(patient) else { throw StoreError.notFound("The patient") }
        return p
    }

    static func scheduledTest(_ db: Database, _ id: Int64) throws -> ScheduledTest {
        guard let t = try Row.fetchOne(db, sql: "SELECT * FROM follow_up_test WHERE id = ?", arguments: [id]).map(scheduledTest) else {
            throw StoreError.notFound("The test")
        }
        return t
    }

    /// Keeps the change in the enrolment's history; returns its id, for the audit entry's digests.
    @discardableResult
    static func history(_ db: Database, enrolmentId: Int64, testId: Int64?, _ kind: FollowUpChange.Kind, from: LocalDate? = nil, to: LocalDate? = nil,
                        reason: String = "", by who: String, at now: Date) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO follow_up_change (enrolment_id, test_id, kind, from_date, to_date, reason, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [enrolmentId, testId, kind.rawValue, from?.iso, to?.iso, reason, who, now])
        return try db.lastInsertedRowID
    }

    /// The digests of the enrolment's tests, for an entry whose write changed them all.
    static func testRecords(_ db: Database, enrolmentId: Int64, _ filter: String = "") throws -> [(AuditedTable, Int64)] {
        try Int64.fetchAll(db, sql: "SELECT id FROM follow_up_test WHERE enrolment_id = ?\(filter) ORDER BY id", arguments: [enrolmentId]).map { (.test, $0) }
    }

    static func who(_ user: String) -> String { TextCleaner.field(user, maxLength: Limits.personName) }
    /// A note typed with a result, a review or a call's return: cleaned, at most `Limits.note` characters.
    static func note(_ text: String) -> String { TextCleaner.multiLine(String(text.prefix(Limits.note))) }

    /// A reason a person must give (a skip, a move, a suspension): cleaned, and refused when empty.
    static func reason(_ text: String, _ what: String) throws -> String {
        let cleaned = TextCleaner.field(text, maxLength: Limits.actionText)
        if cleaned.isEmpty { throw StoreError.refused("Say why \(what)") }
        return cleaned
    }

    static func insertTest(_ db: Database, enrolmentId: Int64, patientId: Int64, code: String, name: String, due: LocalDate, graceDays: Int,
                           added: Bool, paused: Bool = false) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO follow_up_test (enrolment_id, patient_id, code, name, due_date, grace_days, overdue_from, status, added, paused)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)
            """, arguments: [enrolmentId, patientId, code, name, due.iso, graceDays, Overdue.from(due: due, graceDays: graceDays).iso, added, paused])
        return try db.lastInsertedRowID
    }

    // MARK: Enrolments and the schedule

    public func enrol(patientId: Int64, pathway: Pathway, start: LocalDate, fromDocument: Int64?, otherDiagnosis: Bool, by user: String, now: Date) throws -> Enrolment {
        try write { db in
            let patient = try Self.patient(db, patientId)
            try Self.requireOwn(db, table: "document", id: fromDocument, patientId: patientId, "The patient's document")
            if let problem = FollowUpDates.startProblem(start, patient: patient, today: LocalDate(now)) { throw StoreError.refused(problem) }
            if !otherDiagnosis && !pathway.isFor(diagnosisCode: patient.diagnosisCode, diagnosis: patient.diagnosis) {
                let diagnosis = [patient.diagnosisCode, patient.diagnosis].filter { !$0.isEmpty }.joined(separator: " ")
                throw StoreError.refused("\(pathway.title) is for \(pathway.tumourSite) cancer"
                                         + (pathway.diagnoses.isEmpty ? "" : " (\(pathway.diagnoses.joined(separator: ", ")))")
                                         + ", and the patient's diagnosis is \(diagnosis): put them on it only if that is meant")
            }
            if let since = try String.fetchOne(db, sql: """
                SELECT start_date FROM follow_up_enrolment WHERE patient_id = ? AND pathway_id = ? AND status != 'discharged'
                """, arguments: [patientId, pathway.id]) {
                throw StoreError.refused("The patient is already on this pathway (since \(LocalDate(iso: since)?.display ?? since))")
            }
            let who = Self.who(user)
            try db.execute(sql: """
                INSERT INTO follow_up_enrolment (patient_id, pathway_id, pathway_version, pathway_hash, start_date, end_date, document_id, status,
                                                 enrolled_by, enrolled_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)
                """, arguments: [patientId, pathway.id, pathway.version, pathway.contentHash, start.iso, pathway.endDate(from: start).iso, fromDocument, who, now])
            let id = try db.lastInsertedRowID
            let kept = try Self.keepPathway(db, pathway, now: now)
            let planned = pathway.schedule(from: start)
            guard planned.count <= Pathway.mostTestsPerEnrolment else {
                throw StoreError.refused("The pathway schedules \(planned.count) tests: at most \(Pathway.mostTestsPerEnrolment); check its file")
            }
            for t in planned {
                _ = try Self.insertTest(db, enrolmentId: id, patientId: patientId, code: t.code, name: t.name, due: t.due, graceDays: t.graceDays, added: false)
            }
            let change = try Self.history(db, enrolmentId: id, testId: nil, .enrolled, to: start, by: who, at: now)
            try Self.audit(db, user: who, action: "put on a follow-up pathway", patientId: patientId,
                           detail: "enrolment \(id): \(pathway.id) \(pathway.version), \(planned.count) tests" + (fromDocument.map { ", from document \($0)" } ?? "")
                               + Self.contentNote(db, [(.enrolment, id)] + Self.testRecords(db, enrolmentId: id) + [(.change, change)] + kept),
                           at: now)
            return try Self.enrolment(db, id)
        }
    }

    public func enrolments(patientId: Int64) throws -> [Enrolment] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM follow_up_enrolment WHERE patient_id = ? ORDER BY id DESC", arguments: [patientId]).map(Self.enrolment)
        }
    }

    public func enrolment(id: Int64) throws -> Enrolment? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM follow_up_enrolment WHERE id = ?", arguments: [id]).map(Self.enrolment) }
    }

    public func scheduledTests(enrolmentId: Int64) throws -> [ScheduledTest] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM follow_up_test WHERE enrolment_id = ? ORDER BY due_date, id", arguments: [enrolmentId]).map(Self.scheduledTest)
        }
    }

    /// The enrolment, refused once discharged; and the test, which must be the enrolment's and still open.
    static func openTest(_ db: Database, _ testId: Int64, enrolmentId: Int64) throws -> (Enrolment, ScheduledTest) {
        let e = try enrolment(db, enrolmentId)
        if e.status == .discharged { throw StoreError.refused("The patient was discharged from this pathway: the schedule is closed") }
        let t = try scheduledTest(db, testId)
        guard t.enrolmentId == enrolmentId else { throw StoreError.notFound("The test") }
        guard t.status.isOpen else { throw StoreError.refused("This test is \(t.status.rawValue.replacingOccurrences(of: "-", with: " ")): it cannot be changed") }
        return (e, t)
    }

    public func changeSchedule(_ change: ScheduleChange, enrolmentId: Int64, by user: String, now: Date) throws -> ScheduledTest {
        try write { db in
            let who = Self.who(user)
            let testId: Int64, action: String, changeId: Int64
            switch change {
            case .move(let id, let to, let why):
                let reason = try Self.reason(why, "the test is moved")
                let (e, t) = try Self.openTest(db, id, enrolmentId: enrolmentId)
                if let problem = FollowUpDates.moveProblem(to, enrolment: e, graceDays: t.graceDays) { throw StoreError.refused(problem) }
                try db.execute(sql: "UPDATE follow_up_test SET due_date = ?, overdue_from = ? WHERE id = ?",
                               arguments: [to.iso, Overdue.from(due: to, graceDays: t.graceDays).iso, id])
                changeId = try Self.history(db, enrolmentId: enrolmentId, testId: id, .moved, from: t.due, to: to, reason: reason, by: who, at: now)
                (testId, action) = (id, "moved a follow-up test")
            case .add(let code, let name, let due, let grace, let why):
                let reason = try Self.reason(why, "the test is added")
                let e = try Self.enrolment(db, enrolmentId)
                if e.status == .discharged { throw StoreError.refused("The patient was discharged from this pathway: the schedule is closed") }
                if let problem = FollowUpDates.moveProblem(due, enrolment: e, graceDays: grace) { throw StoreError.refused(problem.replacingOccurrences(of: "moves", with: "is added")) }
                let cleanName = TextCleaner.field(name, maxLength: Limits.concernText)
                guard !cleanName.isEmpty, !code.isEmpty else { throw StoreError.refused("Name the test") }
                let id = try Self.insertTest(db, enrolmentId: enrolmentId, patientId: e.patientId, code: TextCleaner.field(code, maxLength: 40),
                                             name: cleanName, due: due, graceDays: max(0, grace), added: true, paused: e.status == .suspended)
                changeId = try Self.history(db, enrolmentId: enrolmentId, testId: id, .added, to: due, reason: reason, by: who, at: now)
                (testId, action) = (id, "added a follow-up test")
            case .skip(let id, let why):
                let reason = try Self.reason(why, "the test is skipped")
                let (_, t) = try Self.openTest(db, id, enrolmentId: enrolmentId)
                try db.execute(sql: "UPDATE follow_up_test SET status = 'skipped', skip_reason = ? WHERE id = ?", arguments: [reason, id])
                changeId = try Self.history(db, enrolmentId: enrolmentId, testId: id, .skipped, from: t.due, reason: reason, by: who, at: now)
                (testId, action) = (id, "skipped a follow-up test")
            }
            let t = try Self.scheduledTest(db, testId)
            try Self.audit(db, user: who, action: action, patientId: t.patientId, detail: "enrolment \(enrolmentId), test \(testId) (\(t.code))"
                               + Self.contentNote(db, [(.test, testId), (.change, changeId)]), at: now)
            return t
        }
    }

    public func markTest(_ testId: Int64, _ status: TestProgress, on date: LocalDate, by user: String, now: Date) throws -> ScheduledTest {
        try write { db in
            let t = try Self.scheduledTest(db, testId)
            _ = try Self.openTest(db, testId, enrolmentId: t.enrolmentId)
            if status == .requested && t.status == .requested { throw StoreError.refused("This test is already requested") }
            try Self.requireNotFuture(date, now: now, "the test \(status.rawValue),")
            let who = Self.who(user)
            try db.execute(sql: "UPDATE follow_up_test SET status = ?, status_date = ? WHERE id = ?", arguments: [status.rawValue, date.iso, testId])
            let change = try Self.history(db, enrolmentId: t.enrolmentId, testId: testId, status == .requested ? .requested : .done, to: date, by: who, at: now)
            try Self.audit(db, user: who, action: "marked a follow-up test \(status.rawValue)", patientId: t.patientId,
                           detail: "enrolment \(t.enrolmentId), test \(testId) (\(t.code))" + Self.contentNote(db, [(.test, testId), (.change, change)]), at: now)
            return try Self.scheduledTest(db, testId)
        }
    }

    public func followUpHistory(enrolmentId: Int64) throws -> [FollowUpChange] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM follow_up_change WHERE enrolment_id = ? ORDER BY id", arguments: [enrolmentId]).map { r in
                FollowUpChange(id: r["id"], enrolmentId: r["enrolment_id"], testId: r["test_id"], kind: FollowUpChange.Kind(rawValue: r["kind"]) ?? .moved,
                               from: (r["from_date"] as String?).flatMap(LocalDate.init(iso:)), to: (r["to_date"] as String?).flatMap(LocalDate.init(iso:)),
                               reason: r["reason"], by: r["changed_by"], at: r["changed_at"])
            }
        }
    }

    // MARK: Results

    /// Records a result for a test that waits for one (scheduled, requested or done), in the caller's
    /// transaction: the rule of its pathway says whether it needs review, against the last result of the test.
    static func insertResult(_ db: Database, test t: ScheduledTest, rule: ReviewRule, _ r: NewResult, by who: String, now: Date) throws -> TestResult {
        try requireNotFuture(r.takenOn, now: now, "taken on")
        var previous: Double?
        if r.value.number != nil {
            previous = try Double.fetchOne(db, sql: """
                SELECT value FROM follow_up_result WHERE enrolment_id = ? AND code = ? AND value IS NOT NULL ORDER BY taken_on DESC, id DESC LIMIT 1
                """, arguments: [t.enrolmentId, t.code])
        }
        let needsReview = rule.needsReview(r.value, previous: previous)
        var value: Double?, unit = "", judgement: String?, qualifier: String?
        switch r.value {
        case .measured(let v, let u): (value, unit) = (v, TextCleaner.field(u, maxLength: 40))
        case .beyond(let side, let v, let u): (value, unit, qualifier) = (v, TextCleaner.field(u, maxLength: 40), side.rawValue)
        case .judged(let j): judgement = j.rawValue
        }
        let note = Self.note(r.note)
        try db.execute(sql: """
            INSERT INTO follow_up_result (test_id, enrolment_id, patient_id, code, value, unit, judgement, qualifier, taken_on, note, source, needs_review,
                                          recorded_by, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [t.id, t.enrolmentId, t.patientId, t.code, value, unit, judgement, qualifier, r.takenOn.iso, note, r.source.rawValue, needsReview, who, now])
        let id = try db.lastInsertedRowID
        try db.execute(sql: "UPDATE follow_up_test SET status = 'result-received', status_date = ? WHERE id = ?", arguments: [r.takenOn.iso, t.id])
        let change = try history(db, enrolmentId: t.enrolmentId, testId: t.id, .resultReceived, to: r.takenOn, by: who, at: now)
        try audit(db, user: who, action: "recorded a follow-up result", patientId: t.patientId,
                  detail: "enrolment \(t.enrolmentId), test \(t.id) (\(t.code)), \(r.source.rawValue)" + (needsReview ? ", to review" : "")
                      + contentNote(db, [(.result, id), (.test, t.id), (.change, change)]), at: now)
        return TestResult(id: id, testId: t.id, enrolmentId: t.enrolmentId, patientId: t.patientId, code: t.code,
                          value: try Row.fetchOne(db, sql: "SELECT * FROM follow_up_result WHERE id = ?", arguments: [id]).map(testResult)!.value, takenOn: r.takenOn, note: note, source: r.source,
                          needsReview: needsReview, recordedBy: who, recordedAt: now, review: nil)
    }

    public func recordResult(_ result: NewResult, testId: Int64, pathway: Pathway, by user: String, now: Date) throws -> TestResult {
        try write { db in
            let t = try Self.scheduledTest(db, testId)
            let e = try Self.enrolment(db, t.enrolmentId)
            guard e.pathwayId == pathway.id else { throw StoreError.refused("This test is of another pathway (\(e.pathwayId))") }
            if let problem = FollowUpDates.takenProblem(result.takenOn, born: try Self.patient(db, e.patientId).dateOfBirth, enrolment: e, today: LocalDate(now)) {
                throw StoreError.refused("Not recorded: \(problem)")
            }
            guard t.status != .resultReceived, t.status != .skipped else {
                throw StoreError.refused(t.status == .skipped ? "This test was skipped: add a test to record a result" : "This test has a result already")
            }
            // By the rules the patient was enrolled under, kept with the enrolment (the file may have changed since).
            // A test added by hand, or dropped from a later version of the pathway: someone judges its result.
            let rule = (try Self.enrolledPathway(db, e) ?? pathway).test(t.code)?.review ?? .clinician
            if let problem = ResultsImport.unitProblem(result.value, rule: rule) { throw StoreError.refused("Not recorded: \(problem)") }
            return try Self.insertResult(db, test: t, rule: rule, result, by: Self.who(user), now: now)
        }
    }

    public func results(enrolmentId: Int64) throws -> [TestResult] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM follow_up_result WHERE enrolment_id = ? ORDER BY taken_on DESC, id DESC", arguments: [enrolmentId])
                .map(Self.testResult)
        }
    }

    public func reviewResult(_ resultId: Int64, outcome: ReviewOutcome, note: String, by user: String, now: Date) throws -> TestResult {
        try write { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT * FROM follow_up_result WHERE id = ?", arguments: [resultId]).map(Self.testResult) else {
                throw StoreError.notFound("The result")
            }
            if let done = r.review { throw StoreError.refused("This result was reviewed already, by \(done.by)") }
            let who = Self.who(user)
            try db.execute(sql: "UPDATE follow_up_result SET review_outcome = ?, review_note = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?",
                           arguments: [outcome.rawValue, Self.note(note), who, now, resultId])
            try Self.audit(db, user: who, action: "reviewed a follow-up result", patientId: r.patientId,
                           detail: "result \(resultId) (\(r.code)): \(outcome.rawValue)" + Self.contentNote(db, [(.result, resultId)]), at: now)
            return try Row.fetchOne(db, sql: "SELECT * FROM follow_up_result WHERE id = ?", arguments: [resultId]).map(Self.testResult)!
        }
    }

    // MARK: Suspension and discharge

    public func setSuspended(enrolmentId: Int64, reason: String?, by user: String, now: Date) throws -> Enrolment {
        try write { db in
            let e = try Self.enrolment(db, enrolmentId)
            let who = Self.who(user)
            let change: Int64
            switch (reason, e.status) {
            case (_, .discharged): throw StoreError.refused("The patient was discharged from this pathway")
            case (nil, .active): throw StoreError.refused("Remote follow-up is not suspended")
            case (.some, .suspended): throw StoreError.refused("Remote follow-up is suspended already")
            case (let why?, _):
                let cleaned = try Self.reason(why, "remote follow-up is suspended")
                try db.execute(sql: "UPDATE follow_up_enrolment SET status = 'suspended', status_reason = ? WHERE id = ?", arguments: [cleaned, enrolmentId])
                try db.execute(sql: "UPDATE follow_up_test SET paused = 1 WHERE enrolment_id = ?", arguments: [enrolmentId])
                change = try Self.history(db, enrolmentId: enrolmentId, testId: nil, .suspended, reason: cleaned, by: who, at: now)
            case (nil, _):
                try db.execute(sql: "UPDATE follow_up_enrolment SET status = 'active', status_reason = '' WHERE id = ?", arguments: [enrolmentId])
                try db.execute(sql: "UPDATE follow_up_test SET paused = 0 WHERE enrolment_id = ?", arguments: [enrolmentId])
                change = try Self.history(db, enrolmentId: enrolmentId, testId: nil, .resumed, by: who, at: now)
            }
            try Self.audit(db, user: who, action: reason == nil ? "resumed remote follow-up" : "suspended remote follow-up", patientId: e.patientId,
                           detail: "enrolment \(enrolmentId)"
                               + Self.contentNote(db, [(.enrolment, enrolmentId)] + Self.testRecords(db, enrolmentId: enrolmentId) + [(.change, change)]), at: now)
            return try Self.enrolment(db, enrolmentId)
        }
    }

    public func discharge(enrolmentId: Int64, reason: DischargeReason, on date: LocalDate, acknowledging: Bool, by user: String, now: Date) throws -> Enrolment {
        try write { db in
            let e = try Self.enrolment(db, enrolmentId)
            if e.status == .discharged { throw StoreError.refused("The patient was discharged from this pathway already") }
            let tests = try Row.fetchAll(db, sql: "SELECT * FROM follow_up_test WHERE enrolment_id = ?", arguments: [enrolmentId]).map(Self.scheduledTest)
            let results = try Row.fetchAll(db, sql: "SELECT * FROM follow_up_result WHERE enrolment_id = ?", arguments: [enrolmentId]).map(Self.testResult)
            if let problem = FollowUpDates.dischargeProblem(date, enrolment: e, results: results, today: LocalDate(now)) { throw StoreError.refused(problem) }
            let open = FollowUpOpenItems(tests: tests, results: results, on: date)
            if !open.isEmpty && !acknowledging {
                let names = Dictionary(tests.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
                let lines = open.lines { names[$0] ?? $0 }
                throw StoreError.refused("Not discharged: \(lines.count) item(s) still open (" + lines.prefix(3).joined(separator: "; ")
                                         + (lines.count > 3 ? "; ..." : "") + "): confirm to discharge all the same")
            }
            let words: String
            switch reason {
            case .endOfPathway: words = reason.words
            case .early(let why): words = try Self.reason(why, "the patient is discharged early")
            }
            let who = Self.who(user)
            try db.execute(sql: "UPDATE follow_up_enrolment SET status = 'discharged', status_reason = ?, discharged_on = ? WHERE id = ?",
                           arguments: [words, date.iso, enrolmentId])
            let skipped = try Int64.fetchAll(db, sql: "SELECT id FROM follow_up_test WHERE enrolment_id = ? AND status IN ('scheduled', 'requested')",
                                             arguments: [enrolmentId])
            try db.execute(sql: "UPDATE follow_up_test SET status = 'skipped', skip_reason = ? WHERE enrolment_id = ? AND status IN ('scheduled', 'requested')",
                           arguments: [FollowUpOpenItems.dischargedReason, enrolmentId])
            let change = try Self.history(db, enrolmentId: enrolmentId, testId: nil, .discharged, to: date, reason: words, by: who, at: now)
            let early: Bool
            if case .early = reason { early = true } else { early = false }
            try Self.audit(db, user: who, action: "discharged from follow-up", patientId: e.patientId,
                           detail: "enrolment \(enrolmentId), \(early ? "early" : "end of pathway"), \(skipped.count) test(s) not done skipped"
                               + (open.isEmpty ? "" : ", \(open.testsNotDone.count + open.resultsToReview.count + open.referredBack.count) open item(s) acknowledged")
                               + Self.contentNote(db, [(.enrolment, enrolmentId)] + skipped.map { (.test, $0) } + [(.change, change)]), at: now)
            return try Self.enrolment(db, enrolmentId)
        }
    }

    // MARK: Re-access

    public func recordContact(_ c: NewContact, by user: String, now: Date) throws -> Contact {
        try write { db in
            let patient = try Self.patient(db, c.patientId)
            try Self.requireOwn(db, table: "follow_up_enrolment", id: c.enrolmentId, patientId: c.patientId, "The patient's follow-up")
            if let problem = FollowUpDates.callProblem(c.at, patient: patient, enrolment: try c.enrolmentId.map { try Self.enrolment(db, $0) }, now: now) {
                throw StoreError.refused(problem)
            }
            let reason = try Self.reason(c.reason, "the patient called")
            try Self.requireNotFuture(c.at, now: now, "the call,")
            let who = Self.who(user)
            try db.execute(sql: """
                INSERT INTO follow_up_contact (patient_id, enrolment_id, at, reason, red_flag, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [c.patientId, c.enrolmentId, c.at, reason, c.redFlag, who, now])
            let id = try db.lastInsertedRowID
            try Self.audit(db, user: who, action: "recorded a re-access call", patientId: c.patientId,
                           detail: "contact \(id)" + (c.redFlag ? ", red flag" : "") + Self.contentNote(db, [(.contact, id)]), at: now)
            return try Row.fetchOne(db, sql: "SELECT * FROM follow_up_contact WHERE id = ?", arguments: [id]).map(Self.contact)!
        }
    }

    public func returnContact(_ contactId: Int64, response: ContactResponse, note: String, returnedAt: Date, bringingForward: BroughtForward?,
                              by user: String, now: Date) throws -> Contact {
        try write { db in
            guard let c = try Row.fetchOne(db, sql: "SELECT * FROM follow_up_contact WHERE id = ?", arguments: [contactId]).map(Self.contact) else {
                throw StoreError.notFound("The call")
            }
            if c.returnedAt != nil { throw StoreError.refused("This call was returned already, by \(c.returnedBy)") }
            if returnedAt < c.at { throw StoreError.refused("A call cannot be returned before it was made") }
            try Self.requireNotFuture(returnedAt, now: now, "returned")
            let who = Self.who(user)
            let moved = response == .testBroughtForward ? bringingForward : nil
            var movedChange: (test: Int64, change: Int64)?
            // Without a test named, the screen offers the move itself afterwards (a move of the schedule).
            if let moved {
                let t = try Self.scheduledTest(db, moved.testId)
                guard try Int64.fetchOne(db, sql: "SELECT patient_id FROM follow_up_test WHERE id = ?", arguments: [moved.testId]) == c.patientId else {
                    throw StoreError.notFound("The patient's test")
                }
                let (e, _) = try Self.openTest(db, t.id, enrolmentId: t.enrolmentId)
                guard moved.to < t.due else { throw StoreError.refused("Brought forward means earlier than its day (\(t.due.display))") }
                if let problem = FollowUpDates.moveProblem(moved.to, enrolment: e, graceDays: t.graceDays) { throw StoreError.refused(problem) }
                try db.execute(sql: "UPDATE follow_up_test SET due_date = ?, overdue_from = ? WHERE id = ?",
                               arguments: [moved.to.iso, Overdue.from(due: moved.to, graceDays: t.graceDays).iso, t.id])
                let change = try Self.history(db, enrolmentId: t.enrolmentId, testId: t.id, .moved, from: t.due, to: moved.to,
                                              reason: "brought forward after a call", by: who, at: now)
                movedChange = (t.id, change)
            }
            try db.execute(sql: """
                UPDATE follow_up_contact SET response = ?, response_note = ?, returned_at = ?, returned_by = ?, brought_forward_test_id = ?, brought_forward_to = ?
                WHERE id = ?
                """, arguments: [response.rawValue, Self.note(note), returnedAt, who, moved?.testId, moved?.to.iso, contactId])
            try Self.audit(db, user: who, action: "returned a re-access call", patientId: c.patientId,
                           detail: "contact \(contactId): \(response.rawValue)" + (moved.map { ", test \($0.testId) moved" } ?? "")
                               + Self.contentNote(db, [(.contact, contactId)] + (movedChange.map { [(.test, $0.test), (.change, $0.change)] } ?? [])), at: now)
            return try Row.fetchOne(db, sql: "SELECT * FROM follow_up_contact WHERE id = ?", arguments: [contactId]).map(Self.contact)!
        }
    }

    public func contacts(patientId: Int64) throws -> [Contact] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM follow_up_contact WHERE patient_id = ? ORDER BY at DESC, id DESC", arguments: [patientId]).map(Self.contact)
        }
    }
}
