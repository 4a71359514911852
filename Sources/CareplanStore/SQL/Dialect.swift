/// The few places where the store's SQL cannot be written once for both engines. Everything else is written
/// portably in the store itself: `"user"` quoted, `CASE WHEN` sums, `NULLS FIRST`, `WHERE true`, no `LIMIT -1`,
/// ids parsed in Swift, dates as `SQLDate`'s text, booleans as 0/1.
public enum Dialect: String, Sendable {
    case sqlite, postgres

    /// A schema step's DDL, written in SQLite's: unchanged for SQLite, translated for PostgreSQL.
    public func ddl(_ sqliteDDL: String) -> String {
        switch self {
        case .sqlite: return sqliteDDL
        case .postgres: return PostgresDialect.ddl(sqliteDDL)
        }
    }

    /// The values of `expression` in a group, joined by commas.
    public func groupConcat(_ expression: String) -> String {
        switch self {
        case .sqlite: return "group_concat(\(expression))"
        case .postgres: return PostgresDialect.groupConcat(expression)
        }
    }

    /// Days from date `b` to date `a` (ISO texts, `yyyy-MM-dd`), as a number.
    public func daysBetween(_ a: String, _ b: String) -> String {
        switch self {
        case .sqlite: return "(julianday(\(a)) - julianday(\(b)))"
        case .postgres: return PostgresDialect.daysBetween(a, b)
        }
    }

    /// The ISO date (`yyyy-MM-dd`) `days` (a whole-number expression) after the ISO date `date`. (The benchmark's
    /// seeding: careplan's own dates are computed in Swift.)
    public func date(_ date: String, plusDays days: String) -> String {
        switch self {
        case .sqlite: return "date(\(date), (\(days)) || ' days')"
        case .postgres: return "((\(date))::date + (\(days))::integer)::text"
        }
    }

    /// The time `days` and `hours` (whole-number expressions) after the start of the ISO date `date`, as the store
    /// writes times (`SQLDate`'s text, to the millisecond). (The benchmark's seeding.)
    public func time(_ date: String, plusDays days: String, hours: String) -> String {
        switch self {
        case .sqlite: return "strftime('%Y-%m-%d %H:%M:%f', \(date), (\(days)) || ' days', (\(hours)) || ' hours')"
        case .postgres:
            return "to_char((\(date))::date + make_interval(days => (\(days))::integer, hours => (\(hours))::integer), 'YYYY-MM-DD HH24:MI:SS.MS')"
        }
    }

    /// An expression to append (`||`) to a prefix to make the upper bound of every text starting with it:
    /// U+10FFFF, above every character, in byte order.
    public var prefixEnd: String {
        switch self {
        case .sqlite: return "x'F48FBFBF'"
        case .postgres: return PostgresDialect.prefixEnd
        }
    }

    /// The column that names a row of a table with no primary key of its own (failed_attempt).
    public var rowid: String {
        switch self {
        case .sqlite: return "rowid"
        case .postgres: return PostgresDialect.rowid
        }
    }

    /// The last id the table `?` handed out (ids are never reused), or no row (or NULL) when none yet.
    public var lastIdSQL: String {
        switch self {
        case .sqlite: return "SELECT seq FROM sqlite_sequence WHERE name = ?"
        case .postgres: return PostgresDialect.lastIdSQL
        }
    }

    /// One row (a 1) when the table `?` exists.
    public var tableExistsSQL: String {
        switch self {
        case .sqlite: return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        case .postgres: return PostgresDialect.tableExistsSQL
        }
    }

    /// One row (a 1) when the index `?` exists.
    public var indexExistsSQL: String {
        switch self {
        case .sqlite: return "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?"
        case .postgres: return PostgresDialect.indexExistsSQL
        }
    }

    /// The triggers that keep the audit trail append-only, by name: what makes each (a script).
    public var auditGuards: [String: String] {
        switch self {
        case .sqlite: return Self.sqliteAuditGuards
        case .postgres: return PostgresDialect.auditGuards
        }
    }

    static let sqliteAuditGuards = [
        "audit_log_no_update": "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
        "audit_log_no_delete": "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    ]

    /// Each guard as `auditTriggers` reads it back when it is as careplan made it.
    public var auditGuardDefinitions: [String: String] {
        switch self {
        case .sqlite: return Self.sqliteAuditGuards.mapValues(Self.squeezed)
        case .postgres: return PostgresDialect.auditGuardDefinitions
        }
    }

    /// Every trigger on audit_log, by name, with what it does, comparable with `auditGuardDefinitions`.
    public func auditTriggers(_ db: Database) throws -> [String: String] {
        switch self {
        case .sqlite:
            let rows = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
            return Dictionary(rows.map { ($0["name"] as String, Self.squeezed($0["sql"] as String? ?? "")) }, uniquingKeysWith: { a, _ in a })
        case .postgres:
            return try PostgresDialect.auditTriggers(db)
        }
    }

    /// What else on audit_log can swallow, redirect or hide its rows (PostgreSQL's rules and row-level security;
    /// SQLite has neither), by name, with the statements that undo it.
    public func auditRewrites(_ db: Database) throws -> [String: String] {
        switch self {
        case .sqlite: return [:]
        case .postgres: return try PostgresDialect.auditRewrites(db)
        }
    }

    /// Removes the trigger `name` on audit_log, if it is there.
    public func dropAuditTrigger(_ name: String) -> String {
        switch self {
        case .sqlite: return "DROP TRIGGER IF EXISTS \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\""
        case .postgres: return PostgresDialect.dropAuditTrigger(name)
        }
    }

    /// The triggers that keep patient_tally's one row equal to the number of patients (schema step v8).
    public var patientTallyTriggers: String {
        switch self {
        case .sqlite:
            return """
                CREATE TRIGGER patient_tally_insert AFTER INSERT ON patient BEGIN UPDATE patient_tally SET n = n + 1; END;
                CREATE TRIGGER patient_tally_delete AFTER DELETE ON patient BEGIN UPDATE patient_tally SET n = n - 1; END;
                """
        case .postgres: return PostgresDialect.patientTallyTriggers
        }
    }

    /// SQL with runs of white space made one space, to compare a trigger's text with careplan's.
    public static func squeezed(_ sql: String) -> String { sql.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
}
