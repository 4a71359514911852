import CareplanCore
import TermUI

/// How the cancer reviews' QOF states and invitations read on the record and the practice view: one place, so
/// both say the same thing in the same words.
enum QOFWords {
    static func how(_ m: ContactMethod) -> String {
        switch m {
        case .letter: return "letter"
        case .phone: return "phone"
        case .textMessage: return "text message"
        case .email: return "email"
        case .inPerson: return "in person"
        case .other: return "other means"
        }
    }

    /// "10 days left", "last day today", "3 days overdue".
    static func daysLeft(_ deadline: LocalDate, today: LocalDate) -> String {
        let n = deadline.dayNumber - today.dayNumber
        switch n {
        case 0: return "last day today"
        case 1...: return n == 1 ? "1 day left" : "\(n) days left"
        default: return -n == 1 ? "1 day overdue" : "\(-n) days overdue"
        }
    }

    /// The state in words: "due by 03 Dec 2026 (10 days left)", "met on 12 Jan 2027", "missed (deadline 03 Dec
    /// 2026)", "excepted (no response to 2 invitations)". `records`: the patient's, for the reason given.
    static func state(_ status: QOFStatus, records: [QOFRecord], rules: QOFRules, today: LocalDate) -> String {
        switch status.state {
        case .notDue: return "not due"
        case .due(let d): return "due by \(d.display) (\(daysLeft(d, today: today)))"
        case .met(let on): return "met on \(on.display)"
        case .missed(let d): return "missed (deadline \(d.display))"
        case .excepted(let kind, let since):
            switch kind {
            case .declined: return "excepted (declined on \(since.display))"
            case .unsuitable:
                let reason = records.last { $0.kind == .unsuitable && $0.date == since && $0.reason != nil }?.reason
                return "excepted (unsuitable since \(since.display)" + (reason.map { ": \($0)" } ?? "") + ")"
            case .noResponse:
                let n = rules.edition(on: today)?.unansweredInvitations ?? 2
                return "excepted (no response to \(n) invitation\(n == 1 ? "" : "s"))"
            }
        }
    }

    /// The style a state is drawn in: what needs doing stands out.
    static func style(_ state: QOFState) -> Style {
        switch state {
        case .missed: return Style(.error, bold: true)
        case .due: return Style(.warning, bold: true)
        default: return .normal
        }
    }

    /// The invitations that count this quality year, for any indicator, oldest first (one per record).
    static func invitations(_ statuses: [QOFStatus]) -> [QOFRecord] {
        var seen = Set<Int64>()
        return statuses.flatMap(\.invitations).filter { $0.id.map { seen.insert($0).inserted } ?? true }.sorted { $0.date < $1.date }
    }

    /// "2 sent, last 20 Mar 2026 by letter · no response", "none recorded" (under the label "Invitations"); `short`, for the
    /// practice view's column, drops the year and the means and says a response instead of the last invitation it
    /// answered: "2, last 20 Mar", "2, replied 24 Mar".
    static func invitationStatus(_ invitations: [QOFRecord], records: [QOFRecord], short: Bool = false) -> String {
        guard let last = invitations.last else { return short ? "none" : "none recorded" }
        let n = invitations.count
        let answer = records.filter { $0.kind == .responded && $0.date >= invitations[0].date }.map(\.date).max()
        if short {
            let day = { (d: LocalDate) in String(d.display.dropLast(5)) }
            return "\(n), " + (answer.flatMap { $0 >= last.date ? "replied " + day($0) : nil } ?? "last " + day(last.date))
        }
        return "\(n) sent, last \(last.date.display)" + (last.how.map { " by \(how($0))" } ?? "")
            + (answer.map { " · responded \($0.display)" } ?? " · no response")
    }
}
