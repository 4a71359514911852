import CareplanCore
import Foundation
import TermUI

// The patient's own screens at a kiosk: plain words, one question at a time, every choice reachable by
// arrows or number keys, Esc always goes back, and nothing of anyone else's record is reachable.

/// A clear 0 to 10 scale: arrows or digits ("1" then "0" is 10), Enter confirms.
struct ScorePicker: Equatable {
    var value: Int?
    var digits = ScoreDigits()

    enum Event { case none, confirmed(Int), cancelled }

    mutating func handle(_ key: Key) -> Event {
        let typed = digits.take(key)
        switch key {
        case .left, .text("-"): value = max(0, (value ?? 1) - 1)
        case .right, .text("+"): value = min(10, (value ?? -1) + 1)
        case .home: value = 0
        case .end: value = 10
        case .text where typed != nil: value = typed
        case .enter:
            if let v = value { return .confirmed(v) }
        case .escape: return .cancelled
        default: break
        }
        return .none
    }

    /// The question, the numbers with the chosen one marked, and what the ends mean.
    func render(into g: inout Grid, x: Int, y: Int, width: Int, question: String, words: Wording) -> Int {
        var row = Draw.paragraph(&g, question, x: x, y: y, width: width, maxY: y + 4, style: Style(.heading, bold: true)) + 1
        let cell = width >= 60 ? 5 : 3
        var cx = x
        for n in 0...10 {
            let chosen = n == value
            let label = chosen ? "[\(n)]" : " \(n) "
            g.put(DisplayWidth.pad(label, to: cell), x: cx, y: row, style: chosen ? Style(.selected, bold: true) : .normal)
            cx += cell
        }
        row += 1
        g.put(words(.kioskScaleLow), x: x, y: row, style: Style(.dim))
        let end = words(.kioskScaleHigh)
        g.put(end, x: max(x, x + cell * 11 - DisplayWidth.of(end)), y: row, style: Style(.dim))
        row += 2
        g.put(value.map { words(.kioskScaleChosen, ["score": "\($0)"]) } ?? words(.kioskScaleChoose), x: x, y: row, maxWidth: width)
        return row + 1
    }
}

/// `7 out of 10`, or `not scored`.
private func score(_ value: Int?, _ s: Session) -> String {
    value.map { s.words(.kioskScore, ["score": "\($0)"]) } ?? s.words(.kioskNotScored)
}

struct KioskWelcomeScreen: Screen {
    let kind = ScreenKind.kioskWelcome
    init(_ s: Session) {}

    mutating func update(_ message: Message, _ s: Session) -> [Command] { message == .key(.enter) ? [.go(.next)] : [] }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let (greeting, start) = (s.words(.welcomeGreeting), s.words(.welcomeStart))
        let text = [greeting, s.words(.welcomeBody), start].joined(separator: "\n\n")
        var y = area.y + 1
        for para in text.split(separator: "\n", omittingEmptySubsequences: false) {
            y = Draw.paragraph(&g, String(para), x: area.x + 2, y: y, width: area.width - 4, maxY: area.bottom,
                               style: para == greeting || para == start ? Style(.heading, bold: true) : .normal)
        }
    }

    func keys(_ s: Session) -> [KeyHint] { [KeyHint("Enter", s.words(.keyStart))] }
}

struct KioskIdentifyScreen: Screen {
    let kind = ScreenKind.kioskIdentify
    var form: Form

    init(_ s: Session) {
        form = Form([
            .init("code", s.words(.identifyCode), maxLength: 12, note: s.words(.identifyCodeNote)),
            .init("dob", s.words(.identifyDob), maxLength: 20, note: s.words(.identifyDobNote)),
        ])
    }

    var takesText: Bool { form.takesText }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .key(let key): return handle(key, s)
        case .answer(.redeemed(let patient)):
            s.kioskPage = 0
            s.say(s.words(.identifyHello, ["name": patient.givenName]), .success)
            return [.go(.next)]
        case .answer(.kioskRefused(let e)):
            s.say(e.map { s.words.describe($0) } ?? s.words(.kioskWentWrong), .error)
        default: break
        }
        return []
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        if key == .escape { return [.go(.back)] }
        guard form.handle(key) == .submit else { return [] }
        let code = form.text("code").filter(\.isNumber)
        if code.count != 6 { form.setProblem("code", s.words(.identifyCodeProblem)); form.focus = 0; return [] }
        guard case .success(let dob) = LocalDate.parse(form.text("dob")) else {
            form.setProblem("dob", s.words(.identifyDobProblem))
            form.focus = 1
            return []
        }
        return [.redeemKioskCode(code, dateOfBirth: dob)]
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let top = Draw.paragraph(&g, s.words(.identifyPrompt), x: area.x + 2, y: area.y + 1,
                                 width: area.width - 4, maxY: area.bottom) + 1
        form.render(into: &g, Area(x: area.x + 2, y: top, width: area.width - 4, height: area.bottom - top))
    }

    func keys(_ s: Session) -> [KeyHint] { [KeyHint("Tab/↑↓", s.words(.keyNextBox)), KeyHint("Enter", s.words(.keyGoOn)), KeyHint("Esc", s.words(.keyBack))] }
}

/// The checklist, one category per page, in plain words. Ticking a concern asks how much it has
/// bothered the patient, on its own page.
struct KioskChecklistScreen: Screen {
    let kind = ScreenKind.kioskChecklist
    var page: Int
    var selected = 0
    /// Digits typed to jump to an item by its number.
    var number = ""
    /// The concern being rated, with the scale.
    var rating: (item: ConcernCatalogue.Item, category: String, picker: ScorePicker)?

    init(_ s: Session) {
        page = min(max(0, s.kioskPage ?? 0), s.catalogue.categories.count - 1)
        s.kioskPage = nil
    }

    func category(_ s: Session) -> ConcernCatalogue.Category { s.catalogue.categories[page] }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        guard case .key(let key) = message else { return [] }
        return handle(key, s)
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        guard let a = s.assessment else { return [.go(.restart)] }
        if var r = rating {
            switch r.picker.handle(key) {
            case .confirmed(let value):
                var entry = a.concern(r.item.id) ?? ConcernEntry(key: r.item.id, categoryId: r.category, label: r.item.label)
                entry.score = value
                rating = nil
                return [.apply(.setConcern(entry), saying: Said(s.words(.checklistSaved, ["concern": r.item.plain, "score": "\(value)"]), .success))]
            case .cancelled:
                rating = nil
                s.say(s.words(a.concern(r.item.id)?.score == nil ? .checklistTickedNotScored : .checklistScoreKept))
            case .none:
                rating = r
            }
            return []
        }
        let cat = category(s)
        let items = cat.items
        let typedDigit = key.character.map { $0.isASCII && $0.isNumber } ?? false
        if !typedDigit { number = "" }
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(items.count - 1, selected + 1)
        case .pageUp: selected = max(0, selected - 10)
        case .pageDown: selected = min(items.count - 1, selected + 10)
        case .text(let t) where typedDigit:
            // Items are numbered: typing a number moves to it (1 then 2 is item 12).
            let candidate = number + t
            if let n = Int(candidate), n >= 1, n <= items.count { number = candidate; selected = n - 1 }
            else if let n = Int(t), n >= 1, n <= items.count { number = t; selected = n - 1 }
        case .text(" "):
            let item = items[selected]
            if a.concern(item.id) != nil {
                return [.apply(.removeConcern(key: item.id), saying: Said(s.words(.checklistUnticked, ["concern": item.plain])))]
            } else if cat.isInformation {
                return [.apply(.setConcern(ConcernEntry(key: item.id, categoryId: cat.id, label: item.label)),
                               saying: Said(s.words(.checklistTicked, ["concern": item.plain]), .success))]
            } else {
                rating = (item, cat.id, ScorePicker())
            }
        case .right:
            let item = items[selected]
            guard !cat.isInformation, let c = a.concern(item.id) else { break }
            rating = (item, cat.id, ScorePicker(value: c.score))
        case .enter:
            if s.kioskReturnToReview { return [.exit("review")] }
            if page + 1 < s.catalogue.categories.count { page += 1; selected = 0 } else { return [.go(.next)] }
        case .escape:
            if page > 0 { page -= 1; selected = 0 } else { s.say(s.words(.checklistFirstPage)) }
        default: break
        }
        return []
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        guard let a = s.assessment else { return }
        let cat = category(s)
        let x = area.x + 1, w = area.width - 2
        if let r = rating {
            g.put(cat.title, x: x, y: area.y, style: Style(.dim))
            _ = r.picker.render(into: &g, x: x + 1, y: area.y + 2, width: w - 2,
                                question: s.words(.checklistQuestion, ["concern": r.item.plain]), words: s.words)
            return
        }
        let total = s.catalogue.categories.count
        g.put(s.words(.checklistPage, ["page": "\(page + 1)", "pages": "\(total)", "category": cat.title]), x: x, y: area.y, style: Style(.heading, bold: true), maxWidth: w)
        let ask = s.words(cat.isInformation ? .checklistAskInformation : .checklistAskConcerns)
        g.put(ask, x: x, y: area.y + 1, maxWidth: w)
        let height = area.height - 3
        let first = ScrollWindow.firstVisible(selected: selected, count: cat.items.count, height: height, previousFirst: 0)
        for (i, item) in cat.items.enumerated().dropFirst(first).prefix(height) {
            let c = a.concern(item.id)
            let numberText = String(format: "%2d. ", i + 1)
            let box = c == nil ? "[ ] " : "[✓] "
            var line = numberText + box + item.plain
            if let c, !cat.isInformation { line = DisplayWidth.pad(line, to: max(0, w - 14)) + " " + score(c.score, s) }
            Draw.row(&g, line, x: x, y: area.y + 3 + i - first, width: w, selected: i == selected,
                     style: c != nil ? Style(.marked, bold: true) : .normal)
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        if rating != nil { return [KeyHint(s.words(.keyScale), s.words(.keyChoose)), KeyHint("Enter", s.words(.keySave)), KeyHint("Esc", s.words(.keyBack))] }
        return [KeyHint(s.words(.keyRows), s.words(.keyMove)), KeyHint(s.words(.keySpace), s.words(.keyTick)), KeyHint("→", s.words(.keyScore)),
                KeyHint("Enter", s.words(.keyNextPage)), KeyHint("Esc", s.words(.keyBack))]
    }
}

struct KioskDistressScreen: Screen {
    let kind = ScreenKind.kioskDistress
    var picker: ScorePicker

    init(_ s: Session) { picker = ScorePicker(value: s.assessment?.distressScore) }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        guard case .key(let key) = message else { return [] }
        switch picker.handle(key) {
        case .confirmed(let v):
            return [.apply(.setDistress(v)), s.kioskReturnToReview ? .exit("review") : .go(.next)]
        case .cancelled:
            s.kioskPage = s.catalogue.categories.count - 1
            return [.go(.back)]
        case .none: return []
        }
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        _ = picker.render(into: &g, x: area.x + 2, y: area.y + 1, width: area.width - 4,
                          question: s.words(.distressQuestion), words: s.words)
    }

    func keys(_ s: Session) -> [KeyHint] { [KeyHint(s.words(.keyScale), s.words(.keyChoose)), KeyHint("Enter", s.words(.keyGoOn)), KeyHint("Esc", s.words(.keyBack))] }
}

struct KioskMessageScreen: Screen {
    let kind = ScreenKind.kioskMessage
    var editor: TextEditor
    var dirty = false
    /// The message as stored when the editor took it: saving is based on it (see NotesScreen).
    var shown: String

    init(_ s: Session) {
        shown = s.assessment?.patientMessage ?? ""
        editor = TextEditor(shown, maxLength: Limits.note)
    }

    var takesText: Bool { true }

    /// The message typed, to be saved, based on the text the editor was loaded with.
    func save() -> [Command] {
        dirty ? [.apply(.setPatientMessage(editor.text), basedOn: .text(shown))] : []
    }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .key(let key): return handle(key, s)
        case .tick, .leaving: return save()
        case .answer(.saved(let typed)):
            guard let a = s.assessment, case .text(let stored?) = typed.answer(in: a) else { return [] }
            if stored != typed.normalised.text {
                editor.text = stored
                editor.cursor = editor.count
            }
            shown = stored
            dirty = false
        default: break
        }
        return []
    }

    static func box(_ area: Area) -> Area { Area(x: area.x + 2, y: area.y + 3, width: area.width - 4, height: area.height - 4) }

    /// Enter and Esc leave, which saves the message first (`leaving`).
    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        switch key {
        case .enter: return [s.kioskReturnToReview ? .exit("review") : .go(.next)]
        case .escape: return [.go(.back)]
        default:
            let box = KioskMessageScreen.box(s.contentArea)
            switch editor.handle(key, width: box.width, height: box.height) {
            case .changed: dirty = dirty || editor.text != shown  // not for a cursor move
            case .truncated: dirty = true; s.say(s.words(.messageTooLong, ["limit": "\(Limits.note)"]), .error)
            default: break
            }
            return save()
        }
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        Draw.paragraph(&g, s.words(.messageQuestion), x: area.x + 2, y: area.y + 1,
                       width: area.width - 4, maxY: area.y + 3, style: Style(.heading, bold: true))
        let box = KioskMessageScreen.box(area)
        editor.render(into: &g, x: box.x, y: box.y, width: box.width, height: box.height, focused: true)
    }

    func keys(_ s: Session) -> [KeyHint] { [KeyHint(s.words(.keyType), s.words(.keyYourWords)), KeyHint("Enter", s.words(.keyGoOn)), KeyHint("Esc", s.words(.keyBack))] }
}

/// Everything the patient said, with the chance to change any of it, then "send to my nurse".
struct KioskReviewScreen: Screen {
    enum Row: Equatable { case page(Int), distress, message, send }
    let kind = ScreenKind.kioskReview
    var selected = 0

    init(_ s: Session) {
        s.kioskReturnToReview = false
        selected = rows(s).count - 1
    }

    func rows(_ s: Session) -> [Row] {
        s.catalogue.categories.indices.map { Row.page($0) } + [.distress, .message, .send]
    }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        guard case .key(let key) = message else { return [] }
        let all = rows(s)
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(all.count - 1, selected + 1)
        case .text(let t) where t.count == 1 && Int(t) != nil:
            if let n = Int(t), n >= 1, n <= all.count { selected = n - 1 }
        case .escape: return [.go(.back)]
        case .enter:
            switch all[selected] {
            case .page(let i):
                s.kioskPage = i
                s.kioskReturnToReview = true
                return [.exit("change-concerns")]
            case .distress:
                s.kioskReturnToReview = true
                return [.exit("change-distress")]
            case .message:
                s.kioskReturnToReview = true
                return [.exit("change-message")]
            case .send:
                return [.apply(.submit(at: s.now)), .go(.next)]
            }
        default: break
        }
        return []
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        guard let a = s.assessment else { return }
        let x = area.x + 1, w = area.width - 2
        g.put(s.words(.reviewPrompt), x: x, y: area.y, maxWidth: w)
        var lines: [(row: Int, text: String)] = []
        for (i, row) in rows(s).enumerated() {
            switch row {
            case .page(let p):
                let cat = s.catalogue.categories[p]
                let chosen = cat.items.compactMap { item in a.concern(item.id).map { (item, $0) } }
                let list = chosen.map { $0.0.plain + (cat.isInformation ? "" : " (\($0.1.score.map(String.init) ?? s.words(.kioskNotScored)))") }
                let answers = list.isEmpty ? s.words(.reviewNothingTicked) : list.joined(separator: ", ")
                lines.append((i, "\(i + 1). " + s.words(.reviewPage, ["category": cat.title, "answers": answers])))
            case .distress:
                let answer = a.distressScore == nil ? s.words(.reviewNotAnswered) : score(a.distressScore, s)
                lines.append((i, "\(i + 1). " + s.words(.reviewDistress, ["answer": answer])))
            case .message:
                let m = a.patientMessage.replacingOccurrences(of: "\n", with: " ")
                lines.append((i, "\(i + 1). " + s.words(.reviewMessage, ["answer": m.isEmpty ? s.words(.reviewNoMessage) : m])))
            case .send:
                lines.append((i, "\(i + 1). " + s.words(.reviewSend)))
            }
        }
        var y = area.y + 2
        let height = area.bottom - y
        let first = ScrollWindow.firstVisible(selected: selected, count: lines.count, height: height, previousFirst: 0)
        for l in lines.dropFirst(first).prefix(height) {
            let isSend = l.row == lines.count - 1
            Draw.row(&g, l.text, x: x, y: y, width: w, selected: l.row == selected, style: isSend ? Style(.success, bold: true) : .normal)
            y += 1
        }
    }

    func keys(_ s: Session) -> [KeyHint] { [KeyHint(s.words(.keyRows), s.words(.keyChoose)), KeyHint("Enter", s.words(.keyChangeOrSend)), KeyHint("Esc", s.words(.keyBack))] }
}

struct KioskThanksScreen: Screen {
    let kind = ScreenKind.kioskThanks
    init(_ s: Session) {}

    mutating func update(_ message: Message, _ s: Session) -> [Command] { message == .key(.enter) ? [.go(.restart)] : [] }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        let text = s.words(.thanksBody) + "\n\n" + s.words(.thanksFinish)
        var y = area.y + 1
        for para in text.split(separator: "\n", omittingEmptySubsequences: false) {
            y = Draw.paragraph(&g, String(para), x: area.x + 2, y: y, width: area.width - 4, maxY: area.bottom, style: Style(.heading, bold: true))
        }
    }

    func keys(_ s: Session) -> [KeyHint] { [KeyHint("Enter", s.words(.keyFinish))] }
}

/// Closing the kiosk: staff only, by PIN. The PIN is never drawn, only a dot per character.
struct KioskStaffScreen: Screen {
    let kind = ScreenKind.kioskStaff
    var pin = TextField("", maxLength: 32)

    init(_ s: Session) {}

    var takesText: Bool { true }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .key(.escape): return [.go(.back)]
        case .key(.enter): return [.checkStaffPIN(pin.text), .go(.quit)]
        case .key(let key): _ = pin.handle(key)
        case .answer(.failed): pin.text = ""
        default: break
        }
        return []
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        g.put(s.words(.staffPrompt), x: area.x + 2, y: area.y + 1, style: Style(.heading, bold: true), maxWidth: area.width - 4)
        let label = s.words(.staffPin)
        g.put(label, x: area.x + 2, y: area.y + 3)
        let box = area.x + 2 + DisplayWidth.of(label)
        g.fill(x: box, y: area.y + 3, width: 20, style: Style(.input))
        g.put(String(repeating: "•", count: pin.text.count), x: box, y: area.y + 3, style: Style(.input), maxWidth: 20)
        g.cursor = Point(x: box + min(19, pin.text.count), y: area.y + 3)
        g.put(s.words(.staffBack), x: area.x + 2, y: area.y + 5, style: Style(.dim), maxWidth: area.width - 4)
    }

    func keys(_ s: Session) -> [KeyHint] { [KeyHint("Enter", s.words(.keyCloseKiosk)), KeyHint("Esc", s.words(.keyBack))] }
}
