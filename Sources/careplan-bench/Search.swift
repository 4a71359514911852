import PseudoTerminal
import CareplanCore
import Foundation

// Patient search as you type, in a process of its own (`careplan-bench search-worker STORE`), so that its
// peak resident memory is the search's and not the rest of the bench's.

struct SearchFigures: Codable {
    /// Per kind of query ("name", "NHS number", ...): every call's time in ms.
    var calls: [String: [Double]]
    var order: [String]
    var peakKB: Int?
    var patients: Int
}

enum SearchWorker {
    static let rounds = 5

    /// Successive prefixes of what a nurse types, e.g. "S", "Sm", "Smi", ...
    static func prefixes(_ s: String) -> [String] { (1...s.count).map { String(s.prefix($0)) } }

    static func run(store path: String) throws -> SearchFigures {
        let store = try BenchStore.open(path)
        let count = try store.patientCount()
        // A patient from the middle of the store: a typical name, number and date of birth.
        guard let p = try store.patient(id: Int64(max(1, count / 2))) else { throw CLIFailure("no patient in \(path)") }
        let queries: [(String, [String])] = [
            ("name", prefixes("\(p.familyName) \(p.givenName)")),
            ("NHS number", prefixes(p.nhsNumber.formatted)),
            ("date of birth", prefixes(String(format: "%02d/%02d/%04d", p.dateOfBirth.day, p.dateOfBirth.month, p.dateOfBirth.year))),
        ]
        var calls: [String: [Double]] = [:]
        // What the register runs on every key: the search, and the kiosk's waiting list while the search is
        // empty. (It counts the patients once, as it opens.)
        let registerKey = "register keystroke (search, limit 200, waiting list when empty)"
        for _ in 0..<rounds {
            for (kind, typed) in queries {
                for q in typed {
                    let t = monotonicMs()
                    _ = try store.searchPatients(q, limit: 200)  // the register asks for 200
                    calls[kind, default: []].append(monotonicMs() - t)
                }
            }
            for q in [""] + queries[0].1 {
                let t = monotonicMs()
                _ = try store.searchPatients(q, limit: 200)
                if q.isEmpty { _ = try store.waitingSelfAssessments() }
                calls[registerKey, default: []].append(monotonicMs() - t)
            }
        }
        return SearchFigures(calls: calls, order: queries.map(\.0) + [registerKey], peakKB: ownPeakKB(), patients: count)
    }

    static func ownPeakKB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }
}

extension Bench {
    /// Runs the search worker on the largest store and returns what it measured.
    func searchFigures() throws -> SearchFigures {
        let store = try self.store(stores.seeded(largest), schema: "bench_\(largest)")
        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        worker.arguments = ["search-worker", store]
        worker.environment = careplanEnvironment
        let pipe = Pipe()
        worker.standardOutput = pipe
        try worker.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        worker.waitUntilExit()
        guard worker.terminationStatus == 0 else { throw CLIFailure("search worker failed (\(worker.terminationStatus))") }
        return try JSONDecoder().decode(SearchFigures.self, from: data)
    }
}
