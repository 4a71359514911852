import ArgumentParser
import CareplanCore
import CareplanRuntime
import CareplanScreens
import CursesBackend
import Foundation
import Logging

struct Kiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",  // named, not derived from the type: that costs a runtime scan at every start
        abstract: "Run the patients' self-assessment kiosk (Screens/kiosk.yaml), or set its staff PIN.",
        discussion: """
            Patients identify with a code issued from their record in the clinician application (K on the record) \
            and their date of birth. The kiosk cannot be closed without the staff PIN (Ctrl-X); Ctrl-C, Ctrl-Z and \
            Ctrl-\\ do nothing. Idle, it saves the answers and returns to its welcome.
            """)

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "Set (or change) the staff PIN that closes the kiosk, reading it from the terminal or standard input.")
    var setPin = false

    @Option(name: .long, help: ArgumentHelp("Seconds without a key before the kiosk saves and returns to its welcome (default from Screens/kiosk.yaml).", valueName: "seconds"))
    var idleSeconds: Int?

    @Flag(name: .long, help: "High-contrast colours (white on black, yellow highlight).")
    var highContrast = false

    @Flag(name: .long, help: "No colours (also when NO_COLOR is set).")
    var noColor = false

    func validate() throws {
        if let s = idleSeconds, s < 5 { throw ValidationError("--idle-seconds must be at least 5") }
    }

    func run() throws {
        let store = try options.openStore(interactive: !setPin)
        if setPin { return try setStaffPIN(store) }
        // A store that takes no answers (damaged, or under another audit key) was refused on opening, saying why;
        // damage found later (the quick check runs beside start-up) stops the run loop.

        FileLogHandler.bootstrap(folder: try options.location().logFolder)
        let log = Logger(label: "careplan.kiosk")
        var config = try options.loadConfiguration()
        guard var flow = config.flows["kiosk"] else { throw CLIError("Screens/kiosk.yaml is missing") }
        guard try store.hasStaffPIN() else {
            throw CLIError("set a staff PIN first (careplan kiosk --set-pin): without one the kiosk could not be closed")
        }
        if let s = idleSeconds { flow.settings[.idleSeconds] = s; flow.settings[.idleWarningSeconds] = min(flow.setting(.idleWarningSeconds), s / 2) }
        config.flows["kiosk"] = flow
        let frozenConfig = config
        // What happens at the kiosk is the patient's doing, not the login's: recorded as the kiosk.
        let user = "kiosk"
        let (monochrome, contrast) = (noColor, highContrast)
        log.info("kiosk started")
        let status: Int32 = try MainActor.assumeIsolated {
            let terminal: CursesTerminal
            do {
                // Raw mode: Ctrl-C, Ctrl-Z and Ctrl-\ arrive as keys, which the kiosk ignores.
                terminal = try CursesTerminal(options: TerminalOptions(rawMode: true, monochrome: monochrome, highContrast: contrast))
            } catch {
                throw CLIError("the kiosk needs an interactive terminal (\(error))")
            }
            let program = Program(store: store, configuration: frozenConfig, flowId: "kiosk", user: user, size: terminal.size, now: Date())
            return RunLoop(program: program, store: store, terminal: terminal, effects: EffectRunner { _, _ in }, log: log).run()
        }
        if status != 0 { throw ExitCode(status) }
    }

    private func setStaffPIN(_ store: any CareRepository) throws {
        // Whoever sets it issues the codes the kiosk takes.
        let config = try options.loadConfiguration()
        let me = try options.signIn(store, config, toDo: .issueKioskCodes)
        // Changing it needs the current one: running careplan on the store must not be enough to take over the kiosk.
        // Checked before the new one is asked for, so a wrong one is refused at once (recorded, counted towards the lockout).
        let lockout = config.policy.kioskLockout
        let current = try store.hasStaffPIN() ? try options.readSecret("Current staff PIN: ") : nil
        if let current {
            do { try store.checkStaffPIN(current, by: me.name, action: nil, lockout: lockout) }
            catch let e as KioskError { throw try refused(e) }
        }
        let first = try options.readSecret("New staff PIN (at least 6 characters): ")
        guard first.count >= 6 else { throw CLIError("a staff PIN needs at least 6 characters") }
        if !options.passwordStdin, try options.readSecret("The same PIN again: ") != first {
            throw CLIError("the two PINs differ: nothing was changed")
        }
        do { try store.setStaffPIN(first, current: current, by: me.name, lockout: lockout) }
        catch let e as KioskError { throw try refused(e) }
        print("Staff PIN \(current == nil ? "set" : "changed"). Only a salted scrypt hash of it is stored.")
    }

    /// A refused PIN, in the kiosk's words (Resources/wording.yaml).
    private func refused(_ e: KioskError) throws -> CLIError {
        CLIError("\(try options.loadConfiguration().wording.describe(e)) Nothing was changed.")
    }
}
