import PseudoTerminal
import CareplanCore
import CareplanScreens
import Foundation

/// What every measurement shares: options, the programs under test, the stores, and the targets met or missed.
final class Bench {
    struct Options {
        var quick = false
        var storesFolder: String?
        var showBytes = false
        var names: [String] = []
    }

    let options: Options
    let careplan: String
    let dialog: String?
    let root: String
    /// The server this pass measures on (`--postgres`: its stores are schemas copied from the files), or nil: SQLite.
    let postgres: String?
    lazy var stores: StoreCache = try! StoreCache(folder: options.storesFolder, careplan: careplan, environment: careplanEnvironment)
    private(set) var verdicts: [String] = []

    /// Store sizes, in patients.
    var sizes: [Int] { options.quick ? [0, 10_000] : [0, 10_000, 100_000] }
    var largest: Int { sizes.last! }

    /// `stores`: the files another pass made (a PostgreSQL pass copies them rather than seeding again).
    init(options: Options, postgres: String? = nil, stores: StoreCache? = nil) throws {
        self.options = options
        self.postgres = postgres
        guard let root = Configuration.locateRoot() else {
            throw CLIFailure("cannot find Screens/ and Resources/: run from the repository or set CAREPLAN_HOME")
        }
        self.root = root.path
        let here = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        careplan = here.deletingLastPathComponent().appendingPathComponent("careplan").path
        guard FileManager.default.isExecutableFile(atPath: careplan) else {
            throw CLIFailure("\(careplan) not found: build it first (swift build -c release --static-swift-stdlib --product careplan)")
        }
        dialog = ["/usr/bin/dialog", "/usr/local/bin/dialog"].first { FileManager.default.isExecutableFile(atPath: $0) }
        if let stores { self.stores = stores }
    }

    /// What the figures of this pass are named with: nothing for SQLite, `postgres/` on a server.
    var engine: String { postgres == nil ? "" : "postgres/" }

    /// A measurement's line: `name: figures`.
    func line(_ name: String, _ figures: String) { print("\(engine)\(name): \(figures)") }

    /// The store a measurement runs on: the file at `path`, or on a server its copy in the schema `schema`
    /// (kept for the next run; `reuse` false: copied afresh, for a store the measurement changes).
    func store(_ path: String, schema: String, reuse: Bool = true) throws -> String {
        guard let postgres else { return path }
        return try StoreCache.onServer(path, server: postgres, schema: schema, reuse: reuse)
    }

    /// The terminal every program runs in: what a ward terminal over SSH would give.
    var terminalEnvironment: [String: String] {
        ["TERM": "xterm-256color", "LANG": "C.UTF-8", "PATH": "/usr/local/bin:/usr/bin:/bin",
         "HOME": FileManager.default.temporaryDirectory.path]
    }

    var careplanEnvironment: [String: String] {
        // The audit key the bench's own stores were made with: careplan writes nothing to a store under another.
        // And on a server, how to reach it and sign in (PGPASSFILE, PGPASSWORD, PGSSLMODE...), never in the address.
        terminalEnvironment.merging(["CAREPLAN_HOME": root, "CAREPLAN_AUDIT_KEY": BenchStore.auditKeyPath]) { $1 }
            .merging(ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("PG") }) { $1 }
    }

    /// Records a target and whether it was met; the line is printed with the figures and again at the end.
    func verdict(_ what: String, _ met: Bool?) -> String {
        let word = met.map { $0 ? "PASS" : "MISS" } ?? "n/a"
        verdicts.append("\(word)  \(postgres == nil ? "" : "PostgreSQL: ")\(what)")
        return word
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func configuration() throws -> Configuration {
    guard let root = Configuration.locateRoot() else {
        throw CLIFailure("cannot find Screens/ and Resources/: run from the repository or set CAREPLAN_HOME")
    }
    // The bench only needs the catalogues and services; flows are checked by the application.
    switch Configuration.load(root: root) {
    case .success(let c): return c
    case .failure(let e): throw CLIFailure("configuration: \(e)")
    }
}

/// Times `body` `runs` times after one warm-up run.
func timed(runs: Int, _ body: () throws -> Void) rethrows -> Samples {
    try body()
    var s = Samples()
    for _ in 0..<runs {
        let start = monotonicMs()
        try body()
        s.add(monotonicMs() - start)
    }
    return s
}
