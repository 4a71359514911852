import CareplanCore
import Foundation

// Reports (issue 15): reads pass through; recording a run is a write, so it fails as writes do.
extension FaultyRepository {
    public func hnaOfferReportFacts(_ scope: ReportScope) throws -> [ReportFact] { try wrapped.hnaOfferReportFacts(scope) }
    public func carePlanReportFacts(_ scope: ReportScope) throws -> [ReportFact] { try wrapped.carePlanReportFacts(scope) }
    public func firstHNAReportFacts(_ scope: ReportScope) throws -> [ReportFact] { try wrapped.firstHNAReportFacts(scope) }
    public func eotsReportFacts(_ scope: ReportScope) throws -> [ReportFact] { try wrapped.eotsReportFacts(scope) }
    public func qofReportPatients(_ scope: ReportScope, diagnosedFrom: LocalDate) throws -> [QOFReportPatient] {
        try wrapped.qofReportPatients(scope, diagnosedFrom: diagnosedFrom)
    }
    public func followUpReportFacts(_ scope: ReportScope) throws -> [ReportFact] { try wrapped.followUpReportFacts(scope) }
    public func resultReviewReportFacts(_ scope: ReportScope) throws -> [ReportFact] { try wrapped.resultReviewReportFacts(scope) }
    public func reaccessReportFacts(_ scope: ReportScope) throws -> [ReportFact] { try wrapped.reaccessReportFacts(scope) }
    public func concernReportFacts(_ scope: ReportScope) throws -> [ReportFact] { try wrapped.concernReportFacts(scope) }
    public func distressReportFacts(_ scope: ReportScope) throws -> [ReportFact] { try wrapped.distressReportFacts(scope) }
    public func recordReportRun(_ report: String, scope: ReportScope, format: String, by user: String, now: Date) throws {
        try write { try wrapped.recordReportRun(report, scope: scope, format: format, by: user, now: now) }
    }
}
