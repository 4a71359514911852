/// The values bound to a statement, shaped as GRDB's: positional (`?`, and `?NNN` numbered from 1) and named
/// (`:name`). Each engine turns the placeholders into its own; the SQL text is the same for both.
public struct StatementArguments: Hashable, Sendable, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public var positional: [SQLValue]
    public var named: [String: SQLValue]

    public init() { positional = []; named = [:] }

    public init<S: Sequence>(_ values: S) where S.Element == (any SQLValueConvertible)? {
        positional = values.map { $0?.sqlValue ?? .null }
        named = [:]
    }

    public init<S: Sequence>(_ values: S) where S.Element == any SQLValueConvertible {
        self.init(values.map { Optional($0) })
    }

    public init<S: Sequence>(_ values: S) where S.Element: SQLValueConvertible {
        positional = values.map(\.sqlValue)
        named = [:]
    }

    public init(_ named: [String: (any SQLValueConvertible)?]) {
        positional = []
        self.named = named.mapValues { $0?.sqlValue ?? .null }
    }

    public init(arrayLiteral elements: (any SQLValueConvertible)?...) { self.init(elements) }

    public init(dictionaryLiteral elements: (String, (any SQLValueConvertible)?)...) {
        positional = []
        named = Dictionary(elements.map { ($0.0, $0.1?.sqlValue ?? .null) }, uniquingKeysWith: { _, last in last })
    }

    public var isEmpty: Bool { positional.isEmpty && named.isEmpty }

    public static func + (lhs: StatementArguments, rhs: StatementArguments) -> StatementArguments {
        var sum = lhs
        sum += rhs
        return sum
    }

    public static func += (lhs: inout StatementArguments, rhs: StatementArguments) {
        lhs.positional += rhs.positional
        lhs.named.merge(rhs.named) { _, new in new }
    }

    /// The value a placeholder stands for: `?` takes the next positional value (`next` counts them),
    /// `?NNN` the NNN-th (from 1), `:name`, `@name` and `$name` the named one. Nil when none is given.
    public func value(for placeholder: String, next: inout Int) -> SQLValue? {
        guard let mark = placeholder.first else { return nil }
        let rest = placeholder.dropFirst()
        switch mark {
        case "?" where rest.isEmpty:
            defer { next += 1 }
            return next < positional.count ? positional[next] : nil
        case "?":
            guard let n = Int(rest), n >= 1, n <= positional.count else { return nil }
            return positional[n - 1]
        case ":", "@", "$":
            return named[String(rest)]
        default:
            return nil
        }
    }
}

/// `?,?,?`: placeholders for an `IN (...)` list of `count` values; `NULL` (matching nothing) for none, since
/// PostgreSQL refuses the empty `IN ()` that SQLite takes.
public func databaseQuestionMarks(count: Int) -> String {
    count == 0 ? "NULL" : Array(repeating: "?", count: count).joined(separator: ",")
}

/// `3,7,12`: ids written into an `IN (...)` list (whole numbers, so no placeholders needed), in order; `NULL`
/// (matching nothing) for none, as `databaseQuestionMarks`.
public func sqlIdList(_ ids: some Collection<Int64>) -> String {
    ids.isEmpty ? "NULL" : ids.sorted().map(String.init).joined(separator: ",")
}
