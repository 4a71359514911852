import Foundation
import Yams

/// The health and wellbeing information a site gives patients (`Resources/information/library.yaml`):
/// leaflets, web pages, courses and events, by topic, each with a short plain summary and where to find it.
public struct InformationLibrary: Sendable, Equatable {
    public struct Topic: Sendable, Equatable {
        public var id: String
        public var label: String
    }

    public enum Format: String, Sendable, CaseIterable, Codable {
        case leaflet, webPage = "web-page", course, event

        /// Courses and events are offered and attended; leaflets and pages are given.
        public var isOccasion: Bool { self == .course || self == .event }
    }

    public struct Item: Sendable, Equatable {
        public var id: String
        public var topics: [String]
        public var title: String
        public var publisher: String
        public var format: Format
        public var audience: String
        public var summary: String
        /// Where to find it: a web address, a leaflet's reference, or a venue and time.
        public var reference: String
    }

    /// True for the file careplan ships: made-up entries for a site to replace with its own.
    public var isExample: Bool
    public var topics: [Topic]
    public var items: [Item]

    public func item(_ id: String) -> Item? { items.first { $0.id == id } }
    public func topic(_ id: String) -> Topic? { topics.first { $0.id == id } }
    public func items(topic: String) -> [Item] { items.filter { $0.topics.contains(topic) } }

    /// Type-to-filter for an information prescription: the items of `topic` (all when nil) whose title,
    /// publisher, summary or topic labels hold every typed word, folded as names are (`SearchKey`), in the
    /// file's order.
    public func items(matching typed: String, topic: String? = nil) -> [Item] {
        let words = SearchKey.of(typed).split(separator: " ")
        return items.filter { item in
            guard topic.map({ item.topics.contains($0) }) ?? true else { return false }
            let text = SearchKey.of(([item.title, item.publisher, item.summary] + item.topics.compactMap { self.topic($0)?.label }).joined(separator: " "))
            return words.allSatisfy { text.contains($0) }
        }
    }

    public static func load(from url: URL, displayPath: String) -> Result<InformationLibrary, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath, parse: parse)
    }

    public static func parse(text: String, displayPath: String) -> Result<InformationLibrary, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath, parse: parse)
    }

    static func parse(_ root: Node, _ r: ConfigReader) -> InformationLibrary? {
        guard let m = r.mapping(root, "the information library", required: ["topics", "items"], optional: ["example"]) else { return nil }
        var isExample = false
        if let n = m["example"] {
            guard let b = n.bool else { r.report(n, "`example` should be yes or no", fix: "write `example: no` once the entries are your own"); return nil }
            isExample = b
        }
        var topics: [Topic] = []
        for n in r.sequence(m, "topics", in: "the information library") {
            guard let t = r.mapping(n, "a topic", required: ["id", "label"]) else { continue }
            let id = r.identifier(t, "id", in: "a topic"), label = r.string(t, "label", in: "a topic")
            if let id, topics.contains(where: { $0.id == id }) { r.report(t["id"], "topic id `\(id)` is used twice", fix: "give each topic its own id") }
            if let id, let label { topics.append(Topic(id: id, label: label)) }
        }
        let topicIds = Set(topics.map(\.id))
        var items: [Item] = []
        let formats = Format.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")
        for n in r.sequence(m, "items", in: "the information library") {
            let w = "an item"
            guard let i = r.mapping(n, w, required: ["id", "topics", "title", "publisher", "format", "audience", "summary", "reference"]) else { continue }
            let id = r.identifier(i, "id", in: w)
            let title = r.string(i, "title", in: w), publisher = r.string(i, "publisher", in: w)
            let audience = r.string(i, "audience", in: w), summary = r.string(i, "summary", in: w), reference = r.string(i, "reference", in: w)
            let itemTopics = r.stringList(i, "topics", in: w)
            for (t, node) in zip(itemTopics, i["topics"]?.sequence.map(Array.init) ?? []) where !topicIds.contains(t) {
                let near = topicIds.min { editDistance($0, t) < editDistance($1, t) }
                r.report(node, "topic `\(t)` of \(id.map { "item `\($0)`" } ?? w) is not listed under `topics`",
                         fix: (near.map { editDistance($0, t) <= 2 ? "did you mean `\($0)`? " : "" } ?? "") + "use a topic id, or add the topic")
            }
            if i["topics"] != nil && itemTopics.isEmpty { r.report(i["topics"], "\(id.map { "item `\($0)`" } ?? w) has no topic", fix: "give it at least one, e.g. `topics: [fatigue]`") }
            var format: Format?
            if let f = r.string(i, "format", in: w) {
                format = Format(rawValue: f)
                if format == nil { r.report(i["format"], "`\(f)` is no format careplan knows", fix: "use \(formats)") }
            }
            if let id, items.contains(where: { $0.id == id }) { r.report(i["id"], "item id `\(id)` is used twice", fix: "give each item its own id (ids are stored with what was given)") }
            if let id, let title, let publisher, let format, let audience, let summary, let reference {
                items.append(Item(id: id, topics: itemTopics, title: title, publisher: publisher, format: format, audience: audience,
                                  summary: summary.trimmingCharacters(in: .whitespacesAndNewlines), reference: reference))
            }
        }
        for t in topics where !items.contains(where: { $0.topics.contains(t.id) }) && r.problems.isEmpty {
            r.report(m["topics"], "topic `\(t.id)` has no item", fix: "add an item with `topics: [\(t.id)]`, or remove the topic")
        }
        return InformationLibrary(isExample: isExample, topics: topics, items: items)
    }
}
