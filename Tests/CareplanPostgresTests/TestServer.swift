import CareplanCore
@testable import CareplanPostgres
import Foundation
import PostgresNIO
import XCTest

/// The PostgreSQL server the tests use (CAREPLAN_TEST_POSTGRES, password from PGPASSFILE: `eval "$(.ci/pg env)"`),
/// each test in a schema of its own, dropped at the end. Without the variable the tests are skipped, except
/// in CI (CI=true), where that is a failure.
enum TestServer {
    static func address() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        guard let address = environment["CAREPLAN_TEST_POSTGRES"], !address.isEmpty else {
            if environment["CI"] == "true" {
                XCTFail("CAREPLAN_TEST_POSTGRES is not set: in CI the PostgreSQL tests must run (eval \"$(.ci/pg env)\")")
            }
            throw XCTSkip("CAREPLAN_TEST_POSTGRES is not set (eval \"$(.ci/pg env)\" to run the PostgreSQL tests)")
        }
        return address
    }

    /// The test server's address, in `schema` when given.
    static func location(schema: String? = nil) throws -> PostgresLocation {
        var location = try PostgresLocation.resolve(address())
        if let schema { location.settings.append(.init(name: "search_path", value: schema)) }
        return location
    }

    /// A new schema for one test, dropped (with all in it) when the test ends.
    static func freshSchema(for test: XCTestCase) throws -> String {
        let schema = "t_pg_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try PostgresLink(location()) { _, _ in }
        _ = try admin.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"), deadline: 10)
        test.addTeardownBlock {
            _ = try? admin.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"), deadline: 30)
            admin.close()
        }
        return schema
    }
}
