import Foundation

/// Personalised stratified follow-up (issue 14): patients on pathways, their surveillance tests and results,
/// calls when they are worried, and discharge; and the worklist that shows what needs doing so that nobody is
/// lost to follow-up. Every change is audited under its user with ids and kinds only, never a value or a note.
public protocol FollowUpRepository: AnyObject, Sendable {
    /// Puts the patient on `pathway` from `start`, from an End of Treatment Summary of theirs if given, and
    /// schedules its tests (`Pathway.schedule`). Refuses an unknown patient or another patient's document
    /// (`notFound`), a patient already on this pathway and not discharged, a start before their birth or
    /// diagnosis or after today (`FollowUpDates.startProblem`), and a pathway not for their diagnosis
    /// (`Pathway.isFor`) unless `otherDiagnosis` says someone chose it knowing (`refused`).
    func enrol(patientId: Int64, pathway: Pathway, start: LocalDate, fromDocument: Int64?, otherDiagnosis: Bool, by user: String, now: Date) throws -> Enrolment
    /// The patient's enrolments, newest first.
    func enrolments(patientId: Int64) throws -> [Enrolment]
    func enrolment(id: Int64) throws -> Enrolment?
    /// The enrolment's tests by due date (skipped ones too).
    func scheduledTests(enrolmentId: Int64) throws -> [ScheduledTest]
    /// Moves, adds or skips a test of an active or suspended enrolment, keeping the change in its history.
    /// Refuses a test that has a result or was skipped (`refused`), and any change after discharge.
    func changeSchedule(_ change: ScheduleChange, enrolmentId: Int64, by user: String, now: Date) throws -> ScheduledTest
    /// Marks a test requested or done (taken, its result awaited) on `date`, kept in the history.
    func markTest(_ testId: Int64, _ status: TestProgress, on date: LocalDate, by user: String, now: Date) throws -> ScheduledTest
    /// Every change to the enrolment (the schedule, suspension, discharge), oldest first.
    func followUpHistory(enrolmentId: Int64) throws -> [FollowUpChange]

    /// Records the result of a test (its status becomes result received): whether it needs review follows the
    /// test's rule in `pathway` (the pathway the enrolment is on), the last result of the same test for a rise.
    /// A measured value in another unit than the rule's is refused (`refused`).
    func recordResult(_ result: NewResult, testId: Int64, pathway: Pathway, by user: String, now: Date) throws -> TestResult
    /// The enrolment's results, newest first.
    func results(enrolmentId: Int64) throws -> [TestResult]
    /// Records a reviewer's outcome for a result; a result is reviewed once (`refused` after).
    func reviewResult(_ resultId: Int64, outcome: ReviewOutcome, note: String, by user: String, now: Date) throws -> TestResult

    /// Suspends remote follow-up (the patient is seen in clinic meanwhile), or resumes it (`reason` nil).
    func setSuspended(enrolmentId: Int64, reason: String?, by user: String, now: Date) throws -> Enrolment
    /// Discharges the patient from the pathway on `date`: tests not done are skipped with the discharge as reason.
    /// Refused while anything is open (`FollowUpOpenItems`: tests due and not done, results not reviewed or
    /// referred back) unless `acknowledging` says the person was shown them and agreed; and on a date before
    /// the start or the last result, or after today (`FollowUpDates.dischargeProblem`).
    func discharge(enrolmentId: Int64, reason: DischargeReason, on date: LocalDate, acknowledging: Bool, by user: String, now: Date) throws -> Enrolment

    /// Records a call from a worried patient (re-access).
    func recordContact(_ contact: NewContact, by user: String, now: Date) throws -> Contact
    /// Records that the call was returned, when and with what response; a contact is returned once. A test
    /// brought forward may name the test and its new day: it moves (as a move of the schedule, kept in the
    /// history) and the call keeps both; a day not earlier is refused. Named or not, the response is kept.
    func returnContact(_ contactId: Int64, response: ContactResponse, note: String, returnedAt: Date, bringingForward: BroughtForward?,
                       by user: String, now: Date) throws -> Contact
    /// The patient's contacts, newest first.
    func contacts(patientId: Int64) throws -> [Contact]

    /// What needs doing for these teams (nil: everyone) on `query.today`, most urgent first, with counts per
    /// kind: through indexes only, whatever the number of patients and tests.
    func worklist(_ query: WorklistQuery) throws -> Worklist

    /// Loads a file of results (`ResultsImport.read`) in one transaction: every row either matched to a
    /// scheduled test of an active enrolment and recorded, or rejected with its reason. A failure of the store,
    /// or `progress` throwing (rows done so far), records nothing at all.
    func importResults(_ rows: [ResultRow], pathways: [String: Pathway], source: String, today: LocalDate, by user: String, now: Date,
                       progress: (Int) throws -> Void) throws -> ResultsImportReport

    /// Puts every patient not on a pathway on one of `pathways` (in turn), started at times spread over the
    /// follow-up before `today`, with the tests before the last month done and resulted: the benchmark's
    /// and demos' follow-up, in one transaction. Returns the number of patients and of tests.
    func addFictionalFollowUp(pathways: [Pathway], today: LocalDate, by user: String, now: Date) throws -> (patients: Int, tests: Int)

    /// The pathway as it was when the patient was enrolled (its file may have changed or gone since): the rules
    /// their results are judged by. Nil when none is kept (enrolled before careplan kept them).
    func enrolledPathway(enrolmentId: Int64) throws -> Pathway?
    /// Keeps, audited, the text of each of `pathways` enrolments were made under whose text is not kept yet,
    /// where the file is still the one they were enrolled under (its hash the enrolment's).
    func keepEnrolledPathways(_ pathways: [String: Pathway], by user: String, now: Date) throws
    /// Patients not discharged whose pathway's file is gone from `pathways` or differs from the one they were enrolled under.
    func pathwayChanges(_ pathways: [String: Pathway]) throws -> [PathwayChange]
}

extension FollowUpRepository {
    public func enrol(patientId: Int64, pathway: Pathway, start: LocalDate, fromDocument: Int64? = nil, otherDiagnosis: Bool = false, by user: String,
                      now: Date = Date()) throws -> Enrolment {
        try enrol(patientId: patientId, pathway: pathway, start: start, fromDocument: fromDocument, otherDiagnosis: otherDiagnosis, by: user, now: now)
    }
    public func discharge(enrolmentId: Int64, reason: DischargeReason, on date: LocalDate, acknowledging: Bool = false, by user: String,
                          now: Date = Date()) throws -> Enrolment {
        try discharge(enrolmentId: enrolmentId, reason: reason, on: date, acknowledging: acknowledging, by: user, now: now)
    }
    public func returnContact(_ contactId: Int64, response: ContactResponse, note: String, returnedAt: Date, bringingForward: BroughtForward? = nil,
                              by user: String, now: Date = Date()) throws -> Contact {
        try returnContact(contactId, response: response, note: note, returnedAt: returnedAt, bringingForward: bringingForward, by: user, now: now)
    }
    public func importResults(_ rows: [ResultRow], pathways: [String: Pathway], source: String, today: LocalDate, by user: String,
                              now: Date = Date()) throws -> ResultsImportReport {
        try importResults(rows, pathways: pathways, source: source, today: today, by: user, now: now, progress: { _ in })
    }
}

// MARK: - Enrolments

public enum EnrolmentStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case active, suspended, discharged
}

public enum DischargeReason: Sendable, Hashable {
    /// Follow-up ran its length.
    case endOfPathway
    /// Early, and why (recurrence, moved away, joined the screening programme, died...).
    case early(String)

    public var words: String {
        switch self {
        case .endOfPathway: return "end of pathway"
        case .early(let why): return why
        }
    }
}

/// A patient on a pathway.
public struct Enrolment: Sendable, Hashable {
    public var id: Int64
    public var patientId: Int64
    public var pathwayId: String
    /// The pathway's version and the hash of its file when the patient was put on it.
    public var pathwayVersion: String
    public var pathwayHash: String
    public var start: LocalDate
    /// The last day of follow-up (the start plus the pathway's length).
    public var end: LocalDate
    /// The End of Treatment Summary the patient was put on the pathway from, if any.
    public var documentId: Int64?
    public var status: EnrolmentStatus
    /// Why suspended or discharged ("" when active).
    public var statusReason: String
    public var dischargedOn: LocalDate?
    public var enrolledBy: String
    public var enrolledAt: Date

    public init(id: Int64, patientId: Int64, pathwayId: String, pathwayVersion: String, pathwayHash: String, start: LocalDate, end: LocalDate,
                documentId: Int64?, status: EnrolmentStatus, statusReason: String, dischargedOn: LocalDate?, enrolledBy: String, enrolledAt: Date) {
        self.id = id
        self.patientId = patientId
        self.pathwayId = pathwayId
        self.pathwayVersion = pathwayVersion
        self.pathwayHash = pathwayHash
        self.start = start
        self.end = end
        self.documentId = documentId
        self.status = status
        self.statusReason = statusReason
        self.dischargedOn = dischargedOn
        self.enrolledBy = enrolledBy
        self.enrolledAt = enrolledAt
    }
}

// MARK: - Tests and the schedule

public enum TestStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case scheduled, requested, done
    case resultReceived = "result-received"
    case skipped

    /// Still to be done: what can become overdue.
    public var isOpen: Bool { self == .scheduled || self == .requested }
}

/// What a person marks on a test before its result.
public enum TestProgress: String, Sendable, Hashable, CaseIterable {
    case requested, done
}

/// One test of one patient's schedule.
public struct ScheduledTest: Sendable, Hashable {
    public var id: Int64
    public var enrolmentId: Int64
    public var patientId: Int64
    public var code: String
    public var name: String
    public var due: LocalDate
    public var graceDays: Int
    public var status: TestStatus
    /// When it was requested, done or the result received, as the status says; nil while scheduled.
    public var statusDate: LocalDate?
    /// Why it was skipped ("" otherwise).
    public var skipReason: String
    /// Added by hand, not by the pathway.
    public var added: Bool

    /// The first day the test is overdue if not done.
    public var overdueFrom: LocalDate { Overdue.from(due: due, graceDays: graceDays) }
    public func isOverdue(today: LocalDate) -> Bool { status.isOpen && today >= overdueFrom }

    public init(id: Int64, enrolmentId: Int64, patientId: Int64, code: String, name: String, due: LocalDate, graceDays: Int, status: TestStatus,
                statusDate: LocalDate?, skipReason: String, added: Bool) {
        self.id = id
        self.enrolmentId = enrolmentId
        self.patientId = patientId
        self.code = code
        self.name = name
        self.due = due
        self.graceDays = graceDays
        self.status = status
        self.statusDate = statusDate
        self.skipReason = skipReason
        self.added = added
    }
}

/// A change to one patient's schedule.
public enum ScheduleChange: Sendable, Hashable {
    /// A test moved to another date (brought forward or put back).
    case move(testId: Int64, to: LocalDate, reason: String)
    /// A test the pathway did not schedule, for this patient.
    case add(code: String, name: String, due: LocalDate, graceDays: Int, reason: String)
    case skip(testId: Int64, reason: String)
}

/// One entry of an enrolment's history: what changed, from what to what, why, who and when.
public struct FollowUpChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case enrolled, moved, added, skipped, requested, done, resultReceived = "result-received", suspended, resumed, discharged
    }
    public var id: Int64
    public var enrolmentId: Int64
    public var testId: Int64?
    public var kind: Kind
    public var from: LocalDate?
    public var to: LocalDate?
    public var reason: String
    public var by: String
    public var at: Date

    public init(id: Int64, enrolmentId: Int64, testId: Int64?, kind: Kind, from: LocalDate?, to: LocalDate?, reason: String, by: String, at: Date) {
        self.id = id
        self.enrolmentId = enrolmentId
        self.testId = testId
        self.kind = kind
        self.from = from
        self.to = to
        self.reason = reason
        self.by = by
        self.at = at
    }
}

// MARK: - Results

public enum ResultSource: String, Sendable, Hashable, CaseIterable, Codable {
    case manual, csv
}

public enum ReviewOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    case noAction = "no-action", contactPatient = "contact-patient", referToClinic = "refer-to-clinic"
}

/// A result as a person (or a file) gives it.
public struct NewResult: Sendable, Hashable {
    public var value: ResultValue
    /// The day the test was taken.
    public var takenOn: LocalDate
    public var note: String
    public var source: ResultSource

    public init(value: ResultValue, takenOn: LocalDate, note: String = "", source: ResultSource = .manual) {
        self.value = value
        self.takenOn = takenOn
        self.note = note
        self.source = source
    }
}

public struct TestResult: Sendable, Hashable {
    public var id: Int64
    public var testId: Int64
    public var enrolmentId: Int64
    public var patientId: Int64
    public var code: String
    public var value: ResultValue
    public var takenOn: LocalDate
    public var note: String
    public var source: ResultSource
    /// Outside the test's rule, or judged so: on the team's review list until reviewed.
    public var needsReview: Bool
    public var recordedBy: String
    public var recordedAt: Date
    public var review: Review?

    public struct Review: Sendable, Hashable {
        public var outcome: ReviewOutcome
        public var note: String
        public var by: String
        public var at: Date
        public init(outcome: ReviewOutcome, note: String, by: String, at: Date) {
            self.outcome = outcome
            self.note = note
            self.by = by
            self.at = at
        }
    }

    public init(id: Int64, testId: Int64, enrolmentId: Int64, patientId: Int64, code: String, value: ResultValue, takenOn: LocalDate, note: String,
                source: ResultSource, needsReview: Bool, recordedBy: String, recordedAt: Date, review: Review?) {
        self.id = id
        self.testId = testId
        self.enrolmentId = enrolmentId
        self.patientId = patientId
        self.code = code
        self.value = value
        self.takenOn = takenOn
        self.note = note
        self.source = source
        self.needsReview = needsReview
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
        self.review = review
    }
}

// MARK: - Re-access

public enum ContactResponse: String, Sendable, Hashable, CaseIterable, Codable {
    case advice, urgentAppointment = "urgent-appointment", testBroughtForward = "test-brought-forward"
}

/// A call from a worried patient, as first taken.
public struct NewContact: Sendable, Hashable {
    public var patientId: Int64
    public var enrolmentId: Int64?
    public var at: Date
    public var reason: String
    public var redFlag: Bool

    public init(patientId: Int64, enrolmentId: Int64? = nil, at: Date, reason: String, redFlag: Bool) {
        self.patientId = patientId
        self.enrolmentId = enrolmentId
        self.at = at
        self.reason = reason
        self.redFlag = redFlag
    }
}

/// A test brought forward in answer to a call: which, and to what day.
public struct BroughtForward: Sendable, Hashable {
    public var testId: Int64
    public var to: LocalDate
    public init(testId: Int64, to: LocalDate) {
        self.testId = testId
        self.to = to
    }
}

public struct Contact: Sendable, Hashable {
    public var id: Int64
    public var patientId: Int64
    public var enrolmentId: Int64?
    public var at: Date
    public var reason: String
    public var redFlag: Bool
    public var recordedBy: String
    public var response: ContactResponse?
    public var responseNote: String
    public var returnedAt: Date?
    public var returnedBy: String
    public var broughtForward: BroughtForward?

    public init(id: Int64, patientId: Int64, enrolmentId: Int64?, at: Date, reason: String, redFlag: Bool, recordedBy: String,
                response: ContactResponse?, responseNote: String, returnedAt: Date?, returnedBy: String, broughtForward: BroughtForward? = nil) {
        self.broughtForward = broughtForward
        self.id = id
        self.patientId = patientId
        self.enrolmentId = enrolmentId
        self.at = at
        self.reason = reason
        self.redFlag = redFlag
        self.recordedBy = recordedBy
        self.response = response
        self.responseNote = responseNote
        self.returnedAt = returnedAt
        self.returnedBy = returnedBy
    }
}

/// Who may do what in follow-up, in the permissions roles already have (Resources/roles.yaml): recording
/// (enrolling, the schedule, results, calls) is recording actions; the clinical decisions (reviewing a result,
/// suspending, discharging) are what agreeing a plan is.
public enum FollowUpPermission {
    public static let record = Permission.recordActions
    public static let decide = Permission.agreePlan
}
