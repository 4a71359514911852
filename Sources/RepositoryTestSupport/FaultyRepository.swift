import CareplanCore
import Foundation
import Synchronization

/// A repository whose writes fail as they do on a full disk or a read-only store, while reads go on: the
/// screens and the runtime are driven through faults with it, without mounting file systems (the end-to-end
/// tests do that) and without a hook in the production store.
public final class FaultyRepository: CareRepository {
    public let wrapped: any CareRepository
    private let fault = Mutex<WriteFailure?>(nil)

    public init(_ wrapped: any CareRepository) { self.wrapped = wrapped }

    /// Every write fails with `failure` from now on, before it reaches the store; nil: writes go through again.
    public func fail(_ failure: WriteFailure?) { fault.withLock { $0 = failure } }

    func write<T>(_ body: () throws -> T) throws -> T {
        if let failure = fault.withLock({ $0 }) { throw failure.error }
        return try body()
    }

    private let readFault = Mutex<WriteFailure?>(nil)
    /// Opening a record (a patient, an assessment, a document) fails with `failure`'s read error from now on,
    /// as when a database server is out of reach; nil: reads go through again.
    public func failReads(_ failure: WriteFailure?) { readFault.withLock { $0 = failure } }

    func read<T>(_ body: () throws -> T) throws -> T {
        if let failure = readFault.withLock({ $0 }) { throw failure.readError }
        return try body()
    }

    // Patients
    public func patientCount(teams: Set<Int64>?) throws -> Int { try read { try wrapped.patientCount(teams: teams) } }
    public func addPatient(_ p: Patient, by user: String, now: Date) throws -> Patient { try write { try wrapped.addPatient(p, by: user, now: now) } }
    public func updatePatient(_ p: Patient, by user: String, now: Date) throws -> Patient { try write { try wrapped.updatePatient(p, by: user, now: now) } }
    public func patient(id: Int64) throws -> Patient? { try read { try wrapped.patient(id: id) } }
    public func patient(nhsNumber: NHSNumber) throws -> Patient? { try wrapped.patient(nhsNumber: nhsNumber) }
    public func allPatients() throws -> [PatientSummary] { try wrapped.allPatients() }
    public func searchPatients(_ query: String, teams: Set<Int64>?, limit: Int) throws -> [PatientSummary] {
        try read { try wrapped.searchPatients(query, teams: teams, limit: limit) }
    }
    public func addFictionalPatients(_ seeder: Seeder, count: Int, createdBy: String, now: Date) throws -> Int {
        try write { try wrapped.addFictionalPatients(seeder, count: count, createdBy: createdBy, now: now) }
    }

    // Assessments
    public func assessments(patientId: Int64) throws -> [AssessmentSummary] { try wrapped.assessments(patientId: patientId) }
    public func startAssessment(patientId: Int64, pathwayPoint: PathwayPoint, completedBy: CompletedBy, date: LocalDate,
                                catalogue: ConcernCatalogue, createdBy: String, now: Date) throws -> Assessment {
        try write { try wrapped.startAssessment(patientId: patientId, pathwayPoint: pathwayPoint, completedBy: completedBy, date: date,
                                                catalogue: catalogue, createdBy: createdBy, now: now) }
    }
    public func assessment(id: Int64) throws -> Assessment? { try read { try wrapped.assessment(id: id) } }
    public func discardAssessment(id: Int64, by user: String, now: Date) throws -> Assessment { try write { try wrapped.discardAssessment(id: id, by: user, now: now) } }
    public func save(_ change: AssessmentChange, to id: Int64, base: AnswerValue, by user: String, now: Date) throws -> SavedChange {
        try write { try wrapped.save(change, to: id, base: base, by: user, now: now) }
    }
    public func newVersion(of id: Int64, createdBy: String, now: Date) throws -> Assessment { try write { try wrapped.newVersion(of: id, createdBy: createdBy, now: now) } }
    public func changeCounter() throws -> Int { try wrapped.changeCounter() }
    public func waitingSelfAssessments(limit: Int) throws -> [WaitingAssessment] { try read { try wrapped.waitingSelfAssessments(limit: limit) } }

    // Documents
    public func createDocument(template: DocumentTemplate, patientId: Int64, createdBy: String, today: LocalDate, now: Date) throws -> Document {
        try write { try wrapped.createDocument(template: template, patientId: patientId, createdBy: createdBy, today: today, now: now) }
    }
    public func document(id: Int64) throws -> Document? { try read { try wrapped.document(id: id) } }
    public func recordDocumentView(user: String, documentId: Int64, now: Date) throws {
        try write { try wrapped.recordDocumentView(user: user, documentId: documentId, now: now) }
    }
    public func signedContentProblem(documentId: Int64) throws -> String? { try wrapped.signedContentProblem(documentId: documentId) }
    public func recordDocumentExport(documentId: Int64, format: String, destination: String, by user: String, now: Date) throws {
        try write { try wrapped.recordDocumentExport(documentId: documentId, format: format, destination: destination, by: user, now: now) }
    }
    public func documents(patientId: Int64) throws -> [DocumentSummary] { try wrapped.documents(patientId: patientId) }
    public func save(_ change: DocumentChange, to id: Int64, base: DocumentAnswer, template: DocumentTemplate, by user: String,
                     now: Date) throws -> SavedDocumentChange {
        try write { try wrapped.save(change, to: id, base: base, template: template, by: user, now: now) }
    }
    public func sign(documentId: Int64, revision: Int, template: DocumentTemplate, by user: String, name: String, role: String, now: Date) throws -> Document {
        try write { try wrapped.sign(documentId: documentId, revision: revision, template: template, by: user, name: name, role: role, now: now) }
    }
    public func newVersion(ofDocument id: Int64, createdBy: String, now: Date) throws -> Document {
        try write { try wrapped.newVersion(ofDocument: id, createdBy: createdBy, now: now) }
    }
    public func timeline(patientId: Int64, limit: Int) throws -> [TimelineEntry] { try wrapped.timeline(patientId: patientId, limit: limit) }

    // Kiosk codes and the staff PIN
    public func issueKioskCode(patientId: Int64, pathwayPoint: PathwayPoint, catalogue: ConcernCatalogue, by: String,
                               now: Date, validFor: TimeInterval) throws -> KioskCode {
        try write { try wrapped.issueKioskCode(patientId: patientId, pathwayPoint: pathwayPoint, catalogue: catalogue, by: by, now: now, validFor: validFor) }
    }
    public func redeemKioskCode(_ typed: String, dateOfBirth: LocalDate, lockout policy: RateLimit, now: Date) throws -> (Patient, Assessment) {
        try write { try wrapped.redeemKioskCode(typed, dateOfBirth: dateOfBirth, lockout: policy, now: now) }
    }
    public func lockout(_ kind: AttemptKind, policy: RateLimit, now: Date) throws -> TimeInterval? { try wrapped.lockout(kind, policy: policy, now: now) }
    public func setStaffPIN(_ pin: String, current: String?, by user: String, lockout policy: RateLimit, now: Date) throws {
        try write { try wrapped.setStaffPIN(pin, current: current, by: user, lockout: policy, now: now) }
    }
    public func hasStaffPIN() throws -> Bool { try wrapped.hasStaffPIN() }
    public func checkStaffPIN(_ pin: String, by user: String, action: String?, lockout policy: RateLimit, now: Date) throws {
        try write { try wrapped.checkStaffPIN(pin, by: user, action: action, lockout: policy, now: now) }
    }

    // Staff, teams and signing in (signing in writes its audit entry, so fails with the other writes)
    public func hasAdministrator() throws -> Bool { try wrapped.hasAdministrator() }
    public func addUser(_ user: NewStaffUser, password: NewPassword, by actor: String?, now: Date) throws -> StaffUser {
        try write { try wrapped.addUser(user, password: password, by: actor, now: now) }
    }
    public func users() throws -> [StaffUser] { try wrapped.users() }
    public func user(named userName: String) throws -> StaffUser? { try wrapped.user(named: userName) }
    public func setDisabled(_ disabled: Bool, userName: String, by actor: String, now: Date) throws -> StaffUser {
        try write { try wrapped.setDisabled(disabled, userName: userName, by: actor, now: now) }
    }
    public func resetPassword(userName: String, to password: NewPassword, by actor: String, now: Date) throws -> StaffUser {
        try write { try wrapped.resetPassword(userName: userName, to: password, by: actor, now: now) }
    }
    public func changePassword(userName: String, current: String, to password: NewPassword, terminal: String, limit: RateLimit,
                               now: Date) throws -> StaffUser {
        try write { try wrapped.changePassword(userName: userName, current: current, to: password, terminal: terminal, limit: limit, now: now) }
    }
    public func setRole(_ roleId: String, userName: String, by actor: String, now: Date) throws -> StaffUser {
        try write { try wrapped.setRole(roleId, userName: userName, by: actor, now: now) }
    }
    public func setTeams(_ teamIds: Set<Int64>, userName: String, by actor: String, now: Date) throws -> StaffUser {
        try write { try wrapped.setTeams(teamIds, userName: userName, by: actor, now: now) }
    }
    public func addTeam(named name: String, by actor: String, now: Date) throws -> Team { try write { try wrapped.addTeam(named: name, by: actor, now: now) } }
    public func renameTeam(_ id: Int64, from old: String, to name: String, by actor: String, now: Date) throws -> Team {
        try write { try wrapped.renameTeam(id, from: old, to: name, by: actor, now: now) }
    }
    public func teams() throws -> [Team] { try wrapped.teams() }
    public func teamMembers(_ id: Int64) throws -> [StaffUser] { try wrapped.teamMembers(id) }
    public func signIn(userName: String, password: String, terminal: String, limit: RateLimit, now: Date) throws -> SignInResult {
        try write { try wrapped.signIn(userName: userName, password: password, terminal: terminal, limit: limit, now: now) }
    }
    public func signInTrusted(operatingSystemAccount account: String, terminal: String, now: Date) throws -> StaffUser? {
        try write { try wrapped.signInTrusted(operatingSystemAccount: account, terminal: terminal, now: now) }
    }
    public func unlock(userName: String, password: String, terminal: String, limit: RateLimit, now: Date) throws -> SignInResult {
        try write { try wrapped.unlock(userName: userName, password: password, terminal: terminal, limit: limit, now: now) }
    }
    public func recordSessionEvent(_ event: SessionEvent, userName: String, terminal: String, now: Date) throws {
        try write { try wrapped.recordSessionEvent(event, userName: userName, terminal: terminal, now: now) }
    }
    public func trustsOperatingSystemAccounts() throws -> Bool { try wrapped.trustsOperatingSystemAccounts() }
    public func isTrainingStore() throws -> Bool { try wrapped.isTrainingStore() }
    public func setTrainingStore(_ training: Bool, by actor: String, now: Date) throws {
        try write { try wrapped.setTrainingStore(training, by: actor, now: now) }
    }
    public func useTestClock(_ clock: CareClock, now: Date) throws { try wrapped.useTestClock(clock, now: now) }
    public func setTrustsOperatingSystemAccounts(_ trusted: Bool, by actor: String, now: Date) throws {
        try write { try wrapped.setTrustsOperatingSystemAccounts(trusted, by: actor, now: now) }
    }

    // Audit trail and export log
    public func recordView(user: String, patientId: Int64?, assessmentId: Int64?, now: Date) throws {
        try write { try wrapped.recordView(user: user, patientId: patientId, assessmentId: assessmentId, now: now) }
    }
    public func recordListing(user: String, listed: String, patients: Int, now: Date) throws {
        try write { try wrapped.recordListing(user: user, listed: listed, patients: patients, now: now) }
    }
    public func recordRefusal(user: String, refused: String, now: Date) throws {
        try write { try wrapped.recordRefusal(user: user, refused: refused, now: now) }
    }
    public func auditTrail(patientId: Int64?) throws -> [AuditEntry] { try wrapped.auditTrail(patientId: patientId) }
    public func unkeyedAuditEntries() throws -> Int { try wrapped.unkeyedAuditEntries() }
    public func verifyAuditTrail() throws -> AuditVerification { try wrapped.verifyAuditTrail() }
    public func recordExport(assessmentId: Int64, format: String, destination: String, by user: String, at now: Date) throws -> ExportRecord {
        try write { try wrapped.recordExport(assessmentId: assessmentId, format: format, destination: destination, by: user, at: now) }
    }
    public func exports(assessmentId: Int64) throws -> [ExportRecord] { try wrapped.exports(assessmentId: assessmentId) }

    // Health
    public var writesRefused: String? { wrapped.writesRefused }
    public var openingWarnings: [String] { wrapped.openingWarnings }
    public func integrityCheck() throws -> String { try wrapped.integrityCheck() }
}
