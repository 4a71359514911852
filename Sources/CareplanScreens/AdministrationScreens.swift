import CareplanCore
import Foundation
import TermUI

/// A list of names with a tick each, chosen with Space: a user's teams, a team's members.
struct TickList: Equatable {
    var names: [String]
    var ticked: Set<Int>
    var selected = 0

    mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, names.count - 1), selected + 1)
        case .text(" "):
            guard names.indices.contains(selected) else { return true }
            if ticked.contains(selected) { ticked.remove(selected) } else { ticked.insert(selected) }
        default: return false
        }
        return true
    }

    func render(into g: inout Grid, _ area: Area, heading: String) {
        g.put(heading, x: area.x, y: area.y, style: Style(.heading, bold: true), maxWidth: area.width)
        let height = area.height - 2
        let first = ScrollWindow.firstVisible(selected: selected, count: names.count, height: height, previousFirst: 0)
        for (row, i) in (first..<min(names.count, first + height)).enumerated() {
            Draw.row(&g, (ticked.contains(i) ? "[x] " : "[ ] ") + names[i], x: area.x, y: area.y + 2 + row, width: area.width, selected: i == selected)
        }
        if names.isEmpty { g.put("(none yet)", x: area.x, y: area.y + 2, style: Style(.dim)) }
    }

    static let hints = [KeyHint("↑↓", "choose"), KeyHint("Space", "tick"), KeyHint("^S", "save"), KeyHint("Esc", "cancel")]

    /// What an administration screen draws while something is being edited: a form under its heading, or a list.
    static func renderEditing(_ g: inout Grid, _ area: Area, heading: String, form: Form?, list: TickList?) {
        let x = area.x + 1, w = area.width - 2
        if let list { return list.render(into: &g, Area(x: x, y: area.y, width: w, height: area.height), heading: heading) }
        g.put(DisplayWidth.truncate(heading, to: w), x: x, y: area.y, style: Style(.heading, bold: true))
        form?.render(into: &g, Area(x: x, y: area.y + 1, width: w, height: area.height - 1))
    }
}

/// Administrators only: every user, and adding, disabling or enabling, resetting a password, the role and
/// the teams. Every change goes to the store, which checks and audits it.
struct UsersScreen: Screen {
    enum Editing: Equatable {
        case add(Form)
        case resetPassword(Form, userName: String)
        case role(Form, userName: String)
        case teams(TickList, userName: String)

        var form: Form? {
            switch self {
            case .add(let f), .resetPassword(let f, _), .role(let f, _): return f
            case .teams: return nil
            }
        }
        var list: TickList? { if case .teams(let l, _) = self { return l }; return nil }
        var heading: String {
            switch self {
            case .add: return "Add a user"
            case .resetPassword(_, let name): return "New password for \(name)"
            case .role(_, let name): return "Role of \(name)"
            case .teams(_, let name): return "Teams of \(name)"
            }
        }
    }

    let kind = ScreenKind.users
    var users: [StaffUser] = []
    var selected = 0
    var editing: Editing?
    var takesText: Bool { editing?.form?.takesText ?? false }
    var inSubForm: Bool { editing != nil }
    var hasUnsavedInput: Bool { editing?.form?.dirty ?? false }

    init(_ s: Session) {}

    var chosen: StaffUser? { users.indices.contains(selected) ? users[selected] : nil }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .opened: return [.query(.teams), .query(.users)]
        case .answer(.users(let all)):
            users = all
            selected = min(selected, max(0, users.count - 1))
        case .answer(.teams(let all)): s.teams = all
        case .answer(.staffSaved):
            editing = nil
            s.say("Saved (and recorded in the audit trail)", .success)
            return [.query(.users)]
        case .key(let key): return editing == nil ? handleList(key, s) : handleEditing(key, s)
        case .tick, .leaving, .answer, .proceed, .answeredTooSoon: break
        }
        return []
    }

    mutating func handleList(_ key: Key, _ s: Session) -> [Command] {
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, users.count - 1), selected + 1)
        case .escape: return [.go(.back)]
        case .function(3): return [.exit("teams")]
        case .text("a"), .text("A"):
            editing = .add(Form([
                .init("name", s.words(.staffUserName), maxLength: 32, note: s.words(.staffUserNameNote)),
                .init("full", s.words(.staffFullName), maxLength: Limits.personName, note: s.words(.staffFullNameNote)),
                .init("role", s.words(.staffRole), options: s.configuration.roles.roles.map(\.name),
                      index: s.configuration.roles.roles.firstIndex { $0.id == "nurse" } ?? 0, note: "←→ to change"),
                .init("password", s.words(.staffPassword), maxLength: 128, note: s.passwordNote, masked: true),
                .init("again", s.words(.staffAgain), maxLength: 128, note: s.words(.staffAgainNote), masked: true),
            ]))
        case .text("d"), .text("D"), .text("e"), .text("E"):
            guard let u = chosen else { return none(s) }
            let disable = !u.disabled
            return [.ask(Question(text: "\(disable ? "Disable" : "Enable") \(u.userName) (\(u.fullName))? y = yes, any other key = no", shortening: u.fullName,
                                  yes: [.staff(.setDisabled(disable, userName: u.userName))], no: Said("Not changed"),
                                  yesHint: disable ? "disable" : "enable", noHint: "keep"))]
        case .text("p"), .text("P"):
            guard let u = chosen else { return none(s) }
            editing = .resetPassword(Form([
                .init("password", s.words(.staffNewPassword), maxLength: 128, note: s.passwordNote, masked: true),
                .init("again", s.words(.staffAgain), maxLength: 128, note: "they must change it when they next sign in", masked: true),
            ]), userName: u.userName)
        case .text("r"), .text("R"):
            guard let u = chosen else { return none(s) }
            let roles = s.configuration.roles.roles
            editing = .role(Form([.init("role", s.words(.staffRole), options: roles.map(\.name),
                                        index: roles.firstIndex { $0.id == u.roleId } ?? 0, note: "←→ to change")]), userName: u.userName)
        case .text("t"), .text("T"):
            guard let u = chosen else { return none(s) }
            editing = .teams(TickList(names: s.teams.map(\.name),
                                      ticked: Set(s.teams.indices.filter { u.teamIds.contains(s.teams[$0].id) })), userName: u.userName)
        default:
            s.say("Keys here: A add, D disable or enable, P reset password, R role, T teams, F3 teams list, Esc back", .error)
        }
        return []
    }

    func none(_ s: Session) -> [Command] {
        s.say("Choose a user first", .error)
        return []
    }

    mutating func handleEditing(_ key: Key, _ s: Session) -> [Command] {
        if key == .escape { editing = nil; s.say("Not changed"); return [] }
        switch editing {
        case .teams(var list, let name):
            if key == .ctrl("s") || key == .enter {
                return [.staff(.setTeams(Set(list.ticked.map { s.teams[$0].id }), userName: name))]
            }
            if !list.handle(key) { s.say("Space ticks a team; Ctrl-S saves; Esc cancels", .error) }
            editing = .teams(list, userName: name)
        case .add(var form):
            let submitted = form.handle(key) == .submit
            editing = .add(form)
            if submitted { return add(&form, s) }
        case .resetPassword(var form, let name):
            guard form.handle(key) == .submit else { editing = .resetPassword(form, userName: name); return [] }
            let user = users.first { $0.userName == name }
            let password = newPasswordTwice(&form, userName: name, fullName: user?.fullName ?? "", s)
            editing = .resetPassword(form, userName: name)
            return password.map { [.staff(.resetPassword(userName: name, $0))] } ?? []
        case .role(var form, let name):
            let submitted = form.handle(key) == .submit
            editing = .role(form, userName: name)
            if submitted { return [.staff(.setRole(s.configuration.roles.roles[form.index("role")].id, userName: name))] }
        case nil: break
        }
        return []
    }

    mutating func add(_ form: inout Form, _ s: Session) -> [Command] {
        let name = StaffUser.normalised(form.text("name"))
        let full = TextCleaner.field(form.text("full"), maxLength: Limits.personName)
        form.setProblem("name", StaffUser.userNameProblem(name).map { $0.prefix(1).uppercased() + $0.dropFirst() }
                        ?? (users.contains { $0.userName == name } ? "There is a user named \(name) already" : nil))
        form.setProblem("full", full.isEmpty ? "Type the person's full name" : nil)
        let password = form.hasProblems ? nil : newPasswordTwice(&form, userName: name, fullName: full, s)
        defer { editing = .add(form) }
        guard let password else {
            form.focus = form.fields.firstIndex { $0.problem != nil } ?? 0
            s.say("Not added yet: correct the field marked with !", .error)
            return []
        }
        let role = s.configuration.roles.roles[form.index("role")].id
        return [.staff(.addUser(NewStaffUser(userName: name, fullName: full, roleId: role), password))]
    }

    func newPasswordTwice(_ form: inout Form, userName: String, fullName: String, _ s: Session) -> NewPassword? {
        let password = Form.newPassword(&form, "password", again: "again", userName: userName, fullName: fullName, s)
        if password != nil { form.clear("password"); form.clear("again") }
        return password
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let x = area.x + 1, w = area.width - 2
        if let editing {
            TickList.renderEditing(&g, area, heading: editing.heading, form: editing.form, list: editing.list)
            return
        }
        let columns = [12, 22, 22]
        func line(_ cells: [String]) -> String {
            zip(cells, columns).map { DisplayWidth.pad(DisplayWidth.truncate($0, to: $1 - 1), to: $1) }.joined() + (cells.last ?? "")
        }
        g.put(DisplayWidth.truncate(line(["User name", "Full name", "Role", "Teams"]), to: w), x: x, y: area.y, style: Style(.heading, bold: true))
        let height = area.height - 1
        let first = ScrollWindow.firstVisible(selected: selected, count: users.count, height: height, previousFirst: 0)
        for (row, i) in (first..<min(users.count, first + height)).enumerated() {
            let u = users[i]
            let teams = s.teams.filter { u.teamIds.contains($0.id) }.map(\.name).joined(separator: ", ")
            let role = s.configuration.roles.role(of: u).name + (u.disabled ? " (disabled)" : u.mustChangePassword ? " (reset)" : "")
            Draw.row(&g, line([u.userName, u.fullName, role, teams]), x: x, y: area.y + 1 + row, width: w, selected: i == selected,
                     style: u.disabled ? Style(.dim) : .normal)
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        switch editing {
        case .teams: return TickList.hints
        case .role: return [KeyHint("←→", "change"), KeyHint("Enter", "save"), KeyHint("Esc", "cancel")]
        case .add, .resetPassword: return Form.hints
        case nil:
            return [KeyHint("A", "add"), KeyHint("D", chosen?.disabled == true ? "enable" : "disable"), KeyHint("P", "password"), KeyHint("R", "role"),
                    KeyHint("T", "teams"), KeyHint("F3", "team list", exit: "teams"), KeyHint("Esc", "back")]
        }
    }
}

/// Administrators only: the teams, adding and renaming them, and who belongs to each.
struct TeamsScreen: Screen {
    enum Editing: Equatable {
        case add(Form)
        case rename(Form, Team)
        case members(TickList, Team)

        var form: Form? {
            switch self {
            case .add(let f), .rename(let f, _): return f
            case .members: return nil
            }
        }
        var list: TickList? { if case .members(let l, _) = self { return l }; return nil }
        var heading: String {
            switch self {
            case .add: return "Add a team"
            case .rename(_, let team): return "Rename \(team.name)"
            case .members(_, let team): return "Members of \(team.name)"
            }
        }
    }

    let kind = ScreenKind.teams
    var users: [StaffUser] = []
    var selected = 0
    var editing: Editing?
    var takesText: Bool { editing?.form?.takesText ?? false }
    var inSubForm: Bool { editing != nil }

    init(_ s: Session) {}

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .opened: return [.query(.teams), .query(.users)]
        case .answer(.users(let all)): users = all
        case .answer(.teams(let all)):
            s.teams = all
            selected = min(selected, max(0, all.count - 1))
        case .answer(.staffSaved):
            editing = nil
            s.say("Saved (and recorded in the audit trail)", .success)
            return [.query(.teams), .query(.users)]
        case .key(let key): return editing == nil ? handleList(key, s) : handleEditing(key, s)
        case .tick, .leaving, .answer, .proceed, .answeredTooSoon: break
        }
        return []
    }

    mutating func handleList(_ key: Key, _ s: Session) -> [Command] {
        let chosen = s.teams.indices.contains(selected) ? s.teams[selected] : nil
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, s.teams.count - 1), selected + 1)
        case .escape: return [.go(.back)]
        case .function(3): return [.exit("users")]
        case .text("a"), .text("A"):
            editing = .add(Form([.init("name", "Team name", maxLength: Limits.personName, note: "e.g. Breast CNS team")]))
        case .text("r"), .text("R"):
            guard let team = chosen else { s.say("Add a team first (A)", .error); return [] }
            editing = .rename(Form([.init("name", "New name", text: team.name, maxLength: Limits.personName)]), team)
        case .text("m"), .text("M"):
            guard let team = chosen else { s.say("Add a team first (A)", .error); return [] }
            editing = .members(TickList(names: users.map { "\($0.userName) (\($0.fullName))" },
                                        ticked: Set(users.indices.filter { users[$0].teamIds.contains(team.id) })), team)
        default:
            s.say("Keys here: A add, R rename, M members, F3 users, Esc back", .error)
        }
        return []
    }

    mutating func handleEditing(_ key: Key, _ s: Session) -> [Command] {
        if key == .escape { editing = nil; s.say("Not changed"); return [] }
        switch editing {
        case .add(var form):
            let submitted = form.handle(key) == .submit
            editing = .add(form)
            guard submitted else { return [] }
            let name = TextCleaner.field(form.text("name"), maxLength: Limits.personName)
            guard !name.isEmpty else { form.setProblem("name", "Type the team's name"); editing = .add(form); return [] }
            return [.staff(.addTeam(name))]
        case .rename(var form, let team):
            let submitted = form.handle(key) == .submit
            editing = .rename(form, team)
            guard submitted else { return [] }
            let name = TextCleaner.field(form.text("name"), maxLength: Limits.personName)
            guard !name.isEmpty else { form.setProblem("name", "Type the team's name"); editing = .rename(form, team); return [] }
            return [.staff(.renameTeam(team.id, from: team.name, to: name))]
        case .members(var list, let team):
            if key == .ctrl("s") || key == .enter {
                // One change per user whose membership changed, each audited under the administrator.
                let changes: [Command] = users.indices.compactMap { i in
                    let u = users[i], member = list.ticked.contains(i)
                    guard member != u.teamIds.contains(team.id) else { return nil }
                    return .staff(.setTeams(member ? u.teamIds.union([team.id]) : u.teamIds.subtracting([team.id]), userName: u.userName))
                }
                if changes.isEmpty { editing = nil; s.say("Not changed"); return [] }
                return changes
            }
            if !list.handle(key) { s.say("Space ticks a member; Ctrl-S saves; Esc cancels", .error) }
            editing = .members(list, team)
        case nil: break
        }
        return []
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let x = area.x + 1, w = area.width - 2
        if let editing {
            TickList.renderEditing(&g, area, heading: editing.heading, form: editing.form, list: editing.list)
            return
        }
        g.put(DisplayWidth.truncate(DisplayWidth.pad("Team", to: 30) + "Members", to: w), x: x, y: area.y, style: Style(.heading, bold: true))
        let height = area.height - 1
        let first = ScrollWindow.firstVisible(selected: selected, count: s.teams.count, height: height, previousFirst: 0)
        for (row, i) in (first..<min(s.teams.count, first + height)).enumerated() {
            let team = s.teams[i]
            let members = users.filter { $0.teamIds.contains(team.id) }.map(\.userName).joined(separator: ", ")
            Draw.row(&g, DisplayWidth.pad(DisplayWidth.truncate(team.name, to: 29), to: 30) + members, x: x, y: area.y + 1 + row, width: w,
                     selected: i == selected)
        }
        if s.teams.isEmpty { g.put("No teams yet: A adds one.", x: x, y: area.y + 1, style: Style(.dim)) }
    }

    func keys(_ s: Session) -> [KeyHint] {
        switch editing {
        case .members: return TickList.hints
        case .add, .rename: return [KeyHint("Enter", "save"), KeyHint("Esc", "cancel")]
        case nil:
            return [KeyHint("A", "add"), KeyHint("R", "rename"), KeyHint("M", "members"), KeyHint("F3", "users", exit: "users"), KeyHint("Esc", "back")]
        }
    }
}
