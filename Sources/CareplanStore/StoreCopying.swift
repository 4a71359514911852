import CareplanCore
import Crypto
import Foundation

/// What `careplan store copy` (CareplanStores' StoreCopy) needs from the store itself: its tables in the order
/// they can be filled, a new store's schema made by the steps alone, the copy's audit entries and a digest of
/// a table's content that reads the same on either engine.
extension CareStore {
    /// A table as a copy reads and fills it: its rows in the order of `key`, a page at a time.
    public struct CopiedTable: Sendable, Hashable {
        public let name: String
        /// The columns that order the rows, unique together; empty: the engine's row id (a table without a key of
        /// its own: SQLite's rowid, PostgreSQL's `id`, which the copy leaves for the engine to give).
        public let key: [String]
        /// Rows the schema steps put there, which a copy sets rather than inserts (a tally, the state row).
        public let made: Bool

        init(_ name: String, key: [String] = ["id"], made: Bool = false) {
            self.name = name
            self.key = key
            self.made = made
        }
    }

    /// Every table a store holds, each after the tables its rows name (foreign keys are checked as rows go in),
    /// except `grdb_migrations` (the schema steps' own) and `careplan_write` (a PostgreSQL commit's tokens,
    /// meaningless in another store). A test holds it to the tables of a migrated store, so a new step's table
    /// cannot be forgotten.
    public static let copiedTables: [CopiedTable] = [
        .init("staff_user"), .init("team"), .init("staff_team", key: ["user_id", "team_id"]),
        .init("patient"), .init("patient_name_word", key: ["word", "patient_id"]), .init("patient_tally", key: [], made: true),
        .init("assessment"), .init("concern", key: ["assessment_id", "key"]), .init("agreed_action"), .init("export_log"),
        .init("kiosk_code", key: ["code_hash"]), .init("failed_attempt", key: []), .init("setting", key: ["name"]),
        .init("audit_log"),
        .init("document"), .init("document_value", key: ["document_id", "field"]), .init("document_row"),
        .init("qof_record"), .init("information_given"), .init("occasion"),
        .init("follow_up_pathway"), .init("follow_up_enrolment"), .init("follow_up_test"), .init("follow_up_change"),
        .init("follow_up_result"), .init("follow_up_contact"),
        .init("hna_offer"),
        .init("careplan_state", made: true),
    ]

    /// The tables the copy leaves out, named so the test can tell them from forgotten ones.
    public static let tablesNotCopied: Set<String> = ["grdb_migrations", "careplan_write"]

    /// Makes every schema step on a new store's engine, and nothing else: opening it as a store would append
    /// the keyed marker as entry 1, where the copied trail's entry 1 must go. Returns the steps applied.
    public static func makeSchema(on engine: any SQLEngine) throws -> [String] {
        let keeper = AuditKeeper()
        try engine.migrating { try migrator.migrate(engine, keeper: keeper) }
        return try engine.read { try migrator.appliedMigrations(Database($0, keeper: keeper)) }
    }

    /// The copy's entry in this store's trail: "copied the store" (to the other, whose address is given
    /// without a password) or "copied from". Copying every record out of a store is an export: audited.
    public func recordCopy(user: String, action: String, other: String, now: Date = Date()) throws {
        try write { db in try Self.audit(db, user: user, action: action, detail: TextCleaner.singleLine(other), at: now) }
    }
}

/// The SHA-256 of a table's rows, in key order, each value as the audit digests write it (`AuditedTable.text`)
/// and length-prefixed, so equal digests mean the same values in the same rows on either engine.
public struct ContentDigest {
    private var hash = SHA256()

    public init() {}

    public mutating func add(_ values: [SQLValue]) {
        let text = values.map { value -> String in
            let t = AuditedTable.text(value)
            return "\(value.isNull ? "-" : String(t.utf8.count)):\(t)"
        }.joined() + ";"
        hash.update(data: Data(text.utf8))
    }

    public var hex: String { hash.finalize().hex }
}
