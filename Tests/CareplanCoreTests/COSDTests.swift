import XCTest
@testable import CareplanCore

/// The COSD rows made from a period's facts (no store): every item, codes only from the code lists, and what
/// cannot be coded left out with its reason, never guessed.
final class COSDTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let documentFiles = [root.appendingPathComponent("Resources/documents/eots.yaml"), root.appendingPathComponent("Resources/documents/ccr.yaml")]
    static let codes = try! CodeLists.load(from: root.appendingPathComponent("Resources/codelists.yaml"), displayPath: "c",
                                           documentLists: DocumentTemplate.codeListsNamed(in: documentFiles)).get()
    static let roles = try! Roles.load(from: root.appendingPathComponent("Resources/roles.yaml"), displayPath: "r").get()
    static let spec = try! COSDSpec.load(from: root.appendingPathComponent("Resources/cosd.yaml"), displayPath: "cosd.yaml").get()

    let sian = COSDFacts.Patient(id: 7, nhsNumber: "9434765919", dateOfBirth: "1961-03-05", diagnosisCode: "c50.9", diagnosisDate: "2026-03-01")

    func rows(_ facts: COSDFacts) -> COSDExport { COSDExport.rows(facts, roles: Self.roles, codes: Self.codes) }
    func offer(_ id: Int64, _ date: String, _ outcome: String, role: String? = "clinical-nurse-specialist", point: String = "01",
               assessment: COSDFacts.Assessment? = nil, patient: Int64 = 7) -> COSDFacts.Offer {
        COSDFacts.Offer(id: id, patientId: patient, date: date, pathwayPoint: point, outcome: outcome, offeredRole: role, assessment: assessment)
    }

    func testTheShippedItemsAreEveryItemOnceInTheirOrder() {
        XCTAssertEqual(Self.spec.columns.map(\.item), ["CR0010", "CR0020", "CR0100", "CR0370", "CR2030", "CR7900", "CR7920", "CR7930", "CR7940",
                                                       "CR7950", "CR7960", "CR8420"])
        XCTAssertEqual(Self.spec.eotsTemplate, "eots")
        XCTAssertEqual(rows(COSDFacts()).table(Self.spec), [Self.spec.columns.map(\.item)], "an empty period: the header alone")
    }

    func testABrokenItemsFileSaysWhereAndHowToFixIt() {
        let text = """
            end-of-treatment-summary: eots
            columns:
              - { item: CR0010, name: NHS NUMBER, source: nhs-numbr }
              - { item: 7900, name: HNA, source: hna-offered }
              - { item: CR0100, name: BIRTH, source: hna-offered }
            """
        guard case .failure(let e) = COSDSpec.parse(text: text, displayPath: "Resources/cosd.yaml") else { return XCTFail("loaded") }
        let said = e.problems.map(\.message)
        XCTAssertTrue(said.contains("unknown source `nhs-numbr` for `CR0010`"), "\(said)")
        XCTAssertTrue(e.problems.first { $0.message.hasPrefix("unknown source") }!.fix.hasPrefix("did you mean `nhs-number`?"))
        XCTAssertTrue(said.contains("`7900` is not a COSD item number"), "\(said)")
        XCTAssertTrue(said.contains("no column has the source `eots-date`"), "\(said)")
        XCTAssertEqual(e.problems.first { $0.message.contains("7900") }?.line, 4)
    }

    /// Every item of one accepted offer whose plan was agreed by a nurse, and an End of Treatment Summary: two
    /// events of one patient, two rows, oldest first.
    func testEachItemOfAPatientWithTwoEvents() {
        let plan = COSDFacts.Assessment(id: 3, status: "agreed", agreedRole: "02", concerns: 2)
        let facts = COSDFacts(patients: [7: sian], offers: [offer(11, "2026-11-02", "03", point: "04", assessment: plan)],
                              summaries: [COSDFacts.Summary(documentId: 5, patientId: 7, date: "2026-10-30")])
        let out = rows(facts)
        XCTAssertEqual(out.leftOut, [])
        XCTAssertEqual(out.patients, 1)
        XCTAssertEqual(out.table(Self.spec), [
            ["CR0010", "CR0020", "CR0100", "CR0370", "CR2030", "CR7900", "CR7920", "CR7930", "CR7940", "CR7950", "CR7960", "CR8420"],
            ["9434765919", "7", "1961-03-05", "C50.9", "2026-03-01", "", "", "", "", "", "", "2026-10-30"],
            ["9434765919", "7", "1961-03-05", "C50.9", "2026-03-01", "03", "03", "2026-11-02", "04", "01", "02", ""],
        ])
    }

    /// CR7920: in progress 02 (plan offered), agreed or superseded 03, agreed with no concern raised 06 (the
    /// record says no plan was needed); an offer not accepted has no plan status, nor a care-planning role.
    func testThePlanStatusIsWhatTheRecordSays() {
        func status(_ s: String, concerns: Int = 1, outcome: String = "03") -> [String] {
            let a = COSDFacts.Assessment(id: 1, status: s, agreedRole: s == "in-progress" ? nil : "01", concerns: concerns)
            let row = rows(COSDFacts(patients: [7: sian], offers: [offer(1, "2026-11-02", outcome, assessment: outcome == "03" ? a : nil)])).rows[0]
            return [row[.planStatus] ?? "", row[.planningRole] ?? ""]
        }
        XCTAssertEqual(status("in-progress"), ["02", ""])
        XCTAssertEqual(status("agreed"), ["03", "01"])
        XCTAssertEqual(status("superseded"), ["03", "01"])
        XCTAssertEqual(status("agreed", concerns: 0), ["06", "01"])
        XCTAssertEqual(status("in-progress", concerns: 0), ["02", ""], "nothing raised yet is not 'no concerns'")
        XCTAssertEqual(status("agreed", outcome: "02"), ["", ""], "declined: no plan")
    }

    /// CR7950: the offerer's role through roles.yaml's cosd-staff-role; no role, or one roles.yaml no longer has
    /// or that has no cosd-staff-role, is 09 "not known". A declined offer is written as declined.
    func testTheOfferersRoleAndADeclinedOffer() {
        let facts = COSDFacts(patients: [7: sian], offers: [
            offer(1, "2026-11-01", "02", role: "support-worker"), offer(2, "2026-11-02", "02", role: nil),
            offer(3, "2026-11-03", "01", role: "retired-role"), offer(4, "2026-11-04", "04", role: "administrator"),
        ])
        let out = rows(facts)
        XCTAssertEqual(out.rows.map { $0[.offeredRole]! }, ["04", "09", "09", "09"])
        XCTAssertEqual(out.rows.map { $0[.hnaOffered]! }, ["02", "02", "01", "04"])
        XCTAssertEqual(out.rows.map { $0[.planStatus] }, [nil, nil, nil, nil])
    }

    /// What cannot be coded is left out, with the patient's careplan id and the reason, never the NHS number.
    func testUnmappableEventsAreLeftOutWithTheirReason() {
        var badNHS = sian
        badNHS.id = 8
        badNHS.nhsNumber = "9434765918"
        var badDiagnosis = sian
        badDiagnosis.id = 9
        badDiagnosis.diagnosisCode = "breast"
        let facts = COSDFacts(patients: [7: sian, 8: badNHS, 9: badDiagnosis], offers: [
            offer(1, "2026-11-01", "07"), offer(2, "2026-11-01", "02", point: "99"),
            offer(3, "2026-11-01", "03", assessment: nil),
            offer(4, "2026-11-01", "03", assessment: COSDFacts.Assessment(id: 1, status: "agreed", agreedRole: "07", concerns: 1)),
            offer(5, "2026-11-01", "03", assessment: COSDFacts.Assessment(id: 2, status: "archived", agreedRole: nil, concerns: 1)),
            offer(6, "2026-11-01", "02", patient: 8), offer(7, "2026-11-01", "02", patient: 9), offer(8, "2026-11-01", "02", patient: 10),
            offer(9, "2026-11-01", "02"),
        ], summaries: [COSDFacts.Summary(documentId: 4, patientId: 7, date: nil)])
        let out = rows(facts)
        XCTAssertEqual(out.rows.count, 1, "only the declined offer 9 is whole")
        XCTAssertEqual(out.leftOut.map(\.line), [
            "patient 7, HNA offer 1: its outcome `07` is not in the hna-offered list",
            "patient 7, HNA offer 2: its point of pathway `99` is not in the pathway-point list",
            "patient 7, HNA offer 3: it was accepted but names no assessment",
            "patient 7, HNA offer 4: its care plan's role code `07` is not in the staff-role list",
            "patient 7, HNA offer 5: its assessment's status `archived` is not known",
            "patient 8, HNA offer 6: the patient's NHS number is not valid (CR0010)",
            "patient 9, HNA offer 7: the patient's diagnosis code is not an ICD-10 code",
            "patient 10, HNA offer 8: the patient is not in the store",
            "patient 7, End of Treatment Summary (document 4): it has no date (CR8420)",
        ])
        XCTAssertFalse(out.leftOut.map(\.line).joined().contains("943"), "no NHS number in the list")
    }
}
