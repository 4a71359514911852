import ArgumentParser
import CareplanCore
import CareplanSQLite
import CareplanScreens
import CareplanStores
import Foundation

/// Options every command shares: which store, and who is using it (a careplan user, signed in: `signIn`).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store: a file (default: $CAREPLAN_STORE, else $XDG_DATA_HOME/careplan/careplan.sqlite), or a PostgreSQL server as postgres://user@host:port/database (the password from ~/.pgpass or PGPASSWORD, never here).",
        valueName: "path-or-address"))
    var store: String?

    @Option(name: .customLong("as"), help: ArgumentHelp(
        "Your careplan user name; you are asked for your password. Not needed when the store trusts operating-system accounts and yours is a careplan user.",
        valueName: "user-name"))
    var signInName: String?

    @Flag(name: .long, help: "Read passwords (and PINs) from standard input, one a line, instead of asking at the terminal: for scripts.")
    var passwordStdin = false

    /// Whether a store is named, by --store or CAREPLAN_STORE: for `check`, which checks one only when asked.
    var namesAStore: Bool {
        !(store ?? "").isEmpty || !(ProcessInfo.processInfo.environment["CAREPLAN_STORE"] ?? "").isEmpty
    }

    /// Where the store is: --store, else CAREPLAN_STORE, else the default file. Shown and logged as its
    /// `redacted` form only.
    func location() throws -> StoreLocation {
        do { return try StoreLocation.chosen(store) } catch { throw CLIError(String(describing: error)) }
    }

    /// The store, created if it does not exist yet: for the commands that write. `interactive`: the application
    /// and the kiosk, whose start-up the quick check of every page of the store would slow, run it beside.
    /// (Opened through `StoreLocation`, the one place that names an engine: everything else takes a `CareRepository`.)
    func openStore(interactive: Bool = false) throws -> any CareRepository {
        let location = try location()
        return try warned(refusingUnwritable: true) { try location.open(checkInBackground: interactive) }
    }

    /// The store, which must exist: commands that only read never create one (a mistyped --store path would
    /// otherwise leave folders and an empty store behind). Every command but `audit --verify` records what it
    /// shows or writes, so refuses a store that takes no writes (damaged, or under another audit key).
    func openExistingStore(refusingUnwritable: Bool = true) throws -> any CareRepository {
        let location = try location()
        return try warned(refusingUnwritable: refusingUnwritable) { try location.openExisting() }
    }

    /// SQLite's full check of a store file, on a connection of its own, so it runs on a store too damaged to open.
    func integrityCheck(ofFile path: String) -> String { CareStore.integrityCheck(path: path) }

    /// Why a store file is one of a newer careplan, if it is (`careplan check --store`).
    func newerSchema(ofFile path: String) -> String? { CareStore.newerSchema(path: path) }

    /// Opens the store and prints what opening found; a store that takes no writes is refused once, with
    /// what to do, as the error (not also as a note).
    private func warned(refusingUnwritable: Bool, _ open: () throws -> CareStore) throws -> any CareRepository {
        let store: CareStore
        do { store = try open() } catch { throw CLIError(String(describing: error)) }
        let refused = refusingUnwritable ? store.writesRefused : nil
        for warning in store.openingWarnings where refused.map({ !warning.contains($0) }) ?? true {
            FileHandle.standardError.write(Data((warning + "\n").utf8))
        }
        if let refused { throw CLIError(refused) }
        return store
    }

    func loadConfiguration() throws -> Configuration {
        try GlobalOptions.loadConfiguration()
    }

    static func loadConfiguration() throws -> Configuration {
        guard let root = Configuration.locateRoot() else {
            throw CLIError("cannot find the Screens/ and Resources/ folders: set CAREPLAN_HOME to the folder that holds them")
        }
        switch Configuration.load(root: root) {
        case .success(let c): return c
        case .failure(let errors):
            throw CLIError("careplan cannot start: these files need fixing (run `careplan check` after each fix):\n" + errors.description)
        }
    }
}

/// An error for the user, printed to stderr as it is, with a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
