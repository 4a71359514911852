import Foundation

/// Recording that an information prescription left careplan (a file or the printer): audited against the
/// patient, with the number of items, the format and where it went, never what it says.
public protocol InformationExportRepository: AnyObject, Sendable {
    /// Refuses an unknown patient (`notFound`).
    func recordInformationExport(patientId: Int64, items: Int, format: String, destination: String, by user: String, now: Date) throws
}

/// The page a patient takes home: the items of the library given to them (one date's, or a chosen few), each
/// with its plain summary and where to find it, with their name, NHS number, the date and who gave it. The
/// text and PDF renderers walk its `printLayout` as they do a plan's. It depends only on the records and the
/// library (no clock), so the same records print the same page.
public struct InformationPrescription: Sendable {
    public var patient: Patient
    public var given: [InformationGiven]
    public var date: LocalDate
    /// Who gave them, by full name where the store's staff has them.
    public var givenBy: [String]
    public private(set) var sections: [Section] = []

    public static let title = "Information prescription"

    /// - Parameters:
    ///   - given: what was given, as the store has it (`informationGiven`); only those of `date` are listed,
    ///     and of them only `ids` when given.
    ///   - names: full names by user name (the store's staff), for who gave them.
    public init(patient: Patient, given: [InformationGiven], date: LocalDate, ids: Set<Int64>? = nil, library: InformationLibrary,
                names: [String: String] = [:]) {
        self.patient = patient
        self.date = date
        // The order they were recorded in: the order the nurse chose them.
        self.given = given.filter { $0.date == date && (ids?.contains($0.id) ?? true) }.sorted { $0.id < $1.id }
        var by: [String] = []
        for g in self.given {
            let name = names[g.givenBy] ?? g.givenBy
            if !by.contains(name) { by.append(name) }
        }
        givenBy = by
        sections = makeSections(library)
    }

    /// The latest date anything was given to the patient, if ever.
    public static func latestDate(_ given: [InformationGiven]) -> LocalDate? { given.map(\.date).max() }

    public var identity: PlanDocument.Identity {
        PlanDocument.Identity(name: patient.displayName, nhsNumber: patient.nhsNumber.formatted, dateOfBirth: patient.dateOfBirth.display)
    }

    private func makeSections(_ library: InformationLibrary) -> [Section] {
        var out = [Section(title: "For you", blocks: [
            .fields([Field("Name", "\(patient.givenName) \(patient.familyName)"), Field("NHS number", identity.nhsNumber),
                     Field("Date", date.display), Field("Given by", givenBy.isEmpty ? "not recorded" : givenBy.joined(separator: ", "))]),
            .remark("Information chosen for you by your care team. Keep this page: it says what each item is about and where to find it."),
        ])]
        var items: [Block] = []
        if given.isEmpty { items.append(.remark("Nothing was given on this date.")) }
        for (i, g) in given.enumerated() {
            items.append(.subheading("\(i + 1). \(g.title)"))
            guard let item = library.item(g.itemId) else {
                items.append(.remark("This item is no longer in the information library: ask your care team where to find it."))
                continue
            }
            items.append(.paragraph(item.summary))
            items.append(.fields([Field("Where to find it", item.reference), Field("From", item.publisher),
                                  Field("What it is", InformationPrescription.formatName(item.format))]))
        }
        out.append(Section(title: "Your information", blocks: items))
        return out
    }

    /// `leaflet`, `web page`, `course`, `event`.
    public static func formatName(_ f: InformationLibrary.Format) -> String { f == .webPage ? "web page" : f.rawValue }

    public var footerLine: String { "Information prescription · given \(date.display)" }

    public func printLayout(largePrint: Bool = false) -> PrintLayout {
        // A prescription is never a draft: what it lists is recorded; its stamp is the day it was given.
        let stamp = PlanDocument.ukCalendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 12)) ?? Date(timeIntervalSince1970: 0)
        return PrintLayout(title: Self.title, identity: identity, isDraft: false, version: 1, status: "Given \(date.display)", largePrint: largePrint,
                           stamp: stamp, footerLine: footerLine, sections: sections)
    }
}

extension InformationDelivery {
    /// `handed over`, as screens and printed plans say it.
    public var label: String { self == .handedOver ? "handed over" : rawValue }
}
