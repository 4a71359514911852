import CareplanCore
import XCTest

/// The conflict rule of each kind of answer, on two connections to one store (two terminals): a change
/// is checked against the one answer it changes, as its terminal showed it.
final class AnswerConflictTests: RepositoryContractCase {
    /// Terminals A and B on one store (two connections), and the assessment both show: pain 6 and fatigue 4, both to discuss,
    /// a note on pain, what matters, distress 5, an action on pain.
    func twoTerminals(_ a: any CareRepository, _ connect: () throws -> any CareRepository) throws -> (any CareRepository, Assessment) {
        let p = try a.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                         dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!), now: now)
        var seen = try a.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician,
                                         date: LocalDate(year: 2026, month: 11, day: 23)!, catalogue: Self.catalogue, createdBy: "t", now: now)
        for change: AssessmentChange in [
            .setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 6)),
            .setConcern(ConcernEntry(key: "fatigue", categoryId: "physical", label: "Fatigue", score: 4)),
            .setOrder(["pain", "fatigue"]), .setDiscuss(key: "pain", true), .setDiscuss(key: "fatigue", true),
            .setNote(key: "pain", text: "Worse at night"),
            .setWhatMattersToMe("Home"),
            .setDistress(5),
            .saveAction(AgreedAction(concernKey: "pain", what: "Review pain relief", owner: .gp)),
        ] { seen = try a.apply(change, to: seen.id, basedOn: seen, now: now) }
        return (try connect(), seen)
    }

    func testDifferentAnswersOnTheSameScreenNeverCollide() throws {
        try eachRepository { store, connect in
            let (b, seen) = try twoTerminals(store, connect)
            let a = store
            try a.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 8)), to: seen.id, basedOn: seen)
            try b.apply(.setConcern(ConcernEntry(key: "fatigue", categoryId: "physical", label: "Fatigue", score: 2)), to: seen.id, basedOn: seen)
            try a.apply(.setNote(key: "pain", text: "Worse at night, left hip"), to: seen.id, basedOn: seen)
            try b.apply(.setNote(key: "fatigue", text: "Naps after lunch"), to: seen.id, basedOn: seen)
            try a.apply(.setDistress(7), to: seen.id, basedOn: seen)
            try b.apply(.setWhatMattersToMe("Home, and the garden"), to: seen.id, basedOn: seen)
            try a.apply(.setReviewDate(LocalDate(year: 2027, month: 2, day: 1)), to: seen.id, basedOn: seen)
            let stored = try XCTUnwrap(try b.assessment(id: seen.id))
            XCTAssertEqual(stored.concern("pain")?.score, 8)
            XCTAssertEqual(stored.concern("fatigue")?.score, 2)
            XCTAssertEqual(stored.concern("pain")?.note, "Worse at night, left hip", "rating fatigue did not write back pain's old note")
            XCTAssertEqual(stored.concern("fatigue")?.note, "Naps after lunch")
            XCTAssertEqual(stored.concern("pain")?.discuss, true, "ratings keep the order and the discuss marks")
            XCTAssertEqual(stored.distressScore, 7)
            XCTAssertEqual(stored.whatMattersToMe, "Home, and the garden")
            XCTAssertEqual(stored.reviewDate, LocalDate(year: 2027, month: 2, day: 1))
        }
    }

    func testTheSameTextChangedUnderneathKeepsBothMarked() throws {
        try eachRepository { store, connect in
            let (b, seen) = try twoTerminals(store, connect)
            let a = store
            try a.apply(.setNote(key: "pain", text: "Worse at night AAA-one"), to: seen.id, basedOn: seen)
            let saved = try b.save(.setNote(key: "pain", text: "Worse at night BBB-two"), to: seen.id, base: .text("Worse at night"))
            XCTAssertEqual(saved.assessment.concern("pain")?.note, "Worse at night AAA-one\n\(AssessmentChange.alsoTyped)\nBBB-two")
            XCTAssertEqual(saved.merged, "Both texts kept: another terminal changed this note too; please tidy it")
            // B rewrote the text it was shown (not only added to it): all of B's text goes under the line.
            let again = try a.save(.setWhatMattersToMe("Family"), to: seen.id, base: .text("Home"))
            XCTAssertNil(again.merged)
            let rewritten = try b.save(.setWhatMattersToMe("Being at home"), to: seen.id, base: .text("Home"))
            XCTAssertEqual(rewritten.assessment.whatMattersToMe, "Family\n\(AssessmentChange.alsoTyped)\nBeing at home")
            // The same words saved twice (a retry) are no conflict and write nothing.
            let same = try a.save(.setWhatMattersToMe(rewritten.assessment.whatMattersToMe), to: seen.id, base: .text("Home"))
            XCTAssertNil(same.merged)
            XCTAssertEqual(same.assessment.revision, rewritten.assessment.revision)
        }
    }

    func testTextTypedAtDifferentPlacesGoesWhereItWasTypedAndTypingOnAfterAMarkIsNotMarkedAgain() throws {
        try eachRepository { store, connect in
            let (b, seen) = try twoTerminals(store, connect)
            let a = store
            try a.apply(.setWhatMattersToMe("Home and garden"), to: seen.id, basedOn: seen)
            let first = try b.save(.setWhatMattersToMe("My Home"), to: seen.id, base: .text("Home"))
            XCTAssertEqual(first.assessment.whatMattersToMe, "My Home and garden", "each at its place, nothing to tidy")
            XCTAssertNil(first.merged)
            // Both add at the end: the later goes under the line, once.
            try a.apply(.setWhatMattersToMe("My Home and garden with Ann"), to: seen.id, basedOn: first.assessment)
            let marked = try b.save(.setWhatMattersToMe("My Home and garden, dog"), to: seen.id, base: .text("My Home and garden"))
            XCTAssertEqual(marked.assessment.whatMattersToMe, "My Home and garden with Ann\n\(AssessmentChange.alsoTyped)\n, dog")
            // A types on at its end before B's block reached it: its words go before that block, not under a new line.
            let on = try a.save(.setWhatMattersToMe("My Home and garden with Ann daily"), to: seen.id, base: .text("My Home and garden with Ann"))
            XCTAssertEqual(on.assessment.whatMattersToMe, "My Home and garden with Ann daily\n\(AssessmentChange.alsoTyped)\n, dog")
            XCTAssertNil(on.merged)
        }
    }

    func testTheSameScoreChangedUnderneathKeepsTheirsAndSaysWhichWasNotSaved() throws {
        try eachRepository { store, connect in
            let (b, seen) = try twoTerminals(store, connect)
            let a = store
            try a.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 8)), to: seen.id, basedOn: seen)
            XCTAssertThrowsError(try b.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 2)), to: seen.id, basedOn: seen)) {
                XCTAssertEqual($0 as? StoreError, .changedElsewhere("Your 2 was not saved: another terminal changed “Pain” to 8"))
            }
            try a.apply(.setDistress(9), to: seen.id, basedOn: seen)
            XCTAssertThrowsError(try b.apply(.setDistress(1), to: seen.id, basedOn: seen)) {
                XCTAssertEqual($0 as? StoreError, .changedElsewhere("Your 1 was not saved: another terminal changed the distress score to 9"))
            }
            // The same value from both: no conflict.
            XCTAssertEqual(try b.apply(.setDistress(9), to: seen.id, basedOn: seen).distressScore, 9)
            try a.apply(.setOrder(["fatigue", "pain"]), to: seen.id, basedOn: seen)
            XCTAssertThrowsError(try b.apply(.setOrder(["pain", "fatigue"]), to: seen.id, basedOn: seen)) {
                XCTAssertEqual($0 as? StoreError, .changedElsewhere("Your order was not saved: another terminal changed it; theirs is shown"))
            }
            // Ticks are each concern's own answer: on different concerns, and beside a changed order, both kept.
            try a.apply(.setDiscuss(key: "fatigue", false), to: seen.id, basedOn: seen)
            try b.apply(.setDiscuss(key: "pain", false), to: seen.id, basedOn: seen)
            try b.apply(.setDiscuss(key: "pain", true), to: seen.id, basedOn: try XCTUnwrap(try b.assessment(id: seen.id)))
            let stored = try XCTUnwrap(try a.assessment(id: seen.id))
            XCTAssertEqual(stored.concern("pain")?.score, 8)
            XCTAssertEqual(stored.prioritisedConcerns.map(\.key), ["fatigue", "pain"])
            XCTAssertEqual(stored.discussedConcerns.map(\.key), ["pain"])
        }
    }

    func testAnActionEditedOnBothIsKeptTwiceAndUnchoosingAChangedConcernIsRefused() throws {
        try eachRepository { store, connect in
            let (b, seen) = try twoTerminals(store, connect)
            let a = store
            var action = try XCTUnwrap(seen.actions.first)
            action.what = "Review pain relief with the GP"
            try a.apply(.saveAction(action), to: seen.id, basedOn: seen)
            action.what = "Refer to the pain team"
            let saved = try b.save(.saveAction(action), to: seen.id, base: .action(seen.actions.first))
            XCTAssertEqual(saved.assessment.actions.map(\.what), ["Review pain relief with the GP", "Refer to the pain team"])
            XCTAssertEqual(saved.merged, "Kept both: another terminal changed this action; remove the one not wanted")
            XCTAssertThrowsError(try a.apply(.deleteAction(id: action.id!), to: seen.id, basedOn: seen)) {
                XCTAssertEqual($0 as? StoreError, .changedElsewhere("Not removed: another terminal changed this action; check it, then try again"))
            }
            // Un-choosing a concern whose note changed since it was shown would drop that note: refused.
            try a.apply(.setNote(key: "fatigue", text: "Naps after lunch"), to: seen.id, basedOn: seen)
            XCTAssertThrowsError(try b.apply(.removeConcern(key: "fatigue"), to: seen.id, basedOn: seen)) {
                XCTAssertEqual($0 as? StoreError, .changedElsewhere("Not un-chosen: another terminal changed “Fatigue”; check it, then try again"))
            }
            XCTAssertEqual(try a.assessment(id: seen.id)?.concern("fatigue")?.note, "Naps after lunch")
        }
    }

    func testAgreeingIsBasedOnTheWholePlan() throws {
        try eachRepository { store, connect in
            let (b, seen) = try twoTerminals(store, connect)
            let a = store
            try a.apply(.setDistress(2), to: seen.id, basedOn: seen)
            XCTAssertThrowsError(try b.apply(.agree(by: "Nurse B", role: .cns, at: now, reviewDate: LocalDate(year: 2027, month: 2, day: 1)!),
                                             to: seen.id, basedOn: seen)) {
                XCTAssertEqual($0 as? StoreError, .changedElsewhere("Not agreed: another terminal changed the plan since it was shown; read it again"))
            }
            let fresh = try XCTUnwrap(try b.assessment(id: seen.id))
            XCTAssertEqual(try b.apply(.agree(by: "Nurse B", role: .cns, at: now, reviewDate: LocalDate(year: 2027, month: 2, day: 1)!),
                                       to: seen.id, basedOn: fresh).status, .agreed)
        }
    }

    func testTheChangeCounterMovesOnlyWhenAnotherConnectionSaves() throws {
        try eachRepository { store, connect in
            let (b, seen) = try twoTerminals(store, connect)
            let a = store
            let start = try b.changeCounter()
            XCTAssertEqual(try b.changeCounter(), start)
            try b.apply(.setDistress(1), to: seen.id, basedOn: seen)
            XCTAssertEqual(try b.changeCounter(), start, "its own save")
            try a.apply(.setDistress(3), to: seen.id, basedOn: try XCTUnwrap(a.assessment(id: seen.id)))
            XCTAssertNotEqual(try b.changeCounter(), start, "another terminal's save")
        }
    }
}
