import Foundation
import GRDB

/// Fictional patients for demos, tests and benchmarks: NHS numbers only from the never-issued 999 range,
/// names from several languages (so the screens and exports meet real-world text), and some complete
/// assessments with agreed plans. Deterministic for a given seed.
public struct Seeder {
    static let familyNames = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
                              "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
                              "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
                              "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen",
                              "Khan", "Ahmed", "Nowak", "Kowalska", "O'Brien", "Ó Súilleabháin", "Llewellyn", "Nguyen", "Okafor", "Wiśniewski",
                              "Al-Sayed", "Müller", "García", "Begum", "Singh", "Chen", "Yamamoto", "MacDonald", "Pryce", "Zieliński"]
    static let givenNames = ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Sophia", "Lily", "Freya", "Emily",
                             "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Muhammad", "Oscar", "Charlie",
                             "Siân", "Zoë", "Rhys", "Gwen", "Łucja", "Bartłomiej", "Aoife", "Niamh", "Ciarán", "Seren",
                             "Fatima", "Aisha", "Priya", "Ravi", "Mei", "Hiroshi", "Chidi", "Ngozi", "José", "Renée",
                             "Margaret", "Patricia", "Susan", "David", "John", "Peter", "Michael", "Elizabeth", "Anne", "Robert"]
    static let diagnoses: [(String, String)] = [("Breast", "C50.9"), ("Prostate", "C61"), ("Lung", "C34.9"), ("Colorectal", "C18.9"),
                                                ("Head and neck", "C76.0"), ("Ovary", "C56"), ("Bladder", "C67.9"), ("Melanoma of skin", "C43.9"),
                                                ("Non-Hodgkin lymphoma", "C85.9"), ("Pancreas", "C25.9"), ("Kidney", "C64"), ("Oesophagus", "C15.9")]
    static let notes = ["Finds mornings hardest; wants to keep walking the dog.",
                        "Worried about going back to work in the spring; employer has been supportive so far.",
                        "Discussed what to expect; would like written information to share with family.",
                        "Sleeping 4 to 5 hours a night. Tried relaxation app, some help."]

    public var catalogue: ConcernCatalogue
    public var seed: UInt64
    public var today: LocalDate

    public init(catalogue: ConcernCatalogue, seed: UInt64 = 42, today: LocalDate) {
        self.catalogue = catalogue
        self.seed = seed
        self.today = today
    }

    /// Adds `count` patients (after any already there, never reusing an NHS number). Every third patient has
    /// an assessment; of those, two in three have an agreed plan. Returns how many patients were added.
    @discardableResult
    public func seed(into store: CareStore, patients count: Int, createdBy: String = "seed", now: Date = Date()) throws -> Int {
        var rng = SeededRandom(seed: seed)
        let concernItems = catalogue.allItems.filter { !$0.category.isInformation }
        var added = 0
        try store.bulkWrite { db in
            let existing = Set(try String.fetchAll(db, sql: "SELECT nhs_number FROM patient WHERE nhs_number LIKE '999%'"))
            let insertPatient = try db.cachedStatement(sql: """
                INSERT INTO patient (nhs_number, family_name, given_name, family_key, given_key, date_of_birth, diagnosis,
                                     diagnosis_code, diagnosis_date, revision, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
                """)
            let insertAssessment = try db.cachedStatement(sql: """
                INSERT INTO assessment (patient_id, pathway_point, completed_by, date, status, catalogue_id, catalogue_version,
                    distress_score, what_matters, review_date, agreed_by, agreed_role, agreed_at, created_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let insertConcern = try db.cachedStatement(sql: """
                INSERT INTO concern (assessment_id, key, category_id, label, score, rank, discuss, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let insertAction = try db.cachedStatement(sql: """
                INSERT INTO agreed_action (assessment_id, concern_key, what, owner, owner_name, due, service_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            var numbers = NHSNumber.fictionalNumbers().makeIterator()
            while added < count {
                guard let nhs = numbers.next() else { break }  // the fictional range holds about 909,000
                if existing.contains(nhs.digits) { continue }
                let family = rng.pick(Self.familyNames), given = rng.pick(Self.givenNames)
                let dob = LocalDate(dayNumber: today.dayNumber - (25 * 365 + rng.int(60 * 365)))
                let (site, code) = rng.pick(Self.diagnoses)
                let diagnosed = today.adding(days: -rng.int(3 * 365))
                try insertPatient.execute(arguments: [nhs.digits, family, given, CareStore.searchKey(family), CareStore.searchKey(given),
                                                      dob.iso, site, code, diagnosed.iso, now, now])
                let patientId = db.lastInsertedRowID
                try CareStore.indexNameWords(db, patientId: patientId, familyName: family, givenName: given)
                added += 1
                guard added % 3 == 0 else { continue }
                let agreed = rng.int(3) != 0
                let date = diagnosed.adding(days: rng.int(60))
                try insertAssessment.execute(arguments: [
                    patientId, rng.pick(PathwayPoint.allCases).rawValue, rng.pick(CompletedBy.allCases).rawValue, date.iso,
                    (agreed ? AssessmentStatus.agreed : .inProgress).rawValue, catalogue.id, catalogue.version, rng.int(11),
                    agreed ? "Being well enough to see my grandchildren at the weekends." : "", agreed ? date.adding(days: 90).iso : nil,
                    agreed ? "Demo Nurse" : "", agreed ? StaffRole.cns.rawValue : nil, agreed ? now : nil, createdBy, now, now])
                let assessmentId = db.lastInsertedRowID
                var chosen: Set<String> = []
                for rank in 0..<(2 + rng.int(6)) {
                    let (category, item) = rng.pick(concernItems)
                    guard chosen.insert(item.id).inserted else { continue }
                    let discuss = agreed && rank < 3
                    try insertConcern.execute(arguments: [assessmentId, item.id, category.id, item.label, 1 + rng.int(10),
                                                          agreed ? rank : nil, discuss, discuss ? rng.pick(Self.notes) : ""])
                    if discuss {
                        let owner = rng.pick(ActionOwner.allCases)
                        try insertAction.execute(arguments: [assessmentId, item.id, "Follow up \(item.label.lowercased())", owner.rawValue,
                                                             owner == .other ? "Community team" : "", date.adding(days: 14 + rng.int(60)).iso, nil])
                    }
                }
            }
            try CareStore.audit(db, user: createdBy, action: "seeded", detail: "\(added) fictional patients", at: now)
        }
        return added
    }
}

/// SplitMix64: small, fast, and the same sequence on every machine for a given seed (Swift's system generator
/// cannot be seeded). The seeder uses it, and so do the seeded reliability tests, so a seed always replays.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// 0 ..< n, by remainder (what the seeder has always used, so seeded stores stay the same).
    public mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    public mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}
