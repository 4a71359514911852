import CareplanCore
@testable import CareplanSQLite
@_spi(StoreTesting) @testable import CareplanStore
import RepositoryTestSupport
import XCTest

/// The Cancer Care Review (Resources/documents/ccr.yaml) in the store: a draft starts from the patient's latest
/// End of Treatment Summary and HNA, and signing it records the QOF indicator its template names (CAN004) as
/// done on the day the review was held (its `review-date`), with the signature: a draft, or a refused signature,
/// records nothing.
final class CancerCareReviewContractTests: RepositoryContractCase {
    static let ccr: DocumentTemplate = {
        let root = DocumentContractTests.root
        let url = root.appendingPathComponent("Resources/documents/ccr.yaml")
        let codes = try! CodeLists.load(from: root.appendingPathComponent("Resources/codelists.yaml"), displayPath: "c",
                                        documentLists: DocumentTemplate.codeListsNamed(in: [url, root.appendingPathComponent("Resources/documents/eots.yaml")])).get()
        let services = try! ServiceDirectory.load(from: root.appendingPathComponent("Resources/services.yaml"), displayPath: "s").get()
        let roles = try! Roles.load(from: root.appendingPathComponent("Resources/roles.yaml"), displayPath: "r").get()
        return try! DocumentTemplate.load(from: url, displayPath: "ccr.yaml", context: .init(codes: codes, services: services, roles: roles)).get()
    }()
    var ccr: DocumentTemplate { Self.ccr }
    var today: LocalDate { LocalDate(now) }

    /// Siân, diagnosed on 1 March 2026, with an EoTS (draft) and an HNA: pain 6, worry 8, distress 5, one action.
    func patientWithSources(_ store: any CareRepository) throws -> (Patient, Assessment) {
        var a = try assessmentWithPain(store)
        var p = try store.patient(id: a.patientId)!
        p.diagnosisDate = LocalDate(year: 2026, month: 3, day: 1)
        p = try store.updatePatient(p, by: "t", now: now)
        for change: AssessmentChange in [.setConcern(ConcernEntry(key: "worry", categoryId: "emotional", label: "Worry, fear or anxiety", score: 8)),
                                         .setDistress(5), .saveAction(AgreedAction(concernKey: "pain", what: "Refer to the pain team", owner: .cns))] {
            a = try store.apply(change, to: a.id, basedOn: a, now: now)
        }
        var eots = try store.createDocument(template: DocumentContractTests.eots, patientId: p.id!, createdBy: "nurse", now: now)
        for (f, v) in [("side-effects", "Tiredness for some months."), ("red-flag-symptoms", "A new lump."), ("gp-actions", "Bone density scan in 2 years.")] {
            eots = try store.apply(.setField(f, .text(v)), to: eots, template: DocumentContractTests.eots, by: "nurse", now: now)
        }
        return (p, a)
    }

    /// What the GP adds before signing: the required answers the sources do not give.
    func completed(_ store: any CareRepository, _ d: Document) throws -> Document {
        var d = d
        for (f, v): (String, FieldValue) in [("current-needs", .text("Back at work part time.")), ("concerns-discussed", .text("Pain at night; worry about scans.")),
                                              ("medication-review", .text("Letrozole continues.")), ("completed-by", .person(name: "Dr Adams", staffId: nil))] {
            d = try store.apply(.setField(f, v), to: d, template: ccr, by: "gp", now: now)
        }
        return try store.apply(.saveRow(group: "actions", DocumentRow(values: ["action-who": .person(name: "Dr Adams", staffId: nil),
                                                                                 "action-what": .text("Review pain relief")])),
                               to: d, template: ccr, by: "gp", now: now)
    }

    func testADraftStartsFromTheLatestEndOfTreatmentSummaryAndHNA() throws {
        try eachRepository { store, _ in
            let (p, a) = try patientWithSources(store)
            let d = try store.createDocument(template: ccr, patientId: p.id!, createdBy: "gp", now: now)
            XCTAssertEqual(d["diagnosis"], .text("Breast"))
            XCTAssertEqual(d["diagnosis-date"], .date(LocalDate(year: 2026, month: 3, day: 1)!))
            XCTAssertEqual(d["concerns"], .concerns([ScoredConcern(key: "worry", label: "Worry, fear or anxiety", score: 8),
                                                     ScoredConcern(key: "pain", label: "Pain", score: 6)]), "the HNA's, highest first")
            XCTAssertEqual(d["distress"], .text("5 out of 10"))
            XCTAssertEqual(d["hna-actions"], .text("Refer to the pain team — CNS"))
            XCTAssertEqual(d["side-effects"], .text("Tiredness for some months."))
            XCTAssertEqual(d["recurrence-signs"], .text("A new lump."))
            XCTAssertEqual(d["eots-gp-actions"], .text("Bone density scan in 2 years."))
            XCTAssertEqual(d.date, today)
            // A discarded HNA is not drawn on: with none left, no concerns.
            _ = try store.discardAssessment(id: a.id, by: "t", now: now)
            XCTAssertNil(try store.createDocument(template: ccr, patientId: p.id!, createdBy: "gp", now: now)["concerns"])
        }
    }

    func testSigningRecordsCAN004DoneWithTheSignatureAndADraftDoesNot() throws {
        try eachRepository { store, connect in
            let (p, _) = try patientWithSources(store)
            var d = try store.createDocument(template: ccr, patientId: p.id!, createdBy: "gp", now: now)
            // Refused (required answers missing): nothing recorded.
            XCTAssertThrowsError(try store.sign(documentId: d.id, revision: d.revision, template: ccr, by: "gp", role: "gp", now: now))
            d = try completed(store, d)
            XCTAssertEqual(try store.qofRecords(patientId: p.id!), [], "a draft, however complete, does not count")
            let rules = CareReviewContractTests.rules
            XCTAssertEqual(rules.states(diagnosed: p.diagnosisDate, records: [], today: today).last?.state,
                           .due(deadline: LocalDate(year: 2027, month: 3, day: 1)!))
            let signed = try store.sign(documentId: d.id, revision: d.revision, template: ccr, by: "gp", name: "Dr Adams", role: "gp", now: now)
            let records = try connect().qofRecords(patientId: p.id!)
            XCTAssertEqual(records.count, 1)
            XCTAssertEqual(records.first?.indicator, "can004")
            XCTAssertEqual(records.first?.kind, .done)
            XCTAssertEqual(records.first?.date, today, "held today (the review date's default), signed today")
            XCTAssertEqual(LocalDate(signed.signedAt!), today)
            XCTAssertEqual(records.first?.documentId, d.id)
            XCTAssertEqual(records.first?.recordedBy, "gp")
            XCTAssertEqual(rules.states(diagnosed: p.diagnosisDate, records: records, today: today).map(\.state),
                           [.missed(deadline: p.diagnosisDate!.adding(days: 93)), .met(on: today)],
                           "the review meets CAN004; CAN005's 93 days had passed (a review within them would meet it too)")
            let trail = try store.auditTrail(patientId: p.id!).map(\.action)
            XCTAssertEqual(Array(trail.suffix(2)), ["recorded QOF done", "signed document"], "both in the one transaction, audited")
            // A new version of the signed review is a draft: it records nothing until it is signed too.
            _ = try store.newVersion(ofDocument: d.id, createdBy: "gp", now: now)
            XCTAssertEqual(try store.qofRecords(patientId: p.id!).count, 1)
            // An End of Treatment Summary names no indicator: signing one records nothing.
            XCTAssertNil(DocumentContractTests.eots.recordsQOF)
        }
    }

    /// A review held on 27 November, a day before the CAN004 deadline, and signed on 29 November counts as held
    /// in time: the record takes the review's date, not the signature's.
    func testTheRecordTakesTheDayTheReviewWasHeldNotTheDayItWasSigned() throws {
        try eachRepository { store, _ in
            var (p, _) = try patientWithSources(store)
            p.diagnosisDate = LocalDate(year: 2025, month: 11, day: 29)
            p = try store.updatePatient(p, by: "t", now: now)
            var d = try completed(store, try store.createDocument(template: ccr, patientId: p.id!, createdBy: "gp", now: now))
            let held = LocalDate(year: 2026, month: 11, day: 27)!
            d = try store.apply(.setField("review-date", .date(held)), to: d, template: ccr, by: "gp", now: now)
            let signedOn = Calendar.current.date(from: DateComponents(year: 2026, month: 11, day: 29, hour: 12))!
            _ = try store.sign(documentId: d.id, revision: d.revision, template: ccr, by: "gp", name: "Dr Adams", role: "gp", now: signedOn)
            let records = try store.qofRecords(patientId: p.id!)
            XCTAssertEqual(records.map(\.date), [held])
            XCTAssertEqual(CareReviewContractTests.rules.states(diagnosed: p.diagnosisDate, records: records, today: LocalDate(signedOn)).last?.state,
                           .met(on: held), "deadline 28 Nov 2026: held in time")
        }
    }

    /// A review dated before the diagnosis in the patient's record, or after today, is not signed (and records
    /// nothing); nor is one whose next review, or an action's date, comes before it.
    func testAReviewDatedBeforeTheDiagnosisOrWithEarlierFollowUpsIsNotSigned() throws {
        try eachRepository { store, _ in
            let (p, _) = try patientWithSources(store)
            var d = try completed(store, try store.createDocument(template: ccr, patientId: p.id!, createdBy: "gp", now: now))
            let early = LocalDate(year: 2026, month: 2, day: 1)!  // diagnosed 1 March 2026
            for (field, value, problem) in [("review-date", early, "before the date of diagnosis in the patient's record"),
                                            ("review-date", today.adding(days: 1), "in the future"),
                                            ("next-review-date", today.adding(days: -1), "“Next review” cannot be before “Date of the review”")] {
                let changed = try store.apply(.setField(field, .date(value)), to: d, template: ccr, by: "gp", now: now)
                XCTAssertThrowsError(try store.sign(documentId: changed.id, revision: changed.revision, template: ccr, by: "gp", role: "gp", now: now)) {
                    XCTAssertTrue("\($0)".contains(problem), "\(field): \($0)")
                }
                d = try store.apply(.setField(field, nil), to: changed, template: ccr, by: "gp", now: now)
                if field == "review-date" { d = try store.apply(.setField(field, .date(today)), to: d, template: ccr, by: "gp", now: now) }
            }
            let row = try XCTUnwrap(d.rows("actions").first)
            var late = row
            late.values["action-by"] = .date(today.adding(days: -3))
            d = try store.apply(.saveRow(group: "actions", late), to: d, template: ccr, by: "gp", now: now)
            XCTAssertThrowsError(try store.sign(documentId: d.id, revision: d.revision, template: ccr, by: "gp", role: "gp", now: now)) {
                XCTAssertTrue("\($0)".contains("“By when” cannot be before “Date of the review”"), "\($0)")
            }
            XCTAssertEqual(try store.qofRecords(patientId: p.id!), [])
        }
    }

    /// QOF records in hostile hands (raw SQL behind the repository, SQLite only): a record changed, inserted or
    /// removed, and the `done` of a signed review removed, are each found by `audit --verify`, and undone.
    func testQOFRecordsChangedInsertedOrRemovedOutsideCareplanAreFound() throws {
        try eachRepository { store, _ in
            guard let sqlite = store as? CareStore else { return }
            let (p, _) = try patientWithSources(store)
            let d = try completed(store, try store.createDocument(template: ccr, patientId: p.id!, createdBy: "gp", now: now))
            _ = try store.sign(documentId: d.id, revision: d.revision, template: ccr, by: "gp", name: "Dr Adams", role: "gp", now: now)
            let invited = try store.recordQOF(QOFRecord(patientId: p.id!, indicator: "can005", kind: .invited, date: today, how: .letter,
                                                        reason: "asked to come in"), by: "gp", now: now)
            let done = try XCTUnwrap(try store.qofRecords(patientId: p.id!).first { $0.kind == .done })
            XCTAssertEqual(try sqlite.qofRecordProblems(), [])
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
            let i = invited.id!, copy = "INSERT INTO qof_record (patient_id, indicator, kind, date, how, recorded_by, document_id, recorded_at, reason) "
            let putBack = "INSERT INTO qof_record (id, patient_id, indicator, kind, date, how, recorded_by, document_id, recorded_at, reason) "
                + "VALUES (\(i), \(p.id!), 'can005', 'invited', '\(today.iso)', 'letter', 'gp', NULL, '2026-11-23 12:00:00.000', 'asked to come in')"
            let cases: [(String, String, String, String)] = [
                ("a done made earlier", "UPDATE qof_record SET date = '2026-03-02' WHERE id = \(done.id!)",
                 "UPDATE qof_record SET date = '\(done.date.iso)' WHERE id = \(done.id!)", "QOF record \(done.id!) (patient \(p.id!)) was changed after it was recorded"),
                ("the reason", "UPDATE qof_record SET reason = 'declined' WHERE id = \(i)", "UPDATE qof_record SET reason = 'asked to come in' WHERE id = \(i)",
                 "QOF record \(i) (patient \(p.id!)) was changed"),
                ("a done inserted", copy + "SELECT patient_id, 'can005', 'done', date, how, recorded_by, NULL, recorded_at, NULL FROM qof_record WHERE id = \(i)",
                 "DELETE FROM qof_record WHERE id = (SELECT max(id) FROM qof_record)", "has no audit entry: it was put in the store outside careplan"),
                ("a record removed", "DELETE FROM qof_record WHERE id = \(i)", putBack, "QOF record \(i) (patient \(p.id!)), recorded in audit entry"),
            ]
            for (what, tamper, undo, expected) in cases {
                try sqlite.unauditedWrite { db in try db.execute(sql: tamper) }
                guard case .broken(nil, let reason) = try store.verifyAuditTrail() else { XCTFail("\(what): verify found nothing"); continue }
                XCTAssertTrue(reason.contains(expected) && reason.hasSuffix("the QOF records were changed outside careplan"), "\(what): \(reason)")
                try sqlite.unauditedWrite { db in try db.execute(sql: undo) }
                XCTAssertEqual(try sqlite.qofRecordProblems(), [], "\(what) undone")
            }
            // The signed review's `done` removed: gone from the trail's records, and the signing names what it recorded.
            try sqlite.unauditedWrite { db in try db.execute(sql: "DELETE FROM qof_record WHERE id = \(done.id!)") }
            let found = try sqlite.qofRecordProblems()
            XCTAssertEqual(found.count, 2)
            XCTAssertTrue(found.last?.contains("document \(d.id) was signed recording CAN004 done") == true, "\(found)")
        }
    }
}
