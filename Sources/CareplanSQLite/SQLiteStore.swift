import CareplanCore
@_exported import CareplanStore
import Foundation
import GRDB
import GRDBSQLite

/// The embedded store: one SQLite file through GRDB, WAL with `synchronous = FULL`, so that every change
/// this returns from is on disk, and a kill -9 at any moment loses nothing acknowledged.
extension CareStore {
    var sqlite: GRDBEngine? { engine as? GRDBEngine }

    /// The store's file (nil in memory, or on a server).
    public var path: String? { sqlite?.path }
    /// Permissions that were wider than owner-only when the store was opened, and have been corrected:
    /// the application says so, because someone else may already have read the files.
    public var correctedPermissions: [String] { sqlite?.correctedPermissions ?? [] }
    /// Files reached through a symbolic link that others can read: not careplan's to change, so only said.
    public var permissionsLeftAlone: [String] { sqlite?.permissionsLeftAlone ?? [] }
    /// Why the store's folder (which careplan did not create, so leaves alone) is not private, if it is not.
    public var folderWarning: String? { sqlite?.folderWarning }

    /// The GRDB connection, for the SQLite store's own tests.
    var db: DatabaseQueue { sqlite!.queue }

    static func warnings(corrected: [String], leftAlone: [String], folderWarning: String?) -> [String] {
        corrected.map { "Warning: patient data was readable by others: \($0) (owner only)." }
            + (leftAlone + (folderWarning.map { [$0] } ?? [])).map { "Warning: \($0)." }
    }

    /// The default place: `$XDG_DATA_HOME/careplan/careplan.sqlite`, else `~/.local/share/careplan/careplan.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { base = xdg }
        else { base = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share" }
        return base + "/careplan/careplan.sqlite"
    }

    /// How long after opening the background quick check waits: past the first screen.
    static let backgroundCheckDelay: TimeInterval = 0.5

    /// Opens (creating if need be) the store at `path`: the folders careplan creates 0700, files 0600, schema
    /// migrated. A folder that already exists is never changed (it may be /tmp): `folderWarning` says when
    /// others can read it. `auditKey` is the key file's path (default: `AuditKeeper.defaultKeyPath()`).
    /// `checkInBackground` runs SQLite's quick check of every page beside start-up instead of before it (for
    /// the interactive programs).
    public convenience init(path: String, auditKey: String? = nil, checkInBackground: Bool = false) throws {
        let keyPath = auditKey ?? AuditKeeper.defaultKeyPath()
        if let why = AuditKeeper.placementProblem(keyPath: keyPath, storePath: path) { throw StoreError.cannotOpen(why) }
        let engine = try Self.openEngine(path: path)
        let keeper = AuditKeeper(keyPath: keyPath, storePath: path)
        // Checked before the audit trail is opened, which writes nothing to a damaged store.
        if !checkInBackground { engine.checkForDamage(inBackground: false) }
        try self.init(engine: engine, keeper: keeper, warnings: Self.warnings(corrected: engine.correctedPermissions, leftAlone: engine.permissionsLeftAlone,
                                                                               folderWarning: engine.folderWarning))
        if checkInBackground {
            Thread.detachNewThread {
                // Reading every page (100 MB at 100,000 patients) must not take a core, the memory bus or the
                // page cache from the first screen: it starts once that is drawn (start-up takes tens of
                // milliseconds), at the lowest priority, on what typing leaves (Linux: per thread).
                Thread.sleep(forTimeInterval: CareStore.backgroundCheckDelay)
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
                engine.checkForDamage(inBackground: true)
            }
        }
    }

    /// The engine of the store file at `path`, created if need be (folders careplan makes 0700, files 0600), its
    /// permissions corrected as it opens, WAL and `synchronous = FULL` set: no schema, no audit trail yet.
    static func openEngine(path: String) throws -> GRDBEngine {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let fm = FileManager.default
        let folderWarning = try CareStore.prepareFolder(folder)
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
        config.prepareDatabase { db in
            if wal { try CareStore.useWAL(db) }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        var corrected: [String] = [], leftAlone: [String] = []
        func restrict(_ file: String) {
            // Opened without following a link, so the mode changed is the file's own, never a link's target.
            let fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else {
                // A link (careplan makes none): its own mode means nothing; the file it leads to is not careplan's to change.
                var target = stat()
                if errno == ELOOP, stat(file, &target) == 0, target.st_mode & 0o077 != 0 {
                    leftAlone.append("\(file) leads to a file others can read (mode \(String(target.st_mode & 0o777, radix: 8))): "
                                     + "careplan leaves it as it is; make it owner-only (chmod 600)")
                }
                return
            }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return }
            let current = info.st_mode & 0o777
            guard current & ~0o600 != 0 else { return }
            fchmod(fd, 0o600)
            corrected.append("\(file) was \(String(current, radix: 8)), now 600")
        }
        // Corrected before SQLite opens them: it gives a new -wal and -shm the database file's mode whatever
        // the umask. Only files that were there are reported: careplan's own new files are not "found open".
        let found = ["", "-wal", "-shm"].map { path + $0 }.filter { fm.fileExists(atPath: $0) }
        for file in found { restrict(file) }
        let previous = umask(0o077)
        defer { umask(previous) }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw StoreError.cannotOpen("\(path): \(error)")
        }
        // Nothing here may open (and so close) the store's files once SQLite has them: closing any descriptor of
        // a file drops every POSIX lock this process holds on it, and another process, seeing no lock on the
        // -shm, resets it under this one (SIGBUS, SQLITE_PROTOCOL). New -wal and -shm files take the database
        // file's mode, corrected above, so they are owner-only already.
        return GRDBEngine(queue: queue, path: path, correctedPermissions: corrected, permissionsLeftAlone: leftAlone, folderWarning: folderWarning)
    }

    /// The engine of a new store file with nothing in it, for `careplan store copy`, which makes the schema with
    /// the steps alone and opens the store only once the copy is in (it has made sure no file is at `path`).
    public static func newEngine(path: String) throws -> any SQLEngine { try openEngine(path: path) }

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
              sqlite3_busy_timeout(connection, 10_000) == SQLITE_OK,  // another terminal writing is not "not a store"
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
    static func useWAL(_ db: GRDB.Database) throws {
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
    public convenience init() throws {
        var config = GRDB.Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA foreign_keys = ON") }
        try self.init(engine: GRDBEngine(queue: try DatabaseQueue(configuration: config), path: nil), keeper: AuditKeeper())
    }
}

extension CareStore {
    /// SQLite's full check of the store at `path`, on a read-only connection of its own, so that it runs on a
    /// store too damaged to open for use: `ok`, or one line per problem (`careplan check --store`).
    public static func integrityCheck(path: String) -> String {
        var config = GRDB.Configuration()
        config.readonly = true
        do {
            return try DatabaseQueue(path: path, configuration: config).read { db in
                let answer = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
                // SQLite finds nothing wrong with a table that is not there; careplan does.
                let missing = answer == "ok" && (try? db.tableExists("grdb_migrations")) == true
                    ? try missingAuditedTableNames(CareplanStore.Database(GRDBConnection(db))) : []
                return missing.isEmpty ? answer : missing.map { "the table \($0) is missing: it was dropped outside careplan" }.joined(separator: "\n")
            }
        } catch {
            return "\(error)"
        }
    }

    /// Why the store at `path` is one of a newer careplan, read on a read-only connection of its own
    /// (`careplan check --store`), or nil.
    public static func newerSchema(path: String) -> String? {
        var config = GRDB.Configuration()
        config.readonly = true
        let applied = try? DatabaseQueue(path: path, configuration: config).read { db in
            try recordedMigrations(CareplanStore.Database(GRDBConnection(db)))
        }
        return newerSchema(applied: applied ?? [], path: path)
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
