import Foundation

/// A file of results from a laboratory or another system (`careplan results import FILE`): comma-separated,
/// a header naming the columns `NHS number`, `test`, `date`, `value`, `unit` (in any order, any case; other
/// columns are left alone), then one result a line.
public struct ResultRow: Sendable, Hashable {
    /// The line of the file, for the report (the header is line 1).
    public var line: Int
    public var nhsNumber: String
    public var test: String
    public var date: String
    public var value: String
    public var unit: String

    public init(line: Int, nhsNumber: String, test: String, date: String, value: String, unit: String) {
        self.line = line
        self.nhsNumber = nhsNumber
        self.test = test
        self.date = date
        self.value = value
        self.unit = unit
    }
}

/// Why a row was not recorded: the report says it beside the row's line.
public enum RowRejection: Error, Sendable, Equatable, CustomStringConvertible {
    case badNHSNumber(NHSNumber.Problem)
    case unknownPatient
    case notOnFollowUp
    case unknownTest(String)
    case noTestWaiting(String)
    /// The patient has a result of this test taken that day already (the file, or a row of it, loaded again).
    case alreadyRecorded
    case badDate(LocalDate.Problem)
    case futureDate
    case beforeBirth
    /// Taken before this follow-up started (on that day).
    case beforeFollowUp(LocalDate)
    case notANumber
    case negative
    case unitMismatch(expected: String, found: String)
    case missingUnit(expected: String)
    case duplicate(firstLine: Int)

    public var description: String {
        switch self {
        case .badNHSNumber(let p): return "NHS number: \(p)"
        case .unknownPatient: return "no patient has this NHS number"
        case .notOnFollowUp: return "the patient is not on follow-up (never put on a pathway, or discharged)"
        case .unknownTest(let t): return "the patient's pathway has no test “\(Self.shown(t))”"
        case .noTestWaiting(let t): return "no “\(Self.shown(t))” of the patient waits for a result (every one has a result or was skipped)"
        case .alreadyRecorded: return "a result of this test taken that day is recorded already"
        case .badDate(.unreadable): return "date: use day/month/year (05/03/2027) or ISO (2027-03-05, 2027-03-05T09:30)"
        case .badDate(let p): return "date: \(p)"
        case .futureDate: return "date: the test cannot have been taken after today"
        case .beforeBirth: return "date: before the patient was born"
        case .beforeFollowUp(let start): return "date: before the patient's follow-up started (\(start.display))"
        case .notANumber: return "value: not a number (or <number, >number, normal, abnormal, needs review)"
        case .negative: return "value: a result cannot be below zero"
        case .unitMismatch(let expected, let found): return "unit: “\(Self.shown(found))”, but the pathway's results are in \(expected)"
        case .missingUnit(let expected): return "unit: missing (the pathway's results are in \(expected))"
        case .duplicate(let first): return "the same result as line \(first)"
        }
    }

    /// A field of the file said back in the report or on a terminal: control characters (an escape sequence)
    /// removed, and cut short (a field of megabytes is not echoed).
    static func shown(_ field: String) -> String { TextCleaner.field(String(field.prefix(200)), maxLength: 40) }
}

/// What loading a file did: every row is in one list or the other.
public struct ResultsImportReport: Sendable, Equatable {
    public struct Recorded: Sendable, Hashable {
        public var line: Int
        public var resultId: Int64
        public var needsReview: Bool
        public init(line: Int, resultId: Int64, needsReview: Bool) {
            self.line = line
            self.resultId = resultId
            self.needsReview = needsReview
        }
    }
    public var recorded: [Recorded]
    public var rejections: [Rejection]

    public struct Rejection: Sendable, Equatable {
        public var line: Int
        public var reason: RowRejection
        public init(line: Int, reason: RowRejection) {
            self.line = line
            self.reason = reason
        }
    }

    public init(recorded: [Recorded], rejections: [Rejection]) {
        self.recorded = recorded
        self.rejections = rejections
    }

    /// The report file: a summary, then each rejected line and why (no NHS number, name or value: the line
    /// number finds the row in the file, which holds them already).
    public func text(file: String) -> String {
        let review = recorded.filter(\.needsReview).count
        var out = "Results from \(file): \(recorded.count + rejections.count) row(s); \(recorded.count) recorded"
            + (review > 0 ? " (\(review) to review)" : "") + "; \(rejections.count) rejected.\n"
        for r in rejections.sorted(by: { $0.line < $1.line }) { out += "line \(r.line): rejected: \(r.reason)\n" }
        return out
    }
}

public enum ResultsImport {
    public static let columns = ["nhs number", "test", "date", "value", "unit"]
    /// A result is matched to a test due at most this many days after it was taken (a test done early), or
    /// to one due any time before (done late): the nearest.
    public static let earliestDays = 60

    /// Why a file cannot be read at all (nothing is recorded from it).
    public struct FileProblem: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ d: String) { description = d }
    }

    /// The rows of a file. Fields may be quoted ("a, b"; "" for a quote); lines end in LF or CRLF; a byte-order
    /// mark and blank lines are left out.
    public static func read(csv text: String) -> Result<[ResultRow], FileProblem> {
        let (parsed, openQuote) = parse(text)
        if let line = openQuote {
            return .failure(FileProblem("line \(line): a quoted field is not closed (a \" is missing): nothing after it could be read"))
        }
        var records = parsed
        guard !records.isEmpty else { return .failure(FileProblem("the file is empty: the first line should name the columns " + columns.joined(separator: ", "))) }
        let header = records.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var index: [String: Int] = [:]
        for c in columns {
            guard let i = header.firstIndex(of: c) else {
                return .failure(FileProblem("the first line has no column “\(c)”: it should name the columns " + columns.joined(separator: ", ")))
            }
            index[c] = i
        }
        return .success(records.map { r in
            func f(_ c: String) -> String { let i = index[c]!; return i < r.fields.count ? r.fields[i].trimmingCharacters(in: .whitespaces) : "" }
            return ResultRow(line: r.line, nhsNumber: f("nhs number"), test: f("test"), date: f("date"), value: f("value"), unit: f("unit"))
        })
    }

    /// RFC 4180 records with the line each starts on; blank lines are left out. A quote still open at the end
    /// gives the line it was opened on.
    static func parse(_ text: String) -> (records: [(line: Int, fields: [String])], openQuote: Int?) {
        var records: [(Int, [String])] = [], fields: [String] = [], field = "", quoted = false, line = 1, start = 1, any = false, openedOn = 1
        var chars = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        func endRecord() {
            fields.append(field)
            if any || fields.count > 1 || !field.isEmpty { records.append((start, fields)) }
            fields = []; field = ""; any = false
        }
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"": quoted = true; any = true; openedOn = line
            case ",": fields.append(field); field = ""; any = true
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                start = line
            default: field.append(c)
            }
        }
        if quoted { return (records, openedOn) }
        if !field.isEmpty || !fields.isEmpty || any { endRecord() }
        return (records, nil)
    }

    /// A row read: what the store matches (a patient, a test) and records.
    public struct Checked: Sendable, Hashable {
        public var nhsNumber: NHSNumber
        public var test: String
        public var takenOn: LocalDate
        public var value: ResultValue
    }

    /// Checks what a row says by itself (the NHS number's check digit, the date, the value); the store
    /// matches the rest.
    public static func check(_ row: ResultRow, today: LocalDate) -> Result<Checked, RowRejection> {
        let nhs: NHSNumber
        switch NHSNumber.parse(row.nhsNumber) {
        case .success(let n): nhs = n
        case .failure(let p): return .failure(.badNHSNumber(p))
        }
        if row.test.isEmpty { return .failure(.unknownTest("")) }
        let date: LocalDate
        switch LocalDate.parse(dayOf(row.date)) {
        case .success(let d): date = d
        case .failure(let p): return .failure(.badDate(p))
        }
        if date > today { return .failure(.futureDate) }
        switch value(row.value, unit: row.unit) {
        case .success(let value): return .success(Checked(nhsNumber: nhs, test: row.test, takenOn: date, value: value))
        case .failure(let why): return .failure(why)
        }
    }

    /// The day of an ISO date-time as laboratories write it (`2027-06-01T09:00`, `2027-06-01 09:00:00Z`): the
    /// time is not kept (a result is recorded by the day it was taken); anything else as written.
    static func dayOf(_ field: String) -> String {
        let s = field.trimmingCharacters(in: .whitespaces)
        let c = Array(s)
        guard c.count > 11, c[4] == "-", c[7] == "-", c[10] == "T" || c[10] == " ", c[11].isNumber else { return s }
        return String(c[..<10])
    }

    /// A result as typed on a screen or written in a file, read alike: a judgement (normal, abnormal, needs
    /// review), or a number not below zero (`7.5`, `7,5`, `1e-2`, `.5`), maybe beyond the laboratory's limit
    /// (`<0.01`, `> 1000`). Nothing else: not `nan`, `inf` or `0x10`, which Double() would take.
    public static func value(_ typed: String, unit: String) -> Result<ResultValue, RowRejection> {
        let text = typed.trimmingCharacters(in: .whitespaces)
        if let j = ResultJudgement(rawValue: text.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" }).joined(separator: "-")) {
            return .success(.judged(j))
        }
        var rest = Substring(text)
        let limit = rest.first.flatMap { MeasureLimit(rawValue: String($0)) }
        if limit != nil { rest = rest.dropFirst().drop { $0 == " " } }
        if rest.first == "-" { return plainNumber(rest.dropFirst()) == nil ? .failure(.notANumber) : .failure(.negative) }
        guard let n = plainNumber(rest) else { return .failure(.notANumber) }
        return .success(limit.map { .beyond($0, n, unit: unit) } ?? .measured(n, unit: unit))
    }

    /// Digits with at most one decimal point or comma, then maybe an exponent (`e-2`); finite.
    static func plainNumber(_ s: Substring) -> Double? {
        var body = s.first == "+" ? s.dropFirst() : s
        var exponent: Substring = ""
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = body[body.index(after: e)...]
            body = body[..<e]
            let digits = exponent.first == "-" || exponent.first == "+" ? exponent.dropFirst() : exponent
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        let mantissa = body.replacingOccurrences(of: ",", with: ".")
        guard mantissa.contains(where: { $0.isNumber }), mantissa.filter({ $0 == "." }).count <= 1,
              mantissa.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "." }) else { return nil }
        guard let n = Double(mantissa + (exponent.isEmpty ? "" : "e" + exponent)), n.isFinite else { return nil }
        return n
    }

    /// A measured value must be in the unit of its test's rule (`Units.same`).
    public static func unitProblem(_ value: ResultValue, rule: ReviewRule) -> RowRejection? {
        guard let (_, unit) = value.number, let expected = rule.unit else { return nil }
        if unit.isEmpty { return .missingUnit(expected: expected) }
        return Units.same(unit, expected) ? nil : .unitMismatch(expected: expected, found: TextCleaner.field(unit, maxLength: 20))
    }
}

/// Units written differently that mean the same: one table for files and screens.
public enum Units {
    /// Spellings of one unit, folded (lower case, no spaces, micro as `u`). Case is folded because no
    /// laboratory unit differs only by case (no Mg, megagram, is ever reported); 1 ug/L is 1 ng/mL exactly.
    static let synonyms: [[String]] = [
        ["ug/l", "mcg/l", "ng/ml"],
        ["iu/l", "u/l"],
        ["ku/l", "u/ml", "iu/ml", "kiu/l"],
    ]

    static func fold(_ u: String) -> String {
        u.lowercased().replacingOccurrences(of: "µ", with: "u").replacingOccurrences(of: "μ", with: "u").filter { !$0.isWhitespace }
    }

    public static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (fold(a), fold(b))
        return x == y || synonyms.contains { $0.contains(x) && $0.contains(y) }
    }
}
