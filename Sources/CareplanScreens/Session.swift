import CareplanCore
import Foundation
import Logging

/// A message on the line above the key help: saved, refused, or a question awaiting y/n.
public struct StatusMessage: Equatable, Sendable {
    public enum Kind: Sendable { case info, success, error }
    public var text: String
    public var kind: Kind
    public init(_ text: String, _ kind: Kind = .info) {
        self.text = text
        self.kind = kind
    }
}

/// What the screens share: the configuration, the open patient and assessment, and the store.
/// This is the one place the screens touch the store, and every write here is durable before it returns,
/// so what the next frame shows as saved is on disk.
public final class Session {
    public let store: CareStore
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

    public init(store: CareStore, configuration: Configuration, flowId: String, user: String, now: Date) {
        self.store = store
        self.configuration = configuration
        self.flow = configuration.flows[flowId]!
        self.catalogue = configuration.catalogue(for: configuration.flows[flowId]!)
        self.user = user
        self.now = now
    }

    public var services: ServiceDirectory { configuration.services }
    public var today: LocalDate { LocalDate(now) }

    public func say(_ text: String, _ kind: StatusMessage.Kind = .info) { message = StatusMessage(text, kind) }

    /// Runs a store call; on failure says why and returns nil (the caller keeps what was typed).
    public func attempt<T>(_ body: () throws -> T) -> T? {
        do { return try body() } catch {
            say(String(describing: error), .error)
            return nil
        }
    }

    /// Applies a change to the open assessment. On a conflict, reloads what the other terminal saved and
    /// says so; the caller's own unsaved text (a note being typed) stays where it is.
    @discardableResult
    public func apply(_ change: AssessmentChange) -> Bool {
        guard let a = assessment else { return false }
        do {
            assessment = try store.apply(change, to: a.id, expectedRevision: a.revision, by: user, now: now)
            return true
        } catch let e as StoreError {
            // Ids and the kind of failure only: never what was typed.
            log.warning("change refused", metadata: ["assessment": "\(a.id)", "why": "\(Self.kind(of: e))"])
            switch e {
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

    static func kind(of e: StoreError) -> String {
        switch e {
        case .conflict: return "conflict"
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
        _ = attempt { try store.recordView(user: user, patientId: patientId, now: now) }
        return true
    }

    public func open(assessmentId: Int64) -> Bool {
        guard let a = attempt({ try store.assessment(id: assessmentId) }) else { return false }
        guard let a else { say("That assessment is no longer in the store", .error); return false }
        assessment = a
        _ = attempt { try store.recordView(user: user, assessmentId: assessmentId, now: now) }
        return true
    }

    /// The service's name, or the id if the directory no longer lists it.
    public func serviceName(_ id: String?) -> String? {
        guard let id else { return nil }
        return services.service(id)?.name ?? id
    }
}
