import XCTest
@testable import CareplanCore

/// The Cancer Care Review template (Resources/documents/ccr.yaml) and what it added to templates in general:
/// `beside:`, `records-qof:`, `patient-copy:`, the `concerns` field kind and defaults from the latest HNA.
final class CancerCareReviewTemplateTests: XCTestCase {
    static let root = ConfigurationTests.root
    static let ccrText = try! String(contentsOf: root.appendingPathComponent("Resources/documents/ccr.yaml"), encoding: .utf8)

    static let context: DocumentTemplate.Context = {
        let files = ["eots", "ccr"].map { root.appendingPathComponent("Resources/documents/\($0).yaml") }
        let codes = try! CodeLists.load(from: root.appendingPathComponent("Resources/codelists.yaml"), displayPath: "c",
                                        documentLists: DocumentTemplate.codeListsNamed(in: files)).get()
        let services = try! ServiceDirectory.load(from: root.appendingPathComponent("Resources/services.yaml"), displayPath: "s").get()
        let roles = try! Roles.load(from: root.appendingPathComponent("Resources/roles.yaml"), displayPath: "r").get()
        var c = DocumentTemplate.Context(codes: codes, services: services, roles: roles)
        c.catalogues = ["ncat-hna"]
        c.qofIndicators = ["can004", "can005"]
        return c
    }()

    func load(_ ccr: String) -> Result<[String: DocumentTemplate], ConfigErrors> {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ccr-\(UUID())")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try! ccr.write(to: dir.appendingPathComponent("ccr.yaml"), atomically: true, encoding: .utf8)
        try! DocumentTemplateTests.eotsText.write(to: dir.appendingPathComponent("eots.yaml"), atomically: true, encoding: .utf8)
        return DocumentTemplate.loadAll(["ccr.yaml", "eots.yaml"].map { dir.appendingPathComponent($0) }, context: Self.context, display: { $0.lastPathComponent })
    }

    func testTheShippedReviewLoadsWithItsSourcesIndicatorAndPatientCopy() throws {
        let t = try XCTUnwrap(load(Self.ccrText).get()["ccr"])
        XCTAssertEqual(t.documentType?.code, "270101008")
        XCTAssertEqual(t.beside, ["eots", DocumentTemplate.hnaSource])
        XCTAssertEqual(t.recordsQOF, "can004")
        XCTAssertEqual(t.recordsQOFDate, "review-date", "the record takes the day the review was held")
        XCTAssertEqual(t.field("review-date")?.notBefore, .patient(.diagnosisDate))
        XCTAssertEqual(t.field("review-date")?.notAfter, .today)
        XCTAssertEqual(t.field("next-review-date")?.notBefore, .field("review-date"))
        XCTAssertEqual(t.field("actions")?.rowFields.last?.notBefore, .field("review-date"), "a row's rule names a field of the document")
        XCTAssertEqual(t.patientCopy, ["concerns", "actions", "next-review"])
        XCTAssertEqual(t.completeRoles, ["gp"])
        XCTAssertEqual(t.signRoles, ["gp"])
        XCTAssertEqual(t.sections.map(\.id), ["diagnosis", "concerns", "consequences", "recurrence", "medication", "carer", "lifestyle", "services",
                                              "actions", "next-review"])
        XCTAssertEqual(t.field("concerns")?.kind, .concerns(catalogue: "ncat-hna"))
        XCTAssertEqual(t.field("concerns")?.defaultFrom, .assessment(.concerns))
        XCTAssertEqual(t.field("recurrence-signs")?.defaultFrom, .document(template: "eots", field: "red-flag-symptoms"))
        guard case .group(let row, nil)? = t.field("actions")?.kind else { return XCTFail("actions is no group") }
        XCTAssertEqual(row.map(\.label), ["Who", "What", "By when"])
        XCTAssertEqual(t.field("services-offered")?.rowFields.first?.kind, .service)
    }

    /// Each edit makes one problem, with its fix.
    func testEachBrokenReviewIsRefusedWithAFix() {
        let cases: [(String, String, String, String)] = [
            ("beside: [eots, hna]", "beside: [eots, hnaa]", "`beside: hnaa` names no document template", "`hna`"),
            ("beside: [eots, hna]", "beside: [ccr, hna]", "`beside: ccr` names this document itself", "`eots`"),
            ("beside: [eots, hna]", "beside: [eots, eots]", "`beside` names `eots` twice", "once"),
            ("sign: [gp]", "sign: [gp, allied-health-professional]", "signing records can004, but the role may not record QOF", "`qof`"),
            ("indicator: can004", "indicator: can04", "`records-qof: can04` names no indicator", "`can004`"),
            ("date: review-date }", "date: completed-by }", "takes its date from `completed-by`, which is no date field", "date: review-date"),
            ("records-qof: { indicator: can004, date: review-date }", "records-qof: can004", "`records-qof: can004` should say which date field", "indicator: can004, date:"),
            ("label: By when, kind: date, not-before: review-date }", "label: By when, kind: date, not-before: review-dat }", "`not-before: review-dat` names no date field of its row or of the document", "`review-date`"),
            ("not-before: patient.diagnosis-date", "not-before: patient.diagnosis", "`not-before: patient.diagnosis` is no date of the patient record", "`patient.diagnosis-date`"),
            ("patient-copy: [concerns, actions, next-review]", "patient-copy: [concern, actions, next-review]", "`patient-copy` names `concern`", "`concerns`"),
            ("catalogue: ncat-hna, default", "catalogue: ncat, default", "there is no catalogue `ncat`", "`ncat-hna`"),
            ("kind: concerns, catalogue: ncat-hna,", "kind: concerns,", "is `concerns` with no `catalogue`", "ncat-hna"),
            ("kind: long-text, default: hna.actions", "kind: date, default: hna.actions", "`default: hna.actions` gives text", "short-text"),
            ("kind: long-text, default: hna.what-matters", "kind: long-text, default: hna.mood", "`default: hna.mood` in the field `what-matters` is not a default", "`hna.<fact>`"),
            ("label: Has a carer, kind: yes-no", "label: Has a carer, kind: yes-no, catalogue: ncat-hna", "`catalogue` does not apply", "`concerns`"),
        ]
        // Each problem at its own entry: `hnaa` is the second of `beside: [eots, hnaa]`, on that line, at its column.
        guard case .failure(let besideProblem) = load(Self.ccrText.replacingOccurrences(of: "beside: [eots, hna]", with: "beside: [eots, hnaa]")) else {
            return XCTFail("loaded")
        }
        let line = Self.ccrText.components(separatedBy: "\n").firstIndex { $0.hasPrefix("beside: [eots, hna]") }! + 1
        XCTAssertEqual(besideProblem.problems.map { "\($0.line):\($0.column)" }, ["\(line):16"])
        for (from, to, message, fix) in cases {
            XCTAssertTrue(Self.ccrText.contains(from), from)
            guard case .failure(let e) = load(Self.ccrText.replacingOccurrences(of: from, with: to)) else { XCTFail("loaded with \(to)"); continue }
            XCTAssertEqual(e.problems.count, 1, e.description)
            XCTAssertTrue(e.problems.first?.message.contains(message) == true, "\(to): \(e.description)")
            XCTAssertTrue(e.problems.first?.fix.contains(fix) == true, "\(to): \(e.description)")
            XCTAssertEqual(e.problems.first?.file, "ccr.yaml")
        }
    }

    func testAReviewStartsFromTheLatestHNAAndTheConcernsFieldHoldsScores() throws {
        let t = try XCTUnwrap(load(Self.ccrText).get()["ccr"])
        let hna = Assessment(id: 4, patientId: 1, pathwayPoint: .endOfTreatment, completedBy: .patient, date: DocumentTemplateTests.today,
                             status: .agreed, catalogueId: "ncat-hna", catalogueVersion: "1", distressScore: 6, whatMattersToMe: "Walking the dog",
                             createdAt: Date(), updatedAt: Date(),
                             concerns: [ConcernEntry(key: "pain", categoryId: "physical", label: "Pain", score: 3),
                                        ConcernEntry(key: "fatigue", categoryId: "physical", label: "Tired, exhausted or fatigued", score: 9),
                                        ConcernEntry(key: "other-1", categoryId: "other", label: "My allotment")],
                             actions: [AgreedAction(concernKey: "fatigue", what: "Fatigue course", owner: .patient, due: LocalDate(year: 2027, month: 1, day: 4)),
                                       AgreedAction(concernKey: "pain", what: "Review analgesia", owner: .gp, ownerName: "Dr Adams")])
        let values = t.defaults(patient: DocumentTemplateTests.patient, today: DocumentTemplateTests.today, earlier: [], assessment: hna)
        let concerns: FieldValue = .concerns([ScoredConcern(key: "fatigue", label: "Tired, exhausted or fatigued", score: 9),
                                              ScoredConcern(key: "pain", label: "Pain", score: 3), ScoredConcern(key: "other-1", label: "My allotment")])
        XCTAssertEqual(values["concerns"], concerns)
        XCTAssertEqual(values["distress"], .text("6 out of 10"))
        XCTAssertEqual(values["what-matters"], .text("Walking the dog"))
        XCTAssertEqual(values["hna-actions"], .text("Fatigue course — Patient, by 04 Jan 2027\nReview analgesia — Dr Adams"))
        XCTAssertNil(t.defaults(patient: DocumentTemplateTests.patient, today: DocumentTemplateTests.today, earlier: [])["concerns"], "no HNA, no concerns")

        let field = try XCTUnwrap(t.field("concerns"))
        XCTAssertEqual(field.display(concerns, codes: Self.context.codes, services: Self.context.services),
                       "Tired, exhausted or fatigued (9); Pain (3); My allotment (not scored)")
        XCTAssertTrue(field.holds(concerns))
        XCTAssertFalse(field.holds(.concerns([ScoredConcern(key: "pain", label: "Pain", score: 11)])), "scores are 0 to 10")
        XCTAssertFalse(field.holds(.concerns([ScoredConcern(key: "pain", label: "Pain"), ScoredConcern(key: "pain", label: "Pain")])), "once each")
        XCTAssertFalse(field.holds(.text("Pain")))
        XCTAssertNotNil(t.refusal(of: .setField("concerns", .text("Pain"))))
        XCTAssertNil(t.refusal(of: .setField("concerns", concerns)))
        XCTAssertEqual(field.value(typed: "pain"), .failure(FieldProblem("Choose from the list")))
    }

    /// Short text has one limit wherever it is typed (`Limits.shortText`, as the unsuitable reason's): the
    /// carer's name cannot take 600 characters from the form, nor from anything else through the store's rule.
    func testShortTextFieldsHoldAtMostTheShortTextLimit() throws {
        let t = try XCTUnwrap(load(Self.ccrText).get()["ccr"])
        let carer = try XCTUnwrap(t.field("carer-name"))
        let long = String(repeating: "x", count: 600), fits = String(repeating: "x", count: Limits.shortText)
        XCTAssertEqual(carer.value(typed: long), .failure(FieldProblem("“Carer's name” holds at most 500 characters (this has 600): use fewer words")))
        XCTAssertEqual(carer.value(typed: fits), .success(.text(fits)))
        XCTAssertEqual(t.refusal(of: .setField("carer-name", .text(long))), "“Carer's name” holds at most 500 characters (this has 600): use fewer words")
        XCTAssertNil(t.refusal(of: .setField("carer-name", .text(fits))))
        XCTAssertNotNil(t.refusal(of: .saveRow(group: "actions", DocumentRow(values: ["action-what": .text(long)]))), "a row's short text too")
        XCTAssertNil(t.refusal(of: .setField("current-needs", .text(long))), "long text is a note")
    }

    func testTheLatestHNAIsTheNewestAgreedPlanElseOneInProgress() {
        func a(_ id: Int64, _ status: AssessmentStatus) -> AssessmentSummary {
            AssessmentSummary(id: id, date: DocumentTemplateTests.today, pathwayPoint: .other, status: status, version: 1, concernCount: 0, distressScore: nil)
        }
        XCTAssertEqual(AssessmentSummary.latest([a(5, .inProgress), a(4, .agreed), a(3, .agreed)])?.id, 4)
        XCTAssertEqual(AssessmentSummary.latest([a(5, .discarded), a(4, .inProgress), a(3, .superseded)])?.id, 4)
        XCTAssertNil(AssessmentSummary.latest([a(5, .discarded), a(3, .superseded)]))
    }
}
