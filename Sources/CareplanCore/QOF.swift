import Foundation
import Yams

/// A span counted from a date: whole days (the 93 days of a support discussion) or calendar months (the
/// 12 months of a Cancer Care Review, which a leap day would shift if counted as 365 days).
public enum Period: Sendable, Hashable, CustomStringConvertible {
    case days(Int)
    case months(Int)

    /// The last day of the span that starts on `date`: `date` plus the span.
    public func after(_ date: LocalDate) -> LocalDate {
        switch self {
        case .days(let n): return date.adding(days: n)
        case .months(let n): return date.adding(months: n)
        }
    }

    public var description: String {
        switch self {
        case .days(let n): return n == 1 ? "1 day" : "\(n) days"
        case .months(let n): return n == 1 ? "1 month" : "\(n) months"
        }
    }
}

/// The Quality and Outcomes Framework's timing of the cancer reviews, read from `Resources/qof.yaml`: one
/// edition per year the rules changed, so next year's rules are an added edition, in force from its date.
public struct QOFRules: Sendable, Equatable {
    public struct Indicator: Sendable, Equatable {
        /// careplan's id (`can005`), stored in every record that names the indicator.
        public var id: String
        /// The national code (`CAN005`).
        public var code: String
        public var title: String
        /// Met when done within this span from the date of diagnosis (the deadline is its last day).
        public var doneWithin: Period
        /// The patients it counts: diagnosed within this span before today.
        public var diagnosedWithin: Period
        /// Other indicators whose completion meets this one too when done in its window (a Cancer Care Review
        /// held within 93 days is also the discussion of support, as the GP systems count it).
        public var alsoMetBy: [String]
    }

    public struct Edition: Sendable, Equatable {
        public var appliesFrom: LocalDate
        /// The quality year starts on this month and day (1 April): declines, "unsuitable" and invitations
        /// count only when recorded in the current quality year, so they are recorded again every year.
        public var yearStartMonth: Int
        public var yearStartDay: Int
        public var indicators: [Indicator]
        /// The exceptions this edition counts.
        public var exceptions: Set<QOFExceptionKind>
        /// No response to this many invitations, each at least `invitationDaysApart` days after the one before.
        public var unansweredInvitations: Int
        public var invitationDaysApart: Int

        public func indicator(_ id: String) -> Indicator? { indicators.first { $0.id == id } }

        /// The first day of the quality year holding `today`.
        public func yearStart(containing today: LocalDate) -> LocalDate {
            let start = LocalDate(year: today.year, month: yearStartMonth, day: min(yearStartDay, LocalDate.daysIn(month: yearStartMonth, year: today.year)))!
            return start <= today ? start : start.adding(months: -12)
        }
    }

    /// Oldest first.
    public var editions: [Edition]

    /// The edition in force on `today`: the latest that applies from it or before.
    public func edition(on today: LocalDate) -> Edition? { editions.last { $0.appliesFrom <= today } }

    public static func load(from url: URL, displayPath: String) -> Result<QOFRules, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath, parse: parse)
    }

    public static func parse(text: String, displayPath: String) -> Result<QOFRules, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath, parse: parse)
    }

    static func parse(_ root: Node, _ r: ConfigReader) -> QOFRules? {
        guard let m = r.mapping(root, "the QOF rules", required: ["editions"]) else { return nil }
        var editions: [Edition] = []
        for node in r.sequence(m, "editions", in: "the QOF rules") {
            let what = "an edition of the QOF rules"
            guard let e = r.mapping(node, what, required: ["applies-from", "year-starts", "indicators", "exceptions"]) else { continue }
            let from = r.date(e, "applies-from", in: what)
            let start = r.monthDay(e, "year-starts", in: what)
            var indicators: [Indicator] = []
            var alsoMetByNodes: [Node?] = []  // where each indicator's `also-met-by` is, to point at it
            for n in r.sequence(e, "indicators", in: what) {
                let w = "an indicator"
                guard let i = r.mapping(n, w, required: ["id", "code", "title", "done-within", "diagnosed-within"], optional: ["also-met-by"]) else { continue }
                let id = r.identifier(i, "id", in: w), code = r.string(i, "code", in: w), title = r.string(i, "title", in: w)
                let done = r.period(i, "done-within", in: w), diagnosed = r.period(i, "diagnosed-within", in: w)
                if let id, indicators.contains(where: { $0.id == id }) { r.report(i["id"], "indicator id `\(id)` is used twice in this edition", fix: "give each indicator its own id") }
                if let id, let code, let title, let done, let diagnosed {
                    indicators.append(Indicator(id: id, code: code, title: title, doneWithin: done, diagnosedWithin: diagnosed,
                                                alsoMetBy: r.stringList(i, "also-met-by", in: w)))
                    alsoMetByNodes.append(i["also-met-by"])
                }
            }
            for (i, at) in zip(indicators, alsoMetByNodes) { for other in i.alsoMetBy where !indicators.contains(where: { $0.id == other }) || other == i.id {
                let others = indicators.filter { $0.id != i.id }.map { "`\($0.id)`" }
                r.report(at ?? node, "indicator `\(i.id)` is also met by `\(other)`, which is no other indicator of this edition",
                         fix: others.isEmpty ? "remove `also-met-by`: this edition has no other indicator" : "use one of " + others.joined(separator: ", "))
            } }
            var kinds: Set<QOFExceptionKind> = []
            var invitations = 2, apart = 7
            if let x = e["exceptions"], let xm = r.mapping(x, "the exceptions", required: ["counted"], optional: ["unanswered-invitations", "invitation-days-apart"]) {
                for (k, n) in zip(r.stringList(xm, "counted", in: "the exceptions"), xm["counted"]?.sequence.map(Array.init) ?? []) {
                    guard let kind = QOFExceptionKind(rawValue: k) else {
                        r.report(n, "`\(k)` is no exception careplan knows", fix: "use " + QOFExceptionKind.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))
                        continue
                    }
                    kinds.insert(kind)
                }
                if xm["unanswered-invitations"] != nil { invitations = r.number(xm, "unanswered-invitations", in: "the exceptions", range: 1...10, example: 2) ?? invitations }
                if xm["invitation-days-apart"] != nil { apart = r.number(xm, "invitation-days-apart", in: "the exceptions", range: 0...365, example: 7) ?? apart }
            }
            if let from, let previous = editions.last?.appliesFrom, from <= previous {
                r.report(e["applies-from"], "editions must be in date order: this one applies from \(from.iso), not after the one before (\(previous.iso))",
                         fix: "put the editions oldest first, each with a later `applies-from`")
            }
            if indicators.isEmpty { r.report(node, "this edition has no indicators", fix: "list the indicators under `indicators:`") }
            if let from, let start {
                editions.append(Edition(appliesFrom: from, yearStartMonth: start.month, yearStartDay: start.day, indicators: indicators,
                                        exceptions: kinds, unansweredInvitations: invitations, invitationDaysApart: apart))
            }
        }
        if editions.isEmpty && r.problems.isEmpty { r.report(root, "the QOF rules have no edition", fix: "add one under `editions:`") }
        return QOFRules(editions: editions)
    }
}

extension ConfigReader {
    /// A date written `2021-04-01`.
    func date(_ m: Fields, _ key: String, in what: String) -> LocalDate? {
        guard let s = string(m, key, in: what) else { return nil }
        guard let d = LocalDate(iso: s), s.count == 10 else {
            report(m[key], "`\(key)` in \(what) should be a date written year-month-day", fix: "e.g. `\(key): 2021-04-01`")
            return nil
        }
        return d
    }

    /// A day of the year written `04-01` (month-day).
    func monthDay(_ m: Fields, _ key: String, in what: String) -> (month: Int, day: Int)? {
        guard let s = string(m, key, in: what) else { return nil }
        let p = s.split(separator: "-").map { Int($0) }
        guard p.count == 2, let month = p[0], let day = p[1], (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: 2027) else {
            report(m[key], "`\(key)` in \(what) should be a month and day written month-day", fix: "e.g. `\(key): 04-01` for 1 April")
            return nil
        }
        return (month, day)
    }

    /// A span written `93 days` or `12 months`.
    func period(_ m: Fields, _ key: String, in what: String) -> Period? {
        guard let s = string(m, key, in: what) else { return nil }
        let p = s.split(separator: " ")
        if p.count == 2, let n = Int(p[0]), n > 0 {
            if ["day", "days"].contains(p[1]) { return .days(n) }
            if ["month", "months"].contains(p[1]) { return .months(n) }
        }
        report(m[key], "`\(key)` in \(what) should be a number of days or months", fix: "e.g. `\(key): 93 days` or `\(key): 12 months`")
        return nil
    }
}

// MARK: - What is recorded, and the state it gives

/// Why a patient is left out of an indicator.
public enum QOFExceptionKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// The patient chose not to have it (informed dissent).
    case declined
    /// The clinician judged it unsuitable for the patient.
    case unsuitable
    /// No response to the invitations.
    case noResponse = "no-response"
}

/// What a practice records about a patient's reviews: each one dated, with who recorded it.
public enum QOFRecordKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// The discussion or the review took place (on `date`).
    case done
    /// The patient was invited (`how`).
    case invited
    /// The patient answered an invitation (booked, rang back): the invitations before it were not unanswered.
    case responded
    /// Informed dissent: the patient declined.
    case declined
    /// Recorded as unsuitable for the patient.
    case unsuitable
}

/// How an invitation (or an answer, or a decline) reached the practice or the patient.
public enum ContactMethod: String, Sendable, Hashable, CaseIterable, Codable {
    case letter, phone, textMessage = "text-message", email, inPerson = "in-person", other
}

/// One dated fact about a patient's cancer reviews.
public struct QOFRecord: Sendable, Hashable {
    public var id: Int64?
    public var patientId: Int64
    /// The indicator it is about (`can004`), or nil for every one (a decline of all cancer reviews).
    public var indicator: String?
    public var kind: QOFRecordKind
    public var date: LocalDate
    public var how: ContactMethod?
    /// Who recorded it (the user name), set by the store.
    public var recordedBy: String
    /// The document it was done in (the signed Cancer Care Review), if any.
    public var documentId: Int64?
    public var recordedAt: Date?
    /// Why the patient is unsuitable (or why they declined), in the clinician's words: shown on the record,
    /// never written to the audit trail.
    public var reason: String?

    public init(id: Int64? = nil, patientId: Int64, indicator: String?, kind: QOFRecordKind, date: LocalDate, how: ContactMethod? = nil,
                recordedBy: String = "", documentId: Int64? = nil, recordedAt: Date? = nil, reason: String? = nil) {
        self.id = id
        self.patientId = patientId
        self.indicator = indicator
        self.kind = kind
        self.date = date
        self.how = how
        self.recordedBy = recordedBy
        self.documentId = documentId
        self.recordedAt = recordedAt
        self.reason = reason
    }

    func concerns(_ indicator: String) -> Bool { self.indicator == nil || self.indicator == indicator }
}

/// Where one indicator stands for one patient today.
public enum QOFState: Sendable, Hashable {
    case notDue(QOFNotDue)
    /// Still to do, by `deadline` (its last day).
    case due(deadline: LocalDate)
    case met(on: LocalDate)
    /// The deadline passed without it.
    case missed(deadline: LocalDate)
    case excepted(QOFExceptionKind, since: LocalDate)

    /// The deadline a practice works to, for the states that have one.
    public var deadline: LocalDate? {
        switch self {
        case .due(let d), .missed(let d): return d
        default: return nil
        }
    }
}

public enum QOFNotDue: Sendable, Hashable {
    case noDiagnosisDate
    /// A diagnosis date after today (a typing error, or not yet in force).
    case diagnosedAfterToday
    /// Diagnosed longer ago than the indicator counts: out of it since this date.
    case noLongerCounted(since: LocalDate)
    /// No edition of the rules is in force on that day.
    case noRules
}

/// One indicator's state for a patient, with the invitations that count this quality year.
public struct QOFStatus: Sendable, Hashable {
    public var indicatorId: String
    public var code: String
    public var title: String
    public var state: QOFState
    /// Invitations on or after diagnosis in the current quality year, oldest first.
    public var invitations: [QOFRecord]

    public init(indicatorId: String, code: String, title: String, state: QOFState, invitations: [QOFRecord] = []) {
        self.indicatorId = indicatorId
        self.code = code
        self.title = title
        self.state = state
        self.invitations = invitations
    }
}

extension QOFRules {
    /// Each indicator's state on `today` for a patient diagnosed on `diagnosed`, from their records: met
    /// (done on or after diagnosis, by the deadline) comes first, then an exception recorded in the current
    /// quality year on or after diagnosis (declined, unsuitable, unanswered invitations: in that order), then
    /// due until the deadline, missed after it. Records dated after today do not count.
    public func states(diagnosed: LocalDate?, records: [QOFRecord], today: LocalDate) -> [QOFStatus] {
        guard let edition = edition(on: today) else { return [] }
        let dated = records.filter { $0.date <= today }
        let evidenceFrom = max(diagnosed ?? today, edition.yearStart(containing: today))
        return edition.indicators.map { i in
            let invitations = dated.filter { $0.concerns(i.id) && $0.kind == .invited && $0.date >= evidenceFrom }.sorted { $0.date < $1.date }
            let state = edition.state(of: i, diagnosed: diagnosed, records: dated, evidenceFrom: evidenceFrom, today: today)
            return QOFStatus(indicatorId: i.id, code: i.code, title: i.title, state: state, invitations: invitations)
        }
    }
}

extension QOFRules.Edition {
    /// `records`: the patient's, dated today or before.
    func state(of i: QOFRules.Indicator, diagnosed: LocalDate?, records: [QOFRecord], evidenceFrom: LocalDate, today: LocalDate) -> QOFState {
        guard let diagnosed else { return .notDue(.noDiagnosisDate) }
        if diagnosed > today { return .notDue(.diagnosedAfterToday) }
        let countedUntil = i.diagnosedWithin.after(diagnosed)
        if today > countedUntil { return .notDue(.noLongerCounted(since: countedUntil.adding(days: 1))) }
        let deadline = i.doneWithin.after(diagnosed)
        let meetsIt = [i.id] + i.alsoMetBy
        let done = records.filter { r in r.kind == .done && r.date >= diagnosed && r.date <= deadline && meetsIt.contains { r.concerns($0) } }
        if let first = done.map(\.date).min() { return .met(on: first) }
        let evidence = records.filter { $0.concerns(i.id) && $0.date >= evidenceFrom }
        for kind in [QOFExceptionKind.declined, .unsuitable] where exceptions.contains(kind) {
            let record: QOFRecordKind = kind == .declined ? .declined : .unsuitable
            if let latest = evidence.filter({ $0.kind == record }).map(\.date).max() { return .excepted(kind, since: latest) }
        }
        if exceptions.contains(.noResponse), let since = unanswered(evidence) { return .excepted(.noResponse, since: since) }
        return today <= deadline ? .due(deadline: deadline) : .missed(deadline: deadline)
    }

    /// The date of the invitation that completed a run of unanswered ones (each at least the days apart after
    /// the one before it), or nil. An answer answers every invitation before it, so only later ones count.
    func unanswered(_ evidence: [QOFRecord]) -> LocalDate? {
        let lastAnswer = evidence.filter { $0.kind == .responded }.map(\.date).max()
        let open = evidence.filter { r in r.kind == .invited && lastAnswer.map { r.date > $0 } ?? true }.map(\.date).sorted()
        var run: [LocalDate] = []
        for d in open where run.last.map({ d.dayNumber - $0.dayNumber >= invitationDaysApart }) ?? true {
            run.append(d)
            if run.count == unansweredInvitations { return d }
        }
        return nil
    }
}

extension QOFRules {
    /// Why a record cannot be taken as given, in words for the form, or nil: the screens ask before saving.
    public func problem(with record: QOFRecord, today: LocalDate) -> String? {
        if record.date > today { return "The date is after today" }
        if let id = record.indicator, edition(on: today)?.indicator(id) == nil {
            return "No indicator `\(id)` is in Resources/qof.yaml for today"
        }
        if record.kind == .done && record.indicator == nil { return "Say which was done: the support discussion or the review" }
        if record.kind == .invited && record.how == nil { return "Say how the patient was invited" }
        return nil
    }
}
