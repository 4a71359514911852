import CareplanCore
import Foundation

/// The tables, and the migrations from one version of careplan to the next.
extension CareStore {
    /// Every careplan store has it: what tells a store from any other SQLite file.
    public static let firstMigration = "v1: patients, assessments, concerns, actions"

    static var migrator: Migrator {
        var m = Migrator()
        m.registerMigration(firstMigration) { db in
            try db.execute(sql: db.dialect.ddl("""
                CREATE TABLE patient (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    nhs_number TEXT NOT NULL UNIQUE,
                    family_name TEXT NOT NULL,
                    given_name TEXT NOT NULL,
                    family_key TEXT NOT NULL,
                    given_key TEXT NOT NULL,
                    date_of_birth TEXT NOT NULL,
                    diagnosis TEXT NOT NULL DEFAULT '',
                    diagnosis_code TEXT NOT NULL DEFAULT '',
                    diagnosis_date TEXT,
                    revision INTEGER NOT NULL DEFAULT 0,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE INDEX patient_family_key ON patient(family_key, given_key);
                CREATE INDEX patient_given_key ON patient(given_key);
                CREATE INDEX patient_date_of_birth ON patient(date_of_birth);
                CREATE INDEX patient_updated ON patient(updated_at, id);
                CREATE TABLE assessment (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    patient_id INTEGER NOT NULL REFERENCES patient(id),
                    pathway_point TEXT NOT NULL,
                    completed_by TEXT NOT NULL,
                    date TEXT NOT NULL,
                    status TEXT NOT NULL,
                    catalogue_id TEXT NOT NULL,
                    catalogue_version TEXT NOT NULL,
                    distress_score INTEGER CHECK (distress_score BETWEEN 0 AND 10),
                    what_matters TEXT NOT NULL DEFAULT '',
                    review_date TEXT,
                    agreed_by TEXT NOT NULL DEFAULT '',
                    agreed_role TEXT,
                    agreed_at DATETIME,
                    version INTEGER NOT NULL DEFAULT 1,
                    previous_id INTEGER REFERENCES assessment(id),
                    created_by TEXT NOT NULL DEFAULT '',
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    revision INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX assessment_patient ON assessment(patient_id, id);
                CREATE TABLE concern (
                    assessment_id INTEGER NOT NULL REFERENCES assessment(id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    category_id TEXT NOT NULL,
                    label TEXT NOT NULL,
                    score INTEGER CHECK (score BETWEEN 0 AND 10),
                    rank INTEGER,
                    discuss INTEGER NOT NULL DEFAULT 0,
                    note TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (assessment_id, key)
                ) WITHOUT ROWID;
                CREATE TABLE agreed_action (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    assessment_id INTEGER NOT NULL REFERENCES assessment(id) ON DELETE CASCADE,
                    concern_key TEXT NOT NULL,
                    what TEXT NOT NULL,
                    owner TEXT NOT NULL,
                    owner_name TEXT NOT NULL DEFAULT '',
                    due TEXT,
                    service_id TEXT
                );
                CREATE INDEX agreed_action_assessment ON agreed_action(assessment_id);
                """))
        }
        m.registerMigration("v2: export log") { db in
            // Every export and print of a plan: the audit trail of who took patient data out of the store.
            try db.execute(sql: db.dialect.ddl("""
                CREATE TABLE export_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    assessment_id INTEGER NOT NULL REFERENCES assessment(id) ON DELETE CASCADE,
                    format TEXT NOT NULL,
                    destination TEXT NOT NULL DEFAULT '',
                    exported_by TEXT NOT NULL,
                    exported_at DATETIME NOT NULL,
                    plan_version INTEGER NOT NULL,
                    plan_status TEXT NOT NULL
                );
                CREATE INDEX export_log_assessment ON export_log(assessment_id, id);
                """))
        }
        m.registerMigration("v3: kiosk codes, staff PIN, self-assessments") { db in
            try db.execute(sql: db.dialect.ddl("""
                ALTER TABLE assessment ADD COLUMN submitted_at DATETIME;
                ALTER TABLE assessment ADD COLUMN patient_message TEXT NOT NULL DEFAULT '';
                CREATE INDEX assessment_waiting ON assessment(submitted_at) WHERE submitted_at IS NOT NULL;
                CREATE TABLE kiosk_code (
                    code_hash TEXT PRIMARY KEY,
                    assessment_id INTEGER NOT NULL REFERENCES assessment(id) ON DELETE CASCADE,
                    issued_by TEXT NOT NULL,
                    issued_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL,
                    used_at DATETIME
                );
                CREATE TABLE failed_attempt (
                    kind TEXT NOT NULL,
                    at DATETIME NOT NULL
                );
                CREATE INDEX failed_attempt_kind ON failed_attempt(kind, at);
                CREATE TABLE setting (
                    name TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                """))
        }
        registerAuditMigration(&m)
        m.registerMigration("v5: name search folds every letter and finds every word of a name") { db in
            // Keys made before folded ł, ø, ß... as Foundation does (not at all): made again, with the later words.
            try db.execute(sql: db.dialect.ddl("""
                CREATE TABLE patient_name_word (
                    word TEXT NOT NULL,
                    patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
                    PRIMARY KEY (word, patient_id)
                ) WITHOUT ROWID;
                CREATE INDEX patient_name_word_patient ON patient_name_word(patient_id);
                """))
            try remakeSearchKeys(db)
        }
        m.registerMigration("v6: who discarded an assessment, and when") { db in
            try db.execute(sql: db.dialect.ddl("""
                ALTER TABLE assessment ADD COLUMN discarded_by TEXT NOT NULL DEFAULT '';
                ALTER TABLE assessment ADD COLUMN discarded_at DATETIME;
                """))
        }
        registerKeyedAuditMigration(&m)
        m.registerMigration("v8: patients counted as they are added") { db in
            // The register's first screen says how many patients there are: counting 100,000 rows at every
            // start-up made it grow with the store, so the count is kept in step by the store itself.
            try db.execute(sql: db.dialect.ddl("""
                CREATE TABLE patient_tally (n INTEGER NOT NULL);
                INSERT INTO patient_tally (n) SELECT count(*) FROM patient;
                """))
            try db.execute(sql: db.dialect.patientTallyTriggers)
        }
        registerStaffMigration(&m)
        registerDocumentsMigration(&m)
        registerCareReviewMigration(&m)  // v11-ccr
        m.registerMigration("v12-search-keys") { db in
            // Keys made before left the apostrophe in: "obrien" did not find O'Brien. Made again.
            try remakeSearchKeys(db)
        }
        registerQOFReasonMigration(&m)  // v13-qof-reason
        registerFollowUpMigration(&m)  // v13-followup
        registerFollowUpIntegrityMigration(&m)  // v14-followup-integrity
        registerFollowUpFixesMigration(&m)  // v13-followup-fixes
        registerHNAOfferMigration(&m)  // v15-hna-offer
        registerReportIndexMigration(&m)  // v15-report-indexes
        registerHNAOfferIntegrityMigration(&m)  // v15-hna-offer-integrity
        registerReportSpeedMigration(&m)  // v16-report-speed
        m.registerMigration("v17-postgres-state") { db in
            // What a PostgreSQL store serialises its writers on and counts other hosts' commits with (its first
            // statement in every write moves the one row), and the tokens that tell whether a commit whose answer
            // was lost went through. SQLite's own write lock and data_version do the same for a file; the tables
            // are made there too, so both engines hold the same schema and a store copies either way.
            try db.execute(sql: db.dialect.ddl("""
                CREATE TABLE careplan_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    changes INTEGER NOT NULL
                );
                INSERT INTO careplan_state (id, changes) VALUES (1, 0);
                CREATE TABLE careplan_write (
                    token TEXT PRIMARY KEY,
                    at DATETIME NOT NULL
                );
                """))
        }
        return m
    }

    /// Every patient's name keys and later words, made again by today's `SearchKey`.
    static func remakeSearchKeys(_ db: Database) throws {
        let update = try db.makeStatement(sql: "UPDATE patient SET family_key = ?, given_key = ? WHERE id = ?")
        for r in try Row.fetchAll(db, sql: "SELECT id, family_name, given_name FROM patient") {
            let family: String = r["family_name"], given: String = r["given_name"]
            try update.execute(arguments: [SearchKey.of(family), SearchKey.of(given), r["id"]])
            try indexNameWords(db, patientId: r["id"], familyName: family, givenName: given)
        }
    }

    /// Brings the schema up to date. Terminals started together (a ward logging in after an upgrade) may
    /// migrate at the same moment: which steps are applied is read before the write lock is taken, so the
    /// slower process can fail on a table the other has just made. Each step commits together with its
    /// record, so trying again reads the new state and has nothing left to do.
    func migrate() throws {
        var attempt = 0
        while true {
            do {
                try engine.migrating {
                    try refuseNewerSchema()
                    try CareStore.migrator.migrate(engine, keeper: auditKeeper)
                }
                return
            } catch let e as StoreError {
                throw e
            } catch {
                if let why = engine.describe(error), damage != nil { throw StoreError.cannotOpen(why) }
                attempt += 1
                if attempt >= 6 { throw StoreError.cannotOpen("cannot prepare the store (\(error))") }
                usleep(UInt32(20_000 * attempt))
            }
        }
    }

    /// Every migration this version of careplan knows, oldest first.
    public static var migrationNames: [String] { migrator.migrations }

    /// Every schema step the store records, known to this careplan or not (a newer one's).
    public static func recordedMigrations(_ db: Database) throws -> [String] { try Migrator.appliedIdentifiers(db) }

    /// The applied migrations, oldest first (for `careplan check` and tests).
    public func appliedMigrations() throws -> [String] {
        try read { db in try CareStore.migrator.appliedMigrations(db) }
    }
}
