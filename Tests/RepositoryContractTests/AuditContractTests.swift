import CareplanCore
@_spi(StoreTesting) @testable import CareplanStore
import XCTest

/// The audit trail: who did what to which record and when, never the clinical text, and intact on checking.
final class AuditContractTests: RepositoryContractCase {
    /// Siân's assessment, a concern and twenty saves of a note typed by Nurse A, then viewed by Nurse B.
    func planWithTwentyNoteSaves(_ store: any CareRepository) throws -> Assessment {
        let p = try store.addPatient(patient(), by: "Nurse A", now: now)
        var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .other, completedBy: .patient, date: LocalDate(now),
                                          catalogue: Self.catalogue, createdBy: "Nurse A", now: now)
        a = try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 8)), to: a.id,
                            basedOn: a, by: "Nurse A", now: now)
        for i in 0..<20 {  // a note saved every second while typing
            a = try store.apply(.setNote(key: "pain", text: "Worse at night, left hip " + String(repeating: "x", count: i)), to: a.id,
                                basedOn: a, by: "Nurse A", now: now.addingTimeInterval(Double(i)))
        }
        try store.recordView(user: "Nurse B", assessmentId: a.id, now: now)
        return a
    }

    func testWhoDidWhatToWhichRecordWithoutClinicalText() throws {
        try eachRepository { store, connect in
            let a = try planWithTwentyNoteSaves(store)
            let trail = try store.auditTrail()
            XCTAssertEqual(trail.suffix(5).map(\.action), ["added patient", "started assessment", "changed", "changed", "viewed"])
            XCTAssertEqual(trail.suffix(5).map(\.said), ["", "HNA offer 1 accepted", "concern pain", "note on pain", ""], "twenty note saves, one entry")
            XCTAssertEqual(trail.last?.user, "Nurse B")
            XCTAssertEqual(trail.last?.patientId, a.patientId, "the patient is recorded with the assessment")
            let everything = trail.map { "\($0.user) \($0.action) \($0.detail)" }.joined()
            XCTAssertFalse(everything.contains("hip") || everything.contains("Siân") || everything.contains("943"), everything)
            XCTAssertEqual(try store.auditTrail(patientId: a.patientId).count, 5)
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: trail.count))
        }
    }

    func testExportsAndKioskCodesAreAudited() throws {
        try eachRepository { store, connect in
            let a = try planWithTwentyNoteSaves(store)
            _ = try store.recordExport(assessmentId: a.id, format: "pdf", destination: "/tmp/x.pdf", by: "Nurse B", at: now)
            _ = try store.issueKioskCode(patientId: a.patientId, pathwayPoint: .other, catalogue: Self.catalogue, by: "Nurse B", now: now)
            let actions = try store.auditTrail().suffix(3).map(\.action)
            XCTAssertEqual(actions, ["exported", "started assessment", "issued kiosk code"])
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
        }
    }

    func testListingTheRegisterIsAudited() throws {
        try eachRepository { store, connect in
            _ = try planWithTwentyNoteSaves(store)
            try store.recordListing(user: "Nurse B", patients: 1, now: now)
            XCTAssertEqual(try store.auditTrail().last.map { "\($0.user) \($0.action) \($0.detail)" }, "Nurse B listed all patients 1 patients")
            // Another list says which it was.
            try store.recordListing(user: "Dr G", listed: "reviews due", patients: 21, now: now)
            XCTAssertEqual(try store.auditTrail().last.map { "\($0.user) \($0.action) \($0.detail)" }, "Dr G listed reviews due 21 patients")
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
        }
    }

    func testARefusalIsAuditedOnOneLineWithNoPatientData() throws {
        try eachRepository { store, connect in
            try store.recordRefusal(user: "gp1", refused: "may not run reports: careplan cosd at \u{1B}]0;x\u{07}tty1\n", now: now)
            let e = try XCTUnwrap(try connect().auditTrail().last)
            XCTAssertEqual(["gp1", "refused", "may not run reports: careplan cosd at tty1 "], [e.user, e.action, e.detail])
            XCTAssertNil(e.patientId)
            XCTAssertEqual(try store.verifyAuditTrail(), .intact(entries: try store.auditTrail().count))
        }
    }

    /// A guard dropped (either engine) or switched off (PostgreSQL: `ALTER TABLE audit_log DISABLE TRIGGER user`, which
    /// the role owning the tables may run) is named by verify, and put back and recorded when the store is next opened.
    func testAGuardDroppedOrSwitchedOffIsNamedAndPutBackOnOpening() throws {
        try eachRepository { store, connect in
            guard let careStore = store as? CareStore else { return }
            _ = try addSian(store)
            let dialect = try careStore.read { db in db.dialect }
            var attacks = [("dropped", dialect.dropAuditTrigger("audit_log_no_delete"), ["audit_log_no_delete"])]
            if dialect == .postgres {
                attacks.append(("switched off", "ALTER TABLE audit_log DISABLE TRIGGER user", dialect.auditGuards.keys.sorted()))
                attacks.append(("one switched off", "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate", ["audit_log_no_truncate"]))
            }
            for (what, attack, named) in attacks {
                try careStore.unauditedWrite { db in try db.execute(sql: attack) }
                guard case .broken(nil, let why) = try store.verifyAuditTrail() else { XCTFail("\(what): verify found nothing"); continue }
                XCTAssertTrue(why.contains("(" + named.map { "guard \($0) missing or changed" }.joined(separator: ", ") + ")"), "\(what): \(why)")
                let reopened = try XCTUnwrap(try connect() as? CareStore)
                XCTAssertTrue(reopened.openingNotes.contains { $0.contains("guards (\(named.joined(separator: ", "))) were missing or changed") },
                              "\(what): \(reopened.openingNotes)")
                XCTAssertEqual(try reopened.auditTrail().last.map { "\($0.action): \($0.detail)" },
                               "restored the audit trail's guards: " + named.map { "guard \($0) restored" }.joined(separator: ", "), what)
                XCTAssertEqual(try reopened.read { db in try reopened.auditTriggerChanges(db) }.guards, [], "\(what): put back")
                XCTAssertThrowsError(try reopened.unauditedWrite { db in try db.execute(sql: "DELETE FROM audit_log") }, "\(what): guarded again")
                guard case .broken(nil, let later) = try reopened.verifyAuditTrail() else { XCTFail("\(what): forgotten once put back"); continue }
                XCTAssertTrue(later.contains("guard \(named[0]) restored"), "\(what): \(later)")
            }
        }
    }

    /// Something put on the trail behind careplan's back that swallows entries without an error (a PostgreSQL rule,
    /// an SQLite trigger ignoring the row; tester's finding F19): the write it would record fails and is not stored,
    /// verify names it, and the next opening takes it off, saying so in the trail for good.
    func testATrailThatSwallowsEntriesRefusesTheWriteAndIsNamed() throws {
        try eachRepository { store, connect in
            let store = try XCTUnwrap(store as? CareStore)
            let a = try assessmentWithPain(store)
            let postgres = try store.unauditedRead { $0.dialect } == .postgres
            let (swallow, named) = postgres ? ("CREATE RULE noins AS ON INSERT TO audit_log DO INSTEAD NOTHING", "rule noins")
                                            : ("CREATE TRIGGER noins BEFORE INSERT ON audit_log BEGIN SELECT RAISE(IGNORE); END", "unknown trigger noins")
            try store.unauditedWrite { db in try db.execute(sql: swallow) }
            let entries = try store.auditTrail().count
            XCTAssertThrowsError(try store.apply(.setConcern(ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 2)),
                                                 to: a.id, basedOn: a, now: now)) { error in
                XCTAssertEqual(error as? StoreError, .cannotWrite(CareStore.auditTakesNoEntries))
            }
            XCTAssertThrowsError(try store.recordView(user: "Nurse B", assessmentId: a.id, now: now))
            XCTAssertEqual(try store.assessment(id: a.id)?.concerns.first?.score, 6, "the unaudited change was not stored")
            XCTAssertEqual(try store.auditTrail().count, entries)
            guard case .broken(nil, let reason) = try store.verifyAuditTrail() else { return XCTFail("verify found nothing") }
            XCTAssertTrue(reason.contains("\(named) added"), reason)
            // Opening again takes it off and records that; the trail takes entries again, and verify keeps saying what was found.
            let reopened = try connect()
            try reopened.recordView(user: "Nurse B", assessmentId: a.id, now: now)
            XCTAssertEqual(try reopened.auditTrail().suffix(2).map(\.detail), ["\(named) removed", ""])
            guard case .broken(nil, let later) = try reopened.verifyAuditTrail() else { return XCTFail("the finding was forgotten") }
            XCTAssertTrue(later.contains("\(named) removed"), later)
            guard postgres else { return }
            // Row-level security hides or refuses rows (for the owner too, when forced): named and turned off the same way.
            try store.unauditedWrite { db in try db.execute(sql: "ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY") }
            guard case .broken(nil, let rls) = try store.verifyAuditTrail() else { return XCTFail("row-level security not found") }
            XCTAssertTrue(rls.contains("(row-level security added"), rls)
            _ = try connect()
            XCTAssertEqual(try store.auditTrail().last?.detail, "row-level security removed")
        }
    }
}
