import CareplanCore
import RepositoryTestSupport
@testable import CareplanPostgres
import Foundation
import PostgresNIO
import XCTest

/// The engine's tests on the tests' server (`TestPostgres`: found, skipped or failed in CI the same way as
/// every other PostgreSQL test), each in a schema of its own made through the engine and dropped at the end.
enum TestServer {
    static func address() throws -> String {
        try TestPostgres.skipOrFailWithoutServer { XCTSkip($0) }
        return try XCTUnwrap(TestPostgres.server).address
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
