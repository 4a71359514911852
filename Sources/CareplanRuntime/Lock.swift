import CareplanCore
import CareplanScreens
import Foundation
import TermUI

/// A clinician's terminal on a shared ward: it locks on the lock key or when left idle, saving everything
/// and showing nothing of the patient; the same user's password carries on exactly where they were.
extension Program {
    /// The lock key: locks a signed-in terminal at once.
    func lockKey() -> [Effect] {
        if session.locked {
            session.say("Locked already: type your password, or F2 to switch user", .error)
            return []
        }
        guard session.staff != nil else {
            session.say("Nobody is signed in here: there is nothing to lock", .error)
            return []
        }
        return lock(.locked)
    }

    /// Saves what is pending, keeps the screen as it is (its typed text too) out of sight, and shows the lock
    /// screen; the run loop wipes the terminal and its scrollback (`resetScreen`).
    func lock(_ event: SessionEvent) -> [Effect] {
        guard session.staff != nil, !session.locked, let lockPlace = session.flow.screen(kind: ScreenKind.lock.rawValue),
              let lockScreen = registry.make(.lock, session) else { return [] }
        _ = send(.leaving)
        runtime.saveWaiting()
        runtime.record(event)
        beforeLock = (screen, place, question, session.assessment)
        question = nil
        helpScroll = nil
        session.lock()
        screen = lockScreen
        place = lockPlace
        session.contentArea = contentArea
        return [.resetScreen]
    }

    /// The password was right: back to exactly what was shown, with what other terminals saved meanwhile.
    func resume() {
        guard let before = beforeLock else { return }
        beforeLock = nil
        screen = before.screen
        place = before.place
        question = before.question
        session.contentArea = contentArea
        if session.assessment != before.assessment { screen.refreshed(session, from: before.assessment) }
        session.say("Unlocked: carry on where you were", .success)
    }

    /// False when the account (just read again) was disabled: the work is saved, the sign-out audited, and
    /// the sign-in shown with a word why. A clinician's session only (a kiosk has nobody signed in).
    func accountStillUsable(_ usable: Bool) -> Bool {
        guard !usable, !endingDisabledSession, session.staff != nil, !isKiosk else { return true }
        endingDisabledSession = true
        defer { endingDisabledSession = false }
        if !session.locked { _ = send(.leaving) }
        runtime.saveWaiting()
        signOut(.signedOutDisabled, saying: "Signed out: an administrator disabled your account. Everything was saved.")
        return false
    }

    /// Switch user: the work is saved already; the next person signs in with nothing of this one's left.
    func signOut(_ event: SessionEvent = .signedOut,
                 saying words: String = "Signed out: everything was saved. The next person signs in here.") {
        runtime.record(event)
        beforeLock = nil
        question = nil
        openedFrom = [:]
        // The operating-system account stays this person's: the next one types their own password.
        session.operatingSystemAccount = nil
        session.signOut()
        open(session.flow.screen(session.flow.start)!)
        session.say(words, event == .signedOut ? .success : .error)
    }
}
