import CareplanCore
@testable import CareplanRuntime
@testable import CareplanScreens
import CareplanSQLite
import Foundation
import TermUI
import XCTest

/// Health and wellbeing information (issue 13): the picker over the care plan, a document and the record;
/// what it records (one transaction, with its source); the record's list and events; who may give it.
final class InformationScreenTests: XCTestCase {
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    /// Siân's plan on its review: pain rated 8, discussed.
    func onReview() -> Harness {
        let h = Harness()
        h.addPatient()
        h.startAssessment()
        h.type("pain"); h.press(.text("8")); h.press(.escape)
        h.press(.ctrl("n"), .text(" "), .ctrl("n"), .ctrl("n"), .ctrl("n"))
        XCTAssertEqual(h.program.currentKind, .planReview)
        return h
    }

    func given(_ h: Harness) throws -> [InformationGiven] { try h.store.informationGiven(patientId: XCTUnwrap(h.program.session.patient?.id)) }

    func testTwoItemsFoundByTypingAreGivenFromTheCarePlanWhichThenListsThem() throws {
        let h = onReview()
        h.press(.text("i"))
        h.assertGolden("information-picker")
        h.type("fear")
        XCTAssertTrue(h.screen.contains("[ ] Living with the fear of cancer coming back"), h.screen)
        XCTAssertFalse(h.screen.contains("Late effects"), "narrowed by the typed word\n\(h.screen)")
        h.press(.text(" "))
        for _ in 0..<4 { h.press(.backspace) }
        h.type("look"); h.press(.text(" "))  // Space chooses: typing narrows by words, one at a time
        XCTAssertTrue(h.screen.contains("2 chosen"), h.screen)
        h.press(.enter)
        h.assertGolden("information-giving")
        h.press(.enter)                       // how: handed over; the date: today. Enter records from the first field, as the key line says
        XCTAssertTrue(h.screen.contains("Print the information prescription for the patient now?"), h.screen)
        h.press(.text("n"))
        let recorded = try given(h)
        XCTAssertEqual(Set(recorded.map(\.title)), ["Living with the fear of cancer coming back", "After treatment: what to look out for"])
        XCTAssertEqual(Set(recorded.map(\.source)), [.assessment(try XCTUnwrap(h.assessment?.id))])
        XCTAssertEqual(Set(recorded.map(\.how)), [.handedOver])
        XCTAssertEqual(Set(recorded.map(\.date)), [today])
        XCTAssertEqual(Set(recorded.map(\.givenBy)), [Harness.nurse.userName])
        // The plan's information section lists them, as its printed copy does.
        h.press(.home, .pageDown)
        XCTAssertTrue(h.screen.contains("Information given"), h.screen)
        XCTAssertTrue(h.screen.contains("Living with the fear of cancer coming      handed over       23 Nov 2026"), h.screen)
    }

    func testThePrescriptionIsOfferedOnceRecordedAndPSavesItsPDF() throws {
        let h = onReview()
        h.press(.text("i"))
        h.type("fatigue"); h.press(.text(" "), .enter)
        h.press(.right, .right, .enter)  // how: → link, → printed (it wraps); the date: today
        let recorded = try given(h)
        XCTAssertEqual(recorded.map(\.how), [.printed])
        h.press(.text("p"))
        XCTAssertEqual(h.effects.last, .exportInformation(patientId: recorded[0].patientId, date: today, ids: recorded.map(\.id), format: "pdf"))
    }

    func testTheDateIsCheckedAndNothingChosenIsLostByEscape() throws {
        let h = onReview()
        h.press(.text("i"))
        h.press(.right)                       // the first topic: signs and symptoms of recurrence
        XCTAssertTrue(h.screen.contains("Topic ‹ Signs and symptoms of recurrence ›"), h.screen)
        XCTAssertFalse(h.screen.contains("Late effects"), h.screen)
        h.press(.text(" "), .down, .text(" "), .enter)
        h.press(.down, .ctrl("u")); h.type("24/11/2026"); h.press(.enter)
        XCTAssertTrue(h.screen.contains("! Information cannot be given in the future"), h.screen)
        h.press(.ctrl("u")); h.type("31/02/2026"); h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("31/02/2026"), "as typed\n\(h.screen)")
        h.press(.up, .enter)                  // Enter on "How given" records too: the date is checked first
        XCTAssertTrue(h.screen.contains("Not recorded: correct the date"), h.screen)
        XCTAssertEqual(try given(h), [], "nothing recorded with a wrong date")
        h.press(.escape)                      // back to the list, both still chosen
        XCTAssertTrue(h.screen.contains("2 chosen"), h.screen)
        h.press(.escape)                      // asks: two are chosen
        XCTAssertTrue(h.screen.contains("Close without recording the 2 items chosen?"), h.screen)
        h.press(.text("x"))
        XCTAssertTrue(h.screen.contains("2 chosen"), "any other key stays\n\(h.screen)")
        h.press(.escape, .text("y"))
        XCTAssertFalse(h.screen.contains("Find:"), h.screen)
        XCTAssertEqual(h.program.currentKind, .planReview)
    }

    func testFromADocumentTheDocumentIsTheSource() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("w"), .enter)
        for _ in 0..<10 { h.press(.ctrl("n")) }
        let document = try XCTUnwrap(h.program.session.document)
        h.press(.text("i"))
        XCTAssertTrue(h.screen.contains("from End of Treatment Summary"), h.screen)
        h.type("money"); h.press(.enter, .enter, .text("n"))
        XCTAssertEqual(try given(h).map(\.source), [.document(document.id)])
        h.press(.escape)                      // the record lists it, from the document
        h.press(.tab)
        XCTAssertTrue(h.screen.contains("End of Treatment"), h.screen)
    }

    func testTheRecordListsWhatWasGivenAndRecordsEventsOfferedOrAttended() throws {
        let h = Harness()
        h.addPatient()
        h.press(.text("i"))
        h.type("sleep"); h.press(.text(" "), .enter)
        h.press(.left, .enter, .text("n"))    // emailed
        h.press(.text("o"))
        XCTAssertTrue(h.screen.contains("Course or event for Siân Wiśniewski"), h.screen)
        h.press(.down, .right, .down, .ctrl("u")); h.type("22/11/2026"); h.press(.enter)  // the first course, attended, yesterday
        let occasions = try h.store.occasions(patientId: XCTUnwrap(h.program.session.patient?.id))
        XCTAssertEqual(occasions.map(\.status), [.attended])
        XCTAssertEqual(occasions.map(\.date), [today.adding(days: -1)])
        XCTAssertTrue(h.screen.contains("Information and events"), "shown once recorded\n\(h.screen)")
        h.assertGolden("record-information")
        h.press(.text("p"))
        XCTAssertEqual(h.effects.last, .exportInformation(patientId: occasions[0].patientId, date: today, ids: [], format: "pdf"))
        h.press(.tab)
        XCTAssertTrue(h.screen.contains("Timeline  (Tab: information and events, 2)"), h.screen)
        h.press(.text("o")); h.press(.down, .down, .ctrl("u")); h.type("1/1/2027"); h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("! Record it once offered or attended"), h.screen)
    }

    func testTheKeyLineFitsAt80AndTheListIsUsableSmall() throws {
        let h = onReview()
        h.press(.text("i"))
        XCTAssertTrue(h.lines.last!.contains("Space choose") && h.lines.last!.contains("Esc close"), h.lines.last!)
        h.resize(50, 14)
        h.type("fear")
        XCTAssertTrue(h.screen.contains("Living with the fear"), h.screen)
        h.press(.text(" "), .enter)
        XCTAssertTrue(h.screen.contains("How given"), h.screen)
    }

    func testARoleThatMayNotRecordCareIsNotOfferedIt() throws {
        let store = try CareStore()
        _ = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                         dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), now: Harness.start)
        let h = Harness(store: store, signedIn: Harness.staff("auditor", role: "read-only"))
        h.press(.enter)                       // the register's only patient
        XCTAssertEqual(h.program.currentKind, .patientRecord)
        h.press(.text("i"))
        XCTAssertFalse(h.screen.contains("Find:"), h.screen)
        XCTAssertTrue(h.program.session.message?.kind == .error, h.screen)
        XCTAssertEqual(Runtime.permission(for: .giveInformation(itemIds: ["x"], date: today, how: .printed, from: nil)), .recordActions)
    }
}
