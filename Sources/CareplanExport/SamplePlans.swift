import CareplanCore
import Foundation

/// Fictional plans (NHS numbers from the never-issued 999 range) built through the store's public API, for
/// tests, the benchmark and demonstrations: a typical plan, a long one, and one in several scripts.
public enum SamplePlans {
    public enum Kind: String, CaseIterable, Sendable {
        /// About three A4 pages: 10 concerns, 5 discussed with notes and actions, lifestyle, a service.
        case typical
        /// 30 concerns, every one discussed, long notes, a 20,000-character note and very long words.
        case long
        /// Welsh, Polish, Arabic and Japanese in names, notes and actions.
        case multilingual
    }

    /// Adds a patient and a plan of `kind` to `store`; `agreed` locks it. Returns the assessment id.
    @discardableResult
    public static func add(_ kind: Kind, to store: any CareRepository, catalogue: ConcernCatalogue, services: ServiceDirectory,
                           agreed: Bool, serial: Int = 0, now: Date = Date(timeIntervalSince1970: 1_709_640_000)) throws -> Int64 {
        let numbers = Array(NHSNumber.fictionalNumbers().dropFirst(serial).prefix(1))
        let (family, given): (String, String) = kind == .multilingual ? ("Wiśniewski", "Siân") : kind == .long ? ("Llewellyn-Ó Súilleabháin", "Gwenllian") : ("Okafor", "Adaeze")
        let patient = try store.addPatient(Patient(nhsNumber: numbers[0], familyName: family, givenName: given,
                                                   dateOfBirth: LocalDate(year: 1961, month: 3, day: 5)!,
                                                   diagnosis: "Carcinoma of the breast", diagnosisCode: "C50.9",
                                                   diagnosisDate: LocalDate(year: 2024, month: 1, day: 18)), now: now)
        let date = LocalDate(year: 2024, month: 3, day: 5)!
        var a = try store.startAssessment(patientId: patient.id!, pathwayPoint: .startOfTreatment, completedBy: .patientWithClinician,
                                          date: date, catalogue: catalogue, createdBy: "Rhian Price", now: now)
        func apply(_ c: AssessmentChange) throws { a = try store.apply(c, to: a.id, basedOn: a, now: now) }

        let items = catalogue.allItems.filter { !$0.category.isInformation }
        let info = catalogue.allItems.filter { $0.category.isInformation }
        let count = kind == .long ? min(30, items.count) : 10
        let discussCount = kind == .long ? count : 5
        // The typical plan's first five are the ones its notes are about; the long one takes the checklist in order.
        let preferred = ["pain", "fatigue", "money-housing", "sleep", "housework-shopping", "worry", "eating-appetite",
                         "getting-around", "partner", "constipation"]
        let chosen = kind == .long ? [] : preferred.compactMap { id in items.first { $0.item.id == id } }
        let picks = chosen.count == count ? chosen : Array(items.prefix(count))
        for (i, p) in picks.enumerated() {
            try apply(.setConcern(ConcernEntry(key: p.item.id, categoryId: p.category.id, label: p.item.label, score: 10 - (i % 10))))
        }
        try apply(.setDistress(6))
        try apply(.setOrder(picks.map(\.item.id)))
        for pick in picks.prefix(discussCount) { try apply(.setDiscuss(key: pick.item.id, true)) }
        let whatMatters: String
        switch kind {
        case .multilingual:
            whatMatters = "Mynd am dro i'r traeth gyda'r wyrion bob dydd Sul. Chcę wrócić do pracy w ogrodzie. "
                + "أريد أن أرى أحفادي كل أسبوع. 家族と一緒に過ごす時間を大切にしたい。"
        case .long:
            whatMatters = String(repeating: "Staying at home with my family, keeping up with the allotment and getting back to choir practice on Thursdays. ", count: 6)
                + "Avery" + String(repeating: "long", count: 60) + "wordwithoutanyspaces."
        case .typical:
            whatMatters = "Being well enough to walk the dog every morning and to be at my daughter's wedding in June."
        }
        try apply(.setWhatMattersToMe(whatMatters))
        let notes = [
            "Pain is worst at night in the lower back, 6 to 7 out of 10, and wakes her two or three times. Takes paracetamol regularly; "
                + "co-codamol made her constipated. We talked about keeping a pain diary for a week and what to do if it gets suddenly worse.",
            "Feels exhausted by mid-afternoon since starting chemotherapy. Has stopped her morning walk. We discussed pacing, short rests "
                + "and a gentle walking plan, and how fatigue usually changes through the treatment cycle.",
            "Worried about money now that she is on statutory sick pay; has not claimed any benefits. Happy to talk to Citizens Advice "
                + "and to the Macmillan Support Line about grants.",
            "Sleeping 4 to 5 hours a night, mostly because of worry about results. Tried a relaxation app with some help. Would like to "
                + "try talking therapies.",
            "Her husband does the shopping now but finds it hard to manage the house as well as work. They have not asked family for "
                + "help. We talked about what help is available at home and about a carer's assessment for him. She would like to keep "
                + "cooking simple meals herself, as it matters to her to feel useful.",
        ]
        for (i, p) in picks.prefix(discussCount).enumerated() {
            var note = notes[i % notes.count]
            if kind == .long { note = String(repeating: note + " ", count: 2 + i % 3) }
            if kind == .long && i == 5 {
                note = String(String(repeating: "This is a very long note written over several visits, with detail about symptoms, medicines, family and work. ", count: 200).prefix(Limits.note))
            }
            if kind == .long && i == 6 { note = "Link: https://example.org/" + String(repeating: "averyveryverylongpathsegment", count: 20) }
            if kind == .multilingual {
                note = ["Mae'n poeni am y boen yn ei chefn. Ból pleców nasila się w nocy (źle śpi). Gŵyl, ŵyn, ŷd.",
                        "تحدثنا عن التعب وكيفية تنظيم اليوم. She prefers information in Arabic for her husband.",
                        "日本語の資料を希望しています。娘さんが通訳します。Daughter will interpret at appointments.",
                        "Zażółć gęślą jaźń. Llongyfarchiadau! Żona i córka pomagają w domu."][i % 4]
            }
            try apply(.setNote(key: p.item.id, text: note))
            let owners: [ActionOwner] = [.cns, .patient, .gp, .other]
            let actionCount = kind == .long ? 2 : 1 + i % 2
            for j in 0..<actionCount {
                let owner = owners[(i + j) % owners.count]
                var what = ["Refer to the community pain team and review pain relief", "Keep a diary for one week and bring it to clinic",
                            "Review medication at next appointment", "Arrange a home visit to assess support needs"][(i + j) % 4]
                if kind == .multilingual { what = ["Trefnu cyfieithydd (interpreter) ar gyfer yr apwyntiad nesaf", "Skontaktować się z pielęgniarką", "مراجعة الأدوية مع الطبيب", "日本語の資料を送る"][(i + j) % 4] }
                try apply(.saveAction(AgreedAction(concernKey: p.item.id, what: what, owner: owner,
                                                   ownerName: owner == .other ? "District nursing team" : (owner == .gp ? "Dr Amina Shah" : ""),
                                                   due: date.adding(days: 14 * (j + 1) + i),
                                                   serviceId: i == 2 && j == 0 ? services.services.first?.id : nil)))
            }
        }
        if let diet = info.first {
            try apply(.setConcern(ConcernEntry(key: diet.item.id, categoryId: diet.category.id, label: diet.item.label, score: nil)))
            try apply(.setNote(key: diet.item.id, text: "Given the booklet on eating well during treatment and the dietitian's phone number."))
            if let s = services.services.dropFirst().first {
                try apply(.saveAction(AgreedAction(concernKey: diet.item.id, what: "Contact about local support", owner: .patient, serviceId: s.id)))
            }
        }
        if agreed {
            try apply(.agree(by: "Rhian Price", role: .cns, at: now, reviewDate: date.adding(days: 90)))
        } else {
            try apply(.setReviewDate(date.adding(days: 90)))
        }
        return a.id
    }
}
