import ArgumentParser
import CareplanCore
import CareplanText
import Foundation

/// Who is at the command line: a careplan user, signed in (or trusted by their operating-system account),
/// with the role that says what they may do.
struct SignedIn {
    var user: StaffUser
    var role: UserRole
    /// What the audit trail names them by.
    var name: String { user.userName }
}

/// Where a sign-in comes from, for the per-terminal wait and the audit trail: the SSH client's address
/// (its terminal name changes with every connection), else the terminal, else "command line".
/// The per-terminal wait is best effort: anyone can set SSH_CONNECTION or open new terminals; the
/// per-account wait is the guard. What ends up in the audit trail is cleaned, never taken verbatim.
enum TerminalIdentity {
    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let ssh = environment["SSH_CONNECTION"].flatMap(clientAddress) { return "ssh from \(ssh)" }
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where isatty(fd) == 1 {
            if let name = ttyname(fd) {
                let cleaned = TextCleaner.field(String(cString: name), maxLength: 64)
                if !cleaned.isEmpty { return cleaned }
            }
        }
        return "command line"
    }

    /// SSH_CONNECTION's first word if it is an IPv4 or IPv6 address (as inet_pton reads it), else nil: the
    /// variable is whatever the user set, and must not write lines of its own into the audit trail.
    static func clientAddress(_ sshConnection: String) -> String? {
        guard let first = sshConnection.split(separator: " ", omittingEmptySubsequences: false).first.map(String.init),
              !first.isEmpty, first.count <= 45, first.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == "." || $0 == ":") }) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, first, &buffer) == 1 || inet_pton(AF_INET6, first, &buffer) == 1 { return first }
        return nil
    }

    /// The operating-system account running careplan, if it has a name.
    static func operatingSystemAccount() -> String? {
        getpwuid(getuid()).flatMap { $0.pointee.pw_name }.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The account's full name from the password database (the GECOS field up to its first comma), if it has one.
    static func operatingSystemFullName() -> String? {
        guard let gecos = getpwuid(getuid()).flatMap({ $0.pointee.pw_gecos }).map({ String(cString: $0) }) else { return nil }
        let name = gecos.split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return name.trimmingCharacters(in: .whitespaces).isEmpty ? nil : name
    }
}

extension GlobalOptions {
    /// Reads a password (or PIN): from the terminal with echo off, or a line of standard input with
    /// --password-stdin. Never from a pipe otherwise: a password must not be typed where it shows.
    func readSecret(_ prompt: String) throws -> String {
        if passwordStdin {
            guard let line = readLine(strippingNewline: true) else { throw CLIError("standard input ended before the password (--password-stdin)") }
            return line
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CLIError("careplan asks for passwords at the terminal: there is none here. Give them on standard input with --password-stdin")
        }
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw CLIError("no password given") }
        return line
    }

    /// A new password for `userName`: asked twice at the terminal (once with --password-stdin), and held to the
    /// policy's minimum strength, saying what is wrong.
    func readNewPassword(for userName: String, fullName: String = "", rules: PasswordRules, prompt: String = "New password") throws -> NewPassword {
        let first = try readSecret("\(prompt) for \(userName) (at least \(rules.minimumLength) characters): ")
        let checked = NewPassword.checked(first, userName: userName, fullName: fullName, rules: rules)
        if case .failure(let problem) = checked { throw CLIError("\(problem.message). Nothing was changed") }
        if !passwordStdin, try readSecret("The same password again: ") != first {
            throw CLIError("the two passwords differ: nothing was changed")
        }
        return try checked.get()
    }

    /// Signs in the person at the command line and checks that their role may do `permission`: the
    /// operating-system account when the store trusts it (and --as names no one else), else the user named by
    /// --as with their password. `allowingPasswordChange`: the one command a reset password may run.
    func signIn(_ store: any CareRepository, _ config: Configuration, toDo permission: Permission,
                allowingPasswordChange: Bool = false) throws -> SignedIn {
        guard try store.hasAdministrator() else { throw CLIError(StaffError.noAdministrator.description) }
        let terminal = TerminalIdentity.current()
        let account = TerminalIdentity.operatingSystemAccount()
        var user: StaffUser?
        if let account, signInName.map({ StaffUser.normalised($0) == StaffUser.normalised(account) }) ?? true {
            user = try store.signInTrusted(operatingSystemAccount: account, terminal: terminal, now: Date())
        }
        if user == nil {
            guard let name = signInName.map(StaffUser.normalised), !name.isEmpty else {
                throw CLIError("say who you are: --as YOUR-USER-NAME (your careplan user name; you are asked for your password)")
            }
            let password = try readSecret("Password for \(name): ")
            switch try store.signIn(userName: name, password: password, terminal: terminal, limit: config.policy.signInTries, now: Date()) {
            case .signedIn(let u): user = u
            case .mustChangePassword(let u):
                guard allowingPasswordChange else {
                    throw CLIError("your password was reset by an administrator: choose your own first (careplan users change-password --as \(name))")
                }
                user = u
            case .notAccepted(let wait):
                throw CLIError("wrong user name or password" + (wait.map { ": wait \(config.wording.duration($0)) before trying again" } ?? ""))
            case .waiting(let seconds):
                throw CLIError("too many wrong passwords: wait \(config.wording.duration(seconds)) and try again")
            case .disabled:
                throw CLIError("this account is disabled: ask an administrator")
            }
        }
        let signedIn = SignedIn(user: user!, role: config.roles.role(of: user!))
        guard signedIn.role.may(permission) else {
            // Audited like a refused sign-in: who tried which command (its name only: no patient data).
            try recordRefusal(store, signedIn, permission, at: terminal)
            throw CLIError("\(signedIn.name) (\(signedIn.role.name)) may not \(permission.words): nothing was done")
        }
        return signedIn
    }

    /// Who was refused what, by which command (its name only: what follows may be an NHS number).
    func recordRefusal(_ store: any CareRepository, _ who: SignedIn, _ permission: Permission, at terminal: String = TerminalIdentity.current()) throws {
        let command = CommandLine.arguments.dropFirst().first.map { $0.hasPrefix("-") ? "" : " \($0)" } ?? ""
        try store.recordRefusal(user: who.name, refused: "may not \(permission.words): careplan\(command) at \(terminal)", now: Date())
    }
}
