import Foundation
import GRDB
import ReliabilityKnobs
import XCTest
@testable import CareplanCore

/// Eight terminals on one store, as threads each with its own `CareStore(path:)` (its own SQLite
/// connection, so SQLite's file locking is what keeps them apart, as between processes), doing
/// revision-checked `apply` calls in loops on a shared assessment and on assessments shared by pairs.
///
/// Asserts no lost update: the revisions handed back by successful applies to one assessment are exactly
/// 1...n (each success saw all the earlier ones and none saw the same state), every successful change is in
/// the final state, every refused one is not and was refused as `.conflict` (nothing else), the state each
/// success returned held exactly the changes before it, and the integrity check is "ok".
///
/// Seeded (`CAREPLAN_RELIABILITY_SEED`), though thread timing is not; `CAREPLAN_RELIABILITY_SCALE` multiplies
/// the number of applies.
final class ConcurrencyTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("concurrency-\(UUID().uuidString.prefix(8))")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static let threads = 8

    /// What one apply did.
    struct Outcome: Sendable {
        enum Kind: Sendable { case concern(key: String), whatMatters(text: String) }
        var assessment: Int64
        var kind: Kind
        /// The revision the stored assessment had after a success; nil when refused.
        var revision: Int?
        /// How many concerns the assessment returned by a success held.
        var concernsAfter: Int
        var error: String?
    }

    final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var all: [Outcome] = []
        private(set) var problems: [String] = []
        func add(_ o: Outcome) { lock.lock(); all.append(o); lock.unlock() }
        func problem(_ p: String) { lock.lock(); problems.append(p); lock.unlock() }
    }

    func testEightConnectionsNeverLoseAnUpdate() throws {
        let seed = Reliability.seed()
        let perThread = Reliability.scaled(60)
        print("concurrency: seed \(seed), \(Self.threads) connections x \(perThread) applies")
        let path = dir.appendingPathComponent("s.sqlite").path
        let setup = try CareStore(path: path)
        let p = try setup.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!))
        // One assessment every thread works on, and one for each pair of threads.
        var ids: [Int64] = []
        for _ in 0...(Self.threads / 2) {
            ids.append(try setup.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician,
                                                 date: LocalDate(year: 2026, month: 11, day: 23)!, catalogue: StoreTests.catalogue,
                                                 createdBy: "Nurse").id)
        }
        let shared = ids[0], pairs = Array(ids.dropFirst())
        let outcomes = Outcomes()
        let group = DispatchGroup()
        let started = Date()
        for t in 0..<Self.threads {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var r = SeededRandom(seed: seed &+ UInt64(t) &* 0x9E37_79B9_7F4A_7C15)
                let store: CareStore
                do { store = try CareStore(path: path) } catch { outcomes.problem("thread \(t) cannot open the store: \(error)"); return }
                var lastSeen: [Int64: Int] = [:]
                for n in 0..<perThread {
                    let id = r.chance(0.5) ? shared : pairs[t / 2]
                    var revision: Int
                    if let old = lastSeen[id], r.chance(0.25) {
                        revision = old   // what a terminal showing an older screen would send
                    } else {
                        do { revision = try store.assessment(id: id)!.revision } catch { outcomes.problem("thread \(t) read: \(error)"); continue }
                    }
                    let kind: Outcome.Kind = r.chance(0.7) ? .concern(key: "t\(t)-\(n)") : .whatMatters(text: "thread \(t) apply \(n)")
                    let change: AssessmentChange
                    switch kind {
                    case .concern(let key):
                        change = .setConcern(ConcernEntry(key: key, categoryId: "physical", label: "T\(t) #\(n)", score: n % 11, note: "by \(t)"))
                    case .whatMatters(let text):
                        change = .setWhatMattersToMe(text)
                    }
                    do {
                        let after = try store.apply(change, to: id, expectedRevision: revision)
                        lastSeen[id] = after.revision
                        outcomes.add(Outcome(assessment: id, kind: kind, revision: after.revision, concernsAfter: after.concerns.count))
                    } catch StoreError.conflict {
                        outcomes.add(Outcome(assessment: id, kind: kind, revision: nil, concernsAfter: 0))
                    } catch {
                        outcomes.add(Outcome(assessment: id, kind: kind, revision: nil, concernsAfter: 0, error: "\(error)"))
                    }
                }
            }
            thread.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 300), .success, "the threads did not finish in 5 minutes: a deadlock?")
        let seconds = Date().timeIntervalSince(started)
        for p in outcomes.problems { XCTFail("seed \(seed): \(p)") }

        let all = outcomes.all
        for o in all where o.error != nil {
            XCTFail("seed \(seed): an apply was refused with something other than a conflict: \(o.error!)")
        }
        XCTAssertEqual(all.count, Self.threads * perThread)
        for id in ids {
            let mine = all.filter { $0.assessment == id }
            let wins = mine.filter { $0.revision != nil }.sorted { $0.revision! < $1.revision! }
            let stored = try XCTUnwrap(try setup.assessment(id: id))
            XCTAssertEqual(wins.map { $0.revision! }, (0..<wins.count).map { $0 + 1 },
                           "seed \(seed), assessment \(id): the successful applies' revisions are not exactly 1...\(wins.count)")
            XCTAssertEqual(stored.revision, wins.count, "seed \(seed), assessment \(id): revision")
            var keys = Set<String>()
            var text = ""
            for w in wins {
                switch w.kind {
                case .concern(let key): keys.insert(key)
                case .whatMatters(let t): text = t
                }
                XCTAssertEqual(w.concernsAfter, keys.count, "seed \(seed), assessment \(id): the state returned at revision \(w.revision!) does not hold exactly the changes before it")
            }
            XCTAssertEqual(Set(stored.concerns.map(\.key)), keys, "seed \(seed), assessment \(id): the successful changes, and only they, are stored")
            XCTAssertEqual(stored.whatMattersToMe, text, "seed \(seed), assessment \(id): the last successful what-matters is stored")
            print("concurrency: assessment \(id): \(wins.count) applied, \(mine.count - wins.count) refused as conflicts")
        }
        XCTAssertGreaterThan(all.filter { $0.revision == nil }.count, 0, "no conflict at all: the test did not make the connections race")
        XCTAssertEqual(try setup.integrityCheck(), "ok")
        print("concurrency: \(all.count) applies in \(String(format: "%.1f", seconds)) s")
    }

    /// Eight terminals opening a store that does not exist yet, at the same moment (a ward's terminals
    /// started together on a new shared folder): every one must open it, and the schema must be made once.
    ///
    /// Terminals started together on a new store (or after an upgrade that adds a migration) all open it.
    /// GRDB's migrator reads what is applied before it takes the write lock, so one process can fail on a
    /// table another has just made; `CareStore.migrate()` tries again (found by this test).
    func testEightConnectionsCreatingOneStoreTogether() throws {
        let rounds = Reliability.scaled(5)
        for round in 0..<rounds {
            let path = dir.appendingPathComponent("new-\(round)/s.sqlite").path
            let outcomes = Outcomes()
            let group = DispatchGroup()
            let go = DispatchSemaphore(value: 0)
            for t in 0..<Self.threads {
                group.enter()
                Thread {
                    defer { group.leave() }
                    go.wait()
                    do {
                        let store = try CareStore(path: path)
                        _ = try store.patientCount()
                    } catch { outcomes.problem("round \(round), thread \(t): \(error)") }
                }.start()
            }
            usleep(20_000)
            for _ in 0..<Self.threads { go.signal() }
            XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
            for p in outcomes.problems { XCTFail("opening a new store from \(Self.threads) connections at once: \(p)") }
            let store = try CareStore(path: path)
            XCTAssertEqual(try store.appliedMigrations(), CareStore.migrationNames, "every migration applied, once")
            XCTAssertEqual(try store.integrityCheck(), "ok")
        }
    }


}

