import CareplanCore
import Foundation
import TermUI

/// Recording an HNA offered to the patient (A on the record; COSD CR7900): the day, the point of the pathway
/// (CR7940), what the patient said, and why where the outcome needs it. "Offered and accepted" is not chosen
/// here: starting the assessment records it. Each field's problem shows next to it and what was typed stays.
struct HNAOfferEntry: Equatable {
    var form: Form

    /// A form for today, at the point of the pathway of the patient's latest assessment (if any).
    init(_ s: Session, point: PathwayPoint?) {
        let points = s.codes.cases(PathwayPoint.self)
        form = Form([
            .init("date", "Date offered", text: s.today.display, suggested: true, maxLength: 20, note: "day/month/year, e.g. 12/03/2026; not after today"),
            .init("point", "Point of pathway", options: points.map(s.codes.label), index: point.flatMap(points.firstIndex) ?? 0),
            .init("outcome", "Outcome", options: HNAOfferOutcome.recordable.map(s.codes.label),
                  note: "Offered and accepted is recorded by starting the assessment (N)"),
            .init("reason", "Reason", maxLength: Limits.actionText, note: "required for Not offered and Unable to complete; kept on the record only"),
        ])
    }

    var outcome: HNAOfferOutcome { HNAOfferOutcome.recordable[form.index("outcome")] }

    /// Open with its commands, or closed: as the record's other entry forms answer.
    typealias Outcome = QOFEntry.Outcome

    mutating func handle(_ key: Key, _ s: Session) -> Outcome {
        if key == .escape {
            s.say("No HNA offer recorded")
            return .closed
        }
        switch form.handle(key) {
        case .left(let i) where form.fields[i].id == "date": _ = checkDate(s)
        case .left(let i) where form.fields[i].id == "reason": _ = checkReason()
        case .submit: return .open(submit(s))
        case .notHandled: s.say("Not typed: ←→ change this choice, Tab moves to the next field", .error)
        default: break
        }
        return .open([])
    }

    /// The date typed, or nil with its problem next to it: not after today, not before the patient was born.
    mutating func checkDate(_ s: Session) -> LocalDate? {
        let born = s.patient?.dateOfBirth
        return form.pastDate("date", today: s.today, future: "The date is after today",
                             earliest: born.map { ($0, "Before the patient was born (\($0.display))") })
    }

    /// The reason cleaned, or nil with its problem next to it when the outcome needs one.
    mutating func checkReason() -> String? {
        let reason = TextCleaner.field(form.text("reason"), maxLength: Limits.actionText)
        let missing = outcome.needsReason && reason.isEmpty
        form.setProblem("reason", missing ? "Say why (\(outcome == .notOffered ? "not offered" : "unable to complete"))" : nil)
        return missing ? nil : reason
    }

    mutating func submit(_ s: Session) -> [Command] {
        let date = checkDate(s), reason = checkReason()
        guard let date, let reason, !form.hasProblems, let patient = s.patient else {
            if let i = form.fields.firstIndex(where: { $0.problem != nil }) { form.focus = i }
            s.say("Not recorded: correct what is marked", .error)
            return []
        }
        // The core's rule, the one the store applies too.
        if let why = HNAOffer.refusal(date: date, outcome: outcome, reason: reason, today: s.today, bornOn: patient.dateOfBirth) {
            s.say(why, .error)
            return []
        }
        return [.recordHNAOffer(date: date, pathwayPoint: s.codes.cases(PathwayPoint.self)[form.index("point")], outcome: outcome, reason: reason)]
    }

    /// One offer as the record lists it: "09 Apr 2026  Offered and declined · Initial diagnosis · nurse".
    static func line(_ o: HNAOffer, _ s: Session) -> String {
        DisplayWidth.pad(o.date.display, to: 13) + s.codes.label(o.outcome) + " · " + s.codes.label(o.pathwayPoint) + " · " + o.offeredBy
            + (o.reason.isEmpty ? "" : " · " + o.reason.replacingOccurrences(of: "\n", with: " "))
    }

    /// The form, and under it every offer recorded for the patient, newest first.
    func render(into g: inout Grid, _ area: Area, offers: [HNAOffer], _ s: Session) {
        guard let p = s.patient else { return }
        g.put(" HNA offer for \(p.givenName) \(p.familyName) (COSD)", x: area.x, y: area.y, style: Style(.heading, bold: true), maxWidth: area.width)
        let formHeight = min(area.height - 2, 10)
        form.render(into: &g, Area(x: area.x + 1, y: area.y + 2, width: area.width - 2, height: formHeight))
        var y = area.y + 2 + formHeight + 1
        guard y < area.bottom else { return }
        g.put(offers.isEmpty ? " No HNA offers recorded yet" : " Offers recorded, newest first", x: area.x, y: y, style: Style(.heading), maxWidth: area.width)
        y += 1
        let room = area.bottom - y
        for (i, o) in offers.prefix(room).enumerated() {
            if i == room - 1, offers.count > room {
                g.put(" … and \(offers.count - i) earlier", x: area.x, y: y, style: Style(.dim), maxWidth: area.width)
                break
            }
            g.put(" " + DisplayWidth.truncate(Self.line(o, s), to: area.width - 1), x: area.x, y: y, maxWidth: area.width)
            y += 1
        }
    }

    var keys: [KeyHint] { [KeyHint("Tab/↑↓", "field"), KeyHint("←→", "change"), KeyHint("^S", "record"), KeyHint("Esc", "cancel")] }

    /// What the status line says once it is recorded.
    static func said(_ o: HNAOffer, _ s: Session) -> String {
        "Recorded: \(s.codes.label(o.outcome).lowercased()), \(o.date.display) (\(s.codes.label(o.pathwayPoint).lowercased()))"
    }
}
