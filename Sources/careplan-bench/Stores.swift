import PseudoTerminal
import CareplanCore
import CareplanPostgres
import CareplanSQLite
import CareplanStores
import Foundation

/// The bench's stores, opened here as careplan opens a `--store` value (a file, or a server's address) and
/// used through `CareRepository` everywhere else.
enum BenchStore {
    static func open(_ store: String) throws -> any CareRepository { try StoreLocation.parse(store).open() }
    static func inMemory() throws -> any CareRepository { try CareStore() }
    /// The audit key the bench's stores are made with.
    static var auditKeyPath: String { AuditKeeper.defaultKeyPath() }
}

/// Stores of 0, 10,000 and 100,000 fictional patients, made by `careplan seed` once per run (seeding
/// 100,000 takes about 15 s) in a temporary folder, or kept in a folder given with `--stores` across runs.
final class StoreCache {
    let folder: URL
    let careplan: String
    let environment: [String: String]
    private let temporary: Bool
    private var made: Set<Int> = []

    init(folder: String?, careplan: String, environment: [String: String]) throws {
        if let folder {
            self.folder = URL(fileURLWithPath: folder)
            temporary = false
        } else {
            self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("careplan-bench-\(getpid())")
            temporary = true
        }
        try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true)
        self.careplan = careplan
        self.environment = environment
    }

    deinit {
        if temporary { try? FileManager.default.removeItem(at: folder) }
    }

    /// The seeded store of `patients` patients, untouched by the bench (start-up is measured on it).
    func seeded(_ patients: Int) throws -> String {
        let path = folder.appendingPathComponent("seed-\(patients).sqlite").path
        if made.contains(patients) || FileManager.default.fileExists(atPath: path) { made.insert(patients); return path }
        let started = monotonicMs()
        // Staffed as a ward would be, with the bench's own login trusted (no password typed at start-up): an
        // administrator, the login as a clinical nurse specialist, who seeds the patients.
        let password = "tall green ladder"
        let login = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "bench"
        try run(["users", "add", "bench-admin", "--admin", "--full-name", "Bench Admin"], path, input: [password])
        try run(["users", "add", login, "--role", "clinical-nurse-specialist", "--full-name", "Bench Nurse", "--as", "bench-admin"], path,
                input: [password, password])
        try run(["users", "trust-os-accounts", "yes", "--as", "bench-admin"], path, input: [password])
        if patients > 0 { try run(["seed", "--patients", String(patients)], path, input: []) }
        print("  (seeded \(patients) patients in \(String(format: "%.1f", (monotonicMs() - started) / 1000)) s: \(path))")
        made.insert(patients)
        return path
    }

    /// The store file at `path` on `server` as the schema `schema`, copied there by `careplan store copy`'s code
    /// and kept: a later run reuses it while its schema steps and patients (and their tally) match the file's.
    static func onServer(_ path: String, server: String, schema: String, reuse: Bool) throws -> String {
        let address = server + (server.contains("?") ? "&" : "?") + "options=-c%20search_path%3D\(schema)"
        let location = try PostgresLocation.resolve(address)
        let source = try CareStore(path: path)
        let patients = try source.patientCount()
        if reuse, let there = try? PostgresEngine(location) {
            defer { there.close() }
            let same = try? there.read { c -> Bool in
                let db = Database(c)
                guard try db.tableExists("grdb_migrations"), try CareStore.recordedMigrations(db) == CareStore.migrationNames else { return false }
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM patient") == patients
                    && Int.fetchOne(db, sql: "SELECT n FROM patient_tally") == patients
            }
            if same == true { return address }
        }
        let admin = try PostgresEngine(PostgresLocation.resolve(server))
        defer { admin.close() }
        try admin.write { c in try Database(c).execute(sql: "DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema)") }
        let started = monotonicMs()
        let copied = try StoreCopy.copy(from: source, fromName: path, to: .postgres(location), by: "bench")
        let rows = copied.rows.map(\.rows).reduce(0, +)
        print("  (copied \(patients) patients, \(rows) rows, to the schema \(schema) in \(String(format: "%.1f", (monotonicMs() - started) / 1000)) s)")
        return address
    }

    /// `careplan ARGS --store PATH --password-stdin`, given `input` one a line.
    private func run(_ args: [String], _ path: String, input: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: careplan)
        process.arguments = args + ["--store", path, "--password-stdin"]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.map { $0 + "\n" }.joined().utf8))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PtyError("careplan \(args.joined(separator: " ")) failed (\(process.terminationStatus))") }
    }

    /// A copy of the seeded store with one more patient, whose assessment is in progress: the keystroke
    /// runs type, choose and save in it, so the seeded store stays as seeded.
    func withBenchPatient(_ patients: Int) throws -> (path: String, patient: BenchPatient) {
        let source = try seeded(patients)
        let path = folder.appendingPathComponent("keys-\(patients).sqlite").path
        let fm = FileManager.default
        for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
        for suffix in ["", "-wal"] where fm.fileExists(atPath: source + suffix) {
            try fm.copyItem(atPath: source + suffix, toPath: path + suffix)
        }
        return (path, try BenchPatient.add(to: BenchStore.open(path)))
    }
}

/// The patient the keystroke runs open: found by an NHS number no seeded patient has (the top of the
/// fictional range; the seeder counts up from the bottom).
struct BenchPatient {
    static let familyName = "Benchmark"
    var nhsNumber: NHSNumber

    static func topFictionalNumber() -> NHSNumber {
        for serial in stride(from: 999_999, through: 0, by: -1) {
            let nine = Array("999" + String(serial)).map { Int(String($0))! }
            if let check = NHSNumber.checkDigit(for: nine), let n = NHSNumber("999\(serial)\(check)") { return n }
        }
        fatalError("no valid fictional NHS number")
    }

    static func add(to store: any CareRepository) throws -> BenchPatient {
        let number = topFictionalNumber()
        let catalogue = try configuration().catalogues["ncat-hna"]!
        let p = try store.addPatient(Patient(nhsNumber: number, familyName: familyName, givenName: "Bea",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!, diagnosis: "Breast", diagnosisCode: "C50.9"))
        _ = try store.startAssessment(patientId: p.id!, pathwayPoint: .duringTreatment, completedBy: .patientWithClinician,
                                      date: LocalDate(Date()), catalogue: catalogue, createdBy: "bench")
        return BenchPatient(nhsNumber: number)
    }
}
