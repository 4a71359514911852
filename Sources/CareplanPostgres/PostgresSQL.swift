import Foundation

/// The shared SQL as PostgreSQL takes it: placeholders numbered `$n`, and scripts cut into single statements
/// (the extended protocol takes one statement at a time). Both walk the text with one scanner that leaves
/// quoted strings, quoted names, comments and dollar-quoted bodies alone.
public enum PostgresSQL {
    /// `?` (in order), `?NNN` (numbered from 1) and `:name` become `$n`; `placeholders[n - 1]` is the one each
    /// stands for (as written: `?`, `?2`, `:name`). `?2` or `:name` used twice take one number; `::` casts stay.
    public static func numbered(_ sql: String) -> (sql: String, placeholders: [String]) {
        var out = "", placeholders: [String] = []
        func number(_ placeholder: String) -> Int {
            if placeholder != "?", let index = placeholders.firstIndex(of: placeholder) { return index + 1 }
            placeholders.append(placeholder)
            return placeholders.count
        }
        for piece in pieces(sql) {
            guard piece.kind == .code else { out += piece.text; continue }
            let chars = Array(piece.text)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c == ":" && i + 1 < chars.count && chars[i + 1] == ":" {
                    out += "::"; i += 2
                    while i < chars.count && isNameCharacter(chars[i]) { out.append(chars[i]); i += 1 }    // the type's name
                } else if c == ":" && i + 1 < chars.count && isNameStart(chars[i + 1]) && !(i > 0 && isNameCharacter(chars[i - 1])) {
                    var j = i + 1
                    while j < chars.count && isNameCharacter(chars[j]) { j += 1 }
                    out += "$\(number(":" + String(chars[(i + 1)..<j])))"
                    i = j
                } else if c == "?" {
                    var j = i + 1
                    while j < chars.count && chars[j].isASCII && chars[j].isNumber { j += 1 }
                    out += "$\(number(String(chars[i..<j])))"
                    i = j
                } else {
                    out.append(c); i += 1
                }
            }
        }
        return (out, placeholders)
    }

    /// A script's statements, cut at the semicolons that are code, trimmed; statements of comments alone are left out.
    public static func statements(_ script: String) -> [String] {
        var statements: [String] = [], current = "", meaningful = false
        func finish() {
            let text = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if meaningful && !text.isEmpty { statements.append(text) }
            current = ""; meaningful = false
        }
        for piece in pieces(script) {
            switch piece.kind {
            case .comment: current += piece.text
            case .literal: current += piece.text; meaningful = true
            case .code:
                for c in piece.text {
                    if c == ";" { finish() } else { current.append(c); if !c.isWhitespace { meaningful = true } }
                }
            }
        }
        finish()
        return statements
    }

    struct Piece: Equatable { enum Kind { case code, literal, comment }; var kind: Kind; var text: String }

    /// The text cut into code and the parts to leave alone: '…' strings, "…" names, -- and /* */ comments, $tag$…$tag$ bodies.
    static func pieces(_ sql: String) -> [Piece] {
        let chars = Array(sql)
        var result: [Piece] = [], code = "", i = 0
        func opaque(_ kind: Piece.Kind, to end: Int) {
            if !code.isEmpty { result.append(Piece(kind: .code, text: code)); code = "" }
            result.append(Piece(kind: kind, text: String(chars[i..<end])))
            i = end
        }
        func closing(_ quote: Character, from start: Int) -> Int {    // '' and "" inside are the quote itself: scanning on works
            var j = start
            while j < chars.count && chars[j] != quote { j += 1 }
            return min(j + 1, chars.count)
        }
        while i < chars.count {
            let c = chars[i], next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if c == "'" || c == "\"" {
                opaque(.literal, to: closing(c, from: i + 1))
            } else if c == "-" && next == "-" {
                var j = i
                while j < chars.count && !chars[j].isNewline { j += 1 }
                opaque(.comment, to: j)
            } else if c == "/" && next == "*" {
                var j = i + 2, depth = 1    // PostgreSQL's block comments nest
                while j < chars.count && depth > 0 {
                    if chars[j] == "*" && j + 1 < chars.count && chars[j + 1] == "/" { depth -= 1; j += 2 }
                    else if chars[j] == "/" && j + 1 < chars.count && chars[j + 1] == "*" { depth += 1; j += 2 }
                    else { j += 1 }
                }
                opaque(.comment, to: j)
            } else if c == "$" && !(i > 0 && isNameCharacter(chars[i - 1])), let tagEnd = dollarTagEnd(chars, from: i) {
                let tag = chars[i...tagEnd]
                var j = tagEnd + 1
                while j < chars.count && !(chars[j] == "$" && chars[j...].starts(with: tag)) { j += 1 }
                opaque(.literal, to: min(j + tag.count, chars.count))
            } else {
                code.append(c); i += 1
            }
        }
        if !code.isEmpty { result.append(Piece(kind: .code, text: code)) }
        return result
    }

    /// The index of the closing `$` of a dollar-quote tag starting at `start` (`$$`, `$body$`), or nil (`$1` is a parameter).
    private static func dollarTagEnd(_ chars: [Character], from start: Int) -> Int? {
        var j = start + 1
        if j < chars.count && chars[j] == "$" { return j }
        guard j < chars.count && isNameStart(chars[j]) else { return nil }
        while j < chars.count && isNameCharacter(chars[j]) && chars[j] != "$" { j += 1 }
        return j < chars.count && chars[j] == "$" ? j : nil
    }

    private static func isNameStart(_ c: Character) -> Bool { c == "_" || c.isLetter }
    private static func isNameCharacter(_ c: Character) -> Bool { c == "_" || c == "$" || c.isLetter || c.isNumber }
}
