import CareplanCore
import CareplanPostgres
import CareplanStores
import XCTest

/// Which store a --store value or CAREPLAN_STORE names, and how it is shown.
final class StoreLocationTests: XCTestCase {
    let home = ["HOME": "/home/nurse", "PGPASSFILE": "/nonexistent"]

    func testAPathIsSQLiteAndAPostgresAddressIsPostgreSQL() throws {
        XCTAssertEqual(try StoreLocation.parse("/srv/careplan/ward.sqlite", environment: home), .sqlite(path: "/srv/careplan/ward.sqlite"))
        XCTAssertEqual(try StoreLocation.parse("postgres.sqlite", environment: home), .sqlite(path: "postgres.sqlite"))
        XCTAssertEqual(try StoreLocation.parse("./postgres://x", environment: home), .sqlite(path: "./postgres://x"))
        for scheme in ["postgres", "postgresql"] {
            guard case .postgres(let server) = try StoreLocation.parse("\(scheme)://nurse@db1.trust.nhs.uk:6543/careplan", environment: home) else {
                return XCTFail("\(scheme):// is not PostgreSQL")
            }
            XCTAssertEqual(server.host, "db1.trust.nhs.uk")
            XCTAssertEqual(server.port, 6543)
            XCTAssertEqual(server.user, "nurse")
            XCTAssertEqual(server.database, "careplan")
        }
    }

    /// A mistyped scheme (one slash, capitals) is an address, refused as one if it is malformed: never a file
    /// path, which would make a new local store in a folder named after the password (a tester's finding).
    func testAMistypedSchemeIsAnAddressNeverAPath() throws {
        guard case .postgres(let server) = try StoreLocation.parse("Postgres://ward@db1/careplan", environment: home) else {
            return XCTFail("Postgres:// is not PostgreSQL")
        }
        XCTAssertEqual(server.host, "db1")
        for typed in ["postgresql:/careplan:MySecretPW@127.0.0.1:55450/careplan", "POSTGRES:/careplan:MySecretPW@db1/careplan",
                      "postgres:careplan:MySecretPW@db1/careplan"] {
            XCTAssertThrowsError(try StoreLocation.parse(typed, environment: home), typed) { error in
                XCTAssertFalse("\(error)".contains("MySecretPW"), "\(error)")
                XCTAssertTrue("\(error)".contains("postgres://"), "\(error)")
            }
        }
    }

    func testTheOptionWinsThenCAREPLAN_STOREThenTheDefaultFile() throws {
        let env = home.merging(["CAREPLAN_STORE": "postgres://ward@db1/careplan", "XDG_DATA_HOME": "/data"]) { $1 }
        XCTAssertEqual(try StoreLocation.chosen("/tmp/a.sqlite", environment: env), .sqlite(path: "/tmp/a.sqlite"))
        XCTAssertEqual(try StoreLocation.chosen(nil, environment: env).redacted, "postgres://ward@db1:5432/careplan")
        XCTAssertEqual(try StoreLocation.chosen("", environment: env).redacted, "postgres://ward@db1:5432/careplan")
        XCTAssertEqual(try StoreLocation.chosen(nil, environment: ["XDG_DATA_HOME": "/data"]), .sqlite(path: "/data/careplan/careplan.sqlite"))
        XCTAssertEqual(try StoreLocation.chosen(nil, environment: ["HOME": "/home/nurse"]), .sqlite(path: "/home/nurse/.local/share/careplan/careplan.sqlite"))
    }

    /// The log goes beside a store file; for a server, in careplan's data folder on this host.
    func testTheLogFolder() throws {
        XCTAssertEqual(try StoreLocation.parse("/srv/careplan/ward.sqlite", environment: home).logFolder, "/srv/careplan")
        XCTAssertTrue(try StoreLocation.parse("postgres://ward@db1/careplan", environment: home).logFolder.hasSuffix("/careplan"))
    }

    /// A password written in the address is used, but never shown: not in `redacted`, nor in any description
    /// of the location, nor in a refusal of the address.
    func testAPasswordInTheAddressIsNeverShown() throws {
        let secret = "Tr0ub4dor-and-3"
        let location = try StoreLocation.parse("postgresql://ward:\(secret)@db1.trust.nhs.uk/careplan?options=-c%20search_path%3Dward_a", environment: home)
        guard case .postgres(let server) = location else { return XCTFail("not PostgreSQL") }
        XCTAssertEqual(server.password, secret, "the address's password is the one used")
        XCTAssertEqual(location.redacted, "postgres://ward@db1.trust.nhs.uk:5432/careplan?options=-c%20search_path%3Dward_a")
        for shown in [location.redacted, "\(location)", String(describing: location), String(reflecting: location), "\(server)", server.warnings.joined()] {
            XCTAssertFalse(shown.contains(secret), shown)
        }
        XCTAssertTrue(server.warnings.contains { $0.contains("password") }, "no warning about the password in the address")
        for bad in ["postgres://ward:\(secret)@db1:99999/careplan", "postgres://ward:\(secret)@db1/careplan?sslmode=sometimes",
                    "postgres://ward:\(secret)@db1/careplan?options=-x"] {
            XCTAssertThrowsError(try StoreLocation.parse(bad, environment: home)) { error in
                XCTAssertFalse("\(error)".contains(secret), "\(error)")
            }
        }
    }
}
