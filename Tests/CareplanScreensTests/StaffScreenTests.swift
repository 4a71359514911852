import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import TermUI
import XCTest

/// Who is at the terminal: the first administrator, signing in, the waits after wrong passwords, a reset
/// password, the lock (by key and when idle), switching user, what each role is offered and refused, and the
/// administration screens.
final class StaffScreenTests: XCTestCase {
    let password = StaffFixture.password

    /// A store with the fixture's administrator and nurse.
    func staffedStore() throws -> CareStore {
        let store = try CareStore()
        try StaffFixture.addUsers(to: store, now: Harness.start)
        return store
    }

    func signIn(_ h: Harness, _ name: String, _ password: String) {
        h.type(name); h.press(.tab)
        h.type(password); h.press(.enter)
    }

    func audit(_ store: any CareRepository) throws -> [String] {
        try store.auditTrail(patientId: nil).map { "\($0.user): \($0.action)" }
    }

    // MARK: - First run and sign-in

    func testANewStoreAsksForItsFirstAdministratorAndNothingElse() throws {
        let h = Harness(signedIn: nil)
        XCTAssertEqual(h.program.currentKind, .firstAdministrator)
        h.assertGolden("first-administrator-80x24")
        h.press(.ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .firstAdministrator, "nothing else is reachable")
        h.press(.escape)
        XCTAssertTrue(h.screen.contains("Nobody can use careplan until its first administrator is created"), h.screen)

        h.type("Ada"); h.press(.tab)
        h.type("Ada Admin"); h.press(.tab)
        h.type("short"); h.press(.tab)
        h.type("short"); h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! The password has 5 characters; it needs at least 10"), h.screen)
        XCTAssertFalse(try h.store.hasAdministrator())

        h.program.session.message = nil
        // The focus is on the password, emptied.
        h.type(password); h.press(.tab)
        h.type(password + "x"); h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! The two passwords differ: type both again"), h.screen)
        h.press(.up)
        h.type(password); h.press(.tab)
        XCTAssertTrue(h.screen.contains(String(repeating: "•", count: password.count)), h.screen)
        h.type(password); h.press(.ctrl("s"))
        XCTAssertFalse(h.screen.contains(password), "a password is never drawn")
        XCTAssertEqual(h.program.currentKind, .signIn)
        XCTAssertTrue(h.screen.contains("Administrator ada created: sign in"), h.screen)
        XCTAssertEqual(try h.store.user(named: "ada")?.roleId, UserRole.administratorId)
        XCTAssertEqual(try audit(h.store).last, "ada: created the first administrator")
    }

    func testSigningInAsTheNurseOpensThePatientsAndNamesHerEverywhere() throws {
        let h = Harness(store: try staffedStore(), signedIn: nil)
        XCTAssertEqual(h.program.currentKind, .signIn)
        h.type("Nurse"); h.press(.tab)
        h.type(password)
        XCTAssertFalse(h.screen.contains(password))
        h.assertGolden("sign-in-80x24")
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .worklist, "a clinician's home is the worklist")
        XCTAssertTrue(h.screen.contains("Signed in as Nia Nurse (Nurse)"), h.screen)
        XCTAssertTrue(h.lines[0].hasSuffix(" nurse"), "the chrome says who is signed in: " + h.lines[0])
        h.addPatient()
        XCTAssertEqual(h.program.session.user, "nurse")
        let trail = try audit(h.store)
        XCTAssertTrue(trail.contains("nurse: signed in"), "\(trail)")
        XCTAssertFalse(trail.contains { $0.hasPrefix("unknown") || $0.hasPrefix("kiosk") }, "\(trail)")
        XCTAssertTrue(trail.contains("nurse: added patient") || trail.contains("nurse: listed worklist")
                      || trail.contains { $0.hasPrefix("nurse: ") && $0.contains("patient") }, "\(trail)")
    }

    func testWrongPasswordsWaitWithACountdownAndTheRightOneAfterTheWait() throws {
        let h = Harness(store: try staffedStore(), signedIn: nil)
        for _ in 0..<4 {
            signIn(h, "nurse", "not the password")
            XCTAssertTrue(h.screen.contains("! Not accepted: the user name or the password is wrong"), h.screen)
            h.press(.up)
            h.press(.ctrl("u"))
        }
        signIn(h, "nurse", "not the password")
        XCTAssertTrue(h.screen.contains("Wait 30 s before the next try"), h.screen)
        h.assertGolden("sign-in-waiting-80x24")
        h.wait(10)
        XCTAssertTrue(h.screen.contains("Wait 20 s before the next try"), "counted down by the ticks: " + h.screen)
        h.press(.up, .ctrl("u"))
        signIn(h, "nurse", password)
        XCTAssertEqual(h.program.currentKind, .signIn, "nothing is tried during the wait")
        XCTAssertTrue(h.screen.contains("Too many wrong passwords: wait 20 s"), h.screen)
        h.wait(21)
        XCTAssertFalse(h.screen.contains("Wait "), h.screen)
        h.press(.enter)  // the password typed during the wait is still there (it was not used)
        XCTAssertEqual(h.program.currentKind, .worklist)
    }

    func testADisabledAccountCannotSignIn() throws {
        let store = try staffedStore()
        _ = try store.setDisabled(true, userName: "nurse", by: StaffFixture.administrator, now: Harness.start)
        let h = Harness(store: store, signedIn: nil)
        signIn(h, "nurse", password)
        XCTAssertEqual(h.program.currentKind, .signIn)
        XCTAssertTrue(h.screen.contains("! This account is disabled: ask an administrator"), h.screen)
    }

    func testAResetPasswordMustBeChangedBeforeAnythingElse() throws {
        let store = try staffedStore()
        let given = "temporary walrus 42"
        _ = try store.resetPassword(userName: "nurse", to: StaffFixture.newPassword(given), by: StaffFixture.administrator, now: Harness.start)
        let h = Harness(store: store, signedIn: nil)
        signIn(h, "nurse", given)
        XCTAssertEqual(h.program.currentKind, .changePassword)
        XCTAssertNil(h.program.session.staff, "not signed in until the password is changed")
        let chosen = "green lantern harbour"
        h.type("wrong current"); h.press(.tab)
        h.type(chosen); h.press(.tab)
        h.type(chosen); h.press(.enter)
        XCTAssertTrue(h.screen.contains("The current password is not right"), h.screen)
        XCTAssertEqual(h.program.currentKind, .changePassword)
        h.type(given); h.press(.tab)
        h.type(chosen); h.press(.tab)
        h.type(chosen); h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .worklist)
        XCTAssertEqual(h.program.session.user, "nurse")
        XCTAssertFalse(try store.user(named: "nurse")!.mustChangePassword)
        XCTAssertEqual(try store.signIn(userName: "nurse", password: chosen, terminal: "t", limit: StaffFixture.tries, now: Harness.start).isSignedIn, true)
    }

    func testATrustedOperatingSystemAccountNeedsNoPassword() throws {
        let store = try staffedStore()
        try store.setTrustsOperatingSystemAccounts(true, by: StaffFixture.administrator, now: Harness.start)
        let p = Program(store: store, configuration: Harness.configuration, operatingSystemAccount: "nurse", size: Size(width: 80, height: 24), now: Harness.start)
        XCTAssertEqual(p.currentKind, .worklist)
        XCTAssertEqual(p.session.user, "nurse")
        let untrusted = try staffedStore()
        let q = Program(store: untrusted, configuration: Harness.configuration, operatingSystemAccount: "nurse", size: Size(width: 80, height: 24), now: Harness.start)
        XCTAssertEqual(q.currentKind, .signIn, "off by default")
    }

    // MARK: - The lock

    /// Siân's notes, with a note half typed: what the lock must hide and keep.
    func onTheNotes(_ h: Harness) {
        h.startRating("pain", 8)
        h.press(.ctrl("n"), .text(" "), .ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .conversationNotes)
        h.press(.tab)
        h.type("Walks the dog")
    }

    func testTheLockKeyHidesThePatientAndTheRightPasswordCarriesOnExactlyThere() throws {
        let h = Harness(store: try staffedStore())
        onTheNotes(h)
        h.wait(3)  // saved as typed: the lock then changes nothing shown
        let before = h.screen
        h.effects = []
        h.press(.ctrl("o"))
        XCTAssertEqual(h.program.currentKind, .lock)
        XCTAssertEqual(h.effects, [.resetScreen], "the terminal and its scrollback are wiped")
        for secret in ["Siân", "Wiśniewski", "943 476 5919", "Walks the dog", "Pain"] {
            XCTAssertFalse(h.screen.contains(secret), "\(secret) on the lock screen:\n" + h.screen)
        }
        h.assertGolden("lock-80x24")
        XCTAssertEqual(try h.store.assessment(id: h.assessment!.id)?.whatMattersToMe, "Walks the dog", "saved before locking")

        h.type("wrong password"); h.press(.enter)
        XCTAssertTrue(h.screen.contains("! Not accepted"), h.screen)
        XCTAssertEqual(h.program.currentKind, .lock)
        h.press(.ctrl("o"))
        XCTAssertTrue(h.screen.contains("Locked already"), h.screen)
        h.type(password)
        XCTAssertFalse(h.screen.contains(password))
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .conversationNotes)
        XCTAssertTrue(h.screen.contains("Unlocked: carry on where you were"), h.screen)
        h.program.session.message = nil
        XCTAssertEqual(h.screen.replacingOccurrences(of: "Unlocked: carry on where you were", with: ""),
                       before.replacingOccurrences(of: "Unlocked: carry on where you were", with: ""))
        h.type(" every morning")
        XCTAssertTrue(h.screen.contains("Walks the dog every morning"), h.screen)
        let trail = try audit(h.store)
        XCTAssertTrue(trail.contains("nurse: locked the terminal"), "\(trail)")
        XCTAssertTrue(trail.contains("nurse: unlocked"), "\(trail)")
    }

    func testAnIdleTerminalWarnsThenSavesAndLocks() throws {
        let h = Harness(store: try staffedStore(), idleLock: 60)
        onTheNotes(h)
        h.wait(25)
        XCTAssertFalse(h.screen.contains("Locking in"), h.screen)
        h.wait(10)
        XCTAssertTrue(h.screen.contains("Locking in 25 s (no key pressed): press any key to carry on"), h.screen)
        h.press(.text("!"))  // answers the warning only
        XCTAssertFalse(h.screen.contains("Walks the dog!"), h.screen)
        h.press(.text("!"))
        h.wait(35)
        XCTAssertEqual(h.program.currentKind, .conversationNotes, "a key starts the time again")
        h.effects = []
        h.wait(30)
        XCTAssertEqual(h.program.currentKind, .lock)
        XCTAssertEqual(h.effects, [.resetScreen])
        XCTAssertTrue(try h.store.assessment(id: h.assessment!.id)!.whatMattersToMe.contains("Walks the dog!"), "saved before locking")
        XCTAssertTrue(try audit(h.store).contains("nurse: terminal locked when idle"))
        h.wait(600)
        XCTAssertEqual(h.program.currentKind, .lock)
    }

    func testSwitchUserSignsOutAndLeavesNothingOfThePatient() throws {
        let h = Harness(store: try staffedStore())
        onTheNotes(h)
        h.press(.ctrl("o"), .function(2))
        XCTAssertEqual(h.program.currentKind, .signIn)
        XCTAssertNil(h.program.session.patient)
        XCTAssertNil(h.program.session.assessment)
        XCTAssertNil(h.program.session.staff)
        XCTAssertTrue(try audit(h.store).contains("nurse: signed out"))
        XCTAssertTrue(try h.store.assessment(id: 1)!.whatMattersToMe.contains("Walks the dog"), "saved when locked")
        signIn(h, "admin", password)
        XCTAssertEqual(h.program.currentKind, .patientRegister)
        XCTAssertEqual(h.program.session.user, "admin")
    }

    // MARK: - Roles

    func testASupportWorkerIsNotOfferedAgreeingAndIsRefusedIt() throws {
        let h = Harness(signedIn: Harness.staff("sam", role: "support-worker"))
        // A nurse adds Siân (a support worker may not); the support worker completes the checklist and actions.
        let p = try h.store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                               dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), by: "nurse", now: h.now)
        h.press(.ctrl("a"))
        XCTAssertTrue(h.screen.contains("Not done: the role Support worker may not add or change patients"), h.screen)
        XCTAssertFalse(h.lines[23].contains("add patient"), h.lines[23])
        h.type("Wiś"); h.press(.enter)
        XCTAssertEqual(h.program.session.patient?.id, p.id)
        h.startAssessment()
        h.type("pain"); h.press(.text("8")); h.press(.escape)
        h.press(.ctrl("n"), .text(" "), .ctrl("n"), .ctrl("n"), .text("a"))
        h.type("Paracetamol"); h.press(.tab, .tab, .tab, .ctrl("u")); h.type("01/12/2026"); h.press(.ctrl("s"))
        XCTAssertEqual(h.assessment?.actions.count, 1, "a support worker records actions")
        h.press(.ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .planReview)
        XCTAssertFalse(h.lines[23].contains("agree"), h.lines[23])
        h.press(.text("a"))
        XCTAssertTrue(h.screen.contains("Not done: the role Support worker may not agree a plan"), h.screen)
        XCTAssertFalse(h.screen.contains("Agree the plan with the patient"))
        // The runtime refuses it too, whatever a screen asks.
        let before = h.assessment!
        _ = h.program.runtime.apply(.agree(by: "Sam", role: .supportWorker, at: h.now, reviewDate: h.now.localDate.adding(days: 30)))
        XCTAssertEqual(try h.store.assessment(id: before.id)?.status, .inProgress)
        h.press(.text("p"))
        XCTAssertEqual(h.effects, [], "a support worker may not export")
        XCTAssertTrue(h.screen.contains("may not export or print a plan"), h.screen)
    }

    func testTheNursesAgreedPlanNamesHerAndHerRole() throws {
        let h = Harness()
        h.startRating("pain", 8)
        h.press(.ctrl("n"), .ctrl("n"), .ctrl("n"), .ctrl("n"))
        h.press(.text("a"))
        XCTAssertTrue(h.screen.contains("Nia Nurse, Nurse"), h.screen)
        XCTAssertFalse(h.screen.contains("‹"), "no menu for the role: " + h.screen)
        h.press(.ctrl("s"))
        XCTAssertEqual(h.assessment?.status, .agreed)
        XCTAssertEqual(h.assessment?.agreedBy, "Nia Nurse")
        XCTAssertEqual(h.assessment?.agreedRole, .otherNurse)
    }

    func testReadOnlyChangesNothingAndOnlyAnAdministratorSeesAdministration() throws {
        let store = try CareStore()
        _ = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                         dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), by: "nurse", now: Harness.start)
        let h = Harness(store: store, signedIn: Harness.staff("rita", role: "read-only"))
        XCTAssertFalse(h.lines[23].contains("F2"), h.lines[23])
        h.press(.function(2))
        XCTAssertTrue(h.screen.contains("may not manage users and teams"), h.screen)
        XCTAssertEqual(h.program.currentKind, .patientRegister)
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        XCTAssertEqual(h.lines[23].trimmingCharacters(in: .whitespaces).hasPrefix("Enter open  T trends  F follow-up  Tab info list"), true, h.lines[23])
        XCTAssertFalse(h.lines[23].contains("edit"), h.lines[23])
        h.press(.text("n"))
        XCTAssertTrue(h.screen.contains("Not done: the role Read-only (audit) may not start or fill in an assessment"), h.screen)
        h.press(.text("e"))
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        // An assessment someone else started: read, not changed.
        let started = try store.startAssessment(patientId: 1, pathwayPoint: .initialDiagnosis, completedBy: .patient, date: LocalDate(Harness.start),
                                          catalogue: Harness.configuration.catalogues["ncat-hna"]!, createdBy: "nurse", now: Harness.start)
        h.press(.escape, .enter, .enter)
        XCTAssertEqual(h.program.currentKind, .concernChecklist)
        XCTAssertFalse(h.lines[23].contains("rate") || h.lines[23].contains("choose"), h.lines[23])
        h.press(.text("7"))
        XCTAssertTrue(h.screen.contains("may not start or fill in an assessment"), h.screen)
        XCTAssertEqual(try store.assessment(id: started.id)?.concerns, [])

        let a = Harness(store: store, signedIn: Harness.staff("admin", role: "administrator"))
        XCTAssertTrue(a.lines[23].contains("F2 users"), a.lines[23])
        a.press(.function(2))
        XCTAssertEqual(a.program.currentKind, .users)
    }

    // MARK: - Administration

    func testAnAdministratorAddsUsersAndTeamsThroughTheScreensAndEveryChangeIsAudited() throws {
        let store = try staffedStore()
        let h = Harness(store: store, signedIn: try store.user(named: "admin"))
        h.press(.function(2))
        XCTAssertEqual(h.program.currentKind, .users)
        h.assertGolden("users-80x24")
        h.press(.function(3))
        XCTAssertEqual(h.program.currentKind, .teams)
        h.press(.text("a")); h.type("Breast CNS team"); h.press(.enter)
        XCTAssertEqual(try store.teams().map(\.name), ["Breast CNS team"])
        h.press(.text("m"), .down, .text(" "), .ctrl("s"))  // admin, nurse: the nurse ticked
        XCTAssertEqual(try store.user(named: "nurse")?.teamIds, [try store.teams()[0].id])
        h.press(.text("r"), .ctrl("u")); h.type("Breast care"); h.press(.enter)
        XCTAssertEqual(try store.teams().map(\.name), ["Breast care"])
        h.assertGolden("teams-80x24")

        h.press(.function(3))
        XCTAssertEqual(h.program.currentKind, .users)
        h.press(.text("a"))
        h.type("sam"); h.press(.tab)
        h.type("Sam Support"); h.press(.tab)
        h.press(.right, .right); h.press(.tab)  // nurse → allied health professional → support worker
        h.type(password); h.press(.tab)
        h.type(password)
        XCTAssertFalse(h.screen.contains(password))
        h.press(.ctrl("s"))
        XCTAssertEqual(try store.user(named: "sam")?.roleId, "support-worker")
        h.press(.down, .down)  // admin, nurse, sam
        h.press(.text("d"), .text("y"))
        XCTAssertEqual(try store.user(named: "sam")?.disabled, true)
        h.press(.text("e"), .text("y"))
        XCTAssertEqual(try store.user(named: "sam")?.disabled, false)
        h.press(.text("r"), .left, .enter)
        XCTAssertEqual(try store.user(named: "sam")?.roleId, "allied-health-professional")
        h.press(.text("p")); h.type("new shiny password"); h.press(.tab); h.type("new shiny password"); h.press(.enter)
        XCTAssertEqual(try store.user(named: "sam")?.mustChangePassword, true)
        h.press(.text("t"), .text(" "), .ctrl("s"))
        XCTAssertEqual(try store.user(named: "sam")?.teamIds.count, 1)
        h.press(.up, .up, .text("d"), .text("y"))
        XCTAssertTrue(h.screen.contains("without an enabled administrator"), "the store refuses, said: " + h.screen)
        let trail = try audit(store).filter { $0.hasPrefix("admin: ") }
        for action in ["added team", "renamed team", "added user", "set teams", "disabled user", "enabled user", "set role", "reset password"] {
            XCTAssertTrue(trail.contains { $0.contains(action) }, "\(action) in \(trail)")
        }
        h.press(.escape)
        XCTAssertEqual(h.program.currentKind, .patientRegister)
    }

    func testTheRegisterShowsMyTeamsPatientsOrEveryone() throws {
        let store = try staffedStore()
        let breast = try store.addTeam(named: "Breast CNS team", by: "admin", now: Harness.start)
        let colorectal = try store.addTeam(named: "Colorectal", by: "admin", now: Harness.start)
        _ = try store.setTeams([breast.id], userName: "nurse", by: "admin", now: Harness.start)
        func add(_ nhs: String, _ family: String, _ team: Team) throws {
            _ = try store.addPatient(Patient(nhsNumber: NHSNumber(nhs)!, familyName: family, givenName: "Test",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!, teamId: team.id), by: "nurse", now: Harness.start)
        }
        try add("9434765919", "Breastone", breast)
        try add("9434765870", "Bowelone", colorectal)
        try add("9434765005", "Bowelsecond", colorectal)
        let h = Harness(store: store, signedIn: try store.user(named: "nurse"))
        XCTAssertTrue(h.lines[0].contains("Patients of Breast CNS team"), h.lines[0])
        XCTAssertTrue(h.screen.contains("Recently changed (1 patient in all)"), "the team's patients are counted: " + h.screen)
        XCTAssertTrue(h.screen.contains("BREASTONE"), h.screen)
        XCTAssertFalse(h.screen.contains("BOWELONE"), h.screen)
        h.press(.ctrl("t"))
        XCTAssertTrue(h.lines[0].contains("All patients"), h.lines[0])
        XCTAssertTrue(h.screen.contains("Recently changed (3 patients in all)"), h.screen)
        XCTAssertTrue(h.screen.contains("BOWELONE"), h.screen)
        h.press(.ctrl("t"))
        XCTAssertFalse(h.screen.contains("BOWELONE"), h.screen)
        // A new patient's team is the nurse's own, and can be changed on the form.
        h.addPatient(nhs: "401 023 2137", family: "Newone")
        XCTAssertEqual(h.program.session.patient?.teamId, breast.id)
    }
}

private extension SignInResult {
    var isSignedIn: Bool { if case .signedIn = self { return true }; return false }
}

private extension Date {
    var localDate: LocalDate { LocalDate(self) }
}

/// The sign-in and lock screens as values: the commands their keys give, and what their answers lead to.
final class StaffScreenCommandTests: XCTestCase {
    let session = Session(configuration: Harness.configuration, flowId: "clinician", user: "kiosk", now: Harness.start)

    func keys<S: Screen>(_ screen: inout S, _ keys: Key...) -> [Command] { keys.flatMap { screen.update(.key($0), session) } }
    func type<S: Screen>(_ screen: inout S, _ text: String) { for c in text { XCTAssertEqual(screen.update(.key(.text(String(c))), session), []) } }

    func testSignInAsksTheStoreOnceAndForgetsThePassword() {
        var screen = SignInScreen(session)
        XCTAssertEqual(screen.update(.opened, session), [.checkSignIn])
        XCTAssertEqual(screen.update(.answer(.firstAdministratorNeeded), session), [.exit("first-run")])
        type(&screen, "Nurse")
        XCTAssertEqual(keys(&screen, .tab), [])
        type(&screen, "secret words here")
        XCTAssertEqual(keys(&screen, .enter), [.signIn(userName: "nurse", password: "secret words here")])
        XCTAssertEqual(screen.form.text("password"), "", "the password is not kept once sent")
        XCTAssertEqual(keys(&screen, .enter), [], "no password: nothing is sent")
        XCTAssertEqual(screen.form["password"].problem, "Type your password")

        _ = screen.update(.answer(.signIn(.notAccepted(wait: 30))), session)
        type(&screen, "another try")
        XCTAssertEqual(keys(&screen, .enter), [], "nothing is sent during the wait")
        session.now = Harness.start.addingTimeInterval(31)
        _ = screen.update(.tick, session)
        XCTAssertEqual(keys(&screen, .enter), [.signIn(userName: "nurse", password: "another try")])
        XCTAssertEqual(screen.update(.answer(.signIn(.mustChangePassword(Harness.nurse))), session), [.exit("change-password")])
        XCTAssertEqual(screen.update(.answer(.signIn(.signedIn(Harness.nurse))), session), [.exit("signed-in")])
        _ = keys(&screen, .function(5))
        XCTAssertEqual(session.message?.text, "Type your user name and password, then Enter (Ctrl-Q quits)", "no key is ignored silently")
    }

    func testTheLockUnlocksWithThePasswordResumesAndSwitchesUser() {
        var screen = LockScreen(session)
        XCTAssertEqual(keys(&screen, .enter), [])
        type(&screen, "purple tractor rain")
        XCTAssertEqual(keys(&screen, .enter), [.unlock(password: "purple tractor rain")])
        XCTAssertTrue(screen.password.isEmpty)
        XCTAssertEqual(screen.update(.answer(.signIn(.signedIn(Harness.nurse))), session), [.go(.resume)])
        XCTAssertEqual(keys(&screen, .function(2)), [.go(.signOut)])
    }

    func testAChangedPasswordIsCheckedHereAndSentWithTheCurrentOne() {
        var screen = ChangePasswordScreen(session)
        type(&screen, "given one"); _ = keys(&screen, .tab)
        type(&screen, "short"); _ = keys(&screen, .tab)
        type(&screen, "short")
        XCTAssertEqual(keys(&screen, .ctrl("s")), [])
        XCTAssertNotNil(screen.form["password"].problem)
        screen.form.focus = 1
        type(&screen, "green lantern harbour"); _ = keys(&screen, .tab)
        type(&screen, "green lantern harbour")
        let new = try! NewPassword.checked("green lantern harbour", userName: "", rules: Harness.configuration.policy.passwords).get()
        XCTAssertEqual(keys(&screen, .ctrl("s")), [.changePassword(userName: "", current: "given one", to: new)])
        XCTAssertEqual(keys(&screen, .escape), [.go(.back)])
    }

    func testEveryCommandThatChangesOrShowsRecordsNeedsItsPermission() {
        let review = LocalDate(year: 2027, month: 1, day: 1)!
        XCTAssertEqual(Runtime.permission(for: .apply(.agree(by: "", role: .cns, at: Harness.start, reviewDate: review))), .agreePlan)
        XCTAssertEqual(Runtime.permission(for: .apply(.setDistress(3))), .completeChecklist)
        XCTAssertEqual(Runtime.permission(for: .apply(.deleteAction(id: 1))), .recordActions)
        XCTAssertEqual(Runtime.permission(for: .newVersion(of: 1)), .agreePlan)
        XCTAssertEqual(Runtime.permission(for: .savePatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "", givenName: "",
                                                                     dateOfBirth: review))), .editPatients)
        XCTAssertEqual(Runtime.permission(for: .query(.patients(matching: "", limit: 1))), .viewRecords)
        XCTAssertEqual(Runtime.permission(for: .query(.users)), .manageUsers)
        XCTAssertEqual(Runtime.permission(for: .staff(.addTeam("x"))), .manageUsers)
        XCTAssertNil(Runtime.permission(for: .signIn(userName: "a", password: "b")))
        // Nobody signed in: nothing of the records.
        XCTAssertEqual(session.refusal(.viewRecords), "Not done: sign in first")
    }
}
