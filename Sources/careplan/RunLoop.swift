import CareplanCore
import CareplanScreens
import CursesBackend
import Foundation

/// The application's loop: read keys, let the program change state (it saves as it goes), run the
/// effects it asks for, draw. Hang-up and terminate save everything pending, blank the screen, restore
/// the terminal and leave, all within a second; end of input never spins.
@MainActor
struct RunLoop {
    let program: Program
    let terminal: CursesTerminal
    let effects: EffectRunner
    /// How often, with no keys, the program gets a tick (to save a note typed a moment ago).
    static let tickMilliseconds = 400

    /// Runs until quit; returns the exit status.
    func run() -> Int32 {
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
                        if effect == .quit { return finish() }
                        effects.run(effect, program.session)
                    }
                }
            case .timeout:
                break
            case .hangup, .signal:
                return finish()
            }
            program.tick(now: Date())
            terminal.draw(program.render())
        }
    }

    private func finish() -> Int32 {
        program.flush(now: Date())
        terminal.shutdown()
        return 0
    }
}

/// Runs what the screens ask for that is not theirs to do: writing and printing files.
@MainActor
struct EffectRunner {
    var run: (Effect, Session) -> Void
}
