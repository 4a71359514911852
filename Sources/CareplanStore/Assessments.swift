import CareplanCore
import Foundation

extension CareStore {
    public func assessments(patientId: Int64) throws -> [AssessmentSummary] {
        try read { db in try Self.assessmentSummaries(db, patientId: patientId).map(\.0) }
    }

    /// The patient's assessments, newest first, each with when it was started; the newest `limit`, or all.
    static func assessmentSummaries(_ db: Database, patientId: Int64, limit: Int? = nil) throws -> [(AssessmentSummary, Date)] {
        try Row.fetchAll(db, sql: """
            SELECT a.id, a.date, a.pathway_point, a.status, a.version, a.distress_score, a.created_at,
                   (SELECT count(*) FROM concern c WHERE c.assessment_id = a.id) AS n
            FROM assessment a WHERE a.patient_id = ? ORDER BY a.id DESC\(limit == nil ? "" : " LIMIT ?")
            """, arguments: [patientId] + StatementArguments([limit].compactMap { $0 })).map { r in
            (AssessmentSummary(id: r["id"], date: LocalDate(iso: r["date"])!, pathwayPoint: PathwayPoint(rawValue: r["pathway_point"]) ?? .other,
                               status: AssessmentStatus(rawValue: r["status"]) ?? .inProgress, version: r["version"],
                               concernCount: r["n"], distressScore: r["distress_score"]), r["created_at"])
        }
    }

    public func startAssessment(patientId: Int64, pathwayPoint: PathwayPoint, completedBy: CompletedBy, date: LocalDate,
                                catalogue: ConcernCatalogue, createdBy: String, now: Date) throws -> Assessment {
        let id: Int64 = try write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM patient WHERE id = ?", arguments: [patientId]) != nil else {
                throw StoreError.notFound("The patient")
            }
            try db.execute(sql: """
                INSERT INTO assessment (patient_id, pathway_point, completed_by, date, status, catalogue_id, catalogue_version,
                                        created_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [patientId, pathwayPoint.rawValue, completedBy.rawValue, date.iso, AssessmentStatus.inProgress.rawValue,
                                 catalogue.id, catalogue.version, createdBy, now, now])
            let id = try db.lastInsertedRowID
            // Starting one is the patient accepting an HNA offer (CR7900 03), made by whoever started it.
            let offer = try Self.insertHNAOffer(db, patientId: patientId, date: date, pathwayPoint: pathwayPoint, outcome: .accepted,
                                                assessmentId: id, by: createdBy, now: now)
            try Self.audit(db, user: createdBy, action: "started assessment", patientId: patientId, assessmentId: id,
                           detail: Self.hnaOfferMark + "\(offer) accepted" + Self.contentNote(db, [(.hnaOffer, offer)]), at: now)
            return id
        }
        return try assessment(id: id)!
    }

    public func assessment(id: Int64) throws -> Assessment? {
        try read { db in try Self.assessment(db, id: id) }
    }

    static func assessment(_ db: Database, id: Int64) throws -> Assessment? {
        guard let r = try Row.fetchOne(db, sql: "SELECT * FROM assessment WHERE id = ?", arguments: [id]) else { return nil }
        let concerns = try Row.fetchAll(db, sql: "SELECT * FROM concern WHERE assessment_id = ?", arguments: [id]).map { c in
            ConcernEntry(key: c["key"], categoryId: c["category_id"], label: c["label"], score: c["score"], rank: c["rank"],
                         discuss: c["discuss"], note: c["note"])
        }
        let actions = try Row.fetchAll(db, sql: "SELECT * FROM agreed_action WHERE assessment_id = ? ORDER BY id", arguments: [id]).map { a in
            AgreedAction(id: a["id"], concernKey: a["concern_key"], what: a["what"], owner: ActionOwner(rawValue: a["owner"]) ?? .other,
                         ownerName: a["owner_name"], due: (a["due"] as String?).flatMap { LocalDate(iso: $0) }, serviceId: a["service_id"])
        }
        var a = Assessment(
            id: r["id"], patientId: r["patient_id"], pathwayPoint: PathwayPoint(rawValue: r["pathway_point"]) ?? .other,
            completedBy: CompletedBy(rawValue: r["completed_by"]) ?? .patient, date: LocalDate(iso: r["date"])!,
            status: AssessmentStatus(rawValue: r["status"]) ?? .inProgress, catalogueId: r["catalogue_id"],
            catalogueVersion: r["catalogue_version"], distressScore: r["distress_score"], whatMattersToMe: r["what_matters"],
            reviewDate: (r["review_date"] as String?).flatMap { LocalDate(iso: $0) }, agreedBy: r["agreed_by"],
            agreedRole: (r["agreed_role"] as String?).flatMap(StaffRole.init(rawValue:)), agreedAt: r["agreed_at"],
            version: r["version"], previousId: r["previous_id"], createdBy: r["created_by"], createdAt: r["created_at"],
            updatedAt: r["updated_at"], revision: r["revision"], concerns: concerns, actions: actions,
            submittedAt: r["submitted_at"], patientMessage: r["patient_message"])
        a.discardedBy = r["discarded_by"]
        a.discardedAt = r["discarded_at"]
        return a
    }

    /// Puts aside an assessment started in error. Nothing is deleted: it stays on the record, read only,
    /// marked discarded with who and when, and the audit trail says so. Only one in progress can be.
    public func discardAssessment(id: Int64, by user: String, now: Date) throws -> Assessment {
        try write { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT patient_id, status FROM assessment WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound("The assessment")
            }
            if (r["status"] as String) != AssessmentStatus.inProgress.rawValue { throw StoreError.locked }
            try db.execute(sql: """
                UPDATE assessment SET status = ?, discarded_by = ?, discarded_at = ?, revision = revision + 1, updated_at = ? WHERE id = ?
                """, arguments: [AssessmentStatus.discarded.rawValue, TextCleaner.field(user, maxLength: Limits.personName), now, now, id])
            try Self.audit(db, user: user, action: "discarded assessment", patientId: r["patient_id"], assessmentId: id,
                           detail: try Self.withdrawHNAOffers(db, assessmentId: id), at: now)
            return try Self.assessment(db, id: id)!
        }
    }

    /// Saves one change in one durable transaction, if the one answer it changes is still `base` (as the
    /// terminal showed it): a change to any other answer in between does not matter. When that answer changed
    /// underneath, `AssessmentChange.resolved` decides: text is merged, other answers are refused with
    /// `changedElsewhere` and nothing changes. Refuses a locked plan.
    public func save(_ change: AssessmentChange, to id: Int64, base: AnswerValue, by user: String, now: Date) throws -> SavedChange {
        try write(once: "assessment \(id) \(String(reflecting: change)) from \(String(reflecting: base)) by \(user)", { db in
            guard let current = try Self.assessment(db, id: id) else { throw StoreError.notFound("The assessment") }
            if current.isLocked { throw StoreError.locked }
            let resolution = try change.normalised.resolved(against: current, base: base)
            let written: AssessmentChange
            var merged: String?
            switch resolution {
            case .nothing: return SavedChange(assessment: current)
            case .write(let c): written = c
            case .merged(let c, let why): written = c; merged = why
            }
            try Self.apply(written, db, id)
            try Self.auditChange(db, user: user, action: "changed", patientId: nil, assessmentId: id, detail: written.auditDetail,
                                 typing: written.isTyping, now: now)
            try db.execute(sql: "UPDATE assessment SET revision = revision + 1, updated_at = ? WHERE id = ?", arguments: [now, id])
            return SavedChange(assessment: try Self.assessment(db, id: id)!, merged: merged)
        }, stored: { db in
            guard let current = try Self.assessment(db, id: id) else { throw StoreError.notFound("The assessment") }
            return SavedChange(assessment: current)
        })
    }

    /// Audits a change, once for a run of typing: text saved as it is typed writes one entry per five minutes
    /// of the same person typing into the same answer, not one per save.
    static func auditChange(_ db: Database, user: String, action: String, patientId: Int64?, assessmentId: Int64?, detail: String,
                            typing: Bool, now: Date) throws {
        let recent = auditTime(now.addingTimeInterval(-300))
        // "user" quoted: bare, PostgreSQL reads it as the session's login, and the typing would never coalesce.
        let alreadyTyping = typing ? try Int.fetchOne(db, sql: """
            SELECT 1 FROM audit_log WHERE id = (SELECT max(id) FROM audit_log) AND "user" = ? AND action = ?
                AND \(assessmentId == nil ? "assessment_id IS NULL" : "assessment_id = ?") AND detail = ? AND at > ?
            """, arguments: [TextCleaner.field(user, maxLength: Limits.personName), action] + StatementArguments([assessmentId].compactMap { $0 })
                + [detail, recent]) != nil : false
        if !alreadyTyping { try audit(db, user: user, action: action, patientId: patientId, assessmentId: assessmentId, detail: detail, at: now) }
    }

    /// A count of changes committed by other connections: it moves when another terminal saves, and is cheap
    /// to read (a pragma; one row on a server), so an open screen can look every tick.
    public func changeCounter() throws -> Int {
        try mappingFailures(StoreError.cannotOpen) { try engine.changeCounter() }
    }

    /// Writes a change already normalised (a merged text may be longer than one typed note may be).
    static func apply(_ change: AssessmentChange, _ db: Database, _ id: Int64) throws {
        switch change {
        case let .setDetails(point, by, date):
            try db.execute(sql: "UPDATE assessment SET pathway_point = ?, completed_by = ?, date = ? WHERE id = ?",
                           arguments: [point.rawValue, by.rawValue, date.iso, id])
        case .setConcern(let c):
            try db.execute(sql: """
                INSERT INTO concern (assessment_id, key, category_id, label, score, rank, discuss, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (assessment_id, key) DO UPDATE SET category_id = excluded.category_id, label = excluded.label,
                    score = excluded.score
                """, arguments: [id, c.key, c.categoryId, c.label, c.score, c.rank, c.discuss, c.note])
        case .removeConcern(let key):
            try db.execute(sql: "DELETE FROM agreed_action WHERE assessment_id = ? AND concern_key = ?", arguments: [id, key])
            try db.execute(sql: "DELETE FROM concern WHERE assessment_id = ? AND key = ?", arguments: [id, key])
        case .setDistress(let score):
            try db.execute(sql: "UPDATE assessment SET distress_score = ? WHERE id = ?", arguments: [score, id])
        case .setWhatMattersToMe(let text):
            try db.execute(sql: "UPDATE assessment SET what_matters = ? WHERE id = ?", arguments: [text, id])
        case let .setNote(key, text):
            try db.execute(sql: "UPDATE concern SET note = ? WHERE assessment_id = ? AND key = ?", arguments: [text, id, key])
            if db.changesCount == 0 { throw StoreError.notFound("That concern") }
        case .setOrder(let order):
            try db.execute(sql: "UPDATE concern SET rank = NULL WHERE assessment_id = ?", arguments: [id])
            for (rank, key) in order.enumerated() {
                try db.execute(sql: "UPDATE concern SET rank = ? WHERE assessment_id = ? AND key = ?", arguments: [rank, id, key])
            }
        case let .setDiscuss(key, discuss):
            try db.execute(sql: "UPDATE concern SET discuss = ? WHERE assessment_id = ? AND key = ?", arguments: [discuss, id, key])
            if db.changesCount == 0 { throw StoreError.notFound("That concern") }
        case .saveAction(let a):
            if let actionId = a.id {
                try db.execute(sql: "UPDATE agreed_action SET concern_key = ?, what = ?, owner = ?, owner_name = ?, due = ?, service_id = ? WHERE id = ? AND assessment_id = ?",
                               arguments: [a.concernKey, a.what, a.owner.rawValue, a.ownerName, a.due?.iso, a.serviceId, actionId, id])
                if db.changesCount == 0 { throw StoreError.notFound("That action") }
            } else {
                try db.execute(sql: "INSERT INTO agreed_action (assessment_id, concern_key, what, owner, owner_name, due, service_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [id, a.concernKey, a.what, a.owner.rawValue, a.ownerName, a.due?.iso, a.serviceId])
            }
        case .deleteAction(let actionId):
            try db.execute(sql: "DELETE FROM agreed_action WHERE id = ? AND assessment_id = ?", arguments: [actionId, id])
        case .setPatientMessage(let text):
            try db.execute(sql: "UPDATE assessment SET patient_message = ? WHERE id = ?", arguments: [text, id])
        case .submit(let at):
            try db.execute(sql: "UPDATE assessment SET submitted_at = ? WHERE id = ?", arguments: [at, id])
        case .setReviewDate(let date):
            try db.execute(sql: "UPDATE assessment SET review_date = ? WHERE id = ?", arguments: [date?.iso, id])
        case let .agree(by, role, at, reviewDate):
            try db.execute(sql: "UPDATE assessment SET status = ?, agreed_by = ?, agreed_role = ?, agreed_at = ?, review_date = ? WHERE id = ?",
                           arguments: [AssessmentStatus.agreed.rawValue, by, role.rawValue, at, reviewDate.iso, id])
            // The plan this one replaces is kept, as history, but is no longer the current one.
            try db.execute(sql: "UPDATE assessment SET status = ? WHERE id = (SELECT previous_id FROM assessment WHERE id = ?) AND status = ?",
                           arguments: [AssessmentStatus.superseded.rawValue, id, AssessmentStatus.agreed.rawValue])
        }
    }

    /// Starts a new version of an agreed plan: a copy, in progress, that refers back to it.
    public func newVersion(of id: Int64, createdBy: String, now: Date) throws -> Assessment {
        let newId: Int64 = try write { db in
            guard let old = try Self.assessment(db, id: id) else { throw StoreError.notFound("The assessment") }
            if old.status == .inProgress { throw StoreError.conflict("This assessment is still in progress and") }
            if old.status == .discarded { throw StoreError.locked }  // it was never a plan
            if let newer = try Int64.fetchOne(db, sql: "SELECT id FROM assessment WHERE previous_id = ? AND status = ?", arguments: [id, AssessmentStatus.inProgress.rawValue]) {
                return newer  // a new version is already being written: continue that one
            }
            try db.execute(sql: """
                INSERT INTO assessment (patient_id, pathway_point, completed_by, date, status, catalogue_id, catalogue_version,
                    distress_score, what_matters, review_date, version, previous_id, created_by, created_at, updated_at)
                SELECT patient_id, pathway_point, completed_by, date, ?, catalogue_id, catalogue_version,
                    distress_score, what_matters, review_date, version + 1, id, ?, ?, ? FROM assessment WHERE id = ?
                """, arguments: [AssessmentStatus.inProgress.rawValue, createdBy, now, now, id])
            let newId = try db.lastInsertedRowID
            try db.execute(sql: """
                INSERT INTO concern (assessment_id, key, category_id, label, score, rank, discuss, note)
                SELECT ?, key, category_id, label, score, rank, discuss, note FROM concern WHERE assessment_id = ?
                """, arguments: [newId, id])
            try db.execute(sql: """
                INSERT INTO agreed_action (assessment_id, concern_key, what, owner, owner_name, due, service_id)
                SELECT ?, concern_key, what, owner, owner_name, due, service_id FROM agreed_action WHERE assessment_id = ? ORDER BY id
                """, arguments: [newId, id])
            try Self.audit(db, user: createdBy, action: "started new version", assessmentId: newId, detail: "of assessment \(id)", at: now)
            return newId
        }
        return try assessment(id: newId)!
    }
}
