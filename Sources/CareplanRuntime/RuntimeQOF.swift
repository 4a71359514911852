import CareplanCore
import CareplanScreens
import Foundation

/// The cancer reviews' QOF timing: the open patient's states, what a practice records towards them, and the
/// practice's list of reviews due.
extension Runtime {
    func executeQOF(_ command: Command) -> Answer {
        let rules = session.configuration.qof, today = session.today
        switch command {
        case .query(.qof(let patientId)):
            guard let records = attempt({ try store.qofRecords(patientId: patientId) }) else { return .failed(nil) }
            let diagnosed = patient?.id == patientId ? patient?.diagnosisDate : nil
            return .qof(rules.states(diagnosed: diagnosed, records: records, today: today), records: records)
        case .query(.qofPracticeView(let limit, let showing)):
            guard let view = attempt({ try store.qofPracticeView(rules: rules, today: today, teams: session.registerTeams, showing: showing, limit: limit) })
            else { return .failed(nil) }
            // A list of patients shown: audited as a listing of the reviews due, by how many patients (not rows).
            let shown = Set(view.entries.compactMap(\.patient.id)).count
            recordView { try store.recordListing(user: user, listed: "reviews due", patients: shown, now: now) }
            return .qofPracticeView(view)
        case .recordQOF(let record):
            // The screen checked it; this is the check that counts.
            if let why = rules.problem(with: record, today: today) { say(why, .error); return .failed(.refused(why)) }
            guard record.patientId == patient?.id else { say("Open the patient's record first", .error); return .failed(nil) }
            return attempt { try store.recordQOF(record, by: user, now: now) }.map(Answer.qofRecorded) ?? .failed(nil)
        default:
            return .failed(nil)
        }
    }
}
