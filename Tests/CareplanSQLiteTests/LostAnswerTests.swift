import GRDB
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore

/// Design 6.5: a write whose COMMIT went through but whose answer was lost (a server gone between COMMIT and its
/// reply) fails as unreachable, and the runtime replays it once the server is back: the store must not write it
/// twice. (An added action is the change that is not idempotent.)
final class LostAnswerTests: XCTestCase {
    /// SQLite under an engine that, when told, commits a fingerprinted write and then loses its answer, and learns
    /// on "reconnecting" that it committed, as PostgresEngine does with its write token.
    final class LosingEngine: SQLEngine, @unchecked Sendable {
        struct AnswerLost: Error {}
        let inner: GRDBEngine
        var loseNext = false
        var foundCommitted: Set<String> = []
        init(_ inner: GRDBEngine) { self.inner = inner }

        func write<T>(fingerprint: String, _ body: (any SQLConnection) throws -> T) throws -> T {
            let result = try inner.write(body)
            guard loseNext else { return result }
            loseNext = false
            foundCommitted.insert(fingerprint)
            throw AnswerLost()
        }
        func committed(_ fingerprint: String) -> Bool { foundCommitted.remove(fingerprint) != nil }
        func describe(_ error: any Error) -> String? { error is AnswerLost ? "the database server cannot be reached" : inner.describe(error) }

        var dialect: Dialect { inner.dialect }
        var identity: String { inner.identity }
        var damage: String? { inner.damage }
        func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T { try inner.read(body) }
        func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T { try inner.write(body) }
        func writeWithoutForeignKeys<T>(_ body: (any SQLConnection) throws -> T) throws -> T { try inner.writeWithoutForeignKeys(body) }
        func migrating<T>(_ body: () throws -> T) throws -> T { try inner.migrating(body) }
        func changeCounter() throws -> Int { try inner.changeCounter() }
        func integrityCheck() throws -> String { try inner.integrityCheck() }
        func queryPlan(_ sql: String, _ arguments: CareplanStore.StatementArguments) throws -> [String] { try inner.queryPlan(sql, arguments) }
    }

    let now = Date(timeIntervalSince1970: 1_795_435_200)

    func testAnActionWhoseAnswerWasLostIsWrittenOnceWhenReplayed() throws {
        let engine = LosingEngine(GRDBEngine(queue: try DatabaseQueue(), path: nil))
        let store = try CareStore(engine: engine, keeper: AuditKeeper())
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), now: now)
        let a = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician,
                                          date: LocalDate(year: 2026, month: 11, day: 23)!, catalogue: StoreTests.catalogue, createdBy: "t", now: now)
        let action = AssessmentChange.saveAction(AgreedAction(concernKey: "pain", what: "Review pain relief", owner: .gp))
        engine.loseNext = true
        XCTAssertThrowsError(try store.save(action, to: a.id, base: .action(nil), by: "Nurse", now: now)) {
            XCTAssertEqual($0 as? StoreError, .cannotWrite("the database server cannot be reached"))
        }
        // The runtime's queue replays it: the one committed is the one kept.
        let replayed = try store.save(action, to: a.id, base: .action(nil), by: "Nurse", now: now.addingTimeInterval(2))
        XCTAssertEqual(replayed.assessment.actions.map(\.what), ["Review pain relief"])
        XCTAssertEqual(try store.assessment(id: a.id)?.actions.count, 1)
        // Said once: the same action added again on purpose is a second action.
        _ = try store.save(action, to: a.id, base: .action(nil), by: "Nurse", now: now.addingTimeInterval(4))
        XCTAssertEqual(try store.assessment(id: a.id)?.actions.count, 2)
        XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
    }
}
