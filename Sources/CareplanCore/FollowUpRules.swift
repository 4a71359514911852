import Foundation

/// The dates follow-up accepts, and what is still open at discharge (issue 14 testers' findings): one place
/// for each rule, used by the store (which refuses) and by screens (which can say it next to the field).
/// `today` is always the real today: a moved test clock never lets a record be dated after it.
public enum FollowUpDates {
    /// A follow-up starts on or after the patient's birth and diagnosis, and not after today.
    public static func startProblem(_ start: LocalDate, patient: Patient, today: LocalDate) -> String? {
        if start < patient.dateOfBirth { return "Follow-up cannot start before the patient was born (\(patient.dateOfBirth.display))" }
        if let diagnosed = patient.diagnosisDate, start < diagnosed {
            return "Follow-up cannot start before the diagnosis (\(diagnosed.display))"
        }
        if start > today { return "Follow-up cannot start after today (\(today.display))" }
        return nil
    }

    /// A test moves within follow-up: from its start to its end plus the test's grace.
    public static func moveProblem(_ to: LocalDate, enrolment: Enrolment, graceDays: Int) -> String? {
        let last = enrolment.end.adding(days: max(0, graceDays))
        guard to < enrolment.start || to > last else { return nil }
        return "A test moves within follow-up: from \(enrolment.start.display) to \(last.display)"
    }

    /// A test was taken on or after the patient's birth and the start of their follow-up (a file's result of
    /// an earlier test belongs to the record, not to this schedule), and not after today.
    public static func takenProblem(_ taken: LocalDate, born: LocalDate, enrolment: Enrolment, today: LocalDate) -> RowRejection? {
        if taken < born { return .beforeBirth }
        if taken < enrolment.start { return .beforeFollowUp(enrolment.start) }
        if taken > today { return .futureDate }
        return nil
    }

    /// A call is on or after the patient's birth (and the start of the follow-up it is about), and not in the future.
    public static func callProblem(_ at: Date, patient: Patient, enrolment: Enrolment?, now: Date) -> String? {
        let day = LocalDate(at)
        if day < patient.dateOfBirth { return "The call cannot be before the patient was born (\(patient.dateOfBirth.display))" }
        if let e = enrolment, day < e.start { return "The call cannot be before the follow-up started (\(e.start.display))" }
        if at > now.addingTimeInterval(60) { return "The call cannot be in the future" }
        return nil
    }

    /// A discharge is on or after the start of follow-up and every result recorded in it, and not after today.
    public static func dischargeProblem(_ on: LocalDate, enrolment: Enrolment, results: [TestResult], today: LocalDate) -> String? {
        if on < enrolment.start { return "The discharge cannot be before follow-up started (\(enrolment.start.display))" }
        if let last = results.map(\.takenOn).max(), on < last { return "The discharge cannot be before the last result (taken \(last.display))" }
        if on > today { return "The discharge cannot be after today (\(today.display))" }
        return nil
    }
}

/// What is still open in a follow-up when the patient is discharged: tests due by then and not done, results
/// nobody has reviewed, and results whose review asked for the patient to be seen again. The screen shows it
/// and asks; the store refuses a discharge that has any unless told they were acknowledged; the letter tells
/// the GP.
public struct FollowUpOpenItems: Sendable, Equatable {
    public var testsNotDone: [ScheduledTest]
    public var resultsToReview: [TestResult]
    /// Reviewed: contact the patient, or refer back to clinic.
    public var referredBack: [TestResult]

    public var isEmpty: Bool { testsNotDone.isEmpty && resultsToReview.isEmpty && referredBack.isEmpty }

    /// Open on `date` (the discharge): tests due by then still open (or skipped by this discharge); results to
    /// review; results whose review said to contact the patient or refer them back.
    public init(tests: [ScheduledTest], results: [TestResult], on date: LocalDate) {
        testsNotDone = tests.filter { ($0.status.isOpen || ($0.status == .skipped && $0.skipReason == Self.dischargedReason)) && $0.due <= date }
        resultsToReview = results.filter { $0.needsReview && $0.review == nil }
        referredBack = results.filter { r in r.review.map { $0.outcome != .noAction } ?? false }
    }

    /// The skip reason of tests closed by a discharge.
    public static let dischargedReason = "discharged"

    /// One line an item, for the screen's question and the store's refusal: "CEA blood test due 31 Jul 2026: not done".
    public func lines(names: (String) -> String) -> [String] {
        testsNotDone.map { "\($0.name) due \($0.due.display): not done" }
            + resultsToReview.map { "\(names($0.code)) taken \($0.takenOn.display): result not reviewed" }
            + referredBack.map { "\(names($0.code)) taken \($0.takenOn.display): reviewed, \($0.review!.outcome == .referToClinic ? "refer back to clinic" : "contact the patient")" }
    }
}
