import CareplanCore
import Foundation

/// One kind of screen as the application knows it (like tig's `view_ops`): its id, which flows may use it,
/// what must be open first, its named exits and the keys that take them, and how it is made. Which screen
/// each exit leads to is the flow's business (`Screens/*.yaml`).
package struct ScreenEntry: Sendable {
    package var spec: ScreenKindSpec
    package var make: @Sendable (Session) -> any Screen

    package init(_ kind: ScreenKind, _ mode: ScreenKindSpec.Mode, needs: ScreenKindSpec.Needs, exits: [ScreenKindSpec.Exit] = [],
         inEveryFlow: Bool = false, make: @escaping @Sendable (Session) -> any Screen) {
        spec = ScreenKindSpec(id: kind.rawValue, mode: mode, needs: needs, exits: exits, inEveryFlow: inEveryFlow)
        self.make = make
    }

    package var kind: ScreenKind { ScreenKind(spec.id) }
}

/// Every kind of screen, in one table. Adding a kind: its screen in a new file, one entry here, and a
/// screen of that kind (with its exits) in the flows that use it.
public struct ScreenRegistry: Sendable {
    package private(set) var entries: [ScreenEntry]

    package init(_ entries: [ScreenEntry]) { self.entries = entries }

    package func entry(_ kind: ScreenKind) -> ScreenEntry? { entries.first { $0.kind == kind } }

    /// The same registry with one more kind (tests add their own).
    package func adding(_ entry: ScreenEntry) -> ScreenRegistry { ScreenRegistry(entries + [entry]) }

    /// What the flow loader checks flows against.
    public var specs: [ScreenKindSpec] { entries.map(\.spec) }

    /// The flow files the application opens by name: `careplan` the clinician's, `careplan kiosk` the kiosk's.
    public static let requiredFlows = ["clinician", "kiosk"]

    /// A screen of this kind for the flow's mode, once what it needs is open; nil (and a word why) if not.
    package func make(_ kind: ScreenKind, _ s: Session) -> (any Screen)? {
        guard let entry = entry(kind), entry.spec.allowed(in: s.flow.mode) else { return nil }
        switch entry.spec.needs {
        case .assessment where s.assessment == nil:
            s.say("Open or start an assessment first", .error)
            return nil
        case .patient where s.patient == nil:
            s.say("Choose a patient first", .error)
            return nil
        case .document where s.document == nil || s.template == nil:
            s.say("Open or start a document first", .error)
            return nil
        default:
            return entry.make(s)
        }
    }

    public static let standard = ScreenRegistry([
        ScreenEntry(.signIn, .clinician, needs: .nothing,
                    exits: [.required("signed-in", "the right password (or a trusted operating-system account)"),
                            .required("first-run", "a store with no administrator"),
                            .required("change-password", "a password an administrator reset")]) { s in
            s.patient = nil; s.assessment = nil; return SignInScreen(s)
        },
        ScreenEntry(.firstAdministrator, .clinician, needs: .nothing, exits: [.required("done", "the first administrator created")]) {
            FirstAdministratorScreen($0)
        },
        ScreenEntry(.changePassword, .clinician, needs: .nothing,
                    exits: [.required("done", "the new password saved"), .required("back", "Esc")]) { ChangePasswordScreen($0) },
        // Opened over any screen by the lock key or the idle time, and closed back to it by the password.
        ScreenEntry(.lock, .clinician, needs: .nothing, inEveryFlow: true) { LockScreen($0) },
        ScreenEntry(.users, .clinician, needs: .nothing, exits: [.required("back", "Esc"), .optional("teams", "F3")]) { UsersScreen($0) },
        ScreenEntry(.teams, .clinician, needs: .nothing, exits: [.required("back", "Esc"), .optional("users", "F3")]) { TeamsScreen($0) },
        ScreenEntry(.patientRegister, .clinician, needs: .nothing,
                    exits: [.required("open", "Enter on a patient"), .optional("new", "Ctrl-A, or Enter when there are no patients"),
                            .optional("waiting", "Enter on a self-assessment sent from the kiosk"),
                            .optional("users", "F2 (administrators)"), .optional("reviews-due", "F4 (roles that record QOF)"),
                            .optional("worklist", "F5 (roles that record care)"), .optional("reports", "F6 (roles that run reports)")]) { s in
            s.patient = nil; s.assessment = nil; return RegisterScreen(s)
        },
        ScreenEntry(.patientForm, .clinician, needs: .nothing,
                    exits: [.required("back", "Esc on a new patient"), .required("done", "saving, or Esc when correcting details")]) { PatientFormScreen($0) },
        ScreenEntry(.patientRecord, .clinician, needs: .patient,
                    exits: [.required("back", "Esc"), .required("continue", "Enter on an assessment in progress"),
                            .required("view", "Enter on an agreed, superseded or discarded assessment"),
                            .optional("new", "N, or Enter when there is no assessment"), .optional("edit", "E"),
                            .optional("document", "W, or Enter on a document"), .optional("follow-up", "F (follow-up)")]) { s in
            let closed = s.assessment.map { RecordScreen.Closed.assessment($0.id) } ?? s.document.map { RecordScreen.Closed.document($0.id) }
            s.assessment = nil
            s.document = nil
            return RecordScreen(s, selecting: closed)
        },
        ScreenEntry(.assessmentStart, .clinician, needs: .patient,
                    exits: [.required("back", "Esc"), .required("next", "starting the assessment")]) { StartScreen($0) },
        ScreenEntry(.concernChecklist, .clinician, needs: .assessment, exits: stepExits) { ChecklistScreen($0) },
        ScreenEntry(.prioritise, .clinician, needs: .assessment, exits: stepExits) { PrioritiseScreen($0) },
        ScreenEntry(.conversationNotes, .clinician, needs: .assessment, exits: stepExits) { NotesScreen($0) },
        ScreenEntry(.agreedActions, .clinician, needs: .assessment, exits: stepExits) { ActionsScreen($0) },
        ScreenEntry(.planReview, .clinician, needs: .assessment,
                    exits: [.required("done", "Esc"), .required("new-version", "V on an agreed plan"), .optional("back", "Ctrl-P")]) { ReviewScreen($0) },

        ScreenEntry(.practiceView, .clinician, needs: .nothing, exits: [.required("back", "Esc"), .required("open", "Enter on a patient")]) { s in
            s.patient = nil; s.assessment = nil; return PracticeViewScreen(s)
        },
        ScreenEntry(.worklist, .clinician, needs: .nothing,
                    exits: [.required("register", "Esc, or at once for a role that records no care"), .required("follow-up", "Enter on a call, result, test or discharge"),
                            .required("open", "Enter on an HNA, EoTS or QOF review due"), .required("waiting", "Enter on a kiosk self-assessment"),
                            .required("continue", "Enter on a care plan in progress"), .required("view", "Enter on a plan review due"),
                            .required("document", "Enter on a draft EoTS"), .optional("reports", "F6 (roles that run reports)")]) { s in
            s.patient = nil; s.assessment = nil; s.document = nil; return WorklistScreen(s)
        },
        ScreenEntry(.followUp, .clinician, needs: .patient,
                    exits: [.required("back", "Esc"), .required("worklist", "Esc when opened from the worklist")]) { FollowUpScreen($0) },
        ScreenEntry(.documentForm, .clinician, needs: .document, exits: [.required("back", "Esc")]) { DocumentFormScreen($0) },
        ScreenEntry(.reports, .clinician, needs: .nothing, exits: [.required("back", "Esc")]) { s in
            s.patient = nil; s.assessment = nil; s.document = nil; return ReportsScreen(s)
        },

        ScreenEntry(.kioskWelcome, .kiosk, needs: .nothing, exits: [.required("next", "Enter")]) { KioskWelcomeScreen($0) },
        ScreenEntry(.kioskIdentify, .kiosk, needs: .nothing,
                    exits: [.required("back", "Esc"), .required("next", "a code and date of birth accepted")]) { KioskIdentifyScreen($0) },
        ScreenEntry(.kioskChecklist, .kiosk, needs: .assessment,
                    exits: [.required("next", "Enter on the last page"), .required("review", "Enter after a change from the review")]) {
            KioskChecklistScreen($0)
        },
        ScreenEntry(.kioskDistress, .kiosk, needs: .assessment, exits: kioskAnswerExits) { KioskDistressScreen($0) },
        ScreenEntry(.kioskMessage, .kiosk, needs: .assessment, exits: kioskAnswerExits) { KioskMessageScreen($0) },
        ScreenEntry(.kioskReview, .kiosk, needs: .assessment,
                    exits: [.required("back", "Esc"), .required("next", "sending the answers"),
                            .required("change-concerns", "Enter on a page of concerns"), .required("change-distress", "Enter on the distress score"),
                            .required("change-message", "Enter on the message")]) { KioskReviewScreen($0) },
        // Enter on the thanks starts the flow again for the next person: no exit to map.
        ScreenEntry(.kioskThanks, .kiosk, needs: .assessment) { KioskThanksScreen($0) },
        // Opened over any kiosk screen by Ctrl-X, and closed back to it.
        ScreenEntry(.kioskStaff, .kiosk, needs: .nothing, inEveryFlow: true) { KioskStaffScreen($0) },
    ])

    /// The assessment steps: Esc goes back; Ctrl-N goes on where the flow says.
    static let stepExits: [ScreenKindSpec.Exit] = [.required("back", "Esc"), .optional("next", "Ctrl-N")]
    /// A kiosk answer: Enter goes on (or back to the review it was changed from), Esc goes back.
    static let kioskAnswerExits: [ScreenKindSpec.Exit] = [.required("next", "Enter"), .required("back", "Esc"),
                                                          .required("review", "Enter after a change from the review")]
}

extension Configuration {
    /// Screens/ and Resources/, checked against the screens this application implements.
    public static func load(root: URL, registry: ScreenRegistry = .standard) -> Result<Configuration, ConfigErrors> {
        load(root: root, screenKinds: registry.specs, requiredFlows: ScreenRegistry.requiredFlows)
    }
}
