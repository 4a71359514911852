import CareplanCore
import Crypto
import Foundation

/// Documents written on templates: a row per document, a row per field value, a row per row of a group.
/// Values are kept as JSON of `FieldValue`, so a new kind of document needs no new table.
extension CareStore {
    static func registerDocumentsMigration(_ m: inout Migrator) {
        m.registerMigration("v10-documents") { db in
            try db.execute(sql: db.dialect.ddl("""
                CREATE TABLE document (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    patient_id INTEGER NOT NULL REFERENCES patient(id),
                    template_id TEXT NOT NULL,
                    template_version TEXT NOT NULL,
                    title TEXT NOT NULL,
                    date_field TEXT,
                    date TEXT NOT NULL,
                    status TEXT NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1,
                    previous_id INTEGER REFERENCES document(id),
                    created_by TEXT NOT NULL DEFAULT '',
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    signed_by TEXT NOT NULL DEFAULT '',
                    signed_role TEXT NOT NULL DEFAULT '',
                    signed_at DATETIME,
                    revision INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX document_patient ON document(patient_id, date, id);
                CREATE TABLE document_value (
                    document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
                    field TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (document_id, field)
                ) WITHOUT ROWID;
                CREATE TABLE document_row (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
                    field TEXT NOT NULL,
                    value TEXT NOT NULL
                );
                CREATE INDEX document_row_document ON document_row(document_id, id);
                """))
        }
    }

    static func encode<T: Encodable>(_ v: T) throws -> String { String(decoding: try JSONEncoder().encode(v), as: UTF8.self) }
    static func decode<T: Decodable>(_ type: T.Type, _ s: String) throws -> T { try JSONDecoder().decode(type, from: Data(s.utf8)) }

    // MARK: Reading

    static func document(_ db: Database, id: Int64) throws -> Document? {
        guard let r = try Row.fetchOne(db, sql: "SELECT * FROM document WHERE id = ?", arguments: [id]) else { return nil }
        var values: [String: FieldValue] = [:]
        for v in try Row.fetchAll(db, sql: "SELECT field, value FROM document_value WHERE document_id = ?", arguments: [id]) {
            values[v["field"]] = try decode(FieldValue.self, v["value"])
        }
        var rows: [String: [DocumentRow]] = [:]
        for v in try Row.fetchAll(db, sql: "SELECT id, field, value FROM document_row WHERE document_id = ? ORDER BY id", arguments: [id]) {
            rows[v["field"], default: []].append(DocumentRow(id: v["id"], values: try decode([String: FieldValue].self, v["value"])))
        }
        return Document(id: r["id"], patientId: r["patient_id"], templateId: r["template_id"], templateVersion: r["template_version"],
                        title: r["title"], status: DocumentStatus(rawValue: r["status"]) ?? .draft, version: r["version"],
                        previousId: r["previous_id"], values: values, rows: rows, date: LocalDate(iso: r["date"])!,
                        createdBy: r["created_by"], createdAt: r["created_at"], updatedAt: r["updated_at"], signedBy: r["signed_by"],
                        signedRole: r["signed_role"], signedAt: r["signed_at"], revision: r["revision"])
    }

    static func documentSummary(_ r: Row) -> DocumentSummary {
        DocumentSummary(id: r["id"], patientId: r["patient_id"], templateId: r["template_id"], title: r["title"],
                        status: DocumentStatus(rawValue: r["status"]) ?? .draft, version: r["version"], date: LocalDate(iso: r["date"])!,
                        updatedAt: r["updated_at"], signedAt: r["signed_at"])
    }

    static let documentSummaryColumns = "id, patient_id, template_id, title, status, version, date, updated_at, signed_at, created_at"

    public func document(id: Int64) throws -> Document? {
        try read { db in try Self.document(db, id: id) }
    }

    public func documents(patientId: Int64) throws -> [DocumentSummary] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.documentSummaryColumns) FROM document WHERE patient_id = ? ORDER BY date DESC, updated_at DESC, id DESC",
                             arguments: [patientId]).map(Self.documentSummary)
        }
    }

    public func timeline(patientId: Int64, limit: Int) throws -> [TimelineEntry] {
        let limit = max(0, limit)
        return try read { db in
            // Each kind newest first and bounded, then merged: newest first by date, then by when it was started.
            let documents = try Row.fetchAll(db, sql: """
                SELECT \(Self.documentSummaryColumns) FROM document WHERE patient_id = ? ORDER BY date DESC, created_at DESC, id DESC LIMIT ?
                """, arguments: [patientId, limit]).map { (Self.documentSummary($0), $0["created_at"] as Date) }
            let assessments = try Self.assessmentSummaries(db, patientId: patientId, limit: limit)
            let merged = documents.map { (TimelineEntry.document($0.0), $0.1) } + assessments.map { (TimelineEntry.assessment($0.0), $0.1) }
            return merged.sorted { a, b in a.0.date != b.0.date ? a.0.date > b.0.date : a.1 > b.1 }.prefix(limit).map(\.0)
        }
    }

    // MARK: Changing

    public func createDocument(template: DocumentTemplate, patientId: Int64, createdBy: String, today: LocalDate, now: Date) throws -> Document {
        let starter = try user(named: createdBy)  // for `default: user`
        let id: Int64 = try write { db in
            guard let patient = try Row.fetchOne(db, sql: "SELECT * FROM patient WHERE id = ?", arguments: [patientId]).map(Self.patient) else { throw StoreError.notFound("The patient") }
            let earlierIds = try Int64.fetchAll(db, sql: "SELECT id FROM document WHERE patient_id = ? ORDER BY date DESC, id DESC", arguments: [patientId])
            let earlier = try earlierIds.compactMap { try Self.document(db, id: $0) }
            let hna = try AssessmentSummary.latest(Self.assessmentSummaries(db, patientId: patientId).map(\.0))
                .flatMap { try Self.assessment(db, id: $0.id) }
            let values = template.defaults(patient: patient, today: today, earlier: earlier, user: starter, assessment: hna)
            var date = today
            if let f = template.dateField, case .date(let d)? = values[f] { date = d }
            try db.execute(sql: """
                INSERT INTO document (patient_id, template_id, template_version, title, date_field, date, status, created_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [patientId, template.id, template.version, template.title, template.dateField, date.iso, DocumentStatus.draft.rawValue,
                                 TextCleaner.field(createdBy, maxLength: Limits.personName), now, now])
            let id = try db.lastInsertedRowID
            for (field, value) in values {
                try db.execute(sql: "INSERT INTO document_value (document_id, field, value) VALUES (?, ?, ?)", arguments: [id, field, try Self.encode(value.normalised)])
            }
            try Self.audit(db, user: createdBy, action: "started document", patientId: patientId, detail: Self.auditName(id, template.id), at: now)
            return id
        }
        return try document(id: id)!
    }

    /// How the audit trail names a document: its number and kind, never its contents.
    static func auditName(_ id: Int64, _ templateId: String) -> String { "document \(id) (\(templateId))" }

    public func recordDocumentView(user: String, documentId: Int64, now: Date) throws {
        try write { db in
            let (patientId, templateId) = try Self.owner(db, documentId)
            try Self.audit(db, user: user, action: "viewed document", patientId: patientId, detail: Self.auditName(documentId, templateId), at: now)
        }
    }

    public func recordDocumentExport(documentId: Int64, format: String, destination: String, by user: String, now: Date) throws {
        try write { db in
            let (patientId, templateId) = try Self.owner(db, documentId)
            let to = TextCleaner.field(destination, maxLength: 500)
            try Self.audit(db, user: user, action: "exported document", patientId: patientId,
                           detail: Self.auditName(documentId, templateId) + " as \(format)" + (to.isEmpty ? "" : " to \(to)"), at: now)
        }
    }

    static func owner(_ db: Database, _ documentId: Int64) throws -> (Int64, String) {
        guard let r = try Row.fetchOne(db, sql: "SELECT patient_id, template_id FROM document WHERE id = ?", arguments: [documentId]) else {
            throw StoreError.notFound("The document")
        }
        return (r["patient_id"], r["template_id"])
    }

    public func save(_ change: DocumentChange, to id: Int64, base: DocumentAnswer, template: DocumentTemplate, by user: String,
                     now: Date) throws -> SavedDocumentChange {
        try write(once: "document \(id) \(String(reflecting: change)) from \(String(reflecting: base)) by \(user)", { db in
            guard let current = try Self.document(db, id: id) else { throw StoreError.notFound("The document") }
            if current.isLocked { throw StoreError.signed }
            if let why = template.refusal(of: change) { throw StoreError.refused(why) }
            let resolution = try change.normalised.resolved(against: current, base: base, in: template)
            let written: DocumentChange
            var merged: String?
            switch resolution {
            case .nothing: return SavedDocumentChange(document: current)
            case .write(let c): written = c
            case .merged(let c, let why): written = c; merged = why
            }
            try Self.apply(written, db, id)
            if written.fieldId == template.dateField, case .setField(_, let v) = written {
                let date: LocalDate = if case .date(let d)? = v { d } else { LocalDate(current.createdAt) }
                try db.execute(sql: "UPDATE document SET date = ? WHERE id = ?", arguments: [date.iso, id])
            }
            let typing = if case .setField(_, .text?) = written { true } else { false }
            try Self.auditChange(db, user: user, action: "changed document", patientId: current.patientId, assessmentId: nil,
                                 detail: Self.auditName(id, current.templateId) + " \(written.fieldId)", typing: typing, now: now)
            try db.execute(sql: "UPDATE document SET revision = revision + 1, updated_at = ? WHERE id = ?", arguments: [now, id])
            return SavedDocumentChange(document: try Self.document(db, id: id)!, merged: merged)
        }, stored: { db in
            guard let current = try Self.document(db, id: id) else { throw StoreError.notFound("The document") }
            return SavedDocumentChange(document: current)
        })
    }

    static func apply(_ change: DocumentChange, _ db: Database, _ id: Int64) throws {
        switch change {
        case .setField(let field, nil):
            try db.execute(sql: "DELETE FROM document_value WHERE document_id = ? AND field = ?", arguments: [id, field])
        case .setField(let field, let value?):
            try db.execute(sql: """
                INSERT INTO document_value (document_id, field, value) VALUES (?, ?, ?)
                ON CONFLICT (document_id, field) DO UPDATE SET value = excluded.value
                """, arguments: [id, field, try encode(value)])
        case .saveRow(let group, let row):
            if let rowId = row.id {
                try db.execute(sql: "UPDATE document_row SET value = ? WHERE id = ? AND document_id = ? AND field = ?",
                               arguments: [try encode(row.values), rowId, id, group])
                if db.changesCount == 0 { throw StoreError.notFound("That row") }
            } else {
                try db.execute(sql: "INSERT INTO document_row (document_id, field, value) VALUES (?, ?, ?)", arguments: [id, group, try encode(row.values)])
            }
        case let .deleteRow(group, rowId):
            try db.execute(sql: "DELETE FROM document_row WHERE id = ? AND document_id = ? AND field = ?", arguments: [rowId, id, group])
        }
    }

    public func sign(documentId: Int64, revision: Int, template: DocumentTemplate, by user: String, name: String, role: String, now: Date) throws -> Document {
        try write { db in
            guard let current = try Self.document(db, id: documentId) else { throw StoreError.notFound("The document") }
            if current.isLocked { throw StoreError.signed }
            guard current.templateId == template.id else {
                throw StoreError.refused("This document is \(current.title.withArticle), not \(template.title.withArticle)")
            }
            if current.revision != revision {
                throw StoreError.changedElsewhere("Not signed: another terminal changed the document since it was shown; read it again")
            }
            // A signer the store knows signs only in the role, and while enabled, as the store has them now: not as a
            // screen or an older session last saw them.
            if let (storedRole, disabled) = try Row.fetchOne(db, sql: "SELECT role_id, disabled FROM staff_user WHERE user_name = ?",
                                                             arguments: [user]).map({ (($0["role_id"] as String), ($0["disabled"] as Bool)) }) {
                if disabled { throw StoreError.refused("Not signed: this account is disabled") }
                if storedRole != role { throw StoreError.refused("Not signed: the account's role is now another; sign in again") }
            }
            let patient = try Row.fetchOne(db, sql: "SELECT * FROM patient WHERE id = ?", arguments: [current.patientId]).map(Self.patient)
            let problems = template.signingProblems(current, role: role, today: LocalDate(now), patient: patient)
            if !problems.isEmpty { throw StoreError.refused("Not signed: " + problems.joined(separator: "; ")) }
            try db.execute(sql: """
                UPDATE document SET status = ?, signed_by = ?, signed_role = ?, signed_at = ?, revision = revision + 1, updated_at = ? WHERE id = ?
                """, arguments: [DocumentStatus.signed.rawValue, TextCleaner.field(name, maxLength: Limits.personName), role, now, now, documentId])
            // The version this one replaces is kept, as history, but is no longer the current one.
            try db.execute(sql: "UPDATE document SET status = ? WHERE id = ? AND status = ?",
                           arguments: [DocumentStatus.superseded.rawValue, current.previousId, DocumentStatus.signed.rawValue])
            // What signing counts towards (a Cancer Care Review: CAN004) is recorded with the signature, or neither is.
            // Dated the day the document says it was done (the review held), not the day it was signed.
            if let indicator = template.recordsQOF {
                guard let field = template.recordsQOFDate, case .date(let done)? = current[field] else {
                    throw StoreError.refused("Not signed: the template names no date for the \(indicator.uppercased()) record")
                }
                try Self.insertQOF(db, QOFRecord(patientId: current.patientId, indicator: indicator, kind: .done, date: done,
                                                 documentId: documentId), by: user, now: now)
            }
            // The signed content's hash goes into the entry, where the keyed chain guards it (`signedContentProblem`).
            try Self.audit(db, user: user, action: Self.signedAction, patientId: current.patientId,
                           detail: Self.auditName(documentId, current.templateId) + " as \(role)"
                               + (template.recordsQOF.map { Self.recordsQOFMark + $0 } ?? "") + Self.contentMark
                               + (try Self.signedContentHash(db, documentId: documentId) ?? ""), at: now)
            return try Self.document(db, id: documentId)!
        }
    }

    public func newVersion(ofDocument id: Int64, createdBy: String, now: Date) throws -> Document {
        let newId: Int64 = try write { db in
            guard let old = try Self.document(db, id: id) else { throw StoreError.notFound("The document") }
            if old.status == .draft { throw StoreError.refused("This document is a draft: change it as it is") }
            if let newer = try Int64.fetchOne(db, sql: "SELECT id FROM document WHERE previous_id = ? AND status = ?", arguments: [id, DocumentStatus.draft.rawValue]) {
                return newer  // a new version is already being written: continue that one
            }
            try db.execute(sql: """
                INSERT INTO document (patient_id, template_id, template_version, title, date_field, date, status, version, previous_id,
                                      created_by, created_at, updated_at)
                SELECT patient_id, template_id, template_version, title, date_field, date, ?, version + 1, id, ?, ?, ? FROM document WHERE id = ?
                """, arguments: [DocumentStatus.draft.rawValue, TextCleaner.field(createdBy, maxLength: Limits.personName), now, now, id])
            let newId = try db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO document_value (document_id, field, value) SELECT ?, field, value FROM document_value WHERE document_id = ?",
                           arguments: [newId, id])
            try db.execute(sql: "INSERT INTO document_row (document_id, field, value) SELECT ?, field, value FROM document_row WHERE document_id = ? ORDER BY id",
                           arguments: [newId, id])
            try Self.audit(db, user: createdBy, action: "started new version", patientId: old.patientId,
                           detail: Self.auditName(newId, old.templateId) + " of document \(id)", at: now)
            return newId
        }
        return try document(id: newId)!
    }

    // MARK: What a signature covers

    static let signedAction = "signed document"
    /// Before the content hash in a signing entry's detail.
    static let contentMark = "; signed content sha256 "
    /// Before the indicator a signing recorded done (`qofRecordProblems` checks the record is still there).
    static let recordsQOFMark = "; records QOF "

    /// SHA-256 of what a signature covers, as stored: the patient, template and its version, title, date, who
    /// signed in what role and when, every value (by field) and every row (in order), each length-prefixed so
    /// no two contents encode alike. Nil if there is no such document.
    static func signedContentHash(_ db: Database, documentId: Int64) throws -> String? {
        let columns = ["patient_id", "template_id", "template_version", "title", "date", "signed_by", "signed_role", "signed_at"]
        guard let d = try Row.fetchOne(db, sql: "SELECT " + columns.map { "CAST(\($0) AS TEXT) AS \($0)" }.joined(separator: ", ")
                                       + " FROM document WHERE id = ?", arguments: [documentId]) else { return nil }
        var fields = columns.map { (d[$0] as String?) ?? "" }
        for v in try Row.fetchAll(db, sql: "SELECT field, value FROM document_value WHERE document_id = ? ORDER BY field", arguments: [documentId]) {
            fields += ["value", v["field"], v["value"]]
        }
        for r in try Row.fetchAll(db, sql: "SELECT field, value FROM document_row WHERE document_id = ? ORDER BY id", arguments: [documentId]) {
            fields += ["row", r["field"], r["value"]]
        }
        return SHA256.hash(data: Data(fields.map { "\($0.utf8.count):\($0)" }.joined().utf8)).hex
    }

    /// Why what the store holds of document `id` is not what was signed, or nil: a document marked signed
    /// with no signing entry, a signed one no longer marked so, or content that no longer matches the hash
    /// in its (keyed, so unforgeable without the key) signing entry. Documents signed before hashes were kept
    /// (no hash in their entry) are taken as they are.
    static func signedContentProblem(_ db: Database, documentId id: Int64, keeper: AuditKeeper) throws -> String? {
        guard let doc = try Row.fetchOne(db, sql: "SELECT template_id, signed_at IS NOT NULL AS signed FROM document WHERE id = ?", arguments: [id]) else {
            return nil
        }
        let name = "document \(id)"
        let entry = try Row.fetchOne(db, sql: """
            SELECT * FROM audit_log WHERE action = ? AND detail LIKE ? ORDER BY id DESC LIMIT 1
            """, arguments: [signedAction, "document \(id) (%"]).map(auditEntry)
        let signed: Bool = doc["signed"]
        guard let entry else { return signed ? "\(name) is marked signed, but the audit trail has no signing of it" : nil }
        guard signed else { return "\(name) was signed (audit entry \(entry.id)) but is no longer marked signed" }
        guard let mark = entry.detail.range(of: contentMark) else { return nil }
        if entry.hash != (try keeper.mac(Data(text(of: entry).utf8))) {
            return "\(name)'s signing entry (\(entry.id)) does not match the audit key: the trail was changed"
        }
        if String(entry.detail[mark.upperBound...]) != (try signedContentHash(db, documentId: id)) {
            return "\(name) was changed after it was signed: what the store holds is not what \(entry.user) signed on \(shownTime(entry.at)) (audit entry \(entry.id))"
        }
        return nil
    }

    public func signedContentProblem(documentId: Int64) throws -> String? {
        try read { db in try Self.signedContentProblem(db, documentId: documentId, keeper: auditKeeper) }
    }

    /// Every document whose stored content is not what was signed (`signedContentProblem`), for `audit --verify`.
    func signedContentProblems() throws -> [String] {
        try read { db in
            // The signing entries name their document: `document 12 (...`; read in Swift, the same on every engine.
            let named = try String.fetchAll(db, sql: "SELECT detail FROM audit_log WHERE action = ? AND detail LIKE 'document % (%'",
                                            arguments: [Self.signedAction])
                .compactMap { Int64($0.dropFirst("document ".count).prefix { $0 != " " }) }
            let ids = Set(try Int64.fetchAll(db, sql: "SELECT id FROM document WHERE signed_at IS NOT NULL") + named).sorted()
            return try ids.compactMap { try Self.signedContentProblem(db, documentId: $0, keeper: auditKeeper) }
        }
    }
}
