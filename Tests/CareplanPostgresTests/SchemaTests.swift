import CareplanCore
@testable import CareplanPostgres
import CareplanSQLite
@_spi(StoreTesting) import CareplanStore
import Foundation
import XCTest

/// The same schema steps on both engines make the same tables: every column in the same order with the same
/// nullability and the storage class's type, every text column in byte order (collation "C"), every index.
final class SchemaTests: XCTestCase {
    struct Column: Equatable, CustomStringConvertible {
        var name: String, type: String, nullable: Bool
        var description: String { "\(name) \(type)\(nullable ? "" : " NOT NULL")" }
    }

    func testBothEnginesMakeTheSameSchema() throws {
        let schema = try TestServer.freshSchema(for: self)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlite = try CareStore(path: folder.appendingPathComponent("s/careplan.sqlite").path, auditKey: folder.appendingPathComponent("k/audit.key").path)
        let postgres = try CareStore(postgres: TestServer.location(schema: schema), auditKey: folder.appendingPathComponent("k/audit.key").path)

        let sqliteTables: [String: [Column]] = try sqlite.unauditedRead { db in
            let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            return try Dictionary(uniqueKeysWithValues: names.map { table in
                let rows = try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\" AS nn, pk FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
                var columns = rows.map { row in
                    // A primary key column never holds NULL on PostgreSQL; in SQLite careplan never gives it one.
                    Column(name: row["name"], type: Self.postgresType(row["type"]), nullable: (row["nn"] as Int) == 0 && (row["pk"] as Int) == 0)
                }
                // PostgreSQL has no rowid: a table without a primary key gets the id column Dialect.rowid names.
                if !rows.contains(where: { ($0["pk"] as Int) > 0 }) {
                    columns.insert(Column(name: Dialect.postgres.rowid, type: "bigint", nullable: false), at: 0)
                }
                return (table, columns)
            })
        }
        let (postgresTables, collations): ([String: [Column]], [String]) = try postgres.unauditedRead { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT table_name, column_name, data_type, is_nullable, collation_name FROM information_schema.columns
                WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position
                """)
            var tables: [String: [Column]] = [:]
            var wrongCollations: [String] = []
            for row in rows {
                let table: String = row["table_name"], column: String = row["column_name"], type: String = row["data_type"]
                tables[table, default: []].append(Column(name: column, type: type, nullable: (row["is_nullable"] as String) == "YES"))
                if type == "text" && (row["collation_name"] as String?) != "C" { wrongCollations.append("\(table).\(column)") }
            }
            return (tables, wrongCollations)
        }
        XCTAssertEqual(postgresTables.keys.sorted(), sqliteTables.keys.sorted())
        XCTAssertGreaterThan(sqliteTables.count, 20)
        for (table, columns) in sqliteTables.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(postgresTables[table], columns, table)
        }
        XCTAssertEqual(collations, [], "text columns compared and ordered in byte order")

        let sqliteIndexes = try sqlite.unauditedRead { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        }
        let postgresIndexes = try postgres.unauditedRead { db in
            // Those PostgreSQL makes for primary keys and UNIQUE, as SQLite's autoindexes, are left out.
            try String.fetchAll(db, sql: """
                SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = current_schema()
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = to_regnamespace(current_schema()))
                ORDER BY i.indexname
                """)
        }
        XCTAssertEqual(postgresIndexes, sqliteIndexes)
        XCTAssertEqual(try postgres.unauditedRead { try CareStore.recordedMigrations($0) },
                       try sqlite.unauditedRead { try CareStore.recordedMigrations($0) })
    }

    /// The PostgreSQL type a column's SQLite declared type is translated to (design 5.2).
    static func postgresType(_ sqlite: String) -> String {
        switch sqlite.uppercased() {
        case "INTEGER": "bigint"
        case "REAL": "double precision"
        case "TEXT", "DATETIME": "text"
        case "BLOB": "bytea"
        default: "?\(sqlite)"
        }
    }
}
