import ArgumentParser
import CareplanCore
import Foundation

struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",  // named, not derived from the type: that costs a runtime scan at every start
        abstract: "Add fictional patients (NHS numbers from the never-issued 999 range) for demos, tests and benchmarks.")

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: "How many patients to add.")
    var patients: Int = 50

    @Option(name: .long, help: "Seed for the generator: the same seed gives the same patients.")
    var seed: UInt64 = 42

    func validate() throws {
        guard (1...900_000).contains(patients) else { throw ValidationError("--patients must be between 1 and 900000") }
    }

    func run() throws {
        let config = try options.loadConfiguration()
        let store = try options.openStore()
        let me = try options.signIn(store, config, toDo: .editPatients)
        let catalogue = config.catalogue(for: config.flows["clinician"]!)
        let started = Date()
        let added = try store.addFictionalPatients(Seeder(catalogue: catalogue, seed: seed, today: LocalDate(Date())), count: patients, createdBy: me.name)
        let seconds = Date().timeIntervalSince(started)
        let location = try options.location()
        print("Added \(added) fictional patients to \(location.redacted) in \(String(format: "%.1f", seconds)) s.")
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",  // named, not derived from the type: that costs a runtime scan at every start
        abstract: "List patients with NHS number, name, date of birth and latest assessment.")

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "Print JSON (one array of objects) instead of a table.")
    var json = false

    func run() throws {
        let store = try options.openExistingStore()
        let me = try options.signIn(store, try options.loadConfiguration(), toDo: .viewRecords)
        let rows = try store.allPatients()
        // Every name and NHS number leaves the store here: recorded before anything is printed.
        try store.recordListing(user: me.name, patients: rows.count)
        if json {
            let objects: [[String: Any]] = rows.map { r in
                var o: [String: Any] = ["nhsNumber": r.patient.nhsNumber.digits, "familyName": r.patient.familyName,
                                        "givenName": r.patient.givenName, "dateOfBirth": r.patient.dateOfBirth.iso]
                o["latestAssessmentId"] = r.latestAssessmentId.map { NSNumber(value: $0) } ?? NSNull()
                o["latestStatus"] = r.latestStatus?.rawValue ?? NSNull()
                return o
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            FileHandle.standardOutput.write(data)
            print()
            return
        }
        if rows.isEmpty {
            print("No patients yet. Add one in the application (careplan), or add fictional ones with `careplan seed`.")
            return
        }
        print(pad("NHS number", 14) + pad("Name", 34) + pad("Born", 13) + pad("Assessment", 11) + "Status")
        for r in rows {
            print(pad(r.patient.nhsNumber.formatted, 14) + pad(r.patient.displayName, 34) + pad(r.patient.dateOfBirth.display, 13)
                  + pad(r.latestAssessmentId.map(String.init) ?? "-", 11) + (r.latestStatus?.label ?? "none"))
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",  // named, not derived from the type: that costs a runtime scan at every start
        abstract: "Check every flow (Screens/), catalogue, code list, policy, wording, roles, QOF rules, information library and follow-up pathway file (Resources/), reporting each problem with file, line and fix.",
        discussion: "With --store (or CAREPLAN_STORE), also check that store: SQLite's full integrity check of its file, or a server's store opened and checked.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        if options.namesAStore { try checkStore() }
        let config = try options.loadConfiguration()
        let items = config.catalogues.values.map { $0.allItems.count }.reduce(0, +)
        print("OK: \(config.flows.count) flow(s), \(config.catalogues.count) catalogue(s) with \(items) items, \(config.services.services.count) services, "
              + "\(config.codes.lists.count) code lists, \(config.documents.count) document template(s), \(Phrase.allCases.count) phrases, \(config.roles.roles.count) roles, in \(config.root.path)")
        let editions = config.qof.editions.map { "from \($0.appliesFrom.iso)" }.joined(separator: ", ")
        print("OK: QOF rules (\(config.qof.editions.count) edition(s): \(editions)); information library of \(config.library.items.count) items "
              + "in \(config.library.topics.count) topics" + (config.library.isExample ? " (the shipped example: replace it with your own)" : ""))
        let examples = config.pathways.values.filter(\.isExample).count
        print("OK: \(config.pathways.count) follow-up pathway(s)" + (examples > 0 ? ", \(examples) of them careplan's examples (confirm locally)" : ""))
        let r = config.policy.reports
        print("OK: reports: \(config.tumourSites.sites.count) tumour site groups; EoTS on time within \(r.eotsWithinWeeks) weeks, top \(r.topConcerns) concerns")
        if options.namesAStore { try checkEnrolledPathways(config) }
    }

    /// Patients on follow-up under a pathway file since changed or removed: said; a failure when their rules were not kept.
    private func checkEnrolledPathways(_ config: Configuration) throws {
        let changes = try options.openExistingStore().pathwayChanges(config.pathways)
        for c in changes where c.rulesKept { print("Warning: \(c.words).") }
        let lost = changes.filter { !$0.rulesKept }
        if !lost.isEmpty { throw CLIError(lost.map(\.words).joined(separator: ".\n")) }
    }

    /// The full check reads every page and every index entry: seconds on a big store, so on request only.
    private func checkStore() throws {
        switch try options.location() {
        case .sqlite(let path): try checkStoreFile(path)
        case .postgres(let server): try checkServerStore(server.redacted)
        }
    }

    /// A server's store has no file to check: it is opened (which refuses one of a newer careplan), and its
    /// tables checked as careplan checks them on every store.
    private func checkServerStore(_ address: String) throws {
        let answer = try options.openExistingStore(refusingUnwritable: false).integrityCheck()
        guard answer == "ok" else {
            throw CLIError("the store \(address) is damaged. careplan's check says:\n\(answer)\n"
                           + "careplan writes nothing more to it. Ask the database's administrator to restore the last backup")
        }
        print("OK: the store \(address) opened and passed careplan's check.")
    }

    /// SQLite's full check of the store file.
    private func checkStoreFile(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("there is no store at \(path)") }
        if let newer = options.newerSchema(ofFile: path) { throw CLIError(newer) }
        let answer = options.integrityCheck(ofFile: path)
        if answer == "ok" {
            print("OK: the store \(path) passed SQLite's full integrity check.")
            return
        }
        throw CLIError("the store \(path) is damaged. SQLite says:\n\(answer)\n"
                       + "careplan writes nothing more to it. Keep a copy of it (with any -wal file beside it), then restore the last "
                       + "backup of the store, or ask IT: `sqlite3 \(path) .recover` may rescue what is readable")
    }
}
