import CareplanCore
import Foundation

// Cancer Care Reviews and wellbeing information (issue 13), kept apart so that each issue's part of the wrapper
// is its own file.
extension FaultyRepository {
    public func recordQOF(_ record: QOFRecord, by user: String, now: Date) throws -> QOFRecord { try write { try wrapped.recordQOF(record, by: user, now: now) } }
    public func qofRecords(patientId: Int64) throws -> [QOFRecord] { try wrapped.qofRecords(patientId: patientId) }
    public func qofPracticeView(rules: QOFRules, today: LocalDate, teams: Set<Int64>?, showing: QOFPracticeView.Showing,
                                limit: Int) throws -> QOFPracticeView {
        try wrapped.qofPracticeView(rules: rules, today: today, teams: teams, showing: showing, limit: limit)
    }
    public func recordInformationGiven(_ items: [InformationLibrary.Item], patientId: Int64, date: LocalDate, how: InformationDelivery,
                                       from source: InformationSource?, by user: String, now: Date) throws -> [InformationGiven] {
        try write { try wrapped.recordInformationGiven(items, patientId: patientId, date: date, how: how, from: source, by: user, now: now) }
    }
    public func informationGiven(patientId: Int64) throws -> [InformationGiven] { try wrapped.informationGiven(patientId: patientId) }
    public func recordOccasion(_ item: InformationLibrary.Item, patientId: Int64, status: OccasionStatus, date: LocalDate,
                               by user: String, now: Date) throws -> OccasionRecord {
        try write { try wrapped.recordOccasion(item, patientId: patientId, status: status, date: date, by: user, now: now) }
    }
    public func occasions(patientId: Int64) throws -> [OccasionRecord] { try wrapped.occasions(patientId: patientId) }
}
