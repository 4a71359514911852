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

/// What the screens share: the configuration, the open patient and assessment, and the store.
/// This is the one place the screens touch the store, and every write here is durable before it returns,
/// so what the next frame shows as saved is on disk.
public final class Session {
    public let store: any CareRepository
    public let configuration: Configuration
    public let flow: Flow
    public let catalogue: ConcernCatalogue
    public let user: String
    /// The time, from the run loop (tests pass a fixed clock).
    public var now: Date
    public var patient: Patient?
    public var assessment: Assessment?
    public var message: StatusMessage?
    let log = Logger(label: "careplan.session")
    /// Where the current screen's content is drawn; set by the program before each key and frame,
    /// so screens with boxes (the note editor) move the cursor by the lines the user sees.
    public var contentArea = Area(x: 0, y: 3, width: 80, height: 19)
    /// Kiosk: the checklist page to show when the checklist opens, and whether Enter there returns to the
    /// review (the patient came from it to change an answer).
    public var kioskPage: Int?
    public var kioskReturnToReview = false

    public init(store: any CareRepository, configuration: Configuration, flowId: String, user: String, now: Date) {
        self.store = store
        self.configuration = configuration
        self.flow = configuration.flows[flowId]!
        self.catalogue = configuration.catalogue(for: configuration.flows[flowId]!)
        self.user = user
        self.now = now
    }

    public var services: ServiceDirectory { configuration.services }
    public var today: LocalDate { LocalDate(now) }

    /// A message said while a key is handled is about the change that key made, if any.
    public func say(_ text: String, _ kind: StatusMessage.Kind = .info, shortening part: String? = nil, at cut: DisplayWidth.Cut = .end) {
        message = StatusMessage(text, kind, about: lastChange, shortening: part, at: cut)
    }

    /// The change the current key made or had refused; the program forgets it when the next key comes.
    public var lastChange: StatusMessage.Subject?

    /// Runs a store call; on failure says why and returns nil (the caller keeps what was typed).
    public func attempt<T>(_ body: () throws -> T) -> T? {
        do { return try body() } catch {
            say(String(describing: error), .error)
            return nil
        }
    }

    /// Applies a change to the open assessment, based on the value its answer had on screen: `base`, or
    /// by default the answer as the open assessment shows it (a screen editing text passes the text it
    /// loaded, which a refresh may have moved on from). Another terminal's change to another answer does not
    /// matter; one to the same answer is merged (text, said on the status line) or kept with this one
    /// refused (said, with the value not saved). When the store cannot be written (disk full, read-only),
    /// the change is kept in memory, shown as made, and saved by `saveWaiting` once the store takes it:
    /// true means the change stands, on disk or waiting.
    @discardableResult
    public func apply(_ change: AssessmentChange, basedOn base: AnswerValue? = nil) -> Bool {
        guard let a = assessment else { return false }
        let change = resolvingNewActions(change)
        let base = resolvingNewActions(base ?? change.answer(in: a))
        if change.isDecisive, !saveWaiting() {
            say(flow.mode == .kiosk ? "Your answers could not be sent yet. Please tell a member of staff." : waitingRefusal("Not done"), .error)
            return false
        }
        // Behind changes already waiting for this assessment, in order.
        if waiting.contains(where: { $0.assessmentId == a.id }) { keep(change, base); return true }
        do {
            let saved = try store.save(change, to: a.id, base: base, by: user, now: now)
            assessment = saved.assessment
            // Both texts kept stays true whatever is typed next: that message is about no one value.
            lastChange = saved.merged == nil ? .made(change) : nil
            if let merged = saved.merged { say(merged, .error) }
            return true
        } catch let e as StoreError {
            // Ids and the kind of failure only: never what was typed.
            log.warning("change refused", metadata: ["assessment": "\(a.id)", "why": "\(Self.kind(of: e))"])
            switch e {
            case .cannotWrite(let why) where !change.isDecisive:
                waitingReason = why
                keep(change, base)
                return true
            case .changedElsewhere:
                lastChange = .refused(change)
                if let fresh = try? store.assessment(id: a.id) { assessment = fresh }
            case .conflict, .locked:
                if let fresh = try? store.assessment(id: a.id) { assessment = fresh }
            default: break
            }
            say(e.description, .error)
            return false
        } catch {
            say(String(describing: error), .error)
            return false
        }
    }

    /// The open assessment as the store has it now, when another terminal changed it: the change counter
    /// first, so when nothing changed this costs one pragma (it runs on every tick). Changes still waiting
    /// stay on top. True when what is shown changed.
    @discardableResult
    public func refresh() -> Bool {
        guard let a = assessment, let counter = try? store.changeCounter(), counter != seenChangeCounter else { return false }
        seenChangeCounter = counter
        guard let fresh = try? store.assessment(id: a.id), fresh.revision != a.revision || fresh.status != a.status else { return false }
        assessment = waiting.filter { $0.assessmentId == a.id }.reduce(fresh) { $0.applying($1.change) }
        restateMessage(shown: a)
        return true
    }

    /// After a refresh: a message about an answer that changed since it was `shown` would tell an old value.
    /// A refusal is said again with the value now stored; anything else ("rated 7") goes.
    func restateMessage(shown: Assessment) {
        guard let about = message?.about, let now = assessment else { return }
        let change: AssessmentChange
        switch about { case .made(let c), .refused(let c): change = c }
        guard change.answer(in: shown) != change.answer(in: now) else { return }
        if case .refused = about { message?.text = change.notSaved(now) } else { message = nil }
    }

    /// The store's change counter when the open assessment was last compared with it.
    var seenChangeCounter: Int?

    // MARK: - Changes waiting for the store

    /// A change the store could not take, already shown on screen, and the value its answer had when it was made.
    struct WaitingChange: Equatable, Sendable {
        var assessmentId: Int64
        var change: AssessmentChange
        var base: AnswerValue
    }

    /// Oldest first. Kept only in memory: the store could not take them.
    private(set) var waiting: [WaitingChange] = []
    /// Why they wait, in the store's words ("the disk is full").
    public private(set) var waitingReason = ""
    /// The revision each assessment had when its first change began to wait: a save that does not find it
    /// one more means another terminal changed something in between (said once all are saved).
    var waitingSince: [Int64: Int] = [:]
    /// Actions added while waiting get a negative id until the store gives them theirs.
    var newActionIds: [Int64: Int64] = [:]
    var lastNewActionId: Int64 = 0

    public var waitingCount: Int { waiting.count }

    /// How often changes waiting for the store are tried again: often enough that space coming back is
    /// noticed within a breath, seldom enough not to hammer a failing disk.
    public static let retrySeconds: TimeInterval = 2

    /// The line shown while changes wait: what happened, that nothing is lost, and what happens next.
    public var waitingNotice: String? {
        guard !waiting.isEmpty else { return nil }
        if flow.mode == .kiosk {
            return "Your answers are kept but not yet stored. Please tell a member of staff."
        }
        return "Not saved yet: \(waitingReason). \(Self.changes(waiting.count)) kept here; retrying every \(Int(Session.retrySeconds)) s"
    }

    /// Why something that needs everything on disk (agreeing, exporting) did not happen.
    public func waitingRefusal(_ notDone: String) -> String {
        "\(notDone): \(Self.changes(waiting.count)) \(waiting.count == 1 ? "is" : "are") still waiting to be saved (\(waitingReason))"
    }

    /// "1 change", "3 unsaved changes".
    static func changes(_ n: Int, _ kind: String = "") -> String {
        "\(n) " + (kind.isEmpty ? "" : kind + " ") + (n == 1 ? "change" : "changes")
    }

    func keep(_ change: AssessmentChange, _ base: AnswerValue) {
        guard let a = assessment else { return }
        var change = change
        if case .saveAction(var action) = change, action.id == nil {
            lastNewActionId -= 1
            action.id = lastNewActionId
            change = .saveAction(action)
        }
        if waitingSince[a.id] == nil { waitingSince[a.id] = a.revision }
        if let last = waiting.last, last.assessmentId == a.id, change.replaces(last.change) {
            waiting[waiting.count - 1].change = change  // the same answer again: only the latest matters, on the first's base
        } else {
            waiting.append(WaitingChange(assessmentId: a.id, change: change, base: base))
        }
        assessment = a.applying(change)
    }

    /// The change with the ids the store gave to actions that were added while waiting.
    func resolvingNewActions(_ change: AssessmentChange) -> AssessmentChange {
        switch change {
        case .saveAction(var action):
            if let id = action.id, let stored = newActionIds[id] { action.id = stored }
            return .saveAction(action)
        case .deleteAction(let id):
            return .deleteAction(id: newActionIds[id] ?? id)
        default:
            return change
        }
    }

    /// The base with the ids the store gave to actions that were added while waiting.
    func resolvingNewActions(_ base: AnswerValue) -> AnswerValue {
        guard case .action(var action?) = base, let id = action.id, let stored = newActionIds[id] else { return base }
        action.id = stored
        return .action(action)
    }

    /// Tries to save every waiting change, oldest first; true when none is left. Run on every tick and
    /// before anything decisive. Each is based on its own answer, as any save: another terminal's change to
    /// other answers is kept and these go beside it; to the same answer, text is merged and anything else
    /// keeps theirs (said, with the value not saved).
    @discardableResult
    public func saveWaiting() -> Bool {
        let before = waiting.count
        guard before > 0 else { return true }
        lastChange = nil  // what it says is about the changes that waited
        var changedElsewhere = false, dropped = 0
        var notSaved: [String] = [], merged: [String] = []
        while let first = waiting.first {
            let id = first.assessmentId
            var change = resolvingNewActions(first.change)
            var newActionId: Int64?
            if case .saveAction(var action) = change, let temporary = action.id, temporary < 0 {
                newActionId = temporary
                action.id = nil
                change = .saveAction(action)
            }
            do {
                let saved = try store.save(change, to: id, base: resolvingNewActions(first.base), by: user, now: now)
                if let temporary = newActionId, let stored = saved.assessment.actions.compactMap(\.id).max() { newActionIds[temporary] = stored }
                if let why = saved.merged { merged.append(why) }
                if saved.assessment.revision != (waitingSince[id] ?? 0) + 1 { changedElsewhere = true }
                waitingSince[id] = saved.assessment.revision
                waiting.removeFirst()
                if !waiting.contains(where: { $0.assessmentId == id }) {
                    waitingSince[id] = nil
                    if assessment?.id == id { assessment = saved.assessment }
                }
            } catch StoreError.changedElsewhere(let why) {
                notSaved.append(why)
                waiting.removeFirst()
                if !waiting.contains(where: { $0.assessmentId == id }) {
                    waitingSince[id] = nil
                    if assessment?.id == id, let fresh = try? store.assessment(id: id) { assessment = fresh }
                }
            } catch StoreError.cannotWrite(let why) {
                waitingReason = why
                return false
            } catch {
                // Locked (agreed on another terminal) or gone: these can never be saved; say how many.
                log.warning("waiting changes dropped", metadata: ["assessment": "\(id)", "count": "\(waiting.filter { $0.assessmentId == id }.count)"])
                dropped += waiting.filter { $0.assessmentId == id }.count
                waiting.removeAll { $0.assessmentId == id }
                waitingSince[id] = nil
                if assessment?.id == id, let fresh = try? store.assessment(id: id) { assessment = fresh }
            }
        }
        if dropped > 0 {
            say("Not saved: \(Self.changes(dropped)); the plan was agreed or removed on another terminal", .error)
        } else if let why = notSaved.first ?? merged.first {
            let more = notSaved.count + merged.count - 1
            say(why + (more > 0 ? " (and \(Self.changes(more)) more that waited)" : ""), .error)
        } else if changedElsewhere {
            say("Saved what was waiting, after changes made on another terminal", .success)
        } else {
            say(before == 1 ? "Saved: the change that was waiting" : "Saved: the \(before) changes that were waiting", .success)
        }
        return true
    }

    static func kind(of e: StoreError) -> String {
        switch e {
        case .conflict: return "conflict"
        case .changedElsewhere: return "changed elsewhere"
        case .locked: return "locked"
        case .duplicateNHSNumber: return "duplicate"
        case .notFound: return "not found"
        case .cannotOpen: return "cannot open"
        case .cannotWrite(let why): return "cannot write: \(why)"
        }
    }

    public func open(patientId: Int64) -> Bool {
        guard let p = attempt({ try store.patient(id: patientId) }) else { return false }
        guard let p else { say("That patient is no longer in the store", .error); return false }
        patient = p
        assessment = nil
        recordView { try store.recordView(user: user, patientId: patientId, now: now) }
        return true
    }

    public func open(assessmentId: Int64) -> Bool {
        guard let a = attempt({ try store.assessment(id: assessmentId) }) else { return false }
        guard let a else { say("That assessment is no longer in the store", .error); return false }
        // Changes still waiting for the store stay in view when the assessment is opened again.
        assessment = waiting.filter { $0.assessmentId == a.id }.reduce(a) { $0.applying($1.change) }
        recordView { try store.recordView(user: user, assessmentId: assessmentId, now: now) }
        return true
    }

    /// A record that cannot be audited (disk full) is still shown: care cannot wait for the disk. The log says so.
    func recordView(_ body: () throws -> Void) {
        do { try body() } catch { log.warning("view not audited", metadata: ["why": "\((error as? StoreError).map(Self.kind) ?? "error")"]) }
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
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let plan: String
        switch a.status {
        case .agreed: plan = "agreed plan v\(a.version)"
        case .inProgress: plan = "DRAFT v\(a.version), not yet agreed"
        case .superseded: plan = "v\(a.version), since replaced"
        case .discarded: plan = "v\(a.version), DISCARDED"
        }
        say(outcome + "Saved \(format), \(plan): \(url.lastPathComponent) in \(folder)", .success, shortening: folder, at: .middle)
    }

    /// L where nothing can print: said before anything is written, so each press does not leave another file.
    public func sayNoPrinting() {
        say("Not printed: no printer on this computer (CUPS lp not installed). Nothing was saved: P saves a PDF to print elsewhere.", .error)
    }
}
