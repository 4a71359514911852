import CareplanCore
import Foundation

// Stratified follow-up (issue 14), kept apart so that each issue's part of the wrapper is its own file.
extension FaultyRepository {
    public func enrol(patientId: Int64, pathway: Pathway, start: LocalDate, fromDocument: Int64?, otherDiagnosis: Bool, by user: String, now: Date) throws -> Enrolment {
        try write { try wrapped.enrol(patientId: patientId, pathway: pathway, start: start, fromDocument: fromDocument, otherDiagnosis: otherDiagnosis, by: user, now: now) }
    }
    public func enrolments(patientId: Int64) throws -> [Enrolment] { try wrapped.enrolments(patientId: patientId) }
    public func enrolment(id: Int64) throws -> Enrolment? { try wrapped.enrolment(id: id) }
    public func scheduledTests(enrolmentId: Int64) throws -> [ScheduledTest] { try wrapped.scheduledTests(enrolmentId: enrolmentId) }
    public func changeSchedule(_ change: ScheduleChange, enrolmentId: Int64, by user: String, now: Date) throws -> ScheduledTest {
        try write { try wrapped.changeSchedule(change, enrolmentId: enrolmentId, by: user, now: now) }
    }
    public func markTest(_ testId: Int64, _ status: TestProgress, on date: LocalDate, by user: String, now: Date) throws -> ScheduledTest {
        try write { try wrapped.markTest(testId, status, on: date, by: user, now: now) }
    }
    public func followUpHistory(enrolmentId: Int64) throws -> [FollowUpChange] { try wrapped.followUpHistory(enrolmentId: enrolmentId) }
    public func recordResult(_ result: NewResult, testId: Int64, pathway: Pathway, by user: String, now: Date) throws -> TestResult {
        try write { try wrapped.recordResult(result, testId: testId, pathway: pathway, by: user, now: now) }
    }
    public func results(enrolmentId: Int64) throws -> [TestResult] { try wrapped.results(enrolmentId: enrolmentId) }
    public func reviewResult(_ resultId: Int64, outcome: ReviewOutcome, note: String, by user: String, now: Date) throws -> TestResult {
        try write { try wrapped.reviewResult(resultId, outcome: outcome, note: note, by: user, now: now) }
    }
    public func setSuspended(enrolmentId: Int64, reason: String?, by user: String, now: Date) throws -> Enrolment {
        try write { try wrapped.setSuspended(enrolmentId: enrolmentId, reason: reason, by: user, now: now) }
    }
    public func discharge(enrolmentId: Int64, reason: DischargeReason, on date: LocalDate, acknowledging: Bool, by user: String, now: Date) throws -> Enrolment {
        try write { try wrapped.discharge(enrolmentId: enrolmentId, reason: reason, on: date, acknowledging: acknowledging, by: user, now: now) }
    }
    public func recordContact(_ contact: NewContact, by user: String, now: Date) throws -> Contact {
        try write { try wrapped.recordContact(contact, by: user, now: now) }
    }
    public func returnContact(_ contactId: Int64, response: ContactResponse, note: String, returnedAt: Date, bringingForward: BroughtForward?,
                              by user: String, now: Date) throws -> Contact {
        try write { try wrapped.returnContact(contactId, response: response, note: note, returnedAt: returnedAt, bringingForward: bringingForward, by: user, now: now) }
    }
    public func contacts(patientId: Int64) throws -> [Contact] { try wrapped.contacts(patientId: patientId) }
    public func worklist(_ query: WorklistQuery) throws -> Worklist { try wrapped.worklist(query) }
    public func importResults(_ rows: [ResultRow], pathways: [String: Pathway], source: String, today: LocalDate, by user: String, now: Date,
                              progress: (Int) throws -> Void) throws -> ResultsImportReport {
        try write { try wrapped.importResults(rows, pathways: pathways, source: source, today: today, by: user, now: now, progress: progress) }
    }
    public func addFictionalFollowUp(pathways: [Pathway], today: LocalDate, by user: String, now: Date) throws -> (patients: Int, tests: Int) {
        try write { try wrapped.addFictionalFollowUp(pathways: pathways, today: today, by: user, now: now) }
    }
}
