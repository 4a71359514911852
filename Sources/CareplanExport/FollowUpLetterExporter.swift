import CareplanCore
import Foundation

/// A follow-up letter (a result's, or the discharge: `FollowUpLetter`) out of careplan, under the same rules
/// as a plan or a document (`PlanExporter.destination`, `AtomicFile`: 0600, whole or nothing, never over a
/// file without --force), recorded against the patient in the audit trail.
public enum FollowUpLetterExporter {
    public static func render(_ letter: FollowUpLetter, format: ExportFormat, paper: Paper = .a4, largePrint: Bool = false) throws -> Data {
        switch format {
        case .pdf: return try PDFProgram.render(letter.printLayout(largePrint: largePrint), paper: paper)
        case .text: return Data(TextRenderer.render(letter.printLayout()).utf8)
        case .fhir: throw ExportError.badOutput("A follow-up letter is a page for the patient and the GP: export it as pdf or text")
        }
    }

    /// `discharge-Łódź-9434765919-2031-03-01.pdf`, `result-…`: per patient, kind and date.
    public static func defaultFileName(for l: FollowUpLetter, format: ExportFormat, largePrint: Bool = false) -> String {
        (l.kind == .results ? "result-" : "discharge-") + PlanExporter.fileNamePart(l.patient.familyName) + "\(l.patient.nhsNumber.digits)-\(l.date.iso)"
            + (largePrint && format == .pdf ? "-large" : "") + "." + format.fileExtension
    }

    /// The letter a request names, made from the records, dated `day` when given (the day it is written).
    public static func letter(_ request: FollowUpLetterRequest, store: any CareRepository, configuration: Configuration, on day: LocalDate? = nil) throws -> FollowUpLetter {
        var letter = try recordsLetter(request, store: store, configuration: configuration)
        if let day { letter.date = day }
        letter.careTeam = try careTeam(patientId: letter.enrolment.patientId, store: store)
        return letter
    }

    /// The in-hours and out-of-hours contacts of the patient's latest signed End of Treatment Summary.
    static func careTeam(patientId: Int64, store: any CareRepository) throws -> CareTeamNumbers? {
        guard let summary = try store.documents(patientId: patientId).first(where: { $0.templateId == "eots" && $0.status == .signed }),
              let document = try store.document(id: summary.id) else { return nil }
        func text(_ id: String) -> String {
            if case .text(let t)? = document[id] { return TextCleaner.field(t, maxLength: 120) }
            return ""
        }
        let numbers = CareTeamNumbers(inHours: text("contact-in-hours"), outOfHours: text("contact-out-of-hours"))
        return numbers.inHours.isEmpty && numbers.outOfHours.isEmpty ? nil : numbers
    }

    static func recordsLetter(_ request: FollowUpLetterRequest, store: any CareRepository, configuration: Configuration) throws -> FollowUpLetter {
        let enrolmentId: Int64
        switch request {
        case .results(_, let e), .discharge(let e): enrolmentId = e
        }
        guard let enrolment = try store.enrolment(id: enrolmentId), let patient = try store.patient(id: enrolment.patientId) else {
            throw ExportError.badTarget("There is no such follow-up in this store")
        }
        let pathway = configuration.pathways[enrolment.pathwayId]
        let tests = try store.scheduledTests(enrolmentId: enrolmentId), results = try store.results(enrolmentId: enrolmentId)
        switch request {
        case .results(let id, _):
            guard let result = results.first(where: { $0.id == id }) else { throw ExportError.badTarget("There is no such result in this follow-up") }
            // A letter must not tell the patient about a result nobody has looked at yet.
            if result.needsReview && result.review == nil {
                throw ExportError.badTarget("This result needs a clinician's review before a letter is written: review it first. Nothing was written")
            }
            return FollowUpLetter(result: result, patient: patient, enrolment: enrolment, pathway: pathway, tests: tests)
        case .discharge:
            guard enrolment.status == .discharged else {
                throw ExportError.badTarget("\(patient.givenName) \(patient.familyName) is not discharged from \(pathway?.title ?? enrolment.pathwayId) yet. Nothing was written")
            }
            return FollowUpLetter(discharged: enrolment, patient: patient, pathway: pathway, tests: tests, results: results)
        }
    }

    /// The letter of this kind for the patient's latest follow-up: the discharge letter of their latest
    /// discharge, or the letter of their latest result.
    public static func latest(_ kind: FollowUpLetter.Kind, patientId: Int64, store: any CareRepository) throws -> FollowUpLetterRequest {
        let enrolments = try store.enrolments(patientId: patientId)
        switch kind {
        case .discharge:
            guard let e = enrolments.first(where: { $0.status == .discharged }) else {
                throw ExportError.badTarget("The patient has not been discharged from follow-up. Nothing was written")
            }
            return .discharge(enrolmentId: e.id)
        case .results:
            for e in enrolments {
                if let r = try store.results(enrolmentId: e.id).first { return .results(resultId: r.id, enrolmentId: e.id) }
            }
            throw ExportError.badTarget("The patient has no follow-up result yet. Nothing was written")
        }
    }

    /// `today` is the day the user's clock says (a moved test clock's), but a letter is never dated after the
    /// real today (`now`).
    public static func export(_ request: FollowUpLetterRequest, format: ExportFormat, paper: Paper, largePrint: Bool = false, output: String?, force: Bool = false,
                              store: any CareRepository, configuration: Configuration, user: String, now: Date, today: LocalDate? = nil,
                              currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> (URL, FollowUpLetter) {
        let letter = try letter(request, store: store, configuration: configuration, on: min(today ?? LocalDate(now), LocalDate(now)))
        let place = try PlanExporter.destination(output: output, name: defaultFileName(for: letter, format: format, largePrint: largePrint),
                                                 format: format, currentDirectory: currentDirectory)
        let data = try render(letter, format: format, paper: paper, largePrint: largePrint)
        let url = try PlanExporter.deliver(data, to: place, force: force) { url in
            try store.recordLetterExport(patientId: letter.enrolment.patientId, letter: letter.kind.rawValue, format: format.recorded(largePrint: largePrint),
                                         destination: url.path, by: user, now: now)
        }
        return (url, letter)
    }
}
