import CareplanCore
import CareplanScreens
import Foundation

/// Reports for the Reports screen (issue 15): the same catalogue and store queries as `careplan report`.
extension Runtime {
    /// Runs the report, audits the run (who, which report, the period: no patient data) and answers the table; a
    /// report that cannot run as asked is said in words.
    func report(_ request: ReportRequest) -> Answer {
        guard let teams = attempt({ try store.teams() }) else { return .failed(nil) }
        let context = ReportContext(teams: teams, configuration: session.configuration)
        do {
            let table = try ReportCatalogue.run(request.name, scope: request.scope, by: request.by, store: store, context: context)
            guard attempt({ try store.recordReportRun(request.name, scope: request.scope, format: "screen", by: user, now: now) }) != nil else {
                return .failed(nil)
            }
            return .report(table)
        } catch let problem as ReportProblem {
            say(problem.description.prefix(1).uppercased() + problem.description.dropFirst(), .error)
            return .failed(.refused(problem.description))
        } catch {
            say(String(describing: error), .error)
            return .failed(nil)
        }
    }
}
