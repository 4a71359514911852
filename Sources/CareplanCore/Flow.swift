import Foundation
import Yams

/// A flow of screens as data (`Screens/*.yaml`): which screens, their titles and help, and where each
/// leads. The screen kinds themselves are code; a flow names them and the loader checks the names.
public struct Flow: Sendable, Equatable {
    public struct Screen: Sendable, Equatable {
        public var id: String
        public var kind: String
        public var title: String
        /// One line under the title saying what this screen is for.
        public var hint: String
        /// The fuller help shown on F1 or `?`.
        public var help: String
        /// The screen the "next step" key leads to, and the one "back" leads to.
        public var next: String?
        public var back: String?
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

    /// `knownKinds`: the screen kinds the application implements; `requiredKinds`: the ones it must route to.
    public static func load(from url: URL, displayPath: String, knownKinds: Set<String>, requiredKinds: Set<String>) -> Result<Flow, ConfigErrors> {
        ConfigReader.load(.file(url), displayPath: displayPath) { parse($0, $1, knownKinds: knownKinds, requiredKinds: requiredKinds) }
    }

    public static func parse(text: String, displayPath: String, knownKinds: Set<String>, requiredKinds: Set<String>) -> Result<Flow, ConfigErrors> {
        ConfigReader.load(.text(text), displayPath: displayPath) { parse($0, $1, knownKinds: knownKinds, requiredKinds: requiredKinds) }
    }

    static func parse(_ root: Node, _ r: ConfigReader, knownKinds: Set<String>, requiredKinds: Set<String>) -> Flow? {
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
        let id = r.identifier(m, "id", in: "the flow")
        let title = r.string(m, "title", in: "the flow")
        let catalogue = r.identifier(m, "catalogue", in: "the flow")
        let start = r.identifier(m, "start", in: "the flow")
        var screens: [Screen] = []
        var lines: [String: Node] = [:]
        var references: [(String, Node, String)] = []  // (target, node, what)
        for n in r.sequence(m, "screens", in: "the flow") {
            guard let sm = r.mapping(n, "a screen", required: ["id", "kind", "title", "help"],
                                     optional: ["hint", "next", "back", "step", "step-name"]) else { continue }
            let sid = r.identifier(sm, "id", in: "a screen")
            let kind = r.string(sm, "kind", in: "a screen")
            let stitle = r.string(sm, "title", in: "a screen")
            let help = r.string(sm, "help", in: "a screen")
            let hint = r.string(sm, "hint", in: "a screen", required: false) ?? ""
            let stepName = r.string(sm, "step-name", in: "a screen", required: false)
            let next = r.identifier(sm, "next", in: "a screen") ?? nil
            let back = r.identifier(sm, "back", in: "a screen") ?? nil
            var step = false
            if let sn = sm["step"] {
                if let b = sn.bool { step = b } else { r.report(sn, "`step` should be true or false", fix: "write `step: true`") }
            }
            if let kind, !knownKinds.contains(kind) {
                let guess = knownKinds.min { editDistance($0, kind) < editDistance($1, kind) }
                r.report(sm["kind"], "unknown screen kind `\(kind)`",
                         fix: (guess.map { "did you mean `\($0)`? " } ?? "") + "kinds are " + knownKinds.sorted().joined(separator: ", "))
            }
            if let sid {
                if lines[sid] != nil { r.report(sm["id"], "screen id `\(sid)` is used twice", fix: "give each screen its own id") }
                lines[sid] = sm["id"]
            }
            if let next, let node = sm["next"] { references.append((next, node, "next")) }
            if let back, let node = sm["back"] { references.append((back, node, "back")) }
            if let sid, let kind, let stitle, let help {
                screens.append(Screen(id: sid, kind: kind, title: stitle, hint: hint, help: help, next: next, back: back, step: step,
                                      stepName: stepName ?? stitle))
            }
        }
        for (target, node, what) in references where lines[target] == nil {
            r.report(node, "`\(what): \(target)` names no screen in this flow",
                     fix: "use one of " + lines.keys.sorted().joined(separator: ", "))
        }
        if let start, !screens.isEmpty, lines[start] == nil {
            r.report(m["start"], "`start: \(start)` names no screen in this flow", fix: "use one of " + lines.keys.sorted().joined(separator: ", "))
        }
        let present = Set(screens.map(\.kind))
        for kind in requiredKinds.subtracting(present).sorted() {
            r.report(m["screens"], "the flow has no screen of kind `\(kind)`, which the application needs",
                     fix: "add a screen with `kind: \(kind)`")
        }
        guard let id, let title, let catalogue, let start else { return nil }
        return Flow(id: id, title: title, mode: mode, catalogue: catalogue, start: start, screens: screens, settings: settings)
    }
}
