import ArgumentParser
import CareplanCore
import CareplanSQLite
import CareplanStores
import Foundation

// `careplan store ...`: the store as a whole. An administrator signs in to the store copied from, and the copy
// is audited on both sides.

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "The store as a whole: copy it into a new one (another file, or a PostgreSQL database).",
        subcommands: [StoreCopyCommand.self])
}

struct StoreCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy every record of a store into a new, empty one: a file, or a PostgreSQL database (postgres://user@host:port/database).",
        discussion: """
            An administrator of FROM signs in (--as NAME). TO must be new: a file that does not exist yet, or a PostgreSQL database (or \
            schema, with ?options=-csearch_path%3DNAME) that holds nothing yet; careplan never writes over a store, nor beside another's tables. The copy is made \
            in one transaction and kept only when every table's rows and content match the original's; the audit trail goes across \
            whole (the same audit key keys both: copy the key to every host that opens TO), and both stores record the copy. \
            The password of a server comes from ~/.pgpass or PGPASSWORD, never the address.
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The store to copy: a file, or postgres://…", valueName: "FROM"))
    var from: String

    @Argument(help: ArgumentHelp("The new store: a file that does not exist yet, or postgres://… holding nothing yet", valueName: "TO"))
    var to: String

    func run() throws {
        guard options.store == nil else { throw CLIError("FROM names the store to copy: leave out --store") }
        var fromOptions = options
        fromOptions.store = from
        let source = try fromOptions.location(), target = try parsed(to)
        guard source != target else { throw CLIError("FROM and TO are the same store: copy into a new one") }
        guard let store = try fromOptions.openExistingStore() as? CareStore else { throw CLIError("\(source.redacted) cannot be copied") }
        let me = try fromOptions.signIn(store, try fromOptions.loadConfiguration(), toDo: .manageUsers)
        let made: StoreCopy.Target
        do { made = try target.newStore() } catch { throw CLIError("not copied: \(error)") }
        var bar: ProgressBar?
        let report: StoreCopy.Report
        do {
            report = try StoreCopy.copy(from: store, fromName: source.redacted, to: made, by: me.name) { done, total in
                if bar == nil { bar = ProgressBar(total: total, label: "Copying the store") }
                bar?.show(done)
            }
            bar?.finish()
        } catch {
            bar?.abandon()
            throw CLIError("not copied: \(error)")
        }
        let width = report.rows.map(\.table.count).max() ?? 0
        for (table, rows) in report.rows {
            print(table.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(rows))
        }
        for note in report.notes { print("Note: \(note).") }
        print("Copied \(source.redacted) to \(target.redacted). Audit trail intact: \(report.auditEntries) \(report.auditEntries == 1 ? "entry" : "entries") (the same key as FROM).")
    }

    func parsed(_ value: String) throws -> StoreLocation {
        do { return try StoreLocation.parse(value) } catch { throw CLIError(String(describing: error)) }
    }
}
