import Foundation
import Yams

/// A value from a list in `Resources/codelists.yaml`. The Swift case is the code stored in the database;
/// its label (and the order the choices are offered in) come from the file.
public protocol Coded: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {
    /// The list's `id` in the file.
    static var listId: String { get }
}

/// The code lists of `Resources/codelists.yaml`, checked against the codes careplan needs.
public struct CodeLists: Sendable, Equatable {
    public struct Code: Sendable, Equatable {
        public var code: String
        public var label: String
        /// A shorter label where space is tight (action owners); the label when the file gives none.
        public var shortLabel: String
    }

    public struct List: Sendable, Equatable {
        public var id: String
        public var title: String
        /// The code system the codes belong to (`http://snomed.info/sct`), for FHIR; nil for COSD and local lists,
        /// which FHIR gets as text (careplan never invents a system).
        public var system: String?
        public var codes: [Code]
        public func code(_ code: String) -> Code? { codes.first { $0.code == code } }
    }

    public var lists: [String: List]

    /// What careplan needs of each list: the codes it stores or derives, and whether the list may hold others
    /// (a national list careplan records only part of) or must hold exactly those (a Swift enum's cases).
    public struct Need: Sendable {
        public var codes: [String]
        public var closed: Bool
        /// A list only a document template names: its absence is the template's problem, said there.
        public var optional = false
    }

    public static let needs: [String: Need] = [
        "hna-offered": Need(codes: [], closed: false),
        "plan-status": Need(codes: Array(Set(AssessmentStatus.allCases.map(\.cosdPlanStatus))).sorted(), closed: false),
        PathwayPoint.listId: need(PathwayPoint.self),
        StaffRole.listId: need(StaffRole.self),
        CompletedBy.listId: need(CompletedBy.self),
        ActionOwner.listId: need(ActionOwner.self),
    ]

    static func need<T: Coded>(_: T.Type) -> Need { Need(codes: T.allCases.map(\.rawValue), closed: true) }

    /// The entry for a value. Loading has checked that every case is listed.
    func entry<T: Coded>(_ value: T) -> Code {
        lists[T.listId]?.code(value.rawValue) ?? Code(code: value.rawValue, label: value.rawValue, shortLabel: value.rawValue)
    }

    public func label<T: Coded>(_ value: T) -> String { entry(value).label }
    public func shortLabel<T: Coded>(_ value: T) -> String { entry(value).shortLabel }

    /// The cases in the order the file lists them: the order choices are offered in.
    public func cases<T: Coded>(_: T.Type) -> [T] { (lists[T.listId]?.codes ?? []).compactMap { T(rawValue: $0.code) } }

    /// The labels of the cases, in that order, for a choice on a form.
    public func labels<T: Coded>(_: T.Type) -> [String] { cases(T.self).map(label) }

    /// `Jo Bloggs`, `GP (Dr Adams)` or the owner's label: who will carry out an action, as plans and screens show it.
    public func ownerDescription(_ action: AgreedAction) -> String {
        let name = action.ownerName
        return name.isEmpty ? label(action.owner) : (action.owner == .other ? name : "\(shortLabel(action.owner)) (\(name))")
    }

    // MARK: - Loading and checking

    public static func load(from url: URL, displayPath: String) -> Result<CodeLists, ConfigErrors> {
        load(from: url, displayPath: displayPath, documentLists: [])
    }

    /// Also accepts the lists that document templates name (`documentLists`): any codes, as the file gives them.
    public static func load(from url: URL, displayPath: String, documentLists: Set<String>) -> Result<CodeLists, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath) { parse($0, $1, needs: needs(documentLists)) }
    }

    /// As `load`, but the lists it could read come back beside the problems, an unknown list among them: the
    /// templates are then still checked against them, so a list misspelt in a template is said there too.
    static func loadKeepingProblems(from url: URL, displayPath: String, documentLists: Set<String>) -> (CodeLists?, [ConfigProblem]) {
        let r = ConfigReader(file: displayPath)
        guard let root = r.root(ofFileAt: url) else { return (nil, r.problems) }
        return (parse(root, r, needs: needs(documentLists), keepUnknown: true), r.problems)
    }

    /// careplan's own lists and those the document templates name.
    static func needs(_ documentLists: Set<String>) -> [String: Need] {
        var all = needs
        for id in documentLists where all[id] == nil { all[id] = Need(codes: [], closed: false, optional: true) }
        return all
    }

    public static func parse(text: String, displayPath: String, documentLists: Set<String>) -> Result<CodeLists, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath) { parse($0, $1, needs: needs(documentLists)) }
    }

    static func parse(_ root: Node, _ r: ConfigReader, needs: [String: Need], keepUnknown: Bool = false) -> CodeLists? {
        guard let m = r.mapping(root, "the code lists", required: ["lists"]) else { return nil }
        var lists: [String: List] = [:]
        var named: Set<String> = []  // lists present, even if broken: not also reported missing
        for n in r.sequence(m, "lists", in: "the code lists") {
            guard let lm = r.mapping(n, "a code list", required: ["id", "title", "codes"], optional: ["system"]),
                  let id = r.identifier(lm, "id", in: "a code list") else { continue }
            named.insert(id)
            guard let title = r.string(lm, "title", in: "a code list") else { continue }
            if needs[id] == nil {
                r.report(lm["id"], "unknown code list `\(id)`",
                         fix: "careplan and its document templates use the lists " + needs.keys.sorted().map { "`\($0)`" }.joined(separator: ", ") + "; remove this one or correct its id")
                if !keepUnknown { continue }
            }
            let need = needs[id] ?? Need(codes: [], closed: false)
            if lists[id] != nil { r.report(lm["id"], "code list `\(id)` is listed twice", fix: "keep one of them"); continue }
            var codes: [Code] = []
            var seen: Set<String> = []
            for cn in r.sequence(lm, "codes", in: "the list `\(id)`") {
                guard let cm = r.mapping(cn, "a code of `\(id)`", required: ["code", "label"], optional: ["short-label"]),
                      let code = r.string(cm, "code", in: "a code of `\(id)`"), let label = r.string(cm, "label", in: "a code of `\(id)`") else { continue }
                let short = r.string(cm, "short-label", in: "a code of `\(id)`") ?? label
                if !seen.insert(code).inserted {
                    r.report(cm["code"], "code `\(code)` is listed twice in `\(id)`", fix: "keep one entry per code")
                    continue
                }
                if need.closed && !need.codes.contains(code) {
                    r.report(cm["code"], "unknown code `\(code)` in `\(id)`: careplan cannot record it",
                             fix: "codes of `\(id)` are " + need.codes.map { "`\($0)`" }.joined(separator: ", ") + "; remove it or correct it")
                    continue
                }
                codes.append(Code(code: code, label: label, shortLabel: short))
            }
            for code in need.codes where !seen.contains(code) {
                r.report(lm["codes"], "the list `\(id)` has no code `\(code)`, which careplan needs",
                         fix: "add `- { code: \"\(code)\", label: ... }`")
            }
            lists[id] = List(id: id, title: title, system: r.string(lm, "system", in: "the list `\(id)`", required: false), codes: codes)
        }
        for id in needs.keys.sorted() where !named.contains(id) && needs[id]?.optional != true {
            r.report(m["lists"], "there is no code list `\(id)`, which careplan needs", fix: "add a list with `id: \(id)`")
        }
        return CodeLists(lists: lists)
    }
}
