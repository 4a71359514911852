import CareplanCore
import Crypto
import Foundation

/// What a practice records towards the cancer reviews' national timing, and the wellbeing information and
/// occasions given to patients (schema step v11-ccr).
extension CareStore {
    static func registerCareReviewMigration(_ m: inout Migrator) {
        m.registerMigration("v11-ccr") { db in
            // document_id: the Cancer Care Review or End of Treatment Summary (step v10) it was done in or given from.
            try db.execute(sql: db.dialect.ddl("""
                CREATE TABLE qof_record (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
                    indicator TEXT,
                    kind TEXT NOT NULL,
                    date TEXT NOT NULL,
                    how TEXT,
                    recorded_by TEXT NOT NULL,
                    document_id INTEGER REFERENCES document(id),
                    recorded_at DATETIME NOT NULL
                );
                CREATE INDEX qof_record_patient ON qof_record(patient_id, date, id);
                CREATE TABLE information_given (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
                    item_id TEXT NOT NULL,
                    title TEXT NOT NULL,
                    date TEXT NOT NULL,
                    how TEXT NOT NULL,
                    assessment_id INTEGER REFERENCES assessment(id),
                    document_id INTEGER REFERENCES document(id),
                    given_by TEXT NOT NULL,
                    recorded_at DATETIME NOT NULL
                );
                CREATE INDEX information_given_patient ON information_given(patient_id, date, id);
                CREATE TABLE occasion (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
                    item_id TEXT NOT NULL,
                    title TEXT NOT NULL,
                    status TEXT NOT NULL,
                    date TEXT NOT NULL,
                    recorded_by TEXT NOT NULL,
                    recorded_at DATETIME NOT NULL
                );
                CREATE INDEX occasion_patient ON occasion(patient_id, date, id);
                CREATE INDEX patient_diagnosis_date ON patient(diagnosis_date) WHERE diagnosis_date IS NOT NULL;
                """))
        }
    }

    /// Why a patient is unsuitable (or declined), in the clinician's words.
    static func registerQOFReasonMigration(_ m: inout Migrator) {
        m.registerMigration("v13-qof-reason") { db in
            try db.execute(sql: db.dialect.ddl("ALTER TABLE qof_record ADD COLUMN reason TEXT"))
        }
    }

    static func requirePatient(_ db: Database, _ id: Int64) throws {
        if try Int.fetchOne(db, sql: "SELECT 1 FROM patient WHERE id = ?", arguments: [id]) == nil { throw StoreError.notFound("The patient") }
    }

    /// A plan or document named as a source must be the patient's own.
    static func requireOwn(_ db: Database, table: String, id: Int64?, patientId: Int64, _ what: String) throws {
        guard let id else { return }
        if try Int64.fetchOne(db, sql: "SELECT patient_id FROM \(table) WHERE id = ?", arguments: [id]) != patientId {
            throw StoreError.notFound(what)
        }
    }

    /// Information cannot have been given before the patient was born, nor from a plan or document before it was
    /// started (the earlier of its own date and the day it was made, as one may be dated back).
    static func requirePossibleDate(_ db: Database, _ date: LocalDate, patientId: Int64, assessmentId: Int64?, documentId: Int64?) throws {
        if let born = try String.fetchOne(db, sql: "SELECT date_of_birth FROM patient WHERE id = ?", arguments: [patientId]).flatMap(LocalDate.init(iso:)),
           date < born {
            throw StoreError.refused("Not recorded: \(date.display) is before the patient was born (\(born.display))")
        }
        for (table, id, what) in [("assessment", assessmentId, "the plan"), ("document", documentId, "the document")] {
            guard let id, let row = try Row.fetchOne(db, sql: "SELECT date, created_at FROM \(table) WHERE id = ?", arguments: [id]) else { continue }
            let started = [(row["date"] as String?).flatMap(LocalDate.init(iso:)), (row["created_at"] as Date?).map { LocalDate($0) }].compactMap { $0 }.min()
            if let started, date < started {
                throw StoreError.refused("Not recorded: \(date.display) is before \(what) it was given from was started (\(started.display))")
            }
        }
    }

    // MARK: QOF records

    public func recordQOF(_ record: QOFRecord, by user: String, now: Date) throws -> QOFRecord {
        try write { db in try Self.insertQOF(db, record, by: user, now: now) }
    }

    /// One QOF record, audited, inside the caller's transaction (recording it, or signing the review it counts).
    @discardableResult
    static func insertQOF(_ db: Database, _ record: QOFRecord, by user: String, now: Date) throws -> QOFRecord {
        try Self.requirePatient(db, record.patientId)
        try Self.requireOwn(db, table: "document", id: record.documentId, patientId: record.patientId, "The patient's document")
        let who = TextCleaner.field(user, maxLength: Limits.personName)
        let reason = record.reason.map { TextCleaner.field($0, maxLength: Limits.actionText) }.flatMap { $0.isEmpty ? nil : $0 }
        try db.execute(sql: """
            INSERT INTO qof_record (patient_id, indicator, kind, date, how, recorded_by, document_id, recorded_at, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [record.patientId, record.indicator, record.kind.rawValue, record.date.iso, record.how?.rawValue, who,
                             record.documentId, now, reason])
        var saved = record
        saved.id = try db.lastInsertedRowID
        saved.recordedBy = who
        saved.recordedAt = now
        saved.reason = reason
        // The record's content goes into its entry, where the keyed chain guards it (`auditedRowProblems`).
        try Self.audit(db, user: who, action: "recorded QOF \(record.kind.rawValue)", patientId: record.patientId,
                       detail: Self.qofMark + "\(saved.id!): " + [record.indicator ?? "every indicator", record.how?.rawValue].compactMap { $0 }.joined(separator: ", ")
                           + Self.contentNote(db, [(.qof, saved.id!)]), at: now)
        return saved
    }

    /// Before a QOF record's id in its entry's detail.
    static let qofMark = "QOF record "

    /// What the QOF records no longer agree with their keyed entries about (`auditedRowProblems`), and a signed
    /// document whose signing recorded an indicator done with that `done` gone.
    func qofRecordProblems() throws -> [String] {
        var problems = try auditedRowProblems([.qof]).map(\.problem)
        try read { db in
            // Signing a document whose template records an indicator says so in its entry; its `done` must still be there.
            for e in try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE action = ? AND detail LIKE ? ORDER BY id",
                                      arguments: [Self.signedAction, "%" + Self.recordsQOFMark + "%"]).map(Self.auditEntry) {
                guard let id = Int64(e.detail.dropFirst("document ".count).prefix { $0.isNumber }),
                      let after = e.detail.range(of: Self.recordsQOFMark) else { continue }
                let indicator = String(e.detail[after.upperBound...].prefix { $0 != ";" })
                if try Int.fetchOne(db, sql: "SELECT 1 FROM qof_record WHERE document_id = ? AND kind = ? AND indicator = ?",
                                    arguments: [id, QOFRecordKind.done.rawValue, indicator]) == nil {
                    problems.append("document \(id) was signed recording \(indicator.uppercased()) done (audit entry \(e.id)), and that record is gone")
                }
            }
        }
        return problems
    }

    public func qofRecords(patientId: Int64) throws -> [QOFRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM qof_record WHERE patient_id = ? ORDER BY date, id", arguments: [patientId]).map(Self.qofRecord)
        }
    }

    static func qofRecord(_ r: Row) -> QOFRecord {
        QOFRecord(id: r["id"], patientId: r["patient_id"], indicator: r["indicator"], kind: QOFRecordKind(rawValue: r["kind"]) ?? .invited,
                  date: LocalDate(iso: r["date"])!, how: (r["how"] as String?).flatMap(ContactMethod.init(rawValue:)),
                  recordedBy: r["recorded_by"], documentId: r["document_id"], recordedAt: r["recorded_at"], reason: r["reason"])
    }

    public func qofPracticeView(rules: QOFRules, today: LocalDate, teams: Set<Int64>?, showing: QOFPracticeView.Showing,
                                limit: Int) throws -> QOFPracticeView {
        guard let since = rules.earliestCountedDiagnosis(on: today) else { return QOFPracticeView(entries: [], total: 0, counts: [:]) }
        return try read { db in
            let bounds: StatementArguments = [since.iso, today.iso]
            let team = teams.map { " AND team_id IN (\(sqlIdList($0)))" } ?? ""
            // Only the id and the date of every patient counted (the date as numbers: no text to take apart);
            // whole patients are read for the entries shown.
            let candidates = try Row.fetchAll(db, sql: """
                SELECT id, CAST(substr(diagnosis_date, 1, 4) AS INTEGER) AS y, CAST(substr(diagnosis_date, 6, 2) AS INTEGER) AS m,
                       CAST(substr(diagnosis_date, 9, 2) AS INTEGER) AS d
                FROM patient WHERE diagnosis_date BETWEEN ? AND ?\(team)
                """, arguments: bounds)
            let records = try Row.fetchAll(db, sql: """
                SELECT r.* FROM qof_record r JOIN patient p ON p.id = r.patient_id
                WHERE p.diagnosis_date BETWEEN ? AND ?\(team.replacingOccurrences(of: "team_id", with: "p.team_id")) ORDER BY r.date, r.id
                """, arguments: bounds).map(Self.qofRecord)
            let byPatient = Dictionary(grouping: records, by: \.patientId)
            let list = rules.worklist(candidates.map { r in
                let id: Int64 = r[0]
                return (id, LocalDate(year: r[1], month: r[2], day: r[3]), byPatient[id] ?? [])
            }, today: today, showing: showing, limit: limit)
            let ids = Set(list.entries.map(\.patientId))
            var patients: [Int64: Patient] = [:]
            if !ids.isEmpty {
                for r in try Row.fetchAll(db, sql: "SELECT * FROM patient WHERE id IN (\(sqlIdList(ids)))") {
                    let p = Self.patient(r)
                    patients[p.id!] = p
                }
            }
            return QOFPracticeView(entries: list.entries.compactMap { e in
                                       patients[e.patientId].map { .init(patient: $0, status: e.status, records: byPatient[e.patientId] ?? []) }
                                   },
                                   total: list.total, counts: list.counts)
        }
    }

    // MARK: Information and occasions

    public func recordInformationGiven(_ items: [InformationLibrary.Item], patientId: Int64, date: LocalDate, how: InformationDelivery,
                                       from source: InformationSource?, by user: String, now: Date) throws -> [InformationGiven] {
        try write { db in
            try Self.requirePatient(db, patientId)
            var assessmentId: Int64?, documentId: Int64?
            switch source {
            case .assessment(let id): assessmentId = id
            case .document(let id): documentId = id
            case nil: break
            }
            try Self.requireOwn(db, table: "assessment", id: assessmentId, patientId: patientId, "The patient's plan")
            try Self.requireOwn(db, table: "document", id: documentId, patientId: patientId, "The patient's document")
            try Self.requirePossibleDate(db, date, patientId: patientId, assessmentId: assessmentId, documentId: documentId)
            let who = TextCleaner.field(user, maxLength: Limits.personName)
            let given = try items.map { item in
                try db.execute(sql: """
                    INSERT INTO information_given (patient_id, item_id, title, date, how, assessment_id, document_id, given_by, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [patientId, item.id, item.title, date.iso, how.rawValue, assessmentId, documentId, who, now])
                return try InformationGiven(id: db.lastInsertedRowID, patientId: patientId, itemId: item.id, title: item.title, date: date,
                                            how: how, source: source, givenBy: who, recordedAt: now)
            }
            try Self.audit(db, user: who, action: "recorded information given", patientId: patientId, assessmentId: assessmentId,
                           detail: "\(items.count) item(s), \(how.rawValue)" + (documentId.map { ", from document \($0)" } ?? ""), at: now)
            return given
        }
    }

    public func informationGiven(patientId: Int64) throws -> [InformationGiven] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM information_given WHERE patient_id = ? ORDER BY date DESC, id DESC", arguments: [patientId]).map { r in
                let source: InformationSource? = (r["assessment_id"] as Int64?).map { .assessment($0) } ?? (r["document_id"] as Int64?).map { .document($0) }
                return InformationGiven(id: r["id"], patientId: r["patient_id"], itemId: r["item_id"], title: r["title"], date: LocalDate(iso: r["date"])!,
                                        how: InformationDelivery(rawValue: r["how"]) ?? .handedOver, source: source, givenBy: r["given_by"],
                                        recordedAt: r["recorded_at"])
            }
        }
    }

    public func recordOccasion(_ item: InformationLibrary.Item, patientId: Int64, status: OccasionStatus, date: LocalDate,
                               by user: String, now: Date) throws -> OccasionRecord {
        try write { db in
            try Self.requirePatient(db, patientId)
            let who = TextCleaner.field(user, maxLength: Limits.personName)
            try db.execute(sql: """
                INSERT INTO occasion (patient_id, item_id, title, status, date, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [patientId, item.id, item.title, status.rawValue, date.iso, who, now])
            let id = try db.lastInsertedRowID  // before the audit entry, which is a row too
            try Self.audit(db, user: who, action: "recorded \(item.format.rawValue) \(status.rawValue)", patientId: patientId, at: now)
            return OccasionRecord(id: id, patientId: patientId, itemId: item.id, title: item.title, status: status, date: date,
                                  recordedBy: who, recordedAt: now)
        }
    }

    public func occasions(patientId: Int64) throws -> [OccasionRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM occasion WHERE patient_id = ? ORDER BY date DESC, id DESC", arguments: [patientId]).map { r in
                OccasionRecord(id: r["id"], patientId: r["patient_id"], itemId: r["item_id"], title: r["title"],
                               status: OccasionStatus(rawValue: r["status"]) ?? .offered, date: LocalDate(iso: r["date"])!,
                               recordedBy: r["recorded_by"], recordedAt: r["recorded_at"])
            }
        }
    }
}
