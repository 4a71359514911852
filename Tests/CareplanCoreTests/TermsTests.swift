import XCTest
@testable import CareplanCore

/// Resources/codelists.yaml, policy.yaml and wording.yaml: the shipped files load, and each broken one is
/// refused with file, line and fix.
final class TermsTests: XCTestCase {
    static let resources = ConfigurationTests.root.appendingPathComponent("Resources")

    func shipped(_ name: String) throws -> String {
        try String(contentsOf: Self.resources.appendingPathComponent(name), encoding: .utf8)
    }

    func problems<T>(_ result: Result<T, ConfigErrors>, file: StaticString = #filePath, line: UInt = #line) -> [ConfigProblem] {
        guard case .failure(let e) = result else { XCTFail("loaded", file: file, line: line); return [] }
        return e.problems
    }

    /// The one problem of an edited copy of a shipped file, checked for its words, its line and its fix.
    func assertOneProblem(_ found: [ConfigProblem], _ message: String, line expectedLine: Int, fix: String,
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(found.count, 1, found.map(\.description).joined(separator: "\n"), file: file, line: line)
        guard let p = found.first else { return }
        XCTAssertTrue(p.message.contains(message), p.description, file: file, line: line)
        XCTAssertEqual(p.line, expectedLine, p.description, file: file, line: line)
        XCTAssertTrue(p.fix.contains(fix), p.description, file: file, line: line)
    }

    /// The line (from 1) of the first line containing `text`.
    func lineOf(_ text: String, in file: String) -> Int {
        file.components(separatedBy: "\n").firstIndex { $0.contains(text) }! + 1
    }

    // MARK: Code lists

    func testTheShippedCodeListsGiveEveryCaseItsLabelInTheFilesOrder() throws {
        let codes = try CodeLists.parse(text: try shipped("codelists.yaml"), displayPath: "codelists.yaml").get()
        XCTAssertEqual(codes.label(PathwayPoint.recurrence), "Diagnosis of recurrence")
        XCTAssertEqual(codes.label(StaffRole.cns), "Clinical nurse specialist")
        XCTAssertEqual(codes.shortLabel(ActionOwner.cns), "CNS")
        XCTAssertEqual(codes.label(CompletedBy.carer), "Carer or relative")
        XCTAssertEqual(codes.cases(PathwayPoint.self).map(\.rawValue), ["01", "02", "03", "04", "05", "06", "07", "08", "97"])
        XCTAssertEqual(codes.lists["plan-status"]?.code("03")?.label, "Plan completed")
        XCTAssertEqual(codes.lists["hna-offered"]?.codes.count, 5, "CR7900")
        let gp = AgreedAction(concernKey: "pain", what: "x", owner: .gp, ownerName: "Dr Adams")
        XCTAssertEqual(codes.ownerDescription(gp), "GP (Dr Adams)")
    }

    func testACodeCareplanStoresThatIsMissingIsReported() throws {
        let text = try shipped("codelists.yaml").replacingOccurrences(of: "      - { code: \"05\", label: Diagnosis of recurrence }\n", with: "")
        assertOneProblem(problems(CodeLists.parse(text: text, displayPath: "Resources/codelists.yaml")),
                         "the list `pathway-point` has no code `05`, which careplan needs",
                         line: lineOf("CR7940", in: text) + 2, fix: "add `- { code: \"05\"")
    }

    func testACodeListedTwiceIsReportedAtTheSecond() throws {
        let original = try shipped("codelists.yaml")
        let text = original.replacingOccurrences(of: "      - { code: \"09\", label: Not known }\n",
                                                 with: "      - { code: \"09\", label: Not known }\n      - { code: \"09\", label: Unknown }\n")
        let found = problems(CodeLists.parse(text: text, displayPath: "Resources/codelists.yaml"))
        assertOneProblem(found, "code `09` is listed twice in `staff-role`", line: lineOf("Unknown }", in: text), fix: "keep one")
        XCTAssertEqual(found.first?.file, "Resources/codelists.yaml")
    }

    func testACodeCareplanCannotRecordIsReported() throws {
        let text = try shipped("codelists.yaml").replacingOccurrences(of: "      - { code: other, label: Other, short-label: Other }\n",
                                                                      with: "      - { code: other, label: Other, short-label: Other }\n      - { code: dentist, label: Dentist }\n")
        assertOneProblem(problems(CodeLists.parse(text: text, displayPath: "c.yaml")), "unknown code `dentist` in `action-owner`",
                         line: lineOf("dentist", in: text), fix: "`patient`, `cns`, `gp`, `ahp`, `other`")
    }

    func testAnUnknownListAndAMissingOneAreReported() throws {
        let text = try shipped("codelists.yaml").replacingOccurrences(of: "  - id: staff-role\n", with: "  - id: staff-roles\n")
        let found = problems(CodeLists.parse(text: text, displayPath: "c.yaml"))
        XCTAssertEqual(found.count, 2, found.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(found.contains { $0.message == "unknown code list `staff-roles`" && $0.line == lineOf("staff-roles", in: text) && $0.fix.contains("`staff-role`") })
        XCTAssertTrue(found.contains { $0.message.contains("no code list `staff-role`, which careplan needs") && $0.fix == "add a list with `id: staff-role`" })
    }

    func testABrokenListIsNotAlsoReportedMissing() throws {
        let text = try shipped("codelists.yaml").replacingOccurrences(of: "    title: CR7950 and CR7960 staff role (who offered the assessment, who did the care planning)\n", with: "")
        assertOneProblem(problems(CodeLists.parse(text: text, displayPath: "c.yaml")), "a code list has no `title`",
                         line: lineOf("id: staff-role", in: text), fix: "add `title: ...`")
    }

    func testANationalListMayHoldCodesCareplanDoesNotRecordButNotLoseOnesItDoes() throws {
        let text = try shipped("codelists.yaml").replacingOccurrences(of: "      - { code: \"03\", label: Plan completed }\n", with: "")
        assertOneProblem(problems(CodeLists.parse(text: text, displayPath: "c.yaml")), "the list `plan-status` has no code `03`",
                         line: lineOf("CR7920", in: text) + 2, fix: "add")
    }

    // MARK: Policy

    func testThePolicyIsReadAndCheckedForRange() throws {
        let policy = try Policy.parse(text: try shipped("policy.yaml"), displayPath: "p.yaml").get()
        XCTAssertEqual(policy.distressThreshold, 4)
        XCTAssertEqual(policy.reviewAfterDays, 91)
        XCTAssertTrue(policy.isSignificant(distress: 4))
        XCTAssertFalse(policy.isSignificant(distress: 3))
        let text = try shipped("policy.yaml").replacingOccurrences(of: "distress-threshold: 4", with: "distress-threshold: 11")
        assertOneProblem(problems(Policy.parse(text: text, displayPath: "p.yaml")), "`distress-threshold` in the policy should be a whole number from 0 to 10",
                         line: lineOf("distress-threshold: 11", in: text), fix: "e.g. `distress-threshold: 4`")
        let missing = try shipped("policy.yaml").replacingOccurrences(of: "review-after-days: 91\n", with: "")
        assertOneProblem(problems(Policy.parse(text: missing, displayPath: "p.yaml")), "the policy has no `review-after-days`",
                         line: lineOf("distress-threshold: 4", in: missing), fix: "add `review-after-days: ...`")
    }

    /// Issue 10: the kiosk lockout is policy, read from the file and checked like the rest.
    func testTheKioskLockoutIsReadFromThePolicyAndChecked() throws {
        let policy = try Policy.parse(text: try shipped("policy.yaml"), displayPath: "p.yaml").get()
        XCTAssertEqual(policy.kioskLockout, LockoutPolicy(freeTries: 5, triesWindow: 15 * 60, firstWait: 30, longestWait: 15 * 60))
        let t0 = Date(timeIntervalSince1970: 0)
        let tries = (0..<6).map { t0.addingTimeInterval(Double($0)) }
        XCTAssertNil(policy.kioskLockout.wait(after: Array(tries.prefix(4)), now: tries[4]))
        XCTAssertEqual(policy.kioskLockout.wait(after: Array(tries.prefix(5)), now: tries[4]), 30)
        XCTAssertEqual(policy.kioskLockout.wait(after: tries, now: tries[5]), 60, "doubling")

        let zero = try shipped("policy.yaml").replacingOccurrences(of: "  free-tries: 5", with: "  free-tries: 0")
        assertOneProblem(problems(Policy.parse(text: zero, displayPath: "p.yaml")),
                         "`free-tries` in `kiosk-lockout` in the policy should be a whole number from 1 to 100",
                         line: lineOf("  free-tries: 0", in: zero), fix: "e.g. `free-tries: 5`")
        let short = try shipped("policy.yaml").replacingOccurrences(of: "  first-wait-seconds: 30", with: "  first-wait-seconds: 1800")
            .replacingOccurrences(of: "  longest-wait-minutes: 15", with: "  longest-wait-minutes: 10")
        assertOneProblem(problems(Policy.parse(text: short, displayPath: "p.yaml")),
                         "`longest-wait-minutes` (10 min) is shorter than `first-wait-seconds` (1800 s)",
                         line: lineOf("  longest-wait-minutes: 10", in: short), fix: "make the longest wait at least the first")
        let missing = try shipped("policy.yaml").replacingOccurrences(of: "  tries-window-minutes: 15\n", with: "")
        assertOneProblem(problems(Policy.parse(text: missing, displayPath: "p.yaml")), "`kiosk-lockout` in the policy has no `tries-window-minutes`",
                         line: lineOf("  free-tries: 5", in: missing), fix: "add `tries-window-minutes: ...`")
    }

    func testWaitsAreSaidInTheWordingsWords() throws {
        let words = try Wording.parse(text: try shipped("wording.yaml"), displayPath: "w.yaml").get()
        XCTAssertEqual([1, 45, 60, 61, 900].map { words.duration(TimeInterval($0)) }, ["1 second", "45 seconds", "1 minute", "2 minutes", "15 minutes"])
        let welsh = try shipped("wording.yaml").replacingOccurrences(of: "  minutes: \"{n} minutes\"", with: "  minutes: \"{n} munud\"")
        XCTAssertEqual(try Wording.parse(text: welsh, displayPath: "w.yaml").get().describe(.tooManyTries(wait: 300)),
                       "Too many tries. Please wait 5 munud or ask a member of staff.")
    }

    // MARK: Wording

    func testTheShippedWordingHasEveryPhraseFilledIn() throws {
        let words = try Wording.parse(text: try shipped("wording.yaml"), displayPath: "w.yaml").get()
        XCTAssertEqual(words(.identifyHello, ["name": "Siân"]), "Hello Siân. Thank you for doing this.")
        XCTAssertEqual(words(.checklistSaved, ["concern": "{score}", "score": "7"]), "Saved: {score}, 7 out of 10", "a value is never filled in")
        XCTAssertEqual(words.describe(.tooManyTries(wait: 90)), "Too many tries. Please wait 2 minutes or ask a member of staff.")
        XCTAssertEqual(words(.welcomeBody).components(separatedBy: "\n").count, 3, "two paragraphs, no final line break")
        for phrase in Phrase.allCases {
            XCTAssertFalse(words(phrase).isEmpty, phrase.rawValue)
            XCTAssertEqual(Set(Wording.placeholders(words(phrase))), Set(phrase.fills), "\(phrase.rawValue) uses every fill")
        }
    }

    func testAMissingPhraseIsReportedUnderItsGroup() throws {
        let text = try shipped("wording.yaml").replacingOccurrences(of: "  send: Send my answers to my nurse\n", with: "")
        assertOneProblem(problems(Wording.parse(text: text, displayPath: "w.yaml")), "there is no wording for `kiosk-review.send`, which careplan shows",
                         line: lineOf("  prompt: Please check your answers", in: text), fix: "add `send: ...` under `kiosk-review:`")
    }

    func testAPhraseCareplanNeverShowsIsReported() throws {
        let text = try shipped("wording.yaml").replacingOccurrences(of: "  send: Send my answers to my nurse\n",
                                                                   with: "  send: Send my answers to my nurse\n  sned: Send them\n")
        assertOneProblem(problems(Wording.parse(text: text, displayPath: "w.yaml")), "unknown key `sned` in `kiosk-review`",
                         line: lineOf("sned", in: text), fix: "did you mean `send`?")
        let group = try shipped("wording.yaml") + "kiosk-goodbye:\n  text: Bye\n"
        assertOneProblem(problems(Wording.parse(text: group, displayPath: "w.yaml")), "unknown key `kiosk-goodbye` in the wording",
                         line: lineOf("kiosk-goodbye", in: group), fix: "allowed keys are")
    }

    func testAPlaceholderCareplanDoesNotFillIsReported() throws {
        let text = try shipped("wording.yaml").replacingOccurrences(of: "Hello {name}.", with: "Hello {given-name}.")
        assertOneProblem(problems(Wording.parse(text: text, displayPath: "w.yaml")), "`{given-name}` in `kiosk-identify.hello` is not filled in by careplan",
                         line: lineOf("{given-name}", in: text), fix: "use `{name}`")
    }

    /// Start-up refuses a broken file as it does a broken flow: `Configuration.load` reports it with the others.
    func testStartUpRefusesABrokenTermsFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("terms-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: ConfigurationTests.root.appendingPathComponent("Resources"), to: dir.appendingPathComponent("Resources"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("Resources/policy.yaml"))
        guard case .failure(let e) = Configuration.load(root: dir, screenKinds: ConfigurationTests.kinds, requiredFlows: []) else {
            return XCTFail("loaded")
        }
        XCTAssertEqual(e.problems.map(\.file), ["Resources/policy.yaml"], e.description)
        XCTAssertTrue(e.problems[0].message.hasPrefix("cannot read the file"), e.description)
    }
}
