import CareplanCore
import CareplanScreens
import Foundation
import Logging

/// Runs the screens' commands against the store and says what the store refused. It answers before the
/// next frame is drawn, so what a screen shows as saved is on disk (or shown as waiting for the store). It
/// owns the changes waiting for a store that cannot be written, and the audit of what is viewed.
public final class Runtime {
    let store: any CareRepository
    let session: Session
    let log = Logger(label: "careplan.runtime")

    init(store: any CareRepository, session: Session) {
        self.store = store
        self.session = session
    }

    // What the session holds, as the runtime changes it.
    var assessment: Assessment? {
        get { session.assessment }
        set { session.assessment = newValue }
    }
    var patient: Patient? {
        get { session.patient }
        set { session.patient = newValue }
    }
    var lastChange: StatusMessage.Subject? {
        get { session.lastChange }
        set { session.lastChange = newValue }
    }
    var user: String { session.user }
    var now: Date { session.now }
    var flow: Flow { session.flow }
    var catalogue: ConcernCatalogue { session.catalogue }
    func say(_ text: String, _ kind: StatusMessage.Kind = .info) { session.say(text, kind) }

    func execute(_ command: Command) -> Answer {
        let s = self
        // The screens offer only what the role may do; this is the check that counts.
        if let needed = Runtime.permission(for: command), let why = session.refusal(needed) {
            log.info("refused by role", metadata: ["needs": "\(needed.rawValue)"])
            say(why, .error)
            return .failed(nil)
        }
        if let why = documentRefusal(command) {
            say(why, .error)
            return .failed(nil)
        }
        switch command {
        case .query(.patientCount):
            return s.attempt { try s.store.patientCount(teams: s.session.registerTeams) }.map(Answer.counted) ?? .failed(nil)
        case .query(.patientCountEveryone):
            return s.attempt { try s.store.patientCount(teams: nil) }.map(Answer.countedEveryone) ?? .failed(nil)
        case .query(.patients(let text, let limit)):
            // A search the store cannot answer is said as such in the list, never as "no patient matches".
            do { return .patients(matching: text, try s.store.searchPatients(text, teams: s.session.registerTeams, limit: limit)) }
            catch StoreError.cannotOpen(let why) { return .patientSearchFailed(matching: text, why: why) }
            catch { return .patientSearchFailed(matching: text, why: String(describing: error)) }
        case .query(.users):
            return s.attempt { try s.store.users() }.map(Answer.users) ?? .failed(nil)
        case .query(.staffNames):
            let roles = s.session.configuration.roles
            return s.attempt { try s.store.users() }.map { users in
                .staffNames(users.filter { !$0.disabled }.map { StaffName($0, roles: roles) })
            } ?? .failed(nil)
        case .query(.teams):
            return s.attempt { try s.store.teams() }.map(Answer.teams) ?? .failed(nil)
        case .checkSignIn, .signIn, .unlock, .changePassword, .addFirstAdministrator, .staff:
            return s.executeStaff(command)
        case .query(.waitingSelfAssessments):
            return s.attempt { try s.store.waitingSelfAssessments() }.map(Answer.waiting) ?? .failed(nil)
        case .query(.assessments(let patientId)):
            return s.attempt { try s.store.assessments(patientId: patientId) }.map(Answer.assessments) ?? .failed(nil)
        case .query(.timeline(let patientId)):
            return s.timeline(patientId: patientId)
        case .query(.patientAssessments(let patientId)):
            return s.patientAssessments(patientId: patientId)
        case .query(.qof), .query(.qofPracticeView), .recordQOF:
            return s.executeQOF(command)
        case .query(.report(let request)):
            return s.report(request)
        case .startDocument(let templateId):
            guard let patientId = s.patient?.id, let template = s.session.configuration.documents[templateId],
                  let d = s.attempt({ try s.store.createDocument(template: template, patientId: patientId, createdBy: s.user, today: s.session.today, now: s.now) })
            else { return .failed(nil) }
            s.session.document = d
            s.loadBeside()
            return .documentStarted(d)
        case .openDocument(let id):
            return s.open(documentId: id) ? .opened : .failed(nil)
        case .applyDocument(let change, let base):
            return s.apply(change, basedOn: base)
        case .signDocument:
            // Signed only as it is on disk: everything shown must be there first; and in the role the account has
            // now (read again before this command), not the one the screen had.
            guard s.saveWaiting() else { s.say(s.waitingRefusal("Not signed"), .error); return .failed(nil) }
            guard let d = s.session.document, let template = s.session.template, let role = s.session.role?.id,
                  let signed = s.attempt({
                try s.store.sign(documentId: d.id, revision: d.revision, template: template, by: s.user, name: s.session.staff?.fullName ?? s.user,
                                 role: role, now: s.now)
            }) else { return .failed(nil) }
            s.session.document = signed
            return .documentSigned(signed)
        case .newDocumentVersion(let id):
            guard let fresh = s.attempt({ try s.store.newVersion(ofDocument: id, createdBy: s.user, now: s.now) }) else { return .failed(nil) }
            s.session.document = fresh
            s.loadBeside()
            return .documentStarted(fresh)
        case .savePatient(let p):
            return savePatient(p)
        case .apply(let change, let base, let said):
            guard s.apply(change, basedOn: base) else { return .failed(nil) }
            if let said { s.say(said.text, said.kind) }
            return .saved(change)
        case .openPatient(let id):
            return s.open(patientId: id) ? .opened : .failed(nil)
        case .openAssessment(let id):
            return s.open(assessmentId: id) ? .opened : .failed(nil)
        case .startAssessment(let point, let by, let date):
            guard let patientId = s.patient?.id, let a = s.attempt({
                try s.store.startAssessment(patientId: patientId, pathwayPoint: point, completedBy: by, date: date,
                                            catalogue: s.catalogue, createdBy: s.user, now: s.now)
            }) else { return .failed(nil) }
            s.assessment = a
            return .started(a)
        case .newVersion(let id):
            guard let fresh = s.attempt({ try s.store.newVersion(of: id, createdBy: s.user, now: s.now) }) else { return .failed(nil) }
            s.assessment = fresh
            return .started(fresh)
        case .discardAssessment(let id):
            return s.attempt { try s.store.discardAssessment(id: id, by: s.user, now: s.now) }.map(Answer.discarded) ?? .failed(nil)
        case .issueKioskCode(let point):
            let hours = s.flow.setting(.kioskCodeHours)
            guard let patientId = s.patient?.id, let code = s.attempt({
                try s.store.issueKioskCode(patientId: patientId, pathwayPoint: point, catalogue: s.catalogue, by: s.user, now: s.now,
                                           validFor: TimeInterval(hours) * 3600)
            }) else { return .failed(nil) }
            return .kioskCode(code)
        case .redeemKioskCode(let code, let dob):
            do {
                let (patient, assessment) = try s.store.redeemKioskCode(code, dateOfBirth: dob, lockout: s.session.policy.kioskLockout, now: s.now)
                s.patient = patient
                s.assessment = assessment
                return .redeemed(patient)
            } catch {
                return .kioskRefused(error as? KioskError)
            }
        case .checkStaffPIN(let pin):
            do {
                try s.store.checkStaffPIN(pin, lockout: s.session.policy.kioskLockout, now: s.now)
                return .opened
            } catch {
                say((error as? KioskError).map(session.words.describe) ?? String(describing: error), .error)
                return .failed(nil)
            }
        case .query(.information), .giveInformation, .recordOccasion:
            return s.executeInformation(command)
        case .query(.worklist), .query(.followUp), .followUp:
            return s.executeFollowUp(command)
        case .query(.hnaOffers(let patientId)):
            return s.attempt { try s.store.hnaOffers(patientId: patientId) }.map(Answer.hnaOffers) ?? .failed(nil)
        case let .recordHNAOffer(date, point, outcome, reason):
            guard let patientId = s.patient?.id else { return .failed(nil) }
            return s.attempt {
                try s.store.recordHNAOffer(patientId: patientId, date: date, pathwayPoint: point, outcome: outcome, reason: reason, by: s.user, now: s.now)
            }.map(Answer.hnaOfferRecorded) ?? .failed(nil)
        case .go, .ask, .proceed:
            return .failed(nil)  // never sent here: moves and questions are the program's (`Program.run`)
        }
    }

    func savePatient(_ p: Patient) -> Answer {
        let s = self
        do {
            let saved = p.id == nil ? try s.store.addPatient(p, by: s.user, now: s.now) : try s.store.updatePatient(p, by: s.user, now: s.now)
            s.patient = saved
            return .patientSaved(saved)
        } catch let e as StoreError {
            if case .conflict = e, let id = p.id, let fresh = try? s.store.patient(id: id) {
                s.patient = fresh
                s.say("Another terminal changed these details first; yours are still here. Press Ctrl-S again to save yours over theirs.", .error)
                return .patientChangedElsewhere(fresh)
            }
            s.say(e.description, .error)
            return .failed(e)
        } catch {
            s.say(String(describing: error), .error)
            return .failed(nil)
        }
    }

    /// Runs a store call; on failure says why and returns nil (the caller keeps what was typed).
    public func attempt<T>(_ body: () throws -> T) -> T? {
        do { return try body() } catch {
            say(String(describing: error), .error)
            return nil
        }
    }

    /// Reads the record a screen is about to open. When the store cannot be read (a database server out of
    /// reach) nothing is opened and the screen shown stays, so the words say that rather than "cannot open".
    func opening<T>(_ body: () throws -> T) -> T? {
        do { return try body() } catch StoreError.cannotOpen(let why) {
            say("Not opened: \(why); what is on screen is kept", .error)
            return nil
        } catch {
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
        if let needed = Runtime.permission(for: .apply(change)), let why = session.refusal(needed) { say(why, .error); return false }
        let change = resolvingNewActions(change)
        let base = resolvingNewActions(base ?? change.answer(in: a))
        if change.isDecisive, !saveWaiting() {
            say(flow.mode == .kiosk ? session.words(.kioskAnswersNotSent) : waitingRefusal("Not done"), .error)
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
        assessment = waitingChanges(assessment: a.id).reduce(fresh) { $0.applying($1) }
        session.restateMessage(shown: a)
        return true
    }

    /// The store's change counter when the open assessment was last compared with it.
    var seenChangeCounter: Int?
    /// ... and when the signed-in account was last read again (`reloadStaffIfStoreChanged`).
    var seenStaffCounter: Int?

    // MARK: - Changes waiting for the store

    /// A change the store could not take, already shown on screen, the value its answer had when it was made,
    /// and who made it: saved under them, whoever is signed in by then (tester's F16: signed out meanwhile).
    struct WaitingChange: Equatable, Sendable {
        var assessmentId: Int64
        var change: AssessmentChange
        var base: AnswerValue
        var user: String
    }

    /// The same for a document, with the template it is checked against.
    struct WaitingDocumentChange: Equatable, Sendable {
        var documentId: Int64
        var change: DocumentChange
        var base: DocumentAnswer
        var template: DocumentTemplate
        var user: String
    }

    /// One queue for both, so they are saved in the order they were made and counted together.
    enum Waiting: Equatable, Sendable {
        case assessment(WaitingChange)
        case document(WaitingDocumentChange)

        var assessmentId: Int64? { if case .assessment(let w) = self { w.assessmentId } else { nil } }
        var documentId: Int64? { if case .document(let w) = self { w.documentId } else { nil } }
    }

    /// Oldest first. Kept only in memory: the store could not take them.
    private(set) var waiting: [Waiting] = [] {
        didSet {
            session.waitingCount = waiting.count
            session.waitingDocumentFields = waiting.reduce(into: [:]) { fields, w in
                if case .document(let d) = w { fields[d.documentId, default: []].insert(d.change.fieldId) }
            }
        }
    }

    /// Sign-outs and locks not yet in the trail (`record`), oldest first. Kept only in memory, as the changes are.
    private(set) var waitingEvents: [(event: SessionEvent, userName: String, at: Date)] = []

    func waitingChanges(assessment id: Int64) -> [AssessmentChange] {
        waiting.compactMap { if case .assessment(let w) = $0, w.assessmentId == id { w.change } else { nil } }
    }

    func waitingChanges(document id: Int64) -> [DocumentChange] {
        waiting.compactMap { if case .document(let w) = $0, w.documentId == id { w.change } else { nil } }
    }
    /// Why they wait, in the store's words ("the disk is full").
    public private(set) var waitingReason = ""
    /// The revision each assessment had when its first change began to wait: a save that does not find it
    /// one more means another terminal changed something in between (said once all are saved).
    var waitingSince: [Int64: Int] = [:]
    /// Actions added while waiting get a negative id until the store gives them theirs.
    var newIds: [Int64: Int64] = [:]
    var lastNewId: Int64 = 0

    /// How often changes waiting for the store are tried again: often enough that space coming back is
    /// noticed within a breath, seldom enough not to hammer a failing disk.
    public static let retrySeconds: TimeInterval = 2

    /// The line shown while changes wait: what happened, that nothing is lost, and what happens next.
    public var waitingNotice: String? {
        guard !waiting.isEmpty else { return nil }
        if flow.mode == .kiosk {
            return session.words(.kioskAnswersKept)
        }
        return "Not saved yet: \(waitingReason). \(Self.changes(waiting.count)) kept here; retrying every \(Int(Runtime.retrySeconds)) s"
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
            lastNewId -= 1
            action.id = lastNewId
            change = .saveAction(action)
        }
        if waitingSince[a.id] == nil { waitingSince[a.id] = a.revision }
        if case .assessment(var last)? = waiting.last, last.assessmentId == a.id, last.user == user, change.replaces(last.change) {
            last.change = change  // the same answer again: only the latest matters, on the first's base
            waiting[waiting.count - 1] = .assessment(last)
        } else {
            waiting.append(.assessment(WaitingChange(assessmentId: a.id, change: change, base: base, user: user)))
        }
        assessment = a.applying(change)
    }

    /// The change with the ids the store gave to actions that were added while waiting.
    func resolvingNewActions(_ change: AssessmentChange) -> AssessmentChange {
        switch change {
        case .saveAction(var action):
            if let id = action.id, let stored = newIds[id] { action.id = stored }
            return .saveAction(action)
        case .deleteAction(let id):
            return .deleteAction(id: newIds[id] ?? id)
        default:
            return change
        }
    }

    /// The base with the ids the store gave to actions that were added while waiting.
    func resolvingNewActions(_ base: AnswerValue) -> AnswerValue {
        guard case .action(var action?) = base, let id = action.id, let stored = newIds[id] else { return base }
        action.id = stored
        return .action(action)
    }

    /// Tries to save every waiting change, oldest first; true when none is left. Run on every tick and
    /// before anything decisive. Each is based on its own answer, as any save: another terminal's change to
    /// other answers is kept and these go beside it; to the same answer, text is merged and anything else
    /// keeps theirs (said, with the value not saved).
    @discardableResult
    public func saveWaiting() -> Bool {
        // Behind the changes, which were made before them.
        defer { if waiting.isEmpty { saveWaitingEvents() } }
        let before = waiting.count
        guard before > 0 else { return true }
        lastChange = nil  // what it says is about the changes that waited
        var changedElsewhere = false, dropped = 0, droppedDocument = 0
        var notSaved: [String] = [], merged: [String] = []
        while let next = waiting.first {
            guard case .assessment(let first) = next else {
                guard case .document(let w) = next, saveFirst(w, notSaved: &notSaved, merged: &merged, dropped: &droppedDocument) else { return false }
                continue
            }
            let id = first.assessmentId
            var change = resolvingNewActions(first.change)
            var newActionId: Int64?
            if case .saveAction(var action) = change, let temporary = action.id, temporary < 0 {
                newActionId = temporary
                action.id = nil
                change = .saveAction(action)
            }
            do {
                let saved = try store.save(change, to: id, base: resolvingNewActions(first.base), by: first.user, now: now)
                if let temporary = newActionId, let stored = saved.assessment.actions.compactMap(\.id).max() { newIds[temporary] = stored }
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
        } else if droppedDocument > 0 {
            say("Not saved: \(Self.changes(droppedDocument)); the document was signed or removed on another terminal", .error)
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
        case .signed: return "signed"
        case .refused: return "refused"
        }
    }

    public func open(patientId: Int64) -> Bool {
        guard let p = opening({ try store.patient(id: patientId) }) else { return false }
        guard let p else { say("That patient is no longer in the store", .error); return false }
        patient = p
        assessment = nil
        recordView { try store.recordView(user: user, patientId: patientId, now: now) }
        return true
    }

    // MARK: - Documents

    /// The timeline, and "EoTS due" from the patient's End of Treatment Summaries as stored.
    func timeline(patientId: Int64) -> Answer {
        guard let entries = attempt({ try store.timeline(patientId: patientId) }) else { return .failed(nil) }
        let due = try? EoTSDue.check(patientId: patientId, in: store, today: session.today, policy: session.configuration.policy)
        return .timeline(entries, due: due ?? nil)
    }

    public func open(documentId: Int64) -> Bool {
        guard let d = opening({ try store.document(id: documentId) }) else { return false }
        guard let d else { say("That document is no longer in the store", .error); return false }
        guard session.configuration.documents[d.templateId] != nil else {
            say("This document's template (\(d.templateId)) is no longer in Resources/documents: export it with `careplan export`", .error)
            return false
        }
        // Changes still waiting for the store stay in view when the document is opened again.
        session.document = waitingChanges(document: d.id).reduce(d) { $0.applying($1) }
        recordView { try store.recordDocumentView(user: user, documentId: documentId, now: now) }
        loadBeside()
        return true
    }

    /// Saves one change to the open document, based on its answer as the screen showed it. The store's
    /// conflict rule decides (text merged, anything else refused with theirs kept); either way the open
    /// document becomes the stored one, so the screen shows what is on disk. When the store cannot be written
    /// the change waits in the same queue as the assessments' (`keep`), shown as made: `documentSaved` means
    /// it stands, on disk or waiting (`Session.waitingDocumentFields` says which).
    func apply(_ change: DocumentChange, basedOn base: DocumentAnswer?) -> Answer {
        guard let d = session.document, let template = session.template else { return .failed(nil) }
        let base = base ?? change.answer(in: d)
        if let why = template.refusal(of: change) { say(why, .error); return .failed(.refused(why)) }
        // Behind changes already waiting for this document, in order.
        if !waitingChanges(document: d.id).isEmpty { keep(change, base, template); return .documentSaved(change) }
        do {
            let saved = try store.save(change, to: d.id, base: base, template: template, by: user, now: now)
            session.document = saved.document
            if let merged = saved.merged { say(merged, .error) }
            return .documentSaved(change)
        } catch let e as StoreError {
            // Ids and the kind of failure only: never what was typed.
            log.warning("document change refused", metadata: ["document": "\(d.id)", "why": "\(Self.kind(of: e))"])
            switch e {
            case .cannotWrite(let why):
                waitingReason = why
                keep(change, base, template)
                return .documentSaved(change)
            case .changedElsewhere, .signed:
                if let fresh = try? store.document(id: d.id) { session.document = fresh }
            default: break
            }
            say(e.description, .error)
            return .failed(e)
        } catch {
            say(String(describing: error), .error)
            return .failed(nil)
        }
    }

    /// The open document as the store has it now, when another terminal changed it.
    @discardableResult
    public func refreshDocument() -> Bool {
        guard let d = session.document, let counter = try? store.changeCounter(), counter != seenChangeCounter else { return false }
        seenChangeCounter = counter
        guard let fresh = try? store.document(id: d.id), fresh.revision != d.revision || fresh.status != d.status else { return false }
        session.document = waitingChanges(document: d.id).reduce(fresh) { $0.applying($1) }
        return true
    }

    /// A document change the store could not take, shown as made: a new row gets a negative id until the
    /// store gives it its own (as actions do).
    func keep(_ change: DocumentChange, _ base: DocumentAnswer, _ template: DocumentTemplate) {
        guard let d = session.document else { return }
        var change = change
        if case .saveRow(let g, var row) = change, row.id == nil {
            lastNewId -= 1
            row.id = lastNewId
            change = .saveRow(group: g, row)
        }
        if case .document(var last)? = waiting.last, last.documentId == d.id, last.user == user, change.replaces(last.change) {
            last.change = change  // only the latest matters, on the first's base
            waiting[waiting.count - 1] = .document(last)
        } else {
            waiting.append(.document(WaitingDocumentChange(documentId: d.id, change: change, base: base, template: template, user: user)))
        }
        session.document = d.applying(change)
    }

    /// A waiting document change or its base with the ids the store gave to rows added while waiting.
    func resolvingNewRows(_ change: DocumentChange) -> DocumentChange {
        switch change {
        case .saveRow(let g, var row):
            if let id = row.id, let stored = newIds[id] { row.id = stored }
            return .saveRow(group: g, row)
        case let .deleteRow(g, id): return .deleteRow(group: g, id: newIds[id] ?? id)
        case .setField: return change
        }
    }

    func resolvingNewRows(_ base: DocumentAnswer) -> DocumentAnswer {
        guard case .row(var row?) = base, let id = row.id, let stored = newIds[id] else { return base }
        row.id = stored
        return .row(row)
    }

    /// Saves the oldest waiting change, a document's; false when the store still cannot be written. What
    /// cannot ever be saved (signed or removed elsewhere) is dropped with the rest for that document, counted.
    func saveFirst(_ w: WaitingDocumentChange, notSaved: inout [String], merged: inout [String], dropped: inout Int) -> Bool {
        let id = w.documentId
        var change = resolvingNewRows(w.change), base = resolvingNewRows(w.base)
        var newRow: (temporary: Int64, group: String)?
        if case .saveRow(let g, var row) = change, let temporary = row.id, temporary < 0 {
            newRow = (temporary, g)
            row.id = nil
            change = .saveRow(group: g, row)
            base = .row(nil)
        }
        func finished(_ fresh: Document?) {
            guard !waiting.contains(where: { $0.documentId == id }), session.document?.id == id, let fresh else { return }
            session.document = fresh
        }
        do {
            let saved = try store.save(change, to: id, base: base, template: w.template, by: w.user, now: now)
            if let (temporary, g) = newRow, let stored = saved.document.rows(g).compactMap(\.id).max() { newIds[temporary] = stored }
            if let why = saved.merged { merged.append(why) }
            waiting.removeFirst()
            finished(saved.document)
        } catch StoreError.changedElsewhere(let why) {
            notSaved.append(why)
            waiting.removeFirst()
            finished(try? store.document(id: id))
        } catch StoreError.cannotWrite(let why) {
            waitingReason = why
            return false
        } catch {
            log.warning("waiting changes dropped", metadata: ["document": "\(id)", "count": "\(waitingChanges(document: id).count)"])
            dropped += waitingChanges(document: id).count
            waiting.removeAll { $0.documentId == id }
            finished(try? store.document(id: id))
        }
        return true
    }

    public func open(assessmentId: Int64) -> Bool {
        guard let a = opening({ try store.assessment(id: assessmentId) }) else { return false }
        guard let a else { say("That assessment is no longer in the store", .error); return false }
        // Changes still waiting for the store stay in view when the assessment is opened again.
        assessment = waitingChanges(assessment: a.id).reduce(a) { $0.applying($1) }
        recordView { try store.recordView(user: user, assessmentId: assessmentId, now: now) }
        return true
    }

    /// A record that cannot be audited (disk full) is still shown: care cannot wait for the disk. The log says so.
    func recordView(_ body: () throws -> Void) {
        do { try body() } catch { log.warning("view not audited", metadata: ["why": "\((error as? StoreError).map(Self.kind) ?? "error")"]) }
    }
}

// MARK: - Who is signed in, and what their role may do

extension Runtime {
    /// The permission a command needs from the signed-in user's role (nil: signing in, and what needs no store).
    static func permission(for command: Command) -> Permission? {
        switch command {
        case .savePatient, .discardAssessment: return .editPatients
        case .apply(.agree, _, _), .newVersion: return .agreePlan
        case .apply(.saveAction, _, _), .apply(.deleteAction, _, _): return .recordActions
        case .apply, .startAssessment: return .completeChecklist
        case .issueKioskCode: return .issueKioskCodes
        case .giveInformation, .recordOccasion, .recordHNAOffer: return .recordActions
        case .signDocument: return .signDocuments
        case .recordQOF, .query(.qofPracticeView): return .qof
        case .query(.report): return .reports
        case .followUp(let action): return action.permission
        // Writing one also needs a role the template names (`documentRefusal`).
        case .startDocument, .applyDocument, .newDocumentVersion, .openDocument: return .viewRecords
        case .staff, .query(.users): return .manageUsers
        // Reading a record needs someone signed in who may (a kiosk: the patient, by their code).
        case .query, .openPatient, .openAssessment: return .viewRecords
        case .redeemKioskCode, .checkStaffPIN, .ask, .proceed, .go, .checkSignIn, .signIn, .unlock, .changePassword, .addFirstAdministrator:
            return nil
        }
    }

    /// Why the signed-in user may not write this document: its template names the roles that complete it.
    func documentRefusal(_ command: Command) -> String? {
        let template: DocumentTemplate?
        switch command {
        case .startDocument(let id): template = session.configuration.documents[id]
        case .applyDocument, .newDocumentVersion: template = session.template
        default: return nil
        }
        return template.flatMap(session.writeRefusal)
    }

    var limit: RateLimit { session.configuration.policy.signInTries }

    func executeStaff(_ command: Command) -> Answer {
        switch command {
        case .checkSignIn:
            guard let hasAdministrator = attempt({ try store.hasAdministrator() }) else { return .failed(nil) }
            if !hasAdministrator { return .firstAdministratorNeeded }
            if let account = session.operatingSystemAccount,
               let user = attempt({ try store.signInTrusted(operatingSystemAccount: account, terminal: session.terminal, now: now) }) ?? nil {
                signIn(user)
                return .signIn(.signedIn(user))
            }
            return .signInNeeded
        case .signIn(let name, let password):
            guard let result = attempt({ try store.signIn(userName: name, password: password, terminal: session.terminal, limit: limit, now: now) })
            else { return .failed(nil) }
            switch result {
            case .signedIn(let user): signIn(user)
            case .mustChangePassword(let user): session.changingPassword = user
            default: log.info("sign-in not accepted")  // who and why are in the audit trail, not the log
            }
            return .signIn(result)
        case .unlock(let password):
            guard let user = session.staff, let result = attempt({
                try store.unlock(userName: user.userName, password: password, terminal: session.terminal, limit: limit, now: now)
            }) else { return .failed(nil) }
            if case .signedIn(let fresh) = result { signIn(fresh) }
            return .signIn(result)
        case .changePassword(let name, let current, let new):
            guard let user = attempt({
                try store.changePassword(userName: name, current: current, to: new, terminal: session.terminal, limit: limit, now: now)
            }) else { return .failed(nil) }
            session.changingPassword = nil
            signIn(user)
            return .signIn(.signedIn(user))
        case .addFirstAdministrator(let user, let password):
            return attempt({ try store.addUser(user, password: password, by: nil, now: now) }) == nil ? .failed(nil) : .staffSaved
        case .staff(let change):
            let by = session.user
            let done: Bool = attempt {
                switch change {
                case .addUser(let user, let password): _ = try store.addUser(user, password: password, by: by, now: now)
                case .setDisabled(let disabled, let name): _ = try store.setDisabled(disabled, userName: name, by: by, now: now)
                case .resetPassword(let name, let password): _ = try store.resetPassword(userName: name, to: password, by: by, now: now)
                case .setRole(let role, let name): _ = try store.setRole(role, userName: name, by: by, now: now)
                case .setTeams(let teams, let name): _ = try store.setTeams(teams, userName: name, by: by, now: now)
                case .addTeam(let name): _ = try store.addTeam(named: name, by: by, now: now)
                case .renameTeam(let id, let old, let name): _ = try store.renameTeam(id, from: old, to: name, by: by, now: now)
                }
                return true
            } ?? false
            // The administrator's own teams or role may have changed: the session follows the store.
            if done, let me = try? store.user(named: by) { session.staff = me }
            return done ? .staffSaved : .failed(nil)
        default:
            return .failed(nil)
        }
    }

    /// The signed-in user's account as the store has it now (one indexed read), so that an administrator's
    /// change on another terminal counts at once: a new role or new teams apply here and now; false when the
    /// account was disabled (the program then signs out). An account the store does not know (tests' fixture
    /// users; accounts are never deleted) or a store that cannot be read leaves the session as it is.
    func reloadStaff() -> Bool {
        guard let me = session.staff, let fresh = (try? store.user(named: me.userName)) ?? nil else { return true }
        if fresh.disabled { return false }
        if fresh.roleId != me.roleId || fresh.teamIds != me.teamIds || fresh.fullName != me.fullName {
            log.info("account changed elsewhere")
            session.staff = fresh
            session.teams = (try? store.teams()) ?? session.teams
        }
        return true
    }

    /// Whether a command must find the account still as signed in: everything that writes, signs or exports.
    static func needsCurrentAccount(_ command: Command) -> Bool {
        switch command {
        case .startDocument, .applyDocument, .newDocumentVersion: return true
        default: return permission(for: command).map { $0 != .viewRecords } ?? false
        }
    }

    /// On a tick, the account is read again only when the store changed (another terminal wrote).
    func reloadStaffIfStoreChanged() -> Bool {
        guard let counter = try? store.changeCounter(), counter != seenStaffCounter else { return true }
        seenStaffCounter = counter
        return reloadStaff()
    }

    /// The session is now this user's, with the teams as the store has them.
    func signIn(_ user: StaffUser) {
        session.signIn(user)
        session.teams = (try? store.teams()) ?? []
    }

    /// Sign-out and locking, for the audit trail (the store sees sign-in and unlock itself). One the store cannot
    /// take now (the server away) waits, with its own time, and is written with the changes that wait.
    func record(_ event: SessionEvent) {
        guard let user = session.staff else { return }
        waitingEvents.append((event, user.userName, now))
        if !saveWaitingEvents() { log.warning("session event waits for the store", metadata: ["event": "\(event.rawValue)"]) }
    }

    /// Writes the waiting session events; false when the store still cannot be written. One it refuses for
    /// another reason is only logged.
    @discardableResult
    func saveWaitingEvents() -> Bool {
        while let first = waitingEvents.first {
            do { try store.recordSessionEvent(first.event, userName: first.userName, terminal: session.terminal, now: first.at) } catch StoreError.cannotWrite {
                return false
            } catch {
                log.warning("session event not audited", metadata: ["event": "\(first.event.rawValue)"])
            }
            waitingEvents.removeFirst()
        }
        return true
    }
}

extension Program {
    /// Gives the current screen a message and runs the commands it returns, each answer given back to it in
    /// turn, until one leaves the screen (returned) or is refused (the rest are not run).
    func send(_ message: Message) -> Navigation {
        run(screen.update(message, session))
    }

    func run(_ commands: [Command]) -> Navigation {
        for command in commands {
            if case .go(let nav) = command { return nav }
            if case .ask(let q) = command {
                ask(q)
                continue
            }
            if case .proceed(let step) = command {
                let nav = send(.proceed(step))
                if nav != .stay { return nav }
                continue
            }
            // An administrator may have changed this account on another terminal since the last key.
            if Runtime.needsCurrentAccount(command), !accountStillUsable(runtime.reloadStaff()) { return .stay }
            let answer = runtime.execute(command)
            let nav = send(.answer(answer))
            if nav != .stay { return nav }
            if case .failed = answer { break }
        }
        return .stay
    }

    /// Puts a question on the status line; the next key answers it (`answer`).
    func ask(_ q: Question) {
        question = q
        askedAt = session.now
        session.say(q.text, .error, shortening: q.shortening, at: q.cut)
    }

    /// A key as the answer to the question asked: where it leads, and whether it confirmed leaving.
    func answer(_ key: Key) -> (Navigation, confirmed: Bool) {
        guard let q = question else { return (.stay, false) }
        question = nil
        if let reading = q.readingTime, session.now.timeIntervalSince(askedAt) < reading {
            session.say("Not answered: that key came straight after the question, as typing does. Nothing was done", .error)
            return (send(.answeredTooSoon), false)
        }
        if Question.isYes(key) { return (run(q.yes), q.confirmsLeaving) }
        if let choice = q.others.first(where: { $0.key == key }) { return (run(choice.commands), false) }
        session.say(q.no.text, q.no.kind)
        return (.stay, false)
    }
}
