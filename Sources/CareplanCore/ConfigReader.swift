import CYaml  // Yams's libyaml, for its scanner: Yams keeps it internal
import Foundation
import Yams

/// A problem in a hand-edited file, said so that whoever edits it can fix it: where, what, and how.
public struct ConfigProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var fix: String

    public init(file: String, line: Int, column: Int, message: String, fix: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.fix = fix
    }

    /// `file:line:column: message`; a problem with the whole file (line 0: missing, unreadable) names the file alone.
    public var description: String { (line > 0 ? "\(file):\(line):\(column)" : file) + ": \(message)" + (fix.isEmpty ? "" : ". Fix: \(fix)") }
}

/// The problems found in one or more files; start-up refuses to run with any.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]
    public init(_ problems: [ConfigProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Walks a YAML document and collects every problem instead of stopping at the first, keeping the line
/// and column of each node so messages can point at them.
final class ConfigReader {
    let file: String
    private(set) var problems: [ConfigProblem] = []

    init(file: String) { self.file = file }

    /// Where a document comes from: a file, or text (tests, and files already read).
    enum Source {
        case file(URL)
        case text(String)
    }

    /// Reads a document and parses it with `parse`, which reports problems as it goes; the value is
    /// returned only if there were none.
    static func load<T>(_ source: Source, displayPath: String, parse: (Node, ConfigReader) -> T?) -> Result<T, ConfigErrors> {
        let r = ConfigReader(file: displayPath)
        let root: Node?
        switch source {
        case .file(let url): root = r.root(ofFileAt: url)
        case .text(let text): root = r.root(ofText: text)
        }
        guard let root else { return .failure(ConfigErrors(r.problems)) }
        let value = parse(root, r)
        if let value, r.problems.isEmpty { return .success(value) }
        return .failure(ConfigErrors(r.problems))
    }

    /// Parses the file; a syntax error becomes a problem at its line.
    func root(ofFileAt url: URL) -> Node? {
        let text: String
        do {
            let data = try Data(contentsOf: url)
            guard let decoded = String(data: data, encoding: .utf8) else {
                report(line: 1, column: 1, "the file is not UTF-8 text", fix: "save it as UTF-8")
                return nil
            }
            text = decoded
        } catch {
            report(line: 0, column: 0, "cannot read the file (\(error.localizedDescription))", fix: "check that it exists and is readable")
            return nil
        }
        return root(ofText: text)
    }

    func root(ofText text: String) -> Node? {
        if let found = Self.anchorOrAlias(in: text) {
            report(line: found.line, column: found.column,
                   "YAML \(found.isAlias ? "alias (`*name`)" : "anchor (`&name`)"): careplan's files do not use anchors or aliases, which can make a small file expand without end",
                   fix: "write the repeated part out in full where it is needed, and remove the `&` and `*` names")
            return nil
        }
        do {
            guard let node = try Yams.compose(yaml: text, .basic) else {  // every value text until read as a number or yes/no
                report(line: 1, column: 1, "the file is empty", fix: "see the other files in the same folder for the expected layout")
                return nil
            }
            return node
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                report(line: mark.line, column: mark.column, "YAML syntax: \(problem)", fix: "check indentation and quoting on this line and the one before")
            default:
                report(line: 1, column: 1, "YAML syntax: \(error)", fix: "check the file is valid YAML")
            }
            return nil
        } catch {
            report(line: 1, column: 1, "YAML syntax: \(error)", fix: "check the file is valid YAML")
            return nil
        }
    }

    /// The first anchor or alias in `text`, found by libyaml's scanner: tokens only, before anything composes
    /// the document (composing, or any walk of what it made, is where a "billion laughs" file expands).
    /// Nil if there is none, or the text stops scanning (composing then reports the syntax error).
    static func anchorOrAlias(in text: String) -> (line: Int, column: Int, isAlias: Bool)? {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var token = yaml_token_t()
            while yaml_parser_scan(&parser, &token) == 1 {
                let type = token.type, mark = token.start_mark
                yaml_token_delete(&token)
                if type == YAML_ANCHOR_TOKEN || type == YAML_ALIAS_TOKEN {
                    return (Int(mark.line) + 1, Int(mark.column) + 1, type == YAML_ALIAS_TOKEN)
                }
                if type == YAML_STREAM_END_TOKEN { return nil }
            }
            return nil
        }
    }

    func report(_ node: Node?, _ message: String, fix: String) {
        report(line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, message, fix: fix)
    }

    func report(line: Int, column: Int, _ message: String, fix: String) {
        problems.append(ConfigProblem(file: file, line: line, column: column, message: message, fix: fix))
    }

    /// The node as a mapping, checking that it has only `allowed` keys and all `required` ones.
    func mapping(_ node: Node, _ what: String, required: [String], optional: [String] = []) -> Fields? {
        guard let m = node.mapping else {
            report(node, "\(what) should be a mapping of keys to values", fix: "write it as `key: value` lines")
            return nil
        }
        let allowed = Set(required + optional)
        for (key, _) in m {
            let k = key.string ?? ""
            if !allowed.contains(k) {
                let suggestion = allowed.min { editDistance($0, k) < editDistance($1, k) }
                let hint = suggestion.map { editDistance($0, k) <= 2 ? "did you mean `\($0)`? " : "" } ?? ""
                report(key, "unknown key `\(k)` in \(what)",
                       fix: hint + "allowed keys are " + allowed.sorted().map { "`\($0)`" }.joined(separator: ", "))
            }
        }
        let fields = Fields(m)
        for k in required where fields[k] == nil {
            report(node, "\(what) has no `\(k)`", fix: "add `\(k): ...`")
        }
        return fields
    }

    /// A required or optional scalar string; an empty required value is a problem.
    func string(_ m: Fields, _ key: String, in what: String, required: Bool = true) -> String? {
        guard let node = m[key] else { return nil }  // missing required keys are reported by mapping()
        guard let s = node.scalar?.string else {
            report(node, "`\(key)` in \(what) should be text", fix: "write `\(key): some text`")
            return nil
        }
        if required && s.trimmingCharacters(in: .whitespaces).isEmpty {
            report(node, "`\(key)` in \(what) is empty", fix: "give it a value")
            return nil
        }
        return s
    }

    /// An identifier: lower-case letters, digits and hyphens, as used in references between files.
    func identifier(_ m: Fields, _ key: String, in what: String) -> String? {
        guard let s = string(m, key, in: what) else { return nil }
        let ok = s.first?.isLetter == true && s.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
        if !ok {
            report(m[key], "`\(s)` is not a valid id", fix: "use lower-case letters, digits and hyphens, starting with a letter, e.g. `sleep-problems`")
            return nil
        }
        return s
    }

    func sequence(_ m: Fields, _ key: String, in what: String) -> [Node] {
        guard let node = m[key] else { return [] }
        guard let seq = node.sequence else {
            report(node, "`\(key)` in \(what) should be a list", fix: "write each entry on its own line starting with `- `")
            return []
        }
        return Array(seq)
    }

    func stringList(_ m: Fields, _ key: String, in what: String) -> [String] {
        guard let node = m[key] else { return [] }
        guard let seq = node.sequence else {
            report(node, "`\(key)` in \(what) should be a list", fix: "write it as `[a, b]`")
            return []
        }
        return seq.compactMap { n in
            guard let s = n.scalar?.string else { report(n, "entries of `\(key)` should be text", fix: "write plain words"); return nil }
            return s
        }
    }
}

/// A mapping's values by key. Yams's own `Mapping[key]` compares whole nodes for every lookup, which made
/// reading the catalogue a third of careplan's start-up. (The parser has already refused duplicate keys.)
struct Fields {
    private var values: [String: Node] = [:]
    init(_ mapping: Node.Mapping) {
        for (key, value) in mapping { if let k = key.string { values[k] = value } }
    }
    subscript(key: String) -> Node? { values[key] }
}

/// Levenshtein distance, for "did you mean" suggestions on misspelt keys and ids.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    for i in 1...a.count {
        var cur = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        prev = cur
    }
    return prev[b.count]
}

extension Node {
    /// The line of this node, for references made after loading (e.g. a flow naming an unknown screen).
    var line: Int { mark?.line ?? 0 }
}
