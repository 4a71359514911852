import XCTest
@testable import CareplanCore

/// Resources/codelists.yaml, policy.yaml and wording.yaml: the shipped files load, and each broken one is
/// refused with file, line and fix.
final class TermsTests: XCTestCase {
    static let resources = ConfigurationTests.root.appendingPathComponent("Resources")
    /// The code lists the shipped document templates name.
    static let documentLists = DocumentTemplate.codeListsNamed(in: ["eots.yaml"].map { resources.appendingPathComponent("documents/\($0)") })

    // MARK: Code lists

    func testTheShippedCodeListsGiveEveryCaseItsLabelInTheFilesOrder() throws {
        let codes = try CodeLists.parse(text: try shipped("codelists.yaml"), displayPath: "codelists.yaml", documentLists: Self.documentLists).get()
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
        assertOneProblem(problems(CodeLists.parse(text: text, displayPath: "Resources/codelists.yaml", documentLists: Self.documentLists)),
                         "the list `pathway-point` has no code `05`, which careplan needs",
                         line: lineOf("CR7940", in: text) + 2, fix: "add `- { code: \"05\"")
    }

    func testACodeListedTwiceIsReportedAtTheSecond() throws {
        let original = try shipped("codelists.yaml")
        let text = original.replacingOccurrences(of: "      - { code: \"09\", label: Not known }\n",
                                                 with: "      - { code: \"09\", label: Not known }\n      - { code: \"09\", label: Unknown }\n")
        let found = problems(CodeLists.parse(text: text, displayPath: "Resources/codelists.yaml", documentLists: Self.documentLists))
        assertOneProblem(found, "code `09` is listed twice in `staff-role`", line: lineOf("Unknown }", in: text), fix: "keep one")
        XCTAssertEqual(found.first?.file, "Resources/codelists.yaml")
    }

    func testACodeCareplanCannotRecordIsReported() throws {
        let text = try shipped("codelists.yaml").replacingOccurrences(of: "      - { code: other, label: Other, short-label: Other }\n",
                                                                      with: "      - { code: other, label: Other, short-label: Other }\n      - { code: dentist, label: Dentist }\n")
        assertOneProblem(problems(CodeLists.parse(text: text, displayPath: "c.yaml", documentLists: Self.documentLists)), "unknown code `dentist` in `action-owner`",
                         line: lineOf("dentist", in: text), fix: "`patient`, `cns`, `gp`, `ahp`, `other`")
    }

    func testAnUnknownListAndAMissingOneAreReported() throws {
        let text = try shipped("codelists.yaml").replacingOccurrences(of: "  - id: staff-role\n", with: "  - id: staff-roles\n")
        let found = problems(CodeLists.parse(text: text, displayPath: "c.yaml", documentLists: Self.documentLists))
        XCTAssertEqual(found.count, 2, found.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(found.contains { $0.message == "unknown code list `staff-roles`" && $0.line == lineOf("staff-roles", in: text) && $0.fix.contains("`staff-role`") })
        XCTAssertTrue(found.contains { $0.message.contains("no code list `staff-role`, which careplan needs") && $0.fix == "add a list with `id: staff-role`" })
    }

    func testABrokenListIsNotAlsoReportedMissing() throws {
        let text = try shipped("codelists.yaml").replacingOccurrences(of: "    title: CR7950 and CR7960 staff role (who offered the assessment, who did the care planning)\n", with: "")
        assertOneProblem(problems(CodeLists.parse(text: text, displayPath: "c.yaml", documentLists: Self.documentLists)), "a code list has no `title`",
                         line: lineOf("id: staff-role", in: text), fix: "add `title: ...`")
    }

    func testANationalListMayHoldCodesCareplanDoesNotRecordButNotLoseOnesItDoes() throws {
        let text = try shipped("codelists.yaml").replacingOccurrences(of: "      - { code: \"03\", label: Plan completed }\n", with: "")
        assertOneProblem(problems(CodeLists.parse(text: text, displayPath: "c.yaml", documentLists: Self.documentLists)), "the list `plan-status` has no code `03`",
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

    func testThePolicyGivesTheIdleLockPasswordsAndSignInTries() throws {
        let policy = try Policy.parse(text: try shipped("policy.yaml"), displayPath: "p.yaml").get()
        XCTAssertEqual(policy.idleLock, 5 * 60)
        XCTAssertEqual(policy.idleWarning, 30)
        XCTAssertEqual(policy.passwords.minimumLength, 10)
        XCTAssertEqual(policy.signInTries, RateLimit(freeTries: 5, window: 15 * 60, firstWait: 30, longestWait: 15 * 60))
        let late = try shipped("policy.yaml").replacingOccurrences(of: "idle-warning-seconds: 30", with: "idle-warning-seconds: 300")
        assertOneProblem(problems(Policy.parse(text: late, displayPath: "p.yaml")), "should be shorter than the idle lock (5 minutes)",
                         line: lineOf("idle-warning-seconds: 300", in: late), fix: "idle-warning-seconds: 30")
        let short = try shipped("policy.yaml").replacingOccurrences(of: "password-minimum-length: 10", with: "password-minimum-length: 4")
        assertOneProblem(problems(Policy.parse(text: short, displayPath: "p.yaml")), "`password-minimum-length` in the policy should be a whole number from 8 to 64",
                         line: lineOf("password-minimum-length: 4", in: short), fix: "e.g. `password-minimum-length: 10`")
    }

    // MARK: Roles

    func testTheShippedRolesSayWhatEachMayDo() throws {
        let roles = try Roles.parse(text: try shipped("roles.yaml"), displayPath: "r.yaml").get()
        XCTAssertEqual(roles.roles.map(\.id), ["clinical-nurse-specialist", "nurse", "allied-health-professional", "support-worker", "gp",
                                               "administrator", "read-only"])
        let support = try XCTUnwrap(roles.role("support-worker"))
        XCTAssertTrue(support.may(.completeChecklist) && support.may(.recordActions))
        XCTAssertFalse(support.may(.agreePlan), "a support worker does not agree a plan")
        XCTAssertEqual(support.staffRole, .supportWorker)
        XCTAssertEqual(roles.role("clinical-nurse-specialist")?.staffRole, .cns)
        XCTAssertEqual(roles.role("nurse")?.staffRole, .otherNurse)
        XCTAssertEqual(roles.roles.filter { $0.may(.manageUsers) }.map(\.id), ["administrator"], "only the administrator manages users")
        let readOnly = try XCTUnwrap(roles.role("read-only"))
        XCTAssertEqual(readOnly.permissions, [.viewRecords, .viewAudit, .reports], "read-only changes and exports nothing (reports name no patient)")
        XCTAssertEqual(roles.roles.filter { $0.may(.reports) }.map(\.id), ["clinical-nurse-specialist", "nurse", "administrator", "read-only"],
                       "those who run or oversee the service run reports; support workers, AHPs and GPs do not")
        XCTAssertEqual(roles.roles.filter { $0.may(.qof) }.map(\.id), ["clinical-nurse-specialist", "nurse", "gp"],
                       "GPs, practice nurses and nurse specialists record QOF facts; a support worker and read-only do not")
        XCTAssertEqual(roles.role(of: StaffUser(id: 1, userName: "x", fullName: "X", roleId: "gone")).permissions, [],
                       "a role no longer in the file may do nothing")
    }

    func testABrokenRoleIsReportedWithLineAndFix() throws {
        let typo = try shipped("roles.yaml").replacingOccurrences(of: "[view-records, view-audit, reports]", with: "[view-records, veiw-audit, reports]")
        assertOneProblem(problems(Roles.parse(text: typo, displayPath: "r.yaml")), "unknown permission `veiw-audit` in the role `read-only`",
                         line: lineOf("veiw-audit", in: typo), fix: "did you mean `view-audit`?")
        let code = try shipped("roles.yaml").replacingOccurrences(of: "cosd-staff-role: \"04\"", with: "cosd-staff-role: \"07\"")
        assertOneProblem(problems(Roles.parse(text: code, displayPath: "r.yaml")), "`07` is not a code of the `staff-role` list",
                         line: lineOf("\"07\"", in: code), fix: "Resources/codelists.yaml")
        let manager = try shipped("roles.yaml").replacingOccurrences(of: "[view-records, complete-checklist, record-actions, issue-kiosk-codes]",
                                                                    with: "[view-records, manage-users]")
        assertOneProblem(problems(Roles.parse(text: manager, displayPath: "r.yaml")), "only the `administrator` role may have `manage-users`",
                         line: lineOf("[view-records, manage-users]", in: manager), fix: "remove `manage-users` from `support-worker`")
        let noCode = try shipped("roles.yaml").replacingOccurrences(of: "    cosd-staff-role: \"08\"\n", with: "")
        assertOneProblem(problems(Roles.parse(text: noCode, displayPath: "r.yaml")), "the role `gp` may agree a plan but has no `cosd-staff-role`",
                         line: lineOf("permissions: [view-records, complete-checklist, record-actions, agree-plan, sign-documents, export, qof]", in: noCode),
                         fix: "cosd-staff-role")
        let text = try shipped("roles.yaml")
        let start = text.range(of: "  - id: administrator\n")!, end = text.range(of: "  - id: read-only")!
        let noAdmin = text.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: "")
        assertOneProblem(problems(Roles.parse(text: noAdmin, displayPath: "r.yaml")), "there is no `administrator` role",
                         line: lineOf("  - id: clinical-nurse-specialist", in: noAdmin), fix: "add it back")
    }

    func testWaitsDoubleAndAreKeptToTheMillisecond() {
        let limit = RateLimit(freeTries: 2, window: 900, firstWait: 30, longestWait: 100)
        let t = Date(timeIntervalSince1970: 1_795_435_200.123)
        XCTAssertNil(limit.wait(after: [t], now: t), "a free try")
        XCTAssertEqual(limit.wait(after: [t, t], now: t), 30)
        XCTAssertEqual(limit.wait(after: [t, t, t], now: t), 60)
        XCTAssertEqual(limit.wait(after: [t, t, t, t, t], now: t), 100, "never beyond the longest")
        // A try stored a hair after the clock read (the store keeps milliseconds) still waits 30 s, said as 30.
        XCTAssertEqual(limit.wait(after: [t, t.addingTimeInterval(0.000_000_1)], now: t), 30)
        XCTAssertNil(limit.wait(after: [t, t], now: t.addingTimeInterval(30)))
        // A try stored later by another process never makes the wait longer than the longest (16 minutes of 15).
        XCTAssertEqual(limit.wait(after: [t, t, t, t, t.addingTimeInterval(0.5)], now: t), 100)
    }

    func testPasswordsAreRefusedSayingWhatIsWrong() {
        let rules = PasswordRules(minimumLength: 10)
        XCTAssertEqual(rules.problem("short", userName: "jo"), "The password has 5 characters; it needs at least 10 (a few words together are easy to remember)")
        XCTAssertEqual(rules.problem("jbloggs-is-me", userName: "jbloggs"), "The password contains the user's name: choose one that does not")
        XCTAssertEqual(rules.problem("my name is Jo Bloggs", userName: "jo", fullName: "Jo Bloggs"), "The password contains the user's name: choose one that does not")
        XCTAssertEqual(rules.problem("aaaaaaaaaaaa", userName: "jo"), "The password repeats too few characters: use at least 4 different ones")
        XCTAssertNil(rules.problem("purple tractor rain", userName: "jo"))
        guard case .failure(let p) = NewPassword.checked("short", userName: "jo", rules: rules) else { return XCTFail("accepted") }
        XCTAssertTrue(p.message.contains("at least 10"))
        let ok = try? NewPassword.checked("purple tractor rain", userName: "jo", rules: rules).get()
        XCTAssertEqual(ok.map { "\($0)" }, "(a new password)", "printing one never shows it")
    }

    /// The commonest passwords (Resources/common-passwords.txt, digits added or not), keyboard runs, and a short
    /// user name as a word of its own are refused, saying why; passphrases are not.
    func testCommonPasswordsKeyboardRunsAndShortNamesAreRefused() throws {
        let common = try PasswordRules.loadCommon(from: Self.resources.appendingPathComponent("common-passwords.txt"), displayPath: "c").get()
        let rules = PasswordRules(minimumLength: 10, common: common)
        for typed in ["Password123", "password1234", "P A S S W O R D 1", "2026Liverpool", "letmein!!2024", "Welcome2026!"] {
            XCTAssertEqual(rules.problem(typed, userName: "ada"),
                           "The password is one of the commonest passwords (digits added or not), the first ones tried: choose a few words of your own", typed)
        }
        for typed in ["1234567890", "qwertyuiop", "0987654321", "asdfghjkl;", "qwerty12345", "abcdefghij", "1qaz2wsx3edc", "zxcvbnm111", "asdf4321asdf"] {
            XCTAssertEqual(PasswordRules(minimumLength: 10).problem(typed, userName: "ada"),
                           "The password is a run of keys or letters (like qwerty, 12345 or abcd): choose a few words of your own", typed)
        }
        let name = "The password contains the user's name: choose one that does not"
        XCTAssertEqual(rules.problem("jo rides bikes", userName: "jo"), name)
        XCTAssertEqual(rules.problem("Jo2026 rides bikes", userName: "jo"), name, "a word of its own, digits apart")
        XCTAssertEqual(rules.problem("we ride with Al", userName: "al", fullName: "Al Smith"), name)
        XCTAssertEqual(rules.problem("we ride with al.b", userName: "al.b", fullName: "Al Brown"), name)
        XCTAssertNil(rules.problem("support words here", userName: "sam", fullName: "Sam Support"), "a word of the full name alone is allowed")
        XCTAssertEqual(rules.problem("purple smithy tractor", userName: "a.smith"), name, "a longer part of the name, anywhere")
        for typed in ["purple tractor rain", "joyful rides home", "correct horse battery staple", "the 1234 bus to leeds"] {
            XCTAssertNil(rules.problem(typed, userName: "jo"), typed)
        }
    }

    /// Issue 10: the kiosk lockout is policy, read from the file and checked like the rest.
    func testTheKioskLockoutIsReadFromThePolicyAndChecked() throws {
        let policy = try Policy.parse(text: try shipped("policy.yaml"), displayPath: "p.yaml").get()
        XCTAssertEqual(policy.kioskLockout, RateLimit(freeTries: 5, window: 15 * 60, firstWait: 30, longestWait: 15 * 60))
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

/// Reading shipped files and their problems, for every test of a Resources file.
extension XCTestCase {
    func shipped(_ name: String) throws -> String {
        try String(contentsOf: TermsTests.resources.appendingPathComponent(name), encoding: .utf8)
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
}
