import Foundation

/// A change to an assessment, as a value: the screens produce these, the store applies them (checking the
/// one answer each changes against the value the screen showed: `AnswerValue`), and tests can assert on them.
public enum AssessmentChange: Equatable, Sendable {
    case setDetails(pathwayPoint: PathwayPoint, completedBy: CompletedBy, date: LocalDate)
    /// Chooses a concern, or rates it: one already chosen keeps its note and its place in the order.
    case setConcern(ConcernEntry)
    case removeConcern(key: String)
    case setDistress(Int?)
    case setWhatMattersToMe(String)
    case setNote(key: String, text: String)
    /// The whole care-planning order (keys first to last) and which to discuss.
    case setPriorities(order: [String], discuss: Set<String>)
    case saveAction(AgreedAction)
    case deleteAction(id: Int64)
    case setReviewDate(LocalDate?)
    /// "Anything else you want to tell us" (kiosk).
    case setPatientMessage(String)
    /// The patient sends the self-completed checklist to their nurse (kiosk).
    case submit(at: Date)
    case agree(by: String, role: StaffRole, at: Date, reviewDate: LocalDate)

    /// The change as it is kept: text cleaned and cut to its limit, scores within 0 to 10. The store writes
    /// this, and `Assessment.applying` shows it, so a change waiting to be saved looks as it will once saved.
    public var normalised: AssessmentChange {
        func note(_ text: String) -> String { TextCleaner.multiLine(String(text.prefix(Limits.note))) }
        func score(_ v: Int?) -> Int? { v.map { min(10, max(0, $0)) } }
        switch self {
        case .setConcern(var c):
            c.label = TextCleaner.field(c.label, maxLength: Limits.concernText)
            c.score = score(c.score)
            c.note = note(c.note)
            return .setConcern(c)
        case .setDistress(let v): return .setDistress(score(v))
        case .setWhatMattersToMe(let text): return .setWhatMattersToMe(note(text))
        case let .setNote(key, text): return .setNote(key: key, text: note(text))
        case .saveAction(var a):
            a.what = TextCleaner.field(a.what, maxLength: Limits.actionText)
            a.ownerName = TextCleaner.field(a.ownerName, maxLength: Limits.personName)
            return .saveAction(a)
        case .setPatientMessage(let text): return .setPatientMessage(note(text))
        case let .agree(by, role, at, reviewDate):
            return .agree(by: TextCleaner.field(by, maxLength: Limits.personName), role: role, at: at, reviewDate: reviewDate)
        case .setDetails, .removeConcern, .setPriorities, .deleteAction, .setReviewDate, .submit:
            return self
        }
    }

    /// Changes that decide something (agreeing the plan, sending it from the kiosk) happen only once
    /// everything before them is on disk; they are never kept waiting in memory.
    public var isDecisive: Bool {
        switch self {
        case .agree, .submit: return true
        default: return false
        }
    }

    /// Two changes of the same answer (the same note, the same concern's rating): the later replaces the
    /// earlier when both are waiting to be saved.
    public func replaces(_ earlier: AssessmentChange) -> Bool {
        switch (self, earlier) {
        case let (.setConcern(a), .setConcern(b)): return a.key == b.key
        case let (.setNote(a, _), .setNote(b, _)): return a == b
        case (.setDistress, .setDistress), (.setWhatMattersToMe, .setWhatMattersToMe), (.setPriorities, .setPriorities),
             (.setReviewDate, .setReviewDate), (.setPatientMessage, .setPatientMessage), (.setDetails, .setDetails):
            return true
        case let (.saveAction(a), .saveAction(b)): return a.id != nil && a.id == b.id
        default: return false
        }
    }
}

extension Assessment {
    /// This assessment with `change` made to it in memory, as the store would make it (a new action keeps
    /// the id it is given, or none). For showing changes the store could not yet take.
    public func applying(_ change: AssessmentChange) -> Assessment {
        var a = self
        switch change.normalised {
        case let .setDetails(point, by, date):
            a.pathwayPoint = point
            a.completedBy = by
            a.date = date
        case .setConcern(let c):
            // As the store: a concern already chosen keeps its note and its place in the order.
            if let i = a.concerns.firstIndex(where: { $0.key == c.key }) {
                a.concerns[i].categoryId = c.categoryId
                a.concerns[i].label = c.label
                a.concerns[i].score = c.score
            } else { a.concerns.append(c) }
        case .removeConcern(let key):
            a.actions.removeAll { $0.concernKey == key }
            a.concerns.removeAll { $0.key == key }
        case .setDistress(let v): a.distressScore = v
        case .setWhatMattersToMe(let text): a.whatMattersToMe = text
        case let .setNote(key, text):
            if let i = a.concerns.firstIndex(where: { $0.key == key }) { a.concerns[i].note = text }
        case let .setPriorities(order, discuss):
            for i in a.concerns.indices {
                let rank = order.lastIndex(of: a.concerns[i].key)  // as the store: a repeated key ends up last
                a.concerns[i].rank = rank
                a.concerns[i].discuss = rank != nil && discuss.contains(a.concerns[i].key)
            }
        case .saveAction(let action):
            if let id = action.id, let i = a.actions.firstIndex(where: { $0.id == id }) { a.actions[i] = action } else { a.actions.append(action) }
        case .deleteAction(let id): a.actions.removeAll { $0.id == id }
        case .setReviewDate(let date): a.reviewDate = date
        case .setPatientMessage(let text): a.patientMessage = text
        case .submit(let at): a.submittedAt = at
        case let .agree(by, role, at, reviewDate):
            a.status = .agreed
            a.agreedBy = by
            a.agreedRole = role
            a.agreedAt = at
            a.reviewDate = reviewDate
        }
        return a
    }
}
