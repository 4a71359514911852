import Foundation

/// How one patient's concerns and distress moved across their assessments (issue 15), oldest to newest: what the
/// record, the care plan and the printed plan draw, with the change in words for screen readers and monochrome
/// terminals. Computed from the assessments themselves; nothing of it is stored.
public struct PatientTrends: Hashable, Sendable {
    /// The assessments counted, oldest first: every one but those discarded (started in error) and those
    /// superseded or being revised (a plan replaced by its newer version, agreed or still in progress: the newer
    /// one counts, on its own date).
    public var points: [TrendPoint]
    /// The distress thermometer (0-10) at each point; nil where it was not recorded.
    public var distress: [Int?]
    /// How distress moved from the previous point to the latest that recorded it.
    public var distressChange: TrendChange?
    /// Every concern raised at any point, those in the latest assessment first (highest score first), then the
    /// ones no longer raised, each in the order first raised.
    public var concerns: [ConcernTrend]

    public init(points: [TrendPoint], distress: [Int?], distressChange: TrendChange?, concerns: [ConcernTrend]) {
        self.points = points
        self.distress = distress
        self.distressChange = distressChange
        self.concerns = concerns
    }

    /// The trends of these assessments of one patient, in any order.
    public init(assessments: [Assessment]) {
        // A plan being revised is replaced by its new version as soon as that is started, so the screens (which
        // see both while the new one is in progress) and the record after agreeing count the same points.
        let replaced = Set(assessments.filter { $0.status != .discarded }.compactMap(\.previousId))
        let counted = assessments
            .filter { $0.status != .discarded && $0.status != .superseded && !replaced.contains($0.id) }
            .sorted { ($0.date, $0.id) < ($1.date, $1.id) }
        points = counted.map { TrendPoint(assessmentId: $0.id, date: $0.date, inProgress: $0.status == .inProgress) }
        distress = counted.map(\.distressScore)
        distressChange = TrendChange.between(Self.lastTwo(of: distress))

        var order: [String] = []
        var labels: [String: String] = [:]
        for a in counted {
            for c in a.concerns where labels[Self.key(of: c)] == nil {
                order.append(Self.key(of: c))
                labels[Self.key(of: c)] = c.label
            }
        }
        let latest = counted.last
        var trends = order.map { key -> ConcernTrend in
            let marks = counted.map { a -> ConcernMark in
                guard let c = a.concerns.first(where: { Self.key(of: $0) == key }) else { return .notRaised }
                return c.score.map(ConcernMark.scored) ?? .unrated
            }
            // The label as the latest assessment that raised it wrote it.
            let label = counted.last(where: { a in a.concerns.contains { Self.key(of: $0) == key } })?
                .concerns.first { Self.key(of: $0) == key }?.label ?? labels[key] ?? key
            return ConcernTrend(key: key, label: label, marks: marks, change: TrendChange.of(marks))
        }
        let latestScore: (ConcernTrend) -> Int = { t in
            guard latest != nil, case .scored(let s)? = t.marks.last else { return -1 }
            return s
        }
        let inLatest: (ConcernTrend) -> Bool = { t in t.marks.last.map { $0 != .notRaised } ?? false }
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        trends.sort { a, b in
            if inLatest(a) != inLatest(b) { return inLatest(a) }
            if inLatest(a), latestScore(a) != latestScore(b) { return latestScore(a) > latestScore(b) }
            return position[a.key, default: 0] < position[b.key, default: 0]
        }
        concerns = trends
    }

    /// What makes a concern the same one across assessments: its catalogue item; for the patient's own words
    /// (`other-N`, numbered afresh in each assessment) the words themselves, folded, so that "Cost of parking"
    /// is never joined to whatever else was the first concern in the patient's words last time.
    public static func key(of concern: ConcernEntry) -> String {
        concern.isOwnWords ? "own-words:" + SearchKey.of(concern.label).split(whereSeparator: \.isWhitespace).joined(separator: " ") : concern.key
    }

    /// The last two recorded values of a series, oldest first (fewer when fewer were recorded).
    static func lastTwo(of series: [Int?]) -> [Int] {
        Array(series.compactMap { $0 }.suffix(2))
    }
}

/// One assessment on the time axis.
public struct TrendPoint: Hashable, Sendable {
    public var assessmentId: Int64
    public var date: LocalDate
    /// Still being filled in: its figures may change.
    public var inProgress: Bool

    public init(assessmentId: Int64, date: LocalDate, inProgress: Bool) {
        self.assessmentId = assessmentId
        self.date = date
        self.inProgress = inProgress
    }
}

/// What one assessment said of one concern.
public enum ConcernMark: Hashable, Sendable {
    /// Not on that assessment's list: not a concern then.
    case notRaised
    /// Raised but not yet rated.
    case unrated
    case scored(Int)

    /// The score a chart draws: not raised is drawn as nothing, unrated as nothing.
    public var score: Int? {
        if case .scored(let s) = self { return s }
        return nil
    }
}

public struct ConcernTrend: Hashable, Sendable {
    /// `PatientTrends.key(of:)`: the catalogue item id, or the patient's own words folded.
    public var key: String
    public var label: String
    /// One per point of `PatientTrends.points`.
    public var marks: [ConcernMark]
    /// From the previous assessment to the latest; nil with one assessment.
    public var change: TrendChange?

    public init(key: String, label: String, marks: [ConcernMark], change: TrendChange?) {
        self.key = key
        self.label = label
        self.marks = marks
        self.change = change
    }
}

/// A change put in words, so that no one needs the chart or colour to read it.
public enum TrendChange: String, Hashable, Sendable, CaseIterable {
    /// Not raised (or scored 0) before, raised now.
    case appeared
    case rose
    case fell
    case unchanged
    /// Raised before, and now not raised or scored 0.
    case resolved

    public var words: String { rawValue }

    /// Between the two latest points of a concern; nil with fewer than two points, or when either is unrated.
    static func of(_ marks: [ConcernMark]) -> TrendChange? {
        guard marks.count >= 2 else { return nil }
        let before = marks[marks.count - 2], now = marks[marks.count - 1]
        func level(_ m: ConcernMark) -> Int? {
            switch m {
            case .notRaised: return 0
            case .unrated: return nil
            case .scored(let s): return s
            }
        }
        guard let b = level(before), let n = level(now) else { return nil }
        if b == 0 && n == 0 { return before == .notRaised && now == .notRaised ? nil : .unchanged }
        if b == 0 { return .appeared }
        if n == 0 { return .resolved }
        return n > b ? .rose : n < b ? .fell : .unchanged
    }

    /// Between two recorded scores (a distress series), oldest first.
    static func between(_ pair: [Int]) -> TrendChange? {
        guard pair.count == 2 else { return nil }
        return pair[1] > pair[0] ? .rose : pair[1] < pair[0] ? .fell : .unchanged
    }
}
