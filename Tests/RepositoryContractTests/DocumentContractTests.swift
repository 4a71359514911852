import CareplanCore
@testable import CareplanSQLite
@_spi(StoreTesting) @testable import CareplanStore
import RepositoryTestSupport
import XCTest

/// Documents on templates: drafts started from their defaults, every kind of value and rows kept as given,
/// conflicts per field (text merged, the rest refused with the stored value kept), signing that locks, new
/// versions, the patient's timeline, and an audit entry for every read and change.
final class DocumentContractTests: RepositoryContractCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let eots: DocumentTemplate = {
        let url = root.appendingPathComponent("Resources/documents/eots.yaml")
        let codes = try! CodeLists.load(from: root.appendingPathComponent("Resources/codelists.yaml"), displayPath: "c",
                                        documentLists: DocumentTemplate.codeListsNamed(in: [url])).get()
        let services = try! ServiceDirectory.load(from: root.appendingPathComponent("Resources/services.yaml"), displayPath: "s").get()
        let roles = try! Roles.load(from: root.appendingPathComponent("Resources/roles.yaml"), displayPath: "r").get()
        return try! DocumentTemplate.load(from: url, displayPath: "eots.yaml", context: .init(codes: codes, services: services, roles: roles)).get()
    }()
    var eots: DocumentTemplate { Self.eots }
    let ended = LocalDate(year: 2026, month: 10, day: 30)!

    /// Siân's EoTS draft, diagnosed on 1 March 2026.
    func draft(_ store: any CareRepository) throws -> Document {
        var p = patient()
        p.diagnosisDate = LocalDate(year: 2026, month: 3, day: 1)
        let added = try store.addPatient(p, now: now)
        return try store.createDocument(template: eots, patientId: added.id!, createdBy: "nurse", now: now)
    }

    func testADraftStartsFromItsDefaultsAndKeepsEveryKindOfValue() throws {
        try eachRepository { store, connect in
            var d = try draft(store)
            XCTAssertEqual(d.status, .draft)
            XCTAssertEqual(d.version, 1)
            XCTAssertEqual(d.templateId, "eots")
            XCTAssertEqual(d.templateVersion, "1")
            XCTAssertEqual(d.title, "End of Treatment Summary")
            XCTAssertEqual(d["diagnosis"], .text("Breast"))
            XCTAssertEqual(d["diagnosis-date"], .date(LocalDate(year: 2026, month: 3, day: 1)!))
            XCTAssertEqual(d["completed-date"], .date(LocalDate(now)))
            XCTAssertNil(d["completed-by"], "`default: user`: the starter is not one of the store's staff")
            XCTAssertEqual(d.date, LocalDate(now))

            let values: [String: FieldValue] = [
                "stage": .text("T2 N1 M0"), "information-given": .codes(["signs-of-recurrence", "re-access"]),
                "completed-by": .person(name: "Dr Adams", staffId: nil), "side-effects": .text("Tired.\r\nSore skin."),
                "completed-date": .date(ended.adding(days: 14)),
            ]
            for (field, value) in values.sorted(by: { $0.key < $1.key }) { d = try store.apply(.setField(field, value), to: d, template: eots, by: "nurse", now: now) }
            d = try store.apply(.saveRow(group: "treatments", DocumentRow(values: ["treatment-type": .codes(["02"]), "start-date": .date(LocalDate(year: 2026, month: 5, day: 1)!),
                                                                                  "end-date": .date(ended), "treatment-details": .text("FEC-T, 6 cycles")])),
                                to: d, template: eots, by: "nurse", now: now)
            d = try store.apply(.saveRow(group: "treatments", DocumentRow(values: ["treatment-type": .codes(["05"]), "start-date": .date(ended)])),
                                to: d, template: eots, by: "nurse", now: now)
            d = try store.apply(.saveRow(group: "referrals", DocumentRow(values: ["service": .service("local-dietitian"), "referral-reason": .text("Weight")])),
                                to: d, template: eots, by: "nurse", now: now)

            let other = try connect()
            let read = try XCTUnwrap(try other.document(id: d.id))
            XCTAssertEqual(read, d, "what one connection saved, another reads the same")
            XCTAssertEqual(read["side-effects"], .text("Tired.\nSore skin."), "text cleaned as assessments' notes are")
            XCTAssertEqual(read["information-given"], .codes(["signs-of-recurrence", "re-access"]))
            XCTAssertEqual(read["completed-by"], .person(name: "Dr Adams", staffId: nil))
            XCTAssertEqual(read.date, ended.adding(days: 14), "the template's date field dates the document (CR8420)")
            let rows = read.rows("treatments")
            XCTAssertEqual(rows.map { $0["treatment-type"] }, [.codes(["02"]), .codes(["05"])], "rows in the order added")
            XCTAssertTrue(rows.allSatisfy { $0.id != nil })
            XCTAssertEqual(read.rows("referrals").first?["service"], .service("local-dietitian"))

            // One row changed, one removed, a field cleared.
            var second = rows[1]
            second.values["end-date"] = .date(ended.adding(days: 20))
            d = try other.apply(.saveRow(group: "treatments", second), to: read, template: eots, by: "nurse", now: now)
            d = try other.apply(.deleteRow(group: "treatments", id: rows[0].id!), to: d, template: eots, by: "nurse", now: now)
            d = try other.apply(.setField("stage", nil), to: d, template: eots, by: "nurse", now: now)
            let again = try XCTUnwrap(try store.document(id: d.id))
            XCTAssertEqual(again.rows("treatments").map(\.id), [rows[1].id])
            XCTAssertEqual(again.rows("treatments").first?["end-date"], .date(ended.adding(days: 20)))
            XCTAssertNil(again["stage"])
            XCTAssertEqual(again.revision, d.revision)

            // What is not a field of the template, or not a group, is refused; nothing changes.
            XCTAssertThrowsError(try store.apply(.setField("no-such-field", .text("x")), to: again, template: eots, by: "nurse", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("“no-such-field” is not a field of the End of Treatment Summary"))
            }
            XCTAssertThrowsError(try store.apply(.saveRow(group: "stage", DocumentRow()), to: again, template: eots, by: "nurse", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("“stage” is not a group of the End of Treatment Summary"))
            }
            XCTAssertThrowsError(try store.apply(.setField("treatments", .text("x")), to: again, template: eots, by: "nurse", now: now))
            XCTAssertThrowsError(try store.apply(.setField("completed-date", .text("today")), to: again, template: eots, by: "nurse", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("“Date completed” takes date, not this"))
            }
            XCTAssertThrowsError(try store.apply(.saveRow(group: "treatments", DocumentRow(values: ["colour": .text("x")])), to: again, template: eots, by: "n", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("“colour” is not a field of “Treatments”"))
            }
            XCTAssertThrowsError(try store.createDocument(template: eots, patientId: 999, createdBy: "nurse", now: now)) {
                XCTAssertEqual($0 as? StoreError, .notFound("The patient"))
            }
            XCTAssertEqual(try store.document(id: again.id), again)
        }
    }

    /// `default: today` and the document's date are the care clock's today when given (a training store's moved
    /// clock), not the day of `now`, which stays the real time of the audit entry.
    func testADraftsTodayIsTheOneGivenNotTheRealClocks() throws {
        try eachRepository { store, _ in
            let added = try store.addPatient(patient(), now: now)
            let today = LocalDate(now).adding(days: -74)
            let d = try store.createDocument(template: eots, patientId: added.id!, createdBy: "nurse", today: today, now: now)
            XCTAssertEqual(d["completed-date"], .date(today))
            XCTAssertEqual(d.date, today)
        }
    }

    /// `default: user`: a draft started by one of the staff names them as who completed it, by user name.
    func testADraftStartedByOneOfTheStaffNamesThemAsWhoCompletedIt() throws {
        try eachRepository { store, _ in
            let (_, nurse) = try StaffFixture.addUsers(to: store, now: now)
            let added = try store.addPatient(patient(), now: now)
            let d = try store.createDocument(template: eots, patientId: added.id!, createdBy: nurse.userName, now: now)
            XCTAssertEqual(d["completed-by"], .person(name: "Nia Nurse", staffId: "nurse"))
        }
    }

    func testConflictsArePerFieldTextMergedTheRestRefused() throws {
        try eachRepository { store, connect in
            let d = try draft(store)
            let other = try connect()
            // Two terminals changing different fields never collide.
            let mine = try store.apply(.setField("stage", .text("T2")), to: d, template: eots, by: "a", now: now)
            let theirs = try other.apply(.setField("grade", .text("2")), to: d, template: eots, by: "b", now: now)
            XCTAssertEqual(theirs["stage"], .text("T2"))
            XCTAssertEqual(theirs["grade"], .text("2"))
            // The same choice changed first elsewhere: refused, theirs kept.
            _ = try other.apply(.setField("treatment-aim", .codes(["palliative"])), to: mine, template: eots, by: "b", now: now)
            XCTAssertThrowsError(try store.apply(.setField("treatment-aim", .codes(["curative"])), to: mine, template: eots, by: "a", now: now)) {
                XCTAssertEqual($0 as? StoreError, .changedElsewhere("Your “Aim of treatment” was not saved: another terminal changed it; theirs is shown"))
            }
            XCTAssertEqual(try store.document(id: d.id)?["treatment-aim"], .codes(["palliative"]))
            // The same text: both kept, and the nurse told.
            let shown = try store.apply(.setField("side-effects", .text("Tiredness.")), to: mine, template: eots, by: "a", now: now)
            _ = try other.apply(.setField("side-effects", .text("Tiredness. Sore skin.")), to: shown, template: eots, by: "b", now: now)
            let saved = try store.save(.setField("side-effects", .text("Tiredness. Hot flushes.")), to: d.id, base: .field(.text("Tiredness.")),
                                       template: eots, by: "a", now: now)
            guard case .text(let text)? = saved.document["side-effects"] else { return XCTFail("no text") }
            XCTAssertTrue(text.contains("Sore skin.") && text.contains("Hot flushes."), text)
            XCTAssertEqual(saved.merged, "Both texts kept: another terminal changed “Possible side effects and toxicities” too; please tidy it")
            // Rows: new ones from two terminals are both kept; an edited row changed underneath is merged field by
            // field: what only one changed is taken, a date both changed keeps theirs, said.
            let base = try XCTUnwrap(try store.document(id: d.id))
            let one = try store.apply(.saveRow(group: "treatments", DocumentRow(values: ["treatment-type": .codes(["01"])])), to: base, template: eots, by: "a", now: now)
            let two = try other.apply(.saveRow(group: "treatments", DocumentRow(values: ["treatment-type": .codes(["02"])])), to: base, template: eots, by: "b", now: now)
            XCTAssertEqual(two.rows("treatments").count, 2)
            var row = one.rows("treatments")[0]
            row.values["start-date"] = .date(ended)
            _ = try other.apply(.saveRow(group: "treatments", row), to: two, template: eots, by: "b", now: now)
            row.values["start-date"] = .date(ended.adding(days: 1))
            XCTAssertThrowsError(try store.apply(.saveRow(group: "treatments", row), to: one, template: eots, by: "a", now: now)) {
                XCTAssertEqual($0 as? StoreError, .changedElsewhere("Another terminal changed this row of “Treatments” too: your “Started” was not saved, theirs is kept"))
            }
            XCTAssertEqual(try store.document(id: d.id)?.rows("treatments")[0]["start-date"], .date(ended))
            // Her Details typed on the row as she saw it, while the other terminal set its end date: both kept.
            let seen = try XCTUnwrap(try store.document(id: d.id))
            var hers = seen.rows("treatments")[0], his = hers
            his.values["end-date"] = .date(ended.adding(days: 5))
            _ = try other.apply(.saveRow(group: "treatments", his), to: seen, template: eots, by: "b", now: now)
            hers.values["treatment-details"] = .text("Wide local excision")
            let both = try store.save(.saveRow(group: "treatments", hers), to: d.id, base: .row(seen.rows("treatments")[0]), template: eots, by: "a", now: now)
            XCTAssertNil(both.merged)
            XCTAssertEqual(both.document.rows("treatments")[0]["end-date"], .date(ended.adding(days: 5)))
            XCTAssertEqual(both.document.rows("treatments")[0]["treatment-details"], .text("Wide local excision"))
        }
    }

    func testSigningLocksTheDocumentAndANewVersionCarriesItOn() throws {
        try eachRepository { store, connect in
            var d = try draft(store)
            XCTAssertThrowsError(try store.sign(documentId: d.id, revision: d.revision, template: eots, by: "Nurse Test", role: "clinical-nurse-specialist", now: now)) {
                guard case .refused(let why)? = $0 as? StoreError else { return XCTFail("\($0)") }
                XCTAssertTrue(why.hasPrefix("Not signed: "), why)
                XCTAssertTrue(why.contains("“Treatments” (Treatment given) needs at least one row"), why)
            }
            d = try filled(store, d)
            XCTAssertThrowsError(try store.sign(documentId: d.id, revision: d.revision, template: eots, by: "Sam", role: "support-worker", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("Not signed: Your role may not sign an End of Treatment Summary: it needs clinical-nurse-specialist or gp"))
            }
            XCTAssertThrowsError(try store.sign(documentId: d.id, revision: d.revision - 1, template: eots, by: "Nurse Test", role: "clinical-nurse-specialist", now: now)) {
                XCTAssertEqual($0 as? StoreError, .changedElsewhere("Not signed: another terminal changed the document since it was shown; read it again"))
            }
            let signedAt = now.addingTimeInterval(60)
            let signed = try store.sign(documentId: d.id, revision: d.revision, template: eots, by: "cns1", name: "Nia Nurse",
                                        role: "clinical-nurse-specialist", now: signedAt)
            XCTAssertEqual(signed.status, .signed)
            XCTAssertEqual(signed.signedBy, "Nia Nurse", "the person's full name as it was when she signed, not her login")
            XCTAssertEqual(signed.signedRole, "clinical-nurse-specialist")
            XCTAssertEqual(signed.signedAt, signedAt)
            XCTAssertTrue(signed.isLocked)
            XCTAssertThrowsError(try store.apply(.setField("stage", .text("T1")), to: signed, template: eots, by: "nurse", now: now)) {
                XCTAssertEqual($0 as? StoreError, .signed)
            }
            XCTAssertThrowsError(try connect().apply(.deleteRow(group: "treatments", id: signed.rows("treatments")[0].id!), to: signed, template: eots, by: "n", now: now)) {
                XCTAssertEqual($0 as? StoreError, .signed)
            }
            XCTAssertThrowsError(try store.sign(documentId: d.id, revision: signed.revision, template: eots, by: "Dr A", role: "gp", now: now)) {
                XCTAssertEqual($0 as? StoreError, .signed)
            }
            XCTAssertEqual(try store.document(id: d.id), signed, "nothing changed by the refusals")

            XCTAssertThrowsError(try store.newVersion(ofDocument: try store.createDocument(template: eots, patientId: d.patientId, createdBy: "n", now: now).id,
                                                      createdBy: "n", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("This document is a draft: change it as it is"))
            }
            let v2 = try store.newVersion(ofDocument: d.id, createdBy: "nurse", now: now)
            XCTAssertEqual(v2.version, 2)
            XCTAssertEqual(v2.previousId, d.id)
            XCTAssertEqual(v2.status, .draft)
            XCTAssertEqual(v2.values, signed.values)
            XCTAssertEqual(v2.rows("treatments").map(\.values), signed.rows("treatments").map(\.values))
            XCTAssertNotEqual(v2.rows("treatments").map(\.id), signed.rows("treatments").map(\.id), "the new version's rows are its own")
            XCTAssertEqual(try store.newVersion(ofDocument: d.id, createdBy: "nurse", now: now).id, v2.id, "one draft version at a time")
            let changed = try store.apply(.setField("stage", .text("T1 N0")), to: v2, template: eots, by: "nurse", now: now)
            XCTAssertNil(try store.document(id: d.id)?["stage"], "the signed version is untouched")
            _ = try store.sign(documentId: v2.id, revision: changed.revision, template: eots, by: "Dr A", role: "gp", now: now)
            XCTAssertEqual(try store.document(id: d.id)?.status, .superseded)
            XCTAssertEqual(try store.documents(patientId: d.patientId).map(\.status).sorted { $0.rawValue < $1.rawValue }, [.draft, .signed, .superseded])
        }
    }

    /// A signer the store knows signs in the role the store has for them now, and only while enabled: a screen
    /// (or a session older than an administrator's change) cannot sign in a role the account no longer has.
    func testAKnownSignerSignsOnlyInTheirCurrentRoleAndWhileEnabled() throws {
        try eachRepository { store, _ in
            let (admin, _) = try StaffFixture.addUsers(to: store, now: now)
            let cns = try store.addUser(NewStaffUser(userName: "cns1", fullName: "Carol Nurse", roleId: "clinical-nurse-specialist"),
                                        password: StaffFixture.newPassword(for: "cns1"), by: admin.userName, now: now)
            let d = try filled(store, try draft(store))
            XCTAssertThrowsError(try store.sign(documentId: d.id, revision: d.revision, template: eots, by: StaffFixture.nurse, name: "Nia Nurse",
                                                role: "clinical-nurse-specialist", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("Not signed: the account's role is now another; sign in again"))
            }
            _ = try store.setDisabled(true, userName: cns.userName, by: admin.userName, now: now)
            XCTAssertThrowsError(try store.sign(documentId: d.id, revision: d.revision, template: eots, by: cns.userName, name: cns.fullName,
                                                role: "clinical-nurse-specialist", now: now)) {
                XCTAssertEqual($0 as? StoreError, .refused("Not signed: this account is disabled"))
            }
            XCTAssertEqual(try store.document(id: d.id)?.status, .draft)
            _ = try store.setDisabled(false, userName: cns.userName, by: admin.userName, now: now)
            XCTAssertEqual(try store.sign(documentId: d.id, revision: d.revision, template: eots, by: cns.userName, name: cns.fullName,
                                          role: "clinical-nurse-specialist", now: now).status, .signed)
        }
    }

    /// What was signed is what is kept: checked against the content hash in the signing entry (drafts have none).
    func testASignedDocumentsContentMatchesItsSigning() throws {
        try eachRepository { store, connect in
            let d = try filled(store, try draft(store))
            XCTAssertNil(try store.signedContentProblem(documentId: d.id), "a draft")
            _ = try store.sign(documentId: d.id, revision: d.revision, template: eots, by: "Nurse Test", role: "clinical-nurse-specialist", now: now)
            let v2 = try store.newVersion(ofDocument: d.id, createdBy: "nurse", now: now)
            XCTAssertNil(try connect().signedContentProblem(documentId: d.id))
            XCTAssertNil(try store.signedContentProblem(documentId: v2.id))
            XCTAssertNil(try store.signedContentProblem(documentId: 999))
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
            try tamperingIsFound(store, signed: d.id, draft: v2.id)
        }
    }

    func testTheTimelineListsAssessmentsAndDocumentsNewestFirstAndIsBounded() throws {
        try eachRepository { store, connect in
            let p = try addSian(store)
            func day(_ d: Int) -> LocalDate { LocalDate(year: 2026, month: 9, day: d)! }
            let a1 = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patient, date: day(1),
                                               catalogue: Self.catalogue, createdBy: "n", now: now)
            var e1 = try store.createDocument(template: eots, patientId: p.id!, createdBy: "n", now: now)
            e1 = try store.apply(.setField("completed-date", .date(day(10))), to: e1, template: eots, by: "n", now: now)
            let a2 = try store.startAssessment(patientId: p.id!, pathwayPoint: .endOfTreatment, completedBy: .patient, date: day(10),
                                               catalogue: Self.catalogue, createdBy: "n", now: now.addingTimeInterval(5))
            var e2 = try store.createDocument(template: eots, patientId: p.id!, createdBy: "n", now: now)
            e2 = try store.apply(.setField("completed-date", .date(day(20))), to: e2, template: eots, by: "n", now: now)
            let someoneElse = try store.addPatient(patient("9990000018", family: "Other", given: "Pat"), now: now)
            _ = try store.createDocument(template: eots, patientId: someoneElse.id!, createdBy: "n", now: now)

            let timeline = try connect().timeline(patientId: p.id!, limit: 10)
            func id(_ e: TimelineEntry) -> String {
                switch e {
                case .assessment(let a): return "a\(a.id)"
                case .document(let d): return "d\(d.id)"
                }
            }
            XCTAssertEqual(timeline.map(id), ["d\(e2.id)", "a\(a2.id)", "d\(e1.id)", "a\(a1.id)"],
                           "newest first; on the same day, the one started later first")
            XCTAssertEqual(timeline.map(\.date), [day(20), day(10), day(10), day(1)])
            XCTAssertEqual(try store.timeline(patientId: p.id!, limit: 2).map(id), ["d\(e2.id)", "a\(a2.id)"])
            XCTAssertEqual(try store.timeline(patientId: p.id!, limit: 0), [])
            guard case .document(let summary) = timeline[0] else { return XCTFail() }
            XCTAssertEqual(summary, DocumentSummary(id: e2.id, patientId: p.id!, templateId: "eots", title: "End of Treatment Summary", status: .draft,
                                                    version: 1, date: day(20), updatedAt: e2.updatedAt, signedAt: nil))
            XCTAssertEqual(try store.documents(patientId: p.id!).map(\.id), [e2.id, e1.id])
        }
    }

    func testEveryReadAndChangeOfADocumentIsAudited() throws {
        try eachRepository { store, connect in
            var d = try draft(store)
            d = try store.apply(.setField("stage", .text("T2")), to: d, template: eots, by: "nurse", now: now)
            d = try store.apply(.setField("stage", .text("T2 N")), to: d, template: eots, by: "nurse", now: now.addingTimeInterval(1))
            d = try filled(store, d)
            try store.recordDocumentView(user: "gp", documentId: d.id, now: now)
            _ = try store.sign(documentId: d.id, revision: d.revision, template: eots, by: "Nurse Test", role: "clinical-nurse-specialist", now: now)
            try store.recordDocumentExport(documentId: d.id, format: "pdf", destination: "/tmp/eots.pdf", by: "nurse", now: now)
            _ = try store.newVersion(ofDocument: d.id, createdBy: "nurse", now: now)
            XCTAssertThrowsError(try store.recordDocumentView(user: "gp", documentId: 999, now: now)) { XCTAssertEqual($0 as? StoreError, .notFound("The document")) }

            let trail = try connect().auditTrail(patientId: d.patientId).filter { $0.detail.contains("document") }
            let name = "document \(d.id) (eots)"
            XCTAssertEqual(trail.first?.action, "started document")
            XCTAssertEqual(trail.first?.detail, name)
            XCTAssertEqual(trail.filter { $0.detail == "\(name) stage" }.count, 1, "typing on into the same text: one entry")
            XCTAssertTrue(trail.contains { $0.action == "changed document" && $0.detail == "\(name) treatments" })
            XCTAssertTrue(trail.contains { $0.action == "viewed document" && $0.user == "gp" && $0.detail == name })
            XCTAssertTrue(trail.contains { $0.action == "signed document" && $0.user == "Nurse Test"
                    && $0.detail.hasPrefix("\(name) as clinical-nurse-specialist; signed content sha256 ") && $0.detail.count == "\(name) as clinical-nurse-specialist; signed content sha256 ".count + 64 },
                          "the signed content's hash, guarded by the keyed trail")
            XCTAssertTrue(trail.contains { $0.action == "exported document" && $0.detail == "\(name) as pdf to /tmp/eots.pdf" })
            XCTAssertEqual(trail.last?.action, "started new version")
            XCTAssertFalse(trail.contains { $0.detail.contains("T2") || $0.detail.contains("Tiredness") }, "no patient data in the trail")
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
        }
    }
}

extension DocumentContractTests {
    /// The record's "EoTS due" line, read through the repository: due from the end of treatment, gone once signed.
    func testEoTSIsDueAfterTreatmentEndsUntilOneIsSigned() throws {
        try eachRepository { store, connect in
            let policy = try Policy.load(from: Self.root.appendingPathComponent("Resources/policy.yaml"), displayPath: "policy.yaml").get()
            XCTAssertEqual(policy.eotsDueWeeks, 6)
            let today = LocalDate(year: 2026, month: 11, day: 20)!
            var d = try draft(store)
            XCTAssertNil(try EoTSDue.check(patientId: d.patientId, in: store, today: today, policy: policy), "no treatment ended yet")
            d = try filled(store, d)  // one treatment, ended 2 Apr 2026
            d = try store.apply(.saveRow(group: "treatments", DocumentRow(values: ["treatment-type": .codes(["05"]), "start-date": .date(ended),
                                                                                  "end-date": .date(ended.adding(days: 20))])), to: d, template: eots, by: "n", now: now)
            let due = try EoTSDue.check(patientId: d.patientId, in: connect(), today: today, policy: policy)
            XCTAssertEqual(due?.treatmentEnded, ended.adding(days: 20), "the latest end of any treatment")
            XCTAssertEqual(due?.dueBy, ended.adding(days: 62))
            XCTAssertEqual(due?.overdue, false)
            XCTAssertEqual(try EoTSDue.check(patientId: d.patientId, in: store, today: ended.adding(days: 63), policy: policy)?.overdue, true)
            d = try store.apply(.setField("completed-date", .date(today)), to: d, template: eots, by: "n", now: now)
            _ = try store.sign(documentId: d.id, revision: d.revision, template: eots, by: "Nurse Test", role: "clinical-nurse-specialist", now: now)
            XCTAssertNil(try EoTSDue.check(patientId: d.patientId, in: store, today: today, policy: policy), "signed since the end of treatment")
        }
    }
}

extension DocumentContractTests {
    /// A copy of the store in hostile hands, as raw SQL changes it behind the repository (SQLite only): each
    /// change to what was signed is found by `signedContentProblem` and by `verifyAuditTrail`, and undone.
    func tamperingIsFound(_ store: any CareRepository, signed id: Int64, draft: Int64, file: StaticString = #filePath, line: UInt = #line) throws {
        guard let sqlite = store as? CareStore else { return }
        let cases: [(String, String, String, String)] = [
            ("a value", "UPDATE document_value SET value = replace(value, 'lump', 'bump') WHERE document_id = \(id)",
             "UPDATE document_value SET value = replace(value, 'bump', 'lump') WHERE document_id = \(id)", "document \(id) was changed after it was signed"),
            ("the signer", "UPDATE document SET signed_by = 'gp1' WHERE id = \(id)", "UPDATE document SET signed_by = 'Nurse Test' WHERE id = \(id)",
             "document \(id) was changed after it was signed: what the store holds is not what Nurse Test signed"),
            ("the role", "UPDATE document SET signed_role = 'gp' WHERE id = \(id)",
             "UPDATE document SET signed_role = 'clinical-nurse-specialist' WHERE id = \(id)", "changed after it was signed"),
            ("a row added", "INSERT INTO document_row (document_id, field, value) SELECT document_id, field, value FROM document_row WHERE document_id = \(id)",
             "DELETE FROM document_row WHERE id = (SELECT max(id) FROM document_row WHERE document_id = \(id))", "changed after it was signed"),
            ("unsigned", "UPDATE document SET signed_at = NULL, status = 'draft' WHERE id = \(id)",
             "UPDATE document SET (signed_at, status) = (SELECT updated_at, 'signed' FROM document WHERE id = \(id)) WHERE id = \(id)", "is no longer marked signed"),
            ("a draft made to look signed", "UPDATE document SET signed_at = created_at, status = 'signed', signed_by = 'gp1' WHERE id = \(draft)",
             "UPDATE document SET signed_at = NULL, status = 'draft', signed_by = '' WHERE id = \(draft)", "document \(draft) is marked signed, but the audit trail has no signing of it"),
        ]
        for (what, tamper, undo, expected) in cases {
            try sqlite.unauditedWrite { db in try db.execute(sql: tamper) }
            let found = try [id, draft].compactMap { try store.signedContentProblem(documentId: $0) }
            XCTAssertEqual(found.count, 1, "\(what): \(found)", file: file, line: line)
            XCTAssertTrue(found.first?.contains(expected) == true, "\(what): \(found)", file: file, line: line)
            guard case .broken(nil, let reason) = try store.verifyAuditTrail() else { XCTFail("\(what): verify found nothing", file: file, line: line); continue }
            XCTAssertTrue(reason.contains(expected) && reason.hasSuffix("the document was changed outside careplan"), "\(what): \(reason)", file: file, line: line)
            try sqlite.unauditedWrite { db in try db.execute(sql: undo) }
            XCTAssertNil(try store.signedContentProblem(documentId: id), "\(what) undone", file: file, line: line)
        }
        XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count), file: file, line: line)
    }
}

extension RepositoryContractCase {
    /// Every required answer of the EoTS, with one treatment (ended on `end`, or going on: nil).
    func filled(_ store: any CareRepository, _ d: Document, treatmentEnded end: LocalDate? = LocalDate(year: 2026, month: 4, day: 2)!) throws -> Document {
        let eots = DocumentContractTests.eots
        var d = d
        let values: [(String, FieldValue)] = [
            ("treatment-aim", .codes(["curative"])), ("side-effects", .text("Tiredness for some months.")),
            ("red-flag-symptoms", .text("A new lump; pain in the bones that does not go away.")),
            ("contact-in-hours", .text("Breast CNS team 0113 000 0000")), ("contact-out-of-hours", .text("Acute oncology 0113 000 0001")),
            ("follow-up-pathway", .codes(["supported-self-management"])), ("follow-up-plan", .text("Mammogram yearly for 5 years.")),
            ("gp-actions", .text("Bone density scan in 2 years.")), ("completed-by", .person(name: "Nurse Test", staffId: "nurse")),
        ]
        for (field, value) in values { d = try store.apply(.setField(field, value), to: d, template: eots, by: "nurse", now: now) }
        var row: [String: FieldValue] = ["treatment-type": .codes(["01"]), "start-date": .date(LocalDate(year: 2026, month: 4, day: 2)!)]
        row["end-date"] = end.map(FieldValue.date)
        return try store.apply(.saveRow(group: "treatments", DocumentRow(values: row)), to: d, template: eots, by: "nurse", now: now)
    }
}
