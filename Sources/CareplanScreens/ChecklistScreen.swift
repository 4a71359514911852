import CareplanCore
import Foundation
import TermUI

/// The concerns checklist: categories of the catalogue, type-to-filter across all of them, choose and
/// rate each concern 0 to 10, concerns in the patient's own words, and the overall distress score.
/// Each answer is saved as it is given.
struct ChecklistScreen: Screen {
    enum Row: Equatable {
        case heading(String)
        case item(category: String, id: String, label: String)
        case ownWords(key: String, label: String)
        case addOwnWords
        case distress
        var selectable: Bool { if case .heading = self { return false }; return true }
        var isConcern: Bool {
            switch self {
            case .item, .ownWords: return true
            default: return false
            }
        }
    }

    let kind = ScreenKind.concernChecklist
    var filter = ""
    var selected = 0
    var first = 0
    var digits = ScoreDigits()
    /// The own-words concern being typed.
    var adding: TextField?

    init(_ s: Session) {
        selected = rows(s).firstIndex { $0.selectable } ?? 0
    }

    var takesText: Bool { adding != nil }
    var inSubForm: Bool { adding != nil }

    static func fold(_ s: String) -> String { SearchKey.of(s) }

    func rows(_ s: Session) -> [Row] {
        let needle = ChecklistScreen.fold(filter)
        var rows: [Row] = []
        for category in s.catalogue.categories {
            let items = category.items.filter { needle.isEmpty || ChecklistScreen.fold($0.label).contains(needle) }
            if items.isEmpty { continue }
            rows.append(.heading(category.title))
            rows += items.map { .item(category: category.id, id: $0.id, label: $0.label) }
        }
        let own = (s.assessment?.concerns ?? []).filter(\.isOwnWords).sorted { $0.key < $1.key }
            .filter { needle.isEmpty || ChecklistScreen.fold($0.label).contains(needle) }
        rows.append(.heading(ConcernCatalogue.ownWordsTitle))
        rows += own.map { .ownWords(key: $0.key, label: $0.label) }
        rows.append(.addOwnWords)
        rows.append(.heading("Overall"))
        rows.append(.distress)
        return rows
    }

    mutating func update(_ message: Message, _ s: Session) -> [Command] {
        switch message {
        case .key(let key): return handle(key, s)
        case .answer(.saved(.setConcern(let added))) where adding != nil:
            adding = nil
            // The filter may not match the patient's words: cleared, so the new concern shows, highlighted.
            filter = ""
            s.say("Added: now rate it 0 to 10", .success)
            if let i = rows(s).firstIndex(of: .ownWords(key: added.key, label: added.label)) { selected = i }
        default: break
        }
        return []
    }

    mutating func handle(_ key: Key, _ s: Session) -> [Command] {
        guard let a = s.assessment else { return [.go(.back)] }
        if var field = adding { return handleAdding(key, &field, s) }
        let all = rows(s)
        let row = all.indices.contains(selected) ? all[selected] : nil
        let typed = digits.take(key, at: selected)
        if a.isLocked {
            switch key {
            case .up, .down, .pageUp, .pageDown, .home, .end: break
            case .escape: return [.go(.back)]
            case .text(let t) where t.count == 1 && t.first!.isLetter: break
            case .backspace: break
            default: s.say(StoreError.locked.description, .error); return []
            }
        }
        switch key {
        case .up: move(-1, all)
        case .down: move(1, all)
        case .pageUp: move(-10, all)
        case .pageDown: move(10, all)
        case .home: selected = all.firstIndex { $0.selectable } ?? 0
        case .end: selected = all.lastIndex { $0.selectable } ?? 0
        case .escape:
            if filter.isEmpty { return [.go(.back)] }
            setFilter("", s)
        case .backspace:
            if !filter.isEmpty { setFilter(String(filter.dropLast()), s) }
        case .text(" "), .enter:
            guard let row else { break }
            switch row {
            case .item(let c, let id, let label): return toggle(key: id, category: c, label: label, s)
            case .ownWords(let k, let label): return toggle(key: k, category: ConcernCatalogue.ownWordsCategory, label: label, s)
            case .addOwnWords: adding = TextField("", maxLength: Limits.concernText)
            case .distress: s.say("Type 0 to 9 (1 then 0 for 10), or + and -, to give the distress score; Del clears it")
            case .heading: break
            }
        case .delete:
            if case .ownWords(let k, let label)? = row { return toggle(key: k, category: ConcernCatalogue.ownWordsCategory, label: label, s) }
            if case .distress? = row { return [.apply(.setDistress(nil))] }
        case .text where typed != nil:
            return rate(row, to: typed!, s)
        case .text("+"), .right: return adjust(row, by: 1, s)
        case .text("-"), .left: return adjust(row, by: -1, s)
        case .text(let t):
            // Letters filter across all categories.
            let letters = t.filter { $0.isLetter || $0 == "'" || $0 == "-" }
            if !letters.isEmpty && letters.count == t.count { setFilter(filter + letters, s) }
        default: break
        }
        return []
    }

    /// A new filter puts the highlight on its first match, so a digit typed next rates what was searched for
    /// (never a row left over from an earlier filter). Cleared, the highlight stays on the concern it was on.
    mutating func setFilter(_ f: String, _ s: Session) {
        let current = rows(s).indices.contains(selected) ? rows(s)[selected] : nil
        filter = String(f.prefix(40))
        let all = rows(s)
        if filter.isEmpty, let current, current.isConcern, let i = all.firstIndex(of: current) { selected = i }
        else { selected = all.firstIndex(where: \.isConcern) ?? all.firstIndex { $0.selectable } ?? 0 }
    }

    /// A concern in the patient's words added or removed on another terminal moves the rows below it: the
    /// highlight stays on the row it was on, so the next digit rates what the nurse sees highlighted.
    mutating func refreshed(_ s: Session, from old: Assessment?) {
        let now = s.assessment
        s.assessment = old
        let before = rows(s)
        s.assessment = now
        if before.indices.contains(selected), let i = rows(s).firstIndex(of: before[selected]) { selected = i }
    }

    mutating func move(_ delta: Int, _ all: [Row]) {
        guard !all.isEmpty else { return }
        var i = max(0, min(all.count - 1, selected + delta))
        let step = delta < 0 ? -1 : 1
        while all.indices.contains(i) && !all[i].selectable { i += step }
        if !all.indices.contains(i) {
            i = max(0, min(all.count - 1, selected + delta))
            while all.indices.contains(i) && !all[i].selectable { i -= step }
        }
        if all.indices.contains(i) { selected = i }
    }

    mutating func toggle(key: String, category: String, label: String, _ s: Session) -> [Command] {
        guard let a = s.assessment else { return [] }
        if let existing = a.concern(key) {
            // Its notes and actions would go too: asked first.
            if !existing.note.isEmpty || !a.actions(for: key).isEmpty {
                return [.ask(Question(text: "Un-choose “\(existing.label)”? Its notes and \(a.actions(for: key).count) action(s) go too. y = yes, any other key = keep",
                                      shortening: existing.label, yes: [.apply(.removeConcern(key: key), saying: Said("Removed, with its notes and actions", .success))],
                                      no: Said("Kept"), yesHint: "un-choose", noHint: "keep"))]
            }
            return [.apply(.removeConcern(key: key), saying: Said("“\(existing.label)” un-chosen"))]
        }
        return [.apply(.setConcern(ConcernEntry(key: key, categoryId: category, label: label)),
                       saying: Said("Chosen: now rate it 0 to 9 (1 then 0 for 10), or + and -"))]
    }

    func rate(_ row: Row?, to n: Int, _ s: Session) -> [Command] {
        guard let a = s.assessment else { return [] }
        guard let row else { sayNothingToRate(s); return [] }
        let score = max(0, min(10, n))
        switch row {
        case .item(let c, let id, let label):
            var entry = a.concern(id) ?? ConcernEntry(key: id, categoryId: c, label: label)
            entry.score = score
            return [.apply(.setConcern(entry), saying: Said("“\(label)” rated \(score)", .success))]
        case .ownWords(let k, _):
            guard var entry = a.concern(k) else { return [] }
            entry.score = score
            return [.apply(.setConcern(entry), saying: Said("“\(entry.label)” rated \(score)", .success))]
        case .distress:
            return [.apply(.setDistress(score), saying: Said("Overall distress \(score)" + (s.policy.isSignificant(distress: score) ? ": significant (\(s.policy.distressThreshold) or more)" : ""), .success))]
        case .addOwnWords, .heading:
            sayNothingToRate(s)
            return []
        }
    }

    /// A score typed where there is no concern is not lost without a word.
    func sayNothingToRate(_ s: Session) {
        let noMatch = !filter.isEmpty && !rows(s).contains(where: \.isConcern)
        s.say(noMatch ? "Not rated: no concern matches “\(filter)”. Esc clears the filter"
                      : "Not rated: no concern here. ↑↓ to one, or Enter to add one in their words", .error)
    }

    func adjust(_ row: Row?, by delta: Int, _ s: Session) -> [Command] {
        guard let a = s.assessment else { return [] }
        guard let row else { sayNothingToRate(s); return [] }
        switch row {
        case .item(_, let id, _), .ownWords(let id, _):
            guard let c = a.concern(id) else { s.say("Choose it first (Space), then rate it"); return [] }
            return rate(row, to: (c.score ?? (delta > 0 ? -1 : 1)) + delta, s)
        case .distress:
            return rate(row, to: (a.distressScore ?? (delta > 0 ? -1 : 1)) + delta, s)
        case .addOwnWords, .heading:
            sayNothingToRate(s)
            return []
        }
    }

    mutating func handleAdding(_ key: Key, _ field: inout TextField, _ s: Session) -> [Command] {
        switch key {
        case .escape:
            adding = nil
            s.say(field.text.isEmpty ? "" : "Not added")
            return []
        case .enter:
            let text = TextCleaner.field(field.text, maxLength: Limits.concernText)
            guard !text.isEmpty else { s.say("Type the concern in the patient's words, or Esc", .error); return [] }
            guard let a = s.assessment else { return [] }
            let next = (a.concerns.compactMap { $0.isOwnWords ? Int($0.key.dropFirst(6)) : nil }.max() ?? 0) + 1
            let key = "other-\(next)"
            return [.apply(.setConcern(ConcernEntry(key: key, categoryId: ConcernCatalogue.ownWordsCategory, label: text)))]
        default:
            if case .truncated = field.handle(key) { s.say("A concern is at most \(Limits.concernText) characters: the rest was not added", .error) }
            adding = field
            return []
        }
    }

    func render(into g: inout Grid, _ area: Area, _ s: Session) {
        guard let a = s.assessment else { return }
        let chosen = a.concerns.count
        var header = filter.isEmpty ? " Type to filter" : " Filter: \(filter)"
        header += filter.isEmpty ? "" : "   (Esc clears)"
        g.put(header, x: area.x, y: area.y, style: Style(filter.isEmpty ? .dim : .heading, bold: !filter.isEmpty), maxWidth: area.width)
        let summary = "\(chosen) chosen · distress \(a.distressScore.map(String.init) ?? "--")/10 "
        if DisplayWidth.of(header) + DisplayWidth.of(summary) < area.width {
            g.put(summary, x: area.right - DisplayWidth.of(summary), y: area.y, style: Style(.dim))
        }
        var listBottom = area.bottom
        if adding != nil { listBottom -= 2 }
        let all = rows(s)
        let height = listBottom - area.y - 1
        let firstRow = ScrollWindow.firstVisible(selected: selected, count: all.count, height: height, previousFirst: first, jump: true)
        let scoreW = area.width >= 60 ? 14 : 3
        var y = area.y + 1
        for (i, row) in all.enumerated().dropFirst(firstRow).prefix(height) {
            let isSel = i == selected
            switch row {
            case .heading(let title):
                g.put(" " + title.uppercased(), x: area.x, y: y, style: Style(.heading, bold: true), maxWidth: area.width)
            case .item(_, let id, let label), .ownWords(let id, let label):
                let c = a.concern(id)
                let box = c == nil ? "[ ] " : "[x] "
                let labelW = area.width - 3 - 4 - scoreW - 1
                // Highlighted as Draw.row does: the words, not the whole width.
                let st = isSel ? Style(.selected) : c != nil ? Style(.marked, bold: true) : Style.normal
                g.put("  " + box + DisplayWidth.truncate(label, to: labelW), x: area.x, y: y, style: st)
                if let c {
                    let bar = scoreW >= 14 ? Draw.scoreBar(c.score) : (c.score.map { String(format: "%2d", $0) } ?? "--")
                    g.put(bar, x: area.right - scoreW, y: y, style: isSel ? Style(.selected) : (c.score == nil ? Style(.warning) : Style(.marked)))
                }
            case .addOwnWords:
                Draw.row(&g, "  + Something else (in the patient's own words)", x: area.x, y: y, width: area.width, selected: isSel, style: Style(.dim))
            case .distress:
                let label = "  Overall distress over the past week"
                Draw.row(&g, label, x: area.x, y: y, width: area.width, selected: isSel)
                let bar = scoreW >= 14 ? Draw.scoreBar(a.distressScore) : (a.distressScore.map { String(format: "%2d", $0) } ?? "--")
                g.put(bar, x: area.right - scoreW, y: y, style: isSel ? Style(.selected) : Style(s.policy.hasSignificantDistress(a) ? .warning : .marked))
            }
            y += 1
        }
        if let field = adding {
            let label = " Concern in the patient's words: "
            let lw = min(DisplayWidth.of(label), area.width / 2)
            g.put(DisplayWidth.truncate(label, to: lw), x: area.x, y: listBottom + 1, style: Style(.heading, bold: true))
            field.render(into: &g, x: area.x + lw, y: listBottom + 1, width: area.width - lw - 1, focused: true)
        }
    }

    func keys(_ s: Session) -> [KeyHint] {
        if adding != nil { return [KeyHint("Enter", "add"), KeyHint("Esc", "cancel")] }
        if s.assessment?.isLocked == true { return [KeyHint("↑↓", "move"), KeyHint("a-z", "filter"), KeyHint("Esc", "back")] }
        return [KeyHint("↑↓", "move"), KeyHint("Space", "choose", needs: .completeChecklist), KeyHint("0-9 +-", "rate", needs: .completeChecklist),
                KeyHint("a-z", "filter")]
    }
}
