import Foundation

/// What the runtime asks of a store, grouped by aggregate. The SQLite store (CareplanSQLite) implements it;
/// a second store (PostgreSQL) would too, and `Tests/RepositoryContractTests` checks each the same way.
///
/// Every method that changes something is durable before it returns (an answer shown as saved is on disk),
/// appends its audit entry in the same transaction, and refuses with `StoreError` in words a nurse can act on.
public protocol CareRepository: PatientRepository, AssessmentRepository, DocumentRepository, KioskRepository, AuditRepository,
                                ExportLogRepository, StaffRepository, RepositoryHealth,
                                CareReviewRepository, InformationExportRepository,
                                FollowUpRepository, FollowUpLetterRepository, HNAOfferRepository,
                                NationalDataRepository, ReportRepository {}

public protocol PatientRepository: AnyObject, Sendable {
    /// How many patients, of these teams only when given (the register's "in all").
    func patientCount(teams: Set<Int64>?) throws -> Int
    /// Refuses an NHS number already registered (`duplicateNHSNumber`).
    func addPatient(_ p: Patient, by user: String, now: Date) throws -> Patient
    /// Saves edits to a patient read at `p.revision`; refuses (`conflict`) if another terminal saved in between.
    func updatePatient(_ p: Patient, by user: String, now: Date) throws -> Patient
    func patient(id: Int64) throws -> Patient?
    func patient(nhsNumber: NHSNumber) throws -> Patient?
    /// Every patient, by name, with their latest assessment (`careplan list`).
    func allPatients() throws -> [PatientSummary]
    /// Find-as-you-type: digits search NHS numbers by prefix; a date finds dates of birth; words find names
    /// (every word must start a word of the family or the given name, `SearchKey` folding). Empty: the most
    /// recently changed. Bounded by `limit` whatever the number of patients. `teams`: only patients whose
    /// responsible team is one of these ("my team's patients"); nil: everyone.
    func searchPatients(_ query: String, teams: Set<Int64>?, limit: Int) throws -> [PatientSummary]
    /// Adds `count` fictional patients from `seeder` in one transaction (demos, tests, the benchmark).
    func addFictionalPatients(_ seeder: Seeder, count: Int, createdBy: String, now: Date) throws -> Int
}

public protocol AssessmentRepository: AnyObject, Sendable {
    /// The patient's assessments, newest first.
    func assessments(patientId: Int64) throws -> [AssessmentSummary]
    func startAssessment(patientId: Int64, pathwayPoint: PathwayPoint, completedBy: CompletedBy, date: LocalDate,
                         catalogue: ConcernCatalogue, createdBy: String, now: Date) throws -> Assessment
    func assessment(id: Int64) throws -> Assessment?
    /// Puts aside an assessment in progress started in error: kept, read only, marked with who and when.
    func discardAssessment(id: Int64, by user: String, now: Date) throws -> Assessment
    /// Saves one change in one durable transaction if the one answer it changes is still `base` (as the
    /// terminal showed it); when that answer changed underneath, `AssessmentChange.resolved` decides (text is
    /// merged, other answers are refused with `changedElsewhere`). Refuses a locked plan (`locked`).
    func save(_ change: AssessmentChange, to id: Int64, base: AnswerValue, by user: String, now: Date) throws -> SavedChange
    /// Starts a new version of an agreed plan (or continues the one already started).
    func newVersion(of id: Int64, createdBy: String, now: Date) throws -> Assessment
    /// A number that moves when another connection commits a change: cheap, so an open screen looks every tick.
    func changeCounter() throws -> Int
    /// Self-assessments sent from the kiosk that wait for a care-planning conversation, oldest first.
    func waitingSelfAssessments(limit: Int) throws -> [WaitingAssessment]
}

/// Clinical documents written on templates (`DocumentTemplate`): End of Treatment Summaries and the rest.
/// Every read and change is audited; a signed document refuses changes (`signed`) until a new version.
public protocol DocumentRepository: AnyObject, Sendable {
    /// Starts a draft of `template` for the patient, its fields filled from their defaults (the patient record,
    /// today, the patient's earlier documents). `today` is the care clock's (`CareClock`), `now` the real time.
    func createDocument(template: DocumentTemplate, patientId: Int64, createdBy: String, today: LocalDate, now: Date) throws -> Document
    /// One document with its values and rows. Opening one for a person to read is audited: `recordDocumentView`.
    func document(id: Int64) throws -> Document?
    /// Records that someone looked at a document (the audit trail names the patient and the document).
    func recordDocumentView(user: String, documentId: Int64, now: Date) throws
    /// Why what is stored of a document is not what was signed (changed behind careplan's back, checked
    /// against the content hash in its signing audit entry), or nil; nil for a draft never signed.
    func signedContentProblem(documentId: Int64) throws -> String?
    /// Records that a document was exported or printed (`pdf`, `text`, `fhir`, `print`), and where to.
    func recordDocumentExport(documentId: Int64, format: String, destination: String, by user: String, now: Date) throws
    /// The patient's documents, newest first (by date, then by the latest change).
    func documents(patientId: Int64) throws -> [DocumentSummary]
    /// Saves one field or one row in one durable transaction if that answer is still `base` (as the terminal
    /// showed it); when it changed underneath, text is merged and anything else refused (`changedElsewhere`)
    /// with the stored value kept. `template` names the fields (for messages and the document's date).
    /// Refuses a signed document (`signed`).
    func save(_ change: DocumentChange, to id: Int64, base: DocumentAnswer, template: DocumentTemplate, by user: String, now: Date) throws -> SavedDocumentChange
    /// Signs and locks the document as it was shown (`revision`), if `role` may sign it and every required
    /// field is filled (`refused` says what is missing); signing a new version supersedes the one it replaces.
    /// `name` is the signer's full name, kept on the document as it was then (as the plan keeps who agreed
    /// it); `user` (the login) goes to the audit.
    func sign(documentId: Int64, revision: Int, template: DocumentTemplate, by user: String, name: String, role: String, now: Date) throws -> Document
    /// Starts a new version of a signed document, a draft copy of it (or continues the one already started).
    func newVersion(ofDocument id: Int64, createdBy: String, now: Date) throws -> Document
    /// The patient's assessments (with their plans) and documents, newest first, at most `limit`.
    func timeline(patientId: Int64, limit: Int) throws -> [TimelineEntry]
}

public protocol KioskRepository: AnyObject, Sendable {
    /// Starts a self-assessment for the patient and issues a single-use code for it, withdrawing earlier unused ones.
    func issueKioskCode(patientId: Int64, pathwayPoint: PathwayPoint, catalogue: ConcernCatalogue, by: String,
                        now: Date, validFor: TimeInterval) throws -> KioskCode
    /// Checks a code and date of birth: used up on success; wrong tries count towards the lockout `policy` says.
    func redeemKioskCode(_ typed: String, dateOfBirth: LocalDate, lockout policy: RateLimit, now: Date) throws -> (Patient, Assessment)
    /// Seconds to wait before another try of this kind is allowed, or nil.
    func lockout(_ kind: AttemptKind, policy: RateLimit, now: Date) throws -> TimeInterval?
    /// Sets the staff PIN (kept only as a slow salted hash); replacing one needs `current`.
    func setStaffPIN(_ pin: String, current: String?, by user: String, lockout policy: RateLimit, now: Date) throws
    func hasStaffPIN() throws -> Bool
    /// Checks the staff PIN, counting wrong tries towards the lockout; every try is audited, a right one as `action`.
    func checkStaffPIN(_ pin: String, by user: String, action: String?, lockout policy: RateLimit, now: Date) throws
}

/// Staff users, their roles and teams, and signing in. Every change is made by an enabled administrator
/// (`by`: their user name), is audited under them, and never leaves the store without an enabled administrator.
/// Passwords are kept only as slow salted hashes and never reach the audit trail.
public protocol StaffRepository: AnyObject, Sendable {
    /// Whether an enabled administrator exists: without one, nobody may use the store, and the only thing to
    /// do is to add the first administrator (`addUser` by nobody).
    func hasAdministrator() throws -> Bool
    /// Adds a user. `by` nil: the first administrator, allowed only while the store has none (`administratorExists`),
    /// and only with the administrator role (`noAdministrator`). Refuses a name in use (`userNameTaken`).
    func addUser(_ user: NewStaffUser, password: NewPassword, by actor: String?, now: Date) throws -> StaffUser
    /// Every user, by user name, with their teams.
    func users() throws -> [StaffUser]
    func user(named userName: String) throws -> StaffUser?
    /// Disables or enables an account; disabling the last enabled administrator is refused (`lastAdministrator`).
    func setDisabled(_ disabled: Bool, userName: String, by actor: String, now: Date) throws -> StaffUser
    /// Sets a password chosen by an administrator; the user must change it at their next sign-in.
    func resetPassword(userName: String, to password: NewPassword, by actor: String, now: Date) throws -> StaffUser
    /// Changes one's own password: `current` must be right (wrong tries count towards the sign-in wait of the
    /// account and terminal: `wrongPassword`, `waiting`). Clears `mustChangePassword`.
    func changePassword(userName: String, current: String, to password: NewPassword, terminal: String, limit: RateLimit,
                        now: Date) throws -> StaffUser
    /// Gives a user another role (an id of `Roles`); taking the last enabled administrator's role away is refused.
    func setRole(_ roleId: String, userName: String, by actor: String, now: Date) throws -> StaffUser
    /// Sets the teams a user belongs to (all of them: teams not listed are left).
    func setTeams(_ teamIds: Set<Int64>, userName: String, by actor: String, now: Date) throws -> StaffUser

    func addTeam(named name: String, by actor: String, now: Date) throws -> Team
    /// Renames a team still named `old` (as the administrator saw it): refuses (`conflict`) if renamed meanwhile.
    func renameTeam(_ id: Int64, from old: String, to name: String, by actor: String, now: Date) throws -> Team
    /// Every team, by name.
    func teams() throws -> [Team]
    func teamMembers(_ id: Int64) throws -> [StaffUser]

    /// Checks a user name and password typed at `terminal` (the SSH client or the tty: wrong tries wait per
    /// account and per terminal, under `limit`). Audits the sign-in or the failed try (never the password).
    func signIn(userName: String, password: String, terminal: String, limit: RateLimit, now: Date) throws -> SignInResult
    /// Signs in as the user named like the operating-system account, without a password, when the store trusts
    /// operating-system accounts (`trustsOperatingSystemAccounts`); otherwise, or for no such enabled user, nil.
    func signInTrusted(operatingSystemAccount account: String, terminal: String, now: Date) throws -> StaffUser?
    /// Checks the password of the user the locked terminal belongs to, under the same wait as signing in;
    /// audits the unlock or the failed try. `.signedIn` means unlocked.
    func unlock(userName: String, password: String, terminal: String, limit: RateLimit, now: Date) throws -> SignInResult
    /// Records sign-out and locking, which the runtime sees and the store does not.
    func recordSessionEvent(_ event: SessionEvent, userName: String, terminal: String, now: Date) throws

    /// Whether a user may be signed in by their operating-system account alone (off in a new store). A store
    /// setting that only an administrator changes, audited, rather than a file anyone with the account could edit.
    func trustsOperatingSystemAccounts() throws -> Bool
    func setTrustsOperatingSystemAccounts(_ trusted: Bool, by actor: String, now: Date) throws
    /// Whether an administrator marked the store as one for training and tests (off in a new store): audited,
    /// like trusting operating-system accounts. Only there may the test clock (`CareClock`) be moved.
    func isTrainingStore() throws -> Bool
    func setTrainingStore(_ training: Bool, by actor: String, now: Date) throws
    /// Every audit entry from now on says the test clock is moved, and its today; refused (`refused`) on a store
    /// not marked as a training store. The real clock is always accepted.
    func useTestClock(_ clock: CareClock, now: Date) throws
}

public protocol AuditRepository: AnyObject, Sendable {
    /// Records that someone looked at a record (opening a patient or an assessment).
    func recordView(user: String, patientId: Int64?, assessmentId: Int64?, now: Date) throws
    /// Records that someone printed or saw a list of patients: `listed` says which ("all patients" for the
    /// whole register, `careplan list`; "reviews due" for the practice view).
    func recordListing(user: String, listed: String, patients: Int, now: Date) throws
    /// Records that a signed-in person's role refused them something (`refused`: "may not run reports: careplan
    /// cosd"), as sign-in refusals are: who tried what, no patient data.
    func recordRefusal(user: String, refused: String, now: Date) throws
    /// The trail, oldest first; for one patient when given.
    func auditTrail(patientId: Int64?) throws -> [AuditEntry]
    /// How many entries, from the first, an earlier careplan chained without a key.
    func unkeyedAuditEntries() throws -> Int
    /// Checks every link, MAC and the anchor kept outside the store.
    func verifyAuditTrail() throws -> AuditVerification
}

public protocol ExportLogRepository: AnyObject, Sendable {
    /// Records that a plan was exported or printed; refuses an unknown assessment.
    @discardableResult
    func recordExport(assessmentId: Int64, format: String, destination: String, by user: String, at now: Date) throws -> ExportRecord
    /// The exports of one plan, oldest first.
    func exports(assessmentId: Int64) throws -> [ExportRecord]
}

public protocol RepositoryHealth: AnyObject, Sendable {
    /// Why nothing may be written (a damaged store, a store under another audit key), if so.
    var writesRefused: String? { get }
    /// What opening the store found that the user must hear about (patient data that was readable by others,
    /// a damaged store, a restored audit guard), each a whole sentence: printed, and shown on the first screen.
    var openingWarnings: [String] { get }
    /// The store's own full check: `ok`, or one line per problem.
    func integrityCheck() throws -> String
}

// The usual arguments: now, nobody named, the default limits. A call giving every argument is the
// requirement itself (Swift prefers the candidate that needs no default), so these never call themselves.
extension PatientRepository {
    public func addPatient(_ p: Patient, by user: String = "", now: Date = Date()) throws -> Patient { try addPatient(p, by: user, now: now) }
    public func updatePatient(_ p: Patient, by user: String = "", now: Date = Date()) throws -> Patient { try updatePatient(p, by: user, now: now) }
    public func searchPatients(_ query: String, teams: Set<Int64>? = nil, limit: Int = 100) throws -> [PatientSummary] {
        try searchPatients(query, teams: teams, limit: limit)
    }
    @discardableResult
    public func addFictionalPatients(_ seeder: Seeder, count: Int, createdBy: String = "seed", now: Date = Date()) throws -> Int {
        try addFictionalPatients(seeder, count: count, createdBy: createdBy, now: now)
    }
}

extension AssessmentRepository {
    public func startAssessment(patientId: Int64, pathwayPoint: PathwayPoint, completedBy: CompletedBy, date: LocalDate,
                                catalogue: ConcernCatalogue, createdBy: String, now: Date = Date()) throws -> Assessment {
        try startAssessment(patientId: patientId, pathwayPoint: pathwayPoint, completedBy: completedBy, date: date,
                            catalogue: catalogue, createdBy: createdBy, now: now)
    }
    public func discardAssessment(id: Int64, by user: String, now: Date = Date()) throws -> Assessment { try discardAssessment(id: id, by: user, now: now) }
    @discardableResult
    public func save(_ change: AssessmentChange, to id: Int64, base: AnswerValue, by user: String = "", now: Date = Date()) throws -> SavedChange {
        try save(change, to: id, base: base, by: user, now: now)
    }
    public func newVersion(of id: Int64, createdBy: String, now: Date = Date()) throws -> Assessment { try newVersion(of: id, createdBy: createdBy, now: now) }
    public func waitingSelfAssessments(limit: Int = 50) throws -> [WaitingAssessment] { try waitingSelfAssessments(limit: limit) }

    /// Applies one change based on the assessment as the terminal showed it (`seen`): see `save`.
    @discardableResult
    public func apply(_ change: AssessmentChange, to id: Int64, basedOn seen: Assessment, by user: String = "", now: Date = Date()) throws -> Assessment {
        try save(change, to: id, base: change.answer(in: seen), by: user, now: now).assessment
    }
}

extension DocumentRepository {
    public func createDocument(template: DocumentTemplate, patientId: Int64, createdBy: String, today: LocalDate? = nil, now: Date = Date()) throws -> Document {
        try createDocument(template: template, patientId: patientId, createdBy: createdBy, today: today ?? LocalDate(now), now: now)
    }
    public func recordDocumentView(user: String, documentId: Int64, now: Date = Date()) throws {
        try recordDocumentView(user: user, documentId: documentId, now: now)
    }
    public func recordDocumentExport(documentId: Int64, format: String, destination: String, by user: String, now: Date = Date()) throws {
        try recordDocumentExport(documentId: documentId, format: format, destination: destination, by: user, now: now)
    }
    @discardableResult
    public func save(_ change: DocumentChange, to id: Int64, base: DocumentAnswer, template: DocumentTemplate, by user: String,
                     now: Date = Date()) throws -> SavedDocumentChange {
        try save(change, to: id, base: base, template: template, by: user, now: now)
    }
    /// Applies one change based on the document as the terminal showed it (`seen`): see `save`.
    @discardableResult
    public func apply(_ change: DocumentChange, to seen: Document, template: DocumentTemplate, by user: String,
                      now: Date = Date()) throws -> Document {
        try save(change, to: seen.id, base: change.answer(in: seen), template: template, by: user, now: now).document
    }
    public func sign(documentId: Int64, revision: Int, template: DocumentTemplate, by user: String, name: String? = nil, role: String,
                     now: Date = Date()) throws -> Document {
        try sign(documentId: documentId, revision: revision, template: template, by: user, name: name ?? user, role: role, now: now)
    }
    public func newVersion(ofDocument id: Int64, createdBy: String, now: Date = Date()) throws -> Document {
        try newVersion(ofDocument: id, createdBy: createdBy, now: now)
    }
    public func timeline(patientId: Int64, limit: Int = 200) throws -> [TimelineEntry] { try timeline(patientId: patientId, limit: limit) }
}

extension KioskRepository {
    public func issueKioskCode(patientId: Int64, pathwayPoint: PathwayPoint, catalogue: ConcernCatalogue, by: String,
                               now: Date = Date(),
                               validFor: TimeInterval = TimeInterval(Flow.Setting.kioskCodeHours.defaultValue) * 3600) throws -> KioskCode {
        try issueKioskCode(patientId: patientId, pathwayPoint: pathwayPoint, catalogue: catalogue, by: by, now: now, validFor: validFor)
    }
    public func redeemKioskCode(_ typed: String, dateOfBirth: LocalDate, lockout policy: RateLimit, now: Date = Date()) throws -> (Patient, Assessment) {
        try redeemKioskCode(typed, dateOfBirth: dateOfBirth, lockout: policy, now: now)
    }
    public func lockout(_ kind: AttemptKind, policy: RateLimit, now: Date = Date()) throws -> TimeInterval? { try lockout(kind, policy: policy, now: now) }
    public func setStaffPIN(_ pin: String, current: String? = nil, by user: String = "", lockout policy: RateLimit, now: Date = Date()) throws {
        try setStaffPIN(pin, current: current, by: user, lockout: policy, now: now)
    }
    public func checkStaffPIN(_ pin: String, by user: String = "kiosk", action: String? = "closed the kiosk", lockout policy: RateLimit,
                              now: Date = Date()) throws {
        try checkStaffPIN(pin, by: user, action: action, lockout: policy, now: now)
    }
}

extension StaffRepository {
    public func addUser(_ user: NewStaffUser, password: NewPassword, by actor: String?, now: Date = Date()) throws -> StaffUser {
        try addUser(user, password: password, by: actor, now: now)
    }
    public func signIn(userName: String, password: String, terminal: String, limit: RateLimit, now: Date = Date()) throws -> SignInResult {
        try signIn(userName: userName, password: password, terminal: terminal, limit: limit, now: now)
    }
}

extension AuditRepository {
    public func recordView(user: String, patientId: Int64? = nil, assessmentId: Int64? = nil, now: Date = Date()) throws {
        try recordView(user: user, patientId: patientId, assessmentId: assessmentId, now: now)
    }
    public func recordListing(user: String, listed: String = "all patients", patients: Int, now: Date = Date()) throws {
        try recordListing(user: user, listed: listed, patients: patients, now: now)
    }
    public func auditTrail(patientId: Int64? = nil) throws -> [AuditEntry] { try auditTrail(patientId: patientId) }
}

extension ExportLogRepository {
    @discardableResult
    public func recordExport(assessmentId: Int64, format: String, destination: String, by user: String, at now: Date = Date()) throws -> ExportRecord {
        try recordExport(assessmentId: assessmentId, format: format, destination: destination, by: user, at: now)
    }
}

// MARK: - What the repository answers

/// Why a save or a load did not happen, in words a nurse can act on.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another terminal changed the record since this one read it; nothing was overwritten.
    case conflict(String)
    /// Another terminal changed the same answer first: theirs is kept; the sentence says which value was not saved.
    case changedElsewhere(String)
    /// The plan is agreed and locked: changes need a new version.
    case locked
    case duplicateNHSNumber(existing: String)
    case notFound(String)
    case cannotOpen(String)
    /// The disk is full or the store cannot be written: what was typed stays on screen.
    case cannotWrite(String)
    /// The document is signed and locked: changes need a new version.
    case signed
    /// Not done, and why in a sentence (a document not ready to sign, a role that may not sign it).
    case refused(String)

    public var description: String {
        switch self {
        case .conflict(let what): return "\(what) was changed on another terminal; reloaded, nothing overwritten"
        case .changedElsewhere(let why): return why
        case .locked: return "This plan is agreed and locked: start a new version to change it"
        case .duplicateNHSNumber(let name): return "This NHS number is already registered, for \(name)"
        case .notFound(let what): return "\(what) was not found"
        case .cannotOpen(let why): return "Cannot open the store: \(why)"
        case .cannotWrite(let why): return "Not saved: \(why). What you typed is kept; it is saved when you try again"
        case .signed: return "This document is signed and locked: start a new version to change it"
        case .refused(let why): return why
        }
    }
}

/// Why a write failed, as `StoreError.cannotWrite` says it, for the failures every store shares.
public enum WriteFailure: String, Sendable, CaseIterable {
    case diskFull = "the disk is full"
    case readOnly = "the store is read-only"
    case busy = "the store is busy on another terminal"
    case diskError = "the disk reported an error"
    case cannotOpen = "the store file cannot be opened"
    /// A store on a database server (PostgreSQL): the server is gone, its disk is full, or it is a standby.
    case serverUnreachable = "the database server cannot be reached"
    case serverDiskFull = "the database server's disk is full"
    case serverReadOnly = "the database server takes no changes (a standby, or read-only)"

    public var error: StoreError { .cannotWrite(rawValue) }
    /// The same failure met while reading (opening a record): nothing was changed, so nothing waits.
    public var readError: StoreError { .cannotOpen(rawValue) }
}

/// A row of the patient register: the patient and their latest assessment.
public struct PatientSummary: Hashable, Sendable {
    public var patient: Patient
    public var latestAssessmentId: Int64?
    public var latestStatus: AssessmentStatus?
    public var latestDate: LocalDate?

    public init(patient: Patient, latestAssessmentId: Int64? = nil, latestStatus: AssessmentStatus? = nil, latestDate: LocalDate? = nil) {
        self.patient = patient
        self.latestAssessmentId = latestAssessmentId
        self.latestStatus = latestStatus
        self.latestDate = latestDate
    }
}

/// One line of a patient's record: an assessment without its answers.
public struct AssessmentSummary: Hashable, Sendable {
    public var id: Int64
    public var date: LocalDate
    public var pathwayPoint: PathwayPoint
    public var status: AssessmentStatus
    public var version: Int
    public var concernCount: Int
    public var distressScore: Int?

    public init(id: Int64, date: LocalDate, pathwayPoint: PathwayPoint, status: AssessmentStatus, version: Int, concernCount: Int, distressScore: Int?) {
        self.id = id
        self.date = date
        self.pathwayPoint = pathwayPoint
        self.status = status
        self.version = version
        self.concernCount = concernCount
        self.distressScore = distressScore
    }
}

/// A self-assessment sent from the kiosk, waiting for its care-planning conversation.
public struct WaitingAssessment: Hashable, Sendable {
    public var patient: Patient
    public var assessmentId: Int64
    public var submittedAt: Date
    public var concernCount: Int

    public init(patient: Patient, assessmentId: Int64, submittedAt: Date, concernCount: Int) {
        self.patient = patient
        self.assessmentId = assessmentId
        self.submittedAt = submittedAt
        self.concernCount = concernCount
    }
}

/// What `save` did.
public struct SavedChange: Sendable {
    /// The assessment as stored afterwards, with every terminal's changes.
    public var assessment: Assessment
    /// Set when the answer had changed underneath and both were kept: the sentence telling the nurse.
    public var merged: String?

    public init(assessment: Assessment, merged: String? = nil) {
        self.assessment = assessment
        self.merged = merged
    }
}

/// One export or print of a plan, as the audit trail keeps it.
public struct ExportRecord: Hashable, Sendable {
    public var id: Int64
    public var assessmentId: Int64
    /// `pdf`, `text`, `fhir`, or `print`.
    public var format: String
    /// Where it went: the file written, or the printer.
    public var destination: String
    public var exportedBy: String
    public var exportedAt: Date
    /// The plan's version and status at the time, so the record reads right after a new version.
    public var planVersion: Int
    public var planStatus: AssessmentStatus

    public init(id: Int64, assessmentId: Int64, format: String, destination: String, exportedBy: String, exportedAt: Date,
                planVersion: Int, planStatus: AssessmentStatus) {
        self.id = id
        self.assessmentId = assessmentId
        self.format = format
        self.destination = destination
        self.exportedBy = exportedBy
        self.exportedAt = exportedAt
        self.planVersion = planVersion
        self.planStatus = planStatus
    }
}

/// Folded for search: lower case, no accents ("Siân" -> "sian", "Łódź" -> "lodz"). Foundation's folding
/// keeps letters that are not a base letter plus a mark (ł, ø, ß, æ...): those are spelt as people type them.
public enum SearchKey {
    /// Apostrophes (straight, curly, the modifier letter) are left out of a key, so "obrien", "o'brien" and
    /// "O’Brien" are one name; the words of a name are still split at them (`laterWords`).
    static let apostrophes: Set<Character> = ["'", "\u{2019}", "\u{2018}", "\u{02BC}"]

    public static func of(_ s: String) -> String { folded(s).filter { !apostrophes.contains($0) } }

    static func folded(_ s: String) -> String {
        let folded = s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        guard folded.unicodeScalars.contains(where: { letterSpellings[$0] != nil }) else { return folded }
        var out = ""
        for scalar in folded.unicodeScalars {
            if let spelt = letterSpellings[scalar] { out += spelt } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// Letters (already lower case) that diacritic folding leaves alone, as they are typed on an English keyboard.
    static let letterSpellings: [Unicode.Scalar: String] = [
        "ł": "l", "ŀ": "l", "ø": "o", "đ": "d", "ð": "d", "ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "þ": "th",
        "ı": "i", "ħ": "h", "ŧ": "t", "ĸ": "k", "ŋ": "n", "ſ": "s", "ƒ": "f", "ə": "e", "ɨ": "i", "ʉ": "u",
    ]

    /// The words of a name after its first, folded ("Ó Briain" -> ["briain"], "Smith-Jones" -> ["jones"]):
    /// a search finds a name by any of its words.
    public static func laterWords(_ name: String) -> [String] {
        Array(folded(name).split(whereSeparator: { $0 == " " || $0 == "-" || apostrophes.contains($0) }).dropFirst().map(String.init))
    }
}

extension PatientRepository {
    /// Every patient in the store.
    public func patientCount() throws -> Int { try patientCount(teams: nil) }
}
