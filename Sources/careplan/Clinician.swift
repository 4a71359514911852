import ArgumentParser
import CareplanCore
import Foundation

struct Clinician: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app", abstract: "Open the clinician application (the default).")

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "No colours (also when NO_COLOR is set).")
    var noColor = false

    func run() throws {
        let config = try options.loadConfiguration()
        let store = try options.openStore()
        _ = (config, store)
        throw CLIError("the application is being built")
    }
}
