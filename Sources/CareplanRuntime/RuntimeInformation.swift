import CareplanCore
import CareplanScreens
import Foundation

/// Health and wellbeing information (issue 13): what the record lists, and recording what was given.
extension Runtime {
    func executeInformation(_ command: Command) -> Answer {
        let s = self
        let library = session.configuration.library
        switch command {
        case .query(.information(let patientId)):
            return s.attempt {
                PatientInformation(given: try s.store.informationGiven(patientId: patientId), occasions: try s.store.occasions(patientId: patientId),
                                   names: Dictionary(try s.store.users().map { ($0.userName, $0.fullName) }, uniquingKeysWith: { a, _ in a }))
            }.map(Answer.information) ?? .failed(nil)
        case let .giveInformation(ids, date, how, source):
            let items = ids.compactMap(library.item)
            guard let patientId = s.patient?.id, !items.isEmpty else { return .failed(nil) }
            return s.attempt {
                try s.store.recordInformationGiven(items, patientId: patientId, date: date, how: how, from: source, by: s.user, now: s.now)
            }.map(Answer.informationGiven) ?? .failed(nil)
        case let .recordOccasion(id, status, date):
            guard let patientId = s.patient?.id, let item = library.item(id) else { return .failed(nil) }
            return s.attempt {
                try s.store.recordOccasion(item, patientId: patientId, status: status, date: date, by: s.user, now: s.now)
            }.map(Answer.occasionRecorded) ?? .failed(nil)
        default:
            return .failed(nil)
        }
    }
}
