import CareplanCore
@testable import CareplanSQLite
@_spi(StoreTesting) @testable import CareplanStore
import RepositoryTestSupport
import XCTest

/// Staff users, teams, sign-in and its waits, the operating-system account, and the audit of all of it.
final class StaffContractTests: RepositoryContractCase {
    let admin = StaffFixture.administrator, nurse = StaffFixture.nurse, password = StaffFixture.password
    let tries = StaffFixture.tries
    let terminal = "/dev/pts/3"

    func newPassword(_ text: String) -> NewPassword { StaffFixture.newPassword(text) }

    func trail(_ store: any CareRepository) throws -> [String] {
        try store.auditTrail().map { "\($0.user) | \($0.action) | \($0.detail)" }
    }

    func testTheFirstUserIsAnAdministratorAndOnlyWhileThereIsNone() throws {
        try eachRepository { store, connect in
            XCTAssertFalse(try store.hasAdministrator())
            XCTAssertThrowsError(try store.addUser(NewStaffUser(userName: "nia", fullName: "Nia", roleId: "nurse"), password: newPassword(password),
                                                   by: nil, now: now)) { XCTAssertEqual($0 as? StaffError, .noAdministrator) }
            let first = try store.addUser(NewStaffUser(userName: " Admin ", fullName: "Ada Admin", roleId: UserRole.administratorId),
                                          password: newPassword(password), by: nil, now: now)
            XCTAssertEqual(first.userName, "admin", "user names are kept trimmed and lower case")
            XCTAssertTrue(first.isAdministrator)
            XCTAssertTrue(try connect().hasAdministrator())
            XCTAssertThrowsError(try store.addUser(NewStaffUser(userName: "eve", fullName: "Eve", roleId: UserRole.administratorId),
                                                   password: newPassword(password), by: nil, now: now)) {
                XCTAssertEqual($0 as? StaffError, .administratorExists)
            }
            let t = try trail(store)
            XCTAssertTrue(t.contains("admin | created the first administrator | admin (administrator)"), t.joined(separator: "\n"))
        }
    }

    func testAnAdministratorAddsUsersWithNamesThatAreTheirsAlone() throws {
        try eachRepository { store, connect in
            let (_, added) = try StaffFixture.addUsers(to: store, now: now)
            XCTAssertEqual(added.fullName, "Nia Nurse")
            XCTAssertEqual(added.roleId, "nurse")
            XCTAssertFalse(added.disabled || added.mustChangePassword)
            XCTAssertEqual(try connect().users().map(\.userName), ["admin", "nurse"])
            XCTAssertEqual(try connect().user(named: "NURSE"), added, "found whatever the case typed")
            XCTAssertNil(try store.user(named: "nobody"))
            XCTAssertThrowsError(try store.addUser(NewStaffUser(userName: "Nurse", fullName: "Other", roleId: "nurse"), password: newPassword(password),
                                                   by: admin, now: now)) { XCTAssertEqual($0 as? StaffError, .userNameTaken("nurse")) }
            XCTAssertThrowsError(try store.addUser(NewStaffUser(userName: "sw", fullName: "Sam", roleId: "support-worker"), password: newPassword(password),
                                                   by: nurse, now: now)) { XCTAssertEqual($0 as? StaffError, .notAdministrator("nurse")) }
            XCTAssertThrowsError(try store.addUser(NewStaffUser(userName: "jo bloggs", fullName: "Jo", roleId: "nurse"), password: newPassword(password),
                                                   by: admin, now: now)) {
                XCTAssertEqual($0 as? StaffError, .invalid("a user name has only lower-case letters, digits, `.`, `_` and `-`"))
            }
            XCTAssertThrowsError(try store.addUser(NewStaffUser(userName: "jo", fullName: " \u{1B}[2J ", roleId: "nurse"), password: newPassword(password),
                                                   by: admin, now: now)) { XCTAssertEqual($0 as? StaffError, .invalid("the person's full name is needed")) }
            XCTAssertTrue(try trail(store).contains("admin | added user | nurse (nurse)"))
        }
    }

    func testSigningInSaysWhoAndNeverWhetherANameExists() throws {
        try eachRepository { store, connect in
            try StaffFixture.addUsers(to: store, now: now)
            guard case .signedIn(let user) = try store.signIn(userName: "Nurse", password: password, terminal: terminal, limit: tries, now: now) else {
                return XCTFail("not signed in")
            }
            XCTAssertEqual(user.userName, "nurse")
            XCTAssertEqual(user.lastSignIn, now)
            XCTAssertEqual(try connect().user(named: nurse)?.lastSignIn, now)
            let wrong = try store.signIn(userName: nurse, password: "not it at all", terminal: terminal, limit: tries, now: now)
            let unknown = try store.signIn(userName: "nobody", password: "not it at all", terminal: "/dev/pts/4", limit: tries, now: now)
            XCTAssertEqual(wrong, .notAccepted(wait: nil))
            XCTAssertEqual(unknown, wrong, "an unknown name is answered as a wrong password")
            let t = try trail(store)
            XCTAssertTrue(t.contains("nurse | signed in | at /dev/pts/3"), t.joined(separator: "\n"))
            XCTAssertTrue(t.contains("nurse | sign-in refused | wrong password, at /dev/pts/3"))
            XCTAssertTrue(t.contains("at /dev/pts/4 | sign-in refused | unknown user name, at /dev/pts/4"), "what was typed as a name is not kept")
            XCTAssertFalse(t.contains { $0.contains("nobody") })
        }
    }

    func testWrongPasswordsWaitPerAccountAndPerTerminal() throws {
        try eachRepository { store, connect in
            try StaffFixture.addUsers(to: store, now: now)
            var t = now
            for i in 1...tries.freeTries {
                let r = try store.signIn(userName: nurse, password: "wrong \(i) wrong", terminal: terminal, limit: tries, now: t)
                XCTAssertEqual(r, .notAccepted(wait: i == tries.freeTries ? tries.firstWait : nil), "try \(i)")
                t += 1
            }
            // The account waits, from any terminal, even with the right password.
            XCTAssertEqual(try connect().signIn(userName: nurse, password: password, terminal: "10.0.0.9", limit: tries, now: t),
                           .waiting(seconds: tries.firstWait - 1))
            // The terminal waits, for any account.
            XCTAssertEqual(try store.signIn(userName: admin, password: password, terminal: terminal, limit: tries, now: t),
                           .waiting(seconds: tries.firstWait - 1))
            // Another account at another terminal does not.
            guard case .signedIn = try store.signIn(userName: admin, password: password, terminal: "10.0.0.9", limit: tries, now: t) else {
                return XCTFail("an unrelated sign-in waited")
            }
            // After the wait, one more wrong try doubles it.
            t += tries.firstWait
            XCTAssertEqual(try store.signIn(userName: nurse, password: "still wrong!", terminal: "10.0.0.9", limit: tries, now: t),
                           .notAccepted(wait: tries.firstWait * 2))
            t += tries.firstWait * 2
            guard case .signedIn = try store.signIn(userName: nurse, password: password, terminal: "10.0.0.9", limit: tries, now: t) else {
                return XCTFail("not signed in after the wait")
            }
            XCTAssertTrue(try trail(store).contains("nurse | sign-in refused | too many tries, at 10.0.0.9"))
            // Unknown names wait the same way, so the waits tell nothing either.
            for i in 0..<tries.freeTries { _ = try store.signIn(userName: "ghost", password: "x", terminal: "tty\(i)", limit: tries, now: t) }
            XCTAssertEqual(try store.signIn(userName: "ghost", password: "x", terminal: "tty9", limit: tries, now: t), .waiting(seconds: tries.firstWait))
        }
    }

    /// Guesses made at once (one process each) count as many: only the free tries are ever checked, the rest
    /// wait without their password being looked at, whichever order they run in.
    func testGuessesMadeAtOnceCountAsMany() throws {
        try eachRepository { store, connect in
            try StaffFixture.addUsers(to: store, now: now)
            let (tries, now) = (self.tries, self.now)
            let results = try atOnce(12, connect) { i, store in
                (try? store.signIn(userName: StaffFixture.nurse, password: "guess \(i) guess", terminal: "/dev/pts/\(i)", limit: tries, now: now))
                    ?? .disabled
            }
            let checked = results.filter { if case .waiting = $0 { false } else { true } }
            XCTAssertEqual(checked.count, tries.freeTries, "\(results)")
            XCTAssertTrue(checked.allSatisfy { if case .notAccepted = $0 { true } else { false } }, "\(results)")
            // The right password now waits too.
            guard case .waiting = try store.signIn(userName: nurse, password: password, terminal: "/dev/pts/99", limit: tries, now: now) else {
                return XCTFail("the right password was checked during the wait")
            }
        }
    }

    func testADisabledAccountCannotSignInAndTheLastAdministratorStays() throws {
        try eachRepository { store, connect in
            try StaffFixture.addUsers(to: store, now: now)
            XCTAssertTrue(try store.setDisabled(true, userName: nurse, by: admin, now: now).disabled)
            XCTAssertEqual(try connect().signIn(userName: nurse, password: password, terminal: terminal, limit: tries, now: now), .disabled)
            XCTAssertEqual(try store.signIn(userName: nurse, password: "wrong password", terminal: terminal, limit: tries, now: now),
                           .notAccepted(wait: nil), "without the password, a disabled account is not told apart")
            XCTAssertFalse(try store.setDisabled(false, userName: nurse, by: admin, now: now).disabled)
            guard case .signedIn = try store.signIn(userName: nurse, password: password, terminal: terminal, limit: tries, now: now) else {
                return XCTFail("not signed in once enabled")
            }
            XCTAssertThrowsError(try store.setDisabled(true, userName: admin, by: admin, now: now)) { XCTAssertEqual($0 as? StaffError, .lastAdministrator) }
            XCTAssertThrowsError(try store.setRole("nurse", userName: admin, by: admin, now: now)) { XCTAssertEqual($0 as? StaffError, .lastAdministrator) }
            XCTAssertTrue(try store.hasAdministrator())
            XCTAssertThrowsError(try store.setDisabled(true, userName: admin, by: nurse, now: now)) { XCTAssertEqual($0 as? StaffError, .notAdministrator("nurse")) }
            XCTAssertThrowsError(try store.setDisabled(true, userName: "nobody", by: admin, now: now)) { XCTAssertEqual($0 as? StoreError, .notFound("The user nobody")) }
            // With a second administrator, the first may step down.
            XCTAssertEqual(try store.setRole(UserRole.administratorId, userName: nurse, by: admin, now: now).roleId, UserRole.administratorId)
            XCTAssertEqual(try store.setRole("read-only", userName: admin, by: nurse, now: now).roleId, "read-only")
            XCTAssertThrowsError(try store.setRole("Bad Role", userName: admin, by: nurse, now: now)) { XCTAssertEqual($0 as? StaffError, .badRole("Bad Role")) }
            let t = try trail(store)
            XCTAssertTrue(t.contains("admin | disabled user | nurse"), t.joined(separator: "\n"))
            XCTAssertTrue(t.contains("admin | enabled user | nurse"))
            XCTAssertTrue(t.contains("nurse | sign-in refused | account disabled, at /dev/pts/3"))
            XCTAssertTrue(t.contains("nurse | set role | admin: read-only"))
        }
    }

    func testAResetPasswordMustBeChangedAndChangingNeedsTheCurrentOne() throws {
        try eachRepository { store, connect in
            try StaffFixture.addUsers(to: store, now: now)
            let given = "temporary words 42"
            XCTAssertTrue(try store.resetPassword(userName: nurse, to: newPassword(given), by: admin, now: now).mustChangePassword)
            XCTAssertEqual(try store.signIn(userName: nurse, password: password, terminal: terminal, limit: tries, now: now), .notAccepted(wait: nil))
            guard case .mustChangePassword(let user) = try connect().signIn(userName: nurse, password: given, terminal: terminal, limit: tries, now: now) else {
                return XCTFail("not asked to change it")
            }
            XCTAssertEqual(user.userName, nurse)
            XCTAssertThrowsError(try store.changePassword(userName: nurse, current: "not the one", to: newPassword("my own new words"),
                                                          terminal: terminal, limit: tries, now: now)) { XCTAssertEqual($0 as? StaffError, .wrongPassword) }
            XCTAssertThrowsError(try store.changePassword(userName: nurse, current: given, to: newPassword(given), terminal: terminal, limit: tries, now: now)) {
                XCTAssertEqual($0 as? StaffError, .samePassword)
            }
            XCTAssertFalse(try store.changePassword(userName: nurse, current: given, to: newPassword("my own new words"), terminal: terminal,
                                                    limit: tries, now: now).mustChangePassword)
            guard case .signedIn = try store.signIn(userName: nurse, password: "my own new words", terminal: terminal, limit: tries, now: now) else {
                return XCTFail("the new password does not sign in")
            }
            // Wrong current passwords count towards the same wait (at another terminal: this one has two already).
            var t = now
            for _ in 0..<tries.freeTries {
                _ = try? store.changePassword(userName: nurse, current: "guess guess", to: newPassword("another set of words"), terminal: "tty2", limit: tries, now: t)
                t += 1
            }
            XCTAssertThrowsError(try store.changePassword(userName: nurse, current: "my own new words", to: newPassword("another set of words"),
                                                          terminal: "tty3", limit: tries, now: t)) {
                XCTAssertEqual($0 as? StaffError, .waiting(seconds: tries.firstWait - 1))
            }
            let trail = try trail(store)
            XCTAssertTrue(trail.contains("admin | reset password | nurse: to change at next sign-in"), trail.joined(separator: "\n"))
            XCTAssertTrue(trail.contains("nurse | changed own password | at /dev/pts/3"))
        }
    }

    func testUnlockingChecksThePasswordUnderTheSameWait() throws {
        try eachRepository { store, connect in
            try StaffFixture.addUsers(to: store, now: now)
            try store.recordSessionEvent(.lockedWhenIdle, userName: nurse, terminal: terminal, now: now)
            XCTAssertEqual(try store.unlock(userName: nurse, password: "wrong words", terminal: terminal, limit: tries, now: now), .notAccepted(wait: nil))
            guard case .signedIn = try store.unlock(userName: nurse, password: password, terminal: terminal, limit: tries, now: now) else {
                return XCTFail("not unlocked")
            }
            // (At another terminal: this one has one wrong try already, and would make the fifth wait.)
            for i in 0..<tries.freeTries { _ = try store.unlock(userName: nurse, password: "wrong \(i)", terminal: "tty2", limit: tries, now: now) }
            XCTAssertEqual(try store.signIn(userName: nurse, password: password, terminal: "elsewhere", limit: tries, now: now),
                           .waiting(seconds: tries.firstWait), "unlocking and signing in share the wait")
            try store.recordSessionEvent(.locked, userName: nurse, terminal: terminal, now: now)
            try store.recordSessionEvent(.signedOut, userName: nurse, terminal: terminal, now: now)
            let t = try trail(store)
            XCTAssertTrue(t.contains("nurse | terminal locked when idle | at /dev/pts/3"), t.joined(separator: "\n"))
            XCTAssertTrue(t.contains("nurse | unlock refused | wrong password, at /dev/pts/3"))
            XCTAssertTrue(t.contains("nurse | unlocked | at /dev/pts/3"))
            XCTAssertTrue(t.contains("nurse | locked the terminal | at /dev/pts/3"))
            XCTAssertTrue(t.contains("nurse | signed out | at /dev/pts/3"))
        }
    }

    func testTeamsAndTheirMembers() throws {
        try eachRepository { store, connect in
            try StaffFixture.addUsers(to: store, now: now)
            let breast = try store.addTeam(named: "Breast CNS team", by: admin, now: now)
            let colorectal = try store.addTeam(named: "Colorectal", by: admin, now: now)
            XCTAssertThrowsError(try store.addTeam(named: "breast cns TEAM", by: admin, now: now)) {
                XCTAssertEqual($0 as? StaffError, .teamNameTaken("breast cns TEAM"))
            }
            XCTAssertThrowsError(try store.addTeam(named: "Lung", by: nurse, now: now)) { XCTAssertEqual($0 as? StaffError, .notAdministrator("nurse")) }
            XCTAssertThrowsError(try store.addTeam(named: "  ", by: admin, now: now)) { XCTAssertEqual($0 as? StaffError, .invalid("a team needs a name")) }
            XCTAssertEqual(try connect().teams(), [breast, colorectal])
            XCTAssertEqual(try store.setTeams([breast.id, colorectal.id], userName: nurse, by: admin, now: now).teamIds, [breast.id, colorectal.id])
            XCTAssertEqual(try connect().teamMembers(breast.id).map(\.userName), [nurse])
            XCTAssertEqual(try store.setTeams([colorectal.id], userName: nurse, by: admin, now: now).teamIds, [colorectal.id])
            XCTAssertEqual(try store.teamMembers(breast.id), [])
            XCTAssertThrowsError(try store.setTeams([999], userName: nurse, by: admin, now: now)) { XCTAssertEqual($0 as? StoreError, .notFound("The team 999")) }
            XCTAssertEqual(try store.user(named: nurse)?.teamIds, [colorectal.id], "a refused change changes nothing")
            XCTAssertThrowsError(try store.teamMembers(999)) { XCTAssertEqual($0 as? StoreError, .notFound("The team")) }
            // Renaming what another administrator renamed meanwhile is refused.
            let other = try connect()
            XCTAssertEqual(try other.renameTeam(colorectal.id, from: "Colorectal", to: "Lower GI", by: admin, now: now).name, "Lower GI")
            XCTAssertThrowsError(try store.renameTeam(colorectal.id, from: "Colorectal", to: "Bowel", by: admin, now: now)) {
                XCTAssertEqual($0 as? StoreError, .conflict("The team's name"))
            }
            XCTAssertThrowsError(try store.renameTeam(colorectal.id, from: "Lower GI", to: "BREAST CNS team", by: admin, now: now)) {
                XCTAssertEqual($0 as? StaffError, .teamNameTaken("BREAST CNS team"))
            }
            XCTAssertEqual(try store.teams().map(\.name), ["Breast CNS team", "Lower GI"])
            let t = try trail(store)
            XCTAssertTrue(t.contains("admin | added team | \(breast.id) Breast CNS team"), t.joined(separator: "\n"))
            XCTAssertTrue(t.contains("admin | renamed team | \(colorectal.id) Colorectal -> Lower GI"))
            XCTAssertTrue(t.contains("admin | set teams | nurse: \(colorectal.id)"))
        }
    }

    func testPatientsHaveAResponsibleTeamAndTheRegisterShowsATeamsPatients() throws {
        try eachRepository { store, connect in
            try StaffFixture.addUsers(to: store, now: now)
            let breast = try store.addTeam(named: "Breast", by: admin, now: now)
            let lung = try store.addTeam(named: "Lung", by: admin, now: now)
            var sian = patient()
            sian.teamId = breast.id
            sian = try store.addPatient(sian, by: nurse, now: now)
            XCTAssertEqual(try connect().patient(id: sian.id!)?.teamId, breast.id)
            let other = try store.addPatient(patient("9990000018", family: "Wilson", given: "Amir"), by: nurse, now: now)
            XCTAssertNil(other.teamId)
            XCTAssertEqual(try store.searchPatients("", teams: [breast.id]).map(\.patient.id), [sian.id])
            XCTAssertEqual(try store.searchPatients("", teams: nil).count, 2, "everyone")
            XCTAssertEqual(try store.searchPatients("wi", teams: [breast.id, lung.id]).map(\.patient.id), [sian.id], "by name, in the teams")
            XCTAssertEqual(try store.searchPatients("999", teams: [breast.id]).count, 0, "by NHS number, in the team")
            XCTAssertEqual(try store.searchPatients("05/03/1961", teams: [lung.id]).count, 0, "by date of birth, in the team")
            XCTAssertEqual(try store.searchPatients("05/03/1961", teams: [breast.id]).count, 1)
            XCTAssertEqual(try store.searchPatients("", teams: []).count, 0, "in no team: nobody's")
            XCTAssertEqual(try store.patientCount(teams: [breast.id]), 1, "the register's count is of the team's patients")
            XCTAssertEqual(try store.patientCount(teams: [lung.id]), 0)
            XCTAssertEqual(try store.patientCount(teams: nil), 2)
            sian.teamId = lung.id
            sian = try store.updatePatient(sian, by: nurse, now: now)
            XCTAssertEqual(try store.searchPatients("", teams: [lung.id]).map(\.patient.id), [sian.id])
            sian.teamId = 999
            XCTAssertThrowsError(try store.updatePatient(sian, by: nurse, now: now)) { XCTAssertEqual($0 as? StoreError, .notFound("The team 999")) }
            XCTAssertEqual(try store.patient(id: sian.id!)?.teamId, lung.id)
        }
    }

    func testTheOperatingSystemAccountIsTrustedOnlyWhenAnAdministratorSaysSo() throws {
        try eachRepository { store, connect in
            try StaffFixture.addUsers(to: store, now: now)
            XCTAssertFalse(try store.trustsOperatingSystemAccounts(), "off in a new store")
            XCTAssertNil(try store.signInTrusted(operatingSystemAccount: nurse, terminal: terminal, now: now))
            XCTAssertThrowsError(try store.setTrustsOperatingSystemAccounts(true, by: nurse, now: now)) {
                XCTAssertEqual($0 as? StaffError, .notAdministrator("nurse"))
            }
            try store.setTrustsOperatingSystemAccounts(true, by: admin, now: now)
            XCTAssertTrue(try connect().trustsOperatingSystemAccounts())
            XCTAssertEqual(try store.signInTrusted(operatingSystemAccount: nurse, terminal: terminal, now: now)?.userName, nurse)
            XCTAssertNil(try store.signInTrusted(operatingSystemAccount: "root", terminal: terminal, now: now), "no careplan user of that name")
            // Left at the lock (careplan killed or hung up there): the password is needed, until it is given.
            for left in [SessionEvent.locked, .lockedWhenIdle, .endedWhileLocked] {
                try store.recordSessionEvent(left, userName: nurse, terminal: terminal, now: now)
                XCTAssertNil(try store.signInTrusted(operatingSystemAccount: nurse, terminal: terminal, now: now), left.rawValue)
                guard case .signedIn = try store.unlock(userName: nurse, password: password, terminal: terminal, limit: tries, now: now) else {
                    return XCTFail("the password unlocks")
                }
                XCTAssertEqual(try store.signInTrusted(operatingSystemAccount: nurse, terminal: terminal, now: now)?.userName, nurse, "after \(left.rawValue) and the password")
            }
            try store.recordSessionEvent(.locked, userName: nurse, terminal: terminal, now: now)
            try store.recordSessionEvent(.signedOut, userName: nurse, terminal: terminal, now: now)
            XCTAssertEqual(try store.signInTrusted(operatingSystemAccount: nurse, terminal: terminal, now: now)?.userName, nurse, "switched user at the lock")
            _ = try store.setDisabled(true, userName: nurse, by: admin, now: now)
            XCTAssertNil(try store.signInTrusted(operatingSystemAccount: nurse, terminal: terminal, now: now), "disabled")
            try store.setTrustsOperatingSystemAccounts(false, by: admin, now: now)
            XCTAssertNil(try store.signInTrusted(operatingSystemAccount: admin, terminal: terminal, now: now))
            let t = try trail(store)
            XCTAssertTrue(t.contains("admin | trusted operating-system accounts | "), t.joined(separator: "\n"))
            XCTAssertTrue(t.contains("nurse | signed in | as the operating-system account, at /dev/pts/3"))
            XCTAssertTrue(t.contains("admin | stopped trusting operating-system accounts | "))
            // Written into a copy of the store behind careplan's back (SQLite: raw SQL), the setting is not obeyed.
            guard let sqlite = store as? CareStore else { return }
            try sqlite.unauditedWrite { db in try db.execute(sql: "UPDATE setting SET value = 'yes' WHERE name = 'trust-operating-system-accounts'") }
            XCTAssertFalse(try connect().trustsOperatingSystemAccounts())
            XCTAssertNil(try store.signInTrusted(operatingSystemAccount: admin, terminal: terminal, now: now))
            guard case .broken(nil, let reason) = try store.verifyAuditTrail() else { return XCTFail("verify found nothing") }
            XCTAssertTrue(reason.contains("the setting was written outside careplan and is not obeyed"), reason)
            try store.setTrustsOperatingSystemAccounts(true, by: admin, now: now)
            XCTAssertTrue(try store.trustsOperatingSystemAccounts(), "set again by an administrator")
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
        }
    }

    func testNoPasswordReachesTheAuditTrail() throws {
        try eachRepository { store, connect in
            try StaffFixture.addUsers(to: store, now: now)
            let typed = [password, "temporary words 42", "my own new words", "wrong guess words", "typed-as-a-name"]
            _ = try store.resetPassword(userName: nurse, to: newPassword(typed[1]), by: admin, now: now)
            _ = try store.signIn(userName: nurse, password: typed[3], terminal: terminal, limit: tries, now: now)
            _ = try store.signIn(userName: typed[4], password: typed[1], terminal: terminal, limit: tries, now: now)
            _ = try store.changePassword(userName: nurse, current: typed[1], to: newPassword(typed[2]), terminal: terminal, limit: tries, now: now)
            _ = try store.unlock(userName: nurse, password: typed[3], terminal: terminal, limit: tries, now: now)
            let text = try store.auditTrail().map { "\($0.user) \($0.action) \($0.detail)" }.joined(separator: "\n")
            XCTAssertTrue(text.contains("changed own password"), "the trail was written")
            for secret in typed + ["scrypt$"] { XCTAssertFalse(text.contains(secret), "`\(secret)` is in the trail:\n\(text)") }
        }
    }
}
