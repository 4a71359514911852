import Foundation

// Reports (issue 15): the store counts in SQL (facts grouped by month, team, ICD-10 category and role) and the
// code here turns the facts into a `ReportTable`. Reports count; they never carry a patient's identity.

/// What a report's rows are: a month each (the default), a team, a tumour site or a staff role.
public enum ReportGrouping: String, Sendable, Hashable, CaseIterable, Codable {
    case month, team, site, role
}

/// What a report counts: the period (both days included) and, when given, one team's patients only.
public struct ReportScope: Sendable, Hashable {
    public var from: LocalDate
    public var to: LocalDate
    public var teamId: Int64?

    public init(from: LocalDate, to: LocalDate, teamId: Int64? = nil) {
        self.from = from
        self.to = to
        self.teamId = teamId
    }

    /// The period cut at the months' ends, in order: each the same team, together the whole period.
    public var monthly: [ReportScope] {
        months.map { m in
            let first = LocalDate(iso: m + "-01")!
            let last = LocalDate(year: first.year, month: first.month, day: LocalDate.daysIn(month: first.month, year: first.year))!
            return ReportScope(from: max(from, first), to: min(to, last), teamId: teamId)
        }
    }

    /// The calendar months the period touches, oldest first ("2026-01").
    public var months: [String] {
        var out: [String] = [], y = from.year, m = from.month
        while (y, m) <= (to.year, to.month) {
            out.append(String(format: "%04d-%02d", y, m))
            (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1)
        }
        return out
    }
}

/// A report asked for by name, over a scope, grouped `by` (nil: its default): what the Reports screen sends.
public struct ReportRequest: Sendable, Hashable {
    public var name: String
    public var scope: ReportScope
    public var by: ReportGrouping?

    public init(name: String, scope: ReportScope, by: ReportGrouping? = nil) {
        self.name = name
        self.scope = scope
        self.by = by
    }
}

/// The dimensions a fact is counted under.
public struct ReportKey: Sendable, Hashable {
    /// "2026-01": the month of the date the report counts by.
    public var month: String
    public var teamId: Int64?
    /// The patient's ICD-10 category, as stored (the first three characters of the code; "" when none).
    public var category: String
    /// Who did it, when the report has a role: a role id of roles.yaml or a COSD staff role code.
    public var role: String?

    public init(month: String, teamId: Int64?, category: String, role: String? = nil) {
        self.month = month
        self.teamId = teamId
        self.category = category
        self.role = role
    }
}

/// One aggregated figure from the store: `count` things of kind `measure` under `key`, with `value` (a number
/// of days or hours, a score) and `label` (a pathway, a concern) where the measure has them.
public struct ReportFact: Sendable, Hashable {
    public var key: ReportKey
    public var measure: String
    public var value: Int?
    public var label: String?
    public var count: Int

    /// The measure of rows a report could not count because their date is not a real date (say so in the notes).
    public static let notADate = "not-a-date"

    public init(_ key: ReportKey, _ measure: String, value: Int? = nil, label: String? = nil, count: Int) {
        self.key = key
        self.measure = measure
        self.value = value
        self.label = label
        self.count = count
    }
}

/// A patient counted by the QOF report: the QOF rules (`QOFRules.states`) decide from their records.
public struct QOFReportPatient: Sendable, Hashable {
    public var key: ReportKey
    public var diagnosed: LocalDate?
    public var records: [QOFRecord]

    public init(key: ReportKey, diagnosed: LocalDate?, records: [QOFRecord]) {
        self.key = key
        self.diagnosed = diagnosed
        self.records = records
    }
}

/// The store's side of reports: each method counts one report's facts in the store (GROUP BY), never patient by
/// patient. Facts' measures are named in each method's comment.
public protocol ReportRepository: AnyObject, Sendable {
    /// Plans agreed in the scope (by the day agreed): `agreed` (first versions) and `reviewed` (later versions);
    /// role: the COSD staff role who agreed.
    func carePlanReportFacts(_ scope: ReportScope) throws -> [ReportFact]
    /// Patients whose first assessment (not discarded) is dated in the scope: `first-hna`, value the days from
    /// the diagnosis date (nil: no diagnosis date).
    func firstHNAReportFacts(_ scope: ReportScope) throws -> [ReportFact]
    /// End of Treatment Summaries signed (current versions) dated in the scope: `signed`, value the days from the
    /// latest treatment end date in it to its date (nil: no end date); role: the role id of who signed.
    func eotsReportFacts(_ scope: ReportScope) throws -> [ReportFact]
    /// Patients diagnosed from `diagnosedFrom` to the scope's end, with their QOF records.
    func qofReportPatients(_ scope: ReportScope, diagnosedFrom: LocalDate) throws -> [QOFReportPatient]
    /// Enrolments by pathway (label): `active` and `suspended` (started by the scope's end, not discharged by
    /// then), `discharged` (in the scope), `overdue-tests` (open tests overdue from the scope's end or before).
    func followUpReportFacts(_ scope: ReportScope) throws -> [ReportFact]
    /// Results recorded in the scope: `no-review` (not needing one) and `review`, value the days to review (nil:
    /// not reviewed).
    func resultReviewReportFacts(_ scope: ReportScope) throws -> [ReportFact]
    /// Re-access calls in the scope: `call` and `red-flag`, value the hours to return (nil: not returned).
    func reaccessReportFacts(_ scope: ReportScope) throws -> [ReportFact]
    /// Assessments dated in the scope (agreed or in progress): `assessment` (how many), and `concern` per
    /// catalogue item (label: "id\tname"); no month, team or site (the report has none).
    func concernReportFacts(_ scope: ReportScope) throws -> [ReportFact]
    /// Assessments dated in the scope (agreed or in progress): `distress` by month, value the score (nil: none given).
    func distressReportFacts(_ scope: ReportScope) throws -> [ReportFact]
    /// HNA offers counted in the scope (README "How offers are counted": an undecided offer a later one settled is
    /// not counted): measure the CR7900 outcome code, value 1 when the assessment an accepted offer led to was
    /// agreed (else 0); role: the role id of who offered it.
    func hnaOfferReportFacts(_ scope: ReportScope) throws -> [ReportFact]
    /// Records in the audit trail that `user` ran `report` over the scope (no patient data).
    func recordReportRun(_ report: String, scope: ReportScope, format: String, by user: String, now: Date) throws
}

/// What turns facts into words: team names, the tumour sites, role names, the policy's numbers.
public struct ReportContext: Sendable {
    public var teams: [Int64: String]
    public var sites: TumourSites
    public var roles: Roles
    public var codes: CodeLists
    public var policy: Policy
    public var qof: QOFRules
    public var pathways: [String: Pathway]

    public init(teams: [Team], sites: TumourSites, roles: Roles, codes: CodeLists, policy: Policy, qof: QOFRules, pathways: [String: Pathway]) {
        self.teams = Dictionary(teams.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        self.sites = sites
        self.roles = roles
        self.codes = codes
        self.policy = policy
        self.qof = qof
        self.pathways = pathways
    }

    public init(teams: [Team], configuration c: Configuration) {
        self.init(teams: teams, sites: c.tumourSites, roles: c.roles, codes: c.codes, policy: c.policy, qof: c.qof, pathways: c.pathways)
    }

    static let noTeam = "No team"
    static let noRole = "Not recorded"
    /// A role no longer in roles.yaml nor a COSD staff role code (COSD codes it 09, "not known").
    static let unknownRole = "Not known"

    /// A role id of roles.yaml by its name, a COSD staff role code by its label.
    func roleName(_ role: String?) -> String {
        guard let role, !role.isEmpty else { return Self.noRole }
        if let r = roles.role(role) { return r.name }
        return codes.lists["staff-role"]?.code(role)?.label ?? Self.unknownRole
    }

    func label(_ key: ReportKey, _ by: ReportGrouping) -> String {
        switch by {
        case .month: return key.month
        case .team: return key.teamId.flatMap { teams[$0] } ?? Self.noTeam
        case .site: return sites.name(forCode: key.category)
        case .role: return roleName(key.role)
        }
    }

    /// Every row label a grouping has, in order, so empty months and sites show as 0 rather than vanish.
    func labels(_ by: ReportGrouping, scope: ReportScope, facts: [ReportKey]) -> [String] {
        let seen = Set(facts.map { label($0, by) })
        switch by {
        case .month: return scope.months
        case .site: return sites.names.filter { name in seen.contains(name) || sites.sites.contains { $0.name == name } }
        case .team:
            let named = scope.teamId.flatMap { teams[$0] }.map { [$0] } ?? teams.values.sorted()
            return named + seen.subtracting(named).sorted()
        case .role: return seen.sorted()
        }
    }
}

/// A report of the catalogue: its name (the CLI argument), title, definition (the README's words) and the groupings
/// it takes (the first is its default; none: its rows are its own, pathways or concerns or scores).
public struct ReportDefinition: Sendable, Hashable {
    public var name: String
    public var title: String
    public var summary: String
    public var definition: String
    public var groupings: [ReportGrouping]
}

public enum ReportCatalogue {
    static let allGroupings = ReportGrouping.allCases
    static let noRole: [ReportGrouping] = [.month, .team, .site]

    public static let reports: [ReportDefinition] = [
        ReportDefinition(
            name: "hna", title: "HNAs offered, accepted, declined and completed",
            summary: "HNAs offered, accepted, declined and completed (COSD CR7900)",
            definition: "HNA offers dated in the period, each once (an undecided offer that the patient's next offer at the same point "
                + "of the pathway settled is counted once, as that one; offers whose date is not a real date or whose outcome is not in "
                + "the list are not counted, and the notes say how many): offered (01, 02, 03, 05), "
                + "undecided (01), declined (02), accepted (03), unable to complete (05), not offered (04); completed: accepted offers whose "
                + "assessment's plan has been agreed (agreed or superseded; a discarded assessment's offer is withdrawn). Role: who offered it.",
            groupings: allGroupings),
        ReportDefinition(
            name: "care-plans", title: "Care plans agreed", summary: "care plans completed and agreed, first versions and reviews",
            definition: "Care plans agreed in the period, by the day they were agreed: an assessment's plan counts once for each version agreed "
                + "(status agreed, or superseded by a later version); a first version is a new plan, a later one a review. "
                + "In-progress and discarded assessments are not counted. Role: the staff role (CR7960) of who agreed it.",
            groupings: allGroupings),
        ReportDefinition(
            name: "time-to-first-hna", title: "Time from diagnosis to first HNA",
            summary: "days from the diagnosis date to each patient's first HNA",
            definition: "Patients whose first assessment (in progress, agreed or superseded; discarded ones are not counted) is dated in the "
                + "period: the days from their diagnosis date to that assessment's date. Patients with no diagnosis date are counted in the "
                + "notes, not in the figures.",
            groupings: noRole),
        ReportDefinition(
            name: "eots", title: "End of Treatment Summaries",
            summary: "End of Treatment Summaries signed, and the share written within the policy's weeks of the end of treatment",
            definition: "End of Treatment Summaries signed (the current signed version; drafts and superseded versions are not counted) whose "
                + "date is in the period; on time when that date is within `eots-within-weeks` (Resources/policy.yaml) of the latest treatment "
                + "end date (the `end-date` of its treatments). Summaries with no end date are counted in the notes. Role: who signed it.",
            groupings: allGroupings),
        ReportDefinition(
            name: "qof", title: "Cancer Care Review and support discussion (QOF)",
            summary: "CAN004 and CAN005 attainment: met, due, missed, excepted",
            definition: "Each QOF cancer indicator's state on the period's last day, by the rules of Resources/qof.yaml, for the patients it counts "
                + "then (diagnosed within the indicator's window): met, due, missed or excepted. Attainment is met out of met, due and missed.",
            groupings: [.team, .site]),
        ReportDefinition(
            name: "follow-up", title: "Follow-up pathways", summary: "patients on each pathway, discharges, tests overdue",
            definition: "For each follow-up pathway: enrolments started by the period's last day and not discharged by it, active or suspended "
                + "(suspended as the store has them now); enrolments discharged in the period; and open tests (scheduled or requested, not "
                + "paused) overdue on the period's last day.",
            groupings: []),
        ReportDefinition(
            name: "results-review", title: "Results reviewed within target",
            summary: "results recorded, and the share reviewed within the policy's days",
            definition: "Follow-up results recorded in the period (by the day recorded); of those needing review, the share reviewed within "
                + "`result-review-days` (Resources/policy.yaml) of being recorded, and the median days to review of those reviewed.",
            groupings: noRole),
        ReportDefinition(
            name: "re-access", title: "Re-access calls", summary: "calls logged, red-flag or not, returned, return times",
            definition: "Patients' re-access calls logged in the period (by the time of the call): red-flag or not, returned (at any time "
                + "since), and the median and longest hours from the call to its return.",
            groupings: noRole),
        ReportDefinition(
            name: "concerns", title: "Concerns raised most often",
            summary: "the concerns raised most often in assessments, with their share of assessments",
            definition: "Assessments dated in the period, in progress or agreed (discarded and superseded ones are not counted: a superseded "
                + "version's concerns are in the version that replaced it): each concern of the checklist chosen in them, the most often "
                + "first (`top-concerns` in Resources/policy.yaml), with the share of those assessments that raised it. Concerns in the "
                + "patient's own words are one row, \"In the patient's own words\" (the assessments raising any), never shown in their words.",
            groupings: []),
        ReportDefinition(
            name: "distress", title: "Distress scores",
            summary: "distribution of distress scores 0-10, and the share at the policy's threshold or more",
            definition: "Assessments dated in the period, in progress or agreed (discarded and superseded ones are not counted), with a distress "
                + "score: how many at each score 0 to 10, and the share at `distress-threshold` (Resources/policy.yaml) or more.",
            groupings: []),
    ]

    public static func report(_ name: String) -> ReportDefinition? { reports.first { $0.name == name } }
}

/// Why a report cannot be run as asked, in words for the command line or the screen.
public struct ReportProblem: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

extension ReportCatalogue {
    /// Runs `name` over `scope` grouped `by` (nil: the report's default), reading the store's facts. With
    /// `progress`, a report whose facts add up is counted month by month, `progress(months done, months)` after each.
    public static func run(_ name: String, scope: ReportScope, by: ReportGrouping?, store: any ReportRepository,
                           context: ReportContext, progress: ((Int, Int) -> Void)? = nil) throws -> ReportTable {
        guard let def = report(name) else {
            throw ReportProblem("there is no report `\(name)`: the reports are " + reports.map(\.name).joined(separator: ", "))
        }
        guard scope.from <= scope.to else { throw ReportProblem("the period starts (\(scope.from.iso)) after it ends (\(scope.to.iso))") }
        let grouping: ReportGrouping?
        if let by {
            guard def.groupings.contains(by) else {
                throw ReportProblem(def.groupings.isEmpty ? "the \(name) report has rows of its own: leave out --by"
                                    : "the \(name) report goes by " + def.groupings.map(\.rawValue).joined(separator: ", ") + ", not by \(by.rawValue)")
            }
            grouping = by
        } else {
            grouping = def.groupings.first
        }
        let b = ReportBuilder(def: def, scope: scope, by: grouping ?? .month, context: context)
        // Facts of events dated in the period add up over its months (each event is in one month).
        func facts(_ read: (ReportScope) throws -> [ReportFact]) throws -> [ReportFact] {
            guard let progress, scope.months.count > 1 else { return try read(scope) }
            var all: [ReportFact] = []
            for (i, part) in scope.monthly.enumerated() {
                all += try read(part)
                progress(i + 1, scope.months.count)
            }
            return all
        }
        switch name {
        case "hna": return b.hna(try facts(store.hnaOfferReportFacts))
        case "care-plans": return b.carePlans(try facts(store.carePlanReportFacts))
        case "time-to-first-hna": return b.firstHNA(try facts(store.firstHNAReportFacts))
        case "eots": return b.eots(try facts(store.eotsReportFacts))
        case "qof":
            let since = context.qof.earliestCountedDiagnosis(on: scope.to) ?? scope.to
            return b.qof(try store.qofReportPatients(scope, diagnosedFrom: since))
        case "follow-up": return b.followUp(try store.followUpReportFacts(scope))
        case "results-review": return b.resultsReview(try facts(store.resultReviewReportFacts))
        case "re-access": return b.reaccess(try facts(store.reaccessReportFacts))
        case "concerns": return b.concerns(try facts(store.concernReportFacts))
        case "distress": return b.distress(try facts(store.distressReportFacts))
        default: throw ReportProblem("the report `\(name)` is not built")
        }
    }
}

/// Median and quartiles of values given with counts (a histogram): the lower middle value, as the nearest rank.
public func percentile(_ values: [(value: Int, count: Int)], _ p: Double) -> Int? {
    let sorted = values.filter { $0.count > 0 }.sorted { $0.value < $1.value }
    let n = sorted.reduce(0) { $0 + $1.count }
    guard n > 0 else { return nil }
    let rank = max(1, Int((p * Double(n)).rounded(.up)))
    var seen = 0
    for v in sorted {
        seen += v.count
        if seen >= rank { return v.value }
    }
    return sorted.last?.value
}

/// A share in percent, or missing when there is nothing to share out.
func share(_ part: Int, of whole: Int) -> ReportValue { whole == 0 ? .missing : .percent(Double(part) * 100 / Double(whole)) }

struct ReportBuilder {
    var def: ReportDefinition
    var scope: ReportScope
    var by: ReportGrouping
    var context: ReportContext

    func table(_ columns: [ReportColumn], _ rows: [[ReportValue]], charts: [ReportChart] = [], notes: [String] = []) -> ReportTable {
        ReportTable(report: def.name, title: def.title, from: scope.from, to: scope.to, team: scope.teamId.map { context.teams[$0] ?? "team \($0)" },
                    definition: def.definition, columns: columns, rows: rows, charts: charts, notes: notes)
    }

    var groupColumn: ReportColumn {
        ReportColumn(["month": "Month", "team": "Team", "site": "Tumour site", "role": "Staff role"][by.rawValue]!, .text)
    }

    /// Facts by row label, every label of the grouping present (in order), then the total of all.
    func grouped(_ facts: [ReportFact]) -> [(label: String, facts: [ReportFact])] {
        let byLabel = Dictionary(grouping: facts) { context.label($0.key, by) }
        let labels = context.labels(by, scope: scope, facts: facts.map(\.key))
        return labels.map { ($0, byLabel[$0] ?? []) } + [("Total", facts)]
    }

    /// One row per group and a total row, each from `cells`; a bar (or by-month) chart of `chartColumn`.
    func groupedTable(_ facts: [ReportFact], columns: [ReportColumn], chart: (title: String, unit: String, column: Int)?, notes: [String] = [],
                      cells: ([ReportFact]) -> [ReportValue]) -> ReportTable {
        let groups = grouped(facts)
        let rows = groups.map { [ReportValue.text($0.label)] + cells($0.facts) }
        var charts: [ReportChart] = []
        if let chart {
            let points = rows.dropLast().map { row -> ReportChartPoint in
                let label: String
                if case .text(let t) = row[0] { label = t } else { label = "" }
                switch row[chart.column] {
                case .count(let n): return ReportChartPoint(label, Double(n))
                case .percent(let p), .days(let p): return ReportChartPoint(label, p)
                default: return ReportChartPoint(label, nil)
                }
            }
            charts.append(ReportChart(kind: by == .month ? .byMonth : .bars, title: chart.title, unit: chart.unit, points: points))
        }
        return table([groupColumn] + columns, rows, charts: charts, notes: notes)
    }

    static func sum(_ facts: [ReportFact], _ measure: String? = nil, where ok: (ReportFact) -> Bool = { _ in true }) -> Int {
        facts.filter { (measure == nil || $0.measure == measure) && ok($0) }.reduce(0) { $0 + $1.count }
    }

    static func days(_ v: Int?) -> ReportValue { v.map { .days(Double($0)) } ?? .missing }

    // MARK: The reports

    func hna(_ all: [ReportFact]) -> ReportTable {
        // Rows the report cannot count are left out and said, with how many, never dropped in silence.
        let undated = Self.sum(all, ReportFact.notADate)
        let unknown = Self.sum(all) { $0.measure != ReportFact.notADate && HNAOfferOutcome(rawValue: $0.measure) == nil }
        let facts = all.filter { HNAOfferOutcome(rawValue: $0.measure) != nil }
        var notes: [String] = []
        if undated > 0 { notes.append("\(Self.offers(undated)) dated with something that is not a real date \(undated == 1 ? "is" : "are") not counted.") }
        if unknown > 0 { notes.append("\(Self.offers(unknown)) with an outcome not in the COSD list (01 to 05) \(unknown == 1 ? "is" : "are") not counted.") }
        let outcomes: [(String, HNAOfferOutcome)] = [("Undecided", .undecided), ("Declined", .declined), ("Accepted", .accepted),
                                                     ("Unable to complete", .unableToComplete), ("Not offered", .notOffered)]
        return groupedTable(facts, columns: [ReportColumn("Offered", .count)] + outcomes.map { ReportColumn($0.0, .count) }
                                + [ReportColumn("Completed", .count), ReportColumn("Accepted %", .percent)],
                            chart: ("HNAs offered", "offers", 1), notes: notes) { f in
            let offered = Self.sum(f) { HNAOfferOutcome(rawValue: $0.measure)?.wasOffered ?? false }
            let accepted = Self.sum(f, HNAOfferOutcome.accepted.rawValue)
            return [.count(offered)] + outcomes.map { .count(Self.sum(f, $0.1.rawValue)) }
                + [.count(Self.sum(f, HNAOfferOutcome.accepted.rawValue) { $0.value == 1 }), share(accepted, of: offered)]
        }
    }

    static func offers(_ n: Int) -> String { n == 1 ? "1 HNA offer" : "\(n) HNA offers" }

    func carePlans(_ facts: [ReportFact]) -> ReportTable {
        groupedTable(facts, columns: [ReportColumn("New plans agreed", .count), ReportColumn("Reviews agreed", .count), ReportColumn("All agreed", .count)],
                     chart: ("Care plans agreed", "plans", 3)) { f in
            [.count(Self.sum(f, "agreed")), .count(Self.sum(f, "reviewed")), .count(Self.sum(f))]
        }
    }

    func firstHNA(_ facts: [ReportFact]) -> ReportTable {
        let undated = Self.sum(facts) { $0.value == nil }
        let buckets: [(String, ClosedRange<Int>)] = [("Before diagnosis", Int.min...(-1)), ("0-14 days", 0...14), ("15-31 days", 15...31),
                                                      ("32-62 days", 32...62), ("63-91 days", 63...91), ("92 days or more", 92...Int.max)]
        let dated = facts.filter { $0.value != nil }
        var t = groupedTable(dated, columns: [ReportColumn("Patients", .count), ReportColumn("Median days", .days),
                                              ReportColumn("Lower quartile", .days), ReportColumn("Upper quartile", .days)]
                                 + buckets.map { ReportColumn($0.0, .count) },
                             chart: ("Median days from diagnosis to first HNA", "days", 2),
                             notes: undated == 0 ? [] : ["\(undated) patient\(undated == 1 ? "" : "s") with no diagnosis date \(undated == 1 ? "is" : "are") not counted."]) { f in
            let values = f.map { ($0.value!, $0.count) }
            return [.count(Self.sum(f)), Self.days(percentile(values, 0.5)), Self.days(percentile(values, 0.25)), Self.days(percentile(values, 0.75))]
                + buckets.map { b in .count(Self.sum(f) { b.1.contains($0.value!) }) }
        }
        let all = dated.map { ($0.value!, $0.count) }
        t.charts.append(ReportChart(kind: .bars, title: "Patients by days to first HNA", unit: "patients",
                                    points: buckets.map { b in ReportChartPoint(b.0, Double(all.filter { b.1.contains($0.0) }.reduce(0) { $0 + $1.1 })) }))
        return t
    }

    func eots(_ facts: [ReportFact]) -> ReportTable {
        let days = 7 * context.policy.reports.eotsWithinWeeks
        let noEnd = Self.sum(facts) { $0.value == nil }
        var notes = ["On time: written within \(context.policy.reports.eotsWithinWeeks) weeks (\(days) days) of the end of treatment."]
        if noEnd > 0 { notes.append("\(noEnd) summar\(noEnd == 1 ? "y has" : "ies have") no treatment end date: counted as signed, not as on time or late.") }
        return groupedTable(facts, columns: [ReportColumn("Signed", .count), ReportColumn("With an end date", .count),
                                             ReportColumn("On time", .count), ReportColumn("On time %", .percent)],
                            chart: ("End of Treatment Summaries on time", "% on time", 4), notes: notes) { f in
            let withEnd = Self.sum(f) { $0.value != nil }
            let onTime = Self.sum(f) { $0.value.map { $0 <= days } ?? false }
            return [.count(Self.sum(f)), .count(withEnd), .count(onTime), share(onTime, of: withEnd)]
        }
    }

    func qof(_ patients: [QOFReportPatient]) -> ReportTable {
        let rules = context.qof
        guard let edition = rules.edition(on: scope.to) else {
            return table([groupColumn], [], notes: ["No edition of the QOF rules (Resources/qof.yaml) is in force on \(scope.to.iso)."])
        }
        // Each patient's states once, then counted by group and indicator.
        var counts: [String: [String: QOFCounts]] = [:]
        for p in patients {
            let label = context.label(p.key, by)
            for s in rules.states(diagnosed: p.diagnosed, records: p.records, today: scope.to) {
                var c = counts[label, default: [:]][s.indicatorId] ?? QOFCounts()
                switch s.state {
                case .notDue: continue
                case .met: c.met += 1
                case .due: c.due += 1
                case .missed: c.missed += 1
                case .excepted: c.excepted += 1
                }
                counts[label, default: [:]][s.indicatorId] = c
            }
        }
        let labels = context.labels(by, scope: scope, facts: patients.map(\.key)) + ["Total"]
        var rows: [[ReportValue]] = []
        var points: [ReportChartPoint] = []
        for label in labels {
            for i in edition.indicators {
                let c = label == "Total" ? counts.values.compactMap { $0[i.id] }.reduce(QOFCounts()) { a, b in
                    QOFCounts(met: a.met + b.met, due: a.due + b.due, missed: a.missed + b.missed, excepted: a.excepted + b.excepted)
                } : counts[label]?[i.id] ?? QOFCounts()
                let attainment = share(c.met, of: c.met + c.due + c.missed)
                rows.append([.text(label), .text(i.code), .count(c.met), .count(c.due), .count(c.missed), .count(c.excepted), attainment])
                if label == "Total", case .percent(let p) = attainment { points.append(ReportChartPoint(i.code, p)) }
            }
        }
        return table([groupColumn, ReportColumn("Indicator", .text), ReportColumn("Met", .count), ReportColumn("Due", .count),
                      ReportColumn("Missed", .count), ReportColumn("Excepted", .count), ReportColumn("Attainment %", .percent)], rows,
                     charts: [ReportChart(kind: .bars, title: "Attainment", unit: "% met", points: points)],
                     notes: ["States on \(scope.to.iso), by the QOF rules in force then (\(edition.indicators.map { "\($0.code) \($0.title)" }.joined(separator: "; ")))."])
    }

    func followUp(_ facts: [ReportFact]) -> ReportTable {
        let measures = ["active", "suspended", "discharged", "overdue-tests"]
        let ids = Set(facts.compactMap(\.label)).union(context.pathways.keys).sorted()
        var rows = ids.map { id -> [ReportValue] in
            let f = facts.filter { $0.label == id }
            return [.text(context.pathways[id]?.title ?? id)] + measures.map { ReportValue.count(Self.sum(f, $0)) }
        }
        rows.append([.text("Total")] + measures.map { ReportValue.count(Self.sum(facts, $0)) })
        let chart = ReportChart(kind: .bars, title: "Patients on each pathway", unit: "active", points: rows.dropLast().map { r in
            if case .text(let l) = r[0], case .count(let n) = r[1] { return ReportChartPoint(l, Double(n)) }
            return ReportChartPoint("", 0)
        })
        return table([ReportColumn("Pathway", .text), ReportColumn("Active", .count), ReportColumn("Suspended", .count),
                      ReportColumn("Discharged in period", .count), ReportColumn("Tests overdue", .count)], rows, charts: [chart],
                     notes: ["Suspended and open tests are as the store has them now; a pathway's patients are counted on \(scope.to.iso)."])
    }

    func resultsReview(_ facts: [ReportFact]) -> ReportTable {
        let target = context.policy.followUp.resultReviewDays
        return groupedTable(facts, columns: [ReportColumn("Recorded", .count), ReportColumn("Needing review", .count),
                                             ReportColumn("Reviewed in target", .count), ReportColumn("In target %", .percent),
                                             ReportColumn("Median days to review", .days)],
                            chart: ("Results reviewed within target", "% in target", 4),
                            notes: ["Target: reviewed within \(target) days of being recorded (`result-review-days`)."]) { f in
            let review = f.filter { $0.measure == "review" }
            let inTarget = Self.sum(review) { $0.value.map { $0 <= target } ?? false }
            let needing = Self.sum(review)
            return [.count(Self.sum(f)), .count(needing), .count(inTarget), share(inTarget, of: needing),
                    Self.days(percentile(review.compactMap { f in f.value.map { ($0, f.count) } }, 0.5))]
        }
    }

    func reaccess(_ facts: [ReportFact]) -> ReportTable {
        groupedTable(facts, columns: [ReportColumn("Calls", .count), ReportColumn("Red flag", .count), ReportColumn("Returned", .count),
                                      ReportColumn("Median hours to return", .days), ReportColumn("Longest hours", .days)],
                     chart: ("Re-access calls", "calls", 1)) { f in
            let returned = f.compactMap { f in f.value.map { ($0, f.count) } }
            return [.count(Self.sum(f)), .count(Self.sum(f, "red-flag")), .count(returned.reduce(0) { $0 + $1.1 }),
                    Self.days(percentile(returned, 0.5)), Self.days(returned.map(\.0).max())]
        }
    }

    func concerns(_ facts: [ReportFact]) -> ReportTable {
        let assessments = Self.sum(facts, "assessment")
        var byItem: [String: Int] = [:]
        for f in facts where f.measure == "concern" { byItem[f.label ?? "", default: 0] += f.count }
        let top = byItem.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(context.policy.reports.topConcerns)
        let rows: [[ReportValue]] = top.map { item, n in
            let parts = item.split(separator: "\t", maxSplits: 1).map(String.init)
            return [.text(parts.last ?? item), .text(parts.first ?? item), .count(n), share(n, of: assessments)]
        }
        return table([ReportColumn("Concern", .text), ReportColumn("Item", .text), ReportColumn("Assessments raising it", .count),
                      ReportColumn("Share of assessments %", .percent)], rows,
                     charts: [ReportChart(kind: .bars, title: "Concerns raised most often", unit: "assessments",
                                          points: rows.map { r in
                                              if case .text(let l) = r[0], case .count(let n) = r[2] { return ReportChartPoint(l, Double(n)) }
                                              return ReportChartPoint("", 0)
                                          })],
                     notes: ["\(assessments) assessment\(assessments == 1 ? "" : "s") in the period; the top \(context.policy.reports.topConcerns) concerns."])
    }

    func distress(_ facts: [ReportFact]) -> ReportTable {
        let threshold = context.policy.distressThreshold
        let scored = facts.filter { $0.value != nil }
        let total = Self.sum(scored), unscored = Self.sum(facts) { $0.value == nil }
        var rows: [[ReportValue]] = (0...10).map { s in
            let n = Self.sum(scored) { $0.value == s }
            return [.text("\(s)"), .count(n), share(n, of: total)]
        }
        let high = Self.sum(scored) { $0.value! >= threshold }
        rows.append([.text("\(threshold) or more"), .count(high), share(high, of: total)])
        rows.append([.text("Total"), .count(total), share(total, of: total)])
        let byMonth = scope.months.map { m -> ReportChartPoint in
            let f = scored.filter { $0.key.month == m }
            let n = Self.sum(f)
            return ReportChartPoint(m, n == 0 ? nil : Double(Self.sum(f) { $0.value! >= threshold }) * 100 / Double(n))
        }
        return table([ReportColumn("Distress score", .text), ReportColumn("Assessments", .count), ReportColumn("Share %", .percent)], rows,
                     charts: [ReportChart(kind: .bars, title: "Assessments by distress score", unit: "assessments",
                                          points: (0...10).map { (s: Int) in ReportChartPoint(String(s), Double(Self.sum(scored) { $0.value == s })) }),
                              ReportChart(kind: .byMonth, title: "Share at \(threshold) or more", unit: "%", points: byMonth)],
                     notes: unscored == 0 ? [] : ["\(unscored) assessment\(unscored == 1 ? " has" : "s have") no distress score: not counted."])
    }
}
