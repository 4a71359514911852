import CareplanCore
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The embedded store: one SQLite file through GRDB, WAL with `synchronous = FULL`, so that every change
/// this returns from is on disk, and a kill -9 at any moment loses nothing acknowledged.
public final class CareStore: CareRepository {
    public let path: String?
    let db: DatabaseQueue
    /// Permissions that were wider than owner-only when the store was opened, and have been corrected:
    /// the application says so, because someone else may already have read the files.
    public let correctedPermissions: [String]
    /// Why the store's folder (which careplan did not create, so leaves alone) is not private, if it is not.
    public let folderWarning: String?
    /// The audit key and the anchor of the trail's head, outside the store.
    let auditKeeper: AuditKeeper
    /// Why the store must not be written (a corrupted page), once SQLite has said so: at opening or later.
    let damageFound = Mutex<String?>(nil)
    /// Guarding triggers found missing and restored on opening: `audit --verify` reports them.
    let restoredAuditGuards = Mutex<[String]>([])
    /// Why entries must not be appended with the key at hand: the trail's newest entry was not made with it.
    let wrongKey = Mutex<String?>(nil)
    let notes = Mutex<[String]>([])
    /// What opening found that the user must hear about (the audit trail's guards restored, the trail keyed
    /// from now on, a damaged store), each a sentence without its full stop.
    public var openingNotes: [String] { notes.withLock { $0 } }

    public var openingWarnings: [String] {
        correctedPermissions.map { "Warning: patient data was readable by others: \($0) (owner only)." }
            + (folderWarning.map { ["Warning: \($0)."] } ?? [])
            + openingNotes.map { "Note: \($0)." }
    }

    /// The default place: `$XDG_DATA_HOME/careplan/careplan.sqlite`, else `~/.local/share/careplan/careplan.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { base = xdg }
        else { base = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share" }
        return base + "/careplan/careplan.sqlite"
    }

    /// Opens (creating if need be) the store at `path`: the folders careplan creates 0700, files 0600, schema
    /// migrated. A folder that already exists is never changed (it may be /tmp): `folderWarning` says when
    /// others can read it. `auditKey` is the key file's path (default: `AuditKeeper.defaultKeyPath()`).
    /// `checkInBackground` runs SQLite's quick check of every page beside start-up instead of before it (for
    /// the interactive programs).
    public init(path: String, auditKey: String? = nil, checkInBackground: Bool = false) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let fm = FileManager.default
        folderWarning = try CareStore.prepareFolder(folder)
        // A store that cannot be written is refused before anyone types into it: a nurse must not fill in an
        // assessment that can never be saved. (Writes that fail later wait in memory: see Session.)
        for file in [folder, path] where fm.fileExists(atPath: file) && access(file, W_OK) != 0 {
            let why = String(cString: strerror(errno))
            throw StoreError.cannotOpen("\(file) cannot be written (\(why)), so nothing could be saved. "
                                        + "Choose a writable place with --store, or ask IT to make it writable")
        }
        var config = GRDB.Configuration()
        config.busyMode = .timeout(10)  // another terminal's write takes milliseconds; wait rather than fail
        // WAL needs shared memory, which network file systems lack: there, the rollback journal.
        // WAL is set here rather than with GRDB's `journalMode = .wal`, which also lowers synchronous to
        // NORMAL (a power cut could then lose the last answers); we need FULL.
        let wal = !FileSystemCheck.isNetworkFileSystem(folder)
        let keeper = AuditKeeper(keyPath: auditKey ?? AuditKeeper.defaultKeyPath(), storePath: path)
        config.prepareDatabase { db in
            db.add(function: keeper.macFunction)
            if wal { try CareStore.useWAL(db) }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        var corrected: [String] = []
        func restrict(_ file: String, report: Bool) {
            guard let now = (try? fm.attributesOfItem(atPath: file))?[.posixPermissions] as? NSNumber else { return }
            let current = mode_t(now.uint16Value) & 0o777
            guard current & ~0o600 != 0 else { return }
            chmod(file, 0o600)
            if report { corrected.append("\(file) was \(String(current, radix: 8)), now 600") }
        }
        // Corrected before SQLite opens them: it gives a new -wal and -shm the database file's mode whatever
        // the umask. Only files that were there are reported: careplan's own new files are not "found open".
        let found = ["", "-wal", "-shm"].map { path + $0 }.filter { fm.fileExists(atPath: $0) }
        for file in found { restrict(file, report: true) }
        let previous = umask(0o077)
        defer { umask(previous) }
        do {
            db = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw StoreError.cannotOpen("\(path): \(error)")
        }
        self.path = path
        for suffix in ["-wal", "-shm"] where !found.contains(path + suffix) { restrict(path + suffix, report: false) }
        auditKeeper = keeper
        correctedPermissions = corrected
        try migrate()
        if checkInBackground {
            Thread.detachNewThread { [self] in checkForDamage(inBackground: true) }
        } else {
            checkForDamage(inBackground: false)
            notes.withLock { $0 += (damage.map { [$0] } ?? []) }
        }
        let audit = try openAuditTrail()
        notes.withLock { $0 += audit }
    }

    /// Opens a store that exists, for commands that only read: a mistyped path must not create folders and
    /// an empty store (and then report "no patient").
    public static func openExisting(path: String) throws -> CareStore {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw StoreError.cannotOpen("there is no store at \(path) (\(String(cString: strerror(errno)))). "
                                        + "Check --store or CAREPLAN_STORE; nothing was created")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw StoreError.cannotOpen("\(path) is not a store file") }
        if let why = notAStore(path, size: info.st_size) { throw StoreError.cannotOpen(why + "; it was left as it is. Check --store or CAREPLAN_STORE") }
        return try CareStore(path: path)
    }

    /// Why the file at `path` is not a careplan store, or nil when it is one. Opening it as a store would turn
    /// an empty file (or someone else's database) into one, so it is first looked at read-only. A read-only
    /// connection to a WAL database still creates -wal and -shm files and leaves them; with no -wal file
    /// everything is in the main file, so it is read as immutable, which creates nothing. (With a -wal file
    /// there, its pages must be read, through the -shm, which SQLite creates if it is missing.)
    static func notAStore(_ path: String, size: off_t) -> String? {
        if size == 0 { return "\(path) is an empty file, not a careplan store" }
        let header = FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 16) }
        guard header == Data("SQLite format 3\0".utf8) else { return "\(path) is not a careplan store (it is not an SQLite database)" }
        var uri = URLComponents()
        uri.scheme = "file"
        uri.path = URL(fileURLWithPath: path).path
        uri.queryItems = [URLQueryItem(name: "mode", value: "ro")]
        if !FileManager.default.fileExists(atPath: path + "-wal") { uri.queryItems?.append(URLQueryItem(name: "immutable", value: "1")) }
        var connection: OpaquePointer?
        defer { sqlite3_close_v2(connection) }
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        let sql = "SELECT count(*) FROM grdb_migrations WHERE identifier = '\(CareStore.firstMigration)'"
        guard let string = uri.string, sqlite3_open_v2(string, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil) == SQLITE_OK,
              sqlite3_prepare_v2(connection, "SELECT count(*) FROM sqlite_master", -1, &statement, nil) == SQLITE_OK,
              sqlite3_step(statement) == SQLITE_ROW else {
            return "\(path) cannot be read as a database (\(connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"))"
        }
        sqlite3_finalize(statement)
        statement = nil
        guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, sqlite3_step(statement) == SQLITE_ROW,
              sqlite3_column_int64(statement, 0) == 1 else {
            return "\(path) is an SQLite database but not a careplan store (it has none of careplan's tables)"
        }
        return nil
    }

    /// Creates the store's folder, and any missing above it, 0700 (they are careplan's). An existing folder is
    /// never changed: it may be /tmp or a shared folder that other programs need as it is. Returns a warning
    /// when others can read or enter it.
    static func prepareFolder(_ folder: String) throws -> String? {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw StoreError.cannotOpen("\(folder) is not a folder") }
            let mode = info.st_mode & 0o7777
            guard mode & 0o077 != 0 else { return nil }
            return "the folder \(folder) can be read by others (mode \(String(mode, radix: 8))): careplan leaves it as it is, "
                + "its own files in it are owner-only; a private folder (0700) is safer"
        }
        let parent = URL(fileURLWithPath: folder).deletingLastPathComponent().path
        if parent != folder, stat(parent, &info) != 0 { _ = try prepareFolder(parent) }
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw StoreError.cannotOpen("cannot create the folder \(folder) (\(String(cString: strerror(errno))))")
        }
        return nil
    }

    /// WAL stays set in the file once set. Setting it needs the file to itself, and SQLite answers BUSY at
    /// once (not after the busy timeout) when terminals open a new store together: so, try again briefly.
    static func useWAL(_ db: Database) throws {
        for attempt in 0... {
            do {
                if try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal" { return }
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                return
            } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY && attempt < 100 {
                usleep(useconds_t(10_000 + (attempt % 5) * 5_000))
            }
        }
    }

    /// A store in memory, for tests of screens and exports.
    public init() throws {
        var config = GRDB.Configuration()
        let keeper = AuditKeeper()
        config.prepareDatabase { db in
            db.add(function: keeper.macFunction)
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        db = try DatabaseQueue(configuration: config)
        path = nil
        auditKeeper = keeper
        correctedPermissions = []
        folderWarning = nil
        try migrate()
        _ = try openAuditTrail()
    }

    // MARK: - Schema

    /// Every careplan store has it: what tells a store from any other SQLite file.
    static let firstMigration = "v1: patients, assessments, concerns, actions"

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration(firstMigration) { db in
            try db.execute(sql: """
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
                """)
        }
        m.registerMigration("v2: export log") { db in
            // Every export and print of a plan: the audit trail of who took patient data out of the store.
            try db.execute(sql: """
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
                """)
        }
        m.registerMigration("v3: kiosk codes, staff PIN, self-assessments") { db in
            try db.execute(sql: """
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
                """)
        }
        registerAuditMigration(&m)
        m.registerMigration("v5: name search folds every letter and finds every word of a name") { db in
            // Keys made before folded ł, ø, ß... as Foundation does (not at all): made again, with the later words.
            try db.execute(sql: """
                CREATE TABLE patient_name_word (
                    word TEXT NOT NULL,
                    patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
                    PRIMARY KEY (word, patient_id)
                ) WITHOUT ROWID;
                CREATE INDEX patient_name_word_patient ON patient_name_word(patient_id);
                """)
            let update = try db.makeStatement(sql: "UPDATE patient SET family_key = ?, given_key = ? WHERE id = ?")
            for r in try Row.fetchAll(db, sql: "SELECT id, family_name, given_name FROM patient") {
                let family: String = r["family_name"], given: String = r["given_name"]
                try update.execute(arguments: [SearchKey.of(family), SearchKey.of(given), r["id"]])
                try indexNameWords(db, patientId: r["id"], familyName: family, givenName: given)
            }
        }
        m.registerMigration("v6: who discarded an assessment, and when") { db in
            try db.execute(sql: """
                ALTER TABLE assessment ADD COLUMN discarded_by TEXT NOT NULL DEFAULT '';
                ALTER TABLE assessment ADD COLUMN discarded_at DATETIME;
                """)
        }
        registerKeyedAuditMigration(&m)
        return m
    }

    /// Brings the schema up to date. Terminals started together (a ward logging in after an upgrade) may
    /// migrate at the same moment: GRDB reads which migrations are applied before taking the write lock, so the
    /// slower process can fail on a table the other has just made. Each migration commits together with its
    /// record, so trying again reads the new state and has nothing left to do.
    func migrate() throws {
        var attempt = 0
        while true {
            do {
                try refuseNewerSchema()
                try CareStore.migrator.migrate(db)
                return
            } catch let e as StoreError {
                throw e
            } catch let e as DatabaseError where e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB {
                throw StoreError.cannotOpen(describe(e))
            } catch {
                attempt += 1
                if attempt >= 6 { throw StoreError.cannotOpen("cannot prepare the store (\(error))") }
                usleep(UInt32(20_000 * attempt))
            }
        }
    }

    /// Every migration this version of careplan knows, oldest first.
    public static var migrationNames: [String] { migrator.migrations }

    /// The applied migrations, oldest first (for `careplan check` and tests).
    public func appliedMigrations() throws -> [String] {
        try db.read { db in try CareStore.migrator.appliedMigrations(db) }
    }

    /// Runs `body` in an IMMEDIATE transaction: the write lock is taken at the start, so two processes
    /// never both read a revision and then both write (WAL would refuse the second with BUSY_SNAPSHOT).
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        if let refused = writesRefused { throw StoreError.cannotWrite(refused) }
        do {
            return try db.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                anchorAuditHead(db)
                return result!
            }
        } catch let e as StoreError {
            throw e
        } catch let e as DatabaseError {
            throw StoreError.cannotWrite(describe(e))
        }
    }

    static func explain(_ e: DatabaseError) -> String {
        switch e.resultCode {
        case .SQLITE_FULL: return WriteFailure.diskFull.rawValue
        case .SQLITE_READONLY: return WriteFailure.readOnly.rawValue
        case .SQLITE_BUSY, .SQLITE_LOCKED: return WriteFailure.busy.rawValue
        case .SQLITE_IOERR: return WriteFailure.diskError.rawValue
        case .SQLITE_CANTOPEN: return WriteFailure.cannotOpen.rawValue
        default: return "database error \(e.resultCode.rawValue)"
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try db.read(body) }
        catch let e as StoreError { throw e }
        catch let e as DatabaseError { throw StoreError.cannotOpen(describe(e)) }
    }

    // MARK: - Patients

    /// Keeps the patient's later name words in step with the names (after every insert or change of a name).
    static func indexNameWords(_ db: Database, patientId: Int64, familyName: String, givenName: String) throws {
        try db.execute(sql: "DELETE FROM patient_name_word WHERE patient_id = ?", arguments: [patientId])
        for word in Set(SearchKey.laterWords(familyName) + SearchKey.laterWords(givenName)) {
            try db.execute(sql: "INSERT INTO patient_name_word (word, patient_id) VALUES (?, ?)", arguments: [word, patientId])
        }
    }

    public func patientCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM patient") ?? 0 }
    }

    public func addPatient(_ p: Patient, by user: String, now: Date) throws -> Patient {
        try write { db in
            if let other = try Row.fetchOne(db, sql: "SELECT family_name, given_name FROM patient WHERE nhs_number = ?", arguments: [p.nhsNumber.digits]) {
                throw StoreError.duplicateNHSNumber(existing: "\((other["family_name"] as String).uppercased()), \(other["given_name"] as String)")
            }
            try db.execute(sql: """
                INSERT INTO patient (nhs_number, family_name, given_name, family_key, given_key, date_of_birth,
                                     diagnosis, diagnosis_code, diagnosis_date, revision, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
                """, arguments: [p.nhsNumber.digits, p.familyName, p.givenName, SearchKey.of(p.familyName), SearchKey.of(p.givenName),
                                 p.dateOfBirth.iso, p.diagnosis, p.diagnosisCode, p.diagnosisDate?.iso, now, now])
            var saved = p
            saved.id = db.lastInsertedRowID
            saved.revision = 0
            try Self.indexNameWords(db, patientId: db.lastInsertedRowID, familyName: p.familyName, givenName: p.givenName)
            try Self.audit(db, user: user, action: "added patient", patientId: saved.id, at: now)
            return saved
        }
    }

    /// Saves edits to a patient read at `p.revision`; refuses if another terminal saved in between.
    public func updatePatient(_ p: Patient, by user: String, now: Date) throws -> Patient {
        guard let id = p.id else { throw StoreError.notFound("The patient") }
        return try write { db in
            if let other = try Row.fetchOne(db, sql: "SELECT family_name, given_name FROM patient WHERE nhs_number = ? AND id != ?",
                                            arguments: [p.nhsNumber.digits, id]) {
                throw StoreError.duplicateNHSNumber(existing: "\((other["family_name"] as String).uppercased()), \(other["given_name"] as String)")
            }
            try db.execute(sql: """
                UPDATE patient SET nhs_number = ?, family_name = ?, given_name = ?, family_key = ?, given_key = ?,
                    date_of_birth = ?, diagnosis = ?, diagnosis_code = ?, diagnosis_date = ?, revision = revision + 1, updated_at = ?
                WHERE id = ? AND revision = ?
                """, arguments: [p.nhsNumber.digits, p.familyName, p.givenName, SearchKey.of(p.familyName), SearchKey.of(p.givenName),
                                 p.dateOfBirth.iso, p.diagnosis, p.diagnosisCode, p.diagnosisDate?.iso, now, id, p.revision])
            if db.changesCount == 0 {
                if try Int.fetchOne(db, sql: "SELECT 1 FROM patient WHERE id = ?", arguments: [id]) == nil { throw StoreError.notFound("The patient") }
                throw StoreError.conflict("This patient's details")
            }
            try Self.indexNameWords(db, patientId: id, familyName: p.familyName, givenName: p.givenName)
            var saved = p
            saved.revision += 1
            try Self.audit(db, user: user, action: "changed", patientId: id, detail: "patient details", at: now)
            return saved
        }
    }

    public func patient(id: Int64) throws -> Patient? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM patient WHERE id = ?", arguments: [id]).map(Self.patient) }
    }

    public func patient(nhsNumber: NHSNumber) throws -> Patient? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM patient WHERE nhs_number = ?", arguments: [nhsNumber.digits]).map(Self.patient) }
    }

    static func patient(_ r: Row) -> Patient {
        Patient(id: r["id"], nhsNumber: NHSNumber(r["nhs_number"] as String)!, familyName: r["family_name"], givenName: r["given_name"],
                dateOfBirth: LocalDate(iso: r["date_of_birth"])!, diagnosis: r["diagnosis"], diagnosisCode: r["diagnosis_code"],
                diagnosisDate: (r["diagnosis_date"] as String?).flatMap { LocalDate(iso: $0) }, revision: r["revision"])
    }

    static let summarySelect = """
        SELECT p.*, a.id AS a_id, a.status AS a_status, a.date AS a_date FROM patient p
        LEFT JOIN assessment a ON a.id = (SELECT max(id) FROM assessment WHERE patient_id = p.id)
        """

    static func summary(_ r: Row) -> PatientSummary {
        PatientSummary(patient: patient(r), latestAssessmentId: r["a_id"],
                       latestStatus: (r["a_status"] as String?).flatMap(AssessmentStatus.init(rawValue:)),
                       latestDate: (r["a_date"] as String?).flatMap { LocalDate(iso: $0) })
    }

    /// Every patient, by name, with their latest assessment (`careplan list`).
    public func allPatients() throws -> [PatientSummary] {
        try read { db in try Row.fetchAll(db, sql: Self.summarySelect + " ORDER BY p.family_key, p.given_key, p.id").map(Self.summary) }
    }

    /// Find-as-you-type: digits search NHS numbers by prefix; a date finds dates of birth; words find
    /// names (every word must start the family or the given name, accents and case ignored).
    /// Each form is an index range scan, so it stays fast at 100,000 patients.
    public func searchPatients(_ query: String, limit: Int) throws -> [PatientSummary] {
        let q = TextCleaner.singleLine(query).trimmingSpaces()
        if q.isEmpty {
            return try read { db in
                try Row.fetchAll(db, sql: Self.summarySelect + " ORDER BY p.updated_at DESC, p.id DESC LIMIT ?", arguments: [limit]).map(Self.summary)
            }
        }
        // A date first: `1960-02-29` is all digits once the dashes go, but no NHS number (3 3 4 digits) reads as a date.
        if case .success(let date) = LocalDate.parse(q) {
            return try read { db in
                try Row.fetchAll(db, sql: Self.summarySelect + " WHERE p.date_of_birth = ? ORDER BY p.family_key, p.given_key LIMIT ?",
                                 arguments: [date.iso, limit]).map(Self.summary)
            }
        }
        let compact = q.filter { $0 != " " && $0 != "-" }
        if compact.allSatisfy({ $0.isASCII && $0.isNumber }) && compact.count <= 10 && !q.contains("/") {
            return try read { db in
                try Row.fetchAll(db, sql: Self.summarySelect + " WHERE p.nhs_number >= ? AND p.nhs_number < ? ORDER BY p.nhs_number LIMIT ?",
                                 arguments: [compact, compact + ":", limit]).map(Self.summary)  // ":" sorts just after "9"
            }
        }
        let words = SearchKey.of(q).split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init).filter { !$0.isEmpty }
        guard let first = words.first else { return [] }
        // Family-name matches first, then given-name matches, then later words of either name ("briain" in
        // "Ó Briain"): each an ordered scan of one index that stops at the limit, so no sort of thousands of rows
        // at 100,000 patients. Further words filter those rows.
        func prefix(_ column: String, _ n: Int) -> String { "(\(column) >= ?\(n) AND \(column) < ?\(n) || x'F48FBFBF')" }
        func anyName(_ n: Int) -> String {
            "(\(prefix("p.family_key", n)) OR \(prefix("p.given_key", n)) OR "
                + "EXISTS (SELECT 1 FROM patient_name_word w WHERE w.patient_id = p.id AND \(prefix("w.word", n))))"
        }
        var filters = ""
        var args: [any DatabaseValueConvertible] = [first]
        for (i, w) in words.dropFirst().enumerated() {
            filters += " AND \(anyName(i + 2))"
            args.append(w)
        }
        let n = words.count + 1
        let byFamily = Self.summarySelect + " WHERE \(prefix("p.family_key", 1))\(filters) ORDER BY p.family_key, p.given_key, p.id LIMIT ?\(n)"
        let byGiven = Self.summarySelect + " WHERE \(prefix("p.given_key", 1)) AND NOT \(prefix("p.family_key", 1))\(filters) ORDER BY p.given_key, p.id LIMIT ?\(n)"
        let byLaterWord = Self.summarySelect + """
             JOIN patient_name_word w ON w.patient_id = p.id
             WHERE \(prefix("w.word", 1)) AND NOT \(prefix("p.family_key", 1)) AND NOT \(prefix("p.given_key", 1))\(filters)
             ORDER BY w.word, w.patient_id LIMIT ?\(n)
            """
        return try read { db in
            var found: [PatientSummary] = []
            for sql in [byFamily, byGiven, byLaterWord] where found.count < limit {
                found += try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args + [limit - found.count])).map(Self.summary)
            }
            // Two later words of one name can both match ("Ap Rhys Ap Rhys"): the patient once.
            var seen = Set<Int64>()
            return found.filter { seen.insert($0.patient.id ?? 0).inserted }
        }
    }

    // MARK: - Assessments

    public func assessments(patientId: Int64) throws -> [AssessmentSummary] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.id, a.date, a.pathway_point, a.status, a.version, a.distress_score,
                       (SELECT count(*) FROM concern c WHERE c.assessment_id = a.id) AS n
                FROM assessment a WHERE a.patient_id = ? ORDER BY a.id DESC
                """, arguments: [patientId]).map { r in
                AssessmentSummary(id: r["id"], date: LocalDate(iso: r["date"])!, pathwayPoint: PathwayPoint(rawValue: r["pathway_point"]) ?? .other,
                                  status: AssessmentStatus(rawValue: r["status"]) ?? .inProgress, version: r["version"],
                                  concernCount: r["n"], distressScore: r["distress_score"])
            }
        }
    }

    public func startAssessment(patientId: Int64, pathwayPoint: PathwayPoint, completedBy: CompletedBy, date: LocalDate,
                                catalogue: ConcernCatalogue, createdBy: String, now: Date) throws -> Assessment {
        let id: Int64 = try write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM patient WHERE id = ?", arguments: [patientId]) != nil else {
                throw StoreError.notFound("The patient")
            }
            try db.execute(sql: """
                INSERT INTO assessment (patient_id, pathway_point, completed_by, date, status, catalogue_id, catalogue_version,
                                        created_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [patientId, pathwayPoint.rawValue, completedBy.rawValue, date.iso, AssessmentStatus.inProgress.rawValue,
                                 catalogue.id, catalogue.version, createdBy, now, now])
            let id = db.lastInsertedRowID
            try Self.audit(db, user: createdBy, action: "started assessment", patientId: patientId, assessmentId: id, at: now)
            return id
        }
        return try assessment(id: id)!
    }

    public func assessment(id: Int64) throws -> Assessment? {
        try read { db in try Self.assessment(db, id: id) }
    }

    static func assessment(_ db: Database, id: Int64) throws -> Assessment? {
        guard let r = try Row.fetchOne(db, sql: "SELECT * FROM assessment WHERE id = ?", arguments: [id]) else { return nil }
        let concerns = try Row.fetchAll(db, sql: "SELECT * FROM concern WHERE assessment_id = ?", arguments: [id]).map { c in
            ConcernEntry(key: c["key"], categoryId: c["category_id"], label: c["label"], score: c["score"], rank: c["rank"],
                         discuss: c["discuss"], note: c["note"])
        }
        let actions = try Row.fetchAll(db, sql: "SELECT * FROM agreed_action WHERE assessment_id = ? ORDER BY id", arguments: [id]).map { a in
            AgreedAction(id: a["id"], concernKey: a["concern_key"], what: a["what"], owner: ActionOwner(rawValue: a["owner"]) ?? .other,
                         ownerName: a["owner_name"], due: (a["due"] as String?).flatMap { LocalDate(iso: $0) }, serviceId: a["service_id"])
        }
        var a = Assessment(
            id: r["id"], patientId: r["patient_id"], pathwayPoint: PathwayPoint(rawValue: r["pathway_point"]) ?? .other,
            completedBy: CompletedBy(rawValue: r["completed_by"]) ?? .patient, date: LocalDate(iso: r["date"])!,
            status: AssessmentStatus(rawValue: r["status"]) ?? .inProgress, catalogueId: r["catalogue_id"],
            catalogueVersion: r["catalogue_version"], distressScore: r["distress_score"], whatMattersToMe: r["what_matters"],
            reviewDate: (r["review_date"] as String?).flatMap { LocalDate(iso: $0) }, agreedBy: r["agreed_by"],
            agreedRole: (r["agreed_role"] as String?).flatMap(StaffRole.init(rawValue:)), agreedAt: r["agreed_at"],
            version: r["version"], previousId: r["previous_id"], createdBy: r["created_by"], createdAt: r["created_at"],
            updatedAt: r["updated_at"], revision: r["revision"], concerns: concerns, actions: actions,
            submittedAt: r["submitted_at"], patientMessage: r["patient_message"])
        a.discardedBy = r["discarded_by"]
        a.discardedAt = r["discarded_at"]
        return a
    }

    /// Puts aside an assessment started in error. Nothing is deleted: it stays on the record, read only,
    /// marked discarded with who and when, and the audit trail says so. Only one in progress can be.
    public func discardAssessment(id: Int64, by user: String, now: Date) throws -> Assessment {
        try write { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT patient_id, status FROM assessment WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound("The assessment")
            }
            if (r["status"] as String) != AssessmentStatus.inProgress.rawValue { throw StoreError.locked }
            try db.execute(sql: """
                UPDATE assessment SET status = ?, discarded_by = ?, discarded_at = ?, revision = revision + 1, updated_at = ? WHERE id = ?
                """, arguments: [AssessmentStatus.discarded.rawValue, TextCleaner.field(user, maxLength: Limits.personName), now, now, id])
            try Self.audit(db, user: user, action: "discarded assessment", patientId: r["patient_id"], assessmentId: id, at: now)
            return try Self.assessment(db, id: id)!
        }
    }

    /// Saves one change in one durable transaction, if the one answer it changes is still `base` (as the
    /// terminal showed it): a change to any other answer in between does not matter. When that answer changed
    /// underneath, `AssessmentChange.resolved` decides: text is merged, other answers are refused with
    /// `changedElsewhere` and nothing changes. Refuses a locked plan.
    public func save(_ change: AssessmentChange, to id: Int64, base: AnswerValue, by user: String, now: Date) throws -> SavedChange {
        try write { db in
            guard let current = try Self.assessment(db, id: id) else { throw StoreError.notFound("The assessment") }
            if current.isLocked { throw StoreError.locked }
            let resolution = try change.normalised.resolved(against: current, base: base)
            let written: AssessmentChange
            var merged: String?
            switch resolution {
            case .nothing: return SavedChange(assessment: current)
            case .write(let c): written = c
            case .merged(let c, let why): written = c; merged = why
            }
            try Self.apply(written, db, id)
            let detail = written.auditDetail
            let recent = Self.auditTime(now.addingTimeInterval(-300))
            let alreadyTyping = written.isTyping ? try Int.fetchOne(db, sql: """
                SELECT 1 FROM audit_log WHERE id = (SELECT max(id) FROM audit_log) AND user = ? AND assessment_id = ? AND detail = ? AND at > ?
                """, arguments: [TextCleaner.field(user, maxLength: Limits.personName), id, detail, recent]) != nil : false
            if !alreadyTyping { try Self.audit(db, user: user, action: "changed", assessmentId: id, detail: detail, at: now) }
            try db.execute(sql: "UPDATE assessment SET revision = revision + 1, updated_at = ? WHERE id = ?", arguments: [now, id])
            return SavedChange(assessment: try Self.assessment(db, id: id)!, merged: merged)
        }
    }

    /// SQLite's count of changes committed by other connections: it moves when another terminal saves,
    /// and costs one pragma to read, so an open screen can look every tick.
    public func changeCounter() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }

    /// Writes a change already normalised (a merged text may be longer than one typed note may be).
    static func apply(_ change: AssessmentChange, _ db: Database, _ id: Int64) throws {
        switch change {
        case let .setDetails(point, by, date):
            try db.execute(sql: "UPDATE assessment SET pathway_point = ?, completed_by = ?, date = ? WHERE id = ?",
                           arguments: [point.rawValue, by.rawValue, date.iso, id])
        case .setConcern(let c):
            try db.execute(sql: """
                INSERT INTO concern (assessment_id, key, category_id, label, score, rank, discuss, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (assessment_id, key) DO UPDATE SET category_id = excluded.category_id, label = excluded.label,
                    score = excluded.score
                """, arguments: [id, c.key, c.categoryId, c.label, c.score, c.rank, c.discuss, c.note])
        case .removeConcern(let key):
            try db.execute(sql: "DELETE FROM agreed_action WHERE assessment_id = ? AND concern_key = ?", arguments: [id, key])
            try db.execute(sql: "DELETE FROM concern WHERE assessment_id = ? AND key = ?", arguments: [id, key])
        case .setDistress(let score):
            try db.execute(sql: "UPDATE assessment SET distress_score = ? WHERE id = ?", arguments: [score, id])
        case .setWhatMattersToMe(let text):
            try db.execute(sql: "UPDATE assessment SET what_matters = ? WHERE id = ?", arguments: [text, id])
        case let .setNote(key, text):
            try db.execute(sql: "UPDATE concern SET note = ? WHERE assessment_id = ? AND key = ?", arguments: [text, id, key])
            if db.changesCount == 0 { throw StoreError.notFound("That concern") }
        case .setOrder(let order):
            try db.execute(sql: "UPDATE concern SET rank = NULL WHERE assessment_id = ?", arguments: [id])
            for (rank, key) in order.enumerated() {
                try db.execute(sql: "UPDATE concern SET rank = ? WHERE assessment_id = ? AND key = ?", arguments: [rank, id, key])
            }
        case let .setDiscuss(key, discuss):
            try db.execute(sql: "UPDATE concern SET discuss = ? WHERE assessment_id = ? AND key = ?", arguments: [discuss, id, key])
            if db.changesCount == 0 { throw StoreError.notFound("That concern") }
        case .saveAction(let a):
            if let actionId = a.id {
                try db.execute(sql: "UPDATE agreed_action SET concern_key = ?, what = ?, owner = ?, owner_name = ?, due = ?, service_id = ? WHERE id = ? AND assessment_id = ?",
                               arguments: [a.concernKey, a.what, a.owner.rawValue, a.ownerName, a.due?.iso, a.serviceId, actionId, id])
                if db.changesCount == 0 { throw StoreError.notFound("That action") }
            } else {
                try db.execute(sql: "INSERT INTO agreed_action (assessment_id, concern_key, what, owner, owner_name, due, service_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [id, a.concernKey, a.what, a.owner.rawValue, a.ownerName, a.due?.iso, a.serviceId])
            }
        case .deleteAction(let actionId):
            try db.execute(sql: "DELETE FROM agreed_action WHERE id = ? AND assessment_id = ?", arguments: [actionId, id])
        case .setPatientMessage(let text):
            try db.execute(sql: "UPDATE assessment SET patient_message = ? WHERE id = ?", arguments: [text, id])
        case .submit(let at):
            try db.execute(sql: "UPDATE assessment SET submitted_at = ? WHERE id = ?", arguments: [at, id])
        case .setReviewDate(let date):
            try db.execute(sql: "UPDATE assessment SET review_date = ? WHERE id = ?", arguments: [date?.iso, id])
        case let .agree(by, role, at, reviewDate):
            try db.execute(sql: "UPDATE assessment SET status = ?, agreed_by = ?, agreed_role = ?, agreed_at = ?, review_date = ? WHERE id = ?",
                           arguments: [AssessmentStatus.agreed.rawValue, by, role.rawValue, at, reviewDate.iso, id])
            // The plan this one replaces is kept, as history, but is no longer the current one.
            try db.execute(sql: "UPDATE assessment SET status = ? WHERE id = (SELECT previous_id FROM assessment WHERE id = ?) AND status = ?",
                           arguments: [AssessmentStatus.superseded.rawValue, id, AssessmentStatus.agreed.rawValue])
        }
    }

    /// Starts a new version of an agreed plan: a copy, in progress, that refers back to it.
    public func newVersion(of id: Int64, createdBy: String, now: Date) throws -> Assessment {
        let newId: Int64 = try write { db in
            guard let old = try Self.assessment(db, id: id) else { throw StoreError.notFound("The assessment") }
            if old.status == .inProgress { throw StoreError.conflict("This assessment is still in progress and") }
            if old.status == .discarded { throw StoreError.locked }  // it was never a plan
            if let newer = try Int64.fetchOne(db, sql: "SELECT id FROM assessment WHERE previous_id = ? AND status = ?", arguments: [id, AssessmentStatus.inProgress.rawValue]) {
                return newer  // a new version is already being written: continue that one
            }
            try db.execute(sql: """
                INSERT INTO assessment (patient_id, pathway_point, completed_by, date, status, catalogue_id, catalogue_version,
                    distress_score, what_matters, review_date, version, previous_id, created_by, created_at, updated_at)
                SELECT patient_id, pathway_point, completed_by, date, ?, catalogue_id, catalogue_version,
                    distress_score, what_matters, review_date, version + 1, id, ?, ?, ? FROM assessment WHERE id = ?
                """, arguments: [AssessmentStatus.inProgress.rawValue, createdBy, now, now, id])
            let newId = db.lastInsertedRowID
            try db.execute(sql: """
                INSERT INTO concern (assessment_id, key, category_id, label, score, rank, discuss, note)
                SELECT ?, key, category_id, label, score, rank, discuss, note FROM concern WHERE assessment_id = ?
                """, arguments: [newId, id])
            try db.execute(sql: """
                INSERT INTO agreed_action (assessment_id, concern_key, what, owner, owner_name, due, service_id)
                SELECT ?, concern_key, what, owner, owner_name, due, service_id FROM agreed_action WHERE assessment_id = ? ORDER BY id
                """, arguments: [newId, id])
            try Self.audit(db, user: createdBy, action: "started new version", assessmentId: newId, detail: "of assessment \(id)", at: now)
            return newId
        }
        return try assessment(id: newId)!
    }

    /// SQLite's own full check of the file (`ok`, or one line per problem), for tests and `careplan check --store`.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}

/// WAL needs shared memory between processes, which network file systems do not give.
enum FileSystemCheck {
    static let networkTypes: Set<String> = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs"]

    /// The type of the file system holding `path`, from the longest mount point above it in /proc/mounts.
    static func fileSystemType(of path: String, mounts: String? = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) -> String? {
        guard let mounts else { return nil }
        let target = URL(fileURLWithPath: path).standardizedFileURL.path
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count >= 3 else { continue }
            let point = String(f[1]).replacingOccurrences(of: "\\040", with: " ")
            let under = point == "/" || target == point || target.hasPrefix(point + "/")
            if under && point.count >= (best?.point.count ?? -1) { best = (point, String(f[2])) }
        }
        return best?.type
    }

    static func isNetworkFileSystem(_ path: String) -> Bool {
        guard let type = fileSystemType(of: path) else { return false }
        return networkTypes.contains(type)
    }
}
