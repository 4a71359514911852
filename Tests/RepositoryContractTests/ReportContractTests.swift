import CareplanCore
@testable import CareplanSQLite
@_spi(StoreTesting) @testable import CareplanStore
import RepositoryTestSupport
import XCTest

/// Reports (issue 15) on a store built so the answers are known: three patients, November 2026.
///   Ann   breast C50.9, diagnosed 1 Oct 2026, the Breast team: first HNA 2 Nov (32 days), pain 6 and worry 3,
///         distress 6, agreed by a CNS then reviewed (version 2) by a nurse; an EoTS 3 weeks after treatment ended;
///         CAN005 done 20 Nov; two calls (one red flag returned in 6 hours); on the breast pathway from 2 Nov.
///   Bob   no diagnosis code or date, no team: an assessment on 1 Nov discarded, then one on 10 Nov (pain,
///         distress 2) agreed by a CNS; an EoTS with no treatment end date.
///   Cath  colorectal C18.7, diagnosed 1 Dec 2025, no team: first HNA 20 Oct (323 days); one in progress 5 Nov (fatigue, no
///         distress); declined the cancer reviews; on the colorectal pathway, two results (one to review,
///         reviewed in 3 days), discharged 26 Nov; an EoTS 235 days after treatment ended.
final class ReportContractTests: RepositoryContractCase {
    static let resources = CareReviewContractTests.resources
    static let sites = try! TumourSites.load(from: resources.appendingPathComponent("tumour-sites.yaml"), displayPath: "t").get()
    static let roles = try! Roles.load(from: resources.appendingPathComponent("roles.yaml"), displayPath: "r").get()
    static let codes = try! CodeLists.load(from: resources.appendingPathComponent("codelists.yaml"), displayPath: "c",
                                           documentLists: DocumentTemplate.codeListsNamed(in: [resources.appendingPathComponent("documents/eots.yaml")])).get()
    let november = ReportScope(from: LocalDate(year: 2026, month: 11, day: 1)!, to: LocalDate(year: 2026, month: 11, day: 30)!)
    func day(_ d: Int, _ m: Int = 11) -> LocalDate { LocalDate(year: 2026, month: m, day: d)! }
    func at(_ d: Int, _ hour: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(day(d).dayNumber * 86400 + hour * 3600)) }

    struct Service {
        var team: Team
        var teams: [Team]
        var ann: Patient, bob: Patient, cath: Patient
    }

    func context(_ teams: [Team]) -> ReportContext {
        ReportContext(teams: teams, sites: Self.sites, roles: Self.roles, codes: Self.codes, policy: FollowUpContractTests.policy,
                      qof: CareReviewContractTests.rules, pathways: FollowUpContractTests.pathways)
    }

    func run(_ store: any CareRepository, _ name: String, _ scope: ReportScope? = nil, by: ReportGrouping? = nil, teams: [Team]) throws -> ReportTable {
        try ReportCatalogue.run(name, scope: scope ?? november, by: by, store: store, context: context(teams))
    }

    func service(_ store: any CareRepository) throws -> Service {
        let (admin, _) = try StaffFixture.addUsers(to: store, now: now)
        let team = try store.addTeam(named: "Breast team", by: admin.userName, now: now)
        _ = try store.addTeam(named: "Lung team", by: admin.userName, now: now)
        var ann = patient("9434765919", family: "Ann")
        (ann.diagnosisDate, ann.teamId) = (day(1, 10), team.id)
        ann = try store.addPatient(ann, now: now)
        var bob = patient("9990000026", family: "Bob")
        (bob.diagnosis, bob.diagnosisCode) = ("", "")
        bob = try store.addPatient(bob, now: now)
        var cath = patient("9990000018", family: "Cath")
        (cath.diagnosis, cath.diagnosisCode, cath.diagnosisDate) = ("Colorectal", "C18.7", LocalDate(year: 2025, month: 12, day: 1)!)
        cath = try store.addPatient(cath, now: now)

        func assessment(_ p: Patient, _ date: LocalDate, _ concerns: [(String, String, Int)], distress: Int?) throws -> Assessment {
            var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .initialDiagnosis, completedBy: .patientWithClinician, date: date,
                                              catalogue: Self.catalogue, createdBy: "nurse", now: now)
            for (key, label, score) in concerns {
                a = try store.apply(.setConcern(ConcernEntry(key: key, categoryId: "physical", label: label, score: score)), to: a.id, basedOn: a, now: now)
            }
            if let distress { a = try store.apply(.setDistress(distress), to: a.id, basedOn: a, now: now) }
            return a
        }
        let review = LocalDate(year: 2027, month: 2, day: 1)!
        let a1 = try assessment(ann, day(2), [("pain", "Pain", 6), ("worry", "Worry, fear or anxiety", 3)], distress: 6)
        _ = try store.apply(.agree(by: "Nurse Cee", role: .cns, at: now, reviewDate: review), to: a1.id, basedOn: a1, now: now)
        let a2 = try store.newVersion(of: a1.id, createdBy: "nurse", now: now)
        _ = try store.apply(.agree(by: "Nia Nurse", role: .otherNurse, at: now, reviewDate: review), to: a2.id, basedOn: a2, now: now)
        let stray = try assessment(bob, day(1), [("pain", "Pain", 9)], distress: 9)
        _ = try store.discardAssessment(id: stray.id, by: "nurse", now: now)
        let b = try assessment(bob, day(10), [("pain", "Pain", 4)], distress: 2)
        _ = try store.apply(.agree(by: "Nurse Cee", role: .cns, at: now, reviewDate: review), to: b.id, basedOn: b, now: now)
        _ = try assessment(cath, day(20, 10), [("pain", "Pain", 2)], distress: 1)
        _ = try assessment(cath, day(5), [("fatigue", "Tiredness", 5)], distress: nil)

        for (p, ended) in [(ann, day(2)), (bob, nil), (cath, LocalDate(year: 2026, month: 4, day: 2)!)] as [(Patient, LocalDate?)] {
            var d = try filled(store, try store.createDocument(template: DocumentContractTests.eots, patientId: p.id!, createdBy: "nurse", now: now),
                               treatmentEnded: ended)
            for (field, value) in [("diagnosis", FieldValue.text("Cancer")), ("diagnosis-date", .date(day(1, 3)))] where d[field] == nil {
                d = try store.apply(.setField(field, value), to: d, template: DocumentContractTests.eots, by: "nurse", now: now)
            }
            _ = try store.sign(documentId: d.id, revision: d.revision, template: DocumentContractTests.eots, by: "cns", name: "Nurse Cee",
                               role: "clinical-nurse-specialist", now: now)
        }

        // Starting each assessment recorded its accepted offer (Bob's discarded one withdrawn); Cath's undecided offer
        // of 3 Nov is settled by her assessment on 5 Nov; Ann declined another at the end of treatment.
        _ = try store.recordHNAOffer(patientId: cath.id!, date: day(3), pathwayPoint: .initialDiagnosis, outcome: .undecided, by: "nurse", now: now)
        _ = try store.recordHNAOffer(patientId: ann.id!, date: day(22), pathwayPoint: .endOfTreatment, outcome: .declined, by: "nurse", now: now)

        _ = try store.recordQOF(QOFRecord(patientId: ann.id!, indicator: "can005", kind: .done, date: day(20)), by: "nurse", now: now)
        _ = try store.recordQOF(QOFRecord(patientId: cath.id!, indicator: nil, kind: .declined, date: day(1)), by: "nurse", now: now)

        _ = try store.enrol(patientId: ann.id!, pathway: FollowUpContractTests.breast, start: day(2), by: "nurse", now: now)
        let e = try store.enrol(patientId: cath.id!, pathway: FollowUpContractTests.colorectal, start: day(31, 1), by: "nurse", now: now)
        let cea = try store.scheduledTests(enrolmentId: e.id).filter { $0.code == "cea" }
        _ = try store.recordResult(NewResult(value: .measured(2.1, unit: "ug/L"), takenOn: day(28, 7)), testId: cea[0].id,
                                   pathway: FollowUpContractTests.colorectal, by: "nurse", now: at(20, 10))
        let high = try store.recordResult(NewResult(value: .measured(12.5, unit: "ug/L"), takenOn: day(15)), testId: cea[1].id,
                                          pathway: FollowUpContractTests.colorectal, by: "nurse", now: at(20, 11))
        _ = try store.reviewResult(high.id, outcome: .noAction, note: "", by: "Dr Okafor", now: at(23, 9))
        _ = try store.discharge(enrolmentId: e.id, reason: .early("moved away"), on: day(26), acknowledging: true, by: "nurse", now: at(26, 9))

        let red = try store.recordContact(NewContact(patientId: ann.id!, at: at(20, 10), reason: "New lump", redFlag: true), by: "nurse", now: at(20, 10))
        _ = try store.returnContact(red.id, response: .advice, note: "", returnedAt: at(20, 16), by: "nurse", now: at(20, 16))
        _ = try store.recordContact(NewContact(patientId: ann.id!, at: at(21, 9), reason: "Tired", redFlag: false), by: "nurse", now: at(21, 9))
        return Service(team: team, teams: try store.teams(), ann: ann, bob: bob, cath: cath)
    }

    func rows(_ t: ReportTable) -> [String] { t.rows.map { $0.map { v in
        switch v {
        case .text(let s): return s
        case .count(let n): return "\(n)"
        case .percent(let d), .days(let d): return String(format: "%g", d)
        case .date(let d): return d.iso
        case .missing: return "-"
        }
    }.joined(separator: " | ") } }

    func testEachReportCountsWhatItsDefinitionSays() throws {
        try eachRepository { store, connect in
            let s = try service(store)
            let other = try connect()
            let plans = try run(other, "care-plans", teams: s.teams)
            XCTAssertEqual(plans.columns.map(\.name), ["Month", "New plans agreed", "Reviews agreed", "All agreed"])
            XCTAssertEqual(rows(plans), ["2026-11 | 2 | 1 | 3", "Total | 2 | 1 | 3"], "Bob's discarded assessment and Cath's in progress not counted")
            XCTAssertEqual(plans.charts.first?.kind, .byMonth)
            XCTAssertEqual(rows(try run(other, "care-plans", by: .site, teams: s.teams)).filter { !$0.hasSuffix("| 0 | 0 | 0") },
                           ["Breast | 1 | 1 | 2", "Not coded | 1 | 0 | 1", "Total | 2 | 1 | 3"])
            XCTAssertEqual(rows(try run(other, "care-plans", by: .role, teams: s.teams)),
                           ["Clinical nurse specialist | 2 | 0 | 2", "Other nurse | 0 | 1 | 1", "Total | 2 | 1 | 3"], "CR7960 of who agreed")
            XCTAssertEqual(rows(try run(other, "care-plans", by: .team, teams: s.teams)),
                           ["Breast team | 1 | 1 | 2", "Lung team | 0 | 0 | 0", "No team | 1 | 0 | 1", "Total | 2 | 1 | 3"])

            let hna = try run(other, "hna", teams: s.teams)
            XCTAssertEqual(hna.columns.map(\.name), ["Month", "Offered", "Undecided", "Declined", "Accepted", "Unable to complete", "Not offered",
                                                     "Completed", "Accepted %"])
            XCTAssertEqual(rows(hna), ["2026-11 | 4 | 0 | 1 | 3 | 0 | 0 | 2 | 75", "Total | 4 | 0 | 1 | 3 | 0 | 0 | 2 | 75"],
                           "Ann's, Bob's (not his discarded) and Cath's accepted, Cath's undecided settled, Ann's declined; Ann's and Bob's plans agreed")
            XCTAssertEqual(rows(try run(other, "hna", by: .role, teams: s.teams)), ["Nurse | 4 | 0 | 1 | 3 | 0 | 0 | 2 | 75", "Total | 4 | 0 | 1 | 3 | 0 | 0 | 2 | 75"])
            XCTAssertEqual(rows(try run(other, "hna", ReportScope(from: day(1, 10), to: day(31, 10)), teams: s.teams)).last,
                           "Total | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 100")

            let first = try run(other, "time-to-first-hna", teams: s.teams)
            XCTAssertEqual(rows(first), ["2026-11 | 1 | 32 | 32 | 32 | 0 | 0 | 0 | 1 | 0 | 0", "Total | 1 | 32 | 32 | 32 | 0 | 0 | 0 | 1 | 0 | 0"],
                           "Ann only: Bob has no diagnosis date, Cath's first HNA was in October")
            XCTAssertEqual(first.notes, ["1 patient with no diagnosis date is not counted."])
            let october = ReportScope(from: day(1, 10), to: day(31, 10))
            XCTAssertEqual(rows(try run(other, "time-to-first-hna", october, teams: s.teams)).last, "Total | 1 | 323 | 323 | 323 | 0 | 0 | 0 | 0 | 0 | 1")

            let eots = try run(other, "eots", teams: s.teams)
            XCTAssertEqual(rows(eots), ["2026-11 | 3 | 2 | 1 | 50", "Total | 3 | 2 | 1 | 50"], "Ann's in 3 weeks, Cath's late, Bob's without an end date")
            XCTAssertEqual(eots.notes.last, "1 summary has no treatment end date: counted as signed, not as on time or late.")

            let qof = try run(other, "qof", teams: s.teams)
            XCTAssertEqual(rows(qof).filter { $0.hasPrefix("Total") }, ["Total | CAN005 | 1 | 0 | 0 | 1 | 100", "Total | CAN004 | 0 | 1 | 0 | 1 | 0"])
            XCTAssertEqual(rows(try run(other, "qof", by: .site, teams: s.teams)).filter { $0.hasPrefix("Breast") },
                           ["Breast | CAN005 | 1 | 0 | 0 | 0 | 100", "Breast | CAN004 | 0 | 1 | 0 | 0 | 0"])

            let followUp = try run(other, "follow-up", teams: s.teams)
            let overdue = try [s.ann, s.cath].flatMap { p in try other.enrolments(patientId: p.id!) }.flatMap { try other.scheduledTests(enrolmentId: $0.id) }
                .filter { [.scheduled, .requested].contains($0.status) && $0.overdueFrom <= november.to }
            XCTAssertEqual(rows(followUp).last, "Total | 1 | 0 | 1 | \(overdue.count)")
            XCTAssertTrue(rows(followUp).contains { $0.hasPrefix(FollowUpContractTests.colorectal.title + " | 0 | 0 | 1") }, "\(rows(followUp))")

            XCTAssertEqual(rows(try run(other, "results-review", teams: s.teams)), ["2026-11 | 2 | 1 | 1 | 100 | 3", "Total | 2 | 1 | 1 | 100 | 3"])
            XCTAssertEqual(rows(try run(other, "re-access", teams: s.teams)), ["2026-11 | 2 | 1 | 1 | 6 | 6", "Total | 2 | 1 | 1 | 6 | 6"])

            let concerns = try run(other, "concerns", teams: s.teams)
            XCTAssertEqual(rows(concerns), ["Pain | pain | 2 | 66.6667", "Tiredness | fatigue | 1 | 33.3333", "Worry, fear or anxiety | worry | 1 | 33.3333"],
                           "3 assessments: Ann's version 2 (not the superseded 1), Bob's agreed (not the discarded), Cath's in progress")
            let distress = try run(other, "distress", teams: s.teams)
            XCTAssertEqual(rows(distress).filter { !$0.hasSuffix("| 0 | 0") },
                           ["2 | 1 | 50", "6 | 1 | 50", "4 or more | 1 | 50", "Total | 2 | 100"])
            XCTAssertEqual(distress.notes, ["1 assessment has no distress score: not counted."])
        }
    }

    func testATeamCountsOnlyItsPatientsAndAnEmptyPeriodCountsNothing() throws {
        try eachRepository { store, _ in
            let s = try service(store)
            let breast = ReportScope(from: november.from, to: november.to, teamId: s.team.id)
            let plans = try run(store, "care-plans", breast, by: .team, teams: s.teams)
            XCTAssertEqual(plans.team, "Breast team")
            XCTAssertEqual(rows(plans), ["Breast team | 1 | 1 | 2", "Total | 1 | 1 | 2"])
            XCTAssertEqual(rows(try run(store, "concerns", breast, teams: s.teams)).map { $0.split(separator: "|")[0] }, ["Pain ", "Worry, fear or anxiety "])
            XCTAssertEqual(rows(try run(store, "re-access", breast, teams: s.teams)).last, "Total | 2 | 1 | 1 | 6 | 6")
            XCTAssertEqual(rows(try run(store, "results-review", breast, teams: s.teams)).last, "Total | 0 | 0 | 0 | - | -", "Cath is in no team")

            let empty = ReportScope(from: LocalDate(year: 2025, month: 1, day: 1)!, to: LocalDate(year: 2025, month: 1, day: 31)!)
            XCTAssertEqual(rows(try run(store, "care-plans", empty, teams: s.teams)), ["2025-01 | 0 | 0 | 0", "Total | 0 | 0 | 0"])
            XCTAssertEqual(rows(try run(store, "time-to-first-hna", empty, teams: s.teams)).last, "Total | 0 | - | - | - | 0 | 0 | 0 | 0 | 0 | 0",
                           "a median of nothing is missing, not 0")
            XCTAssertEqual(rows(try run(store, "eots", empty, teams: s.teams)).last, "Total | 0 | 0 | 0 | -")
            XCTAssertEqual(rows(try run(store, "concerns", empty, teams: s.teams)), [])
            XCTAssertEqual(rows(try run(store, "hna", empty, teams: s.teams)), ["2025-01 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | -", "Total | 0 | 0 | 0 | 0 | 0 | 0 | 0 | -"])
            XCTAssertEqual(rows(try run(store, "hna", breast, teams: s.teams)).last, "Total | 2 | 0 | 1 | 1 | 0 | 0 | 1 | 50", "Ann's two only")
            XCTAssertEqual(rows(try run(store, "distress", empty, teams: s.teams)).last, "Total | 0 | -")
        }
    }

    func testRunningAReportIsAuditedWithoutPatientData() throws {
        try eachRepository { store, connect in
            let s = try service(store)
            try store.recordReportRun("care-plans", scope: ReportScope(from: november.from, to: november.to, teamId: s.team.id), format: "csv",
                                      by: "nurse", now: now)
            let entry = try XCTUnwrap(try connect().auditTrail(patientId: nil).last)
            XCTAssertEqual(entry.action, "ran report care-plans")
            XCTAssertEqual(entry.user, "nurse")
            XCTAssertNil(entry.patientId)
            XCTAssertEqual(entry.said, "2026-11-01 to 2026-11-30, team \(s.team.id), csv")
            try store.recordReportRun("hna", scope: november, format: "csv, by team to /tmp/r.csv", by: "nurse", now: now)
            XCTAssertEqual(try connect().auditTrail(patientId: nil).last?.said, "2026-11-01 to 2026-11-30, csv, by team to /tmp/r.csv",
                           "the breakdown and the file, as the command gives them")
        }
    }

    func testAGroupingAReportDoesNotHaveIsRefusedInWords() throws {
        try eachRepository { store, _ in
            XCTAssertThrowsError(try run(store, "time-to-first-hna", by: .role, teams: [])) {
                XCTAssertEqual(($0 as? ReportProblem)?.description, "the time-to-first-hna report goes by month, team, site, not by role")
            }
            XCTAssertThrowsError(try run(store, "concerns", by: .month, teams: [])) {
                XCTAssertEqual(($0 as? ReportProblem)?.description, "the concerns report has rows of its own: leave out --by")
            }
            XCTAssertThrowsError(try run(store, "nonsense", teams: []))
            XCTAssertThrowsError(try run(store, "care-plans", ReportScope(from: november.to, to: november.from), teams: []))
        }
    }

    /// Own words are numbered afresh in every assessment (other-1 ...) and are the patient's free text: counted as one
    /// row, the assessments raising any, and never shown (testers: a patient's words and NHS number in a report).
    func testOwnWordsAreOneRowAndTheirWordsAreNeverShown() throws {
        try eachRepository { store, connect in
            let s = try service(store)
            let words = ["my husband Bob Smith hits me NHS 943 476 5919", "\u{1B}[2J=cmd|' /C calc'!A0", "Cost of parking"]
            for (p, own) in [(s.ann, [words[0], words[1]]), (s.bob, [words[2]])] {
                var a = try store.startAssessment(patientId: p.id!, pathwayPoint: .endOfTreatment, completedBy: .patientWithClinician, date: day(24),
                                                  catalogue: Self.catalogue, createdBy: "nurse", now: now)
                for (i, label) in own.enumerated() {
                    a = try store.apply(.setConcern(ConcernEntry(key: "other-\(i + 1)", categoryId: ConcernCatalogue.ownWordsCategory, label: label, score: 9)),
                                        to: a.id, basedOn: a, now: now)
                }
            }
            let t = try run(try connect(), "concerns", teams: s.teams)
            XCTAssertEqual(Array(rows(t).prefix(2)), ["In the patient's own words | other | 2 | 40", "Pain | pain | 2 | 40"],
                           "5 assessments now; Ann's two own words count her assessment once")
            let everything = rows(t).joined() + t.charts.flatMap(\.points).map(\.label).joined() + t.notes.joined()
            for w in words { XCTAssertFalse(everything.contains(w.prefix(8)), "\(w) shown") }
            XCTAssertFalse(everything.contains("other-"))
        }
    }

    /// HNA offer dates are ISO text the store compares as text: a malformed date or an unknown outcome is neither
    /// put in a month nor dropped in silence (testers: 2025-02-30 and 2025-06-01x counted, outcome 7 dropped).
    func testOffersTheReportCannotCountAreLeftOutAndSaid() throws {
        try eachRepository { store, connect in
            guard let sqlite = store as? CareStore else { return }
            let s = try service(store)
            try sqlite.unauditedWrite { db in
                for (date, outcome) in [("2026-11-3", "03"), ("2026-11-05x", "02"), ("2026-11-07", "7"), ("2026-11-08", "0\u{1B}[31m1")] {
                    try db.execute(sql: "INSERT INTO hna_offer (patient_id, date, pathway_point, outcome, offered_by, recorded_at) VALUES (?, ?, '01', ?, 'nurse', ?)",
                                   arguments: [s.bob.id!, date, outcome, now])
                }
            }
            let t = try run(try connect(), "hna", teams: s.teams)
            XCTAssertEqual(rows(t), ["2026-11 | 4 | 0 | 1 | 3 | 0 | 0 | 2 | 75", "Total | 4 | 0 | 1 | 3 | 0 | 0 | 2 | 75"], "as before the bad rows")
            XCTAssertEqual(t.notes, ["2 HNA offers dated with something that is not a real date are not counted.",
                                     "2 HNA offers with an outcome not in the COSD list (01 to 05) are not counted."])
            XCTAssertEqual(try run(try connect(), "hna", ReportScope(from: november.from, to: november.to, teamId: s.team.id), teams: s.teams).notes, [],
                           "Bob is in no team")
        }
    }

    /// Charts carry what the table says: labels as written (testers: Optional(0)), no figure as no figure (a gap),
    /// months ISO (a spreadsheet takes 2026-11, not Nov 2026), a role no longer known as COSD's "Not known".
    func testChartsLabelsMonthsAndRolesAreAsTheTableSays() throws {
        try eachRepository { store, _ in
            let s = try service(store)
            let distress = try run(store, "distress", ReportScope(from: day(1, 10), to: day(30)), teams: s.teams)
            XCTAssertEqual(distress.charts[0].points.map(\.label), (0...10).map { String($0) })
            XCTAssertEqual(distress.charts[1].points.map(\.label), ["2026-10", "2026-11"])
            XCTAssertEqual(distress.charts[1].points.map(\.value), [0, 50])
            let empty = ReportScope(from: LocalDate(year: 2025, month: 1, day: 1)!, to: LocalDate(year: 2025, month: 1, day: 31)!)
            XCTAssertEqual(try run(store, "distress", empty, teams: s.teams).charts[1].points.map(\.value), [nil], "no scores: no figure, not 0%")
            let sites = try run(store, "time-to-first-hna", by: .site, teams: s.teams)
            XCTAssertEqual(sites.charts[0].points.first { $0.label == "Breast" }?.value, 32)
            XCTAssertEqual(sites.charts[0].points.first { $0.label == "Lung" }?.value, .some(nil), "no patients: no median, not 0 days")
            XCTAssertEqual(try run(store, "eots", by: .team, teams: s.teams).charts[0].points.first { $0.label == "Lung team" }?.value, .some(nil))

            guard let sqlite = store as? CareStore else { return }
            try sqlite.unauditedWrite { db in try db.execute(sql: "UPDATE hna_offer SET offered_role = 'ghost' WHERE patient_id = ?", arguments: [s.ann.id!]) }
            XCTAssertEqual(rows(try run(store, "hna", by: .role, teams: s.teams)).map { String($0.split(separator: "|")[0]) }, ["Not known ", "Nurse ", "Total "])
        }
    }

    /// A long period is counted month by month when the caller shows progress (the CLI's bar), to the same figures.
    func testCountingMonthByMonthGivesTheSameReport() throws {
        try eachRepository { store, _ in
            let s = try service(store)
            let autumn = ReportScope(from: day(15, 10), to: day(30))
            XCTAssertEqual(autumn.monthly, [ReportScope(from: day(15, 10), to: day(31, 10)), ReportScope(from: day(1), to: day(30))])
            for name in ["hna", "care-plans", "time-to-first-hna", "eots", "results-review", "re-access", "concerns", "distress"] {
                var calls: [[Int]] = []
                let stepped = try ReportCatalogue.run(name, scope: autumn, by: nil, store: store, context: context(s.teams)) { calls.append([$0, $1]) }
                XCTAssertEqual(calls, [[1, 2], [2, 2]], name)
                XCTAssertEqual(stepped, try run(store, name, autumn, teams: s.teams), name)
            }
        }
    }
}
