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
                var j = i + 2
                while j + 1 < s.count && !(s[j] == "*" && s[j + 1] == "/") { j += 1 }
                quoted(i, j + 2)
                i = j + 2
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

    /// The statements of a script, without their semicolons, blank ones dropped.
    public static func statements(_ script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        for piece in pieces(script) {
            switch piece {
            case .quoted(let q): current += q
            case .code(let c):
                let parts = c.split(separator: ";", omittingEmptySubsequences: false)
                for (k, part) in parts.enumerated() {
                    current += part
                    if k < parts.count - 1 { statements.append(current); current = "" }
                }
            }
        }
        statements.append(current)
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
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
