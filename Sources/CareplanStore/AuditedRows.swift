import CareplanCore
import Crypto
import Foundation

/// A table whose records' content is kept in the keyed audit trail: each write's entry carries the SHA-256 of
/// every record it wrote, as it is after the write, and `audit --verify` compares (`auditedRowProblems`). One
/// mechanism for every such table; only the columns that matter clinically are digested.
struct AuditedTable: Sendable {
    let table: String
    /// How verify names a record (with its id); never clinical words.
    let label: String
    /// Whose records they are, for verify's closing words ("the QOF records were changed outside careplan").
    let group: String
    /// SQL giving the record's patient.
    let patient: String
    /// The schema step that made the table: from then on, a store without it was damaged outside careplan.
    let step: String
    /// The digested columns, in order; `digested` ones (free text) enter as their own SHA-256.
    let columns: [String]
    var digested: Set<String> = []

    static let qof = AuditedTable(table: "qof_record", label: "QOF record", group: "QOF records", patient: "patient_id", step: "v11-ccr",
                                  columns: ["patient_id", "indicator", "kind", "date", "how", "document_id", "reason"], digested: ["reason"])
    static let enrolment = AuditedTable(
        table: "follow_up_enrolment", label: "follow_up_enrolment", group: "follow-up records", patient: "patient_id", step: "v13-followup",
        columns: ["patient_id", "pathway_id", "pathway_version", "pathway_hash", "start_date", "end_date", "document_id", "status", "status_reason",
                  "discharged_on"], digested: ["status_reason"])
    static let test = AuditedTable(
        table: "follow_up_test", label: "follow_up_test", group: "follow-up records", patient: "patient_id", step: "v13-followup",
        columns: ["enrolment_id", "patient_id", "code", "due_date", "grace_days", "overdue_from", "status", "status_date", "skip_reason", "added", "paused"],
        digested: ["skip_reason"])
    static let change = AuditedTable(
        table: "follow_up_change", label: "follow_up_change", group: "follow-up records",
        patient: "(SELECT patient_id FROM follow_up_enrolment WHERE id = enrolment_id)", step: "v13-followup",
        columns: ["enrolment_id", "test_id", "kind", "from_date", "to_date", "reason", "changed_by"], digested: ["reason"])
    static let result = AuditedTable(
        table: "follow_up_result", label: "follow_up_result", group: "follow-up records", patient: "patient_id", step: "v13-followup",
        columns: ["test_id", "enrolment_id", "patient_id", "code", "value", "unit", "judgement", "taken_on", "note", "source", "needs_review",
                  "recorded_by", "review_outcome", "review_note", "reviewed_by"], digested: ["note", "review_note"])
    static let contact = AuditedTable(
        table: "follow_up_contact", label: "follow_up_contact", group: "follow-up records", patient: "patient_id", step: "v13-followup",
        columns: ["patient_id", "enrolment_id", "at", "reason", "red_flag", "recorded_by", "response", "response_note", "returned_at", "returned_by"],
        digested: ["reason", "response_note"])

    static let pathway = AuditedTable(table: "follow_up_pathway", label: "follow_up_pathway", group: "follow-up records", patient: "NULL", step: "v14-followup-integrity",
                                      columns: ["hash", "pathway_id", "version", "text"], digested: ["text"])

    /// The offers COSD CR7900 and the hna report count; the reason (free text) enters as its digest.
    static let hnaOffer = AuditedTable(table: "hna_offer", label: "HNA offer", group: "HNA offers", patient: "patient_id", step: "v15-hna-offer",
                                       columns: ["patient_id", "date", "pathway_point", "outcome", "assessment_id", "offered_by", "offered_role", "reason"],
                                       digested: ["reason"])

    static let all = [qof, enrolment, test, change, result, contact, pathway, hnaOffer]
    static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.table, $0) })

    /// The record's content: each column as stored (NULL as empty), length-prefixed so no two records encode alike.
    func digest(_ row: Row) -> String {
        let fields = columns.map { column -> String in
            let value: SQLValue = row[column]
            return digested.contains(column) && !value.isNull ? SHA256.hash(data: Data(Self.text(value).utf8)).hex : Self.text(value)
        }
        return SHA256.hash(data: Data(fields.map { "\($0.utf8.count):\($0)" }.joined().utf8)).hex
    }

    static func text(_ value: SQLValue) -> String {
        switch value {
        case .null: return ""
        case .int64(let i): return String(i)
        case .double(let d): return String(d)
        case .text(let s): return s
        case .blob(let b): return b.map { String(format: "%02x", $0) }.joined()
        }
    }

    var select: String { "SELECT id, \(patient) AS audited_patient, \(columns.joined(separator: ", ")) FROM \(table)" }
}

extension CareStore {
    /// Before the digests in an entry's detail: `table id sha256`, comma-separated (a QOF record's entries from
    /// before follow-up carry its digest alone, the record named by the detail's `QOF record N`).
    static let recordContentMark = "; content sha256 "

    /// What an entry's detail ends with for the records a write touched, read back as they now are.
    static func contentNote(_ db: Database, _ records: [(AuditedTable, Int64)]) throws -> String {
        let items = try records.map { table, id -> String in
            guard let row = try Row.fetchOne(db, sql: table.select + " WHERE id = ?", arguments: [id]) else {
                throw StoreError.cannotWrite("the record just written (\(table.table) \(id)) cannot be read back")
            }
            return "\(table.table) \(id) \(table.digest(row))"
        }
        return items.isEmpty ? "" : recordContentMark + items.joined(separator: ", ")
    }

    /// Before the id ranges a seeding wrote (fictional records, one entry for many thousands: not digested).
    static let seededMark = "; seeded rows "

    /// `table first-last` for the records a seeding added from `first` on, nil when none; for after `seededMark`.
    static func seededRange(_ db: Database, _ table: AuditedTable, from first: Int64) throws -> String? {
        let last = try Int64.fetchOne(db, sql: "SELECT max(id) FROM \(table.table)") ?? 0
        return last >= first ? "\(table.table) \(first)-\(last)" : nil
    }

    /// The next id the table will give (ids are AUTOINCREMENT, so never reused): where a seeding's range starts.
    static func nextId(_ db: Database, _ table: AuditedTable) throws -> Int64 {
        (try Int64.fetchOne(db, sql: db.dialect.lastIdSQL, arguments: [table.table]) ?? 0) + 1
    }

    /// Before the records a write took out on purpose (`table id`, comma-separated): verify no longer expects them.
    static let removedMark = "; removed rows "

    /// The audited tables a store at its schema steps should hold and does not: dropped outside careplan.
    static func missingAuditedTables(_ db: Database) throws -> [AuditedTable] {
        let steps = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
        return try AuditedTable.all.filter { try steps.contains($0.step) && !db.tableExists($0.table) }
    }

    /// The audited tables dropped outside careplan, by name (`careplan check --store`).
    public static func missingAuditedTableNames(_ db: Database) throws -> [String] { try missingAuditedTables(db).map(\.table) }

    /// Where the digests and seeded ranges of every entry say each audited record should be: the newest entry naming it.
    static func auditedContent(_ db: Database) throws -> (digests: [String: [Int64: (AuditEntry, String)]], seeded: [String: [ClosedRange<Int64>]]) {
        var digests: [String: [Int64: (AuditEntry, String)]] = [:], seeded: [String: [ClosedRange<Int64>]] = [:]
        for e in try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE detail LIKE ? OR detail LIKE ? OR detail LIKE ? ORDER BY id",
                                  arguments: ["%" + recordContentMark + "%", "%" + seededMark + "%", "%" + removedMark + "%"]).map(auditEntry) {
            if let mark = e.detail.range(of: recordContentMark) {
                for item in e.detail[mark.upperBound...].split(separator: ",") {
                    let parts = item.split(separator: " ")
                    if parts.count == 3, let id = Int64(parts[1]) {
                        digests[String(parts[0]), default: [:]][id] = (e, String(parts[2]))
                    } else if parts.count == 1, e.detail.hasPrefix(qofMark), let id = Int64(e.detail.dropFirst(qofMark.count).prefix { $0.isNumber }) {
                        digests[AuditedTable.qof.table, default: [:]][id] = (e, String(parts[0]))
                    }
                }
            }
            if let mark = e.detail.range(of: seededMark) {
                for item in e.detail[mark.upperBound...].split(separator: ",") {
                    let parts = item.split(separator: " ")
                    guard parts.count == 2, let bounds = Optional(parts[1].split(separator: "-").compactMap { Int64($0) }), bounds.count == 2,
                          bounds[0] <= bounds[1] else { continue }
                    seeded[String(parts[0]), default: []].append(bounds[0]...bounds[1])
                }
            }
            if let mark = e.detail.range(of: removedMark) {
                for item in e.detail[mark.upperBound...].split(separator: ",") {
                    let parts = item.split(separator: " ")
                    if parts.count == 2, let id = Int64(parts[1]) { digests[String(parts[0])]?[id] = nil }
                }
            }
        }
        return (digests, seeded)
    }

    /// What the records of `tables` no longer agree with their keyed entries about, for `audit --verify`, with the
    /// table's group: a record with no entry (inserted outside careplan), one whose content is not what was written,
    /// and an audited record gone. Named by table and id, never by what they say.
    func auditedRowProblems(_ tables: [AuditedTable] = AuditedTable.all) throws -> [(problem: String, group: String)] {
        try read { db in
            let (digests, seeded) = try Self.auditedContent(db)
            var problems: [(String, String)] = []
            var checkedEntries: [Int64: Bool] = [:]
            let missing = try Self.missingAuditedTables(db).map(\.table)
            for t in tables where missing.contains(t.table) {
                problems.append(("the table \(t.table) is missing from the store: it was dropped outside careplan (run `careplan check --store`)", t.group))
            }
            for t in tables where !missing.contains(t.table) {
                let audited = digests[t.table] ?? [:]
                var present = Set<Int64>()
                let rows = try Row.fetchCursor(db, sql: t.select + " ORDER BY id")
                while let row = try rows.next() {
                    let id: Int64 = row["id"], patient = (row["audited_patient"] as Int64?).map(String.init) ?? "?"
                    present.insert(id)
                    guard let (e, digest) = audited[id] else {
                        if !(seeded[t.table] ?? []).contains(where: { $0.contains(id) }) {
                            problems.append(("\(t.label) \(id) (patient \(patient)) has no audit entry: it was put in the store outside careplan", t.group))
                        }
                        continue
                    }
                    let keyed = try checkedEntries[e.id] ?? { let ok = try e.hash == auditKeeper.mac(Data(Self.text(of: e).utf8)); checkedEntries[e.id] = ok; return ok }()
                    if !keyed {
                        problems.append(("\(t.label) \(id)'s audit entry (\(e.id)) does not match the audit key: the trail was changed", t.group))
                    } else if digest != t.digest(row) {
                        problems.append(("\(t.label) \(id) (patient \(patient)) was changed after it was recorded: it is not what \(e.user) recorded on "
                                         + "\(Self.shownTime(e.at)) (audit entry \(e.id))", t.group))
                    }
                }
                for (id, (e, _)) in audited.sorted(by: { $0.key < $1.key }) where !present.contains(id) {
                    problems.append(("\(t.label) \(id) (patient \(e.patientId.map(String.init) ?? "?")), recorded in audit entry \(e.id), is gone: removed outside careplan",
                                     t.group))
                }
            }
            return problems
        }
    }
}
