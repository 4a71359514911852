import Foundation
import Yams

/// Tumour site groups (Resources/tumour-sites.yaml): which group a patient's ICD-10 diagnosis falls in, by its
/// three-character category. Reports group by these; the store only hands over the category.
public struct TumourSites: Sendable, Equatable {
    public struct Site: Sendable, Equatable {
        public var id: String
        public var name: String
        /// Inclusive ranges of categories ("C18"..."C21").
        public var ranges: [ClosedRange<String>]
    }

    public var sites: [Site]
    /// The group of patients with no diagnosis code, and of codes no range holds.
    public var notCoded: String
    public var other: String

    public init(sites: [Site], notCoded: String = "Not coded", other: String = "Other") {
        self.sites = sites
        self.notCoded = notCoded
        self.other = other
    }

    /// The group's name for an ICD-10 code or category ("C50.4", "c50", ""), as reports show it.
    public func name(forCode code: String) -> String {
        guard let category = Self.category(code) else { return notCoded }
        return sites.first { s in s.ranges.contains { $0.contains(category) } }?.name ?? other
    }

    /// Every group's name, in the file's order, then Other and Not coded: the order of a report's rows.
    public var names: [String] { sites.map(\.name) + [other, notCoded] }

    /// "C50" from "c50.4" or "C50X"; nil for anything that does not start with a letter and two digits.
    public static func category(_ code: String) -> String? {
        let c = Array(code.trimmingCharacters(in: .whitespaces).uppercased().prefix(3))
        guard c.count == 3, c[0].isASCII, c[0].isLetter, c[1].isASCII, c[1].isNumber, c[2].isASCII, c[2].isNumber else { return nil }
        return String(c)
    }

    public static func load(from url: URL, displayPath: String) -> Result<TumourSites, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath, parse: parse)
    }

    public static func parse(text: String, displayPath: String) -> Result<TumourSites, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath, parse: parse)
    }

    static func parse(_ root: Node, _ r: ConfigReader) -> TumourSites? {
        guard let m = r.mapping(root, "the tumour sites", required: ["sites", "not-coded", "other"]) else { return nil }
        let notCoded = r.string(m, "not-coded", in: "the tumour sites"), other = r.string(m, "other", in: "the tumour sites")
        var sites: [Site] = [], ok = true
        var owner: [(ClosedRange<String>, String)] = []
        for node in r.sequence(m, "sites", in: "the tumour sites") {
            guard let sm = r.mapping(node, "a tumour site", required: ["id", "name", "icd10"]),
                  let id = r.identifier(sm, "id", in: "a tumour site"), let name = r.string(sm, "name", in: "the tumour site `\(id)`") else { ok = false; continue }
            if sites.contains(where: { $0.id == id }) { r.report(sm["id"], "the tumour site `\(id)` is listed twice", fix: "give each site its own id"); ok = false }
            if [notCoded, other].contains(name) || sites.contains(where: { $0.name == name }) {
                r.report(sm["name"], "the name `\(name)` is used twice", fix: "give each group its own name"); ok = false
            }
            var ranges: [ClosedRange<String>] = []
            let words = r.stringList(sm, "icd10", in: "the tumour site `\(id)`")
            if words.isEmpty { r.report(sm["icd10"], "the tumour site `\(id)` has no ICD-10 categories", fix: "e.g. `icd10: [C50]`"); ok = false }
            for word in words {
                let ends = word.split(separator: "-", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
                let parsed = ends.map { e in e.count == 3 ? Self.category(e).flatMap { $0 == e ? $0 : nil } : nil }
                guard (1...2).contains(ends.count), let low = parsed.first ?? nil, let high = parsed.last ?? nil, low.first == high.first, low <= high else {
                    r.report(sm["icd10"], "`\(word)` in the tumour site `\(id)` is not an ICD-10 category (C50) or range (C18-C21)",
                             fix: "write a capital letter and two digits, or two such with the lower first, joined by -"); ok = false
                    continue
                }
                let range = low...high
                if let clash = owner.first(where: { $0.0.overlaps(range) }) {
                    r.report(sm["icd10"], "`\(word)` in the tumour site `\(id)` overlaps `\(clash.0.lowerBound)-\(clash.0.upperBound)` of `\(clash.1)`",
                             fix: "put each category in one site only"); ok = false
                }
                owner.append((range, id))
                ranges.append(range)
            }
            sites.append(Site(id: id, name: name, ranges: ranges))
        }
        guard ok, let notCoded, let other else { return nil }
        if notCoded == other { r.report(m["other"], "`other` and `not-coded` have the same name", fix: "e.g. `other: Other`"); return nil }
        return TumourSites(sites: sites, notCoded: notCoded, other: other)
    }
}
