import Foundation

/// The national timing of the cancer reviews (what a practice records towards it, and the practice's list of
/// reviews due), and the health and wellbeing information and occasions given to patients (issue 13).
/// Every change is audited under its user, with ids and kinds only, never what was said.
public protocol CareReviewRepository: AnyObject, Sendable {
    /// Records one dated fact about a patient's reviews (done, invited, responded, declined, unsuitable) as
    /// recorded by `user`. Refuses an unknown patient (`notFound`).
    func recordQOF(_ record: QOFRecord, by user: String, now: Date) throws -> QOFRecord
    /// The patient's QOF records, by date, then as recorded.
    func qofRecords(patientId: Int64) throws -> [QOFRecord]
    /// The practice view on `today`: the indicators in the states `showing` asks for, in its order (due ones,
    /// soonest deadline first, always before missed ones, most recently missed first), at most `limit` of each
    /// state, with the counts of each state over the patients the indicators count. `teams`: only patients whose
    /// responsible team is one of these; nil: everyone. Reads only the patients diagnosed within the longest
    /// span the rules count, through an index.
    func qofPracticeView(rules: QOFRules, today: LocalDate, teams: Set<Int64>?, showing: QOFPracticeView.Showing, limit: Int) throws -> QOFPracticeView

    /// Records that the patient was given these items of the library, on `date`, `how`, from a document or
    /// plan if any: one record per item, in one transaction. Refuses an unknown patient or source (`notFound`).
    func recordInformationGiven(_ items: [InformationLibrary.Item], patientId: Int64, date: LocalDate, how: InformationDelivery,
                                from source: InformationSource?, by user: String, now: Date) throws -> [InformationGiven]
    /// Everything the patient was given, newest first.
    func informationGiven(patientId: Int64) throws -> [InformationGiven]
    /// Records that the patient was offered, or attended, a course or event of the library.
    func recordOccasion(_ item: InformationLibrary.Item, patientId: Int64, status: OccasionStatus, date: LocalDate,
                        by user: String, now: Date) throws -> OccasionRecord
    /// The courses and events offered to or attended by the patient, newest first.
    func occasions(patientId: Int64) throws -> [OccasionRecord]
}

extension CareReviewRepository {
    @discardableResult
    public func recordQOF(_ record: QOFRecord, by user: String, now: Date = Date()) throws -> QOFRecord { try recordQOF(record, by: user, now: now) }
    public func qofPracticeView(rules: QOFRules, today: LocalDate, teams: Set<Int64>? = nil, showing: QOFPracticeView.Showing = .all,
                                limit: Int = 200) throws -> QOFPracticeView {
        try qofPracticeView(rules: rules, today: today, teams: teams, showing: showing, limit: limit)
    }
    @discardableResult
    public func recordInformationGiven(_ items: [InformationLibrary.Item], patientId: Int64, date: LocalDate, how: InformationDelivery,
                                       from source: InformationSource? = nil, by user: String, now: Date = Date()) throws -> [InformationGiven] {
        try recordInformationGiven(items, patientId: patientId, date: date, how: how, from: source, by: user, now: now)
    }
    @discardableResult
    public func recordOccasion(_ item: InformationLibrary.Item, patientId: Int64, status: OccasionStatus, date: LocalDate,
                               by user: String, now: Date = Date()) throws -> OccasionRecord {
        try recordOccasion(item, patientId: patientId, status: status, date: date, by: user, now: now)
    }
}

/// How information reached the patient.
public enum InformationDelivery: String, Sendable, Hashable, CaseIterable, Codable {
    case printed, emailed, handedOver = "handed-over", link
}

/// The document or plan information was given from.
public enum InformationSource: Sendable, Hashable {
    /// A care plan (its assessment).
    case assessment(Int64)
    /// A document: an End of Treatment Summary, a Cancer Care Review.
    case document(Int64)
}

/// One item of the library given to a patient. The title is kept as it was, so the record reads the same
/// after the library changes.
public struct InformationGiven: Sendable, Hashable {
    public var id: Int64
    public var patientId: Int64
    public var itemId: String
    public var title: String
    public var date: LocalDate
    public var how: InformationDelivery
    public var source: InformationSource?
    public var givenBy: String
    public var recordedAt: Date

    public init(id: Int64, patientId: Int64, itemId: String, title: String, date: LocalDate, how: InformationDelivery,
                source: InformationSource?, givenBy: String, recordedAt: Date) {
        self.id = id
        self.patientId = patientId
        self.itemId = itemId
        self.title = title
        self.date = date
        self.how = how
        self.source = source
        self.givenBy = givenBy
        self.recordedAt = recordedAt
    }
}

public enum OccasionStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case offered, attended
}

/// A course or event of the library offered to, or attended by, a patient.
public struct OccasionRecord: Sendable, Hashable {
    public var id: Int64
    public var patientId: Int64
    public var itemId: String
    public var title: String
    public var status: OccasionStatus
    public var date: LocalDate
    public var recordedBy: String
    public var recordedAt: Date

    public init(id: Int64, patientId: Int64, itemId: String, title: String, status: OccasionStatus, date: LocalDate, recordedBy: String, recordedAt: Date) {
        self.id = id
        self.patientId = patientId
        self.itemId = itemId
        self.title = title
        self.status = status
        self.date = date
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }
}

// MARK: - The practice view

/// How many patients each indicator counts, by state.
public struct QOFCounts: Sendable, Hashable {
    public var met = 0, due = 0, missed = 0, excepted = 0
    public init(met: Int = 0, due: Int = 0, missed: Int = 0, excepted: Int = 0) {
        self.met = met
        self.due = due
        self.missed = missed
        self.excepted = excepted
    }
}

/// The practice's list of reviews to do: indicators due (soonest deadline first), then missed (most recently
/// missed first), so that what can still be met is never hidden behind what cannot.
public struct QOFPracticeView: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var patient: Patient
        public var status: QOFStatus
        /// The patient's QOF records (what the row says of their invitations and responses).
        public var records: [QOFRecord]
        public init(patient: Patient, status: QOFStatus, records: [QOFRecord] = []) {
            self.patient = patient
            self.status = status
            self.records = records
        }
    }

    /// Which states the list holds: due then missed, or one state alone.
    public enum Showing: String, Sendable, Hashable, CaseIterable {
        case all, due, missed, excepted
    }
    public var entries: [Entry]
    /// How many entries there are in all, before the limit.
    public var total: Int
    /// By indicator id.
    public var counts: [String: QOFCounts]

    public init(entries: [Entry], total: Int, counts: [String: QOFCounts]) {
        self.entries = entries
        self.total = total
        self.counts = counts
    }
}

extension QOFRules {
    /// The earliest diagnosis date any indicator counts on `today` (a day early at most: the states decide).
    public func earliestCountedDiagnosis(on today: LocalDate) -> LocalDate? {
        edition(on: today)?.indicators.map { i -> LocalDate in
            switch i.diagnosedWithin {
            case .days(let n): return today.adding(days: -n)
            case .months(let n): return today.adding(months: -n).adding(days: -1)
            }
        }.min()
    }

    /// The practice's list from the patients diagnosed since `earliestCountedDiagnosis` and their records: the
    /// indicators in the states `showing` asks for; due ones first, soonest deadline first; then missed ones,
    /// most recently missed first; excepted ones most recent first (then by patient id); at most `limit` of
    /// each state, with `total` (before the limits) and the counts of every state. Patients are named by id,
    /// so a store builds whole patients only for the entries shown.
    public func worklist(_ patients: [(id: Int64, diagnosed: LocalDate?, records: [QOFRecord])], today: LocalDate,
                         showing: QOFPracticeView.Showing = .all,
                         limit: Int) -> (entries: [(patientId: Int64, status: QOFStatus)], total: Int, counts: [String: QOFCounts]) {
        // By state: the list's parts, in the order shown, each its own key (smaller first).
        var due: [(patientId: Int64, status: QOFStatus, key: Int, order: Int)] = [], missed = due, excepted = due
        var counts: [String: QOFCounts] = [:]
        for (id, diagnosed, records) in patients {
            for (order, status) in states(diagnosed: diagnosed, records: records, today: today).enumerated() {
                var c = counts[status.indicatorId] ?? QOFCounts()
                switch status.state {
                case .notDue: continue
                case .met: c.met += 1
                case .excepted(_, let since):
                    c.excepted += 1
                    excepted.append((id, status, -since.dayNumber, order))
                case .due(let deadline):
                    c.due += 1
                    due.append((id, status, deadline.dayNumber, order))
                case .missed(let deadline):
                    c.missed += 1
                    missed.append((id, status, -deadline.dayNumber, order))
                }
                counts[status.indicatorId] = c
            }
        }
        let parts: [[(patientId: Int64, status: QOFStatus, key: Int, order: Int)]]
        switch showing {
        case .all: parts = [due, missed]
        case .due: parts = [due]
        case .missed: parts = [missed]
        case .excepted: parts = [excepted]
        }
        let entries = parts.flatMap { part in
            part.sorted { ($0.key, $0.patientId, $0.order) < ($1.key, $1.patientId, $1.order) }.prefix(max(0, limit)).map { ($0.patientId, $0.status) }
        }
        return (entries, parts.map(\.count).reduce(0, +), counts)
    }
}
