import ArgumentParser
import CareplanCore
import CareplanScreens
import CursesBackend
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
        let user = options.userName
        let monochrome = noColor
        let status: Int32 = try MainActor.assumeIsolated {
            let terminal: CursesTerminal
            do {
                // Raw mode: Ctrl-C, Ctrl-S and Ctrl-Z are keys (quit, save, nothing), never signals that
                // would stop careplan without saving or leave patient data on a suspended screen.
                terminal = try CursesTerminal(options: TerminalOptions(rawMode: true, monochrome: monochrome))
            } catch {
                throw CLIError("careplan needs an interactive terminal (\(error))")
            }
            let program = Program(store: store, configuration: config, user: user, size: terminal.size, now: Date())
            let effects = EffectRunner { effect, session in
                switch effect {
                case .quit: break
                case .export, .print:
                    session.say("Exporting from this screen is not available yet: use `careplan export` when it is", .error)
                }
            }
            return RunLoop(program: program, terminal: terminal, effects: effects).run()
        }
        if status != 0 { throw ExitCode(status) }
    }
}
