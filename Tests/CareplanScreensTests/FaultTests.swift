import CareplanRuntime
import CareplanScreens
import Synchronization
import TermUI
import CareplanSQLite
import RepositoryTestSupport
import XCTest
@testable import CareplanCore

/// The store stops taking writes (read-only, or the disk is full) while a nurse works. Everything given
/// stays on screen, the screen says so next to the key help, nothing goes out (export, agree) that is not on
/// disk, and all of it is saved once the store takes writes again.
final class FaultTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("screen-faults-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func harness() throws -> Harness {
        Harness(store: FaultyRepository(try CareStore(path: dir.appendingPathComponent("s.sqlite").path)))
    }

    /// The store's writes fail as on a read-only or a full file system, through a wrapping repository (the
    /// end-to-end tests use real ones; here the state machine is the subject).
    func readOnly(_ h: Harness, _ on: Bool) { (h.store as! FaultyRepository).fail(on ? .readOnly : nil) }
    func diskFull(_ h: Harness, _ full: Bool) { (h.store as! FaultyRepository).fail(full ? .diskFull : nil) }

    func stored(_ h: Harness) throws -> Assessment { try XCTUnwrap(try h.store.assessment(id: h.assessment!.id)) }

    func testAnswersGivenWhileTheStoreIsReadOnlyAreKeptShownAndSavedLater() throws {
        let h = try harness()
        h.addPatient()
        h.startAssessment()
        readOnly(h, true)
        h.type("pain"); h.press(.text("8")); h.press(.escape)
        h.press(.end, .text("6"))
        XCTAssertEqual(h.assessment?.concern("pain")?.score, 8, "on screen as given")
        XCTAssertEqual(h.assessment?.distressScore, 6)
        XCTAssertEqual(try stored(h).concerns, [])
        h.assertGolden("checklist-store-read-only")

        // Away and back: what waits is still shown.
        h.press(.ctrl("p"))
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .concernChecklist)
        XCTAssertEqual(h.assessment?.concern("pain")?.score, 8)

        // Prioritise, a note, an action: all kept.
        h.press(.ctrl("n"), .text(" "), .ctrl("n"))
        h.type("Being at home")
        h.wait(1.1)
        h.press(.ctrl("n"), .text("a"))
        h.type("Review pain relief"); h.press(.tab, .right, .tab, .tab)
        h.type("28/11/2026")
        h.press(.ctrl("s"))
        XCTAssertEqual(h.assessment?.actions.map(\.what), ["Review pain relief"])
        XCTAssertTrue(h.screen.contains("Not saved yet: the store is read-only. 5 changes kept here; retrying every 2 s"), h.screen)

        // Nothing goes out or is agreed that is not on disk; quitting asks.
        h.press(.ctrl("n"), .text("p"))
        XCTAssertEqual(h.effects, [])
        XCTAssertTrue(h.screen.contains("Not exported: 5 changes are still waiting to be saved (the store is read-only)"), h.screen)
        h.press(.text("a"), .ctrl("u")); h.type("23/02/2027"); h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("Not done: 5 changes are still waiting to be saved"), h.screen)
        XCTAssertEqual(h.assessment?.status, .inProgress)
        h.press(.escape)
        h.press(.ctrl("q"))
        XCTAssertTrue(h.screen.contains(" Quit and lose 5 unsaved changes? y = quit, any other key = stay"), h.screen)
        h.press(.text("n"))
        XCTAssertEqual(h.effects, [], "still here")

        // The store takes writes again: within a couple of seconds everything is on disk, as shown.
        readOnly(h, false)
        h.wait(2.1)
        XCTAssertTrue(h.screen.contains("Saved: the 5 changes that were waiting"), h.screen)
        XCTAssertEqual(h.program.session.waitingCount, 0)
        let onDisk = try stored(h)
        XCTAssertEqual(onDisk, h.assessment)
        XCTAssertEqual(onDisk.concern("pain")?.score, 8)
        XCTAssertEqual(onDisk.concern("pain")?.discuss, true)
        XCTAssertEqual(onDisk.distressScore, 6)
        XCTAssertEqual(onDisk.whatMattersToMe, "Being at home")
        XCTAssertEqual(onDisk.actions.map(\.what), ["Review pain relief"])
        XCTAssertGreaterThan(try XCTUnwrap(onDisk.actions.first?.id), 0)
        XCTAssertEqual(try h.store.integrityCheck(), "ok")
        h.press(.ctrl("q"))
        XCTAssertEqual(h.effects, [.quit], "nothing waits: no question")
    }

    /// A change waiting for the server is saved under the nurse who made it, though she locked the terminal and
    /// signed out before the server came back (tester's F16: it was audited under "kiosk", the default user).
    func testAWaitingChangeIsAuditedUnderWhoMadeItAfterSheSignedOut() throws {
        let h = try harness()
        h.addPatient()
        h.startAssessment()
        let id = try XCTUnwrap(h.assessment?.id)
        h.press(.ctrl("n"), .ctrl("n"))
        (h.store as! FaultyRepository).fail(.serverUnreachable)
        h.type("Being at home")
        h.wait(1.1)
        XCTAssertEqual(h.program.session.waitingCount, 1)
        let left = h.now
        h.press(.ctrl("o"), .function(2))
        XCTAssertNil(h.program.session.staff, "signed out")
        XCTAssertEqual(h.program.session.waitingCount, 1)
        (h.store as! FaultyRepository).fail(nil)
        h.wait(2.1)
        XCTAssertEqual(h.program.session.waitingCount, 0)
        XCTAssertEqual(try h.store.assessment(id: id)?.whatMattersToMe, "Being at home")
        let saved = try XCTUnwrap(try h.store.auditTrail().last { $0.action == "changed" })
        XCTAssertEqual(saved.user, Harness.nurse.userName)
        // The lock and the sign-out waited too, and are in the trail after the change, with the time they happened.
        let events = try h.store.auditTrail().suffix(2)
        XCTAssertEqual(events.map(\.action), [SessionEvent.locked.rawValue, SessionEvent.signedOut.rawValue])
        XCTAssertEqual(Set(events.map(\.user)), [Harness.nurse.userName])
        XCTAssertEqual(Set(events.map(\.at)), [left.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))])
    }

    /// Document changes wait in the same queue as the care plan's: a field and a new row typed on a full
    /// disk are shown as not saved (the form's heading, the field, the chrome's notice), counted by Ctrl-Q,
    /// kept when the form is left, not exported, and saved in order once the store takes writes again.
    func testADocumentFieldTypedWhileTheDiskIsFullWaitsInTheRuntimesQueue() throws {
        let h = try harness()
        h.addPatient()
        h.press(.text("w"), .enter)
        XCTAssertEqual(h.program.currentKind, .documentForm)
        let id = try XCTUnwrap(h.program.session.document?.id)
        func onDisk() throws -> Document { try XCTUnwrap(try h.store.document(id: id)) }
        diskFull(h, true)
        h.press(.down, .down)
        h.type("left breast"); h.press(.enter)
        XCTAssertEqual(h.program.session.document?["site"], .text("left breast"), "on screen as typed")
        XCTAssertNil(try onDisk()["site"])
        XCTAssertTrue(h.screen.contains("left breast  (not saved yet)"), h.screen)
        XCTAssertTrue(h.screen.contains("· not saved yet ·"), h.screen)
        XCTAssertTrue(h.screen.contains("Not saved yet: the disk is full. 1 change kept here; retrying every 2 s"), h.screen)
        h.assertGolden("document-disk-full")

        // A treatment added, then changed, while waiting: one change, kept as the latest.
        h.press(.ctrl("n"), .text("a"))
        h.type("surg"); h.press(.enter)
        h.press(.down); h.type("01/09/2026"); h.press(.enter, .down)
        h.type("Wide local excision"); h.press(.ctrl("s"))
        h.press(.down, .enter, .down, .down, .down, .end); h.type(" and node biopsy"); h.press(.ctrl("s"))
        XCTAssertEqual(h.program.session.document?.rows("treatments").map { $0["treatment-details"] }, [.text("Wide local excision and node biopsy")])
        XCTAssertEqual(h.program.session.waitingCount, 2)
        XCTAssertEqual(try onDisk().rows("treatments"), [])

        // Nothing signed or exported that is not on disk; leaving keeps them; quitting asks, counting them.
        for _ in 0..<9 { h.press(.ctrl("n")) }                   // to the review page, after the 10 sections
        h.press(.text("t"))
        XCTAssertEqual(h.effects, [])
        XCTAssertTrue(h.screen.contains("Not exported: 2 changes are still waiting to be saved (the disk is full)"), h.screen)
        h.press(.escape)
        XCTAssertEqual(h.program.currentKind, .patientRecord, "the runtime keeps them: no question")
        h.press(.ctrl("q"))
        XCTAssertTrue(h.screen.contains(" Quit and lose 2 unsaved changes? y = quit, any other key = stay"), h.screen)
        h.press(.text("n"))
        XCTAssertEqual(h.effects, [], "still here")
        h.wait(2.1)
        XCTAssertEqual(h.program.session.waitingCount, 2, "still full: still waiting")

        // Space again: within a couple of seconds all of it is on disk, the row with an id of its own.
        diskFull(h, false)
        h.wait(2.1)
        XCTAssertTrue(h.screen.contains("Saved: the 2 changes that were waiting"), h.screen)
        XCTAssertEqual(h.program.session.waitingCount, 0)
        XCTAssertEqual(try onDisk()["site"], .text("left breast"))
        let rows = try onDisk().rows("treatments")
        XCTAssertEqual(rows.map { $0["treatment-details"] }, [.text("Wide local excision and node biopsy")])
        XCTAssertGreaterThan(try XCTUnwrap(rows.first?.id), 0)
        h.press(.ctrl("q"))
        XCTAssertEqual(h.effects, [.quit], "nothing waits: no question")
    }

    func testANoteTypedOnAFullDiskIsKeptAsOneChangeAndSavedWhenSpaceReturns() throws {
        let h = try harness()
        h.addPatient()
        h.startAssessment()
        h.press(.ctrl("n"), .ctrl("n"))
        diskFull(h, true)
        let words = String(repeating: "Worried about the scan results and the drive to clinic. ", count: 300)
        h.press(.text(words))  // pasted
        h.wait(1.1)
        h.type("More.")
        h.wait(1.1)
        XCTAssertEqual(h.program.session.waitingCount, 1, "the same note again replaces the waiting one")
        XCTAssertTrue(h.screen.contains("Not saved yet: the disk is full. 1 change kept here; retrying every 2 s"), h.screen)
        XCTAssertEqual(try stored(h).whatMattersToMe, "")
        h.wait(2.1)
        XCTAssertEqual(h.program.session.waitingCount, 1, "still full: still waiting, still shown")
        diskFull(h, false)
        h.wait(2.1)
        XCTAssertEqual(try stored(h).whatMattersToMe, words + "More.")
        XCTAssertEqual(h.program.session.waitingCount, 0)
    }

    func testActionsAddedWhileWaitingKeepTheirIdentityOnceSaved() throws {
        let h = try harness()
        h.addPatient()
        h.startAssessment()
        h.type("pain"); h.press(.text("8")); h.press(.escape)
        let s = h.program.runtime
        readOnly(h, true)
        s.apply(.saveAction(AgreedAction(concernKey: "pain", what: "First", owner: .cns)))
        let temporary = try XCTUnwrap(h.program.session.assessment?.actions.last?.id)
        XCTAssertLessThan(temporary, 0, "not the store's id")
        s.apply(.saveAction(AgreedAction(id: temporary, concernKey: "pain", what: "First, changed", owner: .gp)))
        s.apply(.saveAction(AgreedAction(concernKey: "pain", what: "Second", owner: .patient)))
        XCTAssertEqual(h.program.session.assessment?.actions.map(\.what), ["First, changed", "Second"])
        readOnly(h, false)
        XCTAssertTrue(s.saveWaiting())
        XCTAssertEqual(try stored(h).actions.map(\.what), ["First, changed", "Second"])
        XCTAssertEqual(try stored(h).actions.map(\.owner), [.gp, .patient])
        // A screen still holding the temporary id changes the saved action, not a new one.
        XCTAssertTrue(s.apply(.deleteAction(id: temporary)))
        XCTAssertEqual(try stored(h).actions.map(\.what), ["Second"])
    }

    func testWaitingChangesGoOnTopOfAnotherTerminalsAndAreDroppedOnlyIfThePlanWasAgreed() throws {
        let h = try harness()
        h.addPatient()
        h.startAssessment()
        let id = try XCTUnwrap(h.assessment?.id)
        let other = try CareStore(path: dir.appendingPathComponent("s.sqlite").path)
        readOnly(h, true)
        h.type("pain"); h.press(.text("8")); h.press(.escape)
        // Another terminal (its own connection, which can write) changes the same assessment meanwhile.
        let theirs = try other.apply(.setDistress(3), to: id, basedOn: try XCTUnwrap(other.assessment(id: id)))
        readOnly(h, false)
        h.wait(2.1)
        XCTAssertTrue(h.screen.contains("Saved what was waiting, after changes made on another terminal"), h.screen)
        XCTAssertEqual(try stored(h).distressScore, 3, "theirs is kept")
        XCTAssertEqual(try stored(h).concern("pain")?.score, 8, "and so is this one's")
        XCTAssertEqual(h.assessment?.distressScore, 3, "and the screen shows both")
        _ = theirs

        readOnly(h, true)
        h.press(.text("5"))
        let now = try XCTUnwrap(other.assessment(id: id))
        _ = try other.apply(.agree(by: "Other Nurse", role: .cns, at: Date(), reviewDate: LocalDate(year: 2027, month: 2, day: 1)!),
                            to: id, basedOn: now)
        readOnly(h, false)
        h.wait(2.1)
        XCTAssertTrue(h.screen.contains("Not saved: 1 change; the plan was agreed or removed on another terminal"), h.screen)
        XCTAssertEqual(h.assessment?.status, .agreed, "the screen shows the plan as it now is")
    }
}

extension FaultTests {
    /// On the kiosk the patient is not asked to do anything about a disk: the answers stay, staff are asked
    /// for, and the checklist is not sent until everything is stored.
    func testKioskKeepsThePatientsAnswersAndAsksForStaff() throws {
        let (h, code) = try Harness.kioskWithCode(store: FaultyRepository(try CareStore()))
        let store = h.store
        h.identify(code)
        XCTAssertEqual(h.program.currentKind, .kioskChecklist)
        diskFull(h, true)
        h.type("15"); h.press(.text(" "))
        h.type("8"); h.press(.enter)
        XCTAssertEqual(h.assessment?.concern("pain")?.score, 8)
        XCTAssertTrue(h.screen.contains(" Your answers are kept but not yet stored. Please tell a member of staff."), h.screen)
        for _ in 0..<6 { h.press(.enter) }
        h.type("3"); h.press(.enter)          // distress
        h.press(.enter)                       // no message
        XCTAssertEqual(h.program.currentKind, .kioskReview)
        h.press(.text("9"), .enter)           // send
        XCTAssertNotEqual(h.program.currentKind, .kioskThanks, "not sent while answers wait")
        XCTAssertTrue(h.screen.contains("Your answers could not be sent yet. Please tell a member of staff."), h.screen)
        diskFull(h, false)
        h.wait(2.1)
        h.press(.text("9"), .enter)
        XCTAssertEqual(h.program.currentKind, .kioskThanks)
        let sent = try XCTUnwrap(try store.assessment(id: code.assessmentId))
        XCTAssertEqual(sent.concern("pain")?.score, 8)
        XCTAssertEqual(sent.distressScore, 3)
        XCTAssertNotNil(sent.submittedAt)
    }
}

extension FaultTests {
    /// The status rows above the key help, as one line: a long message or notice wraps onto the row above.
    func status(_ h: Harness) -> String {
        let lines = h.lines
        return lines[lines.count - 3 ..< lines.count - 1].map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Every way a store refuses writes, a file's or a database server's (out of reach, its disk full, a
    /// standby), keeps the change, says why in its own words, whole at 80 columns, and saves it when the
    /// store takes writes again.
    func testEveryWriteFailureKeepsTheChangeAndSaysWhyWholeAt80Columns() throws {
        let h = try harness()
        h.addPatient()
        h.startAssessment()
        h.press(.ctrl("n"), .ctrl("n"))
        var typed = ""
        for failure in WriteFailure.allCases {
            (h.store as! FaultyRepository).fail(failure)
            h.type(String(failure.rawValue.prefix(3))); typed += failure.rawValue.prefix(3)
            h.wait(1.1)
            XCTAssertTrue(status(h).hasSuffix("Not saved yet: \(failure.rawValue). 1 change kept here; retrying every 2 s"), "\(failure)\n" + h.screen)
            XCTAssertEqual(try stored(h).whatMattersToMe, String(typed.dropLast(3)), "\(failure): waiting, not on disk")
            (h.store as! FaultyRepository).fail(nil)
            h.wait(2.1)
            XCTAssertEqual(h.program.session.waitingCount, 0, "\(failure)")
            XCTAssertEqual(try stored(h).whatMattersToMe, typed, "\(failure): saved once the store takes writes")
        }
        (h.store as! FaultyRepository).fail(.serverUnreachable)
        h.type(" more"); h.wait(1.1)
        XCTAssertEqual(status(h), "Not saved yet: the database server cannot be reached. 1 change kept here; retrying every 2 s", h.screen)
    }

    /// A record opened while the database server is out of reach: not opened, said so, and the screen shown
    /// stays as it was; opened once the server answers again.
    func testOpeningARecordWhileTheServerCannotBeReachedKeepsTheScreen() throws {
        let h = try harness()
        h.addPatient()
        h.startAssessment()
        h.press(.ctrl("p"))
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        let faulty = h.store as! FaultyRepository
        faulty.failReads(.serverUnreachable)
        let before = h.screen
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .patientRecord, "not opened")
        XCTAssertEqual(status(h), "Not opened: the database server cannot be reached; what is on screen is kept", h.screen)
        XCTAssertEqual(Array(h.lines.prefix(20)), Array(before.components(separatedBy: "\n").prefix(20)), "what was shown stays")
        faulty.failReads(nil)
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .concernChecklist, "opened when the server answers")
    }
    /// A terminate or hang-up while changes wait for a server gone: they are tried again, as the tick does,
    /// for the patience given; what is still waiting is returned, counted and with why (never "everything
    /// saved"); a server back within it takes them all.
    func testStoppingWhileChangesWaitTriesForAWhileThenSaysWhatWasNotSaved() throws {
        let h = try harness()
        h.addPatient()
        h.startAssessment()
        let faulty = h.store as! FaultyRepository
        faulty.fail(.serverUnreachable)
        h.type("pain"); h.press(.text("8")); h.press(.escape)
        h.press(.end, .text("6"))
        XCTAssertEqual(h.program.session.waitingCount, 2)

        var clock = h.now, waits: [TimeInterval] = []
        let gone = h.program.flush(now: h.now, patience: 5, clock: { clock }, wait: { waits.append($0); clock += $0 })
        XCTAssertEqual(waits, [2, 2, 1], "tried every 2 s, for 5 s")
        XCTAssertEqual(gone?.count, 2)
        XCTAssertEqual(gone?.why, "the database server cannot be reached")
        XCTAssertEqual(gone?.sentence, "stopped with 2 changes not saved: the database server cannot be reached")
        XCTAssertEqual(try stored(h).concerns, [])

        // The server back while it waits: everything saved, nothing returned.
        clock = h.now; waits = []
        let saved = h.program.flush(now: h.now, patience: 5, clock: { clock }, wait: { waits.append($0); clock += $0; faulty.fail(nil) })
        XCTAssertNil(saved)
        XCTAssertEqual(waits, [2])
        XCTAssertEqual(try stored(h).concern("pain")?.score, 8)
        XCTAssertEqual(try stored(h).distressScore, 6)
        XCTAssertNil(h.program.flush(now: h.now), "nothing waits: nothing to say")
    }

    /// A search while the database server is out of reach says it could not be made, keeps what was typed, and
    /// neither says no patient matches nor offers to add one (the patient is there); Enter searches again.
    func testASearchWhileTheServerCannotBeReachedSaysSoAndKeepsWhatWasTyped() throws {
        let store = try CareStore(path: dir.appendingPathComponent("s.sqlite").path)
        _ = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "King", givenName: "Amelia",
                                         dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), now: Harness.start)
        let faulty = FaultyRepository(store)
        let h = Harness(store: faulty)
        faulty.failReads(.serverUnreachable)
        h.type("king")
        let shown = { h.lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") }
        XCTAssertTrue(h.screen.contains(" Find: king"), h.screen)
        XCTAssertTrue(shown().contains("Cannot search: the database server cannot be reached. What you typed is kept: press Enter to search again."), h.screen)
        XCTAssertFalse(h.screen.contains("No patient matches") || h.screen.contains("adds a new patient"), h.screen)
        h.press(.enter)
        XCTAssertEqual(h.program.currentKind, .patientRegister, "nothing opened, nothing added")
        XCTAssertTrue(shown().contains("Cannot search: the database server cannot be reached."), h.screen)
        faulty.failReads(nil)
        h.press(.enter)
        XCTAssertTrue(h.screen.contains(" Find: king"), h.screen)
        XCTAssertTrue(h.screen.contains("1 found") && h.screen.contains("Amelia"), h.screen)
        XCTAssertFalse(h.screen.contains("Cannot search"), h.screen)
        // Opened with the server out of reach: not "no patients in this store yet" (the count could not be read either).
        faulty.failReads(.serverUnreachable)
        let opened = Harness(store: faulty)
        XCTAssertFalse(opened.screen.contains("no patients in this store"), opened.screen)
        XCTAssertTrue(opened.screen.contains("Cannot search: the database server cannot be reached."), opened.screen)
        faulty.failReads(nil)
        opened.press(.enter)
        XCTAssertTrue(opened.screen.contains("Recently changed (1 patient in all)") && opened.screen.contains("Amelia"), opened.screen)
    }
}
