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
        let patients = largest
        let folder = options.storesFolder.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory.appendingPathComponent("careplan-bench-worklist-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if options.storesFolder == nil { try? FileManager.default.removeItem(at: folder) } }
        let path = folder.appendingPathComponent("followup-\(patients).sqlite").path
        let today = LocalDate(Date())
        var seeded: Double?
        if !FileManager.default.fileExists(atPath: path) {
            let started = monotonicMs()
            let store = try BenchStore.open(path)
            let catalogue = config.catalogues["ncat-hna"] ?? config.catalogues.values.first!
            try store.addFictionalPatients(Seeder(catalogue: catalogue, today: today), count: patients, createdBy: "bench", now: Date())
            // Colorectal three times in five: about 9.6 tests a patient, near a million at 100,000.
            let p = config.pathways
            guard let c = p["colorectal-standard"], let b = p["breast-early"], let pr = p["prostate-radical"] else { throw CLIFailure("the example pathways are missing") }
            _ = try store.addFictionalFollowUp(pathways: [c, c, pr, c, b], today: today, by: "bench", now: Date())
            seeded = (monotonicMs() - started) / 1000
        }
        let store = try BenchStore.open(path)  // a fresh connection, as careplan opens it
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
