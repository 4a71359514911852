import CareplanCore
import CareplanStore
import Foundation
import ReliabilityKnobs
import XCTest

/// Eight terminals on one store, as threads each with its own connection (`connect()`: for SQLite its own
/// file connection, whose locking keeps them apart as between processes; for a server its own session, as on
/// eight hosts), saving changes in
/// loops on a shared assessment and on assessments shared by pairs, each based on the assessment as last
/// read (a quarter of the time an older read: a terminal showing an older screen).
///
/// Asserts no lost update under the per-answer rule: new concerns never collide and all are stored; text
/// added to "what matters to me" is never lost (saved as is, or merged beside another terminal's); a distress
/// score based on an old value is refused as `changedElsewhere` (nothing else) and leaves the other's; the
/// revisions handed back are exactly 1...n (each save saw all the earlier ones); integrity "ok".
///
/// Seeded (`CAREPLAN_RELIABILITY_SEED`), though thread timing is not; `CAREPLAN_RELIABILITY_SCALE` multiplies
/// the number of saves.
final class ConcurrencyContractTests: RepositoryContractCase {
    static let threads = 8

    /// What one save did.
    struct Outcome: Sendable {
        enum Kind: Sendable { case concern(key: String), whatMatters(token: String), distress(Int) }
        var assessment: Int64
        var kind: Kind
        /// The revision the stored assessment had after a success; nil when refused.
        var revision: Int?
        /// The text of "what matters to me" the success returned.
        var textAfter = ""
        var error: String?
    }

    func testEightConnectionsNeverLoseAnUpdate() throws {
        let seed = Reliability.seed()
        let perThread = Reliability.scaled(60)
        print("concurrency: seed \(seed), \(Self.threads) connections x \(perThread) saves")
        try eachRepository { setup, connect in
            let p = try setup.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                                 dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!))
            // One assessment every thread works on, and one for each pair of threads.
            var ids: [Int64] = []
            for _ in 0...(Self.threads / 2) {
                ids.append(try setup.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician,
                                                     date: LocalDate(year: 2026, month: 11, day: 23)!, catalogue: Self.catalogue,
                                                     createdBy: "Nurse").id)
            }
            let shared = ids[0], pairs = Array(ids.dropFirst())
            let started = Date()
            let runs = try atOnce(Self.threads, connect) { t, store -> (outcomes: [Outcome], problems: [String]) in
                var outcomes: [Outcome] = [], problems: [String] = []
                var r = SeededRandom(seed: seed &+ UInt64(t) &* 0x9E37_79B9_7F4A_7C15)
                var lastSeen: [Int64: Assessment] = [:]
                for n in 0..<perThread {
                    let id = r.chance(0.5) ? shared : pairs[t / 2]
                    var seen: Assessment
                    if let old = lastSeen[id], r.chance(0.25) {
                        seen = old   // what a terminal showing an older screen would send
                    } else {
                        do { seen = try store.assessment(id: id)! } catch { problems.append("thread \(t) read: \(error)"); continue }
                    }
                    let roll = r.int(10)
                    let kind: Outcome.Kind = roll < 5 ? .concern(key: "t\(t)-\(n)") : roll < 8 ? .whatMatters(token: "t\(t)n\(n)") : .distress(n % 11)
                    let change: AssessmentChange
                    switch kind {
                    case .concern(let key):
                        change = .setConcern(ConcernEntry(key: key, categoryId: "physical", label: "T\(t) #\(n)", score: n % 11, note: "by \(t)"))
                    case .whatMatters(let token):
                        change = .setWhatMattersToMe(seen.whatMattersToMe + " " + token)   // adds to what it shows
                    case .distress(let v):
                        change = .setDistress(v)
                    }
                    do {
                        let after = try store.apply(change, to: id, basedOn: seen)
                        lastSeen[id] = after
                        outcomes.append(Outcome(assessment: id, kind: kind, revision: after.revision, textAfter: after.whatMattersToMe))
                    } catch StoreError.changedElsewhere {
                        outcomes.append(Outcome(assessment: id, kind: kind, revision: nil, error: "changed elsewhere"))
                    } catch {
                        outcomes.append(Outcome(assessment: id, kind: kind, revision: nil, error: "\(error)"))
                    }
                }
                return (outcomes, problems)
            }
            let seconds = Date().timeIntervalSince(started)
            for p in runs.flatMap(\.problems) { XCTFail("seed \(seed): \(p)") }

            let all = runs.flatMap(\.outcomes)
            XCTAssertEqual(all.count, Self.threads * perThread)
            var refused = 0
            for o in all where o.error != nil {
                if case .distress = o.kind, o.error == "changed elsewhere" { refused += 1; continue }
                XCTFail("seed \(seed): \(o.kind) was refused: \(o.error!) (only a score based on an old value may be)")
            }
            for id in ids {
                let mine = all.filter { $0.assessment == id }
                let wins = mine.filter { $0.revision != nil }
                let stored = try XCTUnwrap(try setup.assessment(id: id))
                let revisions = Set(wins.map { $0.revision! })
                XCTAssertEqual(revisions, Set(1...max(1, stored.revision)), "seed \(seed), assessment \(id): revisions not exactly 1...\(stored.revision)")
                var keys = Set<String>()
                for w in wins {
                    switch w.kind {
                    case .concern(let key): keys.insert(key)
                    case .whatMatters(let token):
                        XCTAssertTrue(w.textAfter.contains(token), "seed \(seed): the saved text does not hold what was added")
                        XCTAssertTrue(stored.whatMattersToMe.contains(token), "seed \(seed), assessment \(id): “\(token)” was saved, then lost")
                    case .distress: break
                    }
                }
                XCTAssertEqual(Set(stored.concerns.map(\.key)), keys, "seed \(seed), assessment \(id): every new concern, and only they, are stored")
                let lastScore = wins.compactMap { w -> (Int, Int)? in if case .distress(let v) = w.kind { return (w.revision!, v) } else { return nil } }
                    .max { $0.0 < $1.0 }
                XCTAssertEqual(stored.distressScore, lastScore?.1, "seed \(seed), assessment \(id): the last saved score is stored")
                print("concurrency: assessment \(id): \(wins.count) saved, \(mine.count - wins.count) refused as changed elsewhere")
            }
            XCTAssertGreaterThan(refused, 0, "no score was refused: the test did not make the connections race")
            if let store = setup as? CareStore { XCTAssertEqual(try store.integrityCheck(), "ok") }
            print("concurrency: \(all.count) saves in \(String(format: "%.1f", seconds)) s")
        }
    }
}
