import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The PostgreSQL server the tests use: CAREPLAN_TEST_POSTGRES, with PGPASSFILE for the password, which is
/// never in an address (`.ci/pg env` prints both). Each store a test makes is a schema of its own on it,
/// named after the test's folder, made on first use and dropped by `drop(for:)`: a schema costs
/// milliseconds where a database costs a second.
public enum TestPostgres {
    /// A server: its address (no password, no schema) and the password file that signs in to it.
    public struct Server: Sendable {
        public var address: String
        public var passwordFile: String?
        public init(address: String, passwordFile: String?) {
            self.address = address
            self.passwordFile = passwordFile
        }
    }

    /// The tests' server, or nil when none is set.
    public static var server: Server? {
        let environment = ProcessInfo.processInfo.environment
        guard let address = environment["CAREPLAN_TEST_POSTGRES"], !address.isEmpty else { return nil }
        return Server(address: address, passwordFile: environment["PGPASSFILE"])
    }

    /// Under CI (CI=true) a PostgreSQL test without a server fails, so that CI cannot go green on SQLite alone;
    /// on a developer's machine it is left out.
    public static var required: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    public static let missing = "CAREPLAN_TEST_POSTGRES is not set: PostgreSQL tests need a server (`.ci/pg start; eval \"$(.ci/pg env)\"`, or run .ci/test)"

    /// Throws, for a test that needs the server: an error (a failure) under CI, else a skip.
    public static func skipOrFailWithoutServer(skip: (String) -> any Error) throws {
        guard server == nil else { return }
        throw required ? TestPostgresError(description: missing) : skip(missing)
    }

    /// The schema `folder`'s store lives in: `t_` and the names of the folder and its parent (one test's
    /// folder, unique) in lower-case letters and digits, their ends if longer than a name may be.
    public static func schema(for folder: URL) -> String {
        let name = folder.deletingLastPathComponent().lastPathComponent + folder.lastPathComponent
        return "t_" + String(name.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.suffix(60))
    }

    /// The `--store` address of `folder`'s store on `server` (the tests' by default), its schema made if it
    /// is not there yet: every call for one folder is the same store (two calls: two connections, as two
    /// terminals or two hosts).
    public static func url(for folder: URL, on server: Server? = nil) throws -> String {
        guard let server = server ?? self.server else { throw TestPostgresError(description: missing) }
        let schema = schema(for: folder)
        try made.withLock { made in
            guard !made.contains(server.address + " " + schema) else { return }
            try psql(server, "CREATE SCHEMA IF NOT EXISTS \(schema)")
            made.insert(server.address + " " + schema)
        }
        // libpq's form for a session setting, as PGOPTIONS takes it: `-c search_path=<schema>`.
        return server.address + (server.address.contains("?") ? "&" : "?") + "options=-c%20search_path%3D\(schema)"
    }

    /// Drops `folder`'s schema and everything in it, if a test made one.
    public static func drop(for folder: URL, on server: Server? = nil) {
        guard let server = server ?? self.server else { return }
        let schema = schema(for: folder)
        made.withLock { made in
            guard made.remove(server.address + " " + schema) != nil else { return }
            try? psql(server, "DROP SCHEMA IF EXISTS \(schema) CASCADE")
        }
    }

    private static let made = Mutex<Set<String>>([])

    /// Runs one statement with psql on `server`. Through system(3), not Foundation's Process, which waits
    /// for descriptors that children of other tests (tmux, a postmaster) keep open.
    static func psql(_ server: Server, _ statement: String) throws {
        let passwords = server.passwordFile.map { "PGPASSFILE='\($0)' " } ?? ""
        let status = system("\(passwords)psql -X -q -v ON_ERROR_STOP=1 -d '\(server.address)' -c '\(statement)' >/dev/null 2>&1")
        guard status == 0 else {
            throw TestPostgresError(description: "psql could not run “\(statement)” on \(server.address) (status \(status)): is the server running?")
        }
    }
}

public struct TestPostgresError: Error, CustomStringConvertible {
    public var description: String
}
