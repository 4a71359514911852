import XCTest
@testable import CareplanCore

/// Document templates (Resources/documents): the shipped End of Treatment Summary loads; each broken template
/// is refused with file, line and fix; and what a template decides about a document (defaults, signing, the
/// conflict rule, "EoTS due").
final class DocumentTemplateTests: XCTestCase {
    static let root = ConfigurationTests.root
    static let eotsText = try! String(contentsOf: root.appendingPathComponent("Resources/documents/eots.yaml"), encoding: .utf8)

    static let context: DocumentTemplate.Context = {
        let lists = DocumentTemplate.codeListsNamed(in: [root.appendingPathComponent("Resources/documents/eots.yaml")])
        let codes = try! CodeLists.load(from: root.appendingPathComponent("Resources/codelists.yaml"), displayPath: "c", documentLists: lists).get()
        let services = try! ServiceDirectory.load(from: root.appendingPathComponent("Resources/services.yaml"), displayPath: "s").get()
        let roles = try! Roles.load(from: root.appendingPathComponent("Resources/roles.yaml"), displayPath: "r").get()
        return DocumentTemplate.Context(codes: codes, services: services, roles: roles)
    }()

    static var eots: DocumentTemplate { try! DocumentTemplate.parse(text: eotsText, displayPath: "Resources/documents/eots.yaml", context: context).get() }


    func testTheShippedEndOfTreatmentSummaryLoadsWithTheConfiguration() throws {
        let files = [Self.root.appendingPathComponent("Resources/documents/eots.yaml")]
        let t = try XCTUnwrap(DocumentTemplate.loadAll(files, context: Self.context, display: { $0.lastPathComponent }).get()["eots"])
        XCTAssertEqual(t.documentType, Coding(system: "http://snomed.info/sct", code: "1324891000000103", display: "Cancer End of Treatment Summary Plan"))
        XCTAssertEqual(t.dateField, "completed-date")
        XCTAssertEqual(t.gpFirst, "gp-actions")
        XCTAssertEqual(t.sections.map(\.id), ["diagnosis", "treatment", "effects", "red-flags", "referrals", "follow-up", "gp-actions",
                                              "information", "exemption", "completion"])
        let treatments = try XCTUnwrap(t.field("treatments"))
        guard case .group(let row, .procedure?) = treatments.kind else { return XCTFail("\(treatments.kind)") }
        XCTAssertEqual(row.map(\.id), ["treatment-type", "start-date", "end-date", "treatment-details"])
        XCTAssertEqual(row[0].kind, .choice(list: "treatment-modality"))
        XCTAssertEqual(t.field("diagnosis")?.defaultFrom, .patient(.diagnosis))
        XCTAssertEqual(t.field("information-given")?.kind, .choices(list: "information-given"))
        XCTAssertEqual(t.signRoles, ["clinical-nurse-specialist", "gp"])
        let policy = try Policy.load(from: Self.root.appendingPathComponent("Resources/policy.yaml"), displayPath: "p").get()
        XCTAssertEqual(policy.eotsDueWeeks, 6)
    }

    /// Each edit of the shipped template makes exactly one problem, at the edited line, with a fix.
    func testEachBrokenTemplateIsRefusedWithItsLineAndAFix() {
        let cases: [(String, String, String, String)] = [
            ("kind: short-text, required: true, default: patient.diagnosis,", "kind: shorttext, required: true, default: patient.diagnosis,",
             "unknown field kind `shorttext`", "`short-text`"),
            ("codes: treatment-modality", "codes: treatment-modalty", "there is no code list `treatment-modalty`", "did you mean `treatment-modality`?"),
            ("sign: [clinical-nurse-specialist, gp]", "sign: [clinical-nurse-specialst, gp]", "unknown role `clinical-nurse-specialst` in `sign`",
             "did you mean `clinical-nurse-specialist`?"),
            ("fhir: Condition.onset", "fhir: Condition.stage", "a `date` field cannot fill `Condition.stage`", "fitting kind"),
            ("required: true, fhir: treatment.start", "required: true, fhir: Condition.onset", "`fhir: Condition.onset` is not a place", "`treatment.start`"),
            ("patient.diagnosis-date, not-after: today,", "patient.diagnosis, not-after: today,", "gives text, and the field `diagnosis-date` is `date`", "short-text"),
            ("default: today", "default: yesterday", "`default: yesterday` in the field `completed-date` is not a default", "`today`"),
            ("date, required: true, default: today", "date, required: true, default: user", "`default: user` gives a person, and the field `completed-date` is `date`", "`person` field"),
            ("date-field: completed-date", "date-field: completed-by", "`date-field: completed-by` names no date field", "kind: date"),
            ("gp-first: gp-actions", "gp-first: gp-action", "`gp-first: gp-action` names no section", "`gp-actions`"),
            ("{ id: grade, label: Grade,", "{ id: histology, label: Grade,", "field id `histology` is used twice", "its own id"),
            ("fhir: Condition.body-site, help:", "fhir: Condition.body-site, hlep:", "unknown key `hlep`", "did you mean `help`?"),
            ("code: \"1324891000000103\"", "code: \"EOTS\"", "`EOTS` is not a SNOMED CT concept id", "6 to 18 digits"),
            ("not-before: start-date", "not-before: started", "`not-before: started` names no date field of its row or of the document", "`start-date`"),
            ("Site, kind: short-text,", "Site, kind: short-text, not-after: today,", "`not-after` does not apply to the field `site`", "only for `date`"),
        ]
        for (from, to, message, fix) in cases {
            XCTAssertTrue(Self.eotsText.contains(from), from)
            let text = Self.eotsText.replacingOccurrences(of: from, with: to)
            guard case .failure(let e) = DocumentTemplate.parse(text: text, displayPath: "Resources/documents/eots.yaml", context: Self.context) else {
                XCTFail("loaded with \(to)"); continue
            }
            XCTAssertEqual(e.problems.count, 1, e.description)
            guard let p = e.problems.first else { continue }
            XCTAssertTrue(p.message.contains(message), "\(to): \(p.description)")
            XCTAssertTrue(p.fix.contains(fix), "\(to): \(p.description)")
            XCTAssertEqual(p.file, "Resources/documents/eots.yaml")
            let expected = lineOf(to, in: text)
            XCTAssertTrue(p.line == expected || p.line == expected + 1 && to.hasPrefix("kind"), "\(to): line \(p.line), expected \(expected)")
        }
    }

    func testANumberNeedsAUnitAndAChoiceItsCodes() {
        let text = Self.eotsText.replacingOccurrences(of: "{ id: grade, label: Grade, patient-label: \"Grade (how quickly the cells were growing)\", kind: short-text, fhir: Condition.note }",
                                                      with: "{ id: grade, label: Grade, kind: number }\n      - { id: grade2, label: G, kind: choice }")
        guard case .failure(let e) = DocumentTemplate.parse(text: text, displayPath: "t.yaml", context: Self.context) else { return XCTFail("loaded") }
        XCTAssertEqual(e.problems.map(\.message), ["the field `grade` is a number with no `unit`", "the field `grade2` is a choice with no `codes`"])
        XCTAssertEqual(e.problems.map(\.line), [lineOf("id: grade,", in: text), lineOf("id: grade2", in: text)])
    }

    /// Problems only all the templates together show: a default from another document, and what "EoTS due" reads.
    func testTemplatesAreCheckedTogether() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ccr = """
            id: ccr
            version: "1"
            title: Cancer Care Review
            complete: [gp]
            sign: [gp]
            sections:
              - id: s
                title: S
                fields:
                  - { id: plan, label: Plan, kind: long-text, default: document.eots.follow-up-plan }
                  - { id: aim, label: Aim, kind: long-text, default: document.eots.treatment-aim }
                  - { id: gone, label: Gone, kind: date, default: document.eots.no-such-field }
                  - { id: other, label: Other, kind: date, default: document.hna.date }
            """
        try ccr.write(to: dir.appendingPathComponent("ccr.yaml"), atomically: true, encoding: .utf8)
        try Self.eotsText.replacingOccurrences(of: "id: end-date", with: "id: finished")
            .write(to: dir.appendingPathComponent("eots.yaml"), atomically: true, encoding: .utf8)
        let files = ["ccr.yaml", "eots.yaml"].map { dir.appendingPathComponent($0) }
        guard case .failure(let e) = DocumentTemplate.loadAll(files, context: Self.context, display: { $0.lastPathComponent }) else { return XCTFail("loaded") }
        XCTAssertEqual(e.problems.map(\.message), [
            "`aim` is `long-text` but its default `eots.treatment-aim` is `choice`",
            "the default of `gone` names `no-such-field`, which is no field of `eots` (outside groups)",
            "the default of `other` names the document `hna`, which does not exist",
            "the End of Treatment Summary needs a group `treatments` with a date field `end-date`",
        ])
        XCTAssertEqual(e.problems.map(\.file), ["ccr.yaml", "ccr.yaml", "ccr.yaml", "eots.yaml"])
        XCTAssertEqual(e.problems[0].line, lineOf("id: aim", in: ccr))
    }

    func testStartUpRefusesABrokenTemplate() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("root-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Resources"), to: root.appendingPathComponent("Resources"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Screens"), withIntermediateDirectories: true)
        try Self.eotsText.replacingOccurrences(of: "{ id: gp-actions, label: Actions for the GP, kind: long-text", with: "{ id: gp-actions, label: Actions for the GP, kind: long-txt")
            .write(to: root.appendingPathComponent("Resources/documents/eots.yaml"), atomically: true, encoding: .utf8)
        guard case .failure(let e) = Configuration.load(root: root, screenKinds: ConfigurationTests.kinds, requiredFlows: []) else { return XCTFail("loaded") }
        XCTAssertFalse(e.problems.isEmpty)
        XCTAssertEqual(e.problems.map(\.description), ["Resources/documents/eots.yaml:\(lineOf("long-txt", in: try String(contentsOf: root.appendingPathComponent("Resources/documents/eots.yaml"), encoding: .utf8))):"
            + "60: unknown field kind `long-txt` in the field `gp-actions`. Fix: kinds are `short-text`, `long-text`, `date`, `number`, `yes-no`, "
            + "`choice`, `choices`, `person`, `service`, `group`, `concerns`"])
    }

    /// A list misspelt in a template leaves the real one unclaimed: both are said, the template's with its fix.
    func testAMisspeltListIsReportedInTheTemplateAndTheCodeLists() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("root-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Resources"), to: root.appendingPathComponent("Resources"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Screens"), withIntermediateDirectories: true)
        let text = Self.eotsText.replacingOccurrences(of: "codes: treatment-modality,", with: "codes: treatment-modalty,")
        try text.write(to: root.appendingPathComponent("Resources/documents/eots.yaml"), atomically: true, encoding: .utf8)
        guard case .failure(let e) = Configuration.load(root: root, screenKinds: ConfigurationTests.kinds, requiredFlows: []) else { return XCTFail("loaded") }
        XCTAssertEqual(e.problems.map(\.message), ["unknown code list `treatment-modality`", "there is no code list `treatment-modalty`"])
        XCTAssertEqual(e.problems.map(\.file), ["Resources/codelists.yaml", "Resources/documents/eots.yaml"])
        XCTAssertEqual(e.problems[1].line, lineOf("treatment-modalty", in: text))
        XCTAssertTrue(e.problems[1].fix.hasPrefix("did you mean `treatment-modality`?"), e.description)
    }

    // MARK: What a template decides

    static let patient = Patient(id: 1, nhsNumber: NHSNumber("9990000018")!, familyName: "Smith", givenName: "Jo",
                                 dateOfBirth: LocalDate(year: 1960, month: 2, day: 3)!, diagnosis: "Breast cancer", diagnosisCode: "C50.4",
                                 diagnosisDate: LocalDate(year: 2026, month: 3, day: 1)!)
    static let today = LocalDate(year: 2026, month: 11, day: 28)!

    func doc(_ values: [String: FieldValue] = [:], rows: [String: [DocumentRow]] = [:], template: String = "eots", status: DocumentStatus = .draft) -> Document {
        Document(id: 1, patientId: 1, templateId: template, templateVersion: "1", title: "T", status: status, values: values, rows: rows,
                 date: Self.today, createdAt: Date(), updatedAt: Date())
    }

    func testANewDraftStartsFromThePatientTodayAndEarlierDocuments() {
        var t = Self.eots
        t.sections[0].fields.append(DocumentField(id: "nhs", label: "NHS", kind: .shortText, required: false, help: "", defaultFrom: .patient(.nhsNumber)))
        t.sections[0].fields.append(DocumentField(id: "plan-before", label: "P", kind: .longText, required: false, help: "",
                                                  defaultFrom: .document(template: "eots", field: "follow-up-plan")))
        let earlier = [doc(["follow-up-plan": .text("draft plan")]), doc(["follow-up-plan": .text("signed plan")], status: .signed)]
        let values = t.defaults(patient: Self.patient, today: Self.today, earlier: earlier)
        XCTAssertEqual(values, ["diagnosis": .text("Breast cancer"), "diagnosis-date": .date(LocalDate(year: 2026, month: 3, day: 1)!),
                                "completed-date": .date(Self.today), "nhs": .text("999 000 0018"), "plan-before": .text("signed plan")])
    }

    func testSigningNeedsARoleThatMaySignAndEveryRequiredAnswer() {
        let t = Self.eots
        let empty = t.signingProblems(doc(), role: "nurse", today: Self.today, patient: Self.patient)
        XCTAssertEqual(empty.first, "Your role may not sign an End of Treatment Summary: it needs clinical-nurse-specialist or gp")
        XCTAssertTrue(empty.contains("“Treatments” (Treatment given) needs at least one row"))
        XCTAssertTrue(empty.contains("“Diagnosis” (Diagnosis) is required"))
        var values: [String: FieldValue] = [:]
        for f in t.sections.flatMap(\.fields) where f.required && f.kind.name != "group" { values[f.id] = .text("x") }
        let rows = ["treatments": [DocumentRow(id: 1, values: ["treatment-type": .codes(["01"])])]]
        XCTAssertEqual(t.signingProblems(doc(values, rows: rows), role: "gp", today: Self.today, patient: Self.patient), ["“Started” of row 1 of “Treatments” is required"])
        var complete = rows
        complete["treatments"]![0].values["start-date"] = .date(Self.today)
        XCTAssertEqual(t.signingProblems(doc(values, rows: complete), role: "clinical-nurse-specialist", today: Self.today, patient: Self.patient), [])
        XCTAssertEqual(t.signingProblems(doc(values.merging(["gp-actions": .text("  ")]) { $1 }, rows: complete), role: "gp", today: Self.today, patient: Self.patient),
                       ["“Actions for the GP” (Actions for the GP) is required"])
    }

    /// A treatment cannot end before it started; a diagnosis and the summary cannot be dated in the future:
    /// `not-before`/`not-after` in the template, checked at signing.
    func testDateRulesOfTheTemplateStopSigning() {
        let t = Self.eots
        var values: [String: FieldValue] = [:]
        for f in t.sections.flatMap(\.fields) where f.required && f.kind.name != "group" { values[f.id] = f.kind == .date ? .date(Self.today) : .text("x") }
        let start = LocalDate(year: 2026, month: 3, day: 5)!
        let rows = ["treatments": [DocumentRow(id: 1, values: ["treatment-type": .codes(["01"]), "start-date": .date(start),
                                                                "end-date": .date(start.adding(days: -1))])]]
        XCTAssertEqual(t.signingProblems(doc(values, rows: rows), role: "gp", today: Self.today, patient: Self.patient),
                       ["Row 1 of “Treatments”: “Ended” cannot be before “Started” (05 Mar 2026)"])
        values["diagnosis-date"] = .date(Self.today.adding(days: 1))
        values["completed-date"] = .date(Self.today.adding(days: 30))
        let ok = ["treatments": [DocumentRow(id: 1, values: ["treatment-type": .codes(["01"]), "start-date": .date(start), "end-date": .date(start)])]]
        XCTAssertEqual(t.signingProblems(doc(values, rows: ok), role: "gp", today: Self.today, patient: Self.patient),
                       ["“Date of diagnosis” cannot be in the future (today is 28 Nov 2026) (Diagnosis)",
                        "“Date completed” cannot be in the future (today is 28 Nov 2026) (Completed by)"])
    }

    /// Two terminals' texts left merged (marked) are tidied before signing: a signed summary never holds the marker.
    func testATextHoldingBothTerminalsWordsIsNotSigned() {
        let t = Self.eots
        var values: [String: FieldValue] = [:]
        for f in t.sections.flatMap(\.fields) where f.required && f.kind.name != "group" { values[f.id] = f.kind == .date ? .date(Self.today) : .text("x") }
        values["contact-in-hours"] = .text("CNS team 0113 000 0000 \(AssessmentChange.alsoTyped) ward 0113")
        let rows = ["treatments": [DocumentRow(id: 1, values: ["treatment-type": .codes(["01"]), "start-date": .date(Self.today),
                                                                "treatment-details": .text("AC x4 \(AssessmentChange.alsoTyped) T x12")])]]
        XCTAssertEqual(t.signingProblems(doc(values, rows: rows), role: "gp", today: Self.today, patient: Self.patient),
                       ["“Details” of row 1 of “Treatments” holds two terminals' texts: tidy it",
                        "“Contact in hours” (Symptoms to report) holds two terminals' texts: tidy it"])
    }

    /// Two terminals changing different fields of one row both keep their work; a field both changed follows
    /// the field rule (text merged, one line for short text; a choice keeps theirs, said).
    func testARowIsMergedFieldByField() throws {
        let shown = DocumentRow(id: 7, values: ["treatment-type": .codes(["02"]), "start-date": .date(Self.today)])
        var theirs = shown
        theirs.values["end-date"] = .date(Self.today)
        let stored = doc(rows: ["treatments": [theirs]])
        var mine = shown
        mine.values["treatment-details"] = .text("AC x4")
        XCTAssertEqual(try DocumentChange.saveRow(group: "treatments", mine).resolved(against: stored, base: .row(shown), in: Self.eots),
                       .write(.saveRow(group: "treatments", DocumentRow(id: 7, values: theirs.values.merging(["treatment-details": .text("AC x4")]) { $1 }))))
        // Both typed Details at the same place and chose another treatment: text kept on one line, their choice kept.
        theirs.values["treatment-details"] = .text("EC x4")
        theirs.values["treatment-type"] = .codes(["03"])
        mine.values["treatment-type"] = .codes(["05"])
        let both = doc(rows: ["treatments": [theirs]])
        guard case .merged(.saveRow(_, let row), let why) = try DocumentChange.saveRow(group: "treatments", mine).resolved(against: both, base: .row(shown), in: Self.eots),
              case .text(let details)? = row["treatment-details"] else { return XCTFail() }
        XCTAssertEqual(details, "EC x4 \(AssessmentChange.alsoTyped) AC x4")
        XCTAssertEqual(row["treatment-type"], .codes(["03"]))
        XCTAssertEqual(row["end-date"], .date(Self.today))
        XCTAssertEqual(why, "Another terminal changed this row of “Treatments” too: both texts of “Details” kept; please tidy it; your “Treatment” was not saved, theirs is kept")
    }

    /// The conflict rule of assessments: text merged with nothing lost, anything else refused, theirs kept.
    func testConflictsArePerFieldTextIsMergedOtherValuesRefused() throws {
        let stored = doc(["side-effects": .text("Tiredness. Hair loss."), "treatment-aim": .codes(["palliative"])],
                         rows: ["treatments": [DocumentRow(id: 7, values: ["treatment-type": .codes(["02"])])]])
        // Another field changed: nothing to resolve.
        XCTAssertEqual(try DocumentChange.setField("late-effects", .text("a")).resolved(against: stored, base: .field(nil), in: Self.eots),
                       .write(.setField("late-effects", .text("a"))))
        // The same text changed at two places: both kept.
        let mine = DocumentChange.setField("side-effects", .text("Hair loss. Numb fingers."))
        guard case .write(.setField(_, .text(let merged)?)) = try mine.resolved(against: stored, base: .field(.text("Hair loss.")), in: Self.eots)
        else { return XCTFail() }
        XCTAssertTrue(merged.contains("Tiredness.") && merged.contains("Numb fingers."), merged)
        // The same place: marked, with the sentence for the nurse.
        guard case .merged(.setField(_, .text(let marked)?), let why) = try DocumentChange.setField("side-effects", .text("Nausea."))
            .resolved(against: stored, base: .field(.text("")), in: Self.eots) else { return XCTFail() }
        XCTAssertTrue(marked.hasPrefix("Tiredness. Hair loss.\n\(AssessmentChange.alsoTyped)\nNausea."), marked)
        XCTAssertEqual(why, "Both texts kept: another terminal changed “Possible side effects and toxicities” too; please tidy it")
        // A choice changed underneath: refused, theirs kept; the same answer twice: nothing to do.
        XCTAssertThrowsError(try DocumentChange.setField("treatment-aim", .codes(["curative"])).resolved(against: stored, base: .field(nil), in: Self.eots)) {
            XCTAssertEqual($0 as? StoreError, .changedElsewhere("Your “Aim of treatment” was not saved: another terminal changed it; theirs is shown"))
        }
        XCTAssertEqual(try DocumentChange.setField("treatment-aim", .codes(["palliative"])).resolved(against: stored, base: .field(nil), in: Self.eots), .nothing)
        // Rows: a new one never collides; an edited one changed underneath is refused.
        let newRow = DocumentChange.saveRow(group: "treatments", DocumentRow(values: ["treatment-type": .codes(["01"])]))
        XCTAssertEqual(try newRow.resolved(against: stored, base: .row(nil), in: Self.eots), .write(newRow))
        let edited = DocumentChange.saveRow(group: "treatments", DocumentRow(id: 7, values: ["treatment-type": .codes(["05"])]))
        XCTAssertThrowsError(try edited.resolved(against: stored, base: .row(DocumentRow(id: 7, values: [:])), in: Self.eots))
        XCTAssertEqual(try DocumentChange.deleteRow(group: "treatments", id: 8).resolved(against: stored, base: .row(DocumentRow(id: 8)), in: Self.eots), .nothing)
    }

    // MARK: EoTS due

    func testEoTSIsDueWhenTreatmentEndedAndNoneIsSignedSince() throws {
        var policy = try Policy.load(from: Self.root.appendingPathComponent("Resources/policy.yaml"), displayPath: "p").get()
        policy.eotsDueWeeks = 6
        let ended = LocalDate(year: 2026, month: 10, day: 1)!
        let draft = doc(rows: ["treatments": [DocumentRow(id: 1, values: ["end-date": .date(ended)]),
                                              DocumentRow(id: 2, values: ["end-date": .date(LocalDate(year: 2026, month: 9, day: 1)!)])]])
        XCTAssertEqual(EoTSDue.treatmentEnded(documents: [draft], assessments: []), ended)
        let atEnd = AssessmentSummary(id: 1, date: LocalDate(year: 2026, month: 8, day: 2)!, pathwayPoint: .endOfTreatment, status: .agreed,
                                      version: 1, concernCount: 0, distressScore: nil)
        XCTAssertEqual(EoTSDue.treatmentEnded(documents: [], assessments: [atEnd]), atEnd.date)
        XCTAssertNil(EoTSDue.treatmentEnded(documents: [], assessments: []))

        func summary(_ status: DocumentStatus, _ date: LocalDate, template: String = "eots") -> DocumentSummary {
            DocumentSummary(id: 1, patientId: 1, templateId: template, title: "", status: status, version: 1, date: date, updatedAt: Date(), signedAt: nil)
        }
        let due = EoTSDue.check(treatmentEnded: ended, documents: [summary(.draft, Self.today)], today: LocalDate(year: 2026, month: 11, day: 12)!, policy: policy)
        XCTAssertEqual(due, EoTSDue(treatmentEnded: ended, dueBy: LocalDate(year: 2026, month: 11, day: 12)!, overdue: false))
        XCTAssertEqual(due?.line, "EoTS due by 12 Nov 2026")
        XCTAssertEqual(EoTSDue.check(treatmentEnded: ended, documents: [], today: LocalDate(year: 2026, month: 11, day: 13)!, policy: policy)?.line,
                       "EoTS overdue since 12 Nov 2026")
        XCTAssertNil(EoTSDue.check(treatmentEnded: ended, documents: [summary(.signed, ended)], today: Self.today, policy: policy))
        XCTAssertNotNil(EoTSDue.check(treatmentEnded: ended, documents: [summary(.signed, LocalDate(year: 2026, month: 9, day: 30)!),
                                                                          summary(.signed, Self.today, template: "ccr")], today: Self.today, policy: policy))
        XCTAssertNil(EoTSDue.check(treatmentEnded: Self.today.adding(days: 1), documents: [], today: Self.today, policy: policy))
        XCTAssertNil(EoTSDue.check(treatmentEnded: nil, documents: [], today: Self.today, policy: policy))
    }
}

extension DocumentTemplateTests {
    /// What each field takes: typing read and cleaned, or refused with the sentence shown next to it.
    func testEachFieldTakesOnlyWhatItCanHold() throws {
        let t = Self.eots
        func field(_ id: String) -> DocumentField { t.allFields.first { $0.id == id }! }
        let number = DocumentField(id: "dose", label: "Dose", kind: .number(unit: "Gy"), required: false, help: "")
        let yes = DocumentField(id: "a", label: "A", kind: .yesNo, required: false, help: "")
        XCTAssertEqual(try field("stage").value(typed: "  T2\tN1 \u{7}").get(), .text("T2 N1"))
        XCTAssertEqual(try field("side-effects").value(typed: "Tired\r\nSore").get(), .text("Tired\nSore"))
        XCTAssertEqual(try field("stage").value(typed: "   ").get(), nil, "emptied: no value")
        XCTAssertEqual(try field("start-date").value(typed: "5/3/2026").get(), .date(LocalDate(year: 2026, month: 3, day: 5)!))
        XCTAssertEqual(field("start-date").value(typed: "31/02/2026"), .failure(FieldProblem("There is no such date")))
        XCTAssertEqual(try number.value(typed: "50,4 Gy").get(), .number("50.4"))
        XCTAssertEqual(number.value(typed: "lots"), .failure(FieldProblem("Enter a number of Gy, e.g. 2 or 50.4")))
        XCTAssertEqual(try yes.value(typed: "Y").get(), .yesNo(true))
        XCTAssertEqual(yes.value(typed: "maybe"), .failure(FieldProblem("Answer yes or no (Y or N)")))
        XCTAssertEqual(field("treatment-aim").value(typed: "curative"), .failure(FieldProblem("Choose from the list")))
        XCTAssertEqual(field("stage").value(typed: String(repeating: "x", count: 501)), .failure(FieldProblem("“Stage” holds at most 500 characters (this has 501): use fewer words")))

        let codes = Self.context.codes, services = Self.context.services
        XCTAssertNil(field("treatment-aim").problem(with: .codes(["curative"]), codes: codes, services: services))
        XCTAssertEqual(field("treatment-aim").problem(with: .codes(["curative", "palliative"]), codes: codes, services: services), FieldProblem("Choose one"))
        XCTAssertNil(field("information-given").problem(with: .codes(["re-access", "money-benefits"]), codes: codes, services: services))
        XCTAssertEqual(field("treatment-aim").problem(with: .codes(["cure"]), codes: codes, services: services)?.message,
                       "“cure” is not in the list “Aim of the treatment (End of Treatment Summary)”")
        XCTAssertNil(field("service").problem(with: .service("samaritans"), codes: codes, services: services))
        XCTAssertNotNil(field("service").problem(with: .service("nowhere"), codes: codes, services: services))
        XCTAssertEqual(field("completed-date").problem(with: .text("today"), codes: codes, services: services)?.message, "“Date completed” takes date, not this")
        XCTAssertEqual(field("completed-by").display(.person(name: "Dr Adams", staffId: nil), codes: codes, services: services), "Dr Adams")
        XCTAssertEqual(number.display(.number("40"), codes: codes, services: services), "40 Gy")
    }
}

extension DocumentTemplateTests {
    /// The roles a template names are Resources/roles.yaml's: one it lacks is refused.
    func testATemplateNamesOnlyTheRolesOfRolesYAML() throws {
        var context = Self.context
        context.roles = ["clinical-nurse-specialist", "gp"]
        context.signers = ["clinical-nurse-specialist"]
        guard case .failure(let e) = DocumentTemplate.parse(text: Self.eotsText, displayPath: "eots.yaml", context: context) else { return XCTFail("loaded") }
        XCTAssertEqual(e.problems.map(\.message), ["unknown role `nurse` in `complete`", "unknown role `allied-health-professional` in `complete`",
                                                   "`gp` may not sign documents (Resources/roles.yaml)"])
        XCTAssertEqual(e.problems.last?.line, lineOf("sign: [", in: Self.eotsText))
    }
}
