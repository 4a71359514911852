import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import CareplanSQLite
import Foundation
import RepositoryTestSupport
import TermUI
import XCTest

/// An administrator's change to an account reaches the terminal where it is signed in, and a locked terminal
/// is left only by its password or by switching user.
/// The EoTS tests' steps (fill one in), borrowed.
var documents: DocumentScreenTests { DocumentScreenTests(name: "steps", testClosure: { _ in }) }

final class AccountChangeTests: XCTestCase {
    let password = StaffFixture.password
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("account-change-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func staffedStore(path: String? = nil) throws -> CareStore {
        let store = try path.map { try CareStore(path: $0) } ?? CareStore()
        try StaffFixture.addUsers(to: store, now: Harness.start)
        return store
    }

    func audit(_ store: any CareRepository) throws -> [String] {
        try store.auditTrail(patientId: nil).map { "\($0.user): \($0.action)" }
    }

    // MARK: - Disabled or changed while signed in

    func testAnAccountDisabledWhileSignedInIsSignedOutAtItsNextChangeWithItsWorkSaved() throws {
        let h = Harness(store: try staffedStore())
        h.startRating("pain", 8)
        h.press(.ctrl("n"), .text(" "), .ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .conversationNotes)
        h.press(.tab)
        h.type("Walks the dog")
        let id = try XCTUnwrap(h.assessment?.id)
        _ = try h.store.setDisabled(true, userName: StaffFixture.nurse, by: StaffFixture.administrator, now: h.now)
        h.wait(3)  // the note is saved on a tick: that write finds the account disabled
        XCTAssertEqual(h.program.currentKind, .signIn)
        XCTAssertNil(h.program.session.staff)
        XCTAssertNil(h.program.session.patient)
        XCTAssertTrue(h.screen.contains("Signed out: an administrator disabled your account. Everything was saved."), h.screen)
        XCTAssertEqual(try h.store.assessment(id: id)?.whatMattersToMe, "Walks the dog", "the work was saved")
        XCTAssertTrue(try audit(h.store).contains("nurse: signed out: account disabled"))
    }

    func testANewRoleCountsAtTheNextCommandAndADemotedSpecialistCannotSign() throws {
        let store = try staffedStore()
        _ = try store.addUser(NewStaffUser(userName: "cns", fullName: "Cns Test", roleId: "clinical-nurse-specialist"),
                              password: StaffFixture.newPassword(for: "cns"), by: StaffFixture.administrator, now: Harness.start)
        let h = Harness(store: store, signedIn: Harness.staff("cns", role: "clinical-nurse-specialist"))
        documents.fillEoTS(documents.startEoTS(h))
        h.press(.text("s"))
        XCTAssertTrue(h.screen.contains("Sign and lock it as Cns Test"), h.screen)
        _ = try store.setRole("support-worker", userName: "cns", by: StaffFixture.administrator, now: h.now)
        h.press(.text("y"))
        XCTAssertEqual(h.program.session.role?.id, "support-worker", "read again before signing")
        XCTAssertTrue(h.screen.contains("Not done: the role Support worker may not sign documents"), h.screen)
        let d = try XCTUnwrap(try store.document(id: XCTUnwrap(h.program.session.document?.id)))
        XCTAssertEqual(d.status, .draft)
    }

    /// Another terminal's change is seen on the next tick: the keys offered follow the new role at once.
    func testAnotherTerminalsChangeToTheRoleIsSeenOnTheNextTick() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("s.sqlite").path
        let store = try staffedStore(path: path)
        let h = Harness(store: store)
        h.addPatient()
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        XCTAssertTrue(h.screen.contains("N new HNA"), h.screen)
        let administrator = try CareStore(path: path)
        _ = try administrator.setRole("read-only", userName: StaffFixture.nurse, by: StaffFixture.administrator, now: h.now)
        h.wait(1)
        XCTAssertEqual(h.program.session.role?.id, "read-only")
        XCTAssertFalse(h.screen.contains("N new HNA"), h.screen)
        _ = try administrator.setDisabled(true, userName: StaffFixture.nurse, by: StaffFixture.administrator, now: h.now)
        h.wait(1)
        XCTAssertEqual(h.program.currentKind, .signIn, "disabled: signed out without a key")
    }

    func testExportingReadsTheAccountFirst() throws {
        let h = Harness(store: try staffedStore())
        h.addPatient()
        h.startAssessment()
        _ = try h.store.setRole("read-only", userName: StaffFixture.nurse, by: StaffFixture.administrator, now: h.now)
        h.effects = []
        let assessment = try XCTUnwrap(h.assessment?.id)
        XCTAssertEqual(h.program.go(.effect(.export(assessmentId: assessment, format: "text")), confirmed: false), [])
        XCTAssertTrue(h.screen.contains("may not export"), h.screen)
    }

    // MARK: - The lock

    func testCtrlQAndCtrlCDoNotQuitALockedTerminal() throws {
        let h = Harness(store: try staffedStore())
        h.press(.ctrl("o"))
        XCTAssertEqual(h.program.currentKind, .lock)
        h.effects = []
        h.press(.ctrl("q"))
        h.press(.ctrl("c"))
        XCTAssertEqual(h.effects, [], "no quit")
        XCTAssertEqual(h.program.currentKind, .lock)
        XCTAssertTrue(h.screen.contains("Locked: careplan does not quit here"), h.screen)
        XCTAssertTrue(h.screen.contains("cannot be quit while locked"), h.screen)
        XCTAssertFalse(h.screen.contains("^Q quit"), h.screen)
        h.resize(40, 10)
        h.press(.ctrl("q"))
        XCTAssertEqual(h.effects, [], "not when too small either")
        h.resize(80, 24)
        h.type(password); h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .patientRegister)
        h.press(.ctrl("q"))
        XCTAssertEqual(h.effects, [.quit], "unlocked, Ctrl-Q quits again")
    }

    /// careplan hung up at the lock: the next start, from a trusted operating-system account, asks for the password.
    func testATrustedAccountNeedsItsPasswordAfterASessionEndedAtTheLock() throws {
        let store = try staffedStore()
        try store.setTrustsOperatingSystemAccounts(true, by: StaffFixture.administrator, now: Harness.start)
        let size = Size(width: 80, height: 24)
        let first = Program(store: store, configuration: Harness.configuration, operatingSystemAccount: "nurse", size: size, now: Harness.start)
        XCTAssertEqual(first.currentKind, .worklist)
        _ = first.handle(.ctrl("o"), now: Harness.start)
        XCTAssertEqual(first.currentKind, .lock)
        first.flush(now: Harness.start)  // SIGHUP
        XCTAssertTrue(try audit(store).contains("nurse: session ended while locked"))
        let again = Program(store: store, configuration: Harness.configuration, operatingSystemAccount: "nurse", size: size, now: Harness.start)
        XCTAssertEqual(again.currentKind, .signIn, "the password is needed")
        XCTAssertNil(try store.signInTrusted(operatingSystemAccount: "nurse", terminal: "t", now: Harness.start), "killed at the lock: the same")
        // Once the password is given, the account is trusted again.
        guard case .signedIn = try store.signIn(userName: "nurse", password: password, terminal: "t", limit: StaffFixture.tries, now: Harness.start)
        else { return XCTFail("the password signs in") }
        XCTAssertNotNil(try store.signInTrusted(operatingSystemAccount: "nurse", terminal: "t", now: Harness.start))
    }

    // MARK: - The idle warning and the lock's words

    func testTheKeyThatAnswersTheIdleWarningDoesNothingElse() throws {
        let h = Harness(store: try staffedStore(), idleLock: 60)
        h.addPatient()
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        h.wait(40)
        XCTAssertTrue(h.screen.contains("Locking in"), h.screen)
        h.press(.text("k"))  // on the record, K would issue a kiosk code
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        XCTAssertFalse(h.screen.contains("Locking in"), h.screen)
        XCTAssertFalse(h.screen.contains("kiosk code"), h.screen)
        XCTAssertTrue(h.screen.contains("that key did nothing else"), h.screen)
    }

    func testAWrongPasswordAtTheLockSaysSoAndAnEndedWaitIsNotStillShown() throws {
        let h = Harness(store: try staffedStore())
        h.press(.ctrl("o"))
        for _ in 0..<5 { h.type("not the password"); h.press(.enter) }
        XCTAssertTrue(h.screen.contains("! Not accepted: the password is not right"), h.screen)
        XCTAssertFalse(h.screen.contains("user name"), h.screen)
        h.type("again"); h.press(.enter)
        XCTAssertTrue(h.screen.contains("Too many wrong passwords: wait"), h.screen)
        h.wait(120)
        XCTAssertFalse(h.screen.contains("wait"), h.screen)
        XCTAssertFalse(h.screen.contains("Wait"), h.screen)
    }
}

/// Keys are offered by what the role may do, and a role that may not write a document reads it.
final class KeysByRoleTests: XCTestCase {
    /// Siân's record, with an EoTS the specialist filled in, as `role` sees it.
    func record(as role: String) throws -> Harness {
        let cns = documents.startEoTS()
        documents.fillEoTS(cns)
        let h = Harness(store: cns.store, signedIn: Harness.staff("who", role: role))
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .patientRecord, h.screen)
        return h
    }

    func testReadOnlyAndASupportWorkerAreNotOfferedWritingADocumentNorItsReviewKeys() throws {
        for role in ["read-only", "support-worker"] {
            let h = try record(as: role)
            XCTAssertFalse(h.lines[23].contains("W document"), h.lines[23])
            h.press(.text("q"))
            XCTAssertFalse(h.screen.contains("W write"), h.screen)
            XCTAssertFalse(h.screen.contains(" E edit"), h.screen)
            h.press(.enter)  // the draft EoTS
            XCTAssertEqual(h.program.currentKind, .documentForm)
            XCTAssertTrue(h.screen.contains("read only for your role"), h.screen)
            XCTAssertFalse(h.lines[23].contains("Enter change"), h.lines[23])
            let before = try XCTUnwrap(h.program.session.document)
            h.press(.down, .text("x"))
            XCTAssertTrue(h.screen.contains("is written by Clinical nurse specialist"), h.screen)
            XCTAssertFalse(h.screen.contains("not saved yet"), h.screen)
            XCTAssertEqual(try h.store.document(id: before.id)?.revision, before.revision)
            for _ in 0..<10 { h.press(.ctrl("n")) }
            XCTAssertFalse(h.lines[23].contains("S sign"), h.lines[23])
            if role == "read-only" {
                for key in ["P PDF", "T text", "F FHIR", "L print", "C copy"] { XCTAssertFalse(h.lines[23].contains(key), h.lines[23]) }
                h.effects = []
                h.press(.text("p"))
                XCTAssertEqual(h.effects, [])
                XCTAssertTrue(h.screen.contains("may not export or print this document"), h.screen)
            }
        }
    }

    func testTheArticleFollowsTheSound() {
        XCTAssertEqual("End of Treatment Summary".withArticle, "an End of Treatment Summary")
        XCTAssertEqual("plan".withArticle, "a plan")
        XCTAssertEqual("user".withArticle, "a user")
        XCTAssertEqual("Holistic Needs Assessment".withArticle, "a Holistic Needs Assessment")
    }

    func testTheRegisterSaysWhenAPatientHasNoAssessment() throws {
        let cns = documents.startEoTS()
        cns.press(.escape, .escape)
        XCTAssertEqual(cns.program.currentKind, .patientRegister, cns.screen)
        XCTAssertTrue(cns.screen.contains("Latest assessment"), cns.screen)
        XCTAssertTrue(cns.screen.contains("05 Mar 1961  none") || cns.screen.contains("none"), cns.screen)
        XCTAssertFalse(cns.screen.contains("No assessment"), cns.screen)
    }
}
