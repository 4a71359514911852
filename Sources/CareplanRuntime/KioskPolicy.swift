import CareplanCore
import CareplanScreens
import Foundation
import TermUI

/// What a kiosk does that a clinician's terminal does not: the idle warning and reset, and no way out but
/// the staff PIN.
extension Program {
    var idleFor: TimeInterval { session.now.timeIntervalSince(lastKey) }

    /// Seconds left before the kiosk's idle reset, or the clinician's idle lock, when the warning should show.
    var idleWarning: Int? {
        if !isKiosk {
            guard session.staff != nil, !session.locked else { return nil }
            let left = session.idleLock - idleFor
            return left <= session.idleWarning ? max(0, Int(left.rounded(.up))) : nil
        }
        guard screen.kind != .kioskWelcome else { return nil }
        let idle = TimeInterval(session.flow.setting(.idleSeconds))
        let left = idle - idleFor
        return left <= TimeInterval(session.flow.setting(.idleWarningSeconds)) ? max(0, Int(left.rounded(.up))) : nil
    }

    /// Saves what is pending and returns to the welcome, forgetting the patient.
    func resetKiosk() -> [Effect] {
        _ = send(.leaving)
        session.patient = nil
        session.assessment = nil
        session.kioskPage = nil
        session.kioskReturnToReview = false
        session.message = nil
        helpScroll = nil
        question = nil
        beforeStaff = nil
        open(session.flow.screen(session.flow.start)!)
        return [.resetScreen]
    }

    /// Keys on a kiosk (after help, which both modes share): no quitting, no way out but the staff PIN (Ctrl-X).
    func handleKiosk(_ key: Key) -> [Effect] {
        switch key {
        case .ctrl("x"):
            if screen.kind != .kioskStaff, let staff = session.flow.screen(kind: ScreenKind.kioskStaff.rawValue) {
                _ = send(.leaving)
                beforeStaff = (screen, place)
                open(staff)
            }
            return []
        case .ctrl(_) where !screen.takesText:
            // No control key leaves or changes anything here; a box being typed in still gets its editing keys.
            session.say(session.words(.kioskUseShownKeys))
            return []
        default: break
        }
        return kioskGo(send(.key(key)))
    }

    /// Where a kiosk key leads: back from the staff PIN to the screen it was opened over, and anything
    /// reaching the welcome again resets the kiosk.
    func kioskGo(_ nav: Navigation) -> [Effect] {
        if screen.kind == .kioskStaff, nav == .back {
            guard let previous = beforeStaff else { return resetKiosk() }
            (screen, place) = previous
            beforeStaff = nil
            session.contentArea = contentArea
            return []
        }
        // Back at the welcome, nothing of this patient may remain.
        if nav == .restart || destination(nav)?.id == session.flow.start { return resetKiosk() }
        return go(nav, confirmed: true)
    }
}
