import Foundation

/// The one answer a change is about, as a terminal showed it (its base). The store saves a change only
/// while that answer is still as it was shown, so two terminals changing different answers (two concerns'
/// scores, two notes) never collide; when the same answer changed underneath, the rule of its kind decides
/// (`AssessmentChange.resolved`): text is merged, an edited action is kept as a second one, anything else
/// keeps the other terminal's value and says which value was not saved.
public enum AnswerValue: Hashable, Sendable {
    /// A note, "what matters to me", the patient's message (nil: the concern is gone).
    case text(String?)
    /// One concern's choice and rating: key, category, label and score only (nil: not chosen). Its note and
    /// its place in the order are answers of their own.
    case rating(ConcernEntry?)
    /// A concern about to be un-chosen, with everything that goes with it: its note and its actions.
    case removal(ConcernEntry?, [AgreedAction])
    case distress(Int?)
    /// The concerns that have a rank or are marked to discuss (key, rank and discuss only), by key.
    case priorities([ConcernEntry])
    case action(AgreedAction?)
    case reviewDate(LocalDate?)
    case details(PathwayPoint, CompletedBy, LocalDate)
    /// Agreeing locks the whole plan, so it is based on all of it: the revision, one more on every change.
    case revision(Int)
    /// Sending from the kiosk: the same whatever changed.
    case unchecked
}

/// What the store writes for a change, after comparing its base with what is stored.
public enum Resolution: Equatable, Sendable {
    /// The answer is as the terminal showed it: the change as given.
    case write(AssessmentChange)
    /// The answer changed underneath and both are kept: this instead, and the sentence telling the nurse.
    case merged(AssessmentChange, String)
    /// The store already holds what the change asks for.
    case nothing
}

extension AssessmentChange {
    /// The answer this change is about, as it is in `a`.
    public func answer(in a: Assessment) -> AnswerValue {
        switch self {
        case .setDetails: return .details(a.pathwayPoint, a.completedBy, a.date)
        case .setConcern(let c): return .rating(a.concern(c.key).map(Self.rating))
        case .removeConcern(let key):
            var c = a.concern(key)
            c?.rank = nil  // the order is the priorities' answer
            c?.discuss = false
            return .removal(c, a.actions(for: key))
        case .setDistress: return .distress(a.distressScore)
        case .setWhatMattersToMe: return .text(a.whatMattersToMe)
        case .setNote(let key, _): return .text(a.concern(key)?.note)
        case .setPriorities:
            return .priorities(a.concerns.filter { $0.rank != nil || $0.discuss }.sorted { $0.key < $1.key }.map {
                ConcernEntry(key: $0.key, categoryId: "", label: "", rank: $0.rank, discuss: $0.discuss)
            })
        case .saveAction(let action): return .action(action.id.flatMap { id in a.actions.first { $0.id == id } })
        case .deleteAction(let id): return .action(a.actions.first { $0.id == id })
        case .setReviewDate: return .reviewDate(a.reviewDate)
        case .setPatientMessage: return .text(a.patientMessage)
        case .submit: return .unchecked
        case .agree: return .revision(a.revision)
        }
    }

    /// A concern as its rating answer: no note, no place in the order.
    static func rating(_ c: ConcernEntry) -> ConcernEntry { ConcernEntry(key: c.key, categoryId: c.categoryId, label: c.label, score: c.score) }

    /// The text of a note-like change.
    public var text: String? {
        switch self {
        case .setWhatMattersToMe(let t), .setNote(_, let t), .setPatientMessage(let t): return t
        default: return nil
        }
    }

    /// The conflict rule: what to write for this change, based on `base`, when the store holds `current`.
    /// Throws `changedElsewhere` (the store keeps the other terminal's answer) or `notFound`.
    public func resolved(against current: Assessment, base: AnswerValue) throws -> Resolution {
        let stored = answer(in: current)
        if stored == base { return .write(self) }
        if case .revision = base {
            throw StoreError.changedElsewhere("Not agreed: another terminal changed the plan since it was shown; read it again")
        }
        if stored == answer(in: current.applying(self)) { return .nothing }  // both terminals gave the same answer
        switch self {
        case .setWhatMattersToMe(let mine), .setNote(_, let mine), .setPatientMessage(let mine):
            guard case .text(let theirs?) = stored else { throw StoreError.notFound("That concern") }
            guard case .text(let shown) = base else { return .write(self) }
            let merged: AssessmentChange
            switch self {
            case .setNote(let key, _): merged = .setNote(key: key, text: Self.merge(theirs, mine, shown: shown ?? ""))
            case .setWhatMattersToMe: merged = .setWhatMattersToMe(Self.merge(theirs, mine, shown: shown ?? ""))
            default: merged = .setPatientMessage(Self.merge(theirs, mine, shown: shown ?? ""))
            }
            let what = if case .setPatientMessage = self { "message" } else { "note" }
            return .merged(merged, "Both texts kept: another terminal changed this \(what) too; please tidy it")
        case .saveAction(var action) where action.id != nil:
            guard current.concern(action.concernKey) != nil else {
                throw StoreError.changedElsewhere("Your action was not saved: another terminal un-chose its concern")
            }
            action.id = nil
            return .merged(.saveAction(action), "Kept both: another terminal changed this action; remove the one not wanted")
        default:
            throw StoreError.changedElsewhere(notSaved(current))
        }
    }

    /// The line put before this terminal's text when both terminals changed the same text.
    public static let alsoTyped = "Also typed on another terminal at the same time (please tidy):"

    /// The stored text as it is, then what this terminal added to the text it was shown (all of its text
    /// when it did more than add at the end), under a line saying so. No word of either is dropped.
    static func merge(_ theirs: String, _ mine: String, shown: String) -> String {
        var added = mine.hasPrefix(shown) ? String(mine.dropFirst(shown.count)) : mine
        while let c = added.first, c == " " || c == "\n" { added.removeFirst() }
        if added.isEmpty || theirs.contains(mine) { return theirs }
        return (theirs.isEmpty ? "" : theirs + "\n") + alsoTyped + "\n" + added
    }

    /// Why this change was not saved: the other terminal's value, kept and now shown, and this one's.
    func notSaved(_ current: Assessment) -> String {
        func score(_ v: Int?) -> String { v.map(String.init) ?? "not rated" }
        switch self {
        case .setConcern(let c):
            // What was not saved first: a long label may be cut at the screen's edge, and the row shows it.
            guard let theirs = current.concern(c.key) else { return "Your \(score(c.score)) was not saved: another terminal un-chose “\(c.label)”" }
            return "Your \(score(c.score)) was not saved: another terminal changed “\(c.label)” to \(score(theirs.score))"
        case .removeConcern(let key):
            return "Not un-chosen: another terminal changed “\(current.concern(key)?.label ?? key)”; check it, then try again"
        case .setDistress(let mine):
            return "Your \(score(mine)) was not saved: another terminal changed the distress score to \(score(current.distressScore))"
        case .setPriorities:
            return "Your order was not saved: another terminal changed it; theirs is shown"
        case .deleteAction:
            return "Not removed: another terminal changed this action; check it, then try again"
        case .setReviewDate(let mine):
            return "Your \(mine?.display ?? "no date") was not saved: another terminal changed the review date to \(current.reviewDate?.display ?? "none")"
        case .setDetails:
            return "Your details were not saved: another terminal changed them; theirs are shown"
        default:
            return "Not saved: another terminal changed this answer"
        }
    }
}
