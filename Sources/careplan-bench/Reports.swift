import CareplanCore
import CareplanSQLite
import PseudoTerminal
import Foundation

// Reports (issue 15) on a store of 100,000 patients and about 500,000 documents (assessments and End of Treatment
// Summaries), with follow-up: each report over the last full month and over the last twelve months, as
// `careplan report` runs it (the store's facts and the table; writing the output is not counted).

struct ReportFigures {
    var patients: Int
    var documents: Int
    var seededSeconds: Double?
    /// Report name, period, median ms, slowest ms.
    var runs: [(name: String, period: String, median: Double, max: Double)]
}

extension Bench {
    func reportFigures() throws -> ReportFigures {
        let config = try configuration()
        let (folder, path, seeded) = try followUpStore("reports") { store, config, today in
            let catalogue = config.catalogues["ncat-hna"] ?? config.catalogues.values.first!
            let items = catalogue.allItems.prefix(8).map { (key: $0.item.id, category: $0.category.id, label: $0.item.label) }
            _ = try (store as! CareStore).addFictionalReportHistory(perPatient: 4, items: items, today: today, by: "bench", now: Date())
        }
        defer { if options.storesFolder == nil { try? FileManager.default.removeItem(at: folder) } }
        let today = LocalDate(Date())
        let store = try BenchStore.open(self.store(path, schema: "bench_reports_\(largest)"))  // a fresh connection, as careplan opens it
        let documents = try (store as? CareStore)?.assessmentAndDocumentCount() ?? 0
        let context = ReportContext(teams: try store.teams(), configuration: config)
        let firstOfMonth = LocalDate(year: today.year, month: today.month, day: 1)!
        let lastMonthEnd = firstOfMonth.adding(days: -1)
        let periods = [("last month", ReportScope(from: LocalDate(year: lastMonthEnd.year, month: lastMonthEnd.month, day: 1)!, to: lastMonthEnd)),
                       ("12 months", ReportScope(from: firstOfMonth.adding(months: -12), to: lastMonthEnd))]
        var runs: [(String, String, Double, Double)] = []
        for def in ReportCatalogue.reports {
            for (name, scope) in periods {
                var s = Samples()
                for _ in 0..<5 {
                    let start = monotonicMs()
                    _ = try ReportCatalogue.run(def.name, scope: scope, by: nil, store: store, context: context)
                    s.add(monotonicMs() - start)
                }
                runs.append((def.name, name, s.median, s.max))
            }
        }
        return ReportFigures(patients: try store.patientCount(), documents: documents, seededSeconds: seeded, runs: runs)
    }
}
