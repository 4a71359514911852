import CareplanCore
import Foundation
import Logging

/// A message on the line above the key help: saved, refused, or a question awaiting y/n.
public struct StatusMessage: Equatable, Sendable {
    public enum Kind: Sendable { case info, success, error }
    /// The change a message reports on, made or refused, so that when another terminal changes that answer
    /// the message is restated or goes, rather than telling a value no longer shown.
    public enum Subject: Equatable, Sendable { case made(AssessmentChange), refused(AssessmentChange) }
    public var text: String
    public var kind: Kind
    public var about: Subject?
    /// The part of `text` that may be shortened to fit (a quoted label, a folder), and where; the rest is
    /// always shown whole. Unnamed, it is the first “quoted” part (a concern's label), cut in its middle.
    public var shortening: String?
    public var cut: DisplayWidth.Cut
    /// The fewest columns a shortened label or folder keeps on one row; with less, the message takes two.
    static let recognisable = 16
    public init(_ text: String, _ kind: Kind = .info, about: Subject? = nil, shortening: String? = nil, at cut: DisplayWidth.Cut = .end) {
        self.text = text
        self.kind = kind
        self.about = about
        self.shortening = shortening
        self.cut = cut
    }

    /// The rows the message takes at a width: one where shortening its part keeps most of it (a label cut by
    /// a few letters), else two at most, so the screen keeps its last rows.
    public func rows(width: Int) -> [String] {
        let quoted = text.firstRange(of: "“").flatMap { open in text[open.upperBound...].firstRange(of: "”").map { String(text[open.upperBound..<$0.lowerBound]) } }
        let (part, where_) = shortening.map { ($0, cut) } ?? (quoted, .middle)
        let over = DisplayWidth.of(text) - (width - 1)
        let oneRow = over <= 0 || part.map { DisplayWidth.of($0) - over >= max(StatusMessage.recognisable, DisplayWidth.of($0) / 2) } ?? false
        return TextWrap.fit(text, width: width - 1, lines: oneRow ? 1 : 2, shortening: part, at: where_).map { " " + $0 }
    }
}

/// What the screens share and read: the configuration, the open patient and assessment, the time and the
/// status line. No store: the runtime (`Runtime`) opens and changes what is here, as the screens' commands ask.
public final class Session {
    public let configuration: Configuration
    public let flow: Flow
    public let catalogue: ConcernCatalogue
    public let user: String
    /// The time, from the run loop (tests pass a fixed clock).
    public var now: Date
    public var patient: Patient?
    public var assessment: Assessment?
    /// The open document (an End of Treatment Summary, ...), if any.
    public var document: Document?
    public var message: StatusMessage?
    /// Where the current screen's content is drawn; set by the program before each key and frame,
    /// so screens with boxes (the note editor) move the cursor by the lines the user sees.
    public var contentArea = Area(x: 0, y: 3, width: 80, height: 19)
    /// Kiosk: the checklist page to show when the checklist opens, and whether Enter there returns to the
    /// review (the patient came from it to change an answer).
    public var kioskPage: Int?
    public var kioskReturnToReview = false
    /// How many changes wait for a store that cannot be written (the runtime's queue), for the screens to say.
    public package(set) var waitingCount = 0

    public init(configuration: Configuration, flowId: String, user: String, now: Date) {
        self.configuration = configuration
        self.flow = configuration.flows[flowId]!
        self.catalogue = configuration.catalogue(for: configuration.flows[flowId]!)
        self.user = user
        self.now = now
    }

    public var services: ServiceDirectory { configuration.services }
    /// The template of the open document.
    public var template: DocumentTemplate? { document.flatMap { configuration.documents[$0.templateId] } }
    public var today: LocalDate { LocalDate(now) }

    /// A message said while a key is handled is about the change that key made, if any.
    public func say(_ text: String, _ kind: StatusMessage.Kind = .info, shortening part: String? = nil, at cut: DisplayWidth.Cut = .end) {
        message = StatusMessage(text, kind, about: lastChange, shortening: part, at: cut)
    }

    /// The change the current key made or had refused; the program forgets it when the next key comes.
    public var lastChange: StatusMessage.Subject?

    /// After a refresh: a message about an answer that changed since it was `shown` would tell an old value.
    /// A refusal is said again with the value now stored; anything else ("rated 7") goes.
    package func restateMessage(shown: Assessment) {
        guard let about = message?.about, let now = assessment else { return }
        let change: AssessmentChange
        switch about { case .made(let c), .refused(let c): change = c }
        guard change.answer(in: shown) != change.answer(in: now) else { return }
        if case .refused = about { message?.text = change.notSaved(now) } else { message = nil }
    }

    /// The service's name, or the id if the directory no longer lists it.
    public func serviceName(_ id: String?) -> String? {
        guard let id else { return nil }
        return services.service(id)?.name ?? id
    }
}

/// What the review's P, T, F and L say: the outcome first and short, then the file's name (which tells one
/// press from the next), then its folder, which gives way in its middle when the path is long.
extension Session {
    /// "Saved PDF, DRAFT v1: care-plan-….pdf in /home/nurse" (`outcome` before it, e.g. "Printed.").
    public func sayWritten(_ format: String, of a: Assessment, to path: String, after outcome: String = "") {
        let plan: String
        switch a.status {
        case .agreed: plan = "agreed plan v\(a.version)"
        case .inProgress: plan = "DRAFT v\(a.version), not yet agreed"
        case .superseded: plan = "v\(a.version), since replaced"
        case .discarded: plan = "v\(a.version), DISCARDED"
        }
        sayWritten(format, plan, to: path, after: outcome)
    }

    func sayWritten(_ format: String, _ what: String, to path: String, after outcome: String) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        say(outcome + "Saved \(format), \(what): \(url.lastPathComponent) in \(folder)", .success, shortening: folder, at: .middle)
    }

    /// "Saved PDF, DRAFT v1: eots-….pdf in /home/nurse", for a document.
    public func sayWritten(_ format: String, of d: Document, to path: String, after outcome: String = "") {
        let state = d.status == .draft ? "DRAFT v\(d.version), not yet signed" : d.status == .signed ? "signed v\(d.version)" : "v\(d.version), since replaced"
        sayWritten(format, state, to: path, after: outcome)
    }

    /// L where nothing can print: said before anything is written, so each press does not leave another file.
    public func sayNoPrinting() {
        say("Not printed: no printer on this computer (CUPS lp not installed). Nothing was saved: P saves a PDF to print elsewhere.", .error)
    }
}
