import Foundation
import Yams

/// What a flow file may say about one kind of screen. The screen kinds are code: the application's registry
/// (CareplanScreens.ScreenRegistry) gives one of these per kind, and the loader checks each flow against them.
public struct ScreenKindSpec: Sendable, Equatable {
    /// Which flows may name the kind: a kiosk flow can never lead a patient into a clinician's screen.
    public enum Mode: String, Sendable, Equatable { case clinician, kiosk, any }
    /// What must be open before the screen can be: nothing, a patient, or an assessment.
    public enum Needs: String, Sendable, Equatable { case nothing, patient, assessment, document }
    /// A named way off the screen (`open`, `new`, `back`, ...) and the key that takes it. A flow maps each exit
    /// to one of its screens; a required one must be mapped, an optional one left out is refused with a word.
    public struct Exit: Sendable, Equatable {
        public var name: String
        public var key: String
        public var required: Bool
        public static func required(_ name: String, _ key: String) -> Exit { Exit(name: name, key: key, required: true) }
        public static func optional(_ name: String, _ key: String) -> Exit { Exit(name: name, key: key, required: false) }
    }

    public var id: String
    public var mode: Mode
    public var needs: Needs
    public var exits: [Exit]
    /// The application opens it itself (the kiosk's staff PIN, Ctrl-X): every flow of its mode must have one.
    public var inEveryFlow: Bool

    public init(id: String, mode: Mode, needs: Needs, exits: [Exit], inEveryFlow: Bool = false) {
        self.id = id
        self.mode = mode
        self.needs = needs
        self.exits = exits
        self.inEveryFlow = inEveryFlow
    }

    public func allowed(in flow: Flow.Mode) -> Bool { mode == .any || mode.rawValue == flow.rawValue }
}

/// A flow of screens as data (`Screens/*.yaml`): which screens, their titles and help, and where each
/// leads. The screen kinds themselves are code; a flow names the ones it uses and the loader checks them.
public struct Flow: Sendable, Equatable {
    public struct Screen: Sendable, Equatable {
        public var id: String
        public var kind: String
        public var title: String
        /// One line under the title saying what this screen is for.
        public var hint: String
        /// The fuller help shown on F1 or `?`.
        public var help: String
        /// Where each of the screen's exits leads: exit name to screen id (`open: record`). `next` and `back`
        /// are exits too: the step keys (Ctrl-N, Ctrl-P) take them.
        public var exits: [String: String]
        public var next: String? { exits["next"] }
        public var back: String? { exits["back"] }
        /// Shown in the step bar (checklist, prioritise, ...) when true.
        public var step: Bool
        /// The name in the step bar, where the title is too long for 80 columns.
        public var stepName: String
    }

    /// Who the flow is for: a clinician at a ward terminal, or a patient at a public kiosk (which cannot be
    /// left without the staff PIN and returns to its welcome when idle).
    public enum Mode: String, Sendable, Equatable, CaseIterable { case clinician, kiosk }

    /// Numbers a flow may set, with their defaults.
    public enum Setting: String, CaseIterable, Sendable {
        /// Kiosk: seconds without a key before the answers are saved and the kiosk returns to its welcome.
        case idleSeconds = "idle-seconds"
        /// Kiosk: how long before that the "are you still there?" warning shows.
        case idleWarningSeconds = "idle-warning-seconds"
        /// Clinician: how long a kiosk code issued from a patient's record stays valid.
        case kioskCodeHours = "kiosk-code-hours"

        public var defaultValue: Int {
            switch self {
            case .idleSeconds: return 180
            case .idleWarningSeconds: return 30
            case .kioskCodeHours: return 24
            }
        }
    }

    public var id: String
    public var title: String
    public var mode: Mode
    public var catalogue: String
    public var start: String
    public var screens: [Screen]
    public var settings: [Setting: Int]

    public func setting(_ s: Setting) -> Int { settings[s] ?? s.defaultValue }

    public func screen(_ id: String) -> Screen? { screens.first { $0.id == id } }
    public func screen(kind: String) -> Screen? { screens.first { $0.kind == kind } }
    public var steps: [Screen] { screens.filter(\.step) }

    /// `kinds`: the screen kinds the application implements, with their modes and exits.
    public static func load(from url: URL, displayPath: String, kinds: [ScreenKindSpec]) -> Result<Flow, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath) { parse($0, $1, kinds: kinds) }
    }

    public static func parse(text: String, displayPath: String, kinds: [ScreenKindSpec]) -> Result<Flow, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath) { parse($0, $1, kinds: kinds) }
    }

    static func parse(_ root: Node, _ r: ConfigReader, kinds allKinds: [ScreenKindSpec]) -> Flow? {
        guard let m = r.mapping(root, "the flow", required: ["id", "title", "catalogue", "start", "screens"], optional: ["mode", "settings"]) else { return nil }
        var mode = Mode.clinician
        if let node = m["mode"] {
            if let v = node.scalar?.string, let parsed = Mode(rawValue: v) { mode = parsed }
            else { r.report(node, "unknown mode", fix: "use " + Mode.allCases.map(\.rawValue).joined(separator: " or ")) }
        }
        var settings: [Setting: Int] = [:]
        if let node = m["settings"], let sm = r.mapping(node, "the settings", required: [], optional: Setting.allCases.map(\.rawValue)) {
            for key in Setting.allCases {
                guard let v = sm[key.rawValue] else { continue }  // unknown keys are reported by mapping()
                if let n = v.int, n > 0 { settings[key] = n } else { r.report(v, "`\(key.rawValue)` should be a whole number above 0", fix: "e.g. `\(key.rawValue): \(key.defaultValue)`") }
            }
        }
        // Only the kinds of the flow's own mode.
        let kinds = Dictionary(allKinds.filter { $0.allowed(in: mode) }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let id = r.identifier(m, "id", in: "the flow")
        let title = r.string(m, "title", in: "the flow")
        let catalogue = r.identifier(m, "catalogue", in: "the flow")
        let start = r.identifier(m, "start", in: "the flow")
        var screens: [Screen] = []
        var lines: [String: Node] = [:]
        var references: [(String, Node, String)] = []  // (target, node, exit)
        for n in r.sequence(m, "screens", in: "the flow") {
            guard let sm = r.mapping(n, "a screen", required: ["id", "kind", "title", "help"],
                                     optional: ["hint", "next", "back", "exits", "step", "step-name"]) else { continue }
            let sid = r.identifier(sm, "id", in: "a screen")
            let kind = r.string(sm, "kind", in: "a screen")
            let stitle = r.string(sm, "title", in: "a screen")
            let help = r.string(sm, "help", in: "a screen")
            let hint = r.string(sm, "hint", in: "a screen", required: false) ?? ""
            let stepName = r.string(sm, "step-name", in: "a screen", required: false)
            var step = false
            if let sn = sm["step"] {
                if let b = sn.bool { step = b } else { r.report(sn, "`step` should be true or false", fix: "write `step: true`") }
            }
            let spec = kind.flatMap { kinds[$0] }
            if let kind, spec == nil {
                let guess = kinds.keys.min { editDistance($0, kind) < editDistance($1, kind) }
                let other = allKinds.first { $0.id == kind }
                r.report(sm["kind"], other.map { "screen kind `\(kind)` is a \($0.mode.rawValue) screen, not for a \(mode.rawValue) flow" }
                            ?? "unknown screen kind `\(kind)`",
                         fix: (other == nil ? guess.map { "did you mean `\($0)`? " } ?? "" : "") + "kinds are " + kinds.keys.sorted().joined(separator: ", "))
            }
            if let sid {
                if lines[sid] != nil { r.report(sm["id"], "screen id `\(sid)` is used twice", fix: "give each screen its own id") }
                lines[sid] = sm["id"]
            }
            // Exits: `next` and `back` on the screen itself, the others under `exits:`.
            var exits: [String: String] = [:]
            var exitNodes: [(String, Node)] = []
            for name in ["next", "back"] { if let node = sm[name] { exitNodes.append((name, node)) } }
            if let node = sm["exits"] {
                if let em = node.mapping {
                    for (key, value) in em {
                        let name = key.string ?? ""
                        if name == "next" || name == "back" {
                            r.report(key, "`\(name)` belongs on the screen itself, not under `exits:`", fix: "write `\(name): ...` next to `title:`")
                        } else { exitNodes.append((name, value)) }
                    }
                } else { r.report(node, "`exits` should be a mapping of exit names to screen ids", fix: "write e.g. `exits: {open: record}`") }
            }
            for (name, node) in exitNodes {
                if let spec, !spec.exits.contains(where: { $0.name == name }) {
                    let names = spec.exits.map(\.name)
                    let guess = names.min { editDistance($0, name) < editDistance($1, name) }.flatMap { editDistance($0, name) <= 2 ? "did you mean `\($0)`? " : nil }
                    r.report(node, "a `\(spec.id)` screen has no exit `\(name)`",
                             fix: (guess ?? "") + (names.isEmpty ? "remove it: this screen has no exits" : "its exits are " + names.joined(separator: ", ")))
                    continue
                }
                guard let target = node.scalar?.string, !target.isEmpty else {
                    r.report(node, "exit `\(name)` should name a screen", fix: "write `\(name): <screen id>`")
                    continue
                }
                exits[name] = target
                references.append((target, node, name))
            }
            if let spec, let sid {
                for exit in spec.exits where exit.required && exits[exit.name] == nil {
                    let how = exit.name == "next" || exit.name == "back" ? "`\(exit.name): <screen id>`" : "`\(exit.name): <screen id>` under `exits:`"
                    r.report(sm["kind"], "screen `\(sid)` has no exit `\(exit.name)` (\(exit.key)), which a `\(spec.id)` screen can take",
                             fix: "add \(how)")
                }
            }
            if let sid, let kind, let stitle, let help {
                screens.append(Screen(id: sid, kind: kind, title: stitle, hint: hint, help: help, exits: exits, step: step,
                                      stepName: stepName ?? stitle))
            }
        }
        for (target, node, what) in references where lines[target] == nil {
            r.report(node, "`\(what): \(target)` names no screen in this flow",
                     fix: "use one of " + lines.keys.sorted().joined(separator: ", "))
        }
        if let start, !screens.isEmpty {
            if let first = screens.first(where: { $0.id == start }) {
                if let needs = kinds[first.kind]?.needs, needs != .nothing {
                    r.report(m["start"], "`start: \(start)` is a screen that needs an open \(needs.rawValue)",
                             fix: "start on a screen that needs nothing open, such as a patient list or a welcome")
                }
            } else {
                r.report(m["start"], "`start: \(start)` names no screen in this flow", fix: "use one of " + lines.keys.sorted().joined(separator: ", "))
            }
        }
        let present = Set(screens.map(\.kind))
        for spec in kinds.values.filter({ $0.inEveryFlow && !present.contains($0.id) }).sorted(by: { $0.id < $1.id }) {
            r.report(m["screens"], "the flow has no screen of kind `\(spec.id)`, which every \(mode.rawValue) flow needs",
                     fix: "add a screen with `kind: \(spec.id)`")
        }
        guard let id, let title, let catalogue, let start else { return nil }
        return Flow(id: id, title: title, mode: mode, catalogue: catalogue, start: start, screens: screens, settings: settings)
    }
}
