import Foundation

/// Which follow-up letter to write (issue 14): a result's letter, or the discharge letter of an enrolment.
public enum FollowUpLetterRequest: Sendable, Hashable {
    case results(resultId: Int64, enrolmentId: Int64)
    case discharge(enrolmentId: Int64)
}

/// Recording that a follow-up letter left careplan (a file or the printer): audited against the patient, with
/// the letter's kind, the format and where it went, never what it says.
public protocol FollowUpLetterRepository: AnyObject, Sendable {
    /// Refuses an unknown patient (`notFound`).
    func recordLetterExport(patientId: Int64, letter: String, format: String, destination: String, by user: String, now: Date) throws
}

/// A letter to the patient, copied to their GP: a result of their follow-up, or their discharge from it. Made
/// only from the records and the pathway (no clock), so the same records print the same letter; the text and
/// PDF renderers walk its `printLayout` as they do a plan's.
public struct FollowUpLetter: Sendable {
    public enum Kind: String, Sendable { case results, discharge }
    public var kind: Kind
    public var patient: Patient
    public var enrolment: Enrolment
    public var pathway: Pathway?
    /// The letter's date: the result's review (or its recording), or the discharge; the exporter dates it the
    /// day it is written (`FollowUpLetterExporter.letter(on:)`).
    public var date: LocalDate
    /// The care team's numbers, from the patient's latest signed End of Treatment Summary, printed where the
    /// letter says to call them.
    public var careTeam: CareTeamNumbers? {
        didSet { sections = sections.map { $0.title == Self.worried.title ? Self.worried(careTeam) : $0 } }
    }
    public private(set) var sections: [Section] = []

    /// The results letter of `result`; `tests` the enrolment's schedule (the next ones are listed).
    public init(result: TestResult, patient: Patient, enrolment: Enrolment, pathway: Pathway?, tests: [ScheduledTest]) {
        kind = .results
        self.patient = patient
        self.enrolment = enrolment
        self.pathway = pathway
        date = LocalDate(result.review?.at ?? result.recordedAt)
        let name = tests.first { $0.id == result.testId }?.name ?? pathway?.test(result.code)?.name ?? result.code
        var blocks: [Block] = [.fields([Field("Test", name), Field("Taken on", result.takenOn.display), Field("Result", result.value.words)])]
        if !result.needsReview {
            blocks.append(.paragraph("This result is as expected. Nothing needs to change: your follow-up carries on as planned."))
        } else if let review = result.review {
            switch review.outcome {
            case .noAction: blocks.append(.paragraph("Your care team has looked at this result. No action is needed: your follow-up carries on as planned."))
            case .contactPatient: blocks.append(.paragraph("Your care team has looked at this result and will contact you to talk about it. If you have not heard from them within a week, please call them."))
            case .referToClinic: blocks.append(.paragraph("Your care team has looked at this result and would like to see you in clinic. You will be sent an appointment; if it has not come within two weeks, please call them."))
            }
        } else {
            blocks.append(.paragraph("Your care team will look at this result and contact you about it."))
        }
        var out = [Self.forYou(patient, enrolment: enrolment, pathway: pathway), Section(title: "Your result", blocks: blocks)]
        let next = tests.filter { $0.status.isOpen }.sorted { $0.due < $1.due }.prefix(3)
        out.append(Section(title: "Your next tests", blocks: next.isEmpty ? [.remark("No more tests are planned on this pathway.")]
                           : [.table(Table(columns: [Column("Test", weight: 0.65), Column("Due", weight: 0.35)], rows: next.map { [$0.name, $0.due.display] }))]))
        out.append(Self.worried)
        out.append(Self.copyToGP)
        sections = out
    }

    /// The discharge letter: the follow-up that ended, why, and what happens now.
    public init(discharged enrolment: Enrolment, patient: Patient, pathway: Pathway?, tests: [ScheduledTest], results: [TestResult]) {
        kind = .discharge
        self.patient = patient
        self.enrolment = enrolment
        self.pathway = pathway
        date = enrolment.dischargedOn ?? enrolment.end
        let early = enrolment.statusReason != DischargeReason.endOfPathway.words
        var blocks: [Block] = [.fields([Field("Follow-up", pathway?.title ?? enrolment.pathwayId), Field("From", enrolment.start.display),
                                        Field("Discharged", date.display), Field("Why", early ? "early: \(enrolment.statusReason)" : "the follow-up is complete")])]
        let done = tests.filter { $0.status == .resultReceived }.count
        let open = FollowUpOpenItems(tests: tests, results: results, on: date)
        blocks.append(.paragraph("During your follow-up you had \(done) test\(done == 1 ? "" : "s") with results recorded."
                                 + (open.testsNotDone.isEmpty ? "" : " \(open.testsNotDone.count) planned test\(open.testsNotDone.count == 1 ? " was" : "s were") not done.")
                                 + (open.resultsToReview.isEmpty ? "" : " A result still waits for your care team's review: they will contact you about it.")))
        blocks.append(.paragraph(early ? "Your care team has discussed with you why your follow-up on this pathway ends now, and what happens next."
                                 : open.isEmpty ? "Your follow-up after cancer treatment is complete. Your GP now looks after your care."
                                 : "Your follow-up on this pathway has ended. Some things are still open (listed for your GP below): your care team or your GP will contact you about them."))
        let results = Table(columns: [Column("Test", weight: 0.45), Column("Taken", weight: 0.25), Column("Result", weight: 0.3)],
                            rows: results.sorted { $0.takenOn < $1.takenOn }.suffix(6).map { r in
            [tests.first { $0.id == r.testId }?.name ?? r.code, r.takenOn.display, r.value.words]
        })
        var out = [Self.forYou(patient, enrolment: enrolment, pathway: pathway), Section(title: "Your follow-up has ended", blocks: blocks)]
        if !results.rows.isEmpty { out.append(Section(title: "Your latest results", blocks: [.table(results)])) }
        var forGP: [Block] = []
        if !open.isEmpty {
            // What nobody should assume was done: the GP is told plainly, item by item.
            let names = Dictionary(tests.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
            forGP.append(.paragraph("Still open at discharge: please make sure each is followed up."))
            forGP.append(.table(Table(columns: [Column("Open at discharge", weight: 1)], rows: open.lines { names[$0] ?? $0 }.map { [$0] })))
        }
        forGP.append(.paragraph("Please continue the patient's care in general practice, including any screening they are due for and a Cancer Care Review if not yet done. "
                                + "If symptoms suggest the cancer may have come back, refer urgently."))
        out.append(Section(title: "For your GP", blocks: forGP))
        out.append(Self.worried)
        out.append(Self.copyToGP)
        sections = out
    }

    public var title: String { kind == .results ? "Your test result" : "Discharge from follow-up" }

    public var identity: PlanDocument.Identity {
        PlanDocument.Identity(name: patient.displayName, nhsNumber: patient.nhsNumber.formatted, dateOfBirth: patient.dateOfBirth.display)
    }

    static func forYou(_ p: Patient, enrolment: Enrolment, pathway: Pathway?) -> Section {
        Section(title: "For you", blocks: [.fields([Field("Name", "\(p.givenName) \(p.familyName)"), Field("NHS number", p.nhsNumber.formatted),
                                                     Field("Date of birth", p.dateOfBirth.display),
                                                     Field("Follow-up", pathway?.title ?? enrolment.pathwayId)])])
    }

    static let worried = worried(nil)

    static func worried(_ numbers: CareTeamNumbers?) -> Section {
        var blocks: [Block] = [
            .paragraph("If you notice new symptoms, or anything that worries you, call your care team: you do not need to wait for your next test."),
        ]
        if let numbers {
            blocks.append(.fields([Field("In working hours", numbers.inHours), Field("Out of hours", numbers.outOfHours)].filter { !$0.value.isEmpty }))
        }
        return Section(title: "If you are worried", blocks: blocks)
    }
    static let copyToGP = Section(title: "Copy", blocks: [.remark("A copy of this letter goes to your GP.")])


    public var footerLine: String { "\(title) · \(date.display)" }

    public func printLayout(largePrint: Bool = false) -> PrintLayout {
        let stamp = PlanDocument.ukCalendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 12)) ?? Date(timeIntervalSince1970: 0)
        return PrintLayout(title: title, identity: identity, isDraft: false, version: 1, status: "Letter · \(date.display)", largePrint: largePrint,
                           stamp: stamp, footerLine: footerLine, sections: sections)
    }
}

/// Whom the patient calls: in working hours, and out of hours (as the End of Treatment Summary says them).
public struct CareTeamNumbers: Sendable, Hashable {
    public var inHours: String
    public var outOfHours: String
    public init(inHours: String, outOfHours: String) {
        self.inHours = inHours
        self.outOfHours = outOfHours
    }
}

extension ResultValue {
    /// `6.1 ug/L`, `normal`, `needs review`: as screens and letters say a result.
    public var words: String {
        switch self {
        case .measured(let n, let unit): return ReviewRule.number(n) + " " + unit
        case .beyond(let side, let n, let unit): return side.rawValue + ReviewRule.number(n) + " " + unit
        case .judged(let j): return j == .needsReview ? "needs review" : j.rawValue
        }
    }
}
