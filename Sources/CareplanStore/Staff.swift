import CareplanCore
import Foundation

/// Staff users, teams and signing in (schema step v9-staff).
extension CareStore {
    static func registerStaffMigration(_ m: inout Migrator) {
        m.registerMigration("v9-staff") { db in
            // Wrong tries are counted per subject (a user name, a terminal) as well as per kind.
            try db.execute(sql: db.dialect.ddl("""
                CREATE TABLE staff_user (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_name TEXT NOT NULL UNIQUE,
                    full_name TEXT NOT NULL,
                    role_id TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    must_change_password INTEGER NOT NULL DEFAULT 0,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    created_at DATETIME NOT NULL,
                    last_sign_in DATETIME
                );
                CREATE TABLE team (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    name_key TEXT NOT NULL UNIQUE
                );
                CREATE TABLE staff_team (
                    user_id INTEGER NOT NULL REFERENCES staff_user(id) ON DELETE CASCADE,
                    team_id INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
                    PRIMARY KEY (user_id, team_id)
                ) WITHOUT ROWID;
                CREATE INDEX staff_team_team ON staff_team(team_id);
                ALTER TABLE patient ADD COLUMN team_id INTEGER REFERENCES team(id);
                CREATE INDEX patient_team ON patient(team_id, updated_at);
                ALTER TABLE failed_attempt ADD COLUMN subject TEXT NOT NULL DEFAULT '';
                DROP INDEX failed_attempt_kind;
                CREATE INDEX failed_attempt_kind ON failed_attempt(kind, subject, at);
                """))
        }
    }

    // MARK: - Reading

    static func userSelect(_ db: Database) -> String {
        "SELECT u.*, (SELECT \(db.dialect.groupConcat("team_id")) FROM staff_team t WHERE t.user_id = u.id) AS team_ids FROM staff_user u"
    }

    static func staffUser(_ r: Row) -> StaffUser {
        let teams = ((r["team_ids"] as String?) ?? "").split(separator: ",").compactMap { Int64($0) }
        return StaffUser(id: r["id"], userName: r["user_name"], fullName: r["full_name"], roleId: r["role_id"], teamIds: Set(teams),
                         disabled: r["disabled"], mustChangePassword: r["must_change_password"], lastSignIn: r["last_sign_in"])
    }

    static func staffUser(_ db: Database, named name: String) throws -> StaffUser? {
        try Row.fetchOne(db, sql: userSelect(db) + " WHERE u.user_name = ?", arguments: [StaffUser.normalised(name)]).map(staffUser)
    }

    public func hasAdministrator() throws -> Bool { try read { db in try Self.enabledAdministrators(db) > 0 } }

    static func enabledAdministrators(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM staff_user WHERE role_id = ? AND disabled = 0", arguments: [UserRole.administratorId]) ?? 0
    }

    public func users() throws -> [StaffUser] {
        try read { db in try Row.fetchAll(db, sql: Self.userSelect(db) + " ORDER BY u.user_name").map(Self.staffUser) }
    }

    public func user(named userName: String) throws -> StaffUser? { try read { db in try Self.staffUser(db, named: userName) } }

    public func teams() throws -> [Team] {
        try read { db in try Row.fetchAll(db, sql: "SELECT id, name FROM team ORDER BY name_key").map { Team(id: $0["id"], name: $0["name"]) } }
    }

    public func teamMembers(_ id: Int64) throws -> [StaffUser] {
        try read { db in
            guard try Self.team(db, id) != nil else { throw StoreError.notFound("The team") }
            return try Row.fetchAll(db, sql: Self.userSelect(db) + " WHERE u.id IN (SELECT user_id FROM staff_team WHERE team_id = ?) ORDER BY u.user_name",
                                    arguments: [id]).map(Self.staffUser)
        }
    }

    static func team(_ db: Database, _ id: Int64) throws -> Team? {
        try Row.fetchOne(db, sql: "SELECT id, name FROM team WHERE id = ?", arguments: [id]).map { Team(id: $0["id"], name: $0["name"]) }
    }

    // MARK: - Changing users

    /// The actor, who must be an enabled administrator: checked inside the change's own transaction.
    static func requireAdministrator(_ db: Database, _ actor: String) throws {
        guard let user = try staffUser(db, named: actor), user.isAdministrator, !user.disabled else { throw StaffError.notAdministrator(actor) }
    }

    /// A change that must leave an enabled administrator: checked after it, in its transaction (so undone).
    static func keepAnAdministrator(_ db: Database) throws {
        if try enabledAdministrators(db) == 0 { throw StaffError.lastAdministrator }
    }

    static func requireTeams(_ db: Database, _ ids: Set<Int64>) throws {
        for id in ids where try team(db, id) == nil { throw StoreError.notFound("The team \(id)") }
    }

    static func roleProblem(_ roleId: String) -> StaffError? {
        let ok = roleId.first?.isLetter == true && roleId.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
        return ok ? nil : .badRole(roleId)
    }

    public func addUser(_ new: NewStaffUser, password: NewPassword, by actor: String?, now: Date) throws -> StaffUser {
        if let why = StaffUser.userNameProblem(new.userName) { throw StaffError.invalid(why) }
        let fullName = TextCleaner.field(new.fullName, maxLength: Limits.personName)
        if fullName.isEmpty { throw StaffError.invalid("the person's full name is needed") }
        if let bad = Self.roleProblem(new.roleId) { throw bad }
        let hash = try SlowHash.make(password.text)
        return try write { db in
            if let actor {
                try Self.requireAdministrator(db, actor)
            } else {
                if try Self.enabledAdministrators(db) > 0 { throw StaffError.administratorExists }
                if new.roleId != UserRole.administratorId { throw StaffError.noAdministrator }
            }
            if try Self.staffUser(db, named: new.userName) != nil { throw StaffError.userNameTaken(new.userName) }
            try Self.requireTeams(db, new.teamIds)
            try db.execute(sql: """
                INSERT INTO staff_user (user_name, full_name, role_id, password_hash, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [new.userName, fullName, new.roleId, hash, now])
            let id = try db.lastInsertedRowID
            for team in new.teamIds { try db.execute(sql: "INSERT INTO staff_team (user_id, team_id) VALUES (?, ?)", arguments: [id, team]) }
            try Self.audit(db, user: actor ?? new.userName, action: actor == nil ? "created the first administrator" : "added user",
                           detail: "\(new.userName) (\(new.roleId))", at: now)
            return try Self.staffUser(db, named: new.userName)!
        }
    }

    /// Changes one user by an administrator: `change` runs in the transaction, then the audit entry is added.
    private func changeUser(_ userName: String, by actor: String, now: Date, action: String, detail: String = "",
                            _ change: (Database, StaffUser) throws -> Void) throws -> StaffUser {
        try write { db in
            try Self.requireAdministrator(db, actor)
            guard let user = try Self.staffUser(db, named: userName) else { throw StoreError.notFound("The user \(userName)") }
            try change(db, user)
            try Self.keepAnAdministrator(db)
            try Self.audit(db, user: actor, action: action, detail: user.userName + (detail.isEmpty ? "" : ": \(detail)"), at: now)
            return try Self.staffUser(db, named: userName)!
        }
    }

    public func setDisabled(_ disabled: Bool, userName: String, by actor: String, now: Date) throws -> StaffUser {
        try changeUser(userName, by: actor, now: now, action: disabled ? "disabled user" : "enabled user") { db, user in
            try db.execute(sql: "UPDATE staff_user SET disabled = ? WHERE id = ?", arguments: [disabled, user.id])
        }
    }

    public func resetPassword(userName: String, to password: NewPassword, by actor: String, now: Date) throws -> StaffUser {
        let hash = try SlowHash.make(password.text)
        return try changeUser(userName, by: actor, now: now, action: "reset password", detail: "to change at next sign-in") { db, user in
            try db.execute(sql: "UPDATE staff_user SET password_hash = ?, must_change_password = 1 WHERE id = ?", arguments: [hash, user.id])
            // A forgotten password's wrong tries no longer stand between the person and the new one.
            try db.execute(sql: "DELETE FROM failed_attempt WHERE kind = ? AND subject = ?",
                           arguments: [AttemptKind.signInAccount.rawValue, try attemptSubject(user.userName)])
        }
    }

    public func setRole(_ roleId: String, userName: String, by actor: String, now: Date) throws -> StaffUser {
        if let bad = Self.roleProblem(roleId) { throw bad }
        return try changeUser(userName, by: actor, now: now, action: "set role", detail: roleId) { db, user in
            try db.execute(sql: "UPDATE staff_user SET role_id = ? WHERE id = ?", arguments: [roleId, user.id])
        }
    }

    public func setTeams(_ teamIds: Set<Int64>, userName: String, by actor: String, now: Date) throws -> StaffUser {
        try changeUser(userName, by: actor, now: now, action: "set teams",
                       detail: teamIds.isEmpty ? "none" : teamIds.sorted().map(String.init).joined(separator: ", ")) { db, user in
            try Self.requireTeams(db, teamIds)
            try db.execute(sql: "DELETE FROM staff_team WHERE user_id = ?", arguments: [user.id])
            for team in teamIds { try db.execute(sql: "INSERT INTO staff_team (user_id, team_id) VALUES (?, ?)", arguments: [user.id, team]) }
        }
    }

    // MARK: - Teams

    static func teamName(_ typed: String) throws -> String {
        let name = TextCleaner.field(typed, maxLength: Limits.name)
        if name.isEmpty { throw StaffError.invalid("a team needs a name") }
        return name
    }

    public func addTeam(named typed: String, by actor: String, now: Date) throws -> Team {
        let name = try Self.teamName(typed)
        return try write { db in
            try Self.requireAdministrator(db, actor)
            if try Int.fetchOne(db, sql: "SELECT 1 FROM team WHERE name_key = ?", arguments: [SearchKey.of(name)]) != nil {
                throw StaffError.teamNameTaken(name)
            }
            try db.execute(sql: "INSERT INTO team (name, name_key) VALUES (?, ?)", arguments: [name, SearchKey.of(name)])
            let team = Team(id: try db.lastInsertedRowID, name: name)
            try Self.audit(db, user: actor, action: "added team", detail: "\(team.id) \(name)", at: now)
            return team
        }
    }

    public func renameTeam(_ id: Int64, from old: String, to typed: String, by actor: String, now: Date) throws -> Team {
        let name = try Self.teamName(typed)
        return try write { db in
            try Self.requireAdministrator(db, actor)
            guard let team = try Self.team(db, id) else { throw StoreError.notFound("The team") }
            if team.name != old { throw StoreError.conflict("The team's name") }
            if try Int.fetchOne(db, sql: "SELECT 1 FROM team WHERE name_key = ? AND id != ?", arguments: [SearchKey.of(name), id]) != nil {
                throw StaffError.teamNameTaken(name)
            }
            try db.execute(sql: "UPDATE team SET name = ?, name_key = ? WHERE id = ?", arguments: [name, SearchKey.of(name), id])
            try Self.audit(db, user: actor, action: "renamed team", detail: "\(id) \(old) -> \(name)", at: now)
            return Team(id: id, name: name)
        }
    }

    // MARK: - Signing in

    /// What wrong tries are counted under: keyed, so a name typed by mistake into the name field (a password,
    /// say) is not kept readable, even for the few minutes the count lasts.
    func attemptSubject(_ s: String) throws -> String { try auditKeeper.mac(Data("attempt \(s)".utf8)) }

    public func signIn(userName: String, password: String, terminal: String, limit: RateLimit, now: Date) throws -> SignInResult {
        try checkPassword(userName: userName, password: password, terminal: terminal, limit: limit, now: now,
                          succeeded: "signed in", refused: "sign-in refused")
    }

    public func unlock(userName: String, password: String, terminal: String, limit: RateLimit, now: Date) throws -> SignInResult {
        try checkPassword(userName: userName, password: password, terminal: terminal, limit: limit, now: now,
                          succeeded: "unlocked", refused: "unlock refused")
    }

    /// The wait due on this account or this terminal, whichever is longer.
    private func signInWait(_ db: Database, account: String, terminal: String, limit: RateLimit, now: Date) throws -> TimeInterval? {
        let waits = [try Self.lockout(db, .signInAccount, subject: account, limit: limit, now),
                     try Self.lockout(db, .signInTerminal, subject: terminal, limit: limit, now)].compactMap { $0 }
        return waits.max()
    }

    /// Sign-in, unlock and the current password of a change (`succeeded` nil: audited by the change): the wait
    /// checked and the try counted as wrong in one transaction (nothing is checked while a wait runs, and tries
    /// made at once count as many), then the slow hash outside any transaction, then the outcome (a right
    /// password takes its try back). An unknown name costs the same hash and counts the same tries, and its
    /// audit entry names the terminal, never what was typed.
    /// The terminal's count is best effort (a local user can open new terminals); the account's is the guard.
    private func checkPassword(userName typed: String, password: String, terminal: String, limit: RateLimit, now: Date,
                               succeeded: String?, refused: String) throws -> SignInResult {
        let name = StaffUser.normalised(typed)
        let account = try attemptSubject(name), place = try attemptSubject(terminal)
        let stored = try read { db in try Row.fetchOne(db, sql: "SELECT password_hash FROM staff_user WHERE user_name = ?", arguments: [name]) }
        let who = stored == nil ? "at \(terminal)" : name
        let rows: [Int64]
        switch try countTry([(.signInAccount, account), (.signInTerminal, place)], limit: limit, now: now, whileWaiting: { db in
            try Self.audit(db, user: who, action: refused, detail: "too many tries, at \(terminal)", at: now)
        }) {
        case .waiting(let wait): return .waiting(seconds: wait)
        case .counted(let counted): rows = counted
        }
        let right = try SlowHash.matches(password, stored?["password_hash"] ?? SlowHash.decoy) == true && stored != nil
        return try write { db in
            guard right, let user = try Self.staffUser(db, named: name) else {
                try Self.audit(db, user: who, action: refused, detail: (stored == nil ? "unknown user name" : "wrong password") + ", at \(terminal)", at: now)
                return .notAccepted(wait: try signInWait(db, account: account, terminal: place, limit: limit, now: now))
            }
            try Self.uncount(db, rows)
            if user.disabled {
                try Self.audit(db, user: name, action: refused, detail: "account disabled, at \(terminal)", at: now)
                return .disabled
            }
            try db.execute(sql: "DELETE FROM failed_attempt WHERE kind = ? AND subject = ?", arguments: [AttemptKind.signInAccount.rawValue, account])
            guard let succeeded else { return .signedIn(user) }  // a password change: its own entry says so
            try db.execute(sql: "UPDATE staff_user SET last_sign_in = ? WHERE id = ?", arguments: [now, user.id])
            try Self.audit(db, user: name, action: succeeded,
                           detail: "at \(terminal)" + (user.mustChangePassword ? "; must change password" : ""), at: now)
            var signedIn = user
            signedIn.lastSignIn = now
            return user.mustChangePassword ? .mustChangePassword(signedIn) : .signedIn(signedIn)
        }
    }

    public func changePassword(userName: String, current: String, to password: NewPassword, terminal: String, limit: RateLimit,
                               now: Date) throws -> StaffUser {
        if current == password.text { throw StaffError.samePassword }
        switch try checkPassword(userName: userName, password: current, terminal: terminal, limit: limit, now: now,
                                 succeeded: nil, refused: "password change refused") {
        case .signedIn, .mustChangePassword: break
        case .waiting(let seconds): throw StaffError.waiting(seconds: seconds)
        case .notAccepted, .disabled: throw StaffError.wrongPassword
        }
        let hash = try SlowHash.make(password.text)
        return try write { db in
            guard let user = try Self.staffUser(db, named: userName) else { throw StoreError.notFound("The user") }
            try db.execute(sql: "UPDATE staff_user SET password_hash = ?, must_change_password = 0 WHERE id = ?", arguments: [hash, user.id])
            try Self.audit(db, user: user.userName, action: "changed own password", detail: "at \(terminal)", at: now)
            return try Self.staffUser(db, named: userName)!
        }
    }

    public func signInTrusted(operatingSystemAccount account: String, terminal: String, now: Date) throws -> StaffUser? {
        guard try trustsOperatingSystemAccounts() else { return nil }
        return try write { db in
            guard let user = try Self.staffUser(db, named: account), !user.disabled else { return nil }
            // Left locked (careplan killed or hung up at the lock): only the password carries on from there.
            if try Self.lastSessionEvent(db, userName: user.userName)?.leavesLocked == true {
                try Self.audit(db, user: user.userName, action: "sign-in refused", detail: "left locked: password needed, at \(terminal)", at: now)
                return nil
            }
            try db.execute(sql: "UPDATE staff_user SET last_sign_in = ? WHERE id = ?", arguments: [now, user.id])
            try Self.audit(db, user: user.userName, action: "signed in", detail: "as the operating-system account, at \(terminal)", at: now)
            return try Self.staffUser(db, named: account)
        }
    }

    /// The account's last sign-in, unlock, lock or sign-out, as audited (read newest first: it is recent).
    static func lastSessionEvent(_ db: Database, userName: String) throws -> SessionEvent? {
        let actions = SessionEvent.allCases.map(\.rawValue) + ["signed in", "unlocked"]
        let last = try String.fetchOne(db, sql: """
            SELECT action FROM audit_log WHERE "user" = ? AND action IN (\(databaseQuestionMarks(count: actions.count)))
            ORDER BY id DESC LIMIT 1
            """, arguments: StatementArguments([userName] + actions))
        return last.flatMap(SessionEvent.init(rawValue:))
    }

    public func recordSessionEvent(_ event: SessionEvent, userName: String, terminal: String, now: Date) throws {
        try write { db in try Self.audit(db, user: StaffUser.normalised(userName), action: event.rawValue, detail: "at \(terminal)", at: now) }
    }

    /// Trusted only when the setting says so AND the last audited change of it did (`AuditedSetting`).
    public func trustsOperatingSystemAccounts() throws -> Bool {
        try read { db in try Self.settingIsOn(db, .trustOSAccounts, keeper: auditKeeper) }
    }

    public func setTrustsOperatingSystemAccounts(_ trusted: Bool, by actor: String, now: Date) throws {
        try write { db in try Self.changeSetting(db, .trustOSAccounts, on: trusted, by: actor, now: now) }
    }
}
