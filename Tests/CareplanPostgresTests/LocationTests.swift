import CareplanCore
@testable import CareplanPostgres
import XCTest

/// Addresses, the PG* environment, the password file and sslmode, resolved as libpq does, without a server.
final class LocationTests: XCTestCase {
    /// A machine with the given environment and files (path: (text, mode)); the account is "nurse", home /home/nurse.
    func machine(_ environment: [String: String] = [:], files: [String: (String, UInt16)] = [:], folders: Set<String> = [],
                 notRegular: Set<String> = []) -> PostgresSurroundings {
        PostgresSurroundings(
            environment: environment, userName: "nurse", home: "/home/nurse",
            exists: { files[$0] != nil || folders.contains($0) },
            read: { path in files[path].map { ($0.0, $0.1, !notRegular.contains(path)) } })
    }

    func resolve(_ address: String, _ surroundings: PostgresSurroundings? = nil) throws -> PostgresLocation {
        try PostgresLocation.resolve(address, in: surroundings ?? machine())
    }

    func refusal(_ address: String, _ surroundings: PostgresSurroundings? = nil) -> String? {
        do { _ = try resolve(address, surroundings); return nil } catch { return "\(error)" }
    }

    func testEveryPartOfTheAddress() throws {
        let l = try resolve("postgresql://ward%40a:s%3Acret@db1.trust.nhs.uk:6543/care%20plan?sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=7&options=-c%20search_path%3Dward_a")
        XCTAssertEqual(l.user, "ward@a")
        XCTAssertEqual(l.password, "s:cret")
        XCTAssertEqual(l.host, "db1.trust.nhs.uk")
        XCTAssertEqual(l.port, 6543)
        XCTAssertEqual(l.database, "care plan")
        XCTAssertEqual(l.sslMode, .verifyFull)
        XCTAssertEqual(l.sslRootCert, "/etc/ca.pem")
        XCTAssertEqual(l.connectTimeout, 7)
        XCTAssertEqual(l.searchPath, "ward_a")
        XCTAssertEqual(l.identity, "db1.trust.nhs.uk:6543/care plan/ward_a")
        XCTAssertEqual(l.warnings, ["the password is in the store's address: use ~/.pgpass or PGPASSWORD"])
    }

    func testTheEnvironmentFillsWhatTheAddressLeavesOut() throws {
        let env = ["PGHOST": "db2", "PGPORT": "5433", "PGUSER": "sister", "PGDATABASE": "wards", "PGSSLMODE": "require",
                   "PGSSLROOTCERT": "/ca.crt", "PGCONNECT_TIMEOUT": "9", "PGOPTIONS": "-c search_path=ward_b"]
        let l = try resolve("postgres://", machine(env))
        XCTAssertEqual([l.host, String(l.port), l.user, l.database, l.sslMode.rawValue, l.sslRootCert ?? "", String(l.connectTimeout), l.searchPath ?? ""],
                       ["db2", "5433", "sister", "wards", "require", "/ca.crt", "9", "ward_b"])
        // The address's own fields win over the environment.
        let m = try resolve("postgres://nurse@db1:5432/careplan?sslmode=disable", machine(env))
        XCTAssertEqual([m.host, String(m.port), m.user, m.database, m.sslMode.rawValue], ["db1", "5432", "nurse", "careplan", "disable"])
    }

    func testDefaults() throws {
        let l = try resolve("postgres://")
        XCTAssertEqual([l.host, String(l.port), l.user, l.database, l.sslMode.rawValue], ["localhost", "5432", "nurse", "nurse", "prefer"])
        XCTAssertNil(l.sslRootCert)
        XCTAssertEqual(l.connectTimeout, 5)
        XCTAssertNil(l.searchPath)
        XCTAssertEqual(l.identity, "localhost:5432/nurse/public")
        // Debian's socket folder when it is there, and the CA file in ~/.postgresql when it is there.
        let m = try resolve("postgres:///careplan", machine(files: ["/home/nurse/.postgresql/root.crt": ("", 0o644)], folders: ["/var/run/postgresql"]))
        XCTAssertEqual(m.host, "/var/run/postgresql")
        XCTAssertTrue(m.isSocket)
        XCTAssertEqual(m.socketPath, "/var/run/postgresql/.s.PGSQL.5432")
        XCTAssertEqual(m.sslRootCert, "/home/nurse/.postgresql/root.crt")
    }

    func testSocketFolderAndIPv6() throws {
        let l = try resolve("postgres://nurse@/careplan?host=%2Ftmp%2Fpg&port=55432")
        XCTAssertEqual(l.host, "/tmp/pg")
        XCTAssertEqual(l.socketPath, "/tmp/pg/.s.PGSQL.55432")
        XCTAssertTrue(l.isLocal)
        let m = try resolve("postgres://nurse@[::1]:5433/careplan")
        XCTAssertEqual([m.host, String(m.port)], ["::1", "5433"])
        XCTAssertTrue(m.isLocal)
        XCTAssertEqual(m.redacted, "postgres://nurse@[::1]:5433/careplan")
    }

    func testRefusals() {
        XCTAssertNotNil(refusal("mysql://db1/careplan"))
        XCTAssertEqual(refusal("postgres://db1:port/careplan"), "Cannot open the store: the port in the store's address is not a number from 1 to 65535: port")
        XCTAssertNotNil(refusal("postgres://db1:70000/careplan"))
        XCTAssertEqual(refusal("postgres://db1/careplan?sslmode=sure"),
                       "Cannot open the store: sslmode sure is not one of disable, allow, prefer, require, verify-ca, verify-full")
        XCTAssertNotNil(refusal("postgres://db1/careplan?connect_timeout=0"))
        XCTAssertNotNil(refusal("postgres://db1/careplan?connect_timeout=soon"))
        XCTAssertEqual(refusal("postgres://db1/careplan?target_session_attrs=any"),
                       "Cannot open the store: careplan does not take the setting target_session_attrs in a store's address")
        XCTAssertNotNil(refusal("postgres://db1,db2/careplan"))
        XCTAssertNotNil(refusal("postgres://db1/careplan?options=search_path%3Dx"))
        XCTAssertNotNil(refusal("postgres://db1/care%ZZplan"))
        // A broken escape names the part, never its text: it may be the password.
        XCTAssertEqual(refusal("postgres://nurse:Hunter2%ZZSecret@db1/careplan"),
                       "Cannot open the store: the store's address has a broken %-escape in its password")
    }

    /// A /, or a ? then a /, in a password (written as it is) moves part of it into the host, port, database or
    /// a setting: refused with how to write it, and not a character of the user information shown.
    func testAPasswordWithASlashIsRefusedWithoutShowingIt() throws {
        let secret = "Sec/ret?Pw"
        for address in ["postgres://careplan:sec/retPW@127.0.0.1:55450/careplan", "postgres://careplan:sec/retPW@db1/careplan?sslmode=require",
                        "postgres://careplan:s/e@c:ret@db1:5432/careplan", "postgres://care:a/b?sslmode=zz@db1/careplan",
                        "postgres://care:a/b?user=x@db1/careplan", "postgres://careplan:\(secret)@db1/careplan"] {
            let why = refusal(address)
            XCTAssertEqual(why, "Cannot open the store: " + URLFields.encodePassword, address)
            for piece in ["sec", "retPW", "ret", "a/b", "zz", "Sec"] { XCTAssertFalse(why?.contains(piece) ?? false, "\(address): \(why ?? "")") }
        }
        // As libpq reads it, a ? (or an @) in the password before the first / is kept in the password.
        XCTAssertEqual(try resolve("postgres://nurse:pa?ss@db1:6543/careplan").password, "pa?ss")
        XCTAssertEqual(try resolve("postgres://nurse:pa@ss@db1/careplan?sslmode=require").password, "pa@ss")
        XCTAssertEqual(try resolve("postgres://nurse:sec%2Fret%40x%25@db1/careplan").password, "sec/ret@x%")
        // An @ in a setting's value is no sign of a password: taken.
        XCTAssertEqual(try resolve("postgres://db1/careplan?user=nurse@ward").user, "nurse@ward")
    }

    /// Schemes are read in any case; a scheme without its two slashes is refused, not taken for something else.
    func testTheSchemeInAnyCaseAndWithOneSlash() throws {
        XCTAssertEqual(try resolve("Postgres://nurse@db1/careplan").host, "db1")
        XCTAssertEqual(try resolve("POSTGRESQL://nurse@db1/careplan").database, "careplan")
        for address in ["postgresql:/careplan:MySecretPW@db1/careplan", "postgres:careplan:MySecretPW@db1/careplan", "Postgres:/x"] {
            XCTAssertTrue(PostgresLocation.isAddress(address), address)
            XCTAssertEqual(refusal(address), "Cannot open the store: a PostgreSQL store's address starts with postgres:// or postgresql:// (two slashes)")
        }
        XCTAssertFalse(PostgresLocation.isAddress("postgres.sqlite"))
        XCTAssertFalse(PostgresLocation.isAddress("./postgres://x"))
    }

    func testOptions() throws {
        XCTAssertEqual(try PostgresLocation.parseOptions("-c search_path=a -csearch-path=b --work_mem=4MB -c x=two\\ words"),
                       [.init(name: "search_path", value: "a"), .init(name: "search_path", value: "b"),
                        .init(name: "work_mem", value: "4MB"), .init(name: "x", value: "two words")])
        XCTAssertEqual(try resolve("postgres://db1/c?options=-c%20search_path%3Da%20-c%20search_path%3Db").searchPath, "b")
        XCTAssertEqual(try PostgresLocation.parseOptions("  "), [])
    }

    func testConnectTimeoutHasLibpqsFloorOfTwoSeconds() throws {
        XCTAssertEqual(try resolve("postgres://db1/c?connect_timeout=1").connectTimeout, 2)
    }

    // MARK: the password

    func testPasswordOrder() throws {
        let pgpass = ["/home/nurse/.pgpass": ("*:*:*:*:fromfile\n", UInt16(0o600))]
        XCTAssertEqual(try resolve("postgres://n:inurl@db1/c", machine(["PGPASSWORD": "fromenv"], files: pgpass)).password, "inurl")
        XCTAssertEqual(try resolve("postgres://n@db1/c", machine(["PGPASSWORD": "fromenv"], files: pgpass)).password, "fromenv")
        let l = try resolve("postgres://n@db1/c", machine(files: pgpass))
        XCTAssertEqual(l.password, "fromfile")
        XCTAssertFalse(l.warnings.contains { $0.contains("password") })
        XCTAssertNil(try resolve("postgres://n@db1/c").password)
        // PGPASSFILE names another file, and ~/.pgpass is then not read.
        let other = machine(["PGPASSFILE": "/etc/ward.pgpass"], files: pgpass.merging(["/etc/ward.pgpass": ("db1:5432:c:n:ward\n", 0o400)]) { a, _ in a })
        XCTAssertEqual(try resolve("postgres://n@db1/c", other).password, "ward")
        XCTAssertNil(try resolve("postgres://n@db9/c", other).password)
    }

    func testPasswordFileMatching() {
        let file = """
        # a comment:*:*:*:no
        db1:5432:careplan:nurse:first
        db1:5432:careplan:nurse:second
        db\\:2:*:*:sister:p\\:a\\\\ss
        *:5433:*:*:anyhost
        short:line
        localhost:5432:*:*:socket:ignored-after-colon
        """
        func find(_ host: String, _ port: Int, _ db: String, _ user: String) -> String? {
            PostgresLocation.passwordFromFile(file, host: host, port: port, database: db, user: user)
        }
        XCTAssertEqual(find("db1", 5432, "careplan", "nurse"), "first")          // the first match wins
        XCTAssertEqual(find("db:2", 5432, "any", "sister"), "p:a\\ss")           // \: and \\ are escapes
        XCTAssertEqual(find("db7", 5433, "x", "y"), "anyhost")                   // * matches anything
        XCTAssertEqual(find("localhost", 5432, "x", "y"), "socket")              // the password ends at an unescaped colon
        XCTAssertNil(find("db1", 5432, "careplan", "porter"))
        XCTAssertNil(find("# a comment", 0, "*", "*"))
    }

    func testAPasswordFileOthersMayReadIsIgnoredWithAWarningAndLeftAsItIs() throws {
        for mode: UInt16 in [0o640, 0o604, 0o660, 0o610] {
            let l = try resolve("postgres://n@db1/c", machine(files: ["/home/nurse/.pgpass": ("*:*:*:*:secret\n", mode)]))
            XCTAssertNil(l.password, "mode \(String(mode, radix: 8))")
            XCTAssertTrue(l.warnings.contains("the password file /home/nurse/.pgpass may be read by others, so it is ignored: make it readable by you alone (chmod 0600)"))
            XCTAssertTrue(l.noPasswordFound.hasSuffix("none was found: the password file /home/nurse/.pgpass may be read by others, so it is ignored: make it readable by you alone (chmod 0600)"), l.noPasswordFound)
        }
        let dir = try resolve("postgres://n@db1/c", machine(files: ["/home/nurse/.pgpass": ("", 0o700)], notRegular: ["/home/nurse/.pgpass"]))
        XCTAssertNil(dir.password)
        XCTAssertTrue(dir.warnings.contains { $0.contains("not a plain file") })
        // A real file: resolving reads it and never changes its mode.
        let path = NSTemporaryDirectory() + "pgpass-\(UUID().uuidString)"
        try "*:*:*:*:secret\n".write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        chmod(path, 0o644)
        var surroundings = PostgresSurroundings.current
        surroundings.environment = ["PGPASSFILE": path]
        XCTAssertNil(try resolve("postgres://n@127.0.0.1/c", surroundings).password)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, 0o644)
        chmod(path, 0o600)
        XCTAssertEqual(try resolve("postgres://n@127.0.0.1/c", surroundings).password, "secret")
    }

    func testASocketInTheDefaultFolderMatchesLocalhostInThePasswordFile() throws {
        let m = machine(files: ["/home/nurse/.pgpass": ("localhost:5432:c:n:sock\n", 0o600)], folders: ["/var/run/postgresql"])
        XCTAssertEqual(try resolve("postgres://n@/c", m).password, "sock")
    }

    // MARK: never the password

    func testThePasswordIsNeverPrinted() throws {
        let l = try resolve("postgres://nurse:Hunter2Secret@db1.trust.nhs.uk/careplan?options=-c%20search_path%3Dw")
        XCTAssertEqual(l.redacted, "postgres://nurse@db1.trust.nhs.uk:5432/careplan?options=-c%20search_path%3Dw")
        var dumped = ""
        dump(l, to: &dumped)
        for shown in [l.redacted, l.description, l.debugDescription, "\(l)", String(reflecting: l), dumped, l.identity] + l.warnings {
            XCTAssertFalse(shown.contains("Hunter2Secret"), shown)
        }
        let socket = try resolve("postgres://nurse:pw@/careplan?host=/tmp/pg&sslmode=disable")
        XCTAssertEqual(socket.redacted, "postgres://nurse@/careplan?host=/tmp/pg&port=5432&sslmode=disable")
        // The redacted address reads back as the same place.
        let again = try resolve(l.redacted)
        XCTAssertEqual([again.host, String(again.port), again.user, again.database, again.searchPath ?? ""], [l.host, String(l.port), l.user, l.database, "w"])
    }

    // MARK: TLS

    func testAServerAcrossTheNetworkNotVerifiedIsWarnedAbout() throws {
        for mode in PostgresLocation.SSLMode.allCases {
            let l = try resolve("postgres://n@db1.trust.nhs.uk/c?sslmode=\(mode.rawValue)&sslrootcert=system")
            XCTAssertEqual(l.warnings.contains { $0.contains("is not verified") }, mode < .verifyCA, mode.rawValue)
        }
        for local in ["localhost", "127.0.0.1", "127.8.0.1", "[::1]"] {
            XCTAssertEqual(try resolve("postgres://n@\(local)/c?sslmode=disable").warnings, [], local)
        }
        XCTAssertFalse(try resolve("postgres://n@127.0.0.1.example.org/c").isLocal)
    }

    func testSSLModesAsLibpqMeansThem() throws {
        func plan(_ query: String, host: String = "db1") throws -> PostgresLocation.TLSPlan {
            try resolve("postgres://n@\(host)/c?\(query)").tlsPlan()
        }
        XCTAssertEqual(try plan("sslmode=disable"), .init(use: .never, check: .nothing, roots: nil))
        XCTAssertEqual(try plan("sslmode=allow"), .init(use: .ifOffered, check: .nothing, roots: nil))
        XCTAssertEqual(try plan("sslmode=prefer&sslrootcert=/ca"), .init(use: .ifOffered, check: .nothing, roots: nil))
        XCTAssertEqual(try plan("sslmode=require"), .init(use: .always, check: .nothing, roots: nil))
        XCTAssertEqual(try plan("sslmode=require&sslrootcert=/ca"), .init(use: .always, check: .certificate, roots: "/ca"))
        XCTAssertEqual(try plan("sslmode=verify-ca&sslrootcert=/ca"), .init(use: .always, check: .certificate, roots: "/ca"))
        XCTAssertEqual(try plan("sslmode=verify-full&sslrootcert=/ca"), .init(use: .always, check: .certificateAndName, roots: "/ca"))
        XCTAssertEqual(try plan("sslmode=verify-full&sslrootcert=system"), .init(use: .always, check: .certificateAndName, roots: nil))
        XCTAssertThrowsError(try plan("sslmode=verify-full"))
        XCTAssertThrowsError(try plan("sslmode=verify-ca"))
        XCTAssertEqual(try plan("sslmode=require", host: "%2Ftmp%2Fpg"), .init(use: .never, check: .nothing, roots: nil))
    }

    func testPostgresNIOsTLSFromTheModes() throws {
        func tls(_ query: String) throws -> PostgresNIOTLS { let t = try resolve("postgres://n@db1/c?\(query)").tls(); return PostgresNIOTLS(allowed: t.isAllowed, enforced: t.isEnforced) }
        XCTAssertEqual(try tls("sslmode=disable"), PostgresNIOTLS(allowed: false, enforced: false))
        XCTAssertEqual(try tls("sslmode=prefer"), PostgresNIOTLS(allowed: true, enforced: false))
        XCTAssertEqual(try tls("sslmode=require"), PostgresNIOTLS(allowed: true, enforced: true))
        XCTAssertEqual(try tls("sslmode=verify-full&sslrootcert=system"), PostgresNIOTLS(allowed: true, enforced: true))
        XCTAssertThrowsError(try tls("sslmode=verify-full&sslrootcert=/no/such/ca.pem")) {
            XCTAssertEqual("\($0)", "Cannot open the store: the certificate file /no/such/ca.pem (sslrootcert) cannot be read")
        }
        let configuration = try resolve("postgres://n:pw@db1:6000/c?options=-c%20search_path%3Dw&connect_timeout=3").configuration()
        XCTAssertEqual([configuration.host, configuration.port.map(String.init), configuration.username, configuration.database, configuration.password],
                       ["db1", "6000", "n", "c", "pw"])
        XCTAssertEqual(configuration.options.connectTimeout, .seconds(3))
        XCTAssertEqual(configuration.options.additionalStartupParameters.map { "\($0)=\($1)" }, [
            "application_name=careplan", "lock_timeout=10s", "idle_in_transaction_session_timeout=60s", "statement_timeout=30s",
            "search_path=w", "synchronous_commit=on"])
        let socket = try resolve("postgres://n@/c?host=/tmp/pg&port=55432").configuration()
        XCTAssertEqual(socket.unixSocketPath, "/tmp/pg/.s.PGSQL.55432")
    }

    struct PostgresNIOTLS: Equatable { var allowed: Bool; var enforced: Bool }
}
