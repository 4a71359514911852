import CareplanCore
import CareplanScreens
import Foundation

extension Runtime {
    /// Reads what the open document's template shows beside it (`beside:`): the patient's latest document of each
    /// template named (a signed one before a draft, never the open one) and their latest HNA (`hna`). Each one
    /// read is audited as viewed, as opening it would be. Nothing to show, or a store that cannot be read: empty.
    func loadBeside() {
        session.beside = []
        guard let d = session.document, let template = session.template, !template.beside.isEmpty else { return }
        let configuration = session.configuration
        var sources: [BesideSource] = []
        for name in template.beside {
            if name == DocumentTemplate.hnaSource {
                guard let all = attempt({ try store.assessments(patientId: d.patientId) }) else { return }
                let latest = AssessmentSummary.latest(all).flatMap { summary in attempt { try store.assessment(id: summary.id) } ?? nil }
                if let latest { recordView { try store.recordView(user: user, patientId: d.patientId, assessmentId: latest.id, now: now) } }
                sources.append(.assessment(latest, codes: configuration.codes, policy: configuration.policy))
            } else if let other = configuration.documents[name] {
                guard let all = attempt({ try store.documents(patientId: d.patientId) }) else { return }
                let ofTemplate = all.filter { $0.templateId == name && $0.id != d.id && $0.status != .superseded }
                let latest = (ofTemplate.first { $0.status == .signed } ?? ofTemplate.first).flatMap { summary in attempt { try store.document(id: summary.id) } ?? nil }
                if let latest { recordView { try store.recordDocumentView(user: user, documentId: latest.id, now: now) } }
                sources.append(.document(latest, template: other, codes: configuration.codes, services: configuration.services))
            }
        }
        session.beside = sources
    }
}
