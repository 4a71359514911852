import CareplanCore
import TermUI

/// Agreed actions for each concern discussed: what, who, by when, and optionally a service to signpost to.
struct ActionsScreen: Screen {
    let kind = ScreenKind.agreedActions
    var concernIndex = 0
    var actionIndex = 0
    /// The action being added or edited, and its form.
    var editing: (action: AgreedAction, form: Form)?
    var services: [ServiceDirectory.Service] = []
    /// Esc pressed once on a changed action form: a second Esc discards it.
    var escapedOnce = false

    init(_ s: Session) {}

    var takesText: Bool { editing?.form.takesText ?? false }
    var inSubForm: Bool { editing != nil }
    var hasUnsavedInput: Bool { editing?.form.dirty ?? false }

    func concerns(_ s: Session) -> [ConcernEntry] { s.assessment?.discussedConcerns ?? [] }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .key(let key): return handle(key, s)
        case .answer(.saved(.saveAction)):
            editing = nil
            if s.message == nil { s.say("Action saved", .success) }  // else: saved beside another terminal's, as it says
        default: break
        }
        return []
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        guard let a = s.assessment else { return [.go(.back)] }
        if editing != nil { return handleForm(key, s) }
        let list = concerns(s)
        guard list.indices.contains(concernIndex) else {
            return key == .escape ? [.go(.back)] : []
        }
        let actions = a.actions(for: list[concernIndex].key)
        switch key {
        case .up: concernIndex = max(0, concernIndex - 1); actionIndex = 0
        case .down: concernIndex = min(list.count - 1, concernIndex + 1); actionIndex = 0
        case .left: actionIndex = max(0, actionIndex - 1)
        case .right, .tab: actionIndex = min(max(0, actions.count - 1), actionIndex + 1)
        case .escape: return [.go(.back)]
        case .text("a"), .text("A"):
            guard !a.isLocked else { s.say(StoreError.locked.description, .error); return [] }
            if s.refuses(.recordActions) { return [] }
            startEditing(AgreedAction(concernKey: list[concernIndex].key, what: "", owner: .patient), s)
        case .enter:
            guard !a.isLocked else { s.say(StoreError.locked.description, .error); return [] }
            if s.refuses(.recordActions) { return [] }
            if actions.indices.contains(actionIndex) { startEditing(actions[actionIndex], s) }
            else { startEditing(AgreedAction(concernKey: list[concernIndex].key, what: "", owner: .patient), s) }
        case .delete, .backspace:
            guard !a.isLocked else { s.say(StoreError.locked.description, .error); return [] }
            if s.refuses(.recordActions) { return [] }
            guard actions.indices.contains(actionIndex), let id = actions[actionIndex].id else { return [] }
            // A long action is shortened in the question, never its answer keys.
            let what = actions[actionIndex].what
            return [.ask(Question(text: "Remove the action “\(what)”? y = remove, any other key = keep", shortening: what,
                                  yes: [.apply(.deleteAction(id: id), saying: Said("Action removed", .success))], no: Said("Kept"),
                                  yesHint: "remove", noHint: "keep"))]
        default: break
        }
        return []
    }

    mutating func startEditing(_ action: AgreedAction, _ s: Session) {
        guard let concern = s.assessment?.concern(action.concernKey) else { return }
        let catalogueItem = s.catalogue.item(concern.key)
        services = s.services.ranked(forItem: concern.key, category: catalogueItem?.category.id ?? concern.categoryId)
        let serviceIndex = action.serviceId.flatMap { id in services.firstIndex { $0.id == id }.map { $0 + 1 } } ?? 0
        let form = Form([
            .init("what", s.words(.actionWhat), text: action.what, maxLength: Limits.actionText, note: s.words(.actionWhatNote)),
            .init("owner", s.words(.actionOwner), options: s.codes.labels(ActionOwner.self),
                  index: s.codes.cases(ActionOwner.self).firstIndex(of: action.owner) ?? 0, note: s.words(.actionOwnerNote)),
            .init("name", s.words(.actionName), text: action.ownerName, maxLength: Limits.personName, note: s.words(.actionNameNote)),
            .init("due", s.words(.actionDue), text: action.due?.display ?? "", maxLength: 20, note: s.words(.actionDueNote)),
            .init("service", s.words(.actionService), options: [s.words(.actionNoService)] + services.map(\.name), index: serviceIndex,
                  note: s.words(.actionServiceNote)),
        ])
        editing = (action, form)
    }

    mutating func handleForm(_ key: Key, _ s: Session) -> [Command] {
        guard var (action, form) = editing else { return [] }
        if key == .escape {
            if form.dirty && !escapedOnce {
                // Leaving a changed form needs a second Esc, so nothing typed is lost by one stray key.
                escapedOnce = true
                s.say("Esc again discards this action; any other key carries on", .error)
                return []
            }
            editing = nil
            escapedOnce = false
            return []
        }
        escapedOnce = false
        let event = form.handle(key)
        editing = (action, form)
        switch event {
        case .left(let i): _ = validate(form.fields[i].id, s)
        case .submit:
            var ok = true
            for f in form.fields where !validate(f.id, s) { ok = false }
            guard ok, let checked = editing?.form else {
                if var f = editing?.form, let bad = f.fields.firstIndex(where: { $0.problem != nil }) { f.focus = bad; editing?.form = f }
                s.say("Not saved yet: correct the field marked with !", .error)
                return []
            }
            form = checked
            // Based on the action as it was when the form opened: another terminal's edit since is kept.
            let base = AnswerValue.action(action.id == nil ? nil : action)
            action.what = TextCleaner.field(form.text("what"), maxLength: Limits.actionText)
            action.owner = s.codes.cases(ActionOwner.self)[form.index("owner")]
            action.ownerName = TextCleaner.field(form.text("name"), maxLength: Limits.personName)
            action.due = try? LocalDate.parse(form.text("due")).get()
            let si = form.index("service")
            action.serviceId = si == 0 ? nil : services[si - 1].id
            return [.apply(.saveAction(action), basedOn: base)]
        default: break
        }
        return []
    }

    /// Checks one field of the action form, setting its problem.
    mutating func validate(_ id: String, _ s: Session) -> Bool {
        guard var form = editing?.form else { return true }
        var problem: String?
        let text = TextCleaner.singleLine(form.text(id)).trimmingSpaces()
        switch id {
        case "what": if text.isEmpty { problem = "Say what will be done" }
        case "name":
            if s.codes.cases(ActionOwner.self)[form.index("owner")] == .other && text.isEmpty { problem = "Name the person (or team) who will do it" }
        case "due":
            switch LocalDate.parse(text) {
            case .failure(let p): problem = p == .empty ? "Give a date by when it will be done" : p.description
            case .success(let d):
                if let a = s.assessment, d < a.date { problem = "This is before the assessment (\(a.date.display))" }
                else if d.year > s.today.year + 5 { problem = "More than five years ahead: check the year" }
            }
        default: break
        }
        form.setProblem(id, problem)
        editing?.form = form
        return problem == nil
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        guard let a = s.assessment else { return }
        let list = concerns(s)
        if list.isEmpty {
            Draw.paragraph(&g, "No concerns are marked to discuss. Mark them on Prioritise (Ctrl-P twice), then agree actions here.",
                           x: area.x + 1, y: area.y + 1, width: area.width - 2, maxY: area.bottom)
            return
        }
        let listW = min(28, max(12, area.width / 3))
        for (i, c) in list.enumerated().prefix(area.height) {
            let n = a.actions(for: c.key).count
            let count = n == 0 ? "  " : "\(n) "
            Draw.row(&g, count + c.label, x: area.x, y: area.y + i, width: listW, selected: i == concernIndex && editing == nil,
                     style: i == concernIndex ? Style(.marked, bold: true) : .normal)
        }
        for row in area.y..<area.bottom { g.put("│", x: area.x + listW, y: row, style: Style(.dim)) }
        let right = Area(x: area.x + listW + 2, y: area.y, width: area.width - listW - 3, height: area.height)
        let concern = list[min(concernIndex, list.count - 1)]
        g.put(DisplayWidth.truncate(concern.label, to: right.width), x: right.x, y: right.y, style: Style(.heading, bold: true))
        if let (action, form) = editing {
            g.put(action.id == nil ? "New action" : "Change action", x: right.x, y: right.y + 1, style: Style(.dim))
            form.render(into: &g, Area(x: right.x, y: right.y + 2, width: right.width, height: right.height - 2), labelWidth: 10)
            return
        }
        let actions = a.actions(for: concern.key)
        if actions.isEmpty {
            Draw.paragraph(&g, "No actions yet. Press A to agree one: who does what by when.", x: right.x, y: right.y + 2,
                           width: right.width, maxY: right.bottom, style: Style(.dim))
            return
        }
        var y = right.y + 2
        for (i, act) in actions.enumerated() {
            guard y < right.bottom else { break }
            let sel = i == actionIndex
            let lines = TextWrap.wrap("• " + act.what, width: right.width)
            for line in lines.prefix(3) where y < right.bottom {
                Draw.row(&g, line, x: right.x, y: y, width: right.width, selected: sel)
                y += 1
            }
            if y < right.bottom {
                g.put(DisplayWidth.truncate("  " + s.codes.ownerDescription(act) + " · by " + (act.due?.display ?? "no date"), to: right.width),
                      x: right.x, y: y, style: Style(.dim))
                y += 1
            }
            if let name = s.serviceName(act.serviceId), y < right.bottom {
                g.put(DisplayWidth.truncate("  Service: " + name, to: right.width), x: right.x, y: y, style: Style(.dim))
                y += 1
            }
            y += 1
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        if editing != nil { return [KeyHint("Tab/↑↓", "field"), KeyHint("←→", "choose"), KeyHint("^S", "save"), KeyHint("Esc", "cancel")] }
        return [KeyHint("↑↓", "concern"), KeyHint("←→", "action"), KeyHint("A", "add", needs: .recordActions),
                KeyHint("Enter", "edit", needs: .recordActions), KeyHint("Del", "remove", needs: .recordActions)]
    }
}
