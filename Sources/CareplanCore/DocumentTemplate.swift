import Foundation
import Yams

/// A kind of clinical document as data (`Resources/documents/*.yaml`): the End of Treatment Summary, the
/// Cancer Care Review, ... Its sections of fields are what the generic form edits, the store keeps, and every
/// output (text, PDF, FHIR) prints. Adding a document type is one YAML file: no Swift.
public struct DocumentTemplate: Sendable, Equatable {
    public var id: String
    /// Kept with every document written on it, so an old document reads as it was written.
    public var version: String
    public var title: String
    /// The document type in a real code system (SNOMED CT record artefact) where one exists.
    public var documentType: Coding?
    /// The date field that dates the document (the EoTS: COSD CR8420); the day it was started when none.
    public var dateField: String?
    /// Role ids (Resources/roles.yaml) who may fill it in, and who may sign it.
    public var completeRoles: [String]
    public var signRoles: [String]
    /// The section the GP's copy prints first ("actions for the GP"), if any.
    public var gpFirst: String?
    /// What the form shows beside it, read only: the latest document of each template named, or the latest
    /// HNA (`hna`), so the writer does not retype them (the Cancer Care Review: the EoTS and the HNA).
    public var beside: [String]
    /// The QOF indicator (Resources/qof.yaml) that signing one records as done, and the date field whose date
    /// the record takes: the day the review was held, not the day it was signed.
    public var recordsQOF: String?
    public var recordsQOFDate: String?
    /// The sections the patient's copy prints (a summary for the patient); empty: all of them.
    public var patientCopy: [String]
    public var sections: [DocumentSection]
    /// Where it was read from, for messages.
    public var file: String

    /// Where each entry of `beside:` is in the file (line, column), for problems found across templates.
    var besidePlaces: [Place] = []
    struct Place: Sendable, Equatable { var line: Int; var column: Int }

    /// Every field, with groups' own fields after the group.
    public var allFields: [DocumentField] { sections.flatMap(\.fields).flatMap { [$0] + $0.rowFields } }

    /// A field of the document (not of a row) by id.
    public func field(_ id: String) -> DocumentField? { sections.lazy.flatMap(\.fields).first { $0.id == id } }

    public func section(_ id: String) -> DocumentSection? { sections.first { $0.id == id } }

    public func section(containing fieldId: String) -> DocumentSection? {
        sections.first { $0.fields.contains { $0.id == fieldId } }
    }

    public init(id: String, version: String, title: String, documentType: Coding?, dateField: String?, completeRoles: [String],
                signRoles: [String], gpFirst: String?, sections: [DocumentSection], file: String, beside: [String] = [],
                recordsQOF: String? = nil, recordsQOFDate: String? = nil, patientCopy: [String] = []) {
        self.id = id
        self.version = version
        self.title = title
        self.documentType = documentType
        self.dateField = dateField
        self.completeRoles = completeRoles
        self.signRoles = signRoles
        self.gpFirst = gpFirst
        self.sections = sections
        self.file = file
        self.beside = beside
        self.recordsQOF = recordsQOF
        self.recordsQOFDate = recordsQOFDate
        self.patientCopy = patientCopy
    }

    /// The name `beside:` gives the latest Holistic Needs Assessment (the other names are template ids).
    public static let hnaSource = "hna"
}

/// A code in a real code system, for FHIR.
public struct Coding: Sendable, Equatable, Hashable {
    public var system: String
    public var code: String
    public var display: String
    public init(system: String, code: String, display: String) {
        self.system = system
        self.code = code
        self.display = display
    }
    public static let snomed = "http://snomed.info/sct"
}

public struct DocumentSection: Sendable, Equatable {
    public var id: String
    public var title: String
    /// The title in plain words on the patient's copy, where it differs.
    public var patientTitle: String?
    /// Shown at the top of the section on the form.
    public var help: String
    public var fields: [DocumentField]
}

public struct DocumentField: Sendable, Equatable {
    public var id: String
    public var label: String
    /// The label in plain words on the patient's copy, where it differs.
    public var patientLabel: String?
    public var kind: FieldKind
    /// Signing refuses a document with a required field (or a required field of a row) left empty.
    public var required: Bool
    public var help: String
    /// Where a new draft takes its first value from.
    public var defaultFrom: FieldDefault?
    /// The part of a FHIR resource this field fills, if any (`Condition.code`, `Procedure.start`, ...).
    public var fhir: FHIRSlot?
    /// Date rules: the value may not be before / after today or another date field of its row (or section).
    public var notBefore: DateBound?
    public var notAfter: DateBound?
    /// Its line in the template file, for problems found across templates.
    public var line: Int = 0

    /// A repeating group's fields (empty for other kinds).
    public var rowFields: [DocumentField] {
        if case .group(let fields, _) = kind { return fields }
        return []
    }
}

/// What a date rule (`not-before:`, `not-after:`) compares with: today, another date field (of the same row,
/// else of the document outside groups), or a date of the patient record (`patient.diagnosis-date`).
public enum DateBound: Sendable, Equatable {
    case today
    case field(String)
    case patient(FieldDefault.PatientFact)
}

/// What a field holds.
public indirect enum FieldKind: Sendable, Equatable {
    case shortText
    /// Several lines, in the note editor.
    case longText
    case date
    /// A number, with its unit shown after it ("Gy", "cycles", "mg").
    case number(unit: String)
    case yesNo
    /// One code from a list in Resources/codelists.yaml.
    case choice(list: String)
    /// Several codes from a list.
    case choices(list: String)
    /// A member of staff (from the users) or a name typed in.
    case person
    /// A service from Resources/services.yaml.
    case service
    /// Rows of fields (treatments, referrals, contacts); `resource` is the FHIR resource each row becomes.
    case group([DocumentField], resource: FHIRResource?)
    /// Concerns picked from a checklist catalogue (Resources/catalogues), each scored 0 to 10.
    case concerns(catalogue: String)

    /// The names written in a template's `kind:`.
    public static let names = ["short-text", "long-text", "date", "number", "yes-no", "choice", "choices", "person", "service", "group", "concerns"]

    public var name: String {
        switch self {
        case .shortText: return "short-text"
        case .longText: return "long-text"
        case .date: return "date"
        case .number: return "number"
        case .yesNo: return "yes-no"
        case .choice: return "choice"
        case .choices: return "choices"
        case .person: return "person"
        case .service: return "service"
        case .group: return "group"
        case .concerns: return "concerns"
        }
    }

    public var codeList: String? {
        switch self {
        case .choice(let l), .choices(let l): return l
        default: return nil
        }
    }
}

/// Where a new draft's field starts from: the patient record, today, or the same field of the patient's
/// latest earlier document of a template.
public enum FieldDefault: Sendable, Equatable {
    case patient(PatientFact)
    case today
    /// The person starting the document, as one of the staff (a `person` field: who completes it).
    case user
    /// The value of `field` in the patient's latest document of `template` (signed ones before drafts).
    case document(template: String, field: String)
    /// From the patient's latest Holistic Needs Assessment (an agreed plan before one in progress).
    case assessment(AssessmentFact)

    public enum AssessmentFact: String, Sendable, CaseIterable {
        /// The concerns chosen with their scores (a `concerns` field).
        case concerns
        /// The agreed actions, one a line: what, who, by when (text).
        case actions
        /// The overall distress score, in words (text).
        case distress
        case whatMatters = "what-matters"
    }

    public enum PatientFact: String, Sendable, CaseIterable {
        case nhsNumber = "nhs-number", name, dateOfBirth = "date-of-birth", diagnosis, diagnosisCode = "diagnosis-code"
        case diagnosisDate = "diagnosis-date"
        /// Whether the fact is a date (a date field needs one) or text.
        public var isDate: Bool { self == .dateOfBirth || self == .diagnosisDate }
    }
}

/// The FHIR resource each row of a group becomes (a treatment, a referral), besides the Composition that holds
/// every section. Fields outside groups can fill the one Condition (the diagnosis).
public enum FHIRResource: String, Sendable, CaseIterable {
    case procedure = "Procedure", medicationStatement = "MedicationStatement", serviceRequest = "ServiceRequest"
}

/// One part of a FHIR resource a field fills: `Condition.code`, `Procedure.start`, ... Checked by the loader
/// against the field's kind, so a template cannot ask for a date where FHIR wants a code.
public enum FHIRSlot: String, Sendable, CaseIterable {
    case conditionCode = "Condition.code", conditionOnset = "Condition.onset", conditionStage = "Condition.stage"
    case conditionBodySite = "Condition.body-site", conditionNote = "Condition.note"
    case treatmentCode = "treatment.code", treatmentStart = "treatment.start", treatmentEnd = "treatment.end"
    case treatmentNote = "treatment.note"
    case serviceRequestService = "ServiceRequest.service", serviceRequestNote = "ServiceRequest.note"

    /// Whether a field of this kind can fill the slot.
    func accepts(_ kind: FieldKind) -> Bool {
        switch self {
        case .conditionOnset, .treatmentStart, .treatmentEnd: return kind == .date
        case .conditionCode, .conditionStage, .conditionBodySite, .treatmentCode:
            return kind == .shortText || kind.codeList != nil && kind.name == "choice"
        case .conditionNote, .treatmentNote, .serviceRequestNote: return kind == .shortText || kind == .longText
        case .serviceRequestService: return kind == .service
        }
    }

    /// Slots a field may fill: outside groups the diagnosis; in a group's row, what the row becomes.
    static func allowed(inGroup: Bool, resource: FHIRResource?) -> [FHIRSlot] {
        guard inGroup else { return [.conditionCode, .conditionOnset, .conditionStage, .conditionBodySite, .conditionNote] }
        switch resource {
        case nil: return []
        case .procedure?, .medicationStatement?: return [.treatmentCode, .treatmentStart, .treatmentEnd, .treatmentNote]
        case .serviceRequest?: return [.serviceRequestService, .serviceRequestNote]
        }
    }
}

// MARK: - Loading and checking

extension DocumentTemplate {
    /// What a template is checked against: the code lists, services and roles it may name.
    public struct Context: Sendable {
        public var codes: CodeLists
        public var services: ServiceDirectory
        /// The role ids of Resources/roles.yaml, and those whose permissions include signing documents.
        public var roles: [String]
        public var signers: Set<String>
        /// The role ids whose permissions include recording QOF (a template with `records-qof` is signed only by them).
        public var qofRecorders: Set<String>
        /// The checklist catalogues a `concerns` field may name, and the QOF indicator ids `records-qof` may
        /// name; nil: not checked (a test's context).
        public var catalogues: Set<String>?
        public var qofIndicators: Set<String>?
        public init(codes: CodeLists, services: ServiceDirectory, roles: Roles) {
            self.codes = codes
            self.services = services
            self.roles = roles.roles.map(\.id)
            self.signers = Set(roles.roles.filter { $0.may(.signDocuments) }.map(\.id))
            self.qofRecorders = Set(roles.roles.filter { $0.may(.qof) }.map(\.id))
        }
    }

    public static func load(from url: URL, displayPath: String, context: Context) -> Result<DocumentTemplate, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath) { parse($0, $1, context: context) }
    }

    public static func parse(text: String, displayPath: String, context: Context) -> Result<DocumentTemplate, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath) { parse($0, $1, context: context) }
    }

    /// Every template of `files`, checked one by one and then together: ids unique, defaults taken from other
    /// documents naming a field that exists there, and the End of Treatment Summary holding what `EoTSDue` reads.
    public static func loadAll(_ files: [URL], context: Context, display: (URL) -> String) -> Result<[String: DocumentTemplate], ConfigErrors> {
        var problems: [ConfigProblem] = []
        var templates: [String: DocumentTemplate] = [:]
        for url in files {
            switch load(from: url, displayPath: display(url), context: context) {
            case .success(let t):
                if let other = templates[t.id] {
                    problems.append(ConfigProblem(file: t.file, line: 1, column: 1, message: "document id `\(t.id)` is used by \(other.file) too",
                                                  fix: "give each document template its own id"))
                }
                templates[t.id] = t
            case .failure(let e): problems += e.problems
            }
        }
        // Across templates only once each loads: a broken one would make every default drawn from it look wrong.
        let eachLoaded = problems.isEmpty
        for t in templates.values.sorted(by: { $0.file < $1.file }) where eachLoaded {
            problems += t.crossProblems(templates)
        }
        return problems.isEmpty ? .success(templates) : .failure(ConfigErrors(problems))
    }

    /// What only all the templates together can tell about this one.
    func crossProblems(_ all: [String: DocumentTemplate]) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        for field in allFields {
            guard case let .document(template, from)? = field.defaultFrom else { continue }
            guard let other = all[template] else {
                problems.append(ConfigProblem(file: file, line: field.line, column: 1, message: "the default of `\(field.id)` names the document `\(template)`, which does not exist",
                                              fix: "use one of " + all.keys.sorted().map { "`\($0)`" }.joined(separator: ", ")))
                continue
            }
            guard let source = other.field(from) else {
                problems.append(ConfigProblem(file: file, line: field.line, column: 1, message: "the default of `\(field.id)` names `\(from)`, which is no field of `\(template)` (outside groups)",
                                              fix: "use one of " + other.sections.flatMap(\.fields).filter { $0.kind.name != "group" }.map { "`\($0.id)`" }.joined(separator: ", ")))
                continue
            }
            let textual: Set<String> = ["short-text", "long-text"]
            if source.kind != field.kind && !(textual.contains(source.kind.name) && textual.contains(field.kind.name)) {
                problems.append(ConfigProblem(file: file, line: field.line, column: 1,
                                              message: "`\(field.id)` is `\(field.kind.name)` but its default `\(template).\(from)` is `\(source.kind.name)`",
                                              fix: "take the default from a field of the same kind"))
            }
        }
        for (i, source) in beside.enumerated() where source != Self.hnaSource && (all[source] == nil || source == id) {
            let place = i < besidePlaces.count ? besidePlaces[i] : Place(line: 1, column: 1)
            problems.append(ConfigProblem(file: file, line: place.line, column: place.column,
                                          message: "`beside: \(source)` names " + (source == id ? "this document itself" : "no document template"),
                                          fix: "use `\(Self.hnaSource)` (the latest HNA) or one of " + all.keys.filter { $0 != id }.sorted().map { "`\($0)`" }.joined(separator: ", ")))
        }
        if id == EoTSDue.templateId {
            let end = field(EoTSDue.treatmentsGroup)?.rowFields.first { $0.id == EoTSDue.treatmentEndField }
            if end?.kind != .date {
                problems.append(ConfigProblem(file: file, line: 1, column: 1,
                                              message: "the End of Treatment Summary needs a group `\(EoTSDue.treatmentsGroup)` with a date field `\(EoTSDue.treatmentEndField)`",
                                              fix: "keep them: the record's \"EoTS due\" line reads when treatment ended from them"))
            }
        }
        return problems
    }

    /// The code list ids a template file names, read without checking anything else, so the code lists can
    /// be loaded knowing which lists documents use.
    public static func codeListsNamed(in files: [URL]) -> Set<String> {
        files.reduce(into: Set<String>()) { $0.formUnion(codeListsNamed(in: $1)) }
    }

    static func codeListsNamed(in url: URL) -> Set<String> {
        // A file with aliases is refused when it is loaded; here it must not expand while the names are collected.
        guard let text = try? String(contentsOf: url, encoding: .utf8), ConfigReader.anchorOrAlias(in: text) == nil,
              let root = try? Yams.compose(yaml: text, .basic) else { return [] }
        var found: Set<String> = []
        func walk(_ n: Node) {
            if let m = n.mapping {
                for (k, v) in m {
                    if k.string == "codes", let s = v.scalar?.string { found.insert(s) }
                    walk(v)
                }
            } else if let s = n.sequence { s.forEach(walk) }
        }
        walk(root)
        return found
    }

    static func parse(_ root: Node, _ r: ConfigReader, context: Context) -> DocumentTemplate? {
        let what = "the document template"
        guard let m = r.mapping(root, what, required: ["id", "version", "title", "complete", "sign", "sections"],
                                optional: ["document-type", "date-field", "gp-first", "beside", "records-qof", "patient-copy"]) else { return nil }
        let id = r.identifier(m, "id", in: what)
        let version = r.string(m, "version", in: what)
        let title = r.string(m, "title", in: what)
        var documentType: Coding?
        if let node = m["document-type"], let tm = r.mapping(node, "the document type", required: ["system", "code", "display"]) {
            if let system = r.string(tm, "system", in: "the document type"), let code = r.string(tm, "code", in: "the document type"),
               let display = r.string(tm, "display", in: "the document type") {
                if system == "snomed" || system == Coding.snomed, !code.allSatisfy(\.isNumber) || code.count < 6 {
                    r.report(tm["code"], "`\(code)` is not a SNOMED CT concept id", fix: "SNOMED CT ids are 6 to 18 digits, e.g. `1324891000000103`")
                }
                documentType = Coding(system: system == "snomed" ? Coding.snomed : system, code: code, display: display)
            }
        }
        func roles(_ key: String) -> [String] {
            let list = r.stringList(m, key, in: what)
            for (i, role) in list.enumerated() where !context.roles.contains(role) {
                let node = m[key]?.sequence.flatMap { i < $0.count ? $0[i] : nil } ?? m[key]
                let near = context.roles.min { editDistance($0, role) < editDistance($1, role) }
                r.report(node, "unknown role `\(role)` in `\(key)`",
                         fix: (near.map { editDistance($0, role) <= 3 ? "did you mean `\($0)`? " : "" } ?? "")
                            + "roles are " + context.roles.map { "`\($0)`" }.joined(separator: ", "))
            }
            if list.isEmpty, let node = m[key] { r.report(node, "`\(key)` names no role", fix: "list the roles, e.g. `[clinical-nurse-specialist]`") }
            return list
        }
        let complete = roles("complete"), sign = roles("sign")
        for (i, role) in sign.enumerated() where context.roles.contains(role) && !context.signers.contains(role) {
            r.report(m["sign"]?.sequence.flatMap { i < $0.count ? $0[i] : nil } ?? m["sign"],
                     "`\(role)` may not sign documents (Resources/roles.yaml)",
                     fix: "remove it from `sign`, or give the role `sign-documents` in Resources/roles.yaml")
        }

        var sections: [DocumentSection] = []
        var ids: Set<String> = []
        var boundChecks: [BoundCheck] = []
        for sn in r.sequence(m, "sections", in: what) {
            guard let sm = r.mapping(sn, "a section", required: ["id", "title", "fields"], optional: ["help", "patient-title"]) else { continue }
            let sid = r.identifier(sm, "id", in: "a section")
            let stitle = r.string(sm, "title", in: "a section")
            let help = r.string(sm, "help", in: "a section", required: false) ?? ""
            if let sid, sections.contains(where: { $0.id == sid }) { r.report(sm["id"], "section id `\(sid)` is used twice", fix: "give each section its own id") }
            let fields = parseFields(r.sequence(sm, "fields", in: "the section `\(sid ?? "?")`"), r, context: context, ids: &ids, inGroup: false,
                                     resource: nil, boundChecks: &boundChecks)
            if fields.isEmpty, let node = sm["fields"] { r.report(node, "the section `\(sid ?? "?")` has no fields", fix: "add at least one field") }
            let patientTitle = r.string(sm, "patient-title", in: "the section `\(sid ?? "?")`", required: false)
            if let sid, let stitle { sections.append(DocumentSection(id: sid, title: stitle, patientTitle: patientTitle, help: help, fields: fields)) }
        }
        if sections.isEmpty, let node = m["sections"] { r.report(node, "the template has no sections", fix: "add a section with its fields") }

        let dateField = r.identifier(m, "date-field", in: what)
        var recordsQOF: String?, recordsQOFDate: String?
        if let node = m["records-qof"], let scalar = node.scalar?.string {
            r.report(node, "`records-qof: \(scalar)` should say which date field dates the record",
                     fix: "write `records-qof: { indicator: \(scalar), date: <the date field of the day it was done> }`")
        } else if let node = m["records-qof"], let qm = r.mapping(node, "`records-qof`", required: ["indicator", "date"]) {
            recordsQOF = r.identifier(qm, "indicator", in: "`records-qof`")
            recordsQOFDate = r.identifier(qm, "date", in: "`records-qof`")
            if let recordsQOF, let known = context.qofIndicators, !known.contains(recordsQOF) {
                r.report(qm["indicator"], "`records-qof: \(recordsQOF)` names no indicator of the latest edition of Resources/qof.yaml",
                         fix: "use one of " + known.sorted().map { "`\($0)`" }.joined(separator: ", "))
            }
        }
        var template = DocumentTemplate(id: id ?? "", version: version ?? "", title: title ?? "", documentType: documentType,
                                        dateField: dateField, completeRoles: complete, signRoles: sign,
                                        gpFirst: r.identifier(m, "gp-first", in: what), sections: sections, file: r.file,
                                        beside: r.stringList(m, "beside", in: what), recordsQOF: recordsQOF, recordsQOFDate: recordsQOFDate,
                                        patientCopy: r.stringList(m, "patient-copy", in: what))
        let besideNodes = m["beside"]?.sequence.map { Array($0) } ?? []
        template.besidePlaces = besideNodes.map { Place(line: $0.line, column: $0.mark?.column ?? 1) }
        for (i, source) in template.beside.enumerated() where template.beside[..<i].contains(source) {
            r.report(i < besideNodes.count ? besideNodes[i] : m["beside"], "`beside` names `\(source)` twice", fix: "list each source once")
        }
        // Signing records the indicator, so whoever may sign must be allowed to record QOF.
        if let indicator = recordsQOF {
            for role in sign where context.roles.contains(role) && !context.qofRecorders.contains(role) {
                r.report(m["records-qof"], "`\(role)` may sign it, and signing records \(indicator), but the role may not record QOF (Resources/roles.yaml)",
                         fix: "give the role `qof` in Resources/roles.yaml, or remove it from `sign`")
            }
        }
        for (i, sid) in template.patientCopy.enumerated() where template.section(sid) == nil {
            r.report(m["patient-copy"]?.sequence.flatMap { i < $0.count ? $0[i] : nil } ?? m["patient-copy"], "`patient-copy` names `\(sid)`, which is no section",
                     fix: "use one of " + sections.map { "`\($0.id)`" }.joined(separator: ", "))
        }
        // The QOF record's date: the day the document says it was done, a date field outside groups.
        if let qofDate = recordsQOFDate, template.field(qofDate)?.kind != .date {
            r.report(m["records-qof"]?.mapping?["date"], "`records-qof` takes its date from `\(qofDate)`, which is no date field of the document (outside groups)",
                     fix: "name the field holding the day it was done, e.g. `date: review-date`")
        }
        for c in boundChecks where c.beside.first(where: { $0.id == c.other })?.kind != .date && template.field(c.other)?.kind != .date {
            let besideIds = Set(c.beside.map(\.id))
            let dates = (c.beside + template.sections.flatMap(\.fields).filter { !besideIds.contains($0.id) }).filter { $0.kind == .date }.map { "`\($0.id)`" }
            r.report(c.node, "`\(c.key): \(c.other)` names no date field of its row or of the document",
                     fix: "write `today`, `patient.diagnosis-date`" + (dates.isEmpty ? "" : " or one of " + dates.joined(separator: ", ")))
        }
        if let dateField, template.field(dateField)?.kind != .date {
            r.report(m["date-field"], "`date-field: \(dateField)` names no date field of the document (outside groups)",
                     fix: "name a field with `kind: date`, e.g. the date the document was completed")
        }
        if let gp = template.gpFirst, template.section(gp) == nil {
            r.report(m["gp-first"], "`gp-first: \(gp)` names no section", fix: "use one of " + sections.map { "`\($0.id)`" }.joined(separator: ", "))
        }
        guard id != nil, version != nil, title != nil else { return nil }
        return template
    }

    /// A date rule naming another field, checked once the whole template is read: the field must be a date of the
    /// same row (or section), or of the document outside groups.
    struct BoundCheck { var node: Node; var other: String; var key: String; var beside: [DocumentField] }

    static func parseFields(_ nodes: [Node], _ r: ConfigReader, context: Context, ids: inout Set<String>, inGroup: Bool,
                            resource: FHIRResource?, boundChecks allChecks: inout [BoundCheck]) -> [DocumentField] {
        var fields: [DocumentField] = []
        var boundChecks: [(Node, String, String)] = []
        for fn in nodes {
            guard let fm = r.mapping(fn, "a field", required: ["id", "label", "kind"],
                                     optional: ["required", "help", "default", "unit", "codes", "fields", "fhir", "patient-label",
                                                "not-before", "not-after", "catalogue"]) else { continue }
            let fid = r.identifier(fm, "id", in: "a field")
            let what = "the field `\(fid ?? "?")`"
            let label = r.string(fm, "label", in: what)
            let help = r.string(fm, "help", in: what, required: false) ?? ""
            if let fid, !ids.insert(fid).inserted { r.report(fm["id"], "field id `\(fid)` is used twice", fix: "give each field its own id in the template") }
            var required = false
            if let node = fm["required"] {
                if let b = node.bool { required = b } else { r.report(node, "`required` in \(what) should be yes or no", fix: "write `required: true` or `required: false`") }
            }
            func extra(_ key: String, allowedFor kinds: String) {
                if let node = fm[key] { r.report(node, "`\(key)` does not apply to \(what)", fix: "`\(key)` is only for \(kinds) fields; remove it") }
            }
            var kind: FieldKind?
            let kindName = r.string(fm, "kind", in: what)
            switch kindName {
            case "short-text": kind = .shortText
            case "long-text": kind = .longText
            case "date": kind = .date
            case "yes-no": kind = .yesNo
            case "person": kind = .person
            case "service": kind = .service
            case "number":
                if fm["unit"] == nil { r.report(fn, "\(what) is a number with no `unit`", fix: "add `unit: ...` (e.g. `Gy`, `cycles`; `none` for a plain count)") }
                if let unit = r.string(fm, "unit", in: what) { kind = .number(unit: unit == "none" ? "" : unit) }
            case "choice", "choices":
                if fm["codes"] == nil { r.report(fn, "\(what) is a \(kindName!) with no `codes`", fix: "add `codes: <a list id from Resources/codelists.yaml>`") }
                if let list = r.identifier(fm, "codes", in: what) {
                    if context.codes.lists[list] == nil {
                        let near = context.codes.lists.keys.min { editDistance($0, list) < editDistance($1, list) }
                        r.report(fm["codes"], "there is no code list `\(list)`",
                                 fix: (near.map { editDistance($0, list) <= 3 ? "did you mean `\($0)`? " : "" } ?? "") + "add it to Resources/codelists.yaml or use one of its lists")
                    } else {
                        kind = kindName == "choice" ? .choice(list: list) : .choices(list: list)
                    }
                }
            case "group":
                var rowResource: FHIRResource?
                if let node = fm["fhir"], let s = node.scalar?.string {
                    rowResource = FHIRResource(rawValue: s)
                    if rowResource == nil {
                        r.report(node, "`fhir: \(s)` is not a resource a group's rows can become",
                                 fix: "use one of " + FHIRResource.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))
                    }
                }
                let inner = parseFields(r.sequence(fm, "fields", in: what), r, context: context, ids: &ids, inGroup: true, resource: rowResource,
                                        boundChecks: &allChecks)
                if inner.contains(where: { $0.kind.name == "group" }) {
                    r.report(fm["fields"], "\(what) has a group inside it", fix: "groups cannot be nested: make the inner one a section's group")
                }
                if inner.isEmpty { r.report(fm["fields"] ?? fn, "the group \(what) has no fields", fix: "add `fields:` with the fields of one row") }
                kind = .group(inner, resource: rowResource)
            case "concerns":
                if fm["catalogue"] == nil { r.report(fn, "\(what) is `concerns` with no `catalogue`", fix: "add `catalogue: <a catalogue id of Resources/catalogues>`, e.g. `ncat-hna`") }
                if let catalogue = r.identifier(fm, "catalogue", in: what) {
                    if let known = context.catalogues, !known.contains(catalogue) {
                        r.report(fm["catalogue"], "there is no catalogue `\(catalogue)`", fix: "use one of " + known.sorted().map { "`\($0)`" }.joined(separator: ", ") + " (Resources/catalogues)")
                    } else { kind = .concerns(catalogue: catalogue) }
                }
            case nil: break
            default:
                r.report(fm["kind"], "unknown field kind `\(kindName!)` in \(what)", fix: "kinds are " + FieldKind.names.map { "`\($0)`" }.joined(separator: ", "))
            }
            if kind.map({ if case .number = $0 { return false }; return true }) == true { extra("unit", allowedFor: "`number`") }
            if kind?.codeList == nil && kind != nil { extra("codes", allowedFor: "`choice` and `choices`") }
            if kind?.name != "group" && kind != nil { extra("fields", allowedFor: "`group`") }
            if kind?.name != "concerns" && kind != nil { extra("catalogue", allowedFor: "`concerns`") }

            var fhir: FHIRSlot?
            if kind?.name != "group", let node = fm["fhir"], let s = r.string(fm, "fhir", in: what) {
                let usable = FHIRSlot.allowed(inGroup: inGroup, resource: resource)
                if let slot = FHIRSlot(rawValue: s), usable.contains(slot) {
                    if let kind, !slot.accepts(kind) {
                        r.report(node, "a `\(kind.name)` field cannot fill `\(s)`", fix: "use a field of a fitting kind, or remove `fhir:`")
                    } else { fhir = slot }
                } else {
                    r.report(node, "`fhir: \(s)` is not a place \(what) can fill here",
                             fix: usable.isEmpty ? "give the group `fhir:` (what each row becomes) first, or remove this"
                                : "here use one of " + usable.map { "`\($0.rawValue)`" }.joined(separator: ", "))
                }
            }

            var defaultFrom: FieldDefault?
            if let node = fm["default"], let s = r.string(fm, "default", in: what) {
                defaultFrom = parseDefault(s, node: node, r, kind: kind, what: what)
            }
            var bounds: [String: DateBound] = [:]
            for key in ["not-before", "not-after"] {
                guard let node = fm[key], let s = r.string(fm, key, in: what) else { continue }
                if kind != nil && kind != .date { r.report(node, "`\(key)` does not apply to \(what)", fix: "date rules are only for `date` fields; remove it"); continue }
                if s == "today" { bounds[key] = .today; continue }
                if s.hasPrefix("patient.") {
                    if let fact = FieldDefault.PatientFact(rawValue: String(s.dropFirst("patient.".count))), fact.isDate { bounds[key] = .patient(fact) }
                    else {
                        r.report(node, "`\(key): \(s)` is no date of the patient record",
                                 fix: "use " + FieldDefault.PatientFact.allCases.filter(\.isDate).map { "`patient.\($0.rawValue)`" }.joined(separator: " or "))
                    }
                    continue
                }
                bounds[key] = .field(s)
                boundChecks.append((node, s, key))
            }
            if let fid, let label, let kind {
                fields.append(DocumentField(id: fid, label: label, patientLabel: r.string(fm, "patient-label", in: what, required: false), kind: kind,
                                            required: required, help: help, defaultFrom: defaultFrom, fhir: fhir,
                                            notBefore: bounds["not-before"], notAfter: bounds["not-after"], line: fn.line))
            }
        }
        allChecks += boundChecks.map { BoundCheck(node: $0.0, other: $0.1, key: $0.2, beside: fields) }
        return fields
    }

    static func parseDefault(_ s: String, node: Node, _ r: ConfigReader, kind: FieldKind?, what: String) -> FieldDefault? {
        let parts = s.split(separator: ".").map(String.init)
        let fix = "write `today`, `user`, `patient.<fact>` (" + FieldDefault.PatientFact.allCases.map(\.rawValue).joined(separator: ", ")
            + "), `document.<template id>.<field id>` or `hna.<fact>` (" + FieldDefault.AssessmentFact.allCases.map(\.rawValue).joined(separator: ", ") + ")"
        var d: FieldDefault?
        if parts == ["today"] { d = .today }
        else if parts == ["user"] {
            guard kind == nil || kind == .person else {
                r.report(node, "`default: user` gives a person, and \(what) is `\(kind!.name)`", fix: "use it on a `person` field")
                return nil
            }
            return .user
        }
        else if parts.count == 2, parts[0] == "patient", let fact = FieldDefault.PatientFact(rawValue: parts[1]) { d = .patient(fact) }
        else if parts.count == 3, parts[0] == "document" { d = .document(template: parts[1], field: parts[2]) }
        else if parts.count == 2, parts[0] == DocumentTemplate.hnaSource, let fact = FieldDefault.AssessmentFact(rawValue: parts[1]) {
            // The concerns fill a concerns field; the rest are text.
            let fits = fact == .concerns ? kind == nil || kind?.name == "concerns" : kind == nil || kind == .shortText || kind == .longText
            guard fits else {
                r.report(node, "`default: \(s)` gives \(fact == .concerns ? "concerns" : "text"), and \(what) is `\(kind!.name)`",
                         fix: fact == .concerns ? "use it on a `concerns` field" : "use it on a `short-text` or `long-text` field")
                return nil
            }
            return .assessment(fact)
        }
        guard let d else { r.report(node, "`default: \(s)` in \(what) is not a default careplan knows", fix: fix); return nil }
        let isDate: Bool? = switch d {
        case .today: true
        case .user: nil  // checked above
        case .patient(let f): f.isDate
        case .document: nil  // checked when every template is loaded
        case .assessment: nil  // returned above
        }
        if let isDate, let kind, isDate != (kind == .date), !(kind == .shortText || kind == .longText) || isDate {
            r.report(node, "`default: \(s)` gives \(isDate ? "a date" : "text"), and \(what) is `\(kind.name)`",
                     fix: isDate ? "use it on a `date` field" : "use it on a `short-text` or `long-text` field")
            return nil
        }
        return d
    }
}
