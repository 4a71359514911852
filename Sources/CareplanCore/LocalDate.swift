import Foundation

/// A calendar date with no time or zone (dates of birth, diagnosis, review, "by when").
/// Stored as ISO `YYYY-MM-DD`; shown the British way, `05 Mar 2024`, which nobody misreads.
public struct LocalDate: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), year >= 1800, year <= 2200,
              day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `2024-03-05`
    public var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }
    /// `05 Mar 2024`
    public var display: String { String(format: "%02d ", day) + LocalDate.monthNames[month - 1] + " \(year)" }
    public var description: String { display }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case empty, unreadable, noSuchDate
        public var description: String {
            switch self {
            case .empty: return "Enter a date, e.g. 05/03/2024"
            case .unreadable: return "Use day/month/year, e.g. 05/03/2024 or 5 Mar 2024"
            case .noSuchDate: return "There is no such date"
            }
        }
    }

    /// Reads what people type on a ward: `05/03/2024`, `5/3/2024`, `05-03-2024`, `05.03.2024`, `2024-03-05`,
    /// `5 Mar 2024`, `5 March 2024`. Day first, always (UK).
    public static func parse(_ input: String) -> Result<LocalDate, Problem> {
        let s = input.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return .failure(.empty) }
        let parts = s.split(whereSeparator: { "/-. ".contains($0) }).map(String.init)
        guard parts.count == 3 else { return .failure(.unreadable) }
        var y: Int?, m: Int?, d: Int?
        if parts[0].count == 4, let yy = Int(parts[0]) {          // ISO
            y = yy; m = Int(parts[1]); d = Int(parts[2])
        } else {
            d = Int(parts[0]); y = Int(parts[2])
            m = Int(parts[1]) ?? monthNames.firstIndex(where: { parts[1].lowercased().hasPrefix($0.lowercased()) }).map { $0 + 1 }
            if parts[2].count != 4 { y = nil }  // two-digit years are ambiguous for dates of birth
        }
        guard let year = y, let month = m, let day = d else { return .failure(.unreadable) }
        guard let date = LocalDate(year: year, month: month, day: day) else { return .failure(.noSuchDate) }
        return .success(date)
    }

    public init?(iso: String) {
        let p = iso.split(separator: "-")
        guard p.count == 3, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Today in the user's zone, from a clock (tests pass a fixed one).
    public init(_ date: Date, calendar: Calendar = .current) {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        self.year = c.year!
        self.month = c.month!
        self.day = c.day!
    }

    /// Days since 1970-01-01 (civil-from-days, Howard Hinnant), for date arithmetic without a calendar.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// The same day `months` calendar months on (or back, when negative); a day the month lacks becomes its
    /// last day: 29 Feb 2028 plus 12 months is 28 Feb 2029, 31 Jan plus one month the end of February.
    public func adding(months: Int) -> LocalDate {
        let index = year * 12 + (month - 1) + months
        let (y, m) = (index / 12, index % 12 + 1)
        return LocalDate(year: y, month: m, day: min(day, LocalDate.daysIn(month: m, year: y)))!
    }

    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let d = LocalDate(iso: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO date: \(raw)"))
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }
}
