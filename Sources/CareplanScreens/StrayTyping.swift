import Foundation
import TermUI

/// Typing on a screen whose letters are commands (the record, the follow-up), one step from screens where
/// letters are text: a word meant for a field after one Esc too many, or a paste. Text that is no command is
/// refused and said; a command letter (or Esc) straight after such typing is taken as more typing, not acted on.
struct StrayTyping: Equatable {
    /// When typing that is no command here was last seen.
    var at: Date?
    static let gap: TimeInterval = 1

    func isTyping(_ s: Session) -> Bool { at.map { s.now.timeIntervalSince($0) < StrayTyping.gap } ?? false }

    /// Whether `key` is refused as typing (said why, with the screen's keys): text that is not one of
    /// `commands`, or a command letter or Esc straight after typing. `place` names where: "Siân Wiśniewski's record".
    mutating func refuses(_ key: Key, commands: String, place: String, keys: String, _ s: Session) -> Bool {
        switch key {
        case .text(let t):
            let isCommand = t.count == 1 && commands.contains(t.lowercased())
            guard !isCommand || isTyping(s) else { return false }
            at = s.now
            s.say(isCommand ? "“\(t)” came straight after typing, so it was not taken as a command: press it again on its own"
                            : "Typing is not used on \(place). Keys: " + keys, .error)
            return true
        case .escape where isTyping(s):
            at = s.now
            s.say("Esc came straight after typing, so it was not taken as leaving: press it again on its own", .error)
            return true
        default:
            return false
        }
    }
}
