import CareplanCore
import Foundation
import TermUI

/// What the sign-in, the lock and a password change share: the wait the store imposes after wrong passwords,
/// counted down on the screen with the ticks, and what the last try came to.
struct PasswordTries: Equatable {
    /// No try is sent before this.
    var waitUntil: Date?
    var problem: String?
    /// What a wrong try says: the lock has no user name to be wrong.
    var wrong = "Not accepted: the user name or the password is wrong"
    static let waitSaid = "Too many wrong passwords: wait "

    func secondsLeft(_ s: Session) -> Int? {
        guard let until = waitUntil, until > s.now else { return nil }
        return Int(until.timeIntervalSince(s.now).rounded(.up))
    }

    /// True when a try may go now; else says how long is left.
    func mayTry(_ s: Session) -> Bool {
        guard let left = secondsLeft(s) else { return true }
        s.say(Self.waitSaid + "\(left) s, then try again", .error)
        return false
    }

    /// A try that was not accepted, in words that do not say whether the name exists.
    mutating func refused(_ result: SignInResult, _ s: Session) {
        switch result {
        case .notAccepted(let wait):
            problem = wrong
            waitUntil = wait.map { s.now.addingTimeInterval($0) }
        case .waiting(let seconds):
            problem = Self.waitProblem
            waitUntil = s.now.addingTimeInterval(seconds)
        case .disabled:
            problem = "This account is disabled: ask an administrator"
        case .signedIn, .mustChangePassword:
            problem = nil
        }
    }

    /// Time passing: once the wait is over, what said to wait goes (a stale "wait 30 s" would mislead).
    mutating func tick(_ s: Session) {
        guard let until = waitUntil, until <= s.now else { return }
        waitUntil = nil
        if problem == Self.waitProblem { problem = nil }
        if s.message?.text.hasPrefix(Self.waitSaid) == true { s.message = nil }
    }
    static let waitProblem = "Too many wrong passwords on this account or terminal"

    /// Under the form: what the last try came to, and the wait counting down.
    func render(into g: inout Grid, x: Int, y: Int, width: Int, _ s: Session) {
        var y = y
        if let problem { g.put(DisplayWidth.truncate("! " + problem, to: width), x: x, y: y, style: Style(.error)); y += 1 }
        if let left = secondsLeft(s) {
            g.put(DisplayWidth.truncate("Wait \(left) s before the next try", to: width), x: x, y: y, style: Style(.warning, bold: true))
        }
    }
}

/// The password rules' minimum, for the note under a new password.
extension Session {
    var passwordNote: String { words(.staffPasswordNote, ["length": String(configuration.policy.passwords.minimumLength)]) }
}

extension Form {
    /// A new password typed twice: what is wrong with it, on the field (both emptied), or the password.
    static func newPassword(_ form: inout Form, _ id: String, again: String, userName: String, fullName: String, _ s: Session) -> NewPassword? {
        let typed = form.text(id)
        switch NewPassword.checked(typed, userName: userName, fullName: fullName, rules: s.configuration.policy.passwords) {
        case .failure(let p):
            form.setProblem(id, p.message)
            form.clear(id); form.clear(again)
            return nil
        case .success(let password):
            guard form.text(again) == typed else {
                form.setProblem(again, "The two passwords differ: type both again")
                form.clear(id); form.clear(again)
                return nil
            }
            return password
        }
    }
}

/// The start of a clinician's flow: the user name and password (masked). On a store with no administrator
/// it leads to creating the first one; a store that trusts this operating-system account signs its user in.
struct SignInScreen: Screen {
    let kind = ScreenKind.signIn
    var form: Form
    var tries = PasswordTries()
    var takesText: Bool { true }

    init(_ s: Session) {
        form = Form([
            .init("name", s.words(.staffUserName), maxLength: 32),
            .init("password", s.words(.staffPassword), maxLength: 128, masked: true),
        ])
    }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        // Signed in already (a test's fixture user, or back here after a change): straight on.
        case .opened: return s.staff != nil ? [.exit("signed-in")] : [.checkSignIn]
        case .answer(.firstAdministratorNeeded): return [.exit("first-run")]
        case .answer(.signIn(.signedIn(let user))):
            s.say("Signed in as \(user.fullName) (\(s.role?.name ?? user.roleId))", .success)
            return [.exit("signed-in")]
        case .answer(.signIn(.mustChangePassword)):
            return [.exit("change-password")]
        case .answer(.signIn(let refused)):
            tries.refused(refused, s)
            form.focus = 1
        case .key(let key): return handle(key, s)
        case .tick:
            tries.tick(s)
        case .leaving, .answer, .proceed, .answeredTooSoon: break
        }
        return []
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        switch key {
        case .escape:
            form.clear("password")
            s.say("Type your user name and password, then Enter (Ctrl-Q quits)")
            return []
        default: break
        }
        let event = form.handle(key)
        guard event == .submit else {
            if event == .notHandled { s.say("Type your user name and password, then Enter (Ctrl-Q quits)", .error) }
            if case .text = key { tries.problem = nil }
            return []
        }
        let name = StaffUser.normalised(form.text("name"))
        form.setProblem("name", name.isEmpty ? "Type your user name" : nil)
        form.setProblem("password", form.text("password").isEmpty ? "Type your password" : nil)
        if form.hasProblems { form.focus = name.isEmpty ? 0 : 1; return [] }
        guard tries.mayTry(s) else { return [] }
        let password = form.text("password")
        form.clear("password")
        return [.signIn(userName: name, password: password)]
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let x = area.x + 2, w = area.width - 4
        let y = Draw.paragraph(&g, s.words(.signInPrompt), x: x, y: area.y + 1, width: w, maxY: area.bottom)
        form.render(into: &g, Area(x: x, y: y + 1, width: w, height: 4))
        tries.render(into: &g, x: x, y: y + 6, width: w, s)
    }

    func keys(_ s: Session) -> [KeyHint] { [KeyHint("Tab/↑↓", "field"), KeyHint("Enter", "sign in")] }
}

/// A store with no administrator: nobody may use it until the first one is created, here.
struct FirstAdministratorScreen: Screen {
    let kind = ScreenKind.firstAdministrator
    var form: Form
    var takesText: Bool { true }
    var hasUnsavedInput: Bool { form.dirty }

    init(_ s: Session) {
        form = Form([
            .init("name", s.words(.staffUserName), maxLength: 32, note: s.words(.staffUserNameNote)),
            .init("full", s.words(.staffFullName), maxLength: Limits.personName, note: s.words(.staffFullNameNote)),
            .init("password", s.words(.staffPassword), maxLength: 128, note: s.passwordNote, masked: true),
            .init("again", s.words(.staffAgain), maxLength: 128, note: s.words(.staffAgainNote), masked: true),
        ])
    }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .answer(.staffSaved):
            form.dirty = false
            s.say("Administrator \(StaffUser.normalised(form.text("name"))) created: sign in with the password just chosen", .success)
            return [.exit("done")]
        case .key(.escape):
            s.say("Nobody can use careplan until its first administrator is created (Ctrl-Q quits)", .error)
        case .key(let key):
            switch form.handle(key) {
            case .submit: return create(s)
            case .notHandled: s.say("Fill in the fields (Tab moves), then Ctrl-S", .error)
            default: break
            }
        case .opened, .tick, .leaving, .answer, .proceed, .answeredTooSoon: break
        }
        return []
    }

    mutating func create(_ s: Session) -> [Command] {
        let name = StaffUser.normalised(form.text("name"))
        let full = TextCleaner.field(form.text("full"), maxLength: Limits.personName)
        form.setProblem("name", StaffUser.userNameProblem(name).map { $0.prefix(1).uppercased() + $0.dropFirst() })
        form.setProblem("full", full.isEmpty ? "Type the person's full name" : nil)
        let password = form.hasProblems ? nil : Form.newPassword(&form, "password", again: "again", userName: name, fullName: full, s)
        guard let password else {
            form.focus = form.fields.firstIndex { $0.problem != nil } ?? 0
            s.say("Not created yet: correct the field marked with !", .error)
            return []
        }
        form.clear("password"); form.clear("again")
        return [.addFirstAdministrator(NewStaffUser(userName: name, fullName: full, roleId: UserRole.administratorId), password)]
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let x = area.x + 2, w = area.width - 4
        let y = Draw.paragraph(&g, s.words(.firstRunPrompt), x: x, y: area.y + 1, width: w, maxY: area.bottom)
        form.render(into: &g, Area(x: x, y: y + 1, width: w, height: area.bottom - y - 1))
    }

    func keys(_ s: Session) -> [KeyHint] { [KeyHint("Tab/↑↓", "field"), KeyHint("^S", "create")] }
}

/// After an administrator's reset: the user chooses a new password before anything else.
struct ChangePasswordScreen: Screen {
    let kind = ScreenKind.changePassword
    var form: Form
    let userName: String
    let fullName: String
    var tries = PasswordTries()
    var takesText: Bool { true }

    init(_ s: Session) {
        userName = s.changingPassword?.userName ?? ""
        fullName = s.changingPassword?.fullName ?? ""
        form = Form([
            .init("current", s.words(.staffCurrent), maxLength: 128, masked: true),
            .init("password", s.words(.staffNewPassword), maxLength: 128, note: s.passwordNote, masked: true),
            .init("again", s.words(.staffAgain), maxLength: 128, note: s.words(.staffAgainNote), masked: true),
        ])
    }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .answer(.signIn(.signedIn(let user))):
            s.say("Password changed. Signed in as \(user.fullName) (\(s.role?.name ?? user.roleId))", .success)
            return [.exit("done")]
        case .answer(.signIn(let refused)):
            tries.refused(refused, s)
        case .answer(.failed):
            form.focus = 0
        case .key(.escape):
            s.changingPassword = nil
            return [.go(.back)]
        case .key(let key):
            switch form.handle(key) {
            case .submit: return change(s)
            case .notHandled: s.say("Type the passwords (Tab moves), then Ctrl-S; Esc goes back to the sign-in", .error)
            default: break
            }
        case .tick:
            tries.tick(s)
        case .opened, .leaving, .answer, .proceed, .answeredTooSoon: break
        }
        return []
    }

    mutating func change(_ s: Session) -> [Command] {
        form.setProblem("current", form.text("current").isEmpty ? "Type the password you signed in with" : nil)
        let password = form.hasProblems ? nil : Form.newPassword(&form, "password", again: "again", userName: userName, fullName: fullName, s)
        guard let password, tries.mayTry(s) else {
            form.focus = form.fields.firstIndex { $0.problem != nil } ?? form.focus
            return []
        }
        let current = form.text("current")
        for id in ["current", "password", "again"] { form.clear(id) }
        form.focus = 0
        return [.changePassword(userName: userName, current: current, to: password)]
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let x = area.x + 2, w = area.width - 4
        let y = Draw.paragraph(&g, s.words(.mustChangePrompt), x: x, y: area.y + 1, width: w, maxY: area.bottom)
        form.render(into: &g, Area(x: x, y: y + 1, width: w, height: 6))
        tries.render(into: &g, x: x, y: y + 8, width: w, s)
    }

    func keys(_ s: Session) -> [KeyHint] { [KeyHint("Tab/↑↓", "field"), KeyHint("^S", "change"), KeyHint("Esc", "sign in again")] }
}

/// Over whatever the user had open, with nothing of it drawn: their password carries on exactly there;
/// F2 signs them out (their work is saved) for someone else.
struct LockScreen: Screen {
    let kind = ScreenKind.lock
    var password = TextField("", maxLength: 128)
    var tries = PasswordTries(wrong: "Not accepted: the password is not right")
    var takesText: Bool { true }

    init(_ s: Session) {}

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .answer(.signIn(.signedIn)):
            return [.go(.resume)]
        case .answer(.signIn(let refused)):
            tries.refused(refused, s)
        case .key(.function(2)):
            return [.go(.signOut)]
        case .key(.enter):
            guard !password.isEmpty else { s.say("Type your password, then Enter", .error); return [] }
            guard tries.mayTry(s) else { return [] }
            let typed = password.text
            password = TextField("", maxLength: 128)
            return [.unlock(password: typed)]
        case .key(.escape):
            password = TextField("", maxLength: 128)
            s.say("Type your password to carry on, or F2 to switch user", .error)
        case .key(let key):
            if password.handle(key) == .notHandled { s.say("Type your password to carry on, or F2 to switch user", .error) }
            else { tries.problem = nil }
        case .tick:
            tries.tick(s)
        case .opened, .leaving, .answer, .proceed, .answeredTooSoon: break
        }
        return []
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let x = area.x + 2, w = area.width - 4
        let name = s.staff.map { "\($0.fullName) (\($0.userName))" } ?? ""
        var y = Draw.paragraph(&g, s.words(.lockedPrompt, ["name": name]), x: x, y: area.y + 1, width: w, maxY: area.bottom) + 1
        let label = s.words(.staffPassword) + " "
        g.put(label, x: x, y: y, style: Style(.heading, bold: true))
        password.masked.render(into: &g, x: x + DisplayWidth.of(label), y: y, width: min(40, w - DisplayWidth.of(label)), focused: true)
        y += 2
        tries.render(into: &g, x: x, y: y, width: w, s)
    }

    func keys(_ s: Session) -> [KeyHint] { [KeyHint("Enter", "unlock"), KeyHint("F2", "switch user")] }
}
