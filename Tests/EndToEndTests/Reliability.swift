import CareplanCore
import CareplanSQLite
import CareplanStores
import ReliabilityKnobs
import Foundation
import XCTest

extension Reliability {
    /// A store with one fictional patient (the first of `FictionalNHS`) and an assessment in
    /// progress, made through the library so that a test starts on the checklist with two Enters.
    static func storeWithAssessment(at path: String, family: String = "Crashloop") throws -> (patientId: Int64, assessmentId: Int64) {
        let url = Paths.packageRoot.appendingPathComponent("Resources/catalogues/ncat-hna.yaml")
        let catalogue = try ConcernCatalogue.load(from: url, displayPath: "ncat-hna.yaml").get()
        let store = try StoreLocation.parse(path).open()
        let digits = FictionalNHS.spaced(1).replacingOccurrences(of: " ", with: "")
        let p = try store.addPatient(Patient(nhsNumber: NHSNumber(digits)!, familyName: family, givenName: "Alex",
                                             dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!))
        let a = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician,
                                          date: LocalDate(Date()), catalogue: catalogue, createdBy: "Nurse")
        return (p.id!, a.id)
    }
}


/// Keys as xterm sends them with the keypad in application mode (ncurses's `keypad(TRUE)` turns it on).
enum XtermKeys {
    static let down: [UInt8] = Array("\u{1B}OB".utf8)
    static let up: [UInt8] = Array("\u{1B}OA".utf8)
    static let end: [UInt8] = Array("\u{1B}OF".utf8)
    static let enter: [UInt8] = [0x0D]
    static func ctrl(_ c: Character) -> [UInt8] { [c.asciiValue! & 0x1F] }
}
