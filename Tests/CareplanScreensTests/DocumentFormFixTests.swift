import CareplanRuntime
@testable import CareplanScreens
import TermUI
import XCTest
@testable import CareplanCore

/// What a tester found in the End of Treatment Summary form: dates against their rules, two terminals' texts
/// left to tidy, short text lost to a crash or to a fast paste, and the required mark cut at 80 columns.
extension DocumentScreenTests {
    func testADateAgainstItsTemplateRuleIsRefusedNextToTheFieldWithTheReason() throws {
        let h = startEoTS()
        h.press(.down)                                            // Date of diagnosis: not after today (23 Nov 2026)
        h.press(.ctrl("u")); h.type("01/12/2026"); h.press(.enter)
        XCTAssertEqual(try stored(h)["diagnosis-date"], .date(LocalDate(year: 2026, month: 9, day: 1)!), "not saved")
        XCTAssertTrue(h.screen.contains("! “Date of diagnosis” cannot be in the future (today is 23 Nov 2026)"), h.screen)
        h.press(.ctrl("u")); h.type("01/08/2026"); h.press(.enter)
        XCTAssertEqual(try stored(h)["diagnosis-date"], .date(LocalDate(year: 2026, month: 8, day: 1)!))
        // A treatment that ends before it started.
        h.press(.ctrl("n"), .text("a"))
        h.type("surg"); h.press(.enter)
        h.press(.down); h.type("01/10/2026"); h.press(.enter)
        h.type("01/09/2026"); h.press(.enter)
        XCTAssertTrue(h.screen.contains("! “Ended” cannot be before “Started” (01 Oct 2026)"), h.screen)
        h.press(.ctrl("s"))
        XCTAssertTrue(h.screen.contains("Not saved: correct “Ended” first"), h.screen)
        XCTAssertEqual(try stored(h).rows("treatments").count, 0)
        h.press(.ctrl("u")); h.type("15/10/2026"); h.press(.ctrl("s"))
        XCTAssertEqual(try stored(h).rows("treatments").first?["end-date"], .date(LocalDate(year: 2026, month: 10, day: 15)!))
    }

    func testTwoTerminalsTextsLeftToTidyAreListedOnTheReviewAndNotSigned() throws {
        let h = startEoTS()
        fillEoTS(h)
        let marked = "Breast CNS team 0113 000 0000 \(AssessmentChange.alsoTyped) ward 0113 000 0002"
        _ = try h.store.apply(.setField("contact-in-hours", .text(marked)), to: stored(h), template: eots, by: "other", now: h.now)
        h.wait(0.5)
        XCTAssertTrue(h.screen.contains("“Contact in hours” (Symptoms to report) holds two terminals' texts"), h.screen)
        h.press(.text("s"))
        XCTAssertTrue(h.screen.contains("Not signed: 1 thing needs correcting first, listed here"), h.screen)
        XCTAssertEqual(try stored(h).status, .draft)
    }

    func testShortTextIsSavedASecondAfterTypingStopsShowingSavingUntilItIs() throws {
        let h = startEoTS()
        h.press(.down, .down)                                     // Site
        h.type("left breast")
        XCTAssertTrue(h.screen.contains("saving…"), h.screen)
        h.wait(1.1)
        XCTAssertEqual(try stored(h)["site"], .text("left breast"), "saved without leaving the field")
        XCTAssertTrue(h.screen.contains("· saved"), h.screen)
        h.type(", upper outer quadrant")
        h.wait(1.1)
        XCTAssertEqual(try stored(h)["site"], .text("left breast, upper outer quadrant"))
        h.press(.enter, .up, .up)                                 // Date of diagnosis
        h.press(.ctrl("u")); h.type("31/02/2026")
        h.wait(1.1)
        XCTAssertEqual(try stored(h)["diagnosis-date"], .date(LocalDate(year: 2026, month: 9, day: 1)!), "an invalid value is not saved")
        h.press(.enter)
        XCTAssertTrue(h.screen.contains("   ! "), "and is marked when left\n\(h.screen)")
    }

    func testAFastRunOfTypingOnASelectedFieldStartsEditingItWithThatText() throws {
        let h = startEoTS()
        h.press(.ctrl("n"), .text("a"))                           // a treatment row
        h.type("surg"); h.press(.enter)
        h.press(.down); h.type("01/09/2026"); h.press(.enter)
        h.press(.down)                                            // Details, selected, not being typed in
        let details = "Wide local excision and sentinel node biopsy, St James's"
        h.press(.text(details))                                   // a paste without bracketed paste
        XCTAssertFalse(h.screen.contains("Pasted text can only go"), h.screen)
        h.press(.ctrl("s"))
        XCTAssertEqual(try stored(h).rows("treatments").first?["treatment-details"], .text(details))
        // A long text selected: the run is its first words.
        h.press(.ctrl("n"))
        let effects = String(repeating: "Tiredness for some months. ", count: 3)
        h.press(.text(effects))
        h.wait(1.1)
        XCTAssertEqual(try stored(h)["side-effects"], .text(effects))
        // Where no field takes text, it says so.
        h.press(.escape, .ctrl("p"), .down, .down)                // Aim of treatment: a choice
        h.press(.text(String(repeating: "x", count: 40)))
        XCTAssertTrue(h.screen.contains("Pasted text can only go into a box you are typing in."), h.screen)
    }

    /// A long label is cut, not its `*`: a required field must not look optional at 80 columns.
    func testTheRequiredMarkIsKeptWhenALongLabelIsCut() throws {
        let f = try XCTUnwrap(eots.field("red-flag-symptoms"))
        XCTAssertEqual(DocumentFormScreen.label(f, width: 29), DisplayWidth.truncate(f.label, to: 27) + " *")
        XCTAssertTrue(DocumentFormScreen.label(f, width: 29).hasSuffix("… *"))
        XCTAssertEqual(DocumentFormScreen.label(try XCTUnwrap(eots.field("site")), width: 29), "Site")
        XCTAssertEqual(DocumentFormScreen.label(try XCTUnwrap(eots.field("contact-in-hours")), width: 29), "Contact in hours *")
    }
}
