import Foundation
import Yams

/// The national Cancer Outcomes and Services Dataset's personalised care items (issue 15): what the store
/// holds for a period (`COSDFacts`), made into rows (`COSDExport.rows`) by a pure function, each value from a
/// code list of Resources/codelists.yaml or an identifier checked as such; what cannot be coded is left out
/// with its reason, never guessed.
public protocol NationalDataRepository: AnyObject, Sendable {
    /// The counted HNA offers dated within `from`...`to` (README "How offers are counted") with the assessment
    /// an accepted one led to, the signed End of Treatment Summaries (template `eotsTemplate`) dated within it,
    /// and their patients' identifiers. Values as stored, unchecked. `progress` gets (done, total) now and then.
    func cosdFacts(from: LocalDate, to: LocalDate, eotsTemplate: String, progress: (Int, Int) -> Void) throws -> COSDFacts
    /// Records in the audit trail that the COSD file for the period was written to `destination`: how many
    /// patients and rows, and how many events were left out (never an NHS number).
    func recordCOSDExport(from: LocalDate, to: LocalDate, patients: Int, rows: Int, leftOut: Int, destination: String, by user: String, now: Date) throws
}

extension NationalDataRepository {
    public func cosdFacts(from: LocalDate, to: LocalDate, eotsTemplate: String) throws -> COSDFacts {
        try cosdFacts(from: from, to: to, eotsTemplate: eotsTemplate, progress: { _, _ in })
    }
}

/// What the store holds for a period, as stored (text), so that the export checks every value itself.
public struct COSDFacts: Sendable, Equatable {
    public struct Patient: Sendable, Equatable {
        public var id: Int64
        public var nhsNumber: String
        public var dateOfBirth: String
        public var diagnosisCode: String
        public var diagnosisDate: String?
        public init(id: Int64, nhsNumber: String, dateOfBirth: String, diagnosisCode: String, diagnosisDate: String?) {
            self.id = id
            self.nhsNumber = nhsNumber
            self.dateOfBirth = dateOfBirth
            self.diagnosisCode = diagnosisCode
            self.diagnosisDate = diagnosisDate
        }
    }

    /// The assessment (first version) an accepted offer led to.
    public struct Assessment: Sendable, Equatable {
        public var id: Int64
        public var status: String
        /// The `staff-role` code of who agreed the plan, if agreed.
        public var agreedRole: String?
        /// Concerns raised on it (rows of the checklist).
        public var concerns: Int
        public init(id: Int64, status: String, agreedRole: String?, concerns: Int) {
            self.id = id
            self.status = status
            self.agreedRole = agreedRole
            self.concerns = concerns
        }
    }

    public struct Offer: Sendable, Equatable {
        public var id: Int64
        public var patientId: Int64
        public var date: String
        public var pathwayPoint: String
        public var outcome: String
        /// A role id of roles.yaml, or nil (not a staff user).
        public var offeredRole: String?
        public var assessment: Assessment?
        public init(id: Int64, patientId: Int64, date: String, pathwayPoint: String, outcome: String, offeredRole: String?, assessment: Assessment?) {
            self.id = id
            self.patientId = patientId
            self.date = date
            self.pathwayPoint = pathwayPoint
            self.outcome = outcome
            self.offeredRole = offeredRole
            self.assessment = assessment
        }
    }

    /// A signed End of Treatment Summary: `date` is its date field's value, nil when that field is empty.
    public struct Summary: Sendable, Equatable {
        public var documentId: Int64
        public var patientId: Int64
        public var date: String?
        public init(documentId: Int64, patientId: Int64, date: String?) {
            self.documentId = documentId
            self.patientId = patientId
            self.date = date
        }
    }

    public var patients: [Int64: Patient]
    public var offers: [Offer]
    public var summaries: [Summary]

    public init(patients: [Int64: Patient] = [:], offers: [Offer] = [], summaries: [Summary] = []) {
        self.patients = patients
        self.offers = offers
        self.summaries = summaries
    }
}

/// Resources/cosd.yaml: the items `careplan cosd` writes, their COSD item numbers (the CSV's column names) and
/// names, and the document template whose signed copies are End of Treatment Summaries.
public struct COSDSpec: Sendable, Equatable {
    /// What careplan puts in a column: each once, all of them.
    public enum Source: String, CaseIterable, Sendable {
        case nhsNumber = "nhs-number", localPatientId = "local-patient-id", dateOfBirth = "date-of-birth"
        case primaryDiagnosis = "primary-diagnosis", diagnosisDate = "diagnosis-date"
        case hnaOffered = "hna-offered", planStatus = "plan-status", eventDate = "event-date", pathwayPoint = "pathway-point"
        case offeredRole = "offered-role", planningRole = "planning-role", eotsDate = "eots-date"
    }

    public struct Column: Sendable, Equatable {
        public var item: String
        public var name: String
        public var source: Source
    }

    public var columns: [Column]
    public var eotsTemplate: String

    public static func load(from url: URL, displayPath: String) -> Result<COSDSpec, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath, parse: parse)
    }

    public static func parse(text: String, displayPath: String) -> Result<COSDSpec, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath, parse: parse)
    }

    static func parse(_ root: Node, _ r: ConfigReader) -> COSDSpec? {
        guard let m = r.mapping(root, "the COSD items", required: ["end-of-treatment-summary", "columns"]) else { return nil }
        let eots = r.identifier(m, "end-of-treatment-summary", in: "the COSD items")
        var columns: [Column] = []
        for node in r.sequence(m, "columns", in: "the COSD items") {
            guard let c = r.mapping(node, "a column", required: ["item", "name", "source"]),
                  let item = r.string(c, "item", in: "a column"), let name = r.string(c, "name", in: "the column `\(item)`"),
                  let sourceWord = r.string(c, "source", in: "the column `\(item)`") else { continue }
            let isItem = item.count == 6 && item.hasPrefix("CR") && item.dropFirst(2).allSatisfy { $0.isASCII && $0.isNumber }
            if !isItem { r.report(c["item"], "`\(item)` is not a COSD item number", fix: "write `CR` and four digits, e.g. `item: CR7900`") }
            if columns.contains(where: { $0.item == item }) { r.report(c["item"], "the item `\(item)` is listed twice", fix: "list each item once") }
            guard let source = Source(rawValue: sourceWord) else {
                let near = Source.allCases.map(\.rawValue).min { editDistance($0, sourceWord) < editDistance($1, sourceWord) }!
                r.report(c["source"], "unknown source `\(sourceWord)` for `\(item)`",
                         fix: "did you mean `\(near)`? sources are " + Source.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))
                continue
            }
            if columns.contains(where: { $0.source == source }) {
                r.report(c["source"], "the source `\(sourceWord)` is given to two items", fix: "give each source one item")
            }
            if isItem { columns.append(Column(item: item, name: name, source: source)) }
        }
        for missing in Source.allCases where !columns.contains(where: { $0.source == missing }) {
            r.report(m["columns"], "no column has the source `\(missing.rawValue)`", fix: "add `- { item: CR...., name: ..., source: \(missing.rawValue) }`")
        }
        guard let eots else { return nil }
        return COSDSpec(columns: columns, eotsTemplate: eots)
    }
}

/// One event left out of the file, and why: named by the patient's careplan id and the event, never the NHS number.
public struct COSDLeftOut: Sendable, Equatable {
    public var patientId: Int64
    public var event: String
    public var reason: String
    public init(patientId: Int64, event: String, reason: String) {
        self.patientId = patientId
        self.event = event
        self.reason = reason
    }

    public var line: String { "patient \(patientId), \(event): \(reason)" }
}

/// The rows of the COSD file for a period.
public struct COSDExport: Sendable, Equatable {
    /// Each row's values by source (absent: empty in the file).
    public var rows: [[COSDSpec.Source: String]]
    public var leftOut: [COSDLeftOut]

    /// How many patients the rows are about.
    public var patients: Int { Set(rows.compactMap { $0[.localPatientId] }).count }

    /// The rows in `spec`'s column order: the header (item numbers) first.
    public func table(_ spec: COSDSpec) -> [[String]] {
        [spec.columns.map(\.item)] + rows.map { row in spec.columns.map { row[$0.source] ?? "" } }
    }

    /// Makes the facts into rows, events oldest first (then patient, offers before summaries). `roles` maps an
    /// offerer's role id to its CR7950 code (unknown role: 09); `codes` are the lists every code must be in.
    public static func rows(_ facts: COSDFacts, roles: Roles, codes: CodeLists) -> COSDExport {
        var out = COSDExport(rows: [], leftOut: [])
        func list(_ id: String) -> CodeLists.List? { codes.lists[id] }
        func coded(_ code: String, _ listId: String) -> Bool { list(listId)?.code(code) != nil }
        typealias Keyed = (date: String, patient: Int64, order: Int, id: Int64, row: [COSDSpec.Source: String])
        var keyed: [Keyed] = []

        for o in facts.offers {
            let event = "HNA offer \(o.id)"
            func leave(_ why: String) { out.leftOut.append(COSDLeftOut(patientId: o.patientId, event: event, reason: why)) }
            guard var row = identifiers(facts.patients[o.patientId], patientId: o.patientId, event: event, into: &out.leftOut) else { continue }
            guard LocalDate(iso: o.date) != nil else { leave("its date `\(o.date)` is not a date"); continue }
            guard coded(o.outcome, HNAOfferOutcome.listId) else { leave("its outcome `\(o.outcome)` is not in the hna-offered list"); continue }
            guard coded(o.pathwayPoint, PathwayPoint.listId) else { leave("its point of pathway `\(o.pathwayPoint)` is not in the pathway-point list"); continue }
            let offeredRole = o.offeredRole.flatMap { roles.role($0)?.staffRole } ?? .notKnown
            guard coded(offeredRole.rawValue, StaffRole.listId) else { leave("the offerer's role code `\(offeredRole.rawValue)` is not in the staff-role list"); continue }
            row[.hnaOffered] = o.outcome
            row[.eventDate] = o.date
            row[.pathwayPoint] = o.pathwayPoint
            row[.offeredRole] = offeredRole.rawValue
            if o.outcome == HNAOfferOutcome.accepted.rawValue {
                guard let a = o.assessment else { leave("it was accepted but names no assessment"); continue }
                guard let status = AssessmentStatus(rawValue: a.status) else { leave("its assessment's status `\(a.status)` is not known"); continue }
                if let role = a.agreedRole {
                    guard coded(role, StaffRole.listId) else { leave("its care plan's role code `\(role)` is not in the staff-role list"); continue }
                    row[.planningRole] = role
                }
                // 06 only where the record says so: a plan agreed with no concern raised on it.
                let plan = status == .agreed || status == .superseded ? (a.concerns == 0 ? "06" : status.cosdPlanStatus) : status.cosdPlanStatus
                guard coded(plan, "plan-status") else { leave("its plan status `\(plan)` is not in the plan-status list"); continue }
                row[.planStatus] = plan
            }
            keyed.append((o.date, o.patientId, 0, o.id, row))
        }
        for s in facts.summaries {
            let event = "End of Treatment Summary (document \(s.documentId))"
            guard var row = identifiers(facts.patients[s.patientId], patientId: s.patientId, event: event, into: &out.leftOut) else { continue }
            guard let date = s.date, LocalDate(iso: date) != nil else {
                out.leftOut.append(COSDLeftOut(patientId: s.patientId, event: event, reason: "it has no date (CR8420)"))
                continue
            }
            row[.eotsDate] = date
            keyed.append((date, s.patientId, 1, s.documentId, row))
        }
        out.rows = keyed.sorted { ($0.date, $0.patient, $0.order, $0.id) < ($1.date, $1.patient, $1.order, $1.id) }.map(\.row)
        return out
    }

    /// The patient's identifiers, or nil with the reason added to `leftOut`.
    static func identifiers(_ p: COSDFacts.Patient?, patientId: Int64, event: String, into leftOut: inout [COSDLeftOut]) -> [COSDSpec.Source: String]? {
        func leave(_ why: String) -> [COSDSpec.Source: String]? {
            leftOut.append(COSDLeftOut(patientId: patientId, event: event, reason: why))
            return nil
        }
        guard let p else { return leave("the patient is not in the store") }
        guard NHSNumber(p.nhsNumber) != nil else { return leave("the patient's NHS number is not valid (CR0010)") }
        guard LocalDate(iso: p.dateOfBirth) != nil else { return leave("the patient's date of birth is not a date (CR0100)") }
        let code = p.diagnosisCode.trimmingCharacters(in: .whitespaces).uppercased()
        if !code.isEmpty && !Pathway.isICD10Category(code) { return leave("the patient's diagnosis code is not an ICD-10 code") }
        if let d = p.diagnosisDate, !d.isEmpty, LocalDate(iso: d) == nil { return leave("the patient's date of diagnosis is not a date") }
        var row: [COSDSpec.Source: String] = [.nhsNumber: p.nhsNumber, .localPatientId: String(p.id), .dateOfBirth: p.dateOfBirth]
        if !code.isEmpty { row[.primaryDiagnosis] = code }
        if let d = p.diagnosisDate, !d.isEmpty { row[.diagnosisDate] = d }
        return row
    }
}
