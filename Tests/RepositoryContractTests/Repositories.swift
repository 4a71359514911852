import CareplanCore
import CareplanSQLite
import CareplanStores
import Foundation
import RepositoryTestSupport
import XCTest

/// Every implementation of `CareRepository`, by how it opens the store kept in a folder: each call is a
/// connection of its own to the same store (two calls: two terminals). A second implementation adds its
/// line here, and every contract test runs against it too. PostgreSQL: a schema of its own per folder on the
/// server CAREPLAN_TEST_POSTGRES names, when it is set (`TestPostgres`).
let repositories: [(name: String, open: @Sendable (URL) throws -> any CareRepository)] = {
    var all: [(name: String, open: @Sendable (URL) throws -> any CareRepository)] = [
        ("SQLite", { try CareStore(path: $0.appendingPathComponent("store/careplan.sqlite").path, auditKey: $0.appendingPathComponent("keys/audit.key").path) }),
    ]
    if TestPostgres.server != nil {
        all.append(("PostgreSQL", { try StoreLocation.parse(TestPostgres.url(for: $0)).open(auditKey: $0.appendingPathComponent("keys/audit.key").path) }))
    }
    return all
}()

/// Said once per run when the PostgreSQL line is left out (no server): a failure under CI.
private let postgresLeftOut: Void = {
    if TestPostgres.server == nil && !TestPostgres.required { print("RepositoryContractTests: PostgreSQL left out: \(TestPostgres.missing)") }
}()

/// What the threads of `atOnce` came to, by thread, under a lock.
final class Collected<T>: @unchecked Sendable {
    let lock = NSLock()
    var values: [Int: T] = [:]
}

/// What every repository must do, whatever it keeps its data in.
class RepositoryContractCase: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_435_200)
    let dob = LocalDate(year: 1961, month: 3, day: 5)!

    static let catalogue: ConcernCatalogue = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try! ConcernCatalogue.load(from: root.appendingPathComponent("Resources/catalogues/ncat-hna.yaml"), displayPath: "c").get()
    }()

    /// Runs `body` once per repository, on a new empty store: `store` is one connection to it, `connect`
    /// opens another. A failure names the repository.
    func eachRepository(_ body: (_ store: any CareRepository, _ connect: () throws -> any CareRepository) throws -> Void) throws {
        postgresLeftOut
        if TestPostgres.server == nil && TestPostgres.required { XCTFail("PostgreSQL: \(TestPostgres.missing)") }
        for (name, open) in repositories {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("contract-\(UUID().uuidString)")
            defer {
                try? FileManager.default.removeItem(at: folder)
                TestPostgres.drop(for: folder)
            }
            let connect = { try open(folder) }
            do { try body(try connect(), connect) } catch {
                XCTFail("\(name): \(error)")
            }
        }
    }

    /// Runs `body` on `count` threads released together, each with its own connection (`count` terminals at
    /// once), and returns what each came to.
    func atOnce<T: Sendable>(_ count: Int, _ connect: () throws -> any CareRepository,
                             _ body: @escaping @Sendable (Int, any CareRepository) -> T) throws -> [T] {
        let results = Collected<T>(), start = DispatchSemaphore(value: 0), done = DispatchGroup()
        for i in 0..<count {
            let store = try connect()
            done.enter()
            Thread {
                start.wait()
                let value = body(i, store)
                results.lock.withLock { results.values[i] = value }
                done.leave()
            }.start()
        }
        for _ in 0..<count { start.signal() }
        done.wait()
        return (0..<count).map { results.values[$0]! }
    }

    func patient(_ digits: String = "9434765919", family: String = "Wiśniewski", given: String = "Siân") -> Patient {
        Patient(nhsNumber: NHSNumber(digits)!, familyName: family, givenName: given, dateOfBirth: dob, diagnosis: "Breast", diagnosisCode: "C50.9")
    }

    /// Siân, registered.
    func addSian(_ store: any CareRepository) throws -> Patient { try store.addPatient(patient(), now: now) }

    /// Siân's first assessment, with pain rated 6.
    func assessmentWithPain(_ store: any CareRepository) throws -> Assessment {
        let p = try addSian(store)
        let a = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician,
                                          date: LocalDate(year: 2026, month: 11, day: 23)!, catalogue: Self.catalogue, createdBy: "t", now: now)
        return try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 6)), to: a.id, basedOn: a, now: now)
    }
}
