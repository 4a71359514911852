import CareplanCore
import Foundation

/// Who a printed copy of a document is for. Every copy lists all three; the GP's puts the template's
/// `gp-first` section (the actions for the GP) before the rest.
public enum DocumentCopy: String, CaseIterable, Codable, Sendable {
    case patient, gp, record

    public var label: String {
        switch self {
        case .patient: return "patient"
        case .gp: return "GP"
        case .record: return "clinical record"
        }
    }
}

/// Any document (an End of Treatment Summary, a test-only template ...) as the printed renderers lay it out:
/// its template's sections in order, each field by its label, long text as paragraphs, a repeating group
/// as a table, then who signed it and its status. The text and PDF renderers walk `sections` as they do a
/// plan's; `DocumentFHIR` reads the same values. A signed document's print depends only on the records.
public struct DocumentPrint: Sendable {
    public var template: DocumentTemplate
    public var document: Document
    public var patient: Patient
    public var identity: PlanDocument.Identity
    public var copy: DocumentCopy
    public var codes: CodeLists
    public var services: ServiceDirectory
    /// Resources/roles.yaml: the signer's role by its name.
    public var roles: Roles
    /// The store's staff (disabled ones too: they still wrote what they wrote), to give a person chosen from
    /// them their role.
    public var staff: [StaffName]
    public var isDraft: Bool { document.status == .draft }
    /// Only drafts carry a print time.
    public var printedAt: Date?
    public private(set) var sections: [Section] = []

    public init(document: Document, template: DocumentTemplate, patient: Patient, codes: CodeLists, services: ServiceDirectory,
                roles: Roles, staff: [StaffName] = [], copy: DocumentCopy = .record, printedAt: Date? = nil) {
        self.document = document
        self.template = template
        self.patient = patient
        self.identity = PlanDocument.Identity(name: patient.displayName, nhsNumber: patient.nhsNumber.formatted, dateOfBirth: patient.dateOfBirth.display)
        self.copy = copy
        self.codes = codes
        self.services = services
        self.roles = roles
        self.staff = staff
        self.printedAt = document.status == .draft ? printedAt : nil
        sections = makeSections()
    }

    /// The value of a field in words, or nil when it is empty; one of the staff with their role.
    public func text(_ field: DocumentField, in values: [String: FieldValue]) -> String? {
        guard let v = values[field.id], !v.isEmpty else { return nil }
        if case .person(let name, let id?) = v, let role = staff.first(where: { $0.userName == id })?.roleName { return "\(name), \(role)" }
        return field.display(v, codes: codes, services: services)
    }

    /// The template's sections in the order this copy prints them; the patient's, only those of the template's
    /// `patient-copy` (the Cancer Care Review's summary of concerns and actions) when it names some.
    public var orderedSections: [DocumentSection] {
        if copy == .patient, !template.patientCopy.isEmpty { return template.sections.filter { template.patientCopy.contains($0.id) } }
        guard copy == .gp, let first = template.gpFirst, let s = template.section(first) else { return template.sections }
        return [s] + template.sections.filter { $0.id != first }
    }

    public var statusLine: String {
        switch document.status {
        case .draft: return "DRAFT: not yet signed"
        case .signed: return "Signed and locked"
        case .superseded: return "Signed, since replaced by a newer version"
        }
    }

    public var signedDate: LocalDate? { document.signedAt.map { LocalDate($0, calendar: PlanDocument.ukCalendar) } }

    public var footerLine: String {
        let copyText = " · \(copy.label)'s copy"
        if isDraft {
            return "DRAFT, version \(document.version)" + copyText + (printedAt.map { " · printed \(PlanDocument.timeText($0))" } ?? "")
        }
        return "Version \(document.version) · signed" + (signedDate.map { " \($0.display)" } ?? "") + " · reference \(document.id)" + copyText
    }

    public func printLayout(largePrint: Bool = false) -> PrintLayout {
        var layout = PrintLayout(title: document.title, identity: identity, isDraft: isDraft, version: document.version,
                                 status: isDraft ? "DRAFT: NOT YET SIGNED" : "Signed · version \(document.version)",
                                 stamp: document.signedAt ?? document.updatedAt, footerLine: footerLine, sections: sections)
        layout.largePrint = largePrint
        return layout
    }

    /// A field's label on this copy: the plain words of `patient-label` on the patient's, where the template gives them.
    func label(_ field: DocumentField) -> String { copy == .patient ? field.patientLabel ?? field.label : field.label }

    private func makeSections() -> [Section] {
        var out: [Section] = []
        for section in orderedSections {
            var blocks: [Block] = []
            var fields: [Field] = []
            func flush() { if !fields.isEmpty { blocks.append(.fields(fields)); fields = [] } }
            for field in section.fields {
                switch field.kind {
                case .longText:
                    flush()
                    blocks.append(.subheading(label(field)))
                    blocks.append(text(field, in: document.values).map(Block.paragraph) ?? .remark("Not recorded."))
                case .concerns:
                    flush()
                    blocks.append(.subheading(label(field)))
                    guard case .concerns(let list)? = document[field.id], !list.isEmpty else { blocks.append(.remark("None recorded.")); continue }
                    blocks.append(.table(Table(columns: [Column("Concern", weight: 0.8), Column("Score (0-10)", weight: 0.2, align: .right)],
                                               rows: list.map { [$0.label, $0.score.map(String.init) ?? "not scored"] })))
                case .group(let columns, _):
                    flush()
                    blocks.append(.subheading(label(field)))
                    let rows = document.rows(field.id)
                    if rows.isEmpty { blocks.append(.remark("None recorded.")); continue }
                    let weights = columns.map { [.date, .yesNo].contains($0.kind) || $0.kind.name == "number" ? 1.0 : 2.0 }
                    let total = weights.reduce(0, +)
                    blocks.append(.table(Table(columns: zip(columns, weights).map { Column(label($0), weight: $1 / total) },
                                               rows: rows.map { row in columns.map { text($0, in: row.values) ?? "" } })))
                default:
                    fields.append(Field(label(field), text(field, in: document.values) ?? "not recorded"))
                }
            }
            flush()
            if !section.help.isEmpty && blocks.isEmpty { blocks.append(.remark(section.help)) }
            out.append(Section(title: copy == .patient ? section.patientTitle ?? section.title : section.title, blocks: blocks))
        }
        var status: [Field] = [Field("Status", statusLine), Field("Version", "\(document.version)"), Field("Reference", "\(document.id)")]
        if document.status != .draft {
            status.append(Field("Signed by", document.signedBy.isEmpty ? "not recorded" : signerName))
            status.append(Field("Role", roleName))
            status.append(Field("Date signed", signedDate?.display ?? "not recorded"))
        }
        if let printedAt { status.append(Field("Printed", PlanDocument.timeText(printedAt))) }
        status.append(Field("Template", "\(template.id) version \(document.templateVersion)"))
        out.append(Section(title: "Document status", blocks: [
            .fields(status),
            .remark("Copies: " + DocumentCopy.allCases.map(\.label).joined(separator: ", ") + ". This is the \(copy.label)'s copy."),
        ]))
        return out
    }

    /// The signer's role as Resources/roles.yaml names it (its id if the file no longer has it).
    /// Who signed, by their full name when the store's staff has them (it signs by user name).
    public var signerName: String { staff.first { $0.userName == document.signedBy }?.fullName ?? document.signedBy }

    public var roleName: String {
        document.signedRole.isEmpty ? "not recorded" : roles.role(document.signedRole)?.name ?? document.signedRole
    }
}
