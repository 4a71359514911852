import CareplanCore
import TermUI

/// The whole plan on one scrollable page; agreeing it (then it is locked), starting a new version,
/// and exporting or printing it.
struct ReviewScreen: Screen {
    let kind = ScreenKind.planReview
    var scroll = 0
    var agreeing: Form?
    /// Giving health and wellbeing information from the plan (I): recorded with the plan as its source.
    var informing: InformationPicker?
    /// What the patient was given (the plan lists those given from it).
    var given: [InformationGiven] = []

    init(_ s: Session) {}

    var takesText: Bool { informing?.takesText ?? agreeing?.takesText ?? false }
    var inSubForm: Bool { agreeing != nil || informing != nil }
    var hasUnsavedInput: Bool { (agreeing?.dirty ?? false) || (informing?.hasUnsavedInput ?? false) }

    func informationQuery(_ s: Session) -> [Command] { s.patient?.id.map { [.query(.information(patientId: $0))] } ?? [] }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .opened: return informationQuery(s)
        case .answer(.information(let found)): given = found.given
        case .answer(.informationGiven(let recorded)):
            informing = nil
            return InformationPicker.recorded(recorded, s) + informationQuery(s)
        case .proceed(InformationPicker.closing):
            informing = nil
            s.say("No information recorded")
        case .key(let key): return handle(key, s)
        case .proceed(ReviewScreen.agree):
            // Yes to agreeing with no action for a discussed concern.
            if let a = s.assessment { openAgreeForm(a, s) }
        case .answer(.started(let fresh)):
            s.say("Version \(fresh.version) started as a draft from the agreed plan", .success)
            return [.exit("new-version")]
        case .answer(.saved(.agree)):
            agreeing = nil
            s.say("Plan agreed and locked. P exports a PDF for the patient, the record and the GP.", .success)
        default: break
        }
        return []
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        guard let a = s.assessment else { return [.go(.back)] }
        if agreeing != nil { return handleAgree(key, s) }
        if informing != nil { return InformationPicker.handle(key, &informing, s) }
        let page = max(1, s.contentArea.height - 1)
        switch key {
        case .up: scroll = max(0, scroll - 1)
        case .down: scroll += 1
        case .pageUp: scroll = max(0, scroll - page)
        case .pageDown, .text(" "): scroll += page
        case .home: scroll = 0
        case .end: scroll = Int.max / 2
        case .escape: return [.exit("done")]
        case .text("a"), .text("A"):
            guard !a.isLocked else { s.say(a.status == .discarded ? "This assessment was discarded: it cannot be agreed" : "This plan is already agreed", .error); return [] }
            // A plan says who agreed it, as signed in, and in what role: only a role that may agree one.
            if s.refuses(.agreePlan) { return [] }
            if let problem = ReviewScreen.readiness(a) { s.say(problem, .error); return [] }
            let withoutAction = a.discussedConcerns.filter { a.actions(for: $0.key).isEmpty }.map(\.label)
            guard withoutAction.isEmpty else {
                let names = withoutAction.map { "“\($0)”" }.joined(separator: ", ")
                let what = withoutAction.count == 1 ? names : "\(withoutAction.count) discussed concerns (\(names))"
                return [.ask(Question(text: "Agree with no action for \(what)? y = yes, any other key = no", shortening: names, at: .middle,
                                      yes: [.proceed(ReviewScreen.agree)], no: Said("Not agreed: add actions on step 4 (Ctrl-P), or agree again"),
                                      yesHint: "agree anyway", noHint: "not yet"))]
            }
            openAgreeForm(a, s)
        case .text("v"), .text("V"):
            guard a.status != .discarded else {
                s.say("A discarded assessment cannot become a plan: start a new assessment (N on the patient's record)", .error)
                return []
            }
            guard a.isLocked else { s.say("This plan is still a draft: change it directly", .error); return [] }
            if s.refuses(.agreePlan) { return [] }
            return [.newVersion(of: a.id)]
        case .text("i"), .text("I"):
            guard a.status != .discarded else { s.say("This assessment was discarded: give information from the patient's record (I)", .error); return [] }
            if s.refuses(.recordActions, doing: Permission.givingInformation) { return [] }
            informing = InformationPicker(source: .assessment(a.id), sourceName: "the care plan")
        case .text("p"), .text("P"): return [.go(.effect(.export(assessmentId: a.id, format: "pdf")))]
        case .text("t"), .text("T"): return [.go(.effect(.export(assessmentId: a.id, format: "text")))]
        case .text("f"), .text("F"): return [.go(.effect(.export(assessmentId: a.id, format: "fhir")))]
        case .text("l"), .text("L"): return [.go(.effect(.print(assessmentId: a.id)))]
        default: break
        }
        return []
    }

    /// The step a question about agreeing holds back: opening the agree form.
    static let agree = "agree"

    mutating func openAgreeForm(_ a: Assessment, _ s: Session) {
        agreeing = Form([
            .init("review", s.words(.agreeReview), text: (a.reviewDate ?? s.today.adding(days: s.policy.reviewAfterDays)).display,
                  suggested: a.reviewDate == nil, maxLength: 20,
                  note: s.words(.agreeReviewNote)),
        ])
    }

    /// Who agrees the plan: the signed-in person, by their full name, and their role's COSD staff role.
    static func agreer(_ s: Session) -> (name: String, role: StaffRole)? {
        guard let staff = s.staff, let role = s.role?.staffRole else { return nil }
        return (staff.fullName, role)
    }

    /// Why a plan cannot be agreed yet, or nil.
    static func readiness(_ a: Assessment) -> String? {
        if a.concerns.contains(where: { $0.score == nil }) { return "Some concerns are not rated yet: rate them on the checklist first" }
        return nil
    }

    mutating func handleAgree(_ key: Key, _ s: Session) -> [Command] {
        guard var form = agreeing else { return [] }
        if key == .escape { agreeing = nil; s.say("Not agreed"); return [] }
        let event = form.handle(key)
        agreeing = form
        guard event == .submit || event == .left(field: 0) else { return [] }
        var review: LocalDate?
        switch LocalDate.parse(form.text("review")) {
        case .failure(let p): form.setProblem("review", p.description)
        case .success(let d): if d <= s.today { form.setProblem("review", "The review date should be after today") } else { review = d }
        }
        agreeing = form
        guard event == .submit else { return [] }
        guard let review else { s.say("Not agreed yet: correct the field marked with !", .error); return [] }
        guard let by = ReviewScreen.agreer(s) else { _ = s.refuses(.agreePlan); return [] }
        return [.apply(.agree(by: by.name, role: by.role, at: s.careNow, reviewDate: review))]
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        guard let a = s.assessment, let p = s.patient else { return }
        if let picker = informing { return picker.render(into: &g, area, s) }
        if let form = agreeing {
            g.put(" Agree the plan with the patient", x: area.x, y: area.y, style: Style(.heading, bold: true))
            form.render(into: &g, Area(x: area.x + 1, y: area.y + 2, width: area.width - 2, height: 2))
            if let by = ReviewScreen.agreer(s) {
                let labelW = min(20, max(8, (area.width - 2) / 3))
                g.put(DisplayWidth.truncate(s.words(.agreeBy), to: labelW - 1), x: area.x + 1, y: area.y + 4)
                g.put(DisplayWidth.truncate("\(by.name), \(s.role?.name ?? "")", to: area.width - labelW - 2), x: area.x + 1 + labelW, y: area.y + 4, style: Style(.heading))
                g.put(DisplayWidth.truncate(s.words(.agreeByNote), to: area.width - labelW - 2), x: area.x + 1 + labelW, y: area.y + 5, style: Style(.dim))
                g.put(DisplayWidth.truncate(s.words(.agreeRole), to: labelW - 1), x: area.x + 1, y: area.y + 6)
                g.put(DisplayWidth.truncate(s.codes.label(by.role), to: area.width - labelW - 2), x: area.x + 1 + labelW, y: area.y + 6, style: Style(.heading))
                g.put(DisplayWidth.truncate(s.words(.agreeRoleNote), to: area.width - labelW - 2), x: area.x + 1 + labelW, y: area.y + 7, style: Style(.dim))
            }
            return
        }
        let lines = ReviewScreen.lines(a, p, s, given: given, width: area.width - 2)
        // The last row says where in the plan we are when it does not fit.
        let height = lines.count > area.height ? area.height - 1 : area.height
        let first = min(scroll, max(0, lines.count - height))
        for (i, line) in lines.dropFirst(first).prefix(height).enumerated() {
            g.put(line.text, x: area.x + 1, y: area.y + i, style: line.style, maxWidth: area.width - 2)
        }
        if lines.count > height {
            let more = first + height < lines.count ? " · PgDn for more" : " · end of plan"
            g.put(" lines \(first + 1)-\(min(lines.count, first + height)) of \(lines.count)" + more, x: area.x, y: area.bottom - 1,
                  style: Style(.dim), maxWidth: area.width)
        }
    }

    /// The plan as styled lines at a width: the printed plan itself (`PlanDocument`: the sections the text and
    /// PDF exports walk, in their order), with what only the nurse needs here around it.
    static func lines(_ a: Assessment, _ p: Patient, _ s: Session, given: [InformationGiven], width: Int) -> [(text: String, style: Style)] {
        let doc = PlanDocument(assessment: a, patient: p, catalogue: s.catalogue, services: s.services, codes: s.codes, policy: s.policy,
                               informationGiven: given)
        var out: [(text: String, style: Style)] = []
        let w = max(10, width)
        func para(_ t: String, _ style: Style = .normal) {
            for l in TextWrap.wrap(t, width: w) { out.append((l, style)) }
        }
        out.append(("\(doc.title) · \(doc.statusLine) · version \(a.version)", Style(a.isLocked ? .success : .warning, bold: true)))
        // The patient's message from the kiosk is for the conversation, not part of the plan.
        if !a.patientMessage.isEmpty {
            out.append(("", .normal))
            para("In the patient's own words, before you talked: " + a.patientMessage, Style(.dim))
        }
        func table(_ t: Table) {
            let laid = TextWrap.columns([t.columns.map(\.title)] + t.rows, weights: t.columns.map(\.weight),
                                        rightAligned: t.columns.map { $0.align == .right }, width: w)
            out += laid.rows[0].map { ($0, Style(.dim)) } + laid.rows.dropFirst().flatMap { $0 }.map { ($0, Style.normal) }
        }
        for section in doc.sections {
            out.append(("", .normal))
            out.append((section.title.uppercased(), Style(.heading, bold: true)))
            for block in section.blocks {
                switch block {
                case .fields(let fields):
                    // The value wraps under itself, not under the label.
                    let labelWidth = min(w / 2, (fields.map { DisplayWidth.of($0.label) }.max() ?? 0) + 2)
                    for f in fields {
                        for (i, l) in TextWrap.wrap(f.value, width: max(1, w - labelWidth)).enumerated() {
                            out.append(((i == 0 ? DisplayWidth.pad(f.label, to: labelWidth) : String(repeating: " ", count: labelWidth)) + l, .normal))
                        }
                    }
                case .subheading(let t):
                    out.append(("", .normal))
                    para(t, Style(.marked, bold: true))
                case .paragraph(let t): para(t)
                case .remark(let t): para(t, Style(.dim))
                case .table(let t): table(t)
                // A printed chart's figures (the plan's own sections hold none today).
                case .chart(let c): para(c.title, Style(.marked, bold: true)); table(c.figures)
                case .trend(let t): t.figures.forEach(table)
                }
            }
        }
        if !a.isLocked {
            out.append(("", .normal))
            para("Not yet agreed: press A when the patient and you agree this plan.", Style(.warning))
        }
        return out
    }

    func keys(_ s: Session) -> [KeyHint] {
        if agreeing != nil { return [KeyHint("Tab/↑↓", "field"), KeyHint("^S", "agree"), KeyHint("Esc", "cancel")] }
        if let picker = informing { return picker.keys(s) }
        let exports = [KeyHint("↑↓", "scroll"), KeyHint("P", "PDF", needs: .export), KeyHint("T", "text", needs: .export),
                       KeyHint("F", "FHIR", needs: .export), KeyHint("L", "print", needs: .export),
                       KeyHint("I", "info", needs: .recordActions)]
        if let a = s.assessment, a.isLocked {
            return a.status == .discarded ? exports : exports + [KeyHint("V", "new version", needs: .agreePlan)]  // never a plan: no version of it
        }
        return [KeyHint("↑↓", "scroll"), KeyHint("A", "agree", needs: .agreePlan)] + exports.dropFirst()
    }
}
