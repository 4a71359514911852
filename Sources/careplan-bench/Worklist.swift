import CareplanCore
import PseudoTerminal
import CareplanSQLite
import Foundation

// The clinician's worklist (issue 14) on a store of 100,000 patients on follow-up pathways with about a
// million scheduled tests: the one store call the home screen makes to open.

struct WorklistFigures {
    var patients: Int
    var tests: Int
    var seededSeconds: Double?
    var first: Double
    var calls: Samples
    var items: Int
    var counts: String
}

extension Bench {
    func worklistFigures() throws -> WorklistFigures {
        let config = try configuration()
        let (folder, path, seeded) = try followUpStore("followup")
        defer { if options.storesFolder == nil { try? FileManager.default.removeItem(at: folder) } }
        let today = LocalDate(Date())
        let store = try BenchStore.open(self.store(path, schema: "bench_followup_\(largest)"))  // a fresh connection, as careplan opens it
        let tests = try (store as? CareStore)?.followUpTestCount() ?? 0
        let query = WorklistQuery(teams: nil, today: today, now: Date(), policy: config.policy)
        let t = monotonicMs()
        var list = try store.worklist(query)
        let first = monotonicMs() - t
        var s = Samples()
        for _ in 0..<51 {
            let start = monotonicMs()
            list = try store.worklist(query)
            s.add(monotonicMs() - start)
        }
        let counts = WorkKind.allCases.compactMap { k in list.counts[k].map { "\(k.rawValue) \($0)" } }.joined(separator: ", ")
        return WorklistFigures(patients: try store.patientCount(), tests: tests, seededSeconds: seeded, first: first, calls: s, items: list.items.count,
                               counts: counts)
    }
}

extension Bench {
    /// A store of `largest` fictional patients on the example follow-up pathways (`more` adds to it when it is
    /// made), kept in --stores for the next run, else in a temporary folder the caller removes.
    func followUpStore(_ name: String, _ more: (any CareRepository, Configuration, LocalDate) throws -> Void = { _, _, _ in })
        throws -> (folder: URL, path: String, seeded: Double?) {
        let config = try configuration()
        let folder = options.storesFolder.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory.appendingPathComponent("careplan-bench-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("\(name)-\(largest).sqlite").path
        guard !FileManager.default.fileExists(atPath: path) else { return (folder, path, nil) }
        let started = monotonicMs(), today = LocalDate(Date())
        let store = try BenchStore.open(path)
        let catalogue = config.catalogues["ncat-hna"] ?? config.catalogues.values.first!
        try store.addFictionalPatients(Seeder(catalogue: catalogue, today: today), count: largest, createdBy: "bench", now: Date())
        // Colorectal three times in five: about 9.6 tests a patient, near a million at 100,000.
        let p = config.pathways
        guard let c = p["colorectal-standard"], let b = p["breast-early"], let pr = p["prostate-radical"] else { throw CLIFailure("the example pathways are missing") }
        _ = try store.addFictionalFollowUp(pathways: [c, c, pr, c, b], today: today, by: "bench", now: Date())
        try more(store, config, today)
        return (folder, path, (monotonicMs() - started) / 1000)
    }
}
