import Foundation

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

    /// Makes `count` fictional patients, in order, skipping the NHS numbers in `existing` (so a store seeded
    /// again never reuses one). Every third patient has an assessment; of those, two in three have an agreed
    /// plan. The same seed gives the same patients whatever store takes them. Returns how many were made.
    @discardableResult
    public func generate(count: Int, skipping existing: Set<String>, _ take: (FictionalPatient) throws -> Void) rethrows -> Int {
        var rng = SeededRandom(seed: seed)
        let concernItems = catalogue.allItems.filter { !$0.category.isInformation }
        var made = 0
        var numbers = NHSNumber.fictionalNumbers().makeIterator()
        while made < count {
            guard let nhs = numbers.next() else { break }  // the fictional range holds about 909,000
            if existing.contains(nhs.digits) { continue }
            let family = rng.pick(Self.familyNames), given = rng.pick(Self.givenNames)
            let dob = LocalDate(dayNumber: today.dayNumber - (25 * 365 + rng.int(60 * 365)))
            let (site, code) = rng.pick(Self.diagnoses)
            let diagnosed = today.adding(days: -rng.int(3 * 365))
            var fictional = FictionalPatient(patient: Patient(nhsNumber: nhs, familyName: family, givenName: given, dateOfBirth: dob,
                                                              diagnosis: site, diagnosisCode: code, diagnosisDate: diagnosed))
            made += 1
            if made % 3 == 0 {
                let agreed = rng.int(3) != 0
                let date = diagnosed.adding(days: rng.int(60))
                var a = FictionalAssessment(pathwayPoint: rng.pick(PathwayPoint.allCases), completedBy: rng.pick(CompletedBy.allCases),
                                            date: date, agreed: agreed, distressScore: rng.int(11))
                var chosen: Set<String> = []
                for rank in 0..<(2 + rng.int(6)) {
                    let (category, item) = rng.pick(concernItems)
                    guard chosen.insert(item.id).inserted else { continue }
                    let discuss = agreed && rank < 3
                    let score = 1 + rng.int(10)
                    a.concerns.append(ConcernEntry(key: item.id, categoryId: category.id, label: item.label, score: score,
                                                   rank: agreed ? rank : nil, discuss: discuss, note: discuss ? rng.pick(Self.notes) : ""))
                    if discuss {
                        let owner = rng.pick(ActionOwner.allCases)
                        a.actions.append(AgreedAction(concernKey: item.id, what: "Follow up \(item.label.lowercased())", owner: owner,
                                                      ownerName: owner == .other ? "Community team" : "", due: date.adding(days: 14 + rng.int(60))))
                    }
                }
                fictional.assessment = a
            }
            try take(fictional)
        }
        return made
    }
}

/// One fictional patient, and the assessment every third one has.
public struct FictionalPatient: Sendable {
    public var patient: Patient
    public var assessment: FictionalAssessment?
}

/// A fictional assessment: in progress, or an agreed plan (agreed by a demo nurse, review in 90 days).
public struct FictionalAssessment: Sendable {
    public var pathwayPoint: PathwayPoint
    public var completedBy: CompletedBy
    public var date: LocalDate
    public var agreed: Bool
    public var distressScore: Int
    public var concerns: [ConcernEntry] = []
    public var actions: [AgreedAction] = []
    public var whatMattersToMe: String { agreed ? "Being well enough to see my grandchildren at the weekends." : "" }
    public var reviewDate: LocalDate? { agreed ? date.adding(days: 90) : nil }
    public var agreedBy: String { agreed ? "Demo Nurse" : "" }
    public var agreedRole: StaffRole? { agreed ? .cns : nil }
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
