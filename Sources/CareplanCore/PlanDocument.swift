import Foundation

/// Everything a printed, mailed or exchanged plan shows, built once from the store's records, the catalogue
/// and the service directory. The text and PDF renderers both walk `sections` (one place decides what a plan
/// says and in which order); the FHIR export reads the typed fields.
///
/// A locked (agreed) plan's document depends only on the records: no clock is read, so it renders to the
/// same bytes every time. A draft may carry the time it was printed.
public struct PlanDocument: Sendable {
    /// What the header of every page shows, so a loose page can be matched to its patient.
    public struct Identity: Sendable, Equatable, Codable {
        /// `SMITH, Jane`
        public var name: String
        /// `943 476 5919`
        public var nhsNumber: String
        /// `05 Mar 1961`
        public var dateOfBirth: String
        public init(name: String, nhsNumber: String, dateOfBirth: String) {
            self.name = name
            self.nhsNumber = nhsNumber
            self.dateOfBirth = dateOfBirth
        }
    }

    public struct ConcernRow: Sendable, Equatable {
        public var key: String
        public var label: String
        public var categoryTitle: String
        public var score: Int?
        public var discussed: Bool
    }

    public struct ActionRow: Sendable, Equatable {
        public var what: String
        public var who: String
        public var owner: ActionOwner
        public var due: LocalDate?
        /// The service signposted or referred to, if any.
        public var service: ServiceDirectory.Service?
    }

    public struct DiscussedConcern: Sendable, Equatable {
        public var concern: ConcernRow
        public var note: String
        public var actions: [ActionRow]
    }

    public struct SignpostRow: Sendable, Equatable {
        public var service: ServiceDirectory.Service
        /// The concerns (labels) it was signposted for.
        public var forConcerns: [String]
    }

    // MARK: The plan's content

    public var title: String
    public var identity: Identity
    public var patient: Patient
    public var assessment: Assessment
    public var catalogueTitle: String
    /// The coded answers in words, from Resources/codelists.yaml.
    public var pathwayPointLabel: String
    public var completedByLabel: String
    public var agreedRoleLabel: String?
    /// At or above the threshold of Resources/policy.yaml; nil when no score was recorded.
    public var distressIsSignificant: Bool?
    public var isDraft: Bool
    /// Only drafts carry a print time; a locked plan's content never depends on when it was exported.
    public var printedAt: Date?
    /// The concerns, rated lifestyle items among them, in care-planning order (see `PlanConcerns`).
    public var concerns: [ConcernRow]
    /// The concerns chosen for the conversation, in order, with what was discussed and agreed.
    public var discussed: [DiscussedConcern]
    /// The lifestyle and information section: unrated topics raised, what was given, actions.
    public var information: [DiscussedConcern]
    public var signposted: [SignpostRow]
    /// The health and wellbeing information given from this plan (the store's records with it as their source).
    public var informationGiven: [InformationGiven]
    /// The sections as both printed renderers lay them out.
    public private(set) var sections: [Section] = []
    /// The patient's scores across their assessments up to this plan's (`trendAssessments`); nil when the caller
    /// gave no history (the review screen draws its own). Printed after "My concerns".
    public var trends: PatientTrends?

    /// - Parameter printedAt: the print time, shown on drafts only (ignored for an agreed plan).
    /// - Parameter informationGiven: what the patient was given; those given from this plan are listed.
    /// - Parameter history: the patient's assessments (any order, this one among them or not), for the printed trend.
    public init(assessment: Assessment, patient: Patient, catalogue: ConcernCatalogue?, services: ServiceDirectory,
                codes: CodeLists, policy: Policy, printedAt: Date? = nil, informationGiven: [InformationGiven] = [],
                history: [Assessment]? = nil) {
        self.trends = history.map { PatientTrends(assessments: Self.trendAssessments(of: assessment, among: $0)) }
        self.title = "Personalised Care and Support Plan"
        self.assessment = assessment
        self.patient = patient
        self.identity = Identity(name: patient.displayName, nhsNumber: patient.nhsNumber.formatted, dateOfBirth: patient.dateOfBirth.display)
        self.catalogueTitle = catalogue.map { "\($0.title) (\($0.id) \($0.version))" } ?? "\(assessment.catalogueId) \(assessment.catalogueVersion)"
        self.pathwayPointLabel = codes.label(assessment.pathwayPoint)
        self.completedByLabel = codes.label(assessment.completedBy)
        self.agreedRoleLabel = assessment.agreedRole.map(codes.label)
        self.distressIsSignificant = assessment.distressScore.map(policy.isSignificant)
        self.isDraft = !assessment.isLocked
        self.printedAt = assessment.isLocked ? nil : printedAt
        // In the order given (the store lists them newest first). An agreed plan prints what it was when agreed:
        // items given from it later are on the record and the information prescription, not in its copies.
        let agreedAt = assessment.isLocked ? assessment.agreedAt : nil
        self.informationGiven = informationGiven.filter { given in
            given.source == .assessment(assessment.id) && agreedAt.map { given.recordedAt <= $0 } ?? true
        }.sorted { ($0.date, $0.id) < ($1.date, $1.id) }

        func row(_ c: ConcernEntry) -> ConcernRow {
            ConcernRow(key: c.key, label: c.label, categoryTitle: catalogue?.categoryTitle(of: c) ?? c.categoryId, score: c.score, discussed: c.discuss)
        }
        func actions(_ key: String) -> [ActionRow] {
            assessment.actions(for: key).map { a in
                ActionRow(what: a.what, who: codes.ownerDescription(a), owner: a.owner, due: a.due, service: a.serviceId.flatMap(services.service))
            }
        }
        let split = PlanConcerns(assessment, catalogue: catalogue)
        concerns = split.concerns.map(row)
        discussed = split.discussed.map { DiscussedConcern(concern: row($0), note: $0.note, actions: actions($0.key)) }
        information = split.information.map { DiscussedConcern(concern: row($0), note: $0.note, actions: actions($0.key)) }
        var signposts: [String: SignpostRow] = [:]
        var order: [String] = []
        for c in assessment.prioritisedConcerns {
            for a in assessment.actions(for: c.key) {
                guard let id = a.serviceId, let s = services.service(id) else { continue }
                if signposts[id] == nil { signposts[id] = SignpostRow(service: s, forConcerns: []); order.append(id) }
                if !signposts[id]!.forConcerns.contains(c.label) { signposts[id]!.forConcerns.append(c.label) }
            }
        }
        signposted = order.map { signposts[$0]! }
        sections = makeSections()
    }

    // MARK: Labels shared by every format

    public var statusLine: String {
        switch assessment.status {
        case .inProgress: return "DRAFT: not yet agreed"
        case .agreed: return "Agreed and locked"
        case .superseded: return "Agreed, since replaced by a newer version"
        case .discarded: return "DISCARDED: started in error, never agreed"
        }
    }

    /// `Agreed 05 Mar 2024 by Jo Bloggs (Clinical nurse specialist)`
    public var agreedDate: LocalDate? { assessment.agreedAt.map { LocalDate($0, calendar: PlanDocument.ukCalendar) } }

    /// Dates and times on a plan are UK dates, whatever zone the terminal is set to.
    public static let ukCalendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0)!
        return c
    }()

    public static func timeText(_ d: Date) -> String {
        let c = ukCalendar.dateComponents([.hour, .minute], from: d)
        return LocalDate(d, calendar: ukCalendar).display + String(format: " %02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    public static func scoreText(_ s: Int?) -> String { s.map { "\($0)/10" } ?? "not rated" }

    public static func dueText(_ d: LocalDate?) -> String { d?.display ?? "no date set" }

    /// One line for a footer: `Version 2 · agreed 05 Mar 2024` or `DRAFT version 1 · printed 05 Mar 2024 14:05`.
    public var footerLine: String {
        if isDraft {
            return "DRAFT, version \(assessment.version)" + (printedAt.map { " · printed \(PlanDocument.timeText($0))" } ?? "")
        }
        return "Version \(assessment.version) · agreed" + (agreedDate.map { " \($0.display)" } ?? "") + " · plan reference \(assessment.id)"
    }

    /// The assessments a plan's trend counts: the patient's up to and including this plan's (by date), the plan
    /// itself as it stands. An agreed plan prints what it was when agreed: only assessments already agreed then
    /// (a draft may still change) and none recorded after it. A version replaced by another in the window is
    /// left out (the newer counts); one replaced only later counts as it did then, and so does the plan itself.
    public static func trendAssessments(of plan: Assessment, among history: [Assessment]) -> [Assessment] {
        var window = history.filter { $0.id != plan.id && $0.patientId == plan.patientId && ($0.date, $0.id) < (plan.date, plan.id) }
        if plan.isLocked {
            let agreedAt = plan.agreedAt ?? plan.updatedAt
            window = window.filter { a in a.isLocked && a.status != .discarded && (a.agreedAt ?? a.updatedAt) <= agreedAt }
        }
        window.append(plan)
        let replaced = Set(window.compactMap(\.previousId))
        return window.filter { !replaced.contains($0.id) }.map { a in
            var a = a
            if a.status == .superseded { a.status = .agreed }
            return a
        }
    }

    /// "How my scores have changed": the trend as small charts, or with one assessment only, its scores and why
    /// there is no chart.
    public func trendSection(_ trends: PatientTrends) -> Section {
        let title = "How my scores have changed"
        let chart = TrendChart(trends)
        guard trends.points.count >= 2 else {
            return Section(title: title, blocks: [.remark("This is the first assessment on record, so there is nothing earlier to compare with.")]
                           + chart.figures.map(Block.table))
        }
        let drafts = trends.points.contains(where: \.inProgress) ? " * marks an assessment still being filled in." : ""
        return Section(title: title, blocks: [
            .remark("Scores from 0 to 10 at each assessment up to this plan's, oldest first; - not raised then, ? not scored." + drafts),
            .trend(chart),
        ])
    }

    // MARK: Sections

    private func makeSections() -> [Section] {
        let a = assessment
        var out: [Section] = []

        var about: [Block] = [.fields([
            Field("Name", "\(patient.givenName) \(patient.familyName)"),
            Field("NHS number", identity.nhsNumber),
            Field("Date of birth", identity.dateOfBirth),
        ] + (patient.diagnosis.isEmpty ? [] : [Field("Diagnosis", patient.diagnosis
            + (patient.diagnosisCode.isEmpty ? "" : " (\(patient.diagnosisCode))")
            + (patient.diagnosisDate.map { ", diagnosed \($0.display)" } ?? ""))]) + [
            Field("Assessment", "\(a.date.display), \(pathwayPointLabel.lowercased())"),
            Field("Checklist completed by", completedByLabel),
        ])]
        about.append(.subheading("What matters to me"))
        about.append(a.whatMattersToMe.isEmpty ? .remark("Not recorded.") : .paragraph(a.whatMattersToMe))
        out.append(Section(title: "About me", blocks: about))

        var concernBlocks: [Block] = [.fields([Field("Overall distress score", a.distressScore.map {
            "\($0) out of 10" + (distressIsSignificant == true ? " (significant distress)" : "")
        } ?? "not recorded")])]
        if concerns.isEmpty {
            concernBlocks.append(.remark("No concerns were recorded."))
        } else {
            concernBlocks.append(.table(Table(
                columns: [Column("#", weight: 0.05, align: .right), Column("Concern", weight: 0.41), Column("Category", weight: 0.33),
                          Column("Score", weight: 0.09, align: .right), Column("Discussed", weight: 0.12)],
                rows: concerns.enumerated().map { i, c in
                    ["\(i + 1)", c.label, c.categoryTitle, PlanDocument.scoreText(c.score), c.discussed ? "yes" : ""]
                })))
        }
        out.append(Section(title: "My concerns", blocks: concernBlocks))

        var talk: [Block] = []
        if discussed.isEmpty { talk.append(.remark("No concerns have been chosen for discussion yet.")) }
        for (i, d) in discussed.enumerated() {
            talk.append(.subheading("\(i + 1). \(d.concern.label) (score \(PlanDocument.scoreText(d.concern.score)))"))
            talk += Self.discussionBlocks(d)
        }
        out.append(Section(title: "What we discussed and agreed", blocks: talk))

        var info: [Block] = []
        if information.isEmpty && signposted.isEmpty && informationGiven.isEmpty { info.append(.remark("None recorded.")) }
        for d in information {
            info.append(.subheading(d.concern.label))
            info += Self.discussionBlocks(d)
        }
        if !informationGiven.isEmpty {
            info.append(.subheading("Information given"))
            info.append(.table(Table(
                columns: [Column("Information", weight: 0.56), Column("How", weight: 0.22), Column("Date", weight: 0.22)],
                rows: informationGiven.map { [$0.title, $0.how.label, $0.date.display] })))
        }
        if !signposted.isEmpty {
            info.append(.subheading("Services signposted or referred to"))
            info.append(.table(Table(
                columns: [Column("Service", weight: 0.3), Column("Contact", weight: 0.4), Column("For", weight: 0.3)],
                rows: signposted.map { [$0.service.name, $0.service.contact, $0.forConcerns.joined(separator: ", ")] })))
        }
        out.append(Section(title: "Information and support", blocks: info))

        out.append(Section(title: "Review", blocks: [.fields([Field("Review date", a.reviewDate?.display ?? "not set")])]))

        var who: [Field] = [Field("Checklist completed by", completedByLabel)]
        if !a.createdBy.isEmpty { who.append(Field("Assessment recorded by", a.createdBy)) }
        if a.isLocked {
            who.append(Field("Agreed by", a.agreedBy.isEmpty ? "not recorded" : a.agreedBy))
            who.append(Field("Role", agreedRoleLabel ?? "not recorded"))
            who.append(Field("Date agreed", agreedDate?.display ?? "not recorded"))
        } else {
            who.append(Field("Agreed by", "not yet agreed"))
        }
        out.append(Section(title: "Who was involved", blocks: [.fields(who),
            .remark("Copies: patient, clinical record, GP.")]))

        var status: [Field] = [Field("Status", statusLine), Field("Version", "\(a.version)"), Field("Plan reference", "\(a.id)")]
        if let printedAt { status.append(Field("Printed", PlanDocument.timeText(printedAt))) }
        status.append(Field("Checklist", catalogueTitle))
        out.append(Section(title: "Plan status", blocks: [.fields(status)]))
        return out
    }

    static func discussionBlocks(_ d: DiscussedConcern) -> [Block] {
        var b: [Block] = [d.note.isEmpty ? .remark("No notes recorded.") : .paragraph(d.note)]
        if d.actions.isEmpty {
            b.append(.remark("No actions agreed."))
        } else {
            b.append(.table(Table(
                columns: [Column("Agreed action", weight: 0.56), Column("Who", weight: 0.24), Column("By when", weight: 0.2)],
                rows: d.actions.map { a in
                    [a.what + (a.service.map { "\nService: \($0.name), \($0.contact)" } ?? ""), a.who, dueText(a.due)]
                })))
        }
        return b
    }
}

// MARK: - The layout-neutral shape of a plan

public struct Section: Sendable, Equatable, Codable {
    public var title: String
    public var blocks: [Block]
    public init(title: String, blocks: [Block]) { self.title = title; self.blocks = blocks }
}

public struct Field: Sendable, Equatable, Codable {
    public var label: String
    public var value: String
    public init(_ label: String, _ value: String) { self.label = label; self.value = value }
}

public enum Block: Sendable, Equatable, Codable {
    case fields([Field])
    case subheading(String)
    /// The patient's or clinician's own words (can be long, any script).
    case paragraph(String)
    /// A line of the plan's own wording ("No actions agreed.").
    case remark(String)
    case table(Table)
    /// A chart of one series (bars, columns by month), never split across pages.
    case chart(ReportChart)
    /// A patient's scores across assessments, as one small chart per series.
    case trend(TrendChart)
}

public struct Column: Sendable, Equatable, Codable {
    public enum Align: Sendable, Codable { case left, right }
    public var title: String
    /// Share of the width (the columns' weights add up to 1).
    public var weight: Double
    public var align: Align
    public init(_ title: String, weight: Double, align: Align = .left) { self.title = title; self.weight = weight; self.align = align }
}

public struct Table: Sendable, Equatable, Codable {
    public var columns: [Column]
    public var rows: [[String]]
    public init(columns: [Column], rows: [[String]]) { self.columns = columns; self.rows = rows }
}

/// What a printed page needs of a plan: its sections, what every page's header and footer say, and the
/// time to stamp a locked plan with. Codable, because the PDF is drawn by a separate program
/// (`careplan-pdf`): the terminal program then never loads Pango, Cairo and the forty libraries under them,
/// which would cost every start-up several times what the whole of dialog takes to start.
public struct PrintLayout: Codable, Sendable, Equatable {
    public var title: String
    /// The patient every page's header names; nil for what names no patient (a report).
    public var identity: PlanDocument.Identity?
    public var isDraft: Bool
    public var version: Int
    /// What the top right of every page says: `DRAFT: NOT YET AGREED`, `Signed · version 2`.
    public var status: String
    /// Body text at 14 pt (clear-print guidance for patients), beside the standard 9.5 pt.
    public var largePrint = false
    /// When a locked plan was agreed (its PDF's creation date, so it renders to the same bytes every time).
    public var stamp: Date
    public var footerLine: String
    public var sections: [Section]

    public init(title: String, identity: PlanDocument.Identity?, isDraft: Bool, version: Int, status: String, largePrint: Bool = false,
                stamp: Date, footerLine: String, sections: [Section]) {
        self.title = title
        self.identity = identity
        self.isDraft = isDraft
        self.version = version
        self.status = status
        self.largePrint = largePrint
        self.stamp = stamp
        self.footerLine = footerLine
        self.sections = sections
    }
}

extension PrintLayout {
    /// The layout as it may be printed: what the store holds went in when typed, but may have arrived another
    /// way (an old version, a restored or hand-edited store), and a text or PDF export must never carry escape
    /// sequences or controls to a terminal or printer. Every text and PDF export renders through this. Words
    /// keep their lines where lines belong (field values, paragraphs, table cells); the rest is one line.
    public var cleaned: PrintLayout {
        let line = TextCleaner.singleLine, lines = TextCleaner.multiLine
        var l = self
        l.title = line(title)
        l.identity = identity.map { PlanDocument.Identity(name: line($0.name), nhsNumber: line($0.nhsNumber), dateOfBirth: line($0.dateOfBirth)) }
        l.status = line(status)
        l.footerLine = line(footerLine)
        l.sections = sections.map { s in
            Section(title: line(s.title), blocks: s.blocks.map { b in
                switch b {
                case .fields(let fs): return .fields(fs.map { Field(line($0.label), lines($0.value)) })
                case .subheading(let t): return .subheading(line(t))
                case .paragraph(let t): return .paragraph(lines(t))
                case .remark(let t): return .remark(line(t))
                case .table(let t):
                    return .table(Table(columns: t.columns.map { Column(line($0.title), weight: $0.weight, align: $0.align) },
                                        rows: t.rows.map { $0.map(lines) }))
                case .chart(var c):
                    c.title = line(c.title)
                    c.unit = line(c.unit)
                    c.points = c.points.map { ReportChartPoint(line($0.label), $0.value) }
                    return .chart(c)
                case .trend(var t):
                    t.dates = t.dates.map(line)
                    t.series = t.series.map { TrendSeries(label: line($0.label), marks: $0.marks, change: $0.change.map(line)) }
                    return .trend(t)
                }
            })
        }
        return l
    }
}

extension PlanDocument {
    /// The printed plan: its sections, with the trend after "My concerns" when the caller gave the history.
    public var printLayout: PrintLayout {
        var printed = sections
        if let trends {
            let at = (printed.firstIndex { $0.title == "My concerns" } ?? 1) + 1
            printed.insert(trendSection(trends), at: min(at, printed.count))
        }
        return PrintLayout(title: title, identity: identity, isDraft: isDraft, version: assessment.version,
                           status: isDraft ? "DRAFT: NOT YET AGREED" : "Agreed · version \(assessment.version)",
                           stamp: assessment.agreedAt ?? assessment.updatedAt, footerLine: footerLine, sections: printed)
    }
}
