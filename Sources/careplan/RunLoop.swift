import CareplanCore
import CareplanScreens
import CursesBackend
import Foundation
import Logging

/// The application's loop: read keys, let the program change state (it saves as it goes), run the
/// effects it asks for, draw. Hang-up and terminate save everything pending, blank the screen, restore
/// the terminal and leave, all within a second; end of input never spins.
@MainActor
struct RunLoop {
    let program: Program
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
                }
            case .timeout:
                break
            case .hangup:
                return finish("terminal hung up")
            case .signal(let signal):
                return finish("signal \(signal)")
            }
            for effect in program.tick(now: Date()) { perform(effect) }
            terminal.draw(program.render())
        }
    }

    private func perform(_ effect: Effect) {
        switch effect {
        case .resetScreen:
            terminal.wipe()  // nothing of the last patient stays on the glass, nor in the scrollback
            log.info("kiosk returned to its welcome")
        default:
            effects.run(effect, program.session)
        }
    }

    private func finish(_ why: String) -> Int32 {
        program.flush(now: Date())
        terminal.shutdown()
        log.info("stopped, everything saved", metadata: ["reason": "\(why)"])
        return 0
    }
}

/// Runs what the screens ask for that is not theirs to do: writing and printing files.
@MainActor
struct EffectRunner {
    var run: (Effect, Session) -> Void
}
