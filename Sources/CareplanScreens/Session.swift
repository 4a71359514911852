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
    /// Who is signed in at this terminal (clinician flows), as the store had them when they signed in.
    public package(set) var staff: StaffUser?
    /// The name the kiosk records its patients' answers under (nobody signs in at a kiosk).
    let kioskUser: String
    /// The name every action is recorded under: the signed-in user's user name (a kiosk: its own).
    public var user: String { staff?.userName ?? kioskUser }
    /// Every team, by name, as the store had them at sign-in or the last change: for names and choices.
    public var teams: [Team] = []
    /// The register shows only the patients of the user's teams (when they have one), or everyone.
    public var myTeamsOnly = true
    /// The terminal this program runs on (the SSH client or the tty): wrong passwords wait per terminal.
    public var terminal = "terminal"
    /// The operating-system account, for a store that trusts it (no password then).
    public package(set) var operatingSystemAccount: String?
    /// Without a key for this long, a signed-in terminal locks, after a warning for `idleWarning`.
    public var idleLock: TimeInterval
    public var idleWarning: TimeInterval
    /// Signed in with a password an administrator reset: they choose a new one before anything else.
    public package(set) var changingPassword: StaffUser?
    /// The screen is the lock screen: nothing of the patient may be drawn.
    public package(set) var locked = false
    /// The time, from the run loop (tests pass a fixed clock).
    public var now: Date
    /// The follow-up clock: moved only for tests and demonstrations, and then said on every title bar.
    public var clock: CareClock = .real
    public var patient: Patient?
    public var assessment: Assessment?
    /// The open document (an End of Treatment Summary, ...), if any.
    public var document: Document?
    /// What its template shows beside it (`beside:`), as the runtime read it when the document opened.
    public var beside: [BesideSource] = []
    public var message: StatusMessage?
    /// Where the current screen's content is drawn; set by the program before each key and frame,
    /// so screens with boxes (the note editor) move the cursor by the lines the user sees.
    public var contentArea = Area(x: 0, y: 3, width: 80, height: 19)
    /// What charts are drawn with on this terminal (`ChartGlyphs.forTerminal`, set where the terminal opens).
    public var chartGlyphs: ChartGlyphs = .blocks
    /// Kiosk: the checklist page to show when the checklist opens, and whether Enter there returns to the
    /// review (the patient came from it to change an answer).
    public var kioskPage: Int?
    public var kioskReturnToReview = false
    /// The worklist item being opened: the follow-up screen opens on it, and Esc goes back to the worklist.
    public var workTarget: WorkTarget?
    /// Follow-up forms left unsaved (by user and patient): reopening the patient's follow-up in this run
    /// brings the form back as it was. Kept only in memory: quitting loses them, and says so first.
    var followUpDrafts: [String: FollowUpEntry] = [:]
    /// Where the worklist was when an item was opened: back on it, the same kind shown and item chosen.
    var worklistPlace: WorklistScreen.Place?
    /// The store's count of other terminals' changes, read on each tick: a screen showing what others change
    /// (the follow-up) reads again when it moves.
    public package(set) var changeCounter: Int?
    /// How many changes wait for a store that cannot be written (the runtime's queue), for the screens to say.
    public package(set) var waitingCount = 0
    /// Of those, the fields (or groups) of each document with a change waiting: marked "not saved yet".
    public package(set) var waitingDocumentFields: [Int64: Set<String>] = [:]

    public init(configuration: Configuration, flowId: String, user: String, now: Date) {
        self.configuration = configuration
        self.flow = configuration.flows[flowId]!
        self.catalogue = configuration.catalogue(for: configuration.flows[flowId]!)
        self.kioskUser = user
        self.now = now
        idleLock = configuration.policy.idleLock
        idleWarning = configuration.policy.idleWarning
    }

    /// The signed-in user's role (nil before sign-in and at a kiosk).
    public var role: UserRole? { staff.map { configuration.roles.role(of: $0) } }

    /// Whether the signed-in user may do this; a kiosk's patient does only what the kiosk screens offer.
    public func may(_ permission: Permission) -> Bool {
        flow.mode == .kiosk || (role?.may(permission) ?? false)
    }

    /// Why a command is refused to the signed-in user's role, or nil when they may.
    public func refusal(_ permission: Permission) -> String? {
        guard !may(permission) else { return nil }
        guard let role else { return "Not done: sign in first" }
        return "Not done: the role \(role.name) may not \(permission.doing) (Resources/roles.yaml)"
    }

    /// Says why, when the signed-in user may not: true when refused (the key does nothing more). `doing`
    /// names what was refused when the permission's own words do not fit ("export or print this document").
    public func refuses(_ permission: Permission, doing: String? = nil) -> Bool {
        guard var why = refusal(permission) else { return false }
        if let doing { why = why.replacingOccurrences(of: permission.doing, with: doing) }
        say(why, .error)
        return true
    }

    /// Whether the signed-in user may write documents of this template: its `complete:` roles say who.
    public func mayWrite(_ template: DocumentTemplate) -> Bool {
        flow.mode == .kiosk || (role.map { template.completeRoles.contains($0.id) } ?? false)
    }

    /// Whether they may sign one: the permission, and a role among the template's `sign:` roles.
    public func maySign(_ template: DocumentTemplate) -> Bool {
        may(.signDocuments) && (role.map { template.signRoles.contains($0.id) } ?? false)
    }

    /// Why the signed-in user may not write this template's documents, or nil when they may.
    public func writeRefusal(_ template: DocumentTemplate) -> String? {
        guard !mayWrite(template), let role else { return nil }
        let who = template.completeRoles.compactMap { configuration.roles.role($0)?.name }.joined(separator: ", ")
        return "Not done: \(template.title.withArticle) is written by \(who) (Resources/documents), not by the role \(role.name)"
    }

    /// The names of the user's teams, for the register's title and the chrome.
    public var myTeamNames: [String] {
        guard let staff else { return [] }
        return teams.filter { staff.teamIds.contains($0.id) }.map(\.name)
    }

    /// The teams the register shows: the user's, unless they chose everyone or belong to none.
    public var registerTeams: Set<Int64>? {
        guard myTeamsOnly, let ids = staff?.teamIds, !ids.isEmpty else { return nil }
        return ids
    }

    /// Ctrl-T on a list of patients (the register, the reviews due): the user's teams or everyone. False, and
    /// said why, for someone in no team.
    func toggleMyTeamsOnly() -> Bool {
        guard staff.map({ !$0.teamIds.isEmpty }) == true else {
            say("You belong to no team yet, so every patient is shown: an administrator adds you to a team", .error)
            return false
        }
        myTeamsOnly.toggle()
        return true
    }

    package func signIn(_ user: StaffUser) {
        if staff?.id != user.id { myTeamsOnly = !user.teamIds.isEmpty }
        staff = user
        locked = false
    }

    /// Forgets who was signed in and whatever they had open (their work is saved already).
    package func signOut() {
        staff = nil
        patient = nil
        assessment = nil
        document = nil
        beside = []
        message = nil
        locked = false
    }

    package func lock() {
        locked = true
        message = nil
    }

    public var services: ServiceDirectory { configuration.services }
    /// The template of the open document.
    public var template: DocumentTemplate? { document.flatMap { configuration.documents[$0.templateId] } }
    /// Today for everything the user records or is shown: the care clock's (moved only on a training store,
    /// for tests and demonstrations), never the real clock, so every date a screen puts in or checks agrees.
    public var today: LocalDate { clock.today(now) }

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

extension Permission {
    /// What a refusal of I says: giving information needs `recordActions`, whose own words are of actions.
    public static let givingInformation = "give information"

    /// What a refusal says the role may not do: `agree a plan`.
    public var doing: String {
        switch self {
        case .viewRecords: return "view records"
        case .editPatients: return "add or change patients, or discard an assessment"
        case .completeChecklist: return "start or fill in an assessment"
        case .recordActions: return "record agreed actions"
        case .agreePlan: return "agree a plan or start a new version"
        case .signDocuments: return "sign documents"
        case .export: return "export or print a plan"
        case .issueKioskCodes: return "issue kiosk codes"
        case .manageUsers: return "manage users and teams"
        case .viewAudit: return "view the audit trail"
        case .qof: return "record or list the cancer reviews' QOF timing"
        case .reports: return "run reports"
        }
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

    public func sayWritten(_ format: String, _ what: String, to path: String, after outcome: String) {
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
