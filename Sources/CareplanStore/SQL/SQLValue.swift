import Foundation

/// A value as the store keeps it: SQLite's five storage classes, which PostgreSQL mirrors with bigint, double
/// precision, text and bytea. Booleans are 0/1 integers and times are text on both engines, so the audit
/// digests and the signed-content hashes read the same whichever engine holds the store.
public enum SQLValue: Hashable, Sendable {
    case null
    case int64(Int64)
    case double(Double)
    case text(String)
    case blob(Data)

    public var isNull: Bool { self == .null }
}

/// A Swift value the store binds and reads back. `fromSQL` answers nil when the value cannot be this type
/// (NULL included; `Optional` turns NULL into `.some(nil)`).
public protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
    static func fromSQL(_ value: SQLValue) -> Self?
}

extension SQLValue: SQLValueConvertible {
    public var sqlValue: SQLValue { self }
    public static func fromSQL(_ value: SQLValue) -> SQLValue? { value }
}

extension Int64: SQLValueConvertible {
    public var sqlValue: SQLValue { .int64(self) }
    /// A whole double is accepted, as GRDB does (PostgreSQL's numeric sums arrive so when the engine cannot tell).
    public static func fromSQL(_ value: SQLValue) -> Int64? {
        switch value {
        case .int64(let i): return i
        case .double(let d): return Int64(exactly: d)
        default: return nil
        }
    }
}

extension Int: SQLValueConvertible {
    public var sqlValue: SQLValue { .int64(Int64(self)) }
    public static func fromSQL(_ value: SQLValue) -> Int? { Int64.fromSQL(value).flatMap { Int(exactly: $0) } }
}

extension Int32: SQLValueConvertible {
    public var sqlValue: SQLValue { .int64(Int64(self)) }
    public static func fromSQL(_ value: SQLValue) -> Int32? { Int64.fromSQL(value).flatMap { Int32(exactly: $0) } }
}

extension Bool: SQLValueConvertible {
    /// 0/1, never PostgreSQL's boolean: the columns are integers on both engines.
    public var sqlValue: SQLValue { .int64(self ? 1 : 0) }
    public static func fromSQL(_ value: SQLValue) -> Bool? {
        switch value {
        case .int64(let i): return i != 0
        case .double(let d): return d != 0
        default: return nil
        }
    }
}

extension Double: SQLValueConvertible {
    public var sqlValue: SQLValue { .double(self) }
    public static func fromSQL(_ value: SQLValue) -> Double? {
        switch value {
        case .double(let d): return d
        case .int64(let i): return Double(i)
        default: return nil
        }
    }
}

extension String: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(self) }
    public static func fromSQL(_ value: SQLValue) -> String? {
        if case .text(let s) = value { return s }
        return nil
    }
}

extension Data: SQLValueConvertible {
    public var sqlValue: SQLValue { .blob(self) }
    /// Text is read as its UTF-8 bytes, as GRDB does.
    public static func fromSQL(_ value: SQLValue) -> Data? {
        switch value {
        case .blob(let d): return d
        case .text(let s): return Data(s.utf8)
        default: return nil
        }
    }
}

extension Date: SQLValueConvertible {
    /// GRDB's text, `yyyy-MM-dd HH:mm:ss.SSS` in UTC: what every store made so far holds.
    public var sqlValue: SQLValue { .text(SQLDate.text(self)) }
    public static func fromSQL(_ value: SQLValue) -> Date? {
        switch value {
        case .text(let s): return SQLDate.parse(s)
        case .int64(let i): return Date(timeIntervalSince1970: Double(i))
        case .double(let d): return Date(timeIntervalSince1970: d)
        default: return nil
        }
    }
}

/// Optionals bind as NULL and read NULL as nil, but are not themselves `SQLValueConvertible` (as in GRDB): else
/// `row["x"] as Int?` could mean either of Row's subscripts.
extension Optional where Wrapped: SQLValueConvertible {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }

    /// NULL is nil; a value that cannot be `Wrapped` is no value at all.
    public static func fromSQL(_ value: SQLValue) -> Wrapped?? {
        if value == .null { return .some(nil) }
        return Wrapped.fromSQL(value).map { .some($0) }
    }
}

/// Dates as text, exactly as GRDB wrote and read them, for both engines (the GRDB engine binds this text, not
/// GRDB's own Date): stores carry on unchanged, and a store copied between engines hashes the same.
public enum SQLDate {
    /// GRDB's own formatter settings: DateFormatter decides the rounding of sub-milliseconds, as it did for GRDB.
    nonisolated(unsafe) private static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(secondsFromGMT: 0)
        return f
    }()
    private static let lock = NSLock()

    private static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.locale = Locale(identifier: "en_US_POSIX")
        c.timeZone = TimeZone(secondsFromGMT: 0)!
        return c
    }()

    public static func text(_ date: Date) -> String {
        lock.withLock { formatter.string(from: date) }
    }

    /// The forms GRDB reads: `YYYY-MM-DD`, then optionally ` ` or `T`, `HH:MM`, `:SS`, `.` and 1-3 digits used
    /// (more ignored), then optionally `Z` or `±HH:MM`. Anything else is nil.
    public static func parse(_ text: String) -> Date? {
        var p = Scanner(Array(text.utf8))
        var c = DateComponents()
        guard let year = p.digits(4), p.take("-"), let month = p.digits(2), p.take("-"), let day = p.digits(2) else { return nil }
        c.year = year; c.month = month; c.day = day
        if !p.atEnd {
            guard p.take(" ") || p.take("T"), let hour = p.digits(2), p.take(":"), let minute = p.digits(2) else { return nil }
            c.hour = hour; c.minute = minute
            if !p.atEnd && !p.zone(&c) {
                guard p.take(":"), let second = p.digits(2) else { return nil }
                c.second = second
                if !p.atEnd && !p.zone(&c) {
                    guard p.take("."), let first = p.digits(1) else { return nil }
                    var fraction = first, scale = 100_000_000
                    for _ in 0..<2 {
                        guard let d = p.digits(1) else { break }
                        fraction = fraction * 10 + d
                        scale /= 10
                    }
                    c.nanosecond = fraction * scale
                    while p.digits(1) != nil {}
                    _ = p.zone(&c)
                }
            }
        }
        guard p.atEnd, let date = calendar.date(from: c) else { return nil }
        return Date(timeIntervalSinceReferenceDate: date.timeIntervalSinceReferenceDate)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var at = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var atEnd: Bool { at == bytes.count }
        mutating func take(_ c: Character) -> Bool {
            guard at < bytes.count, bytes[at] == c.asciiValue else { return false }
            at += 1
            return true
        }
        mutating func digits(_ n: Int) -> Int? {
            guard at + n <= bytes.count else { return nil }
            var v = 0
            for b in bytes[at..<at + n] {
                guard b >= 48 && b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            at += n
            return v
        }
        mutating func zone(_ c: inout DateComponents) -> Bool {
            if take("Z") { c.timeZone = TimeZone(secondsFromGMT: 0); return true }
            let start = at
            for (sign, mark) in [(1, Character("+")), (-1, Character("-"))] where take(mark) {
                if let h = digits(2), take(":"), let m = digits(2) {
                    c.timeZone = TimeZone(secondsFromGMT: sign * (h * 3600 + m * 60))
                    return true
                }
                at = start
            }
            return false
        }
    }
}
