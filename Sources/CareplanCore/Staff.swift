import Foundation
import Yams

/// What a role may do. Closed on purpose: the code checks these, and `Resources/roles.yaml` gives them to
/// roles by their raw value.
public enum Permission: String, CaseIterable, Sendable, Codable {
    case viewRecords = "view-records"
    case editPatients = "edit-patients"
    case completeChecklist = "complete-checklist"
    case recordActions = "record-actions"
    case agreePlan = "agree-plan"
    case signDocuments = "sign-documents"
    /// Export to a file or print: patient data leaving the store.
    case export = "export"
    case issueKioskCodes = "issue-kiosk-codes"
    /// Add, disable and change users and teams. The store checks it by role (`UserRole.administratorId`).
    case manageUsers = "manage-users"
    case viewAudit = "view-audit"
    /// Record the cancer reviews' QOF facts (invitations, answers, declines, "unsuitable", a support
    /// discussion held) and list the reviews due across the practice.
    case qof = "qof"
    /// Run reports (`careplan report`, the Reports screen): counts across the service, no patient named.
    case reports = "reports"

    /// `view records`: how messages name it.
    public var words: String { self == .reports ? "run reports" : rawValue.replacingOccurrences(of: "-", with: " ") }
}

/// A staff role from `Resources/roles.yaml`: its name, the COSD staff role it records, and what it may do.
public struct UserRole: Sendable, Hashable {
    /// The one role that manages users and teams; the first user of every store has it.
    public static let administratorId = "administrator"

    public var id: String
    public var name: String
    /// CR7950/CR7960, recorded on an assessment offered or a plan agreed by someone in this role; nil when
    /// none fits (such a role cannot agree a plan).
    public var staffRole: StaffRole?
    public var permissions: Set<Permission>

    public init(id: String, name: String, staffRole: StaffRole?, permissions: Set<Permission>) {
        self.id = id
        self.name = name
        self.staffRole = staffRole
        self.permissions = permissions
    }

    public func may(_ permission: Permission) -> Bool { permissions.contains(permission) }
}

/// The roles of `Resources/roles.yaml`, in the order the file lists them (the order they are offered in).
public struct Roles: Sendable, Equatable {
    public var roles: [UserRole]

    public init(roles: [UserRole]) { self.roles = roles }

    public func role(_ id: String) -> UserRole? { roles.first { $0.id == id } }

    /// The role of a user, or a role that may do nothing when the file no longer has it (said by its id).
    public func role(of user: StaffUser) -> UserRole {
        role(user.roleId) ?? UserRole(id: user.roleId, name: "\(user.roleId) (not in roles.yaml)", staffRole: nil, permissions: [])
    }
}

/// A person who signs in to careplan.
/// A staff member as any signed-in clinician may see them, to name who completed a document: no teams,
/// sign-in state or anything an administrator alone reads.
public struct StaffName: Hashable, Sendable {
    public var userName: String
    public var fullName: String
    /// As Resources/roles.yaml names their role.
    public var roleName: String
    public init(userName: String, fullName: String, roleName: String) {
        self.userName = userName
        self.fullName = fullName
        self.roleName = roleName
    }

    public init(_ user: StaffUser, roles: Roles) {
        self.init(userName: user.userName, fullName: user.fullName, roleName: roles.role(of: user).name)
    }
}

public struct StaffUser: Hashable, Sendable {
    public var id: Int64
    /// What they sign in with, and what the audit trail names them by: unique, lower case (`jbloggs`).
    public var userName: String
    /// `Jo Bloggs`: how screens and agreed plans name them.
    public var fullName: String
    public var roleId: String
    public var teamIds: Set<Int64>
    public var disabled: Bool
    /// Set by an administrator's reset: the next sign-in must choose a new password before anything else.
    public var mustChangePassword: Bool
    public var lastSignIn: Date?

    public init(id: Int64, userName: String, fullName: String, roleId: String, teamIds: Set<Int64> = [], disabled: Bool = false,
                mustChangePassword: Bool = false, lastSignIn: Date? = nil) {
        self.id = id
        self.userName = userName
        self.fullName = fullName
        self.roleId = roleId
        self.teamIds = teamIds
        self.disabled = disabled
        self.mustChangePassword = mustChangePassword
        self.lastSignIn = lastSignIn
    }

    public var isAdministrator: Bool { roleId == UserRole.administratorId }

    /// Like operating-system logins, so a careplan user can match the host's account: lower-case letters,
    /// digits, `.`, `_` and `-`, starting with a letter, at most 32. Typed names are lowered first.
    public static func userNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "a user name is needed" }
        if name.count > 32 { return "a user name has at most 32 characters" }
        guard name.first!.isASCII && name.first!.isLetter else { return "a user name starts with a letter" }
        let ok = name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "." || $0 == "_" || $0 == "-" }
        return ok ? nil : "a user name has only lower-case letters, digits, `.`, `_` and `-`"
    }

    /// The name as typed, in the form the store keeps it.
    public static func normalised(_ typed: String) -> String { typed.trimmingCharacters(in: .whitespaces).lowercased() }
}

/// What an administrator gives when adding a user.
public struct NewStaffUser: Sendable, Equatable {
    public var userName: String
    public var fullName: String
    public var roleId: String
    public var teamIds: Set<Int64>

    public init(userName: String, fullName: String, roleId: String, teamIds: Set<Int64> = []) {
        self.userName = StaffUser.normalised(userName)
        self.fullName = fullName
        self.roleId = roleId
        self.teamIds = teamIds
    }
}

/// A team (`Breast CNS team`): users belong to any number; each patient has at most one responsible team.
public struct Team: Hashable, Sendable {
    public var id: Int64
    public var name: String

    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

/// A password that passed `PasswordRules`: the only form in which the store takes a new one, so no way
/// round the minimum strength exists. The text is never printed (`description` hides it).
public struct NewPassword: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    private init(_ text: String) { self.text = text }

    /// The password, or what is wrong with it in words the person choosing it can act on.
    public static func checked(_ text: String, userName: String, fullName: String = "", rules: PasswordRules) -> Result<NewPassword, PasswordProblem> {
        if let why = rules.problem(text, userName: userName, fullName: fullName) { return .failure(PasswordProblem(message: why)) }
        return .success(NewPassword(text))
    }

    public var description: String { "(a new password)" }
}

public struct PasswordProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The minimum strength of a password (`Resources/policy.yaml`). Length is what makes a password hard to
/// guess (NCSC): so a minimum length, and no password that is the person's own name or one character repeated.
public struct PasswordRules: Sendable, Equatable {
    public var minimumLength: Int
    /// The commonest passwords, folded (`Resources/common-passwords.txt`): the first an attacker tries.
    public var common: Set<String>

    public init(minimumLength: Int, common: Set<String> = []) {
        self.minimumLength = minimumLength
        self.common = common
    }

    public func problem(_ password: String, userName: String, fullName: String = "") -> String? {
        if password.count < minimumLength {
            return "The password has \(password.count) character\(password.count == 1 ? "" : "s"); it needs at least \(minimumLength) "
                + "(a few words together are easy to remember)"
        }
        let folded = SearchKey.of(password).filter { !$0.isWhitespace }
        let words = Self.words(password)
        // The user name, its parts (a.smith: smith) and the whole full name.
        let nameWords = Set(([userName, fullName] + userName.split { !$0.isLetter && !$0.isNumber }.map(String.init))
            .map { SearchKey.of($0).filter { $0.isLetter || $0.isNumber } })
        // A name of 3 or more letters anywhere in it; a shorter one ("jo") as a word of its own.
        if nameWords.contains(where: { ($0.count >= 3 && folded.contains($0)) || ($0.count == 2 && words.contains($0)) }) {
            return "The password contains the user's name: choose one that does not"
        }
        if Set(password).count < 4 { return "The password repeats too few characters: use at least 4 different ones" }
        let core = folded.filter { $0.isLetter || $0.isNumber }
        let trimmed = String(core.drop { $0.isNumber }.reversed().drop { $0.isNumber }.reversed())
        if common.contains(core) || common.contains(trimmed) {
            return "The password is one of the commonest passwords (digits added or not), the first ones tried: choose a few words of your own"
        }
        if Self.isKeyboardRun(core) {
            return "The password is a run of keys or letters (like qwerty, 12345 or abcd): choose a few words of your own"
        }
        return nil
    }

    /// The words of a password, folded: split at anything not a letter or digit, and between letters and digits.
    static func words(_ password: String) -> Set<String> {
        var out: Set<String> = [], word = ""
        for c in SearchKey.of(password) {
            if !(c.isLetter || c.isNumber) || (!word.isEmpty && word.last!.isNumber != c.isNumber) {
                if !word.isEmpty { out.insert(word) }
                word = c.isLetter || c.isNumber ? String(c) : ""
            } else { word.append(c) }
        }
        if !word.isEmpty { out.insert(word) }
        return out
    }

    /// Rows of keys and runs of letters and digits, typed either way.
    static let runs: [String] = {
        let forward = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz", "qwertzuiop", "azertyuiop",
                       "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp", "0987654321"]
        return forward + forward.map { String($0.reversed()) }
    }()

    /// Whether `core` is made wholly of runs of 3 or more keys (`runs`), or of one character repeated with them:
    /// "qwertyuiop", "1234567890", "qwerty123", "asdf4321", "abc123abc".
    static func isKeyboardRun(_ core: String) -> Bool {
        let chars = Array(core)
        guard chars.count >= 3 else { return false }
        var i = 0
        while i < chars.count {
            // The longest run starting here.
            var longest = 0
            for run in runs {
                let keys = Array(run)
                for start in keys.indices where keys[start] == chars[i] {
                    var n = 0
                    while i + n < chars.count, start + n < keys.count, keys[start + n] == chars[i + n] { n += 1 }
                    longest = max(longest, n)
                }
            }
            var same = 1
            while i + same < chars.count, chars[i + same] == chars[i] { same += 1 }
            let step = max(longest, same)
            if step < 3 { return false }
            i += step
        }
        return true
    }

    /// The common passwords, one a line (`#` starts a comment), folded as `problem` folds what is typed.
    public static func loadCommon(from url: URL, displayPath: String) -> Result<Set<String>, ConfigErrors> {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            return .failure(ConfigErrors([ConfigProblem(file: displayPath, line: 0, column: 0, message: "cannot read the list of common passwords",
                                                        fix: "put back Resources/common-passwords.txt (one password a line)")]))
        }
        let list = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { SearchKey.of($0).filter { $0.isLetter || $0.isNumber } }.filter { !$0.isEmpty }
        return .success(Set(list))
    }
}

/// Wrong tries that lock an attempt for a growing while: the first `freeTries` within `window` are free, then
/// each one waits `firstWait`, doubling, up to `longestWait`. Kiosk codes, the staff PIN and sign-in use it.
public struct RateLimit: Sendable, Equatable {
    public var freeTries: Int
    public var window: TimeInterval
    public var firstWait: TimeInterval
    public var longestWait: TimeInterval

    public init(freeTries: Int, window: TimeInterval, firstWait: TimeInterval, longestWait: TimeInterval) {
        self.freeTries = freeTries
        self.window = window
        self.firstWait = firstWait
        self.longestWait = longestWait
    }

    /// Seconds still to wait after the failed tries at `failures` (oldest first, within the window), or nil.
    public func wait(after failures: [Date], now: Date) -> TimeInterval? {
        guard failures.count >= freeTries, let last = failures.last else { return nil }
        let wait = min(longestWait, firstWait * pow(2, Double(failures.count - freeTries)))
        // To the millisecond, as stores keep times: a try stored a hair later than `now` must not make 30 s read as 31.
        let remaining = (last.addingTimeInterval(wait).timeIntervalSince(now) * 1000).rounded() / 1000
        // Never more than the wait itself: a try stored by another process a hair later must not read as 16 minutes of 15.
        return remaining > 0 ? min(remaining, wait) : nil
    }
}

/// What a sign-in (or an unlock, or a password change) came to. A name that does not exist is answered
/// exactly as a wrong password, so nobody can find out which names exist by trying.
public enum SignInResult: Equatable, Sendable {
    case signedIn(StaffUser)
    /// The password was right but was reset by an administrator: a new one first (`changePassword`).
    case mustChangePassword(StaffUser)
    /// Wrong name or password; `wait`: the wait this try has started, if it did.
    case notAccepted(wait: TimeInterval?)
    /// Too many wrong tries on this account or this terminal: nothing was checked; try again after `seconds`.
    case waiting(seconds: TimeInterval)
    /// The right password for an account an administrator has disabled.
    case disabled
}

/// Events of a signed-in session that the runtime reports, for the audit trail.
public enum SessionEvent: String, Sendable, CaseIterable {
    case signedOut = "signed out"
    /// The lock key.
    case locked = "locked the terminal"
    /// No key for the idle time.
    case lockedWhenIdle = "terminal locked when idle"
    /// An administrator disabled the account while it was signed in: the session ended at its next step.
    case signedOutDisabled = "signed out: account disabled"
    /// careplan was ended (hang-up, terminate) while locked: the lock stands until a password is given.
    case endedWhileLocked = "session ended while locked"
    /// careplan was started with the follow-up clock moved (`CareClock`): tests and demonstrations only.
    case startedWithTestClock = "started with the test clock moved"

    /// Events after which the account's next sign-in needs its password, even from a trusted operating-system account.
    public var leavesLocked: Bool { [.locked, .lockedWhenIdle, .endedWhileLocked].contains(self) }
}

/// Why a change to users or teams was refused, in words the administrator can act on.
public enum StaffError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The store has no administrator yet: the first user must be one.
    case noAdministrator
    /// The first administrator can be added only while there is none.
    case administratorExists
    /// Only an (enabled) administrator changes users and teams.
    case notAdministrator(String)
    /// The change would leave no enabled administrator.
    case lastAdministrator
    case userNameTaken(String)
    case teamNameTaken(String)
    /// A name that cannot be taken, and why.
    case invalid(String)
    case badRole(String)
    /// A new password the same as the one it replaces.
    case samePassword
    /// The current password given to change one's own was wrong (counted towards the wait).
    case wrongPassword
    case waiting(seconds: TimeInterval)

    public var description: String {
        switch self {
        case .noAdministrator: return "This store has no administrator yet: create one first (careplan users add --admin)"
        case .administratorExists: return "This store has an administrator already: ask them to add you"
        case .notAdministrator(let who): return "\(who) is not an administrator: only an administrator changes users and teams"
        case .lastAdministrator: return "That would leave the store without an enabled administrator: add or enable another first"
        case .userNameTaken(let name): return "There is a user named \(name) already"
        case .teamNameTaken(let name): return "There is a team named \(name) already"
        case .invalid(let why): return why.prefix(1).uppercased() + why.dropFirst()
        case .samePassword: return "The new password is the same as the old one: choose another"
        case .badRole(let id): return "There is no role `\(id)` (see Resources/roles.yaml)"
        case .wrongPassword: return "The current password is not right: nothing was changed"
        case .waiting(let s): return "Too many wrong tries: wait \(Int(s.rounded(.up))) s and try again"
        }
    }
}

// MARK: - Loading Resources/roles.yaml

extension Roles {
    public static func load(from url: URL, displayPath: String) -> Result<Roles, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath, parse: parse)
    }

    public static func parse(text: String, displayPath: String) -> Result<Roles, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath, parse: parse)
    }

    static func parse(_ root: Node, _ r: ConfigReader) -> Roles? {
        guard let m = r.mapping(root, "the roles", required: ["roles"]) else { return nil }
        var roles: [UserRole] = []
        for n in r.sequence(m, "roles", in: "the roles") {
            guard let rm = r.mapping(n, "a role", required: ["id", "name", "permissions"], optional: ["cosd-staff-role"]),
                  let id = r.identifier(rm, "id", in: "a role"), let name = r.string(rm, "name", in: "the role `\(id)`") else { continue }
            if roles.contains(where: { $0.id == id }) { r.report(rm["id"], "the role `\(id)` is listed twice", fix: "keep one of them"); continue }
            var staffRole: StaffRole?
            if let code = r.string(rm, "cosd-staff-role", in: "the role `\(id)`") {
                staffRole = StaffRole(rawValue: code)
                if staffRole == nil {
                    r.report(rm["cosd-staff-role"], "`\(code)` is not a code of the `staff-role` list",
                             fix: "use one of " + StaffRole.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                                + " (their labels are in Resources/codelists.yaml), or leave it out")
                }
            }
            var permissions: Set<Permission> = []
            for word in r.stringList(rm, "permissions", in: "the role `\(id)`") {
                guard let p = Permission(rawValue: word) else {
                    let near = Permission.allCases.map(\.rawValue).min { editDistance($0, word) < editDistance($1, word) }!
                    r.report(rm["permissions"], "unknown permission `\(word)` in the role `\(id)`",
                             fix: (editDistance(near, word) <= 3 ? "did you mean `\(near)`? " : "")
                                + "permissions are " + Permission.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))
                    continue
                }
                permissions.insert(p)
            }
            if permissions.contains(.manageUsers) && id != UserRole.administratorId {
                r.report(rm["permissions"], "only the `\(UserRole.administratorId)` role may have `manage-users` (the store checks it by role)",
                         fix: "remove `manage-users` from `\(id)`")
            }
            if permissions.contains(.agreePlan) && staffRole == nil {
                r.report(rm["permissions"], "the role `\(id)` may agree a plan but has no `cosd-staff-role`, which an agreed plan records",
                         fix: "add `cosd-staff-role: \"08\"` (other) or the code that fits")
            }
            roles.append(UserRole(id: id, name: name, staffRole: staffRole, permissions: permissions))
        }
        if let admin = roles.first(where: { $0.id == UserRole.administratorId }) {
            if !admin.may(.manageUsers) {
                r.report(m["roles"], "the `\(UserRole.administratorId)` role cannot `manage-users`: nobody could", fix: "add `manage-users` to its permissions")
            }
        } else if !roles.isEmpty || r.problems.isEmpty {
            r.report(m["roles"], "there is no `\(UserRole.administratorId)` role, which manages users", fix: "add it back (`id: \(UserRole.administratorId)`)")
        }
        return Roles(roles: roles)
    }
}
