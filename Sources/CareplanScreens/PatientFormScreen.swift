import CareplanCore
import TermUI

/// Add a patient, or correct their details. Every field says what is wrong with it, next to it,
/// and keeps what was typed.
struct PatientFormScreen: Screen {
    let kind = ScreenKind.patientForm
    var form: Form
    /// The patient being edited; nil when adding.
    let editing: Patient?

    init(_ s: Session) {
        editing = s.patient
        let p = s.patient
        form = Form([
            .init("nhs", s.words(.patientNhs), text: p?.nhsNumber.formatted ?? "", maxLength: 14, note: s.words(.patientNhsNote)),
            .init("family", s.words(.patientFamily), text: p?.familyName ?? "", maxLength: Limits.name),
            .init("given", s.words(.patientGiven), text: p?.givenName ?? "", maxLength: Limits.name),
            .init("dob", s.words(.patientDob), text: p?.dateOfBirth.display ?? "", maxLength: 20, note: s.words(.patientDobNote)),
            .init("diagnosis", s.words(.patientDiagnosis), text: p?.diagnosis ?? "", maxLength: Limits.diagnosis, note: s.words(.patientDiagnosisNote)),
            .init("code", s.words(.patientCode), text: p?.diagnosisCode ?? "", maxLength: Limits.diagnosisCode, note: s.words(.patientCodeNote)),
            .init("diagnosed", s.words(.patientDiagnosed), text: p?.diagnosisDate?.display ?? "", maxLength: 20, note: s.words(.patientDiagnosedNote)),
            // The responsible team: a new patient's is the nurse's own (their first team), if any.
            .init("team", s.words(.staffTeam), options: ["None"] + s.teams.map(\.name),
                  index: (p == nil ? s.staff?.teamIds.sorted().first : p?.teamId).flatMap { id in s.teams.firstIndex { $0.id == id } }.map { $0 + 1 } ?? 0,
                  note: "←→ to change: the team responsible for the patient"),
        ])
    }

    var takesText: Bool { form.takesText }
    var hasUnsavedInput: Bool { form.dirty }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .key(.escape): return [editing == nil ? .go(.back) : .exit("done")]
        case .key(let key):
            switch form.handle(key) {
            case .left(let i): _ = check(form.fields[i].id, s)
            case .submit: return save(s)
            default: break
            }
        case .answer(.patientSaved):
            form.dirty = false
            s.say(editing == nil ? "Patient added" : "Details saved", .success)
            return [.exit("done")]
        case .answer(.patientChangedElsewhere(let fresh)):
            self = PatientFormScreen(keeping: form, editing: fresh)
        case .answer(.failed(.duplicateNHSNumber(let existing))):
            form.setProblem("nhs", StoreError.duplicateNHSNumber(existing: existing).description)
            form.focus = 0
        case .opened, .tick, .leaving, .answer, .proceed, .answeredTooSoon: break
        }
        return []
    }

    /// Checks one field; sets its problem; returns the parsed value's validity.
    @discardableResult
    mutating func check(_ id: String, _ s: Session) -> Bool {
        let text = TextCleaner.singleLine(form.text(id)).trimmingSpaces()
        var problem: String?
        switch id {
        case "nhs":
            if case .failure(let p) = NHSNumber.parse(text) { problem = p.description }
            else if let n = NHSNumber(text) { form["nhs"].input = .text(TextField(n.formatted, maxLength: 14)) }
        case "family", "given":
            if text.isEmpty { problem = id == "family" ? "Enter the family name" : "Enter the given name" }
        case "dob":
            switch LocalDate.parse(text) {
            case .failure(let p): problem = p.description
            case .success(let d):
                if d > s.today { problem = "A date of birth cannot be in the future" }
                else if d.year < s.today.year - 130 { problem = "That would make the patient over 130: check the year" }
            }
        case "diagnosis":
            if text.isEmpty { problem = "Enter the diagnosis (tumour site)" }
        case "diagnosed":
            if !text.isEmpty {
                switch LocalDate.parse(text) {
                case .failure(let p): problem = p.description
                case .success(let d):
                    if d > s.today { problem = "A date of diagnosis cannot be in the future" }
                    if case .success(let dob) = LocalDate.parse(form.text("dob")), d < dob { problem = "This is before the date of birth" }
                }
            }
        default: break
        }
        form.setProblem(id, problem)
        return problem == nil
    }

    /// The patient as typed, to be saved, once every field is valid.
    mutating func save(_ s: Session) -> [Command] {
        var allGood = true
        for f in form.fields where !check(f.id, s) { allGood = false }
        guard allGood, let nhs = NHSNumber(form.text("nhs")), case .success(let dob) = LocalDate.parse(form.text("dob")) else {
            if let bad = form.fields.firstIndex(where: { $0.problem != nil }) { form.focus = bad }
            s.say("Not saved yet: correct the field marked with !", .error)
            return []
        }
        let typed = form
        func clean(_ id: String, _ max: Int) -> String { TextCleaner.field(typed.text(id), maxLength: max) }
        var p = editing ?? Patient(nhsNumber: nhs, familyName: "", givenName: "", dateOfBirth: dob)
        p.nhsNumber = nhs
        p.familyName = clean("family", Limits.name)
        p.givenName = clean("given", Limits.name)
        p.dateOfBirth = dob
        p.diagnosis = clean("diagnosis", Limits.diagnosis)
        p.diagnosisCode = clean("code", Limits.diagnosisCode)
        p.diagnosisDate = try? LocalDate.parse(typed.text("diagnosed")).get()
        let team = typed.index("team")
        p.teamId = team == 0 ? nil : s.teams[team - 1].id
        return [.savePatient(p)]
    }

    private init(keeping form: Form, editing: Patient) {
        self.form = form
        self.editing = editing
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let top = Area(x: area.x + 1, y: area.y + 1, width: area.width - 2, height: area.height - 1)
        form.render(into: &g, top)
    }

    func keys(_ s: Session) -> [KeyHint] { Form.hints }
}
