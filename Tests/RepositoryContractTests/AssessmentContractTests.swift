import CareplanCore
import XCTest

/// Assessments: each change checked against the answer seen, the plan locked once agreed, new versions, text
/// cleaned, and the store making exactly the change the screen shows while it waits.
final class AssessmentContractTests: RepositoryContractCase {
    func testAssessmentChangesAreCheckedAgainstTheAnswerSeen() throws {
        try eachRepository { store, connect in
            let p = try store.addPatient(patient(), now: now)
            var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patient,
                                              date: LocalDate(year: 2026, month: 11, day: 1)!, catalogue: Self.catalogue, createdBy: "nurse", now: now)
            let stale = a
            a = try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 7)), to: a.id, basedOn: a, now: now)
            XCTAssertEqual(a.concern("pain")?.score, 7)
            a = try store.apply(.setDistress(3), to: a.id, basedOn: stale, now: now)
            XCTAssertEqual(a.distressScore, 3, "another answer changed since: no conflict")
            XCTAssertThrowsError(try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 2)), to: a.id, basedOn: stale, now: now)) {
                XCTAssertEqual($0 as? StoreError, .changedElsewhere("Your 2 was not saved: another terminal changed “Pain” to 7"))
            }
            XCTAssertEqual(try store.assessment(id: a.id)?.concern("pain")?.score, 7, "the refused change left nothing behind")
        }
    }

    func testPlanLifecycleLockAndNewVersion() throws {
        try eachRepository { store, connect in
            let p = try store.addPatient(patient(), now: now)
            var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .endOfTreatment, completedBy: .patientWithClinician,
                                              date: LocalDate(year: 2026, month: 11, day: 1)!, catalogue: Self.catalogue, createdBy: "nurse", now: now)
            func apply(_ c: AssessmentChange) throws { a = try store.apply(c, to: a.id, basedOn: a, now: now) }
            try apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 9)))
            try apply(.setConcern(ConcernEntry(key: "worry", categoryId: "emotional", label: "Worry, fear or anxiety", score: 6)))
            try apply(.setConcern(ConcernEntry(key: "other-1", categoryId: "other", label: "My dog", score: 4)))
            XCTAssertEqual(a.prioritisedConcerns.map(\.key), ["pain", "worry", "other-1"], "highest score first before prioritising")
            try apply(.setOrder(["worry", "pain", "other-1"]))
            try apply(.setDiscuss(key: "worry", true))
            try apply(.setDiscuss(key: "pain", true))
            XCTAssertEqual(a.discussedConcerns.map(\.key), ["worry", "pain"])
            try apply(.setNote(key: "pain", text: "Worse at night.\r\nLeft hip."))
            XCTAssertEqual(a.concern("pain")?.note, "Worse at night.\nLeft hip.")
            try apply(.saveAction(AgreedAction(concernKey: "pain", what: "Medication review", owner: .gp, due: LocalDate(year: 2026, month: 11, day: 28))))
            XCTAssertEqual(a.actions.count, 1)
            let review = LocalDate(year: 2027, month: 2, day: 1)!
            try apply(.agree(by: "Nurse Test", role: .cns, at: now, reviewDate: review))
            XCTAssertEqual(a.status, .agreed)
            XCTAssertThrowsError(try store.apply(.setDistress(1), to: a.id, basedOn: a, now: now)) { XCTAssertEqual($0 as? StoreError, .locked) }

            let v2 = try store.newVersion(of: a.id, createdBy: "nurse", now: now)
            XCTAssertEqual(v2.version, 2)
            XCTAssertEqual(v2.status, .inProgress)
            XCTAssertEqual(v2.concerns.count, 3)
            XCTAssertEqual(v2.actions.map(\.what), ["Medication review"])
            XCTAssertEqual(try store.newVersion(of: a.id, createdBy: "nurse", now: now).id, v2.id, "one draft version at a time")
            _ = try store.apply(.agree(by: "Nurse Test", role: .cns, at: now, reviewDate: review), to: v2.id, basedOn: v2, now: now)
            XCTAssertEqual(try store.assessment(id: a.id)?.status, .superseded)
        }
    }

    func testRemovingAConcernRemovesItsActions() throws {
        try eachRepository { store, connect in
            let p = try store.addPatient(patient(), now: now)
            var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .other, completedBy: .patient,
                                              date: LocalDate(year: 2026, month: 11, day: 1)!, catalogue: Self.catalogue, createdBy: "n", now: now)
            a = try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 3)), to: a.id, basedOn: a)
            a = try store.apply(.saveAction(AgreedAction(concernKey: "pain", what: "x", owner: .patient)), to: a.id, basedOn: a)
            a = try store.apply(.removeConcern(key: "pain"), to: a.id, basedOn: a)
            XCTAssertTrue(a.concerns.isEmpty)
            XCTAssertTrue(a.actions.isEmpty)
        }
    }

    func testStoredTextIsCleaned() throws {
        try eachRepository { store, connect in
            let p = try store.addPatient(patient(), now: now)
            var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .other, completedBy: .patient,
                                              date: LocalDate(year: 2026, month: 11, day: 1)!, catalogue: Self.catalogue, createdBy: "n", now: now)
            a = try store.apply(.setWhatMattersToMe("home\u{1B}[2J \u{202E}garden"), to: a.id, basedOn: a)
            XCTAssertEqual(a.whatMattersToMe, "home garden")
        }
    }

    /// `Assessment.applying` (what the screen shows while a change waits for the store) must make exactly the
    /// change the store makes, for every kind of change and for text that needs cleaning.
    func testInMemoryChangeMatchesTheStore() throws {
        try eachRepository { store, connect in
            let first = try assessmentWithPain(store)
            let items = Self.catalogue.allItems.map(\.item).prefix(12)
            let dirty = ["Pain\u{1B}[31m at night", "line one\r\nline two\u{0}", "  spaced  ", "\u{202E}reversed", String(repeating: "x", count: 600), "Siân"]
            var random = SeededRandom(seed: 20261123)
            var a = first
            for step in 0..<400 {
                let keys = a.concerns.map(\.key)
                let change: AssessmentChange
                switch random.int(12) {
                case 0, 1, 2:
                    let item = random.pick(Array(items))
                    change = .setConcern(ConcernEntry(key: item.id, categoryId: "physical", label: random.pick(dirty) + item.label,
                                                      score: random.chance(0.8) ? random.int(14) - 2 : nil, note: random.pick(dirty)))
                case 3 where !keys.isEmpty: change = .removeConcern(key: random.pick(keys))
                case 4 where !keys.isEmpty: change = .setNote(key: random.pick(keys), text: random.pick(dirty))
                case 5: change = .setDistress(random.chance(0.9) ? random.int(14) - 2 : nil)
                case 6: change = .setWhatMattersToMe(random.pick(dirty))
                case 7:
                    let order = keys.shuffled(using: &random).prefix(random.int(keys.count + 1)) + (random.chance(0.2) ? keys.prefix(1) : [])
                    change = keys.isEmpty || random.chance(0.5) ? .setOrder(Array(order)) : .setDiscuss(key: random.pick(keys), random.chance(0.5))
                case 8 where !keys.isEmpty:
                    let existing = a.actions.compactMap(\.id)
                    let id: Int64? = random.chance(0.5) && !existing.isEmpty ? random.pick(existing) : nil
                    change = .saveAction(AgreedAction(id: id, concernKey: random.pick(keys), what: random.pick(dirty), owner: random.pick(ActionOwner.allCases),
                                                      ownerName: random.pick(dirty), due: LocalDate(year: 2027, month: 1, day: 1 + random.int(28)),
                                                      serviceId: random.chance(0.5) ? "macmillan-support-line" : nil))
                case 9 where !a.actions.isEmpty: change = .deleteAction(id: random.pick(a.actions.compactMap(\.id)))
                case 10: change = .setReviewDate(random.chance(0.8) ? LocalDate(year: 2027, month: 2, day: 1 + random.int(28)) : nil)
                case 11: change = .setPatientMessage(random.pick(dirty))
                default: change = .setDetails(pathwayPoint: random.pick(PathwayPoint.allCases), completedBy: random.pick(CompletedBy.allCases),
                                              date: LocalDate(year: 2026, month: 11, day: 1 + random.int(28))!)
                }
                var expected = a.applying(change)
                let stored = try store.apply(change, to: a.id, basedOn: a, now: now)
                // What only the store can know: the new revision and time, and the id of an added action.
                expected.revision = stored.revision
                expected.updatedAt = stored.updatedAt
                for i in expected.actions.indices where expected.actions[i].id == nil { expected.actions[i].id = stored.actions[i].id }
                expected.concerns.sort { $0.key < $1.key }
                var actual = stored
                actual.concerns.sort { $0.key < $1.key }
                XCTAssertEqual(actual, expected, "step \(step): \(change)")
                if actual != expected { return }
                a = stored
            }
            XCTAssertEqual(try store.integrityCheck(), "ok")
        }
    }
}
