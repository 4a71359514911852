import CareplanCore
import CareplanRuntime
import CareplanScreens
import CursesBackend
import Foundation
import Logging

/// The application's loop: read keys, let the program change state (it saves as it goes), run the
/// effects it asks for, draw. Hang-up and terminate save everything pending, blank the screen, restore
/// the terminal and leave, within a second (or `savingPatience`, trying changes the store would not take yet);
/// end of input never spins.
@MainActor
struct RunLoop {
    let program: Program
    /// Watched for damage found after start-up (the quick check runs beside it, and any read may find more).
    let store: any RepositoryHealth
    let terminal: CursesTerminal
    let effects: EffectRunner
    let log: Logger
    /// How often, with no keys, the program gets a tick (to save a note typed a moment ago).
    static let tickMilliseconds = 400

    /// Runs until quit; returns the exit status.
    func run() -> Int32 {
        // A long paste arrives in runs of this many characters, with a redraw between them, so the
        // screen keeps moving (and says when a field's limit is reached) instead of freezing.
        terminal.maxDrain = 16_384
        program.resize(terminal.size)
        if let why = store.writesRefused { return stop(why) }
        terminal.draw(program.render())
        while true {
            let input = terminal.read(timeoutMilliseconds: RunLoop.tickMilliseconds)
            switch input {
            case .keys(let keys):
                for key in keys {
                    if key == .resize { program.resize(terminal.size) }
                    if key == .ctrl("l") { terminal.invalidate() }
                    for effect in program.handle(key, now: Date()) {
                        if effect == .quit { return finish("quit") }
                        perform(effect)
                    }
                    if let why = store.writesRefused { return stop(why) }
                }
            case .timeout:
                break
            case .hangup:
                return finish("terminal hung up", patience: RunLoop.savingPatience)
            case .signal(let signal):
                return finish("signal \(signal)", patience: RunLoop.savingPatience)
            }
            for effect in program.tick(now: Date()) { perform(effect) }
            // What a damaged store answers cannot be trusted (a record read as having no assessment): nothing more
            // is shown from it, nor saved to it.
            if let why = store.writesRefused { return stop(why) }
            terminal.draw(program.render())
        }
    }

    private func perform(_ effect: Effect) {
        switch effect {
        case .resetScreen:
            terminal.wipe()  // nothing of the last patient stays on the glass, nor in the scrollback
            log.info("screen wiped", metadata: ["why": "\(program.isKiosk ? "kiosk returned to its welcome" : "terminal locked")"])
        default:
            effects.run(effect, program.session)
        }
    }

    /// Damage found after start-up: the screen is wiped, nothing more is saved, and the terminal is given back
    /// with what to do.
    private func stop(_ why: String) -> Int32 {
        terminal.wipe()
        terminal.shutdown()
        log.error("stopped: the store cannot be written")
        FileHandle.standardError.write(Data("Error: careplan stopped: \(why).\n".utf8))
        return 1
    }

    /// Stopping with changes waiting for the store: how long they are tried again before careplan gives up on
    /// them (a hang-up or terminate; a quit was told and answered y). Short of systemd's 90 s, long enough for
    /// a server restarting.
    static let savingPatience: TimeInterval = 6

    /// Saves what is pending, gives the terminal back and says what happened: what was not saved is logged,
    /// printed and fails the exit status, never called saved.
    private func finish(_ why: String, patience: TimeInterval = 0) -> Int32 {
        let notSaved = program.flush(now: Date(), patience: patience)
        terminal.shutdown()
        guard let notSaved else {
            log.info("stopped, everything saved", metadata: ["reason": "\(why)"])
            return 0
        }
        log.error("\(notSaved.sentence)", metadata: ["reason": "\(why)"])
        // After a hang-up nobody reads this, and writing may fail: no matter, the log has it.
        try? FileHandle.standardError.write(contentsOf: Data("Error: careplan \(notSaved.sentence).\n".utf8))
        return 1
    }
}

/// Runs what the screens ask for that is not theirs to do: writing and printing files.
@MainActor
struct EffectRunner {
    var run: (Effect, Session) -> Void
}
