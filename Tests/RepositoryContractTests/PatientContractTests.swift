import CareplanCore
import XCTest

/// Patients: round trips, revisions, the NHS number kept unique, search, seeding.
final class PatientContractTests: RepositoryContractCase {
    func testPatientRoundTripAndDuplicateNHSNumber() throws {
        try eachRepository { store, connect in
            let saved = try store.addPatient(patient(), now: now)
            let reopened = try connect()
            let loaded = try XCTUnwrap(try reopened.patient(id: saved.id!))
            XCTAssertEqual(loaded, saved)
            XCTAssertThrowsError(try store.addPatient(patient(given: "Other"), now: now)) { e in
                XCTAssertEqual(e as? StoreError, .duplicateNHSNumber(existing: "WIŚNIEWSKI, Siân"))
            }
        }
    }

    func testSecondTerminalEditingStaleDetailsIsToldNotApplied() throws {
        try eachRepository { store, connect in
            let saved = try store.addPatient(patient(), now: now)
            var first = saved, second = saved
            first.diagnosis = "Breast, left"
            _ = try store.updatePatient(first, now: now)
            second.diagnosis = "Breast, right"
            XCTAssertThrowsError(try store.updatePatient(second, now: now)) { XCTAssertEqual($0 as? StoreError, .conflict("This patient's details")) }
            XCTAssertEqual(try store.patient(id: saved.id!)?.diagnosis, "Breast, left")
        }
    }

    func testSearchByNameNHSNumberAndDateOfBirth() throws {
        try eachRepository { store, connect in
            _ = try store.addPatient(patient(), now: now)
            _ = try store.addPatient(patient("9990000026", family: "Smith", given: "Zoë"), now: now)
            XCTAssertEqual(try store.searchPatients("wis").map(\.patient.givenName), ["Siân"], "accents ignored")
            XCTAssertEqual(try store.searchPatients("sian wis").map(\.patient.givenName), ["Siân"], "every word must match")
            XCTAssertEqual(try store.searchPatients("zoe").map(\.patient.familyName), ["Smith"])
            XCTAssertEqual(try store.searchPatients("999 000").map(\.patient.familyName), ["Smith"], "NHS number prefix")
            XCTAssertEqual(try store.searchPatients("05/03/1961").count, 2, "date of birth")
            XCTAssertEqual(try store.searchPatients("nobody").count, 0)
            XCTAssertEqual(try store.searchPatients("").count, 2, "empty query lists recent patients")
        }
    }

    /// An apostrophe is no part of a name's key: O'Brien is found as obrien, o'brien, o’brien, "o brien" and brien.
    func testSearchFindsNamesWithOrWithoutTheirApostrophe() throws {
        try eachRepository { store, connect in
            _ = try store.addPatient(patient("9990000026", family: "O'Brien", given: "Siobhán"), now: now)
            _ = try store.addPatient(patient("9990000034", family: "D’Arcy", given: "Aoife"), now: now)
            for typed in ["obrien", "o'brien", "O’Brien", "o brien", "brien", "OBRI"] {
                XCTAssertEqual(try connect().searchPatients(typed).map(\.patient.givenName), ["Siobhán"], typed)
            }
            for typed in ["darcy", "d'arcy", "d arcy", "arcy"] {
                XCTAssertEqual(try store.searchPatients(typed).map(\.patient.givenName), ["Aoife"], typed)
            }
        }
    }

    /// Issue 9, item 16: letters Foundation does not fold, later words of a name, and ISO dates.
    func testSearchFoldsEveryLetterFindsEveryWordOfANameAndReadsISODates() throws {
        try eachRepository { store, connect in
            _ = try store.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Łódź", givenName: "Bartłomiej",
                                             dateOfBirth: LocalDate(year: 1960, month: 2, day: 29)!), now: now)
            _ = try store.addPatient(patient("9990000026", family: "Ó Briain", given: "Siobhán"), now: now)
            _ = try store.addPatient(patient("9990000034", family: "Smith-Jones", given: "Søren Åge"), now: now)
            _ = try store.addPatient(patient("9990000042", family: "Straße", given: "Ægir"), now: now)
            XCTAssertEqual(try store.searchPatients("lodz").map(\.patient.givenName), ["Bartłomiej"], "ł folds to l")
            XCTAssertEqual(try store.searchPatients("bartlo").map(\.patient.familyName), ["Łódź"])
            XCTAssertEqual(try store.searchPatients("briain").map(\.patient.givenName), ["Siobhán"], "second word of a family name")
            XCTAssertEqual(try store.searchPatients("o briain").map(\.patient.givenName), ["Siobhán"], "the whole family name")
            XCTAssertEqual(try store.searchPatients("siobhan bri").map(\.patient.givenName), ["Siobhán"], "a later word after another word")
            XCTAssertEqual(try store.searchPatients("jones").map(\.patient.givenName), ["Søren Åge"], "after a hyphen")
            XCTAssertEqual(try store.searchPatients("soren").map(\.patient.familyName), ["Smith-Jones"], "ø folds to o")
            XCTAssertEqual(try store.searchPatients("age").map(\.patient.familyName), ["Smith-Jones"], "second given name")
            XCTAssertEqual(try store.searchPatients("strasse").map(\.patient.givenName), ["Ægir"], "ß is ss")
            XCTAssertEqual(try store.searchPatients("aegir").map(\.patient.familyName), ["Straße"], "æ is ae")
            XCTAssertEqual(try store.searchPatients("1960-02-29").map(\.patient.familyName), ["Łódź"], "an ISO date, as forms accept")
            XCTAssertEqual(try store.searchPatients("29/02/1960").map(\.patient.familyName), ["Łódź"])
            XCTAssertEqual(try store.searchPatients("943 476").map(\.patient.familyName), ["Łódź"], "NHS numbers still by prefix")
            XCTAssertEqual(try store.searchPatients("943-476-5919").map(\.patient.familyName), ["Łódź"])
            // A change of name moves its words.
            var p = try store.searchPatients("briain")[0].patient
            p.familyName = "Kelly"
            _ = try store.updatePatient(p, now: now)
            XCTAssertEqual(try store.searchPatients("briain").count, 0)
        }
    }

    func testSeederMakesValidFictionalPatientsAndPlans() throws {
        try eachRepository { store, connect in
            let seeder = Seeder(catalogue: Self.catalogue, today: LocalDate(year: 2026, month: 11, day: 23)!)
            XCTAssertEqual(try store.addFictionalPatients(seeder, count: 300, now: now), 300)
            XCTAssertEqual(try store.addFictionalPatients(seeder, count: 30, now: now), 30, "a second run adds, never reusing a number")
            let all = try store.allPatients()
            XCTAssertEqual(all.count, 330)
            XCTAssertEqual(Set(all.map(\.patient.nhsNumber)).count, 330)
            XCTAssertTrue(all.allSatisfy { $0.patient.nhsNumber.digits.hasPrefix("999") })
            XCTAssertGreaterThan(all.filter { $0.latestStatus == .agreed }.count, 20)
            XCTAssertGreaterThan(all.filter { $0.latestStatus == .inProgress }.count, 5)
            let agreed = try XCTUnwrap(all.first { $0.latestStatus == .agreed })
            let plan = try XCTUnwrap(try store.assessment(id: agreed.latestAssessmentId!))
            XCTAssertFalse(plan.discussedConcerns.isEmpty)
            XCTAssertNotNil(plan.reviewDate)
        }
    }
}
