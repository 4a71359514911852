import CareplanCore
import CareplanScreens
import Foundation

/// Follow-up (issue 14): the worklist, the open patient's follow-up and the changes made to it. Every change
/// is checked against the open patient here (the screen only offers the patient's own), and the store audits it.
extension Runtime {
    /// The care clock's now (`CareClock`): moved only in tests and demonstrations.
    var careNow: Date { session.careNow }

    func executeFollowUp(_ command: Command) -> Answer {
        switch command {
        case .query(.worklist):
            let q = WorklistQuery(teams: session.registerTeams, today: session.today, now: careNow, policy: session.policy,
                                  careReviews: session.may(.qof) ? session.configuration.qof : nil)
            guard let list = attempt({ try store.worklist(q) }) else { return .failed(nil) }
            // A list of patients shown: audited as a listing, by how many patients (not rows).
            recordView { try store.recordListing(user: user, listed: "worklist", patients: Set(list.items.compactMap(\.patient.id)).count, now: now) }
            return .worklist(list)
        case .query(.followUp(let patientId)):
            return followUpView(patientId: patientId).map(Answer.followUp) ?? .failed(nil)
        case .followUp(let action):
            guard let patientId = patient?.id else { say("Open the patient's record first", .error); return .failed(nil) }
            guard belongs(action, to: patientId) else { say("Not done: that is not this patient's follow-up", .error); return .failed(nil) }
            return attempt { try run(action, patientId: patientId) }.map { Answer.followUpSaved(action) } ?? .failed(nil)
        default:
            return .failed(nil)
        }
    }

    func followUpView(patientId: Int64) -> FollowUpView? {
        attempt {
            // Every enrolment's: an old one's results stay reachable once the patient is on another pathway.
            let enrolments = try store.enrolments(patientId: patientId)
            return FollowUpView(enrolments: enrolments, tests: try enrolments.flatMap { try store.scheduledTests(enrolmentId: $0.id) },
                                results: try enrolments.flatMap { try store.results(enrolmentId: $0.id) },
                                history: try enrolments.flatMap { try store.followUpHistory(enrolmentId: $0.id) },
                                contacts: try store.contacts(patientId: patientId), offer: try offer(patientId: patientId))
        }
    }

    /// The pathway the latest signed End of Treatment Summary points to: one planning supported self-management
    /// offers the pathway for the patient's cancer (its tumour site in their diagnosis), from the summary's date.
    func offer(patientId: Int64) throws -> FollowUpView.Offer? {
        guard let summary = try store.documents(patientId: patientId).first(where: { $0.templateId == "eots" && $0.status == .signed }),
              let document = try store.document(id: summary.id), case .codes(let codes)? = document["follow-up-pathway"],
              codes.contains("supported-self-management") else { return nil }
        let diagnosis = SearchKey.of(patient?.diagnosis ?? "")
        guard let pathway = session.configuration.pathways.values.sorted(by: { $0.id < $1.id })
            .first(where: { diagnosis.contains(SearchKey.of($0.tumourSite)) }) else { return nil }
        return FollowUpView.Offer(pathwayId: pathway.id, start: document.date, documentId: document.id)
    }

    /// Whether what the action names (an enrolment, a call) is the patient's.
    func belongs(_ action: FollowUpAction, to patientId: Int64) -> Bool {
        let enrolmentId: Int64?
        switch action {
        case .enrol: return true
        case .contact(let c): return c.patientId == patientId
        case .returnContact(let id, _, _, _): return (try? store.contacts(patientId: patientId).contains { $0.id == id }) ?? false
        case .change(_, let e), .mark(_, _, _, let e), .result(_, _, let e), .review(_, _, _, let e), .suspend(let e, _), .discharge(let e, _, _):
            enrolmentId = e
        }
        return enrolmentId.flatMap { try? store.enrolment(id: $0) }??.patientId == patientId
    }

    func run(_ action: FollowUpAction, patientId: Int64) throws {
        let pathways = session.configuration.pathways
        switch action {
        case .enrol(let id, let start, let document):
            guard let pathway = pathways[id] else { throw StoreError.refused("The pathway \(id) is no longer configured (Resources/pathways)") }
            _ = try store.enrol(patientId: patientId, pathway: pathway, start: start, fromDocument: document, by: user, now: now)
        case .change(let change, let e):
            _ = try store.changeSchedule(change, enrolmentId: e, by: user, now: now)
        case .mark(let test, let progress, let on, _):
            _ = try store.markTest(test, progress, on: on, by: user, now: now)
        case .result(let result, let test, let e):
            // The rules the patient was enrolled under, kept with the enrolment, else the file's.
            guard let enrolment = try store.enrolment(id: e), let pathway = try store.enrolledPathway(enrolmentId: e) ?? pathways[enrolment.pathwayId] else {
                throw StoreError.refused("The patient's pathway is no longer configured (Resources/pathways)")
            }
            _ = try store.recordResult(result, testId: test, pathway: pathway, by: user, now: now)
        case .review(let result, let outcome, let note, _):
            _ = try store.reviewResult(result, outcome: outcome, note: note, by: user, now: now)
        case .suspend(let e, let reason):
            _ = try store.setSuspended(enrolmentId: e, reason: reason, by: user, now: now)
        case .discharge(let e, let reason, let on):
            // The screen shows what is still open (`FollowUpOpenItems`) and asks before it sends a discharge.
            _ = try store.discharge(enrolmentId: e, reason: reason, on: on, acknowledging: true, by: user, now: now)
        case .contact(let c):
            _ = try store.recordContact(c, by: user, now: now)
        case .returnContact(let id, let response, let note, let at):
            _ = try store.returnContact(id, response: response, note: note, returnedAt: at, bringingForward: nil, by: user, now: now)
        }
    }
}
