import GRDB
import XCTest
@testable import CareplanCore
@testable import CareplanSQLite
@testable import CareplanStore

/// The SQLite side of issue 13: its schema step under its agreed name, after v10, and the practice view reads
/// only the recently diagnosed, through an index, whatever the size of the register.
final class CareReviewStoreTests: XCTestCase {
    func testTheStepIsV11CCRAfterV10() throws {
        // Named so parallel branches do not collide; after v9 and v10. Later steps follow it, so the test asks
        // for the order, not for the last names.
        let names = CareStore.migrationNames
        let at = try XCTUnwrap(names.firstIndex(of: "v11-ccr"))
        XCTAssertEqual(names.firstIndex(of: "v10-documents").map { $0 < at }, true)
        let store = try CareStore()
        XCTAssertEqual(try store.appliedMigrations(), names, "a new store applies every step, in order")
    }

    func testThePracticeViewReadsPatientsThroughTheDiagnosisDateIndex() throws {
        let store = try CareStore()
        let plans = try store.db.read { db in
            try ["SELECT * FROM patient WHERE diagnosis_date BETWEEN ? AND ?",
                 "SELECT r.* FROM qof_record r JOIN patient p ON p.id = r.patient_id WHERE p.diagnosis_date BETWEEN ? AND ? ORDER BY r.date, r.id"].map {
                try GRDB.Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + $0, arguments: ["2024-11-27", "2026-11-28"]).map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        for plan in plans { XCTAssertTrue(plan.contains("patient_diagnosis_date"), plan) }
        XCTAssertTrue(plans[1].contains("qof_record_patient"), plans[1])
    }

    /// Signing a Cancer Care Review and recording its CAN004 are one transaction: when the record cannot be
    /// written, the review stays a draft, unsigned and unaudited.
    func testSigningAReviewIsUndoneWhenItsQOFRecordCannotBeWritten() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("Resources/documents/ccr.yaml")
        let codes = try CodeLists.load(from: root.appendingPathComponent("Resources/codelists.yaml"), displayPath: "c",
                                       documentLists: DocumentTemplate.codeListsNamed(in: ["ccr", "eots"].map { root.appendingPathComponent("Resources/documents/\($0).yaml") })).get()
        let context = DocumentTemplate.Context(codes: codes, services: try ServiceDirectory.load(from: root.appendingPathComponent("Resources/services.yaml"), displayPath: "s").get(),
                                               roles: try Roles.load(from: root.appendingPathComponent("Resources/roles.yaml"), displayPath: "r").get())
        let ccr = try DocumentTemplate.load(from: url, displayPath: "ccr.yaml", context: context).get()
        let store = try CareStore()
        let now = Date(timeIntervalSince1970: 1_795_435_200)
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Wiśniewski", givenName: "Siân",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!, diagnosis: "Breast",
                                             diagnosisDate: LocalDate(year: 2026, month: 3, day: 1)), by: "t", now: now)
        var d = try store.createDocument(template: ccr, patientId: p.id!, createdBy: "gp", now: now)
        for (f, v): (String, FieldValue) in [("current-needs", .text("Well.")), ("concerns-discussed", .text("Sleep.")), ("side-effects", .text("Tired.")),
                                              ("recurrence-signs", .text("A new lump.")), ("medication-review", .text("None.")),
                                              ("completed-by", .person(name: "Dr Adams", staffId: nil))] {
            d = try store.apply(.setField(f, v), to: d, template: ccr, by: "gp", now: now)
        }
        d = try store.apply(.saveRow(group: "actions", DocumentRow(values: ["action-who": .person(name: "Dr Adams", staffId: nil), "action-what": .text("Review")])),
                            to: d, template: ccr, by: "gp", now: now)
        try store.db.write { db in
            try db.execute(sql: "CREATE TEMP TRIGGER refuse_qof BEFORE INSERT ON qof_record BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        }
        XCTAssertThrowsError(try store.sign(documentId: d.id, revision: d.revision, template: ccr, by: "gp", role: "gp", now: now))
        XCTAssertEqual(try store.document(id: d.id)?.status, .draft)
        XCTAssertEqual(try store.qofRecords(patientId: p.id!), [])
        XCTAssertFalse(try store.auditTrail(patientId: p.id!).contains { $0.action == "signed document" })
        try store.db.write { db in try db.execute(sql: "DROP TRIGGER refuse_qof") }
        let signed = try store.sign(documentId: d.id, revision: d.revision, template: ccr, by: "gp", role: "gp", now: now)
        XCTAssertEqual(signed.status, .signed)
        XCTAssertEqual(try store.qofRecords(patientId: p.id!).map(\.indicator), ["can004"])
    }
}
