import CareplanCore
import Foundation

/// Runs the screens' commands against the store and says what the store refused. It answers before the
/// next frame is drawn, so what a screen shows as saved is on disk (or shown as waiting for the store).
struct Runtime {
    let session: Session

    func execute(_ command: Command) -> Answer {
        let s = session
        switch command {
        case .query(.patientCount):
            return s.attempt { try s.store.patientCount() }.map(Answer.counted) ?? .failed(nil)
        case .query(.patients(let text, let limit)):
            return s.attempt { try s.store.searchPatients(text, limit: limit) }.map { .patients(matching: text, $0) } ?? .failed(nil)
        case .query(.waitingSelfAssessments):
            return s.attempt { try s.store.waitingSelfAssessments() }.map(Answer.waiting) ?? .failed(nil)
        case .query(.assessments(let patientId)):
            return s.attempt { try s.store.assessments(patientId: patientId) }.map(Answer.assessments) ?? .failed(nil)
        case .savePatient(let p):
            return savePatient(p)
        case .apply(let change, let base, let said):
            guard s.apply(change, basedOn: base) else { return .failed(nil) }
            if let said { s.say(said.text, said.kind) }
            return .saved(change)
        case .openPatient(let id):
            return s.open(patientId: id) ? .opened : .failed(nil)
        case .openAssessment(let id):
            return s.open(assessmentId: id) ? .opened : .failed(nil)
        case .startAssessment(let point, let by, let date):
            guard let patientId = s.patient?.id, let a = s.attempt({
                try s.store.startAssessment(patientId: patientId, pathwayPoint: point, completedBy: by, date: date,
                                            catalogue: s.catalogue, createdBy: s.user, now: s.now)
            }) else { return .failed(nil) }
            s.assessment = a
            return .started(a)
        case .newVersion(let id):
            guard let fresh = s.attempt({ try s.store.newVersion(of: id, createdBy: s.user, now: s.now) }) else { return .failed(nil) }
            s.assessment = fresh
            return .started(fresh)
        case .discardAssessment(let id):
            return s.attempt { try s.store.discardAssessment(id: id, by: s.user, now: s.now) }.map(Answer.discarded) ?? .failed(nil)
        case .issueKioskCode(let point):
            let hours = s.flow.setting(.kioskCodeHours)
            guard let patientId = s.patient?.id, let code = s.attempt({
                try s.store.issueKioskCode(patientId: patientId, pathwayPoint: point, catalogue: s.catalogue, by: s.user, now: s.now,
                                           validFor: TimeInterval(hours) * 3600)
            }) else { return .failed(nil) }
            return .kioskCode(code)
        case .redeemKioskCode(let code, let dob):
            do {
                let (patient, assessment) = try s.store.redeemKioskCode(code, dateOfBirth: dob, now: s.now)
                s.patient = patient
                s.assessment = assessment
                return .redeemed(patient)
            } catch {
                return .kioskRefused(error as? KioskError)
            }
        case .checkStaffPIN(let pin):
            do {
                try s.store.checkStaffPIN(pin, now: s.now)
                return .opened
            } catch {
                s.say(String(describing: error), .error)
                return .failed(nil)
            }
        case .go:
            return .failed(nil)  // never sent here: moves are the program's (`Program.send`)
        }
    }

    func savePatient(_ p: Patient) -> Answer {
        let s = session
        do {
            let saved = p.id == nil ? try s.store.addPatient(p, by: s.user, now: s.now) : try s.store.updatePatient(p, by: s.user, now: s.now)
            s.patient = saved
            return .patientSaved(saved)
        } catch let e as StoreError {
            if case .conflict = e, let id = p.id, let fresh = try? s.store.patient(id: id) {
                s.patient = fresh
                s.say("Another terminal changed these details first; yours are still here. Press Ctrl-S again to save yours over theirs.", .error)
                return .patientChangedElsewhere(fresh)
            }
            s.say(e.description, .error)
            return .failed(e)
        } catch {
            s.say(String(describing: error), .error)
            return .failed(nil)
        }
    }
}

extension Program {
    /// Gives the current screen a message and runs the commands it returns, each answer given back to it in
    /// turn, until one leaves the screen (returned) or is refused (the rest are not run).
    func send(_ message: Message) -> Navigation {
        for command in screen.update(message, session) {
            if case .go(let nav) = command { return nav }
            let answer = Runtime(session: session).execute(command)
            let nav = send(.answer(answer))
            if nav != .stay { return nav }
            if case .failed = answer { break }
        }
        return .stay
    }
}
