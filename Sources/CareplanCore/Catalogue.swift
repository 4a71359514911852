import Foundation
import Yams

/// A concerns checklist: categories of items a patient may choose and rate 0 to 10.
/// Versioned data in `Resources/catalogues/`, so trusts can use their own variants.
public struct ConcernCatalogue: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var id: String
        public var label: String
        /// Plainer words for patients completing it themselves; the label when absent.
        public var plain: String
    }
    public struct Category: Sendable, Equatable {
        public var id: String
        public var title: String
        /// Lifestyle and information needs are part of the plan, not concerns to rate.
        public var isInformation: Bool
        public var items: [Item]
    }

    public var id: String
    public var version: String
    public var title: String
    public var categories: [Category]

    public var allItems: [(category: Category, item: Item)] {
        categories.flatMap { c in c.items.map { (c, $0) } }
    }

    public func item(_ id: String) -> (category: Category, item: Item)? {
        for c in categories { if let i = c.items.first(where: { $0.id == id }) { return (c, i) } }
        return nil
    }

    public func category(_ id: String) -> Category? { categories.first { $0.id == id } }

    /// The category id of concerns in the patient's own words, and how screens and plans title them.
    public static let ownWordsCategory = "other"
    public static let ownWordsTitle = "In the patient's own words"

    /// The heading a concern is shown under: its category's title, or the own-words heading.
    public func categoryTitle(of concern: ConcernEntry) -> String {
        if concern.isOwnWords || concern.categoryId == Self.ownWordsCategory { return Self.ownWordsTitle }
        return category(concern.categoryId)?.title ?? concern.categoryId
    }

    public static func load(from url: URL, displayPath: String) -> Result<ConcernCatalogue, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath, parse: parse)
    }

    public static func parse(text: String, displayPath: String) -> Result<ConcernCatalogue, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath, parse: parse)
    }

    static func parse(_ root: Node, _ r: ConfigReader) -> ConcernCatalogue? {
        guard let m = r.mapping(root, "the catalogue", required: ["id", "version", "title", "categories"]) else { return nil }
        let id = r.identifier(m, "id", in: "the catalogue")
        let version = r.string(m, "version", in: "the catalogue")
        let title = r.string(m, "title", in: "the catalogue")
        var categories: [Category] = []
        var seenItems: [String: Int] = [:]
        var seenCategories: Set<String> = []
        let categoryNodes = r.sequence(m, "categories", in: "the catalogue")
        if m["categories"] != nil && categoryNodes.isEmpty {
            r.report(m["categories"], "the catalogue has no categories", fix: "add at least one category with items")
        }
        for cn in categoryNodes {
            guard let cm = r.mapping(cn, "a category", required: ["id", "title", "items"], optional: ["information"]) else { continue }
            let cid = r.identifier(cm, "id", in: "a category")
            let ctitle = r.string(cm, "title", in: "a category")
            if let cid, !seenCategories.insert(cid).inserted {
                r.report(cm["id"], "category id `\(cid)` is used twice", fix: "give each category its own id")
            }
            var info = false
            if let n = cm["information"] {
                if let b = n.bool { info = b } else { r.report(n, "`information` should be true or false", fix: "write `information: true`") }
            }
            var items: [Item] = []
            let itemNodes = r.sequence(cm, "items", in: "category `\(cid ?? "?")`")
            if cm["items"] != nil && itemNodes.isEmpty {
                r.report(cm["items"], "category `\(cid ?? "?")` has no items", fix: "add items, or remove the category")
            }
            for itn in itemNodes {
                guard let im = r.mapping(itn, "an item", required: ["id", "label"], optional: ["plain"]) else { continue }
                let iid = r.identifier(im, "id", in: "an item")
                let label = r.string(im, "label", in: "an item")
                let plain = r.string(im, "plain", in: "an item", required: false)
                if let iid {
                    if let first = seenItems[iid] {
                        r.report(im["id"], "item id `\(iid)` is used twice (first on line \(first))", fix: "give each item its own id: saved assessments refer to items by id")
                    } else { seenItems[iid] = itn.line }
                }
                if let label, label.count > Limits.concernText {
                    r.report(im["label"], "the label is longer than \(Limits.concernText) characters", fix: "shorten it")
                }
                if let iid, let label { items.append(Item(id: iid, label: label, plain: plain ?? label)) }
            }
            if let cid, let ctitle { categories.append(Category(id: cid, title: ctitle, isInformation: info, items: items)) }
        }
        guard let id, let version, let title else { return nil }
        return ConcernCatalogue(id: id, version: version, title: title, categories: categories)
    }
}

/// Local and national services a patient can be signposted or referred to (`Resources/services.yaml`).
public struct ServiceDirectory: Sendable, Equatable {
    public struct Service: Sendable, Equatable {
        public var id: String
        public var name: String
        public var description: String
        public var contact: String
        /// Catalogue category or item ids this service helps with, to offer it first for those concerns.
        public var helpsWith: [String]
    }
    public var services: [Service]

    public func service(_ id: String) -> Service? { services.first { $0.id == id } }

    /// Services that help with a concern first (by item, then by category), then the rest by name.
    public func ranked(forItem item: String, category: String) -> [Service] {
        func score(_ s: Service) -> Int { s.helpsWith.contains(item) ? 0 : s.helpsWith.contains(category) ? 1 : 2 }
        return services.sorted { (score($0), $0.name) < (score($1), $1.name) }
    }

    public static func load(from url: URL, displayPath: String) -> Result<ServiceDirectory, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath, parse: parse)
    }

    static func parse(_ root: Node, _ r: ConfigReader) -> ServiceDirectory? {
        guard let m = r.mapping(root, "the service directory", required: ["services"]) else { return nil }
        var seen: Set<String> = []
        var services: [Service] = []
        for n in r.sequence(m, "services", in: "the service directory") {
            guard let sm = r.mapping(n, "a service", required: ["id", "name", "contact"], optional: ["description", "helps-with"]) else { continue }
            let id = r.identifier(sm, "id", in: "a service")
            let name = r.string(sm, "name", in: "a service")
            let contact = r.string(sm, "contact", in: "a service")
            let description = r.string(sm, "description", in: "a service", required: false) ?? ""
            let helps = r.stringList(sm, "helps-with", in: "a service")
            if let id, !seen.insert(id).inserted { r.report(sm["id"], "service id `\(id)` is used twice", fix: "give each service its own id") }
            if let id, let name, let contact {
                services.append(Service(id: id, name: name, description: description, contact: contact, helpsWith: helps))
            }
        }
        return ServiceDirectory(services: services)
    }
}

/// An assessment's concerns as a plan lists them: the one place that decides it, for the review screen and
/// every export. A lifestyle or information item the patient rated is a concern like any other (it is
/// listed with its score); only an unrated one is an information topic.
public struct PlanConcerns: Sendable, Equatable {
    /// Every rated concern and every chosen checklist concern, in care-planning order.
    public var concerns: [ConcernEntry]
    /// The concerns chosen for the conversation, in order.
    public var discussed: [ConcernEntry]
    /// Lifestyle and information topics raised without a score.
    public var information: [ConcernEntry]

    public init(_ assessment: Assessment, catalogue: ConcernCatalogue?) {
        let ordered = assessment.prioritisedConcerns
        func isTopic(_ c: ConcernEntry) -> Bool { c.score == nil && catalogue?.category(c.categoryId)?.isInformation == true }
        concerns = ordered.filter { !isTopic($0) }
        discussed = concerns.filter(\.discuss)
        information = ordered.filter(isTopic)
    }
}
