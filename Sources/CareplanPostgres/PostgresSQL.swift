import CareplanStore
import Foundation
import PostgresNIO

/// The shared SQL's placeholders as PostgreSQL's `$n`, with their values bound. It walks `SQLScanner`'s pieces,
/// so quoted strings, quoted names, comments and dollar-quoted bodies are left alone.
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
        for piece in SQLScanner.pieces(sql) {
            guard case .code(let code) = piece else {
                if case .quoted(let text) = piece { out += text }
                continue
            }
            let chars = Array(code)
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

    /// One statement with its values bound by type (bigint, double precision, text, bytea; NULL untyped).
    public static func query(_ sql: String, _ arguments: StatementArguments) throws -> PostgresQuery {
        let (text, placeholders) = numbered(sql)
        var binds = PostgresBindings(capacity: placeholders.count)
        var next = 0
        for placeholder in placeholders {
            guard let value = arguments.value(for: placeholder, next: &next) else {
                throw MissingValue(description: "no value given for the placeholder \(placeholder)")
            }
            if value == .null { binds.appendNull() } else { binds.append(value) }
        }
        return PostgresQuery(unsafeSQL: text, binds: binds)
    }

    public struct MissingValue: Error, CustomStringConvertible { public let description: String }

    private static func isNameStart(_ c: Character) -> Bool { c == "_" || c.isLetter }
    private static func isNameCharacter(_ c: Character) -> Bool { c == "_" || c == "$" || c.isLetter || c.isNumber }
}
