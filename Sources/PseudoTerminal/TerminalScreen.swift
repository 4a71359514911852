import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Just enough of an xterm to know what is on the screen after a program's output: the cursor motions,
/// erasures, scrolling, REP and line drawing that ncurses sends for TERM=xterm-256color. Colours and modes
/// are ignored. Used to check that the expected text is on screen: ncurses only sends the cells that
/// change, so searching the byte stream itself would miss text drawn partly over the same text.
public struct TerminalScreen {
    public let columns: Int
    public let rows: Int
    private var cells: [[String]]
    private var x = 0, y = 0
    private var top = 0, bottom: Int
    private var pendingWrap = false
    private var lastPrinted = " "
    private var lineDrawing = false
    private var saved = (x: 0, y: 0)
    private enum Mode { case ground, escape, csi, osc, oscEscape, charset(g0: Bool) }
    private var mode = Mode.ground
    private var csi: [UInt8] = []
    private var utf8: [UInt8] = []

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        bottom = rows - 1
        cells = Array(repeating: Array(repeating: " ", count: columns), count: rows)
    }

    /// The screen's rows as text (a wide character's second cell is empty, so rows read naturally).
    public var lines: [String] { cells.map { $0.joined() } }
    public var text: String { lines.joined(separator: "\n") }
    public func contains(_ s: String) -> Bool { lines.contains { $0.contains(s) } }

    public mutating func feed<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for b in bytes { feed(b) }
    }

    private mutating func feed(_ b: UInt8) {
        switch mode {
        case .ground:
            if !utf8.isEmpty || b >= 0x80 { return decodeUTF8(b) }
            switch b {
            case 0x1B: mode = .escape
            case 0x0D: x = 0; pendingWrap = false
            case 0x0A, 0x0B, 0x0C: lineFeed()
            case 0x08: x = Swift.max(0, x - 1); pendingWrap = false
            case 0x09: x = Swift.min(columns - 1, (x / 8 + 1) * 8)
            case 0..<0x20, 0x7F: break
            default: put(String(UnicodeScalar(b)))
            }
        case .escape:
            mode = .ground
            switch b {
            case UInt8(ascii: "["): mode = .csi; csi = []
            case UInt8(ascii: "]"): mode = .osc
            case UInt8(ascii: "("): mode = .charset(g0: true)
            case UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"): mode = .charset(g0: false)
            case UInt8(ascii: "M"): if y == top { scroll(down: 1) } else { y = Swift.max(0, y - 1) }
            case UInt8(ascii: "D"): lineFeed()
            case UInt8(ascii: "E"): x = 0; lineFeed()
            case UInt8(ascii: "7"): saved = (x, y)
            case UInt8(ascii: "8"): (x, y) = saved
            case UInt8(ascii: "c"): self = TerminalScreen(columns: columns, rows: rows)
            default: break  // ESC = and ESC > (keypad modes) and the rest change nothing visible
            }
        case .csi:
            if (0x40...0x7E).contains(b) { mode = .ground; runCSI(final: b) } else { csi.append(b) }
        case .osc:
            if b == 0x07 { mode = .ground } else if b == 0x1B { mode = .oscEscape }
        case .oscEscape:
            mode = b == UInt8(ascii: "\\") ? .ground : .osc
        case .charset(let g0):
            mode = .ground
            if g0 { lineDrawing = b == UInt8(ascii: "0") }
        }
    }

    private mutating func decodeUTF8(_ b: UInt8) {
        utf8.append(b)
        let need = utf8[0] >= 0xF0 ? 4 : utf8[0] >= 0xE0 ? 3 : utf8[0] >= 0xC0 ? 2 : 1
        guard utf8.count >= need else { return }
        let s = String(decoding: utf8, as: UTF8.self)
        utf8 = []
        put(s)
    }

    /// The C library's wcwidth (what ncurses uses), looked up at run time: Swift's Glibc hides it.
    private static let wcwidth: @convention(c) (Int32) -> Int32 = {
        guard let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "wcwidth") else { return { _ in 1 } }
        return unsafeBitCast(f, to: (@convention(c) (Int32) -> Int32).self)
    }()

    private static let lineDrawingMap: [Character: String] = [
        "q": "─", "x": "│", "l": "┌", "k": "┐", "m": "└", "j": "┘", "t": "├", "u": "┤", "w": "┬", "v": "┴",
        "n": "┼", "a": "▒", "~": "·", "`": "◆", "0": "█", ".": "↓", "-": "↑", "+": "→", ",": "←",
    ]

    private mutating func put(_ s: String) {
        var s = s
        if lineDrawing, s.count == 1, let mapped = Self.lineDrawingMap[s.first!] { s = mapped }
        let width = s.unicodeScalars.first.map { Int(Self.wcwidth(Int32(bitPattern: $0.value))) } ?? 1
        if width == 0 {  // a combining mark joins the character before it
            let px = pendingWrap ? x : Swift.max(0, x - 1)
            cells[y][px] += s
            return
        }
        if pendingWrap { x = 0; lineFeed(); pendingWrap = false }
        let w = Swift.max(1, width)
        if w == 2 && x == columns - 1 { x = 0; lineFeed() }
        cells[y][x] = s
        if w == 2 { cells[y][x + 1] = "" }
        lastPrinted = s
        x += w
        if x >= columns { x = columns - 1; pendingWrap = true }
    }

    private mutating func lineFeed() {
        pendingWrap = false
        if y == bottom { scroll(up: 1) } else if y < rows - 1 { y += 1 }
    }

    private mutating func scroll(up n: Int) {
        for _ in 0..<Swift.min(n, bottom - top + 1) {
            cells.remove(at: top)
            cells.insert(blankRow, at: bottom)
        }
    }

    private mutating func scroll(down n: Int) {
        for _ in 0..<Swift.min(n, bottom - top + 1) {
            cells.remove(at: bottom)
            cells.insert(blankRow, at: top)
        }
    }

    private var blankRow: [String] { Array(repeating: " ", count: columns) }

    private mutating func erase(row: Int, from: Int, to: Int) {
        guard from <= to else { return }
        for i in Swift.max(0, from)...Swift.min(columns - 1, to) { cells[row][i] = " " }
    }

    private mutating func runCSI(final: UInt8) {
        let text = String(decoding: csi, as: UTF8.self)
        if text.hasPrefix("?") || text.hasPrefix(">") || text.hasPrefix("=") { return }  // private modes
        let params = text.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        func p(_ i: Int, _ def: Int = 1) -> Int { i < params.count && params[i] > 0 ? params[i] : def }
        pendingWrap = false
        switch UnicodeScalar(final) {
        case "H", "f": y = Swift.min(rows - 1, p(0) - 1); x = Swift.min(columns - 1, p(1) - 1)
        case "A": y = Swift.max(0, y - p(0))
        case "B": y = Swift.min(rows - 1, y + p(0))
        case "C": x = Swift.min(columns - 1, x + p(0))
        case "D": x = Swift.max(0, x - p(0))
        case "E": y = Swift.min(rows - 1, y + p(0)); x = 0
        case "F": y = Swift.max(0, y - p(0)); x = 0
        case "G", "`": x = Swift.min(columns - 1, p(0) - 1)
        case "d": y = Swift.min(rows - 1, p(0) - 1)
        case "J":
            switch p(0, 0) {
            case 0: erase(row: y, from: x, to: columns - 1); for r in (y + 1)..<rows { erase(row: r, from: 0, to: columns - 1) }
            case 1: erase(row: y, from: 0, to: x); for r in 0..<y { erase(row: r, from: 0, to: columns - 1) }
            default: for r in 0..<rows { erase(row: r, from: 0, to: columns - 1) }
            }
        case "K":
            switch p(0, 0) {
            case 0: erase(row: y, from: x, to: columns - 1)
            case 1: erase(row: y, from: 0, to: x)
            default: erase(row: y, from: 0, to: columns - 1)
            }
        case "X": erase(row: y, from: x, to: x + p(0) - 1)
        case "b": for _ in 0..<p(0) { put(lastPrinted) }
        case "L", "M":
            guard (top...bottom).contains(y) else { break }
            let savedTop = top
            top = y
            if final == UInt8(ascii: "L") { scroll(down: p(0)) } else { scroll(up: p(0)) }
            top = savedTop
        case "@":
            for _ in 0..<Swift.min(p(0), columns - x) { cells[y].insert(" ", at: x); cells[y].removeLast() }
        case "P":
            for _ in 0..<Swift.min(p(0), columns - x) { cells[y].remove(at: x); cells[y].append(" ") }
        case "S": scroll(up: p(0))
        case "T": scroll(down: p(0))
        case "r":
            top = p(0) - 1
            bottom = Swift.min(rows - 1, p(1, rows) - 1)
            if top >= bottom { top = 0; bottom = rows - 1 }
            x = 0; y = 0
        default: break  // colours (m), modes (h, l), window ops (t), ...
        }
    }
}
