@testable import CareplanPostgres
import CareplanStore
import XCTest

/// The shared SQL's `?`, `?NNN` and `:name` as PostgreSQL's `$n`, and migration scripts cut into statements.
final class PlaceholderTests: XCTestCase {
    func testPositional() {
        let (sql, placeholders) = PostgresSQL.numbered("SELECT * FROM patient WHERE id = ? AND nhs_number = ?")
        XCTAssertEqual(sql, "SELECT * FROM patient WHERE id = $1 AND nhs_number = $2")
        XCTAssertEqual(placeholders, ["?", "?"])
    }

    func testNumberedRepeatsAValue() {
        let (sql, placeholders) = PostgresSQL.numbered("SELECT 1 WHERE a >= ?1 AND a < ?1 || x AND b = ?2 AND c = ?12")
        XCTAssertEqual(sql, "SELECT 1 WHERE a >= $1 AND a < $1 || x AND b = $2 AND c = $3")
        XCTAssertEqual(placeholders, ["?1", "?2", "?12"])
    }

    func testNamed() {
        let (sql, placeholders) = PostgresSQL.numbered("SELECT sum(CASE WHEN at <= :deadline THEN 1 ELSE 0 END) FROM x WHERE at > :since AND at <= :deadline AND t = :_t2")
        XCTAssertEqual(sql, "SELECT sum(CASE WHEN at <= $1 THEN 1 ELSE 0 END) FROM x WHERE at > $2 AND at <= $1 AND t = $3")
        XCTAssertEqual(placeholders, [":deadline", ":since", ":_t2"])
    }

    func testLeavesQuotesCommentsDollarBodiesAndCastsAlone() {
        let sql = """
        SELECT 'it''s ? and :x', "odd?name", x::text, ?::bigint, (?)::date -- why? :because
        FROM t /* is it? :y */ WHERE a = ? AND b = $tag$ :z ? $tag$ AND c = $$?$$ AND d$e = ?
        """
        let (out, placeholders) = PostgresSQL.numbered(sql)
        XCTAssertEqual(out, """
        SELECT 'it''s ? and :x', "odd?name", x::text, $1::bigint, ($2)::date -- why? :because
        FROM t /* is it? :y */ WHERE a = $3 AND b = $tag$ :z ? $tag$ AND c = $$?$$ AND d$e = $4
        """)
        XCTAssertEqual(placeholders, ["?", "?", "?", "?"])
    }

    func testNoPlaceholders() {
        let (sql, placeholders) = PostgresSQL.numbered("SELECT $1, 'a:b', 10:30")
        XCTAssertEqual(sql, "SELECT $1, 'a:b', 10:30")
        XCTAssertEqual(placeholders, [])
    }

    func testScriptsAreCutIntoStatements() {
        let script = """
        -- the audit trail's guard
        CREATE TABLE a (id bigint, note text DEFAULT 'a;b');
        CREATE FUNCTION careplan_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END
        $$;
        /* ; */ ;
        CREATE INDEX "x;y" ON a(id) -- ; trailing
        ;
        -- only a comment at the end;
        """
        XCTAssertEqual(SQLScanner.statements(script), [
            "-- the audit trail's guard\nCREATE TABLE a (id bigint, note text DEFAULT 'a;b')",
            "CREATE FUNCTION careplan_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN RAISE EXCEPTION 'the audit trail is append-only'; END\n$$",
            "CREATE INDEX \"x;y\" ON a(id) -- ; trailing",
        ])
        XCTAssertEqual(SQLScanner.statements("SELECT 1"), ["SELECT 1"])
        XCTAssertEqual(SQLScanner.statements("  ;; -- nothing\n"), [])
    }

    func testAnUnclosedQuoteRunsToTheEnd() {
        XCTAssertEqual(PostgresSQL.numbered("SELECT 'open ? ").sql, "SELECT 'open ? ")
        XCTAssertEqual(SQLScanner.statements("SELECT $$ a; b"), ["SELECT $$ a; b"])
    }
}
