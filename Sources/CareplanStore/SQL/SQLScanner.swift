import Foundation

/// SQL text cut into code and the parts no rewrite may touch: '…' literals, "…" names, -- and /* */ comments,
/// and $tag$…$tag$ bodies. For translating DDL, splitting scripts and rewriting placeholders.
public enum SQLScanner {
    public enum Piece: Equatable, Sendable {
        case code(String)
        /// A literal, quoted name, comment or dollar-quoted body, as written (quotes included).
        case quoted(String)
    }

    public static func pieces(_ sql: String) -> [Piece] {
        let s = Array(sql.unicodeScalars)
        var pieces: [Piece] = []
        var code = String.UnicodeScalarView()
        var i = 0
        func flushCode() {
            if !code.isEmpty { pieces.append(.code(String(code))); code = String.UnicodeScalarView() }
        }
        func quoted(_ from: Int, _ to: Int) {
            flushCode()
            pieces.append(.quoted(String(String.UnicodeScalarView(s[from..<min(to, s.count)]))))
        }
        while i < s.count {
            let c = s[i]
            let next: Unicode.Scalar? = i + 1 < s.count ? s[i + 1] : nil
            if c == "'" || c == "\"" {
                var j = i + 1
                while j < s.count {
                    if s[j] == c {
                        if j + 1 < s.count && s[j + 1] == c { j += 2; continue }  // '' inside
                        break
                    }
                    j += 1
                }
                quoted(i, j + 1)
                i = j + 1
            } else if c == "-" && next == "-" {
                var j = i
                while j < s.count && s[j] != "\n" { j += 1 }
                quoted(i, j)
                i = j
            } else if c == "/" && next == "*" {
                // Nested, as PostgreSQL reads them (SQLite ends at the first */; careplan's SQL nests none).
                var j = i + 2, depth = 1
                while j + 1 < s.count && depth > 0 {
                    if s[j] == "/" && s[j + 1] == "*" { depth += 1; j += 2 }
                    else if s[j] == "*" && s[j + 1] == "/" { depth -= 1; j += 2 }
                    else { j += 1 }
                }
                if depth > 0 { j = s.count }
                quoted(i, j)
                i = j
            } else if c == "$", let tagEnd = dollarTagEnd(s, i) {
                let tag = Array(s[i...tagEnd])
                var j = tagEnd + 1
                while j < s.count && !(s[j] == "$" && j + tag.count <= s.count && Array(s[j..<j + tag.count]) == tag) { j += 1 }
                quoted(i, j + tag.count)
                i = j + tag.count
            } else {
                code.append(c)
                i += 1
            }
        }
        flushCode()
        return pieces
    }

    /// `$$` or `$tag$` starting at `i` (a tag never starts with a digit, so `$1` is a placeholder): where it ends.
    static func dollarTagEnd(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        var j = i + 1
        while j < s.count, s[j] == "_" || s[j].properties.isAlphabetic || (j > i + 1 && ("0"..."9").contains(s[j])) { j += 1 }
        return j < s.count && s[j] == "$" ? j : nil
    }

    /// The statements of a script, without their semicolons; blank ones, and ones of comments alone (which
    /// PostgreSQL answers with an empty query), dropped.
    public static func statements(_ script: String) -> [String] {
        var statements: [String] = []
        var current = "", hasCode = false
        func end() {
            if hasCode { statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines)) }
            current = ""
            hasCode = false
        }
        for piece in pieces(script) {
            switch piece {
            case .quoted(let q):
                current += q
                hasCode = hasCode || !(q.hasPrefix("--") || q.hasPrefix("/*"))
            case .code(let c):
                let parts = c.split(separator: ";", omittingEmptySubsequences: false)
                for (k, part) in parts.enumerated() {
                    current += part
                    hasCode = hasCode || part.contains { !$0.isWhitespace }
                    if k < parts.count - 1 { end() }
                }
            }
        }
        end()
        return statements
    }

    /// `sql` with `transform` applied to its code only.
    public static func mapCode(_ sql: String, _ transform: (String) -> String) -> String {
        pieces(sql).map { piece in
            switch piece {
            case .code(let c): return transform(c)
            case .quoted(let q): return q
            }
        }.joined()
    }
}
