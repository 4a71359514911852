import CareplanCore
import Foundation
import TermUI

/// A rectangle of the grid given to a screen's content.
public struct Area: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
    public var bottom: Int { y + height }
    public var right: Int { x + width }
}

/// What the run loop must do that the screens cannot: leave, or write a file.
public enum Effect: Equatable, Sendable {
    case quit
    /// Clear the terminal and draw everything again (the kiosk after a patient leaves: nothing of theirs may remain).
    case resetScreen
    case export(assessmentId: Int64, format: String)
    case print(assessmentId: Int64)
    /// A document as PDF, text or FHIR, for a copy (`patient`, `gp`, `record`), its PDF at 14 pt when
    /// `largePrint`; printing sends its PDF.
    case exportDocument(documentId: Int64, format: String, copy: String, largePrint: Bool = false)
    case printDocument(documentId: Int64, copy: String, largePrint: Bool = false)
    /// The patient's information prescription of `date` (only `ids` of it, when not empty), as PDF or text;
    /// printing sends its PDF.
    case exportInformation(patientId: Int64, date: LocalDate, ids: [Int64], format: String, largePrint: Bool = false)
    case printInformation(patientId: Int64, date: LocalDate, ids: [Int64])
    /// A follow-up letter (a result's, or the discharge), as PDF or text.
    case exportFollowUpLetter(FollowUpLetterRequest, format: String)
    /// A report shown on the Reports screen saved as `csv`, `json`, `pdf` or `table` (text): to `path` (a new file,
    /// or a folder to name one in), or with `path` empty to a new file in the current folder. Needs the `reports`
    /// permission, not `export`: a report names no patient.
    case exportReport(ReportTable, format: String, path: String = "")
}

/// Where a key leads.
package enum Navigation: Equatable {
    case stay
    /// Off the screen by one of its named exits (declared in `ScreenRegistry`); the flow says to which screen.
    case exit(String)
    /// Back to the flow's first screen (a kiosk: for the next person, with nothing of this one's left).
    case restart
    case quit
    case effect(Effect)
    /// Off the lock screen, back to exactly where the user was.
    case resume
    /// Signs the user out (their work is saved) and goes back to the sign-in.
    case signOut

    package static let next = Navigation.exit("next")
    package static let back = Navigation.exit("back")
}

/// One entry of the key help line: `^N next`. A key that takes an optional exit is shown only where the
/// flow maps that exit.
package struct KeyHint: Equatable {
    package var keys: String
    package var action: String
    package var exit: String?
    /// Shown only to a role with this permission.
    package var needs: Permission?
    package init(_ keys: String, _ action: String, exit: String? = nil, needs: Permission? = nil) {
        self.keys = keys
        self.action = action
        self.exit = exit
        self.needs = needs
    }
}

/// A screen: its state, how messages change it, and how it draws. It reads the session (the open patient and
/// assessment, the configuration) and never the store: what it needs done it returns as commands.
package protocol Screen {
    var kind: ScreenKind { get }
    /// True while printable keys are text for a field (so `?` is typed, not help).
    var takesText: Bool { get }
    mutating func update(_ message: Message, _ s: Session) -> [Command]
    func render(into g: inout Grid, _ area: Area, _ s: Session)
    func keys(_ s: Session) -> [KeyHint]
    /// Something typed that cannot be saved yet (an invalid form, a note the store refused), after the
    /// `leaving` message: leaving loses it, so ask first.
    var hasUnsavedInput: Bool { get }
    /// The session's assessment was refreshed with another terminal's changes (`old` is what was shown):
    /// follow them, keeping the selection on the same row and anything being typed as it is.
    mutating func refreshed(_ s: Session, from old: Assessment?)
    /// The same for the open document: another terminal's changes, shown unless being typed here.
    mutating func documentRefreshed(_ s: Session, from old: Document)
    /// A form or prompt is open inside the screen: the step keys (Ctrl-N, Ctrl-P) are not offered until it is done.
    var inSubForm: Bool { get }
    /// The title bar's title when the screen says more than the flow's (the register: whose patients).
    func title(_ s: Session) -> String?
    /// The line under the title when the flow's does not fit what is shown (the worklist: everyone's patients).
    func hint(_ s: Session) -> String?
}

extension Screen {
    var takesText: Bool { false }
    var hasUnsavedInput: Bool { false }
    var inSubForm: Bool { false }
    func title(_ s: Session) -> String? { nil }
    func hint(_ s: Session) -> String? { nil }
    mutating func refreshed(_ s: Session, from old: Assessment?) {}
    mutating func documentRefreshed(_ s: Session, from old: Document) {}
}

/// Shared drawing for lists: a row highlighted when selected, cut to the width.
enum Draw {
    /// The selection highlights the row's words, not the whole width: moving then redraws two rows' words and
    /// no more (half the bytes of dialog's move over a slow link), and every list looks the same.
    static func row(_ g: inout Grid, _ text: String, x: Int, y: Int, width: Int, selected: Bool, style: Style = .normal) {
        let st = selected ? Style(.selected) : style
        g.put(DisplayWidth.truncate(text, to: width), x: x, y: y, style: st, maxWidth: width)
    }

    /// Word-wrapped text into an area from row `y`; returns the next free row.
    @discardableResult
    static func paragraph(_ g: inout Grid, _ text: String, x: Int, y: Int, width: Int, maxY: Int, style: Style = .normal) -> Int {
        var row = y
        for line in TextWrap.wrap(text, width: max(1, width)) {
            if row >= maxY { break }
            g.put(line, x: x, y: row, style: style, maxWidth: width)
            row += 1
        }
        return row
    }

    /// `23 Nov 2026 14:02`, in the user's time zone.
    static func dateTime(_ d: Date) -> String {
        let c = Calendar.current.dateComponents([.hour, .minute], from: d)
        return LocalDate(d).display + String(format: " %02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// A 0-10 score as a small bar: `7 ███████░░░`.
    static func scoreBar(_ score: Int?, width: Int = 10) -> String {
        guard let score else { return "-- not rated" }
        let n = max(0, min(10, score))
        let label = n == 10 ? "10" : " \(n)"
        guard width >= 10 else { return label }
        return label + " " + String(repeating: "█", count: n) + String(repeating: "░", count: 10 - n)
    }
}

/// The keys that move a list's selection, for every list alike: the new selection, or nil for another key.
enum ListKeys {
    static func moved(_ key: Key, _ selected: Int, count: Int) -> Int? {
        let last = max(0, count - 1)
        switch key {
        case .up: return max(0, selected - 1)
        case .down: return min(last, selected + 1)
        case .pageUp: return max(0, selected - 10)
        case .pageDown: return min(last, selected + 10)
        case .home: return 0
        case .end: return last
        default: return nil
        }
    }
}

/// A 0-10 score typed as digits: people type 10 as two keys, 1 then 0. One per screen that takes scores.
struct ScoreDigits: Equatable {
    /// Where a "1" was just typed (a row), so a "0" there next makes it 10.
    private var oneAt: Int?

    /// The score a digit key gives (at a place: a row of a list), or nil for any other key, which ends a
    /// "1 then 0".
    mutating func take(_ key: Key, at place: Int = 0) -> Int? {
        let afterOne = oneAt == place
        oneAt = nil
        guard case .text(let t) = key, t.count == 1, let c = t.first, c.isASCII, c.isNumber, let n = Int(t) else { return nil }
        if n == 1 { oneAt = place }
        return n == 0 && afterOne ? 10 : n
    }
}
