import Foundation

/// "Today" for follow-up and the worklist (issue 14), which tests and demos can move: with
/// `CAREPLAN_CLOCK_OFFSET_DAYS=N` days are counted N days on (or back), with `CAREPLAN_CLOCK_DATE=YYYY-MM-DD`
/// today is that day (the clock then runs on from it). Unset, as in production, it is the real clock. A moved
/// clock is always said: on every screen's title bar (`Phrase.testClock`), on the command line, and in the
/// audit trail; the audit trail's own times are always the real ones.
public struct CareClock: Sendable, Equatable {
    public static let offsetVariable = "CAREPLAN_CLOCK_OFFSET_DAYS"
    public static let dateVariable = "CAREPLAN_CLOCK_DATE"
    /// Days added to the real date; 0: the real clock.
    public var offsetDays: Int

    public static let real = CareClock(offsetDays: 0)
    public init(offsetDays: Int) { self.offsetDays = offsetDays }

    public var isMoved: Bool { offsetDays != 0 }
    public func now(_ real: Date = Date()) -> Date { real.addingTimeInterval(TimeInterval(offsetDays) * 86400) }
    public func today(_ real: Date = Date()) -> LocalDate { LocalDate(real).adding(days: offsetDays) }

    /// The clock the environment asks for; a value careplan cannot read is refused rather than ignored (a
    /// mistyped variable must not leave a tester believing time has moved).
    public static func from(environment: [String: String], real: Date = Date()) -> Result<CareClock, ClockProblem> {
        let offset = environment[offsetVariable].flatMap { $0.isEmpty ? nil : $0 }
        let date = environment[dateVariable].flatMap { $0.isEmpty ? nil : $0 }
        switch (offset, date) {
        case (nil, nil): return .success(.real)
        case (.some, .some): return .failure(ClockProblem("set \(offsetVariable) or \(dateVariable), not both"))
        case (let o?, nil):
            guard let n = Int(o.trimmingCharacters(in: .whitespaces)), abs(n) <= 36_500 else {
                return .failure(ClockProblem("\(offsetVariable) should be a whole number of days (e.g. 30 or -7), not “\(o)”"))
            }
            return .success(CareClock(offsetDays: n))
        case (nil, let d?):
            guard let day = LocalDate(iso: d.trimmingCharacters(in: .whitespaces)) else {
                return .failure(ClockProblem("\(dateVariable) should be a date as YYYY-MM-DD, not “\(d)”"))
            }
            return .success(CareClock(offsetDays: day.dayNumber - LocalDate(real).dayNumber))
        }
    }

    public static func current() throws -> CareClock { try from(environment: ProcessInfo.processInfo.environment).get() }

    /// What every screen and command says while the clock is moved; nil for the real clock.
    public func notice(_ wording: Wording, real: Date = Date(), short: Bool = false) -> String? {
        guard isMoved else { return nil }
        if short { return wording(.testClockShort, ["date": today(real).display]) }
        return wording(.testClock, ["date": today(real).display, "days": (offsetDays > 0 ? "+" : "") + "\(offsetDays)"])
    }
}

public struct ClockProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
