import CareplanCore
import CareplanScreens
import Foundation

extension Runtime {
    /// The open patient's assessments in full, for their trends: the list, then each one, each audited as viewed
    /// (a trend shows its scores as opening it would). Another patient than the open one is refused.
    func patientAssessments(patientId: Int64) -> Answer {
        guard patient?.id == patientId else { say("Open the patient's record first", .error); return .failed(nil) }
        guard let summaries = attempt({ try store.assessments(patientId: patientId) }) else { return .failed(nil) }
        var full: [Assessment] = []
        for summary in summaries {
            guard let read = attempt({ try store.assessment(id: summary.id) }) else { return .failed(nil) }
            guard let a = read else { continue }  // gone since the list was read
            recordView { try store.recordView(user: user, patientId: patientId, assessmentId: a.id, now: now) }
            full.append(a)
        }
        return .patientAssessments(patientId: patientId, full)
    }
}
