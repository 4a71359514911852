import ArgumentParser
import CareplanCore
import CareplanText
import Foundation

// `careplan users ...` and `careplan teams ...`: administration on the command line. Every change is made by a
// signed-in administrator (--as, or the trusted operating-system account) and audited under them.

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Staff accounts: list, add, disable, enable, reset a password, set a role; change your own password.",
        discussion: """
            A new store has no users: `careplan users add --admin` creates the first administrator (your login name unless you give one), \
            and nobody can use the store until it exists. After that, an administrator signs in (--as NAME, asked for their password) to add \
            and change users. Roles are in Resources/roles.yaml. Passwords are asked twice at the terminal with echo off; with --password-stdin, \
            standard input gives yours first (to sign in), then the new one, one a line.
            """,
        subcommands: [UsersList.self, UsersAdd.self, UsersDisable.self, UsersEnable.self, UsersResetPassword.self, UsersSetRole.self, UsersTrainingStore.self,
                      UsersChangePassword.self, UsersTrustOperatingSystemAccounts.self])
}

struct Teams: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teams",
        abstract: "Teams (e.g. Breast CNS team): list, add, rename, add or remove a member.",
        discussion: "A team is named by its number (see `careplan teams list`) or its name. Changes need an administrator.",
        subcommands: [TeamsList.self, TeamsAdd.self, TeamsRename.self, TeamsAddMember.self, TeamsRemoveMember.self])
}

/// The store, the configuration and the signed-in person allowed to do `permission`.
private func session(_ options: GlobalOptions, toDo permission: Permission) throws -> (any CareRepository, Configuration, SignedIn) {
    let store = try options.openExistingStore()
    let config = try options.loadConfiguration()
    return (store, config, try options.signIn(store, config, toDo: permission))
}

/// A role id that Resources/roles.yaml has, or the list of those it has.
private func checkedRole(_ id: String, _ config: Configuration) throws -> UserRole {
    guard let role = config.roles.role(id) else {
        throw CLIError("\(StaffError.badRole(id)): roles are " + config.roles.roles.map(\.id).joined(separator: ", "))
    }
    return role
}

/// A team by number, name, or the start of one name (case and accents ignored).
func findTeam(_ typed: String, in store: any CareRepository) throws -> Team {
    let teams = try store.teams(), key = SearchKey.of(typed.trimmingSpaces())
    if let id = Int64(typed), let t = teams.first(where: { $0.id == id }) { return t }
    if let t = teams.first(where: { SearchKey.of($0.name) == key }) { return t }
    let starting = teams.filter { SearchKey.of($0.name).hasPrefix(key) }
    if starting.count == 1, !key.isEmpty { return starting[0] }
    if starting.count > 1 { throw CLIError("\(shown(typed)) could be " + starting.map { shown($0.name) }.joined(separator: " or ") + ": say which") }
    throw CLIError("there is no team \(shown(typed)): see `careplan teams list`")
}

private func describe(_ user: StaffUser, _ config: Configuration) -> String {
    "\(user.userName) (\(shown(user.fullName)), \(config.roles.role(of: user).name))"
}

struct UsersList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the users, their roles, teams and state.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        let (store, config, _) = try session(options, toDo: .manageUsers)
        let teams = Dictionary(uniqueKeysWithValues: try store.teams().map { ($0.id, $0.name) })
        print(pad("User", 16) + pad("Name", 24) + pad("Role", 28) + pad("State", 22) + "Teams")
        for u in try store.users() {
            let state = u.disabled ? "disabled" : u.mustChangePassword ? "must change password" : "active"
            print(pad(u.userName, 16) + pad(u.fullName, 24) + pad(config.roles.role(of: u).name, 28) + pad(state, 22)
                  + u.teamIds.compactMap { teams[$0] }.sorted().joined(separator: ", "))
        }
    }
}

/// `s` in a column `n` wide (cut to leave a space), `shown`.
func pad(_ s: String, _ n: Int) -> String {
    let s = shown(s)
    return s.count >= n ? String(s.prefix(n - 1)) + " " : s + String(repeating: " ", count: n - s.count)
}

/// Stored text as printed: one line with no control characters or escape sequences, whatever the store holds
/// (a copy of it may have been written by anyone), so it cannot forge lines or drive the reader's terminal.
func shown(_ s: String) -> String { TextCleaner.singleLine(s) }

struct UsersAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a user (with --admin on a new store: its first administrator).")
    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("Their user name: lower-case letters, digits, . _ - (default with --admin: your login name).", valueName: "user-name"))
    var userName: String?

    @Option(name: .long, help: ArgumentHelp("Their full name, as plans show it (default: from the login's account, else the user name).", valueName: "name"))
    var fullName: String?

    @Option(name: .long, help: ArgumentHelp("Their role, an id from Resources/roles.yaml.", valueName: "role"))
    var role: String?

    @Flag(name: .long, help: "Make them an administrator (the first user of a store must be one).")
    var admin = false

    @Option(name: .long, help: ArgumentHelp("A team they belong to (number or name); repeat for more.", valueName: "team"))
    var team: [String] = []

    func validate() throws {
        if admin && role != nil && role != UserRole.administratorId { throw ValidationError("--admin and --role \(role!) say different things: give one") }
        if !admin && role == nil { throw ValidationError("say which role with --role (see Resources/roles.yaml), or --admin") }
        if !admin && userName == nil { throw ValidationError("say the new user's user name") }
    }

    func run() throws {
        let store = try options.openStore()
        let config = try options.loadConfiguration()
        let first = try !store.hasAdministrator()
        if first && !admin { throw CLIError(StaffError.noAdministrator.description) }
        let me = first ? nil : try options.signIn(store, config, toDo: .manageUsers)
        let roleId = try checkedRole(admin ? UserRole.administratorId : role!, config).id
        guard let name = (userName ?? TerminalIdentity.operatingSystemAccount()).map(StaffUser.normalised) else {
            throw CLIError("say the new user's user name")
        }
        if let why = StaffUser.userNameProblem(name) { throw CLIError("\(StaffError.invalid(why))") }
        let full = fullName ?? (userName == nil ? TerminalIdentity.operatingSystemFullName() : nil) ?? name
        let teamIds = Set(try team.map { try findTeam($0, in: store).id })
        let password = try options.readNewPassword(for: name, fullName: full, rules: config.policy.passwords)
        let added = try store.addUser(NewStaffUser(userName: name, fullName: full, roleId: roleId, teamIds: teamIds), password: password,
                                      by: me?.name, now: Date())
        if first {
            print("Created the first administrator, \(describe(added, config)). Add the others as them: "
                  + "careplan users add USER-NAME --role ROLE --as \(added.userName)")
        } else {
            print("Added \(describe(added, config)). They sign in as \(added.userName) with the password you gave.")
        }
    }
}

private func setDisabled(_ disabled: Bool, _ userName: String, _ options: GlobalOptions) throws {
    let (store, config, me) = try session(options, toDo: .manageUsers)
    let user = try store.setDisabled(disabled, userName: userName, by: me.name, now: Date())
    print("\(disabled ? "Disabled" : "Enabled") \(describe(user, config)).")
}

struct UsersDisable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable an account: it can no longer sign in (its records stay).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("The user name.", valueName: "user-name")) var userName: String

    func run() throws { try setDisabled(true, userName, options) }
}

struct UsersEnable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled account again.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("The user name.", valueName: "user-name")) var userName: String

    func run() throws { try setDisabled(false, userName, options) }
}

struct UsersResetPassword: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-password", abstract: "Give a user a new password, which they must change at their next sign-in.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("The user name.", valueName: "user-name")) var userName: String

    func run() throws {
        let (store, config, me) = try session(options, toDo: .manageUsers)
        guard let user = try store.user(named: userName) else { throw CLIError("there is no user \(userName)") }
        let password = try options.readNewPassword(for: user.userName, fullName: user.fullName, rules: config.policy.passwords)
        let changed = try store.resetPassword(userName: user.userName, to: password, by: me.name, now: Date())
        print("Reset the password of \(describe(changed, config)): they choose their own at their next sign-in.")
    }
}

struct UsersSetRole: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Give a user another role (from Resources/roles.yaml).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("The user name.", valueName: "user-name")) var userName: String
    @Argument(help: ArgumentHelp("The role id.", valueName: "role")) var role: String

    func run() throws {
        let (store, config, me) = try session(options, toDo: .manageUsers)
        let roleId = try checkedRole(role, config).id
        print("\(describe(try store.setRole(roleId, userName: userName, by: me.name, now: Date()), config)) now.")
    }
}

struct UsersChangePassword: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "change-password", abstract: "Change your own password (asked for the current one first).")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        let store = try options.openExistingStore()
        let config = try options.loadConfiguration()
        guard let name = options.signInName.map(StaffUser.normalised) ?? TerminalIdentity.operatingSystemAccount() else {
            throw CLIError("say who you are: --as YOUR-USER-NAME")
        }
        let current = try options.readSecret("Current password for \(name): ")
        let user = try store.user(named: name)
        let password = try options.readNewPassword(for: name, fullName: user?.fullName ?? "", rules: config.policy.passwords)
        _ = try store.changePassword(userName: name, current: current, to: password, terminal: TerminalIdentity.current(),
                                     limit: config.policy.signInTries, now: Date())
        print("Password changed for \(name).")
    }
}

/// A yes/no setting of the store an administrator changes, audited; without yes or no, says which it is.
protocol StoreSettingCommand: ParsableCommand {
    var options: GlobalOptions { get }
    var answer: String? { get }
    static func set(_ on: Bool, _ store: any CareRepository, by: String) throws
    static func isOn(_ store: any CareRepository) throws -> Bool
    static var onWords: String { get }
    static var offWords: String { get }
}

extension StoreSettingCommand {
    func validate() throws {
        if let answer, !["yes", "no"].contains(answer) { throw ValidationError("say yes or no") }
    }

    func run() throws {
        let (store, _, me) = try session(options, toDo: .manageUsers)
        if let answer { try Self.set(answer == "yes", store, by: me.name) }
        print(try Self.isOn(store) ? Self.onWords : Self.offWords)
    }
}

struct UsersTrustOperatingSystemAccounts: StoreSettingCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-os-accounts",
        abstract: "Whether a careplan user whose name is their operating-system login signs in without a password (off in a new store).",
        discussion: """
            For hosts that already authenticate each person (their own login, over SSH). A setting of the store, changed only by an \
            administrator and audited. Without yes or no, says which it is.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("yes or no.", valueName: "yes|no")) var answer: String?

    static func set(_ on: Bool, _ store: any CareRepository, by me: String) throws { try store.setTrustsOperatingSystemAccounts(on, by: me, now: Date()) }
    static func isOn(_ store: any CareRepository) throws -> Bool { try store.trustsOperatingSystemAccounts() }
    static let onWords = "Operating-system accounts are trusted: a login named like a careplan user signs in as them without a password."
    static let offWords = "Operating-system accounts are not trusted: everyone signs in with their careplan password."
}

struct UsersTrainingStore: StoreSettingCommand {
    static let configuration = CommandConfiguration(
        commandName: "training-store",
        abstract: "Whether this store is for training and tests only, where the test clock may be moved (off in a new store).",
        discussion: """
            CAREPLAN_CLOCK_OFFSET_DAYS and CAREPLAN_CLOCK_DATE are refused on any other store, so that no real record is dated by a \
            moved clock. A setting of the store, changed only by an administrator and audited. Without yes or no, says which it is.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("yes or no.", valueName: "yes|no")) var answer: String?

    static func set(_ on: Bool, _ store: any CareRepository, by me: String) throws { try store.setTrainingStore(on, by: me, now: Date()) }
    static func isOn(_ store: any CareRepository) throws -> Bool { try store.isTrainingStore() }
    static let onWords = "This is a training store: the test clock may be moved here (every audit entry then says so)."
    static let offWords = "This is not a training store: the test clock is refused here."
}

struct TeamsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the teams and their members.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        let (store, _, _) = try session(options, toDo: .viewRecords)
        let teams = try store.teams()
        if teams.isEmpty { print("No teams yet. An administrator adds them: careplan teams add NAME"); return }
        for t in teams {
            print(pad(String(t.id), 6) + pad(t.name, 32) + (try store.teamMembers(t.id).map(\.userName).joined(separator: ", ")))
        }
    }
}

struct TeamsAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a team.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("Its name, e.g. \"Breast CNS team\".", valueName: "name")) var name: [String]

    func run() throws {
        let (store, _, me) = try session(options, toDo: .manageUsers)
        let t = try store.addTeam(named: name.joined(separator: " "), by: me.name, now: Date())
        print("Added team \(t.id), \(t.name).")
    }
}

struct TeamsRename: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rename", abstract: "Rename a team.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("The team (number or name).", valueName: "team")) var team: String
    @Argument(help: ArgumentHelp("Its new name.", valueName: "new-name")) var name: [String]

    func run() throws {
        let (store, _, me) = try session(options, toDo: .manageUsers)
        let old = try findTeam(team, in: store)
        let t = try store.renameTeam(old.id, from: old.name, to: name.joined(separator: " "), by: me.name, now: Date())
        print("Renamed team \(t.id), \(old.name), to \(t.name).")
    }
}

/// Adds or removes one member, keeping their other teams.
private func changeMembership(_ options: GlobalOptions, team typed: String, user: String, adding: Bool) throws {
    let (store, config, me) = try session(options, toDo: .manageUsers)
    let t = try findTeam(typed, in: store)
    guard let u = try store.user(named: user) else { throw CLIError("there is no user \(user)") }
    let teams = adding ? u.teamIds.union([t.id]) : u.teamIds.subtracting([t.id])
    let changed = try store.setTeams(teams, userName: u.userName, by: me.name, now: Date())
    print("\(describe(changed, config)) \(adding ? "is now in" : "is no longer in") \(t.name).")
}

struct TeamsAddMember: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add-member", abstract: "Put a user in a team.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("The team (number or name).", valueName: "team")) var team: String
    @Argument(help: ArgumentHelp("The user name.", valueName: "user-name")) var user: String

    func run() throws { try changeMembership(options, team: team, user: user, adding: true) }
}

struct TeamsRemoveMember: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove-member", abstract: "Take a user out of a team.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("The team (number or name).", valueName: "team")) var team: String
    @Argument(help: ArgumentHelp("The user name.", valueName: "user-name")) var user: String

    func run() throws { try changeMembership(options, team: team, user: user, adding: false) }
}
