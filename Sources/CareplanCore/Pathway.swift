import Foundation
import Yams

/// A personalised stratified follow-up protocol (`Resources/pathways/*.yaml`): for one tumour site and risk
/// group, the surveillance tests and when each is due, what makes a result need a clinician's review, how
/// long follow-up lasts and what happens at its end. A site writes its own; careplan ships examples.
public struct Pathway: Sendable, Equatable {
    public var id: String
    public var version: String
    /// A hash of the file's text: an enrolment keeps it, so a pathway edited without a new version shows.
    public var contentHash: String
    public var title: String
    public var tumourSite: String
    /// The ICD-10 categories of the cancers the pathway is for (`C18`, `C50`): a patient whose diagnosis code
    /// is of none of them is put on it only when someone says so (`FollowUpRepository.enrol`).
    public var diagnoses: [String] = []
    public var riskGroup: String
    /// Where the schedule comes from (a published protocol), as the file says it.
    public var source: String
    /// True for the examples careplan ships ("example: confirm locally").
    public var isExample: Bool
    public var tests: [SurveillanceTest]
    /// From the start of follow-up to its end, in calendar months.
    public var lengthMonths: Int
    public var atEnd: EndAction
    /// The file's text, as read: kept with the enrolments made under it, whose rules they keep (`contentHash` is its hash).
    public var text: String = ""

    public func test(_ code: String) -> SurveillanceTest? { tests.first { $0.code == code } }

    /// The test a person or a file names: by code, or by name (case, accents, spaces and punctuation aside).
    public func test(named typed: String) -> SurveillanceTest? {
        let key = Self.testKey(typed)
        return tests.first { Self.testKey($0.code) == key || Self.testKey($0.name) == key }
    }

    /// Whether the pathway is for a patient with this diagnosis: their ICD-10 code (`C18.7`) in one of its
    /// categories, or, with no code recorded, the tumour site in the diagnosis's words; nothing recorded at all
    /// cannot be told apart, and is taken as a match.
    public func isFor(diagnosisCode: String, diagnosis: String) -> Bool {
        let code = diagnosisCode.trimmingCharacters(in: .whitespaces).uppercased()
        if !code.isEmpty && !diagnoses.isEmpty { return diagnoses.contains { code.hasPrefix($0) } }
        let words = SearchKey.of(diagnosis)
        return words.isEmpty || words.contains(SearchKey.of(tumourSite))
    }

    /// `C18`, `C50`, `D05.1`: a letter, two digits, maybe a dot and a digit or two.
    static func isICD10Category(_ s: String) -> Bool {
        let c = Array(s)
        guard c.count >= 3, c[0].isASCII, c[0].isLetter, c[1].isASCII, c[1].isNumber, c[2].isASCII, c[2].isNumber else { return false }
        if c.count == 3 { return true }
        return c[3] == "." && (5...6).contains(c.count) && c[4...].allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// "CT chest, abdomen and pelvis" and "ct chest abdomen and pelvis" alike: letters and digits only, folded.
    public static func testKey(_ s: String) -> String { SearchKey.of(s).filter { $0.isLetter || $0.isNumber } }

    public enum EndAction: String, Sendable, CaseIterable {
        /// Discharged to the GP's care with a letter to the patient and the GP.
        case dischargeToGP = "discharge-to-gp"
        /// Seen in clinic to decide.
        case clinicReview = "clinic-review"
    }
}

/// One surveillance test of a pathway: when it is due, how long it may wait before it is overdue, and what
/// makes its result need review.
public struct SurveillanceTest: Sendable, Equatable {
    public var code: String
    public var name: String
    public var schedule: [SchedulePhase]
    /// Days after the due date before a test not done counts as overdue.
    public var graceDays: Int
    public var review: ReviewRule
}

/// A part of a test's schedule, in months from the start of follow-up.
public enum SchedulePhase: Sendable, Equatable {
    /// Every `months` from where the previous phase ended, for `forMonths` (nil: to the end of follow-up).
    case every(months: Int, forMonths: Int?)
    /// At these months from the start.
    case at(months: [Int])
}

/// What makes a result need a clinician's review.
public enum ReviewRule: Sendable, Equatable {
    /// A measured value above `above`, or risen by more than `rise` over the last result (either may be absent), in `unit`.
    case measured(above: Double?, rise: Double?, unit: String)
    /// The person recording the result judges it (normal, abnormal, needs review): imaging, endoscopy.
    case clinician

    public var unit: String? {
        if case .measured(_, _, let unit) = self { return unit }
        return nil
    }

    /// Whether a result needs review. A judged result needs it when abnormal or marked so; a measured one when
    /// its rule says, or when it was recorded only as a judgement; under `clinician` any measured value does
    /// (someone must look at it).
    public func needsReview(_ value: ResultValue, previous: Double?) -> Bool {
        switch (self, value) {
        case (_, .judged(let j)): return j != .normal
        case (.clinician, .measured): return true
        case (.clinician, .beyond): return true
        // Above what the laboratory measures: it may be above anything.
        case (.measured, .beyond(.above, _, _)): return true
        // Below a limit: judged as the limit itself, which it is under ("<0.01" under a threshold of 5 is normal).
        case (.measured, .beyond(.below, let v, let unit)): return needsReview(.measured(v, unit: unit), previous: previous)
        case (.measured(let above, let rise, _), .measured(let v, _)):
            if let above, v > above { return true }
            if let rise, let previous, v - previous > rise + 1e-9 { return true }  // 4.4 - 2.4 is not a rise of more than 2
            return false
        }
    }

    /// The rule in words, for screens and letters: "above 5 ug/L, or a rise of more than 1 ug/L".
    public var words: String {
        switch self {
        case .clinician: return "clinician's judgement"
        case .measured(let above, let rise, let unit):
            let parts = [above.map { "above \(Self.number($0)) \(unit)" }, rise.map { "a rise of more than \(Self.number($0)) \(unit)" }].compactMap { $0 }
            return parts.joined(separator: ", or ")
        }
    }

    static func number(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d) }
}

/// A result as recorded: a measured value with its unit, one beyond what the laboratory measures ("<0.01",
/// ">1000"), or a judgement.
public enum ResultValue: Sendable, Hashable {
    case measured(Double, unit: String)
    case beyond(MeasureLimit, Double, unit: String)
    case judged(ResultJudgement)

    /// The number and unit of a measured value, qualified or not.
    public var number: (Double, unit: String)? {
        switch self {
        case .measured(let v, let u), .beyond(_, let v, let u): return (v, u)
        case .judged: return nil
        }
    }
}

/// Which side of a laboratory's limit a value is: `<` below what it can detect, `>` above what it can count.
public enum MeasureLimit: String, Sendable, Hashable, CaseIterable {
    case below = "<", above = ">"
}

public enum ResultJudgement: String, Sendable, Hashable, CaseIterable, Codable {
    case normal, abnormal, needsReview = "needs-review"
}

// MARK: - The schedule

/// One test a pathway schedules for a patient.
public struct PlannedTest: Sendable, Hashable {
    public var code: String
    public var name: String
    public var due: LocalDate
    public var graceDays: Int

    public init(code: String, name: String, due: LocalDate, graceDays: Int) {
        self.code = code
        self.name = name
        self.due = due
        self.graceDays = graceDays
    }
}

extension SurveillanceTest {
    /// The months from the start at which the test is due, within `lengthMonths`, in order, each once.
    public func offsets(lengthMonths: Int) -> [Int] {
        var months: Set<Int> = [], cursor = 0
        for phase in schedule {
            switch phase {
            case .every(let step, let span):
                let end = span.map { cursor + $0 } ?? lengthMonths
                var m = cursor + step
                while m <= min(end, lengthMonths) { months.insert(m); m += step }
                cursor = end
            case .at(let list):
                months.formUnion(list.filter { $0 <= lengthMonths })
                cursor = max(cursor, list.max() ?? cursor)
            }
        }
        return months.sorted()
    }
}

extension Pathway {
    /// The last day of follow-up for a patient who started on `start`.
    public func endDate(from start: LocalDate) -> LocalDate { start.adding(months: lengthMonths) }

    /// The tests due for a patient who started on `start`, by due date (then in the file's order). Each date is
    /// counted from the start, never from the previous test, so month ends do not drift: started on 31 Jan,
    /// the 1-month test is due on the last day of February and the 2-month one on 31 Mar.
    public func schedule(from start: LocalDate) -> [PlannedTest] {
        var planned: [(PlannedTest, Int)] = []
        for (order, t) in tests.enumerated() {
            for m in t.offsets(lengthMonths: lengthMonths) {
                planned.append((PlannedTest(code: t.code, name: t.name, due: start.adding(months: m), graceDays: t.graceDays), order))
            }
        }
        return planned.sorted { ($0.0.due, $0.1) < ($1.0.due, $1.1) }.map(\.0)
    }
}

/// Overdue once the grace period after the due date has passed.
public enum Overdue {
    /// The first day on which a test due on `due` with `graceDays` of grace is overdue.
    public static func from(due: LocalDate, graceDays: Int) -> LocalDate { due.adding(days: graceDays + 1) }
}

// MARK: - Reading the files

extension Pathway {
    /// Every pathway in `files`, by id, each file checked and the ids checked across them.
    public static func loadAll(_ files: [URL], display: (URL) -> String) -> Result<[String: Pathway], ConfigErrors> {
        var pathways: [String: Pathway] = [:], problems: [ConfigProblem] = []
        for url in files {
            switch load(from: url, displayPath: display(url)) {
            case .success(let p):
                if pathways[p.id] != nil {
                    problems.append(ConfigProblem(file: display(url), line: 1, column: 1, message: "pathway id `\(p.id)` is used by another file too",
                                                  fix: "give each pathway its own id (enrolments keep it)"))
                }
                pathways[p.id] = p
            case .failure(let e): problems += e.problems
            }
        }
        return problems.isEmpty ? .success(pathways) : .failure(ConfigErrors(problems))
    }

    public static func load(from url: URL, displayPath: String) -> Result<Pathway, ConfigErrors> {
        guard let data = try? Data(contentsOf: url) else {
            return .failure(ConfigErrors([ConfigProblem(file: displayPath, line: 0, column: 0, message: "cannot read the file",
                                                        fix: "check that it exists and is readable")]))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(ConfigErrors([ConfigProblem(file: displayPath, line: 1, column: 1, message: "the file is not UTF-8 text", fix: "save it as UTF-8")]))
        }
        return parse(text: text, displayPath: displayPath)
    }

    public static func parse(text: String, displayPath: String) -> Result<Pathway, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath) { root, r in
            parse(root, r, hash: contentHash(text)).map { var p = $0; p.text = text; return p }
        }
    }

    /// FNV-1a, 64 bits, of the text: enough to tell an edited file, with no cryptography in the core.
    static func contentHash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(format: "%016llx", h)
    }

    static let keys = ["id", "version", "title", "tumour-site", "risk-group", "source", "example", "length-months", "at-end", "tests"]
    /// Tests one enrolment may hold: a monthly test for 50 years of follow-up is 600; a schedule that makes
    /// thousands is a mistake in the file, and would slow every screen showing the patient's schedule.
    public static let mostTestsPerEnrolment = 600

    static func parse(_ root: Node, _ r: ConfigReader, hash: String) -> Pathway? {
        let what = "the pathway"
        guard let m = r.mapping(root, what, required: keys, optional: ["diagnoses"]) else { return nil }
        let id = r.identifier(m, "id", in: what)
        let version = r.string(m, "version", in: what), title = r.string(m, "title", in: what)
        let site = r.identifier(m, "tumour-site", in: what), risk = r.identifier(m, "risk-group", in: what)
        let source = r.string(m, "source", in: what)
        let diagnoses = r.stringList(m, "diagnoses", in: what).map { $0.uppercased() }
        for d in diagnoses where !Self.isICD10Category(d) {
            r.report(m["diagnoses"], "`\(d)` in `diagnoses` is not an ICD-10 category", fix: "e.g. `diagnoses: [C18, C19, C20]`")
        }
        var isExample: Bool?
        if let n = m["example"] {
            isExample = n.bool
            if isExample == nil { r.report(n, "`example` should be yes or no", fix: "write `example: no` once your site has confirmed the schedule") }
        }
        let length = r.number(m, "length-months", in: what, range: 1...600, example: 60)
        var atEnd: EndAction?
        if let s = r.string(m, "at-end", in: what) {
            atEnd = EndAction(rawValue: s)
            if atEnd == nil { r.report(m["at-end"], "`\(s)` is no end of follow-up careplan knows", fix: "use " + EndAction.allCases.map { "`\($0.rawValue)`" }.joined(separator: " or ")) }
        }
        var tests: [SurveillanceTest] = []
        let testNodes = r.sequence(m, "tests", in: what)
        if m["tests"] != nil && testNodes.isEmpty && m["tests"]?.sequence != nil {
            r.report(m["tests"], "the pathway has no test", fix: "add at least one test under `tests:`")
        }
        for n in testNodes {
            guard let t = parseTest(n, r, lengthMonths: length) else { continue }
            // Results from files and screens find a test by its code or name folded (`testKey`): two that fold
            // alike ("cea", "c-e-a") would take each other's results.
            if let other = tests.first(where: { [testKey($0.code), testKey($0.name)].contains(where: { [testKey(t.code), testKey(t.name)].contains($0) }) }) {
                r.report(n, other.code == t.code ? "test code `\(t.code)` is used twice"
                         : "test `\(t.code)` (\(t.name)) is named like test `\(other.code)` (\(other.name)) once case, spaces and punctuation are left aside",
                         fix: "give each test its own code and name (results are matched by them)")
            }
            tests.append(t)
        }
        guard let id, let version, let title, let site, let risk, let source, let isExample, let length, let atEnd else { return nil }
        var pathway = Pathway(id: id, version: version, contentHash: hash, title: title, tumourSite: site, riskGroup: risk, source: source,
                              isExample: isExample, tests: tests, lengthMonths: length, atEnd: atEnd)
        pathway.diagnoses = diagnoses
        let planned = pathway.schedule(from: LocalDate(year: 2000, month: 1, day: 1)!).count
        if planned > mostTestsPerEnrolment {
            r.report(m["tests"], "the pathway schedules \(planned) tests for one patient (at most \(mostTestsPerEnrolment))", fix: "check the tests' months")
        }
        return pathway
    }

    static func parseTest(_ node: Node, _ r: ConfigReader, lengthMonths: Int?) -> SurveillanceTest? {
        let w = "a test"
        guard let t = r.mapping(node, w, required: ["code", "name", "schedule", "grace-days", "review"]) else { return nil }
        let code = r.identifier(t, "code", in: w), name = r.string(t, "name", in: w)
        let grace = r.number(t, "grace-days", in: w, range: 0...365, example: 28)
        let named = code.map { "test `\($0)`" } ?? w
        var phases: [SchedulePhase] = []
        let phaseNodes = r.sequence(t, "schedule", in: named)
        if t["schedule"]?.sequence != nil && phaseNodes.isEmpty { r.report(t["schedule"], "\(named) has no schedule", fix: "add e.g. `- every-months: 6`") }
        for (i, p) in phaseNodes.enumerated() {
            guard let pm = r.mapping(p, "a part of the schedule of \(named)", required: [], optional: ["every-months", "for-months", "at-months"]) else { continue }
            if let every = pm["every-months"] {
                guard pm["at-months"] == nil else {
                    r.report(p, "a part of the schedule has both `every-months` and `at-months`", fix: "put each on its own `- ` line")
                    continue
                }
                let step = r.number(pm, "every-months", in: named, range: 1...120, example: 6)
                let span = pm["for-months"].flatMap { _ in r.number(pm, "for-months", in: named, range: 1...600, example: 36) }
                if pm["for-months"] == nil && i < phaseNodes.count - 1 {
                    r.report(every, "`every-months` without `for-months` runs to the end of follow-up, so nothing can follow it",
                             fix: "add `for-months: N`, or make it the last part")
                }
                if let step { phases.append(.every(months: step, forMonths: span)) }
            } else if pm["at-months"] != nil {
                let list = r.stringList(pm, "at-months", in: named)
                let months = list.compactMap(Int.init)
                if months.count != list.count || months.isEmpty || months.contains(where: { $0 < 0 }) {
                    r.report(pm["at-months"], "`at-months` of \(named) should list whole numbers of months from the start", fix: "e.g. `at-months: [12, 30]`")
                } else if Set(months).count != months.count || phases.contains(where: { if case .at(let m) = $0 { return !Set(m).isDisjoint(with: months) }; return false }) {
                    r.report(pm["at-months"], "`at-months` of \(named) lists a month twice", fix: "list each month once")
                } else {
                    phases.append(.at(months: months))
                }
                if pm["for-months"] != nil { r.report(pm["for-months"], "`for-months` goes with `every-months`", fix: "remove it, or use `every-months`") }
            } else {
                r.report(p, "a part of the schedule of \(named) says neither `every-months` nor `at-months`", fix: "e.g. `- every-months: 6` and `for-months: 36`")
            }
        }
        let review = parseReview(t["review"], r, named)
        guard let code, let name, let grace, let review else { return nil }
        let test = SurveillanceTest(code: code, name: name, schedule: phases, graceDays: grace, review: review)
        if let lengthMonths {
            for case .at(let months) in phases where months.contains(where: { $0 > lengthMonths }) {
                r.report(t["schedule"], "\(named) is due at month \(months.max()!), after follow-up ends (month \(lengthMonths))",
                         fix: "keep its months within `length-months`, or lengthen follow-up")
            }
            if !phases.isEmpty && test.offsets(lengthMonths: lengthMonths).isEmpty {
                r.report(t["schedule"], "\(named) is never due within follow-up (\(lengthMonths) months)", fix: "check its months")
            }
        }
        return test
    }

    static func parseReview(_ node: Node?, _ r: ConfigReader, _ named: String) -> ReviewRule? {
        guard let node else { return nil }
        if let s = node.scalar?.string {
            if s == "clinician" { return .clinician }
            r.report(node, "`review` of \(named) should be `clinician` or a mapping with `above`, `rise` and `unit`",
                     fix: "e.g. `review: clinician`, or `review: {above: 5, unit: ug/L}`")
            return nil
        }
        guard let m = r.mapping(node, "`review` of \(named)", required: ["unit"], optional: ["above", "rise"]) else { return nil }
        func number(_ key: String) -> Double? {
            guard let n = m[key] else { return nil }
            guard let d = n.float, d.isFinite, d >= 0 else {
                r.report(n, "`\(key)` in `review` of \(named) should be a number", fix: "e.g. `\(key): 5` or `\(key): 0.2`")
                return nil
            }
            return d
        }
        let above = number("above"), rise = number("rise")
        let unit = r.string(m, "unit", in: "`review` of \(named)")
        if m["above"] == nil && m["rise"] == nil {
            r.report(node, "`review` of \(named) says neither `above` nor `rise`", fix: "add `above: N` (a threshold) or `rise: N` (over the last result), or write `review: clinician`")
            return nil
        }
        guard let unit, (m["above"] == nil || above != nil), (m["rise"] == nil || rise != nil) else { return nil }
        return .measured(above: above, rise: rise, unit: unit)
    }
}

/// Patients on follow-up under a pathway whose file was removed or changed since they were enrolled.
public struct PathwayChange: Sendable, Equatable {
    public var pathwayId: String, version: String
    public var patients: Int
    public var fileMissing: Bool
    /// Whether the store keeps the rules they were enrolled under (it does for every enrolment since v14).
    public var rulesKept: Bool
    public init(pathwayId: String, version: String, patients: Int, fileMissing: Bool, rulesKept: Bool) {
        (self.pathwayId, self.version, self.patients, self.fileMissing, self.rulesKept) = (pathwayId, version, patients, fileMissing, rulesKept)
    }

    /// For `careplan check --store` and the start-up warning.
    public var words: String {
        let who = "\(patients) patient\(patients == 1 ? "" : "s") enrolled under \(pathwayId) \(version) whose file "
            + (fileMissing ? "is gone from Resources/pathways" : "has changed")
        return rulesKept
            ? who + ": they keep the rules they were enrolled under; to move them to the file's rules, discharge each and enrol them again"
            : who + ": their rules were not kept (enrolled before careplan kept them), so results are judged by the file as it is now; "
                + "put the file back as it was, or review their results by hand"
    }
}
