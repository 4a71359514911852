import Foundation
import RepositoryTestSupport
import XCTest

/// Who is at the terminal, as people meet it: the first administrator on a new store, a nurse and a support
/// worker added on the administration screen, the nurse signing in, walking away mid-assessment and finding
/// the terminal locked with nothing of the patient on it or in its scrollback, unlocking where she was; wrong
/// passwords waiting; a support worker refused the agreement; and the audit trail naming each person.
final class StaffEndToEndTests: EndToEndCase {
    let password = StaffFixture.password

    /// Sign-in on the session's screen.
    func signIn(_ name: String, _ password: String, in session: String = "t") throws {
        try tmux.waitFor(" careplan · Sign in", in: session)
        try tmux.type(name, to: session)
        try tmux.keys("Tab", to: session)
        try tmux.type(password, to: session)
        try tmux.keys("Enter", to: session)
    }

    /// Everything tmux holds of the pane: the screen and the whole history above it.
    func everything(_ session: String = "t") throws -> String {
        try tmux.tmux(["capture-pane", "-p", "-S", "-", "-t", session])
    }

    func testFirstRunANurseWhoWalksAwayASupportWorkerAndTheAuditTrail() throws {
        let t = tmux!
        // A new store, with the idle lock shortened to 8 s (the policy's minutes otherwise).
        try t.start(command: careplanCommand(environment: "CAREPLAN_IDLE_LOCK_SECONDS=8 ", staffed: false))
        try t.waitFor(" careplan · First administrator")
        try t.type("ada"); try t.keys("Tab")
        try t.type("Ada Admin"); try t.keys("Tab")
        try t.type(password); try t.keys("Tab")
        try t.type(password)
        XCTAssertFalse(try t.screen().contains(password), "a password is never drawn")
        try t.keys("C-s")
        try t.waitFor("Administrator ada created: sign in")

        // The administrator adds a nurse and a support worker, then locks and switches user.
        try signIn("ada", password)
        try t.waitFor(" careplan · Patients")
        try t.waitFor("F2 users")
        try t.keys("F2")
        try t.waitFor(" careplan · Users")
        for (name, full, rights) in [("nia", "Nia Nurse", 1), ("sam", "Sam Support", 3)] {
            try t.type("a")
            try t.waitFor("Add a user")
            try t.type(name); try t.keys("Tab")
            try t.type(full); try t.keys("Tab")
            for _ in 1..<rights { try t.keys("Right") }  // from Nurse: allied health professional, support worker
            try t.keys("Tab")
            try t.type(password); try t.keys("Tab")
            try t.type(password); try t.keys("C-s")
            try t.waitFor(" \(name) ")
        }
        try t.waitFor("Support worker")
        try t.keys("C-o")
        try t.waitFor(" careplan · Locked")
        try t.keys("F2")
        try t.waitFor("Signed out: everything was saved")

        // The nurse signs in, adds a patient, starts an assessment and types a note; then walks away.
        try signIn("nia", password)
        try toPatients()
        try t.waitFor(" nia")
        try addPatient(nhs: "943 476 5919", family: "Wiśniewski", given: "Siân")
        try startAssessment()
        try t.type("pain")
        try t.waitFor("  [ ] Pain")
        try rate("Pain", 7)
        try t.keys("C-n"); try t.waitFor(" careplan · Prioritise")
        try t.keys("Space"); try t.keys("C-n"); try t.waitFor(" careplan · Conversation notes")
        try t.keys("Tab")
        try t.type("Walks the dog every morning")
        try t.waitFor("Walks the dog every morning")
        try t.waitFor("Locking in", timeout: 9)
        try t.waitFor(" careplan · Locked", timeout: 12)
        let locked = try everything()
        for secret in ["Siân", "WIŚNIEWSKI", "943 476 5919", "Walks the dog", "Pain", password] {
            XCTAssertFalse(locked.contains(secret), "\(secret) still on screen or in the scrollback:\n\(locked)")
        }
        let lockScreen = try t.screen()
        XCTAssertTrue(lockScreen.contains("Nia Nurse (nia): type your password"), lockScreen)

        // A wrong password, then hers: the assessment is where she left it, her note as typed.
        try t.type("not my password"); try t.keys("Enter")
        try t.waitFor("! Not accepted: the password is not right")
        // A passer-by's Ctrl-Q or Ctrl-C does not quit: careplan stays, locked, over the nurse's shell.
        try t.keys("C-q")
        try t.waitFor("Locked: careplan does not quit here")
        try t.keys("C-c")
        Thread.sleep(forTimeInterval: 0.5)
        let stillLocked = try t.screen()
        XCTAssertTrue(stillLocked.contains(" careplan · Locked"), stillLocked)
        try t.type(password); try t.keys("Enter")
        try t.waitFor("Unlocked: carry on where you were")
        try t.waitFor(" careplan · Conversation notes")
        try t.waitFor("Walks the dog every morning")
        try t.type(", and swims")
        try t.waitFor("Walks the dog every morning, and swims")

        // Wrong passwords wait, visibly, on this terminal (another tty: the nurse's is not held up).
        try t.start("w", command: careplanCommand(staffed: false))
        for i in 1...5 {
            try signIn("nobody", "wrong password \(i)", in: "w")
            try t.waitFor(i < 5 ? "! Not accepted" : "Wait ", in: "w")
            try t.keys("Up", "C-u", to: "w")
        }
        try t.waitFor("s before the next try", in: "w")
        let first = try t.screen("w")
        try t.waitUntil("the wait to count down", in: "w") { $0.contains("Wait ") && $0 != first }

        // A support worker records, but is not offered (nor allowed) the agreement.
        try t.start("s", command: careplanCommand(staffed: false))
        try signIn("sam", password, in: "s")
        try toPatients("s")
        try t.type("Wiś", to: "s")
        try t.waitFor("WIŚNIEWSKI, Siân", in: "s")
        try t.keys("Enter", to: "s"); try t.waitFor(" careplan · Patient record", in: "s")
        let record = try t.screen("s")
        XCTAssertFalse(record.contains("E edit"), record)
        try t.keys("Enter", to: "s"); try t.waitFor(" careplan · Concerns checklist", in: "s")
        try t.keys("C-n", "C-n", "C-n", "C-n", to: "s")
        try t.waitFor(" careplan · Review and agree", in: "s")
        let review = try t.lines("s")
        XCTAssertFalse(review.last!.contains("A agree"), review.joined(separator: "\n"))
        try t.type("a", to: "s")
        try t.waitFor("may not agree a plan", in: "s")
        XCTAssertFalse(try t.screen("s").contains("Agree the plan with the patient"))

        // The nurse agrees it: her name and role go on the plan. Her terminal may be warning of the idle lock
        // by now: Up answers the warning (and does nothing else), or, without one, changes nothing here.
        try t.keys("Up")
        try t.keys("C-n", "C-n")
        try t.waitFor(" careplan · Review and agree")
        try t.type("a")
        try t.waitFor("Agree with no action")
        try t.type("y")
        try t.waitFor("Nia Nurse, Nurse")
        try t.keys("C-s")
        try t.waitFor("Plan agreed and locked")
        try t.keys("C-q")
        try t.keys("C-q", to: "s")
        XCTAssertEqual(try sql("SELECT agreed_by, agreed_role FROM assessment"), [["agreed_by": "Nia Nurse", "agreed_role": "02"]])

        // The trail, read by this store's own administrator (not the fixture's: this store was set up by hand).
        let read = try Shell.run(Paths.careplan, ["audit", "--store", store, "--as", "ada", "--password-stdin"], env: Self.environment, input: password + "\n")
        XCTAssertEqual(read.status, 0, read.stderr)
        let trail = read.stdout
        for (who, what) in [("ada", "created the first administrator"), ("ada", "added user"), ("ada", "locked the terminal"), ("ada", "signed out"),
                            ("nia", "signed in"), ("nia", "terminal locked when idle"), ("nia", "unlock refused"), ("nia", "unlocked"),
                            ("nia", "plan agreed and locked"), ("nia", "signed out"), ("sam", "signed in"), ("sam", "signed out")] {
            XCTAssertTrue(trail.split(separator: "\n").contains { $0.contains("  \(who)  ") && $0.contains(what) }, "\(who) \(what) not in:\n\(trail)")
        }
        // A name that does not exist is recorded by the terminal, never as typed.
        XCTAssertEqual(trail.split(separator: "\n").filter { $0.contains("sign-in refused") && $0.contains("unknown user name") }.count, 5, trail)
        XCTAssertFalse(trail.contains("nobody"), trail)
        XCTAssertFalse(trail.contains("  unknown  "), "nothing is done by nobody: " + trail)
        XCTAssertFalse(trail.contains(password), "no password in the trail")
    }
}
