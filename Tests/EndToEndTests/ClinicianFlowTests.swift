import Foundation
import XCTest

/// The whole clinician flow on a new store, as a nurse would go through it at an 80x24 terminal, then the
/// store checked from outside (careplan list --json, and sqlite3).
final class ClinicianFlowTests: EndToEndCase {
    func testWholeFlowOnANewStore() throws {
        let t = tmux!
        try launch()
        try t.waitFor("Welcome to careplan. There are no patients in this store yet.")

        // Add a patient, NHS number wrong first: the message is next to the field, and what was typed stays.
        try t.keys("C-a")
        try t.waitFor(" careplan · Patient details")
        try t.type("999 000 0027")
        try t.keys("Tab")
        var screen = try t.waitFor("! Not a valid NHS number: the check digit does not match")
        XCTAssertEqual(screen.components(separatedBy: "\n")[3], " NHS number          999 000 0027")
        XCTAssertEqual(screen.components(separatedBy: "\n")[4], "                     ! Not a valid NHS number: the check digit does not match")
        try t.type("Jones-Ó Briain")
        try t.keys("Tab")
        try t.type("Siân")
        try t.keys("Tab")
        try t.type("05/03/1961")
        try t.keys("Tab")
        try t.type("Breast")
        try t.keys("C-s")
        try t.waitFor(" Not saved yet: correct the field marked with !")
        // Focus went back to the NHS number; correct the last digit only.
        try t.keys("End", "BSpace")
        try t.type("6")
        screen = try t.waitForLine(3, " NHS number          999 000 0026")
        for (row, text) in [(5, " Family name         Jones-Ó Briain"), (7, " Given name(s)       Siân"),
                            (9, " Date of birth       05/03/1961"), (11, " Diagnosis           Breast")] {
            XCTAssertEqual(screen.components(separatedBy: "\n")[row], text, "the rest of the form was kept")
        }
        try t.keys("C-s")
        screen = try t.waitFor(" Patient added")
        // The title bar: where, whose record, and who is signed in.
        XCTAssertTrue(screen.hasPrefix(" careplan · Patient record ") && screen.components(separatedBy: "\n")[0].hasSuffix("JONES-Ó BRIAIN, Siân · 999 000 0026  \(Self.account)"), screen)
        XCTAssertTrue(screen.contains(" Name                Siân Jones-Ó Briain\n NHS number          999 000 0026\n Date of birth       05 Mar 1961\n"), screen)
        try t.waitFor(" No assessments or documents yet. Press N (or Enter) to start a holistic needs\n")

        // New assessment, then the checklist.
        try startAssessment()
        try t.waitFor(" 1 Checklist › 2 Prioritise › 3 Notes › 4 Actions › 5 Review")
        try rate("Breathing difficulties", 7)
        try t.keys("Down")
        try rate("Passing urine", 10)   // 1 then 0
        screen = try t.waitFor(EndToEndCase.checklistRow("Passing urine", 10))
        XCTAssertTrue(screen.contains(EndToEndCase.checklistRow("Breathing difficulties", 7) + "\n"), screen)
        XCTAssertTrue(screen.contains(EndToEndCase.checklistHeader("2 chosen · distress --/10")), screen)

        // Type to filter across categories.
        try t.type("fatig")
        screen = try t.waitFor(" Filter: fatig   (Esc clears)")
        XCTAssertTrue(screen.contains(" PHYSICAL CONCERNS\n  [ ] Tired, exhausted or fatigued\n IN THE PATIENT'S OWN WORDS\n"), screen)
        XCTAssertFalse(screen.contains("Breathing difficulties"), "the filter hides what does not match")
        try rate("Tired, exhausted or fatigued", 4)
        try t.keys("Escape")
        try t.waitFor(EndToEndCase.checklistHeader("3 chosen · distress --/10"))

        // Something else, in the patient's own words; then the distress score.
        try t.keys("End")
        try t.keys("Up")
        try t.keys("Enter")
        try t.waitFor(" Concern in the patient's words:")
        try t.type("Worried about my dog Zoë")
        try t.keys("Enter")
        try t.waitFor(" Added: now rate it 0 to 10")
        try rate("Worried about my dog Zoë", 6)
        try t.waitFor(EndToEndCase.checklistRow("Worried about my dog Zoë", 6))
        try t.keys("End")
        try t.type("5")
        screen = try t.waitFor(" Overall distress 5: significant (4 or more)")
        XCTAssertTrue(screen.contains("  Overall distress over the past week                              5 █████░░░░░"), screen)

        // Prioritise: highest first; ] moves the chosen one down; Space marks it to discuss.
        try t.keys("C-n")
        try t.waitFor(" careplan · Prioritise")
        screen = try t.waitForLine(3, " 4 concerns · 0 to discuss today · distress 5/10: significant")
        XCTAssertEqual(Array(screen.components(separatedBy: "\n")[4...8]), [
            "  #  Discuss  Score  Concern",
            "  1  [ ]       10    Passing urine",
            "  2  [ ]        7    Breathing difficulties",
            "  3  [ ]        6    Worried about my dog Zoë",
            "  4  [ ]        4    Tired, exhausted or fatigued",
        ])
        try t.type("]")
        try t.waitForLine(5, "  1  [ ]        7    Breathing difficulties")
        try t.type(" ")
        try t.waitForLine(6, "  2  [x]       10    Passing urine")
        try t.keys("Down")
        try t.type(" ")
        screen = try t.waitForLine(7, "  3  [x]        6    Worried about my dog Zoë")
        XCTAssertEqual(screen.components(separatedBy: "\n")[3], " 4 concerns · 2 to discuss today · distress 5/10: significant")

        // Notes: what matters to me, and a note for a concern, in several scripts.
        let whatMatters = "Siân wants to visit Łódź with Zoë"
        let second = "العربية 日本語"
        let note = "Pelvic floor exercises; Siân keeps a bladder diary"
        try t.keys("C-n")
        try t.waitFor(" careplan · Conversation notes")
        try t.waitFor("│What matters to me · saved")
        try t.type(whatMatters)
        try t.keys("Enter")
        try t.type(second)
        try t.waitFor("│" + second)
        try t.waitFor("│What matters to me · saved", timeout: 3)
        try t.keys("Tab")
        try t.keys("Down")
        try t.keys("Enter")
        try t.waitFor("│Passing urine (scored 10) · saved")
        try t.type(note)
        try t.waitFor("│" + note)

        // Actions: who does what by when.
        let due = Dates.daysFromNow(30)
        try t.keys("C-n")
        try t.waitFor(" careplan · Agreed actions")
        try t.waitFor("No actions yet. Press A to agree one")
        try t.type("a")
        try t.waitFor("│ New action")
        try t.type("Refer to the continence nurse")
        try t.keys("Tab")
        try t.keys("Right")
        try t.waitFor("│ Who       ‹ Clinical nurse specialist ›")
        try t.keys("Tab")
        try t.type("Siân")
        try t.keys("Tab")
        try t.type(Dates.typed(due))
        try t.keys("C-s")
        screen = try t.waitFor(" Action saved")
        XCTAssertTrue(screen.contains("│ • Refer to the continence nurse\n"), screen)
        XCTAssertTrue(screen.contains("│   CNS (Siân) · by \(Dates.shown(due))\n"), screen)
        XCTAssertTrue(screen.contains("1 Passing urine           │"), "the concern shows its number of actions:\n\(screen)")

        // Review: agree with a review date; the plan is then locked.
        let review = Dates.daysFromNow(84)
        try t.keys("C-n")
        try t.waitFor(" careplan · Review and agree")
        screen = try t.waitFor(" Personalised Care and Support Plan · DRAFT: not yet agreed · version 1")
        XCTAssertTrue(screen.contains(" What matters to me\n \(whatMatters)\n \(second)\n"), screen)
        try t.type("a")
        // Discussed, no action: asked, the concern's name shortened in its middle so the whole question fits.
        try t.waitFor(" Agree with no action for “Worried abo… my dog Zoë”? y = yes, any other key = no")
        try t.type("y")
        try t.waitFor(" Agree the plan with the patient")
        try t.keys("C-u")
        try t.type(Dates.typed(review))
        try t.keys("C-s")
        screen = try t.waitFor(" Plan agreed and locked. P exports a PDF for the patient, the record and the GP.")
        XCTAssertEqual(screen.components(separatedBy: "\n")[3], " Agreed plan, version 1: read only. V on the review starts a new version.")
        XCTAssertEqual(screen.components(separatedBy: "\n")[4], " Personalised Care and Support Plan · Agreed and locked · version 1")
        try t.keys("End")
        screen = try t.waitFor(" · end of plan")
        XCTAssertTrue(screen.contains(" Agreed by" + String(repeating: " ", count: 15) + "Nurse\n Role" + String(repeating: " ", count: 20) + "Clinical nurse specialist\n"), screen)
        try t.keys("PageUp")
        screen = try t.waitFor(" REVIEW\n Review date  \(Dates.shown(review))\n")

        // Locked: the actions cannot be changed any more.
        try t.keys("C-p")
        try t.waitFor(" careplan · Agreed actions")
        try t.type("a")
        try t.waitFor(" This plan is agreed and locked: start a new version to change it")

        let pid = try t.pid()
        try t.keys("C-q")
        try waitForExit(pid, limit: 2, "Ctrl-Q")

        // The store, from outside.
        let json = try cli(["list", "--json"])
        let patients = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        XCTAssertEqual(patients.count, 1)
        XCTAssertEqual(patients.first?["nhsNumber"] as? String, "9990000026")
        XCTAssertEqual(patients.first?["familyName"] as? String, "Jones-Ó Briain")
        XCTAssertEqual(patients.first?["givenName"] as? String, "Siân")
        XCTAssertEqual(patients.first?["dateOfBirth"] as? String, "1961-03-05")
        XCTAssertEqual(patients.first?["latestStatus"] as? String, "agreed")

        XCTAssertEqual(try sql("SELECT status, what_matters, distress_score, review_date, agreed_by, agreed_role, version FROM assessment"), [[
            "status": "agreed", "what_matters": whatMatters + "\n" + second, "distress_score": "5",
            "review_date": Dates.iso(review), "agreed_by": "Nurse", "agreed_role": "01", "version": "1",
        ]])
        XCTAssertEqual(try sql("SELECT key, label, score, rank, discuss, note FROM concern ORDER BY rank"), [
            ["key": "breathing", "label": "Breathing difficulties", "score": "7", "rank": "0", "discuss": "0", "note": ""],
            ["key": "passing-urine", "label": "Passing urine", "score": "10", "rank": "1", "discuss": "1", "note": note],
            ["key": "other-1", "label": "Worried about my dog Zoë", "score": "6", "rank": "2", "discuss": "1", "note": ""],
            ["key": "fatigue", "label": "Tired, exhausted or fatigued", "score": "4", "rank": "3", "discuss": "0", "note": ""],
        ])
        XCTAssertEqual(try sql("SELECT concern_key, what, owner, owner_name, due, service_id FROM agreed_action"), [[
            "concern_key": "passing-urine", "what": "Refer to the continence nurse", "owner": "cns", "owner_name": "Siân",
            "due": Dates.iso(due), "service_id": "NULL",
        ]])
    }
}
