import Foundation

/// Where a document is in its life. A signed document is locked: changing it means a new version.
public enum DocumentStatus: String, Codable, Sendable, CaseIterable {
    case draft, signed
    /// A signed document a newer signed version has replaced: kept as history.
    case superseded

    public var label: String {
        switch self {
        case .draft: return "Draft"
        case .signed: return "Signed"
        case .superseded: return "Superseded"
        }
    }
}

/// One field's value, of the field's kind (`FieldKind`).
public enum FieldValue: Hashable, Sendable, Codable {
    /// Short or long text.
    case text(String)
    case date(LocalDate)
    /// A number as the nurse wrote it, checked by `FieldKind.value(from:)` ("2", "50.4").
    case number(String)
    case yesNo(Bool)
    /// A choice (one code) or choices (several), from the field's code list.
    case codes([String])
    /// A person: a staff user's id and name, or a name typed in (no id).
    case person(name: String, staffId: String?)
    /// A service id from Resources/services.yaml.
    case service(String)
    /// Concerns from a checklist catalogue, each with its score, in the order chosen.
    case concerns([ScoredConcern])

    /// Empty text, no codes: the same as no value (a required field so filled is still missing).
    public var isEmpty: Bool {
        switch self {
        case .text(let t), .number(let t): return t.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case .codes(let c): return c.isEmpty
        case .person(let name, _): return name.trimmingCharacters(in: .whitespaces).isEmpty
        case .service(let s): return s.isEmpty
        case .concerns(let c): return c.isEmpty
        case .date, .yesNo: return false
        }
    }

    /// The value as it is kept: text cleaned and cut to its field's limit.
    public var normalised: FieldValue {
        switch self {
        case .text(let t): return .text(TextCleaner.multiLine(String(t.prefix(Limits.note))))
        case .number(let n): return .number(TextCleaner.field(n, maxLength: 30))
        case let .person(name, staff): return .person(name: TextCleaner.field(name, maxLength: Limits.personName), staffId: staff)
        case .concerns(let list):
            return .concerns(list.map { ScoredConcern(key: $0.key, label: TextCleaner.field($0.label, maxLength: Limits.concernText),
                                                      score: $0.score.map { max(0, min(10, $0)) }) })
        default: return self
        }
    }
}

/// A concern as a document holds it: its catalogue item id (or the HNA's own-words key), its label as it was
/// when chosen (so the document reads the same after the catalogue changes) and its score 0 to 10, if given.
public struct ScoredConcern: Hashable, Sendable, Codable {
    public var key: String
    public var label: String
    public var score: Int?
    public init(key: String, label: String, score: Int? = nil) {
        self.key = key
        self.label = label
        self.score = score
    }
    /// "Pain (7)", "Fatigue (not scored)".
    public var shown: String { "\(label) (\(score.map(String.init) ?? "not scored"))" }
}

/// One row of a repeating group (a treatment, a referral). The store gives it an id when it is first saved.
public struct DocumentRow: Hashable, Sendable, Codable {
    public var id: Int64?
    public var values: [String: FieldValue]
    public init(id: Int64? = nil, values: [String: FieldValue] = [:]) {
        self.id = id
        self.values = values
    }
    public subscript(field: String) -> FieldValue? { values[field] }
}

/// A clinical document written on a template (an End of Treatment Summary, ...).
public struct Document: Hashable, Sendable {
    public var id: Int64
    public var patientId: Int64
    public var templateId: String
    public var templateVersion: String
    /// The template's title when the document was started.
    public var title: String
    public var status: DocumentStatus
    /// 1 for the first, one more for each new version of a signed document.
    public var version: Int
    public var previousId: Int64?
    /// Values of the fields outside groups, by field id.
    public var values: [String: FieldValue]
    /// Each group's rows, by group field id, in the order they were added.
    public var rows: [String: [DocumentRow]]
    /// The document's date: its template's `date-field` when filled, else the day it was started.
    public var date: LocalDate
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
    /// The signer's full name as it was when they signed (the login is in the audit).
    public var signedBy: String
    /// The role id the signer signed as.
    public var signedRole: String
    public var signedAt: Date?
    /// One more on every change: signing is based on all of it.
    public var revision: Int

    public init(id: Int64, patientId: Int64, templateId: String, templateVersion: String, title: String, status: DocumentStatus = .draft,
                version: Int = 1, previousId: Int64? = nil, values: [String: FieldValue] = [:], rows: [String: [DocumentRow]] = [:],
                date: LocalDate, createdBy: String = "", createdAt: Date, updatedAt: Date, signedBy: String = "", signedRole: String = "",
                signedAt: Date? = nil, revision: Int = 0) {
        self.id = id
        self.patientId = patientId
        self.templateId = templateId
        self.templateVersion = templateVersion
        self.title = title
        self.status = status
        self.version = version
        self.previousId = previousId
        self.values = values
        self.rows = rows
        self.date = date
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.signedBy = signedBy
        self.signedRole = signedRole
        self.signedAt = signedAt
        self.revision = revision
    }

    public var isLocked: Bool { status != .draft }
    public subscript(field: String) -> FieldValue? { values[field] }
    public func rows(_ group: String) -> [DocumentRow] { rows[group] ?? [] }
    public func row(_ group: String, id: Int64) -> DocumentRow? { rows(group).first { $0.id == id } }

    /// The document with a change made, as the store would make it (a new row must already have an id): how
    /// a change waiting for a store that cannot be written is shown.
    public func applying(_ change: DocumentChange) -> Document {
        var d = self
        switch change.normalised {
        case let .setField(f, v): d.values[f] = v
        case let .saveRow(g, row):
            if let i = d.rows(g).firstIndex(where: { $0.id == row.id }) { d.rows[g]![i] = row } else { d.rows[g, default: []].append(row) }
        case let .deleteRow(g, id): d.rows[g]?.removeAll { $0.id == id }
        }
        return d
    }
}

/// A line of a patient's list of documents: a document without its values.
public struct DocumentSummary: Hashable, Sendable {
    public var id: Int64
    public var patientId: Int64
    public var templateId: String
    public var title: String
    public var status: DocumentStatus
    public var version: Int
    public var date: LocalDate
    public var updatedAt: Date
    public var signedAt: Date?

    public init(id: Int64, patientId: Int64, templateId: String, title: String, status: DocumentStatus, version: Int, date: LocalDate,
                updatedAt: Date, signedAt: Date?) {
        self.id = id
        self.patientId = patientId
        self.templateId = templateId
        self.title = title
        self.status = status
        self.version = version
        self.date = date
        self.updatedAt = updatedAt
        self.signedAt = signedAt
    }
}

/// One entry of a patient's timeline, newest first: an assessment (and the plan agreed on it) or a document.
public enum TimelineEntry: Hashable, Sendable {
    case assessment(AssessmentSummary)
    case document(DocumentSummary)

    public var date: LocalDate {
        switch self {
        case .assessment(let a): return a.date
        case .document(let d): return d.date
        }
    }
}

// MARK: - Changes, and the conflict rule

/// A change to a draft document, as a value: one field, or one row of a group.
public enum DocumentChange: Equatable, Sendable {
    /// Sets (or, with nil, clears) a field outside groups.
    case setField(String, FieldValue?)
    /// Adds a row (no id) or replaces one (its id) of a group.
    case saveRow(group: String, DocumentRow)
    case deleteRow(group: String, id: Int64)

    /// The change as it is kept: values cleaned and cut to their limits.
    public var normalised: DocumentChange {
        switch self {
        case let .setField(f, v): return .setField(f, v.flatMap { $0.isEmpty ? nil : $0.normalised })
        case .saveRow(let g, var row):
            row.values = row.values.compactMapValues { $0.isEmpty ? nil : $0.normalised }
            return .saveRow(group: g, row)
        case .deleteRow: return self
        }
    }

    /// The one answer this change is about, as it is in `d`: what a terminal sends as the change's base.
    public func answer(in d: Document) -> DocumentAnswer {
        switch self {
        case .setField(let f, _): return .field(d[f])
        case .saveRow(let g, let row): return .row(row.id.flatMap { d.row(g, id: $0) })
        case let .deleteRow(g, id): return .row(d.row(g, id: id))
        }
    }

    /// The conflict rule, as for assessments (`AssessmentChange.resolved`): when the answer changed underneath,
    /// text is merged with nothing typed lost (a short text stays one line); any other value is refused and the
    /// stored one kept. A row is merged field by field: what only one terminal changed is taken, and a field both
    /// changed follows the same rule, said in the sentence returned.
    public func resolved(against current: Document, base: DocumentAnswer, in template: DocumentTemplate) throws -> DocumentResolution {
        let label = template.label(of: fieldId)
        let stored = answer(in: current)
        if stored == base { return .write(self) }
        let oneLine = Set(template.allFields.filter { $0.kind == .shortText }.map(\.id))
        switch (self, stored, base) {
        case (.saveRow(_, let mine), .row(nil), _) where mine.id == nil:
            return .write(self)  // a new row never collides
        case (.setField(let f, .text(let mine)?), .field(.text(let theirs)?), .field(let shown)):
            guard case .text(let shownText)? = shown ?? .text("") else { break }
            if theirs == mine { return .nothing }
            let (text, marked) = Self.merge(theirs, mine, shown: shownText, oneLine: oneLine.contains(f))
            guard marked else { return .write(.setField(f, .text(text))) }
            return .merged(.setField(f, .text(text)), "Both texts kept: another terminal changed “\(label)” too; please tidy it")
        case (.saveRow(let g, let mine), .row(let theirs?), .row(let shown?)) where mine.id != nil:
            let fields = template.field(g)?.rowFields ?? []
            var row = theirs
            var said: [String] = []
            for key in Set(mine.values.keys).union(theirs.values.keys).union(shown.values.keys).sorted() {
                let (m, t, b) = (mine[key], theirs[key], shown[key])
                if m == b || m == t { continue }  // unchanged here, or the same on both: theirs stands
                if t == b { row.values[key] = m; continue }
                let fieldLabel = fields.first { $0.id == key }?.label ?? key
                if case .text(let mt)? = m, case .text(let tt)? = t {
                    let shownText: String = if case .text(let bt)? = b { bt } else { "" }
                    let (text, marked) = Self.merge(tt, mt, shown: shownText, oneLine: oneLine.contains(key))
                    row.values[key] = .text(text)
                    if marked { said.append("both texts of “\(fieldLabel)” kept; please tidy it") }
                } else {
                    said.append("your “\(fieldLabel)” was not saved, theirs is kept")
                }
            }
            let why = "Another terminal changed this row of “\(label)” too: " + said.joined(separator: "; ")
            if row == theirs { if said.isEmpty { return .nothing }; throw StoreError.changedElsewhere(why) }
            let change = DocumentChange.saveRow(group: g, row)
            return said.isEmpty ? .write(change) : .merged(change, why)
        default: break
        }
        if case .row(nil) = stored, case .deleteRow = self { return .nothing }  // already gone
        if stored == DocumentChange.answer(of: self) { return .nothing }  // both terminals gave the same answer
        switch self {
        case .setField: throw StoreError.changedElsewhere("Your “\(label)” was not saved: another terminal changed it; theirs is shown")
        case .saveRow: throw StoreError.changedElsewhere("Your row of “\(label)” was not saved: another terminal removed it")
        case .deleteRow: throw StoreError.changedElsewhere("Not removed: another terminal changed this row of “\(label)”; check it, then try again")
        }
    }

    /// Two terminals' texts merged (`AssessmentChange.merge`); a short text kept to one line.
    static func merge(_ theirs: String, _ mine: String, shown: String, oneLine: Bool) -> (text: String, marked: Bool) {
        let (text, marked) = AssessmentChange.merge(theirs, mine, shown: shown)
        return (oneLine ? TextCleaner.singleLine(text) : text, marked)
    }

    /// The answer the change would leave behind.
    static func answer(of change: DocumentChange) -> DocumentAnswer? {
        switch change {
        case .setField(_, let v): return .field(v)
        case .saveRow(_, let row): return row.id == nil ? nil : .row(row)
        case .deleteRow: return .row(nil)
        }
    }

    /// Whether this change makes an earlier one to the same document pointless: the same field set again, or
    /// the same row saved again (only the latest matters).
    public func replaces(_ earlier: DocumentChange) -> Bool {
        switch (self, earlier) {
        case let (.setField(f, _), .setField(g, _)): return f == g
        case let (.saveRow(g, row), .saveRow(h, old)): return g == h && row.id != nil && row.id == old.id
        default: return false
        }
    }

    /// The field or group the change is about.
    public var fieldId: String {
        switch self {
        case .setField(let f, _): return f
        case .saveRow(let g, _), .deleteRow(let g, _): return g
        }
    }
}

/// The one answer a document change is about, as a terminal showed it.
public enum DocumentAnswer: Hashable, Sendable {
    case field(FieldValue?)
    case row(DocumentRow?)
}

/// What the store writes for a document change after comparing its base with what is stored.
public enum DocumentResolution: Equatable, Sendable {
    case write(DocumentChange)
    case merged(DocumentChange, String)
    case nothing
}

/// What `save(_:to:base:...)` did for a document.
public struct SavedDocumentChange: Sendable {
    public var document: Document
    /// Set when a text changed underneath and both were kept: the sentence telling the nurse.
    public var merged: String?
    public init(document: Document, merged: String? = nil) {
        self.document = document
        self.merged = merged
    }
}

// MARK: - What a template decides about a document

extension DocumentTemplate {
    /// The first values of a new draft: each field's `default`, from the patient, today, the user starting it
    /// (nil: not one of the staff), or the patient's latest document of the named template (`earlier`, newest
    /// first; signed ones are preferred), or their latest HNA (`assessment`, as `Assessment.latest` picks it).
    public func defaults(patient: Patient, today: LocalDate, earlier: [Document], user: StaffUser? = nil,
                         assessment: Assessment? = nil) -> [String: FieldValue] {
        var values: [String: FieldValue] = [:]
        for section in sections {
            for field in section.fields {
                guard let d = field.defaultFrom else { continue }
                let value: FieldValue?
                switch d {
                case .today: value = .date(today)
                case .user: value = user.map { .person(name: $0.fullName, staffId: $0.userName) }
                case .patient(let fact):
                    switch fact {
                    case .nhsNumber: value = .text(patient.nhsNumber.formatted)
                    case .name: value = .text("\(patient.givenName) \(patient.familyName)")
                    case .dateOfBirth: value = .date(patient.dateOfBirth)
                    case .diagnosis: value = .text(patient.diagnosis)
                    case .diagnosisCode: value = .text(patient.diagnosisCode)
                    case .diagnosisDate: value = patient.diagnosisDate.map(FieldValue.date)
                    }
                case let .document(template, from):
                    let ofTemplate = earlier.filter { $0.templateId == template }
                    value = (ofTemplate.first { $0.status == .signed } ?? ofTemplate.first)?[from]
                case .assessment(let fact): value = assessment.flatMap { fact.value(in: $0) }
                }
                if let value, !value.isEmpty { values[field.id] = value }
            }
        }
        return values
    }

    /// What stops `document` from being signed, one sentence each: required fields left empty (and required
    /// fields of rows), dates against their rules (`not-before`, `not-after`), texts still holding both
    /// terminals' words (`AssessmentChange.alsoTyped`), or a role that may not sign it. Empty: it may be signed.
    public func signingProblems(_ document: Document, role: String, today: LocalDate, patient: Patient?) -> [String] {
        var problems: [String] = []
        if !signRoles.contains(role) {
            problems.append("Your role may not sign \(title.withArticle): it needs " + signRoles.joined(separator: " or "))
        }
        func untidy(_ v: FieldValue?) -> Bool { if case .text(let t)? = v { return t.contains(AssessmentChange.alsoTyped) }; return false }
        for section in sections {
            for field in section.fields {
                if field.kind.name == "group" {
                    let rows = document.rows(field.id)
                    if field.required && rows.isEmpty { problems.append("“\(field.label)” (\(section.title)) needs at least one row") }
                    for (i, row) in rows.enumerated() {
                        for inner in field.rowFields where inner.required && (row[inner.id]?.isEmpty ?? true) {
                            problems.append("“\(inner.label)” of row \(i + 1) of “\(field.label)” is required")
                        }
                        for inner in field.rowFields where untidy(row[inner.id]) {
                            problems.append("“\(inner.label)” of row \(i + 1) of “\(field.label)” holds two terminals' texts: tidy it")
                        }
                        for p in DocumentField.dateProblems(field.rowFields, row.values, today: today, template: self, document: document.values,
                                                            patient: patient) {
                            problems.append("Row \(i + 1) of “\(field.label)”: \(p.message)")
                        }
                    }
                } else if field.required && (document[field.id]?.isEmpty ?? true) {
                    problems.append("“\(field.label)” (\(section.title)) is required")
                } else if untidy(document[field.id]) {
                    problems.append("“\(field.label)” (\(section.title)) holds two terminals' texts: tidy it")
                }
            }
            let values = document.values.filter { id, _ in section.fields.contains { $0.id == id } }
            problems += DocumentField.dateProblems(section.fields, values, today: today, template: self, document: document.values, patient: patient)
                .map { "\($0.message) (\(section.title))" }
        }
        // The QOF record signing makes takes this field's date: a signature without it would date it wrongly.
        if let qofDate = recordsQOFDate, let f = field(qofDate), !f.required, document[qofDate]?.isEmpty ?? true {
            problems.append("“\(f.label)” is needed: it dates the \(recordsQOF?.uppercased() ?? "QOF") record signing makes")
        }
        return problems
    }

    /// Why the store must refuse `change` on this template (a field it does not have, a value of the wrong
    /// sort), or nil. Codes and services are checked by the form (`DocumentField.problem(with:codes:services:)`).
    public func refusal(of change: DocumentChange) -> String? {
        let target = field(change.fieldId)
        let isGroup = target?.kind.name == "group"
        switch change {
        case .setField(let f, let value):
            guard let target, !isGroup else { return "“\(f)” is not a field of the \(title)" }
            if let value, !target.holds(value) { return target.refusal(of: value) }
        case .saveRow(let g, let row):
            guard let target, isGroup else { return "“\(g)” is not a group of the \(title)" }
            for (id, value) in row.values {
                guard let inner = target.rowFields.first(where: { $0.id == id }) else { return "“\(id)” is not a field of “\(target.label)”" }
                if !inner.holds(value) { return inner.refusal(of: value) }
            }
        case .deleteRow(let g, _):
            if !isGroup { return "“\(g)” is not a group of the \(title)" }
        }
        return nil
    }

    /// The label of the field or group a change is about, for the messages of the conflict rule.
    public func label(of fieldId: String) -> String {
        allFields.first { $0.id == fieldId }?.label ?? fieldId
    }
}

// MARK: - End of Treatment Summary due

/// "EoTS due": treatment has ended and no End of Treatment Summary has been signed since, within the weeks
/// local policy gives (`eots-due-weeks` in Resources/policy.yaml; NHS England asks for one within 4-6 weeks).
public struct EoTSDue: Equatable, Sendable {
    /// The template id of the End of Treatment Summary.
    public static let templateId = "eots"
    /// The group of treatments, and the field of each treatment's end date, in that template.
    public static let treatmentsGroup = "treatments"
    public static let treatmentEndField = "end-date"

    public var treatmentEnded: LocalDate
    public var dueBy: LocalDate
    /// Past `dueBy`.
    public var overdue: Bool

    /// The record's line: "EoTS due by 09 Jan 2027" or "EoTS overdue since ...".
    public var line: String { overdue ? "EoTS overdue since \(dueBy.display)" : "EoTS due by \(dueBy.display)" }

    /// When treatment ended, as the record knows it: the latest treatment end date in the patient's End of
    /// Treatment Summaries (drafts too: a draft is where it is written first), else the date of an assessment
    /// at the end-of-treatment point of the pathway (CR7940 04).
    public static func treatmentEnded(documents: [Document], assessments: [AssessmentSummary]) -> LocalDate? {
        let ends = documents.filter { $0.templateId == templateId }.flatMap { d in
            d.rows(treatmentsGroup).compactMap { row -> LocalDate? in
                if case .date(let end)? = row[treatmentEndField] { return end }
                return nil
            }
        }
        return ends.max() ?? assessments.filter { $0.pathwayPoint == .endOfTreatment && $0.status != .discarded }.map(\.date).max()
    }

    /// Due when treatment ended and no EoTS signed on or after that day; nil otherwise.
    public static func check(treatmentEnded: LocalDate?, documents: [DocumentSummary], today: LocalDate, policy: Policy) -> EoTSDue? {
        guard let ended = treatmentEnded, ended <= today else { return nil }
        let signedSince = documents.contains { $0.templateId == templateId && $0.status != .draft && $0.date >= ended }
        if signedSince { return nil }
        let dueBy = ended.adding(days: 7 * policy.eotsDueWeeks)
        return EoTSDue(treatmentEnded: ended, dueBy: dueBy, overdue: today > dueBy)
    }
}

// MARK: - Values in words

extension DocumentField {
    /// A value as screens and printouts show it: dates as `05 Mar 2026`, codes by their labels, a service by
    /// its name and contact, a number with its unit.
    public func display(_ value: FieldValue, codes: CodeLists, services: ServiceDirectory) -> String {
        switch value {
        case .text(let t): return t
        case .date(let d): return d.display
        case .number(let n):
            if case .number(let unit) = kind, !unit.isEmpty { return "\(n) \(unit)" }
            return n
        case .yesNo(let b): return b ? "Yes" : "No"
        case .codes(let list):
            let named = kind.codeList.flatMap { codes.lists[$0] }
            return list.map { code in named?.code(code)?.label ?? code }.joined(separator: "; ")
        case .person(let name, _): return name
        case .service(let id):
            guard let s = services.service(id) else { return id }
            return "\(s.name) (\(s.contact))"
        case .concerns(let list): return list.map(\.shown).joined(separator: "; ")
        }
    }
}

extension EoTSDue {
    /// The patient's "EoTS due" line, if any, read from the store: their End of Treatment Summaries and
    /// assessments (what the record screen shows beside the timeline).
    public static func check(patientId: Int64, in store: any CareRepository, today: LocalDate, policy: Policy) throws -> EoTSDue? {
        let summaries = try store.documents(patientId: patientId)
        let documents = try summaries.filter { $0.templateId == templateId }.compactMap { try store.document(id: $0.id) }
        let ended = treatmentEnded(documents: documents, assessments: try store.assessments(patientId: patientId))
        return check(treatmentEnded: ended, documents: summaries, today: today, policy: policy)
    }
}

// MARK: - What a field can take

extension DocumentField {
    /// Reads what was typed into a field that takes typing (text, date, number, yes/no): the value, nil for
    /// an emptied field, or the sentence to show next to the field (what was typed stays there). Choices,
    /// people, services and groups are picked, not typed: `problem(with:)` checks those.
    public func value(typed: String) -> Result<FieldValue?, FieldProblem> {
        let trimmed = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .success(nil) }
        switch kind {
        case .shortText:
            let line = TextCleaner.singleLine(typed).trimmingCharacters(in: .whitespaces)
            if let tooLong = lengthProblem(.text(line)) { return .failure(FieldProblem(tooLong)) }
            return .success(.text(line))
        case .longText:
            if typed.count > Limits.note { return .failure(FieldProblem("At most \(Limits.note) characters")) }
            return .success(.text(TextCleaner.multiLine(typed)))
        case .date:
            switch LocalDate.parse(trimmed) {
            case .success(let d): return .success(.date(d))
            case .failure(let p): return .failure(FieldProblem(p.description))
            }
        case .number(let unit):
            let n = trimmed.hasSuffix(unit) && !unit.isEmpty ? String(trimmed.dropLast(unit.count)).trimmingCharacters(in: .whitespaces) : trimmed
            let ok = n.range(of: #"^-?[0-9]{1,9}([.,][0-9]{1,4})?$"#, options: .regularExpression) != nil
            guard ok else { return .failure(FieldProblem("Enter a number" + (unit.isEmpty ? "" : " of \(unit)") + ", e.g. 2 or 50.4")) }
            return .success(.number(n.replacingOccurrences(of: ",", with: ".")))
        case .yesNo:
            switch trimmed.lowercased() {
            case "y", "yes": return .success(.yesNo(true))
            case "n", "no": return .success(.yesNo(false))
            default: return .failure(FieldProblem("Answer yes or no (Y or N)"))
            }
        case .person: return .success(.person(name: TextCleaner.field(typed, maxLength: Limits.personName), staffId: nil))
        case .choice, .choices, .service, .group, .concerns:
            return .failure(FieldProblem("Choose from the list"))
        }
    }

    /// Said of a value of another sort than the field's.
    /// Why the store refuses `value` here: too long, or not this field's sort.
    func refusal(of value: FieldValue) -> String {
        lengthProblem(value) ?? "“\(label)” takes \(kind.name.replacingOccurrences(of: "-", with: " ")), not this"
    }

    /// Why a text is too long for this field (`Limits.shortText` for short text, `Limits.note` for long), or nil.
    func lengthProblem(_ value: FieldValue) -> String? {
        guard case .text(let t) = value else { return nil }
        let limit = kind == .shortText ? Limits.shortText : kind == .longText ? Limits.note : Int.max
        return t.count > limit ? "“\(label)” holds at most \(limit) characters (this has \(t.count)): use fewer words" : nil
    }

    /// Whether a value of this sort can be this field's at all (the store refuses any other).
    public func holds(_ value: FieldValue) -> Bool {
        if lengthProblem(value) != nil { return false }
        switch (kind, value) {
        case (.shortText, .text), (.longText, .text), (.date, .date), (.number, .number), (.yesNo, .yesNo), (.person, .person),
             (.choice, .codes), (.choices, .codes), (.service, .service):
            return true
        case (.concerns, .concerns(let list)):
            return list.allSatisfy { c in c.score.map { (0...10).contains($0) } ?? true } && Set(list.map(\.key)).count == list.count
        default:
            return false
        }
    }

    /// Why `value` cannot be this field's (wrong kind, a code not in its list, an unknown service), or nil.
    public func problem(with value: FieldValue, codes: CodeLists, services: ServiceDirectory) -> FieldProblem? {
        if !holds(value) { return FieldProblem(refusal(of: value)) }
        switch (kind, value) {
        case (.choice(let list), .codes(let picked)), (.choices(let list), .codes(let picked)):
            if case .choice = kind, picked.count > 1 { return FieldProblem("Choose one") }
            let known = codes.lists[list]
            if let bad = picked.first(where: { known?.code($0) == nil }) { return FieldProblem("“\(bad)” is not in the list “\(known?.title ?? list)”") }
            return nil
        case (.service, .service(let id)):
            return services.service(id) == nil ? FieldProblem("“\(id)” is not in the service directory") : nil
        default:
            return nil
        }
    }
}

extension DocumentField {
    /// The date rules broken among `values` (one row's, or one section's), each with the fields it is about and
    /// its sentence: "“Ended” cannot be before “Started” (05 Mar 2026)", "“Date of diagnosis” cannot be in the future".
    /// A rule naming a field not among `values` reads it from `document` (the values outside groups of `template`);
    /// one naming the patient record reads `patient` (none recorded: nothing to compare with).
    public static func dateProblems(_ fields: [DocumentField], _ values: [String: FieldValue], today: LocalDate,
                                    template: DocumentTemplate?, document: [String: FieldValue],
                                    patient: Patient?) -> [(fields: [String], message: String)] {
        var found: [(fields: [String], message: String)] = []
        for f in fields {
            guard case .date(let d)? = values[f.id] else { continue }
            for (bound, after) in [(f.notBefore, false), (f.notAfter, true)] {
                switch bound {
                case .today?:
                    if after ? d > today : d < today {
                        found.append(([f.id], "“\(f.label)” cannot be " + (after ? "in the future" : "in the past") + " (today is \(today.display))"))
                    }
                case .field(let other)?:
                    guard case .date(let o)? = values[other] ?? document[other], after ? d > o : d < o else { continue }
                    let label = fields.first { $0.id == other }?.label ?? template?.field(other)?.label ?? other
                    found.append(([f.id, other], "“\(f.label)” cannot be \(after ? "after" : "before") “\(label)” (\(o.display))"))
                case .patient(let fact)?:
                    let known = fact == .diagnosisDate ? patient?.diagnosisDate : patient?.dateOfBirth
                    guard let o = known, after ? d > o : d < o else { continue }
                    let what = fact == .diagnosisDate ? "the date of diagnosis in the patient's record" : "the patient's date of birth"
                    found.append(([f.id], "“\(f.label)” cannot be \(after ? "after" : "before") \(what) (\(o.display))"))
                case nil: break
                }
            }
        }
        return found
    }
}

/// Why a field refused a value: the sentence shown next to it.
public struct FieldProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

// MARK: - From the latest HNA

extension FieldDefault.AssessmentFact {
    /// The fact as a field's value, or nil when the assessment has none.
    public func value(in a: Assessment) -> FieldValue? {
        switch self {
        case .concerns:
            let list = a.prioritisedConcerns.map { ScoredConcern(key: $0.key, label: $0.label, score: $0.score) }
            return list.isEmpty ? nil : .concerns(list)
        case .actions:
            let lines = a.actions.map(\.line)
            return lines.isEmpty ? nil : .text(lines.joined(separator: "\n"))
        case .distress: return a.distressScore.map { .text("\($0) out of 10") }
        case .whatMatters: return a.whatMattersToMe.isEmpty ? nil : .text(a.whatMattersToMe)
        }
    }
}

extension AgreedAction {
    /// One line: what, who, by when ("Refer to dietitian — CNS, by 05 Mar 2026"). The store writes it without
    /// the code lists: the owner by name, else by its code (short codes are initials: `gp` is GP).
    public var line: String {
        let code = owner.rawValue
        let who = !ownerName.isEmpty ? ownerName : code.count <= 3 ? code.uppercased() : code.prefix(1).uppercased() + code.dropFirst()
        return what + " — " + who + (due.map { ", by \($0.display)" } ?? "")
    }
}

extension AssessmentSummary {
    /// The HNA a later document draws on: the newest agreed plan, else the newest one still in progress
    /// (never a discarded or superseded one). `all`: newest first.
    public static func latest(_ all: [AssessmentSummary]) -> AssessmentSummary? {
        all.first { $0.status == .agreed } ?? all.first { $0.status == .inProgress }
    }
}
