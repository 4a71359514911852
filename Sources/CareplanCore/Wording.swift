import Foundation
import Yams

/// A sentence or label from `Resources/wording.yaml`, by its `group.key` there. Every case is shown somewhere,
/// and the file must have each one and no other, so a change of words never needs a change of code.
public enum Phrase: String, CaseIterable, Sendable {
    case kioskScore = "kiosk.score", kioskNotScored = "kiosk.not-scored", kioskScaleLow = "kiosk.scale-low"
    case kioskScaleHigh = "kiosk.scale-high", kioskScaleChosen = "kiosk.scale-chosen", kioskScaleChoose = "kiosk.scale-choose"
    case kioskCodeNotAccepted = "kiosk.code-not-accepted", kioskTooManyTries = "kiosk.too-many-tries"
    case kioskWentWrong = "kiosk.went-wrong", kioskSecond = "kiosk.second", kioskSeconds = "kiosk.seconds"
    case kioskMinute = "kiosk.minute", kioskMinutes = "kiosk.minutes", kioskIdleWarning = "kiosk.idle-warning"
    case kioskUseShownKeys = "kiosk.use-shown-keys", kioskAnswersKept = "kiosk.answers-kept", kioskAnswersNotSent = "kiosk.answers-not-sent"
    case keyStart = "kiosk-keys.start", keyNextBox = "kiosk-keys.next-box", keyGoOn = "kiosk-keys.go-on", keyBack = "kiosk-keys.back"
    case keyChoose = "kiosk-keys.choose", keySave = "kiosk-keys.save", keyMove = "kiosk-keys.move", keyTick = "kiosk-keys.tick"
    case keyScore = "kiosk-keys.score", keyNextPage = "kiosk-keys.next-page", keyYourWords = "kiosk-keys.your-words"
    case keyChangeOrSend = "kiosk-keys.change-or-send", keyFinish = "kiosk-keys.finish", keyCloseKiosk = "kiosk-keys.close-kiosk"
    case keyHelp = "kiosk-keys.help", keyScale = "kiosk-keys.scale-keys", keyRows = "kiosk-keys.row-keys"
    case keyType = "kiosk-keys.type-key", keySpace = "kiosk-keys.space-key"
    case welcomeGreeting = "kiosk-welcome.greeting", welcomeBody = "kiosk-welcome.body", welcomeStart = "kiosk-welcome.start"
    case identifyPrompt = "kiosk-identify.prompt", identifyCode = "kiosk-identify.code"
    case identifyCodeNote = "kiosk-identify.code-note", identifyCodeProblem = "kiosk-identify.code-problem"
    case identifyDob = "kiosk-identify.dob", identifyDobNote = "kiosk-identify.dob-note"
    case identifyDobProblem = "kiosk-identify.dob-problem", identifyHello = "kiosk-identify.hello"
    case checklistPage = "kiosk-checklist.page", checklistAskConcerns = "kiosk-checklist.ask-concerns"
    case checklistAskInformation = "kiosk-checklist.ask-information", checklistQuestion = "kiosk-checklist.question"
    case checklistSaved = "kiosk-checklist.saved", checklistTicked = "kiosk-checklist.ticked"
    case checklistUnticked = "kiosk-checklist.unticked", checklistTickedNotScored = "kiosk-checklist.ticked-not-scored"
    case checklistScoreKept = "kiosk-checklist.score-kept", checklistFirstPage = "kiosk-checklist.first-page"
    case distressQuestion = "kiosk-distress.question"
    case messageQuestion = "kiosk-message.question", messageTooLong = "kiosk-message.too-long"
    case reviewPrompt = "kiosk-review.prompt", reviewPage = "kiosk-review.page"
    case reviewNothingTicked = "kiosk-review.nothing-ticked", reviewDistress = "kiosk-review.distress"
    case reviewNotAnswered = "kiosk-review.not-answered", reviewMessage = "kiosk-review.message"
    case reviewNoMessage = "kiosk-review.no-message", reviewSend = "kiosk-review.send"
    case thanksBody = "kiosk-thanks.body", thanksFinish = "kiosk-thanks.finish"
    case staffPrompt = "kiosk-staff.prompt", staffPin = "kiosk-staff.pin", staffBack = "kiosk-staff.back"
    case staffWrongPin = "kiosk-staff.wrong-pin", staffNoPin = "kiosk-staff.no-pin"
    case patientNhs = "patient-form.nhs", patientNhsNote = "patient-form.nhs-note", patientFamily = "patient-form.family"
    case patientGiven = "patient-form.given", patientDob = "patient-form.dob", patientDobNote = "patient-form.dob-note"
    case patientDiagnosis = "patient-form.diagnosis", patientDiagnosisNote = "patient-form.diagnosis-note"
    case patientCode = "patient-form.code", patientCodeNote = "patient-form.code-note"
    case patientDiagnosed = "patient-form.diagnosed", patientDiagnosedNote = "patient-form.diagnosed-note"
    case startPoint = "start-form.point", startPointNote = "start-form.point-note"
    case startKioskPointNote = "start-form.kiosk-point-note", startBy = "start-form.by", startByNote = "start-form.by-note"
    case startDate = "start-form.date", startDateNote = "start-form.date-note"
    case actionWhat = "action-form.what", actionWhatNote = "action-form.what-note", actionOwner = "action-form.owner"
    case actionOwnerNote = "action-form.owner-note", actionName = "action-form.name", actionNameNote = "action-form.name-note"
    case actionDue = "action-form.due", actionDueNote = "action-form.due-note", actionService = "action-form.service"
    case actionNoService = "action-form.no-service", actionServiceNote = "action-form.service-note"
    case agreeReview = "agree-form.review", agreeReviewNote = "agree-form.review-note", agreeBy = "agree-form.by"
    case agreeByNote = "agree-form.by-note", agreeRole = "agree-form.role", agreeRoleNote = "agree-form.role-note"
    case staffUserName = "staff-form.user-name", staffUserNameNote = "staff-form.user-name-note", staffFullName = "staff-form.full-name"
    case staffFullNameNote = "staff-form.full-name-note", staffPassword = "staff-form.password", staffPasswordNote = "staff-form.password-note"
    case staffAgain = "staff-form.again", staffAgainNote = "staff-form.again-note", staffCurrent = "staff-form.current"
    case staffNewPassword = "staff-form.new-password", staffRole = "staff-form.role", staffTeam = "staff-form.team"
    case signInPrompt = "sign-in.prompt", firstRunPrompt = "sign-in.first-run", mustChangePrompt = "sign-in.must-change"
    case lockedPrompt = "sign-in.locked"
    case testClock = "status.test-clock", testClockShort = "status.test-clock-short"

    /// The `{names}` its text may use: the code fills them in.
    public var fills: [String] {
        switch self {
        case .kioskScore, .kioskScaleChosen: return ["score"]
        case .kioskTooManyTries: return ["wait"]
        case .kioskSeconds, .kioskMinutes: return ["n"]
        case .kioskIdleWarning: return ["seconds"]
        case .identifyHello: return ["name"]
        case .checklistPage: return ["page", "pages", "category"]
        case .checklistQuestion, .checklistTicked, .checklistUnticked: return ["concern"]
        case .checklistSaved: return ["concern", "score"]
        case .messageTooLong: return ["limit"]
        case .reviewPage: return ["category", "answers"]
        case .reviewDistress, .reviewMessage: return ["answer"]
        case .lockedPrompt: return ["name"]
        case .testClock: return ["date", "days"]
        case .testClockShort: return ["date"]
        case .staffPasswordNote: return ["length"]
        default: return []
        }
    }
}

/// The words of `Resources/wording.yaml`: what a patient reads at the kiosk and the labels of the forms.
public struct Wording: Sendable, Equatable {
    var texts: [Phrase: String]

    /// The text with its `{names}` filled in: `words(.identifyHello, ["name": "Jane"])`.
    public func callAsFunction(_ phrase: Phrase, _ fills: [String: String] = [:]) -> String {
        // One pass, so that a filled-in value (a patient's name, a concern) is never itself filled in.
        var out = ""
        var rest = (texts[phrase] ?? phrase.rawValue)[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = String(rest[rest.index(after: open)..<close])
            out += rest[..<open] + (fills[name] ?? String(rest[open...close]))
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// What the kiosk says when a code or PIN is refused.
    public func describe(_ error: KioskError) -> String {
        switch error {
        case .notAccepted: return self(.kioskCodeNotAccepted)
        case .tooManyTries(let wait): return self(.kioskTooManyTries, ["wait": duration(wait)])
        case .noPINSet: return self(.staffNoPin)
        case .wrongPIN: return self(.staffWrongPin)
        }
    }

    /// A wait in words: "1 second", "45 seconds", then whole minutes rounded up ("2 minutes").
    public func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return s == 1 ? self(.kioskSecond) : self(.kioskSeconds, ["n": "\(s)"]) }
        let m = (s + 59) / 60
        return m == 1 ? self(.kioskMinute) : self(.kioskMinutes, ["n": "\(m)"])
    }

    public static func load(from url: URL, displayPath: String) -> Result<Wording, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath, parse: parse)
    }

    public static func parse(text: String, displayPath: String) -> Result<Wording, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath, parse: parse)
    }

    static func parse(_ root: Node, _ r: ConfigReader) -> Wording? {
        let groups = Dictionary(grouping: Phrase.allCases) { String($0.rawValue.prefix { $0 != "." }) }
        let keys = groups.mapValues { $0.map { String($0.rawValue.drop { $0 != "." }.dropFirst()) } }
        guard let m = r.mapping(root, "the wording", required: [], optional: groups.keys.sorted()) else { return nil }
        var texts: [Phrase: String] = [:]
        for group in groups.keys.sorted() {
            guard let node = m[group] else {
                r.report(root, "there is no `\(group):` group, which careplan shows", fix: "add it with its keys " + keys[group]!.map { "`\($0)`" }.joined(separator: ", "))
                continue
            }
            guard let gm = r.mapping(node, "`\(group)`", required: [], optional: keys[group]!) else { continue }
            for phrase in groups[group]! {
                let key = String(phrase.rawValue.drop { $0 != "." }.dropFirst())
                guard gm[key] != nil else {
                    r.report(node, "there is no wording for `\(phrase.rawValue)`, which careplan shows", fix: "add `\(key): ...` under `\(group):`")
                    continue
                }
                guard let text = r.string(gm, key, in: "`\(group)`") else { continue }
                for name in placeholders(text) where !phrase.fills.contains(name) {
                    r.report(gm[key], "`{\(name)}` in `\(phrase.rawValue)` is not filled in by careplan",
                             fix: phrase.fills.isEmpty ? "write it without `{...}`" : "use " + phrase.fills.map { "`{\($0)}`" }.joined(separator: ", "))
                }
                texts[phrase] = text.hasSuffix("\n") ? String(text.dropLast()) : text  // a block's final line break
            }
        }
        return Wording(texts: texts)
    }

    static func placeholders(_ text: String) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}

extension String {
    /// The noun with "a" or "an" before it, by how it sounds: "an End of Treatment Summary", "a plan",
    /// "a user". The one place the article is chosen.
    public var withArticle: String {
        let lower = lowercased()
        let soundsLikeYou = ["uni", "use", "usu", "eu", "one"].contains { lower.hasPrefix($0) }
        let vowel = lower.first.map { "aeiou".contains($0) } ?? false
        return (vowel && !soundsLikeYou ? "an " : "a ") + self
    }
}
