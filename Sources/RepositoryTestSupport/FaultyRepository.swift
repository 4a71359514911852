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

    private func write<T>(_ body: () throws -> T) throws -> T {
        if let failure = fault.withLock({ $0 }) { throw failure.error }
        return try body()
    }

    // Patients
    public func patientCount() throws -> Int { try wrapped.patientCount() }
    public func addPatient(_ p: Patient, by user: String, now: Date) throws -> Patient { try write { try wrapped.addPatient(p, by: user, now: now) } }
    public func updatePatient(_ p: Patient, by user: String, now: Date) throws -> Patient { try write { try wrapped.updatePatient(p, by: user, now: now) } }
    public func patient(id: Int64) throws -> Patient? { try wrapped.patient(id: id) }
    public func patient(nhsNumber: NHSNumber) throws -> Patient? { try wrapped.patient(nhsNumber: nhsNumber) }
    public func allPatients() throws -> [PatientSummary] { try wrapped.allPatients() }
    public func searchPatients(_ query: String, limit: Int) throws -> [PatientSummary] { try wrapped.searchPatients(query, limit: limit) }
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
    public func assessment(id: Int64) throws -> Assessment? { try wrapped.assessment(id: id) }
    public func discardAssessment(id: Int64, by user: String, now: Date) throws -> Assessment { try write { try wrapped.discardAssessment(id: id, by: user, now: now) } }
    public func save(_ change: AssessmentChange, to id: Int64, base: AnswerValue, by user: String, now: Date) throws -> SavedChange {
        try write { try wrapped.save(change, to: id, base: base, by: user, now: now) }
    }
    public func newVersion(of id: Int64, createdBy: String, now: Date) throws -> Assessment { try write { try wrapped.newVersion(of: id, createdBy: createdBy, now: now) } }
    public func changeCounter() throws -> Int { try wrapped.changeCounter() }
    public func waitingSelfAssessments(limit: Int) throws -> [WaitingAssessment] { try wrapped.waitingSelfAssessments(limit: limit) }

    // Kiosk codes and the staff PIN
    public func issueKioskCode(patientId: Int64, pathwayPoint: PathwayPoint, catalogue: ConcernCatalogue, by: String,
                               now: Date, validFor: TimeInterval) throws -> KioskCode {
        try write { try wrapped.issueKioskCode(patientId: patientId, pathwayPoint: pathwayPoint, catalogue: catalogue, by: by, now: now, validFor: validFor) }
    }
    public func redeemKioskCode(_ typed: String, dateOfBirth: LocalDate, lockout policy: LockoutPolicy, now: Date) throws -> (Patient, Assessment) {
        try write { try wrapped.redeemKioskCode(typed, dateOfBirth: dateOfBirth, lockout: policy, now: now) }
    }
    public func lockout(_ kind: AttemptKind, policy: LockoutPolicy, now: Date) throws -> TimeInterval? { try wrapped.lockout(kind, policy: policy, now: now) }
    public func setStaffPIN(_ pin: String, current: String?, by user: String, lockout policy: LockoutPolicy, now: Date) throws {
        try write { try wrapped.setStaffPIN(pin, current: current, by: user, lockout: policy, now: now) }
    }
    public func hasStaffPIN() throws -> Bool { try wrapped.hasStaffPIN() }
    public func checkStaffPIN(_ pin: String, by user: String, action: String?, lockout policy: LockoutPolicy, now: Date) throws {
        try write { try wrapped.checkStaffPIN(pin, by: user, action: action, lockout: policy, now: now) }
    }

    // Audit trail and export log
    public func recordView(user: String, patientId: Int64?, assessmentId: Int64?, now: Date) throws {
        try write { try wrapped.recordView(user: user, patientId: patientId, assessmentId: assessmentId, now: now) }
    }
    public func recordListing(user: String, patients: Int, now: Date) throws { try write { try wrapped.recordListing(user: user, patients: patients, now: now) } }
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
