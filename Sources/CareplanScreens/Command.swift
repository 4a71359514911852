import CareplanCore
import Foundation
import TermUI

/// What a screen is told: a key, the screen being shown, or the answer to one of its commands.
package enum Message: Equatable {
    case key(Key)
    /// The screen has just been made current: it asks for what it shows.
    case opened
    /// Time passing: save what has waited long enough (a note typed a second ago).
    case tick
    /// Leaving the screen, or the program: save everything pending now.
    case leaving
    case answer(Answer)
    /// A step of the screen's own that a question held back, now confirmed (`Command.proceed`).
    case proceed(String)
    /// The key after the screen's question came sooner than a person reads it (`Question.readingTime`): it
    /// was more typing, not an answer, and nothing was done.
    case answeredTooSoon
}

/// What a screen asks of the runtime (`Runtime`): the store's work, and moves off the screen. The runtime
/// runs them in order, feeding each answer back as a message; one refused stops those after it (its refusal
/// said on the status line), so `[.openPatient(id), .go(.exit("open"))]` leaves only once the patient is open.
package enum Command: Equatable {
    case query(Query)
    /// Adds the patient (no id yet) or saves their corrected details.
    case savePatient(Patient)
    /// Applies a change to the open assessment, based on the value its answer had on screen (nil: as the
    /// open assessment shows it). Answered `saved` once the change stands, on disk or waiting for the store,
    /// and then (not before) `saying` is said.
    case apply(AssessmentChange, basedOn: AnswerValue? = nil, saying: Said? = nil)
    case openPatient(Int64)
    case openAssessment(Int64)
    /// Starts an assessment of the open patient, and opens it.
    case startAssessment(PathwayPoint, CompletedBy, date: LocalDate)
    /// A draft copy of an agreed plan, opened.
    case newVersion(of: Int64)
    case discardAssessment(Int64)
    /// A code for the open patient to complete a self-assessment at the kiosk, valid as long as the flow says.
    case issueKioskCode(PathwayPoint)
    /// Opens the patient and self-assessment a kiosk code is for, if the date of birth matches.
    case redeemKioskCode(String, dateOfBirth: LocalDate)
    /// Answered `opened` when the PIN is right: then a kiosk may close.
    case checkStaffPIN(String)
    /// At the start of a clinician's flow: is there an administrator yet, and does the store trust this
    /// operating-system account? Answered `firstAdministratorNeeded`, `signIn(.signedIn)` or `signInNeeded`.
    case checkSignIn
    /// Passwords travel only inside these commands, from the field to the store: never kept, drawn or logged.
    case signIn(userName: String, password: String)
    /// The signed-in (locked) user's password, to carry on.
    case unlock(password: String)
    /// After an administrator's reset: answered `signIn(.signedIn)` once changed.
    case changePassword(userName: String, current: String, to: NewPassword)
    case addFirstAdministrator(NewStaffUser, NewPassword)
    /// An administrator's change to users or teams (the store checks and audits it).
    case staff(StaffChange)
    /// Starts a draft document of the template (an id of Resources/documents) for the open patient, and opens it.
    case startDocument(templateId: String)
    case openDocument(Int64)
    /// Saves one field or row of the open document, based on the answer as the screen showed it (nil: as the
    /// open document shows it). Answered `documentSaved`; refused with the stored value kept and shown.
    case applyDocument(DocumentChange, basedOn: DocumentAnswer? = nil)
    /// Signs and locks the open document as shown, as `role`.
    case signDocument(role: String)
    /// A draft copy of the signed document, opened.
    case newDocumentVersion(of: Int64)
    /// Records one QOF fact about the open patient's cancer reviews (an invitation, an answer, a decline,
    /// "unsuitable", a support discussion held). Answered `qofRecorded`.
    case recordQOF(QOFRecord)
    /// Records that the open patient was given these items of the library (ids), on `date`, `how`, from a plan
    /// or document if any: one transaction. Answered `informationGiven`.
    case giveInformation(itemIds: [String], date: LocalDate, how: InformationDelivery, from: InformationSource?)
    /// Records that the open patient was offered, or attended, a course or event of the library.
    case recordOccasion(itemId: String, status: OccasionStatus, date: LocalDate)
    /// Records an HNA offered to the open patient and its outcome (one of `HNAOfferOutcome.recordable`; a reason
    /// for "not offered" and "unable to complete"). Answered `hnaOfferRecorded`; a refusal is said on the status line.
    case recordHNAOffer(date: LocalDate, pathwayPoint: PathwayPoint, outcome: HNAOfferOutcome, reason: String)
    /// A follow-up change for the open patient (issue 14; FollowUpScreen.swift). Answered `followUpSaved`.
    case followUp(FollowUpAction)
    /// A y/n question on the status line, answered by the next key, whatever it is.
    case ask(Question)
    /// Back to the screen, as `Message.proceed`: a step of its own (opening a form) that a question held back.
    case proceed(String)
    /// Off the screen (an exit, quit, an export): the last command the runtime runs for the message.
    case go(Navigation)

    package static func exit(_ name: String) -> Command { .go(.exit(name)) }
}

/// A yes/no question, the one way anything asks before it acts (a screen with `.ask`, the program before
/// leaving what is not saved): y runs `yes` (as if the screen had given those commands then), a key of
/// `others` runs its commands, any other key (step and quit keys too) says `no`.
package struct Question: Equatable {
    package var text: String
    /// The part of the text that gives way when it does not fit (a label), and where it is cut.
    package var shortening: String?
    package var cut: DisplayWidth.Cut
    package var yes: [Command]
    package var no: Said
    /// The key line while it is asked: `y <yesHint>  <others>  any other key <noHint>`.
    var yesHint: String
    var noHint: String
    /// Answers besides y (Enter: open the assessment in progress instead).
    package var others: [Choice]
    /// Where letters are commands, a key sooner than this after the question (in seconds) is taken as more
    /// typing, not as its answer: `dyspnoea` typed on the record, its d asking to discard and its y answering.
    package var readingTime: TimeInterval?
    /// The program's own question before leaving: y leaves without asking again.
    package var confirmsLeaving: Bool

    package struct Choice: Equatable {
        package var key: Key
        var keyName: String
        var hint: String
        package var commands: [Command]
        package init(_ key: Key, _ keyName: String, _ hint: String, _ commands: [Command]) {
            self.key = key
            self.keyName = keyName
            self.hint = hint
            self.commands = commands
        }
    }

    package init(text: String, shortening: String? = nil, at cut: DisplayWidth.Cut = .end, yes: [Command], no: Said,
                 yesHint: String, noHint: String, others: [Choice] = [], readingTime: TimeInterval? = nil, confirmsLeaving: Bool = false) {
        self.text = text
        self.shortening = shortening
        self.cut = cut
        self.yes = yes
        self.no = no
        self.yesHint = yesHint
        self.noHint = noHint
        self.others = others
        self.readingTime = readingTime
        self.confirmsLeaving = confirmsLeaving
    }

    /// A choice taken by two keys (p and P) is shown once.
    package var hints: [KeyHint] {
        var shown = Set<String>()
        return [KeyHint("y", yesHint)] + others.filter { shown.insert($0.keyName + " " + $0.hint).inserted }.map { KeyHint($0.keyName, $0.hint) }
            + [KeyHint("any other key", noHint)]
    }
    package static func isYes(_ key: Key) -> Bool { key == .text("y") || key == .text("Y") }
}

/// A status line message, as a command says it.
package struct Said: Equatable {
    package var text: String
    package var kind: StatusMessage.Kind
    package init(_ text: String, _ kind: StatusMessage.Kind = .info) {
        self.text = text
        self.kind = kind
    }
}

/// A read of the store, which the runtime runs.
package enum Query: Equatable {
    case patientCount
    /// Every patient in the store, whatever the teams (said when the user's teams have none).
    case patientCountEveryone
    /// Among the patients of the session's `registerTeams` (the user's teams, or everyone).
    case patients(matching: String, limit: Int)
    case waitingSelfAssessments
    case assessments(patientId: Int64)
    case users
    /// The enabled staff by name and role, for any signed-in clinician (`users` is the administrator's).
    case staffNames
    case teams
    /// The patient's assessments and documents, newest first, and whether an End of Treatment Summary is due.
    case timeline(patientId: Int64)
    /// The patient's state for each QOF indicator today, and their QOF records.
    case qof(patientId: Int64)
    /// The practice's cancer reviews due or missed, soonest deadline first, of the session's `registerTeams`.
    case qofPracticeView(limit: Int, showing: QOFPracticeView.Showing = .all)
    /// The health and wellbeing information given to the patient and the events offered or attended.
    case information(patientId: Int64)
    /// What needs doing for the session's `registerTeams`, most urgent first (the worklist). Audited as a listing.
    case worklist
    /// The patient's follow-up: their enrolments, the latest one's schedule, results and history, their calls.
    case followUp(patientId: Int64)
    /// Every assessment of the patient in full (concerns, scores, distress), for their trends; each one read is
    /// audited as viewed.
    case patientAssessments(patientId: Int64)
    /// The HNAs offered to the patient, newest first. Answered `hnaOffers`.
    case hnaOffers(patientId: Int64)
    /// A report of the service (issue 15): counts only, needs the `reports` permission, audited. Answered `report`,
    /// or `failed` with the problem said (an unknown report, a grouping it does not have).
    case report(ReportRequest)
}

/// What an administrator changes, made by the signed-in user.
package enum StaffChange: Equatable {
    case addUser(NewStaffUser, NewPassword)
    case setDisabled(Bool, userName: String)
    case resetPassword(userName: String, NewPassword)
    case setRole(String, userName: String)
    case setTeams(Set<Int64>, userName: String)
    case addTeam(String)
    case renameTeam(Int64, from: String, to: String)
}

/// The runtime's answer to a command.
package enum Answer: Equatable {
    case counted(Int)
    case countedEveryone(Int)
    case patients(matching: String, [PatientSummary])
    /// The search for `matching` could not be made (a database server out of reach): `why`, in words.
    case patientSearchFailed(matching: String, why: String)
    case waiting([WaitingAssessment])
    case assessments([AssessmentSummary])
    case timeline([TimelineEntry], due: EoTSDue?)
    case qof([QOFStatus], records: [QOFRecord])
    case qofPracticeView(QOFPracticeView)
    case qofRecorded(QOFRecord)
    case information(PatientInformation)
    /// What `giveInformation` recorded.
    case informationGiven([InformationGiven])
    case occasionRecorded(OccasionRecord)
    case hnaOffers([HNAOffer])
    case hnaOfferRecorded(HNAOffer)
    case report(ReportTable)
    case worklist(Worklist)
    case followUp(FollowUpView)
    /// The patient's assessments in full, in the store's order (`PatientTrends` sorts them).
    case patientAssessments(patientId: Int64, [Assessment])
    /// A follow-up change stands; the screen reads the follow-up again.
    case followUpSaved(FollowUpAction)
    /// The patient as the store now has them.
    case patientSaved(Patient)
    /// Another terminal changed the patient's details first: theirs, as stored now.
    case patientChangedElsewhere(Patient)
    /// The change stands (on disk, or waiting for a store that cannot be written yet).
    case saved(AssessmentChange)
    case opened
    /// A new assessment (or version), now the open one.
    case started(Assessment)
    case discarded(Assessment)
    /// A document change stands: on disk (the open document is the stored one), or waiting for a store that
    /// cannot be written yet (shown as made; `Session.waitingDocumentFields` names it).
    case documentSaved(DocumentChange)
    /// A new document (or version), now the open one.
    case documentStarted(Document)
    case documentSigned(Document)
    case kioskCode(KioskCode)
    /// A kiosk code accepted: the patient and their self-assessment are open.
    case redeemed(Patient)
    /// A kiosk code refused (nil: not for a reason the patient can act on); the screen says it, in its words.
    case kioskRefused(KioskError?)
    case firstAdministratorNeeded
    case signInNeeded
    case signIn(SignInResult)
    case users([StaffUser])
    case staffNames([StaffName])
    case teams([Team])
    /// A change to users or teams stands.
    case staffSaved
    /// The store refused; the runtime has said why, unless the screen must (`StoreError` it can act on).
    case failed(StoreError?)
}
