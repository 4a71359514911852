import CareplanCore
import Foundation

extension CareStore {
    /// Keyed with the audit key, kept outside the store: a copy of the store alone cannot try the million codes.
    func codeHash(_ code: String) throws -> String {
        try auditKeeper.mac(Data("kiosk code \(code)".utf8))
    }

    /// Starts a self-assessment for the patient and issues a single-use code for it, valid for `validFor`.
    public func issueKioskCode(patientId: Int64, pathwayPoint: PathwayPoint, catalogue: ConcernCatalogue, by: String,
                               now: Date, validFor: TimeInterval) throws -> KioskCode {
        let assessment = try emptySelfAssessment(patientId: patientId)
            ?? startAssessment(patientId: patientId, pathwayPoint: pathwayPoint, completedBy: .patient,
                               date: LocalDate(now), catalogue: catalogue, createdBy: by, now: now)
        var generator = SystemRandomNumberGenerator()
        return try write { db in
            // One live code per patient: a new one withdraws the earlier unused ones (lost slips, second tries).
            try db.execute(sql: "DELETE FROM kiosk_code WHERE used_at IS NULL AND assessment_id IN (SELECT id FROM assessment WHERE patient_id = ?)",
                           arguments: [patientId])
            let withdrawn = db.changesCount
            // Unique among codes not yet used or expired, so a typed code names exactly one assessment.
            for _ in 0..<50 {
                let code = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
                let hash = try codeHash(code)
                try db.execute(sql: "DELETE FROM kiosk_code WHERE code_hash = ? AND (used_at IS NOT NULL OR expires_at <= ?)", arguments: [hash, now])
                if try Int.fetchOne(db, sql: "SELECT 1 FROM kiosk_code WHERE code_hash = ?", arguments: [hash]) != nil { continue }
                let expires = now.addingTimeInterval(validFor)
                try db.execute(sql: "INSERT INTO kiosk_code (code_hash, assessment_id, issued_by, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [hash, assessment.id, by, now, expires])
                try Self.audit(db, user: by, action: "issued kiosk code", assessmentId: assessment.id,
                               detail: withdrawn == 0 ? "" : "\(withdrawn) earlier unused code\(withdrawn == 1 ? "" : "s") withdrawn", at: now)
                return KioskCode(code: code, assessmentId: assessment.id, expiresAt: expires)
            }
            throw StoreError.cannotWrite("no free kiosk code could be found")
        }
    }

    /// The patient's latest self-assessment in progress if nothing is in it yet (no concern, no note, not sent):
    /// a second code (a lost slip, a second try) is for it, rather than for another empty one left behind.
    func emptySelfAssessment(patientId: Int64) throws -> Assessment? {
        let id = try read { db in
            try Int64.fetchOne(db, sql: """
                SELECT a.id FROM assessment a
                WHERE a.patient_id = ? AND a.status = ? AND a.completed_by = ? AND a.submitted_at IS NULL
                  AND a.distress_score IS NULL AND a.what_matters = '' AND a.patient_message = ''
                  AND NOT EXISTS (SELECT 1 FROM concern c WHERE c.assessment_id = a.id)
                  AND NOT EXISTS (SELECT 1 FROM agreed_action x WHERE x.assessment_id = a.id)
                ORDER BY a.id DESC LIMIT 1
                """, arguments: [patientId, AssessmentStatus.inProgress.rawValue, CompletedBy.patient.rawValue])
        }
        return try id.flatMap { try assessment(id: $0) }
    }

    /// Seconds to wait before another try of this kind is allowed, or nil.
    public func lockout(_ kind: AttemptKind, policy: RateLimit, now: Date) throws -> TimeInterval? {
        try read { db in try Self.lockout(db, kind, limit: policy, now) }
    }

    /// The wait due for one kind of try, about one `subject` (a user name, a terminal; none for the kiosk's).
    static func lockout(_ db: Database, _ kind: AttemptKind, subject: String = "", limit: RateLimit,
                        _ now: Date) throws -> TimeInterval? {
        let since = now.addingTimeInterval(-limit.window)
        let times = try Date.fetchAll(db, sql: "SELECT at FROM failed_attempt WHERE kind = ? AND subject = ? AND at > ? ORDER BY at",
                                      arguments: [kind.rawValue, subject, since])
        return limit.wait(after: times, now: now)
    }

    /// Records a wrong try; returns its row, so a try counted before it was checked can be taken back.
    @discardableResult
    static func recordFailure(_ db: Database, _ kind: AttemptKind, subject: String = "", limit: RateLimit,
                              _ now: Date) throws -> Int64 {
        try db.execute(sql: "INSERT INTO failed_attempt (kind, subject, at) VALUES (?, ?, ?)", arguments: [kind.rawValue, subject, now])
        let row = try db.lastInsertedRowID
        try db.execute(sql: "DELETE FROM failed_attempt WHERE kind = ? AND at < ?", arguments: [kind.rawValue, now.addingTimeInterval(-limit.window)])
        return row
    }

    /// A try about to be checked against a slow hash: either the wait due (nothing counted), or the rows that
    /// count it as wrong until it proves right.
    enum CountedTry { case waiting(TimeInterval), counted([Int64]) }

    /// Checks the wait and counts the try as wrong in the one write transaction, BEFORE the slow check: N tries
    /// started at once (parallel processes) count as N, so only the free ones are ever checked.
    func countTry(_ subjects: [(kind: AttemptKind, subject: String)], limit: RateLimit, now: Date,
                  whileWaiting audit: (Database) throws -> Void) throws -> CountedTry {
        try write { db in
            let waits = try subjects.compactMap { try Self.lockout(db, $0.kind, subject: $0.subject, limit: limit, now) }
            if let wait = waits.max() {
                try audit(db)
                return .waiting(wait)
            }
            return .counted(try subjects.map { try Self.recordFailure(db, $0.kind, subject: $0.subject, limit: limit, now) })
        }
    }

    /// Takes back the rows of a try that proved right.
    static func uncount(_ db: Database, _ rows: [Int64]) throws {
        for row in rows { try db.execute(sql: "DELETE FROM failed_attempt WHERE \(db.dialect.rowid) = ?", arguments: [row]) }
    }

    /// Checks a code and date of birth typed at the kiosk. On success the code is used up and the patient
    /// and their self-assessment are returned; wrong tries count towards a lockout.
    public func redeemKioskCode(_ typed: String, dateOfBirth: LocalDate, lockout policy: RateLimit, now: Date) throws -> (Patient, Assessment) {
        let code = typed.filter { $0.isASCII && $0.isNumber }
        let result: Result<Int64, KioskError> = try write { db in
            if let wait = try Self.lockout(db, .kioskCode, limit: policy, now) {
                try Self.audit(db, user: "kiosk", action: "kiosk code refused", detail: "too many tries", at: now)
                return .failure(.tooManyTries(wait: wait))
            }
            let row = try Row.fetchOne(db, sql: """
                SELECT k.assessment_id, p.date_of_birth FROM kiosk_code k
                JOIN assessment a ON a.id = k.assessment_id JOIN patient p ON p.id = a.patient_id
                WHERE k.code_hash = ? AND k.used_at IS NULL AND k.expires_at > ? AND a.status = ?
                """, arguments: [try codeHash(code), now, AssessmentStatus.inProgress.rawValue])
            guard code.count == 6, let row, (row["date_of_birth"] as String) == dateOfBirth.iso else {
                try Self.recordFailure(db, .kioskCode, limit: policy, now)
                try Self.audit(db, user: "kiosk", action: "kiosk code refused", detail: "code or date of birth not accepted", at: now)
                return .failure(.notAccepted)
            }
            try db.execute(sql: "UPDATE kiosk_code SET used_at = ? WHERE code_hash = ?", arguments: [now, try codeHash(code)])
            try Self.audit(db, user: "kiosk", action: "opened with kiosk code", assessmentId: row["assessment_id"], at: now)
            return .success(row["assessment_id"])
        }
        let id = try result.get()
        guard let a = try assessment(id: id), let p = try patient(id: a.patientId) else { throw StoreError.notFound("The assessment") }
        return (p, a)
    }

    // MARK: - Staff PIN

    /// Sets the PIN that closes the kiosk, storing only a salted scrypt hash of it. When one is set already,
    /// `current` must be it: whoever can run careplan on the store must not take over the kiosk without it.
    public func setStaffPIN(_ pin: String, current: String?, by user: String, lockout policy: RateLimit, now: Date) throws {
        let replacing = try hasStaffPIN()
        if replacing { try checkStaffPIN(current ?? "", by: user, action: nil, lockout: policy, now: now) }
        let value = try SlowHash.make(pin)
        try write { db in
            try db.execute(sql: "INSERT INTO setting (name, value) VALUES ('staff-pin', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                           arguments: [value])
            try Self.audit(db, user: user, action: replacing ? "changed staff PIN" : "set staff PIN", at: now)
        }
    }

    public func hasStaffPIN() throws -> Bool {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = 'staff-pin'") != nil }
    }

    /// Checks the staff PIN, counting wrong tries towards a lockout. Every try is audited: a right one as
    /// `action` (by default closing the kiosk, its one use there), a wrong or locked-out one as refused.
    public func checkStaffPIN(_ pin: String, by user: String, action: String?, lockout policy: RateLimit, now: Date) throws {
        guard let stored = try read({ db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = 'staff-pin'") }) else {
            throw KioskError.noPINSet
        }
        let refused = { (db: Database, why: String) in try Self.audit(db, user: user, action: "staff PIN refused", detail: why, at: now) }
        // Counted as wrong before the slow check, so PINs tried at once count as many (see `countTry`).
        switch try countTry([(.staffPIN, "")], limit: policy, now: now, whileWaiting: { try refused($0, "too many tries") }) {
        case .waiting(let wait): throw KioskError.tooManyTries(wait: wait)
        case .counted: break
        }
        guard let right = try SlowHash.matches(pin, stored) else { throw KioskError.noPINSet }
        if !right {
            try write { db in try refused(db, "wrong PIN") }
            throw KioskError.wrongPIN
        }
        try write { db in
            try db.execute(sql: "DELETE FROM failed_attempt WHERE kind = ?", arguments: [AttemptKind.staffPIN.rawValue])
            if let action { try Self.audit(db, user: user, action: action, at: now) }
        }
    }

    // MARK: - Waiting self-assessments

    /// Self-assessments sent from the kiosk that are waiting for a care-planning conversation, oldest first.
    public func waitingSelfAssessments(limit: Int) throws -> [WaitingAssessment] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.*, a.id AS a_id, a.submitted_at AS a_submitted,
                       (SELECT count(*) FROM concern c WHERE c.assessment_id = a.id) AS n
                FROM assessment a JOIN patient p ON p.id = a.patient_id
                WHERE a.submitted_at IS NOT NULL AND a.status = ? ORDER BY a.submitted_at LIMIT ?
                """, arguments: [AssessmentStatus.inProgress.rawValue, limit]).map { r in
                WaitingAssessment(patient: Self.patient(r), assessmentId: r["a_id"], submittedAt: r["a_submitted"], concernCount: r["n"])
            }
        }
    }
}
