import CareplanCore
import CareplanExport
import Foundation

// careplan-bench: timings that matter to a person at a ward terminal. Not a test: it prints, it does not fail.
// Each measurement is a name and a body run `runs` times after one warm-up run; the median is reported as
//   name: median X ms (n runs)
// Add a measurement by appending to `measurements`. `careplan-bench NAME...` runs only those.

struct Measurement {
    var name: String
    var runs: Int
    /// Prepares once (not timed) and returns the body to time.
    var prepare: () throws -> () throws -> Void
}

func configuration() throws -> Configuration {
    guard let root = Configuration.locateRoot() else {
        throw CLIFailure("cannot find Screens/ and Resources/: run from the repository or set CAREPLAN_HOME")
    }
    // The bench only needs the catalogues and services; flows are checked by the application.
    let kinds: Set<String> = ["patient-register", "patient-form", "patient-record", "assessment-start", "concern-checklist",
                              "prioritise", "conversation-notes", "agreed-actions", "plan-review"]
    switch Configuration.load(root: root, knownKinds: ["*": kinds], requiredKinds: [:]) {
    case .success(let c): return c
    case .failure(let e): throw CLIFailure("configuration: \(e)")
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

let measurements: [Measurement] = [
    Measurement(name: "pdf", runs: 21) {
        // A typical agreed plan (8 concerns, 4 discussed, about three A4 pages), rendered to PDF in memory.
        let config = try configuration()
        let catalogue = config.catalogues["ncat-hna"] ?? config.catalogues.values.first!
        let store = try CareStore()
        let id = try SamplePlans.add(.typical, to: store, catalogue: catalogue, services: config.services, agreed: true)
        let a = try store.assessment(id: id)!
        let doc = PlanDocument(assessment: a, patient: try store.patient(id: a.patientId)!, catalogue: catalogue, services: config.services)
        return { _ = try PlanExporter.render(doc, format: .pdf, paper: .a4) }
    },
]

let wanted = Set(CommandLine.arguments.dropFirst())
for m in measurements where wanted.isEmpty || wanted.contains(m.name) {
    do {
        let body = try m.prepare()
        try body()  // warm-up: fonts, caches
        var times: [Double] = []
        for _ in 0..<m.runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        print("\(m.name): median \(String(format: "%.1f", times[times.count / 2])) ms (\(m.runs) runs)")
    } catch {
        print("\(m.name): failed: \(error)")
    }
}
