/// What a cell means, not how it looks: the backend maps roles to colours, or to bold/reverse/underline
/// when there is no colour (NO_COLOR, monochrome terminals), so every screen stays readable without colour.
public enum Role: UInt8, Hashable, Sendable, CaseIterable {
    case normal
    case title       // the screen's title bar
    case heading     // section or category headings
    case selected    // the row or field with the cursor
    case marked      // chosen items (a ticked concern, a concern to discuss)
    case input       // the inside of an editable field
    case error       // a message about bad input, next to the field
    case warning     // something to notice (e.g. a plan is locked)
    case help        // the key help line
    case dim         // secondary text
    case success     // saved, agreed
}

public struct Style: Hashable, Sendable {
    public var role: Role
    public var bold: Bool
    public var underline: Bool
    public init(_ role: Role = .normal, bold: Bool = false, underline: Bool = false) {
        self.role = role
        self.bold = bold
        self.underline = underline
    }
    public static let normal = Style()
}

/// One terminal cell. A double-width character occupies its cell (width 2) and the next one (a
/// continuation, width 0, empty text), exactly as the terminal lays it out.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var width: Int
    public var style: Style
    public init(_ text: String = " ", width: Int = 1, style: Style = .normal) {
        self.text = text
        self.width = width
        self.style = style
    }
    public static let blank = Cell()
    public var isContinuation: Bool { width == 0 }
}

public struct Size: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

public struct Point: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// A screenful of cells: what a screen renders and what the backend draws (diffed against the last one).
public struct Grid: Equatable, Sendable {
    public let size: Size
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should sit (inside the field being edited), or nil to hide it.
    public var cursor: Point?

    public init(size: Size) {
        self.size = Size(width: max(0, size.width), height: max(0, size.height))
        self.cells = Array(repeating: .blank, count: self.size.width * self.size.height)
    }

    public init(width: Int, height: Int) { self.init(size: Size(width: width, height: height)) }

    public var width: Int { size.width }
    public var height: Int { size.height }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { cells[y * size.width + x] = newValue }
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < size.width && y < size.height }

    /// Writes `text` from (x, y), clipped to `maxWidth` columns and to the grid. Control characters are
    /// shown as U+FFFD so nothing a user typed can move the terminal's cursor. Returns the columns used.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < size.height, x < size.width else { return 0 }
        let limit = min(maxWidth ?? Int.max, size.width - max(0, x))
        var col = x
        var used = 0
        for ch in text {
            var c = ch
            let w = DisplayWidth.of(c)
            if DisplayWidth.isReplaced(c) {
                c = "\u{FFFD}"  // measured as its one column by `DisplayWidth.of`
            } else if w == 0 {
                if col > x, col - 1 < size.width, col - 1 >= 0 {
                    // A stray combining mark: attach to the previous cell, as the terminal would.
                    var prev = self[col - 1, y]
                    if prev.isContinuation, col - 2 >= 0 { prev = self[col - 2, y]; prev.text.append(contentsOf: String(c)); self[col - 2, y] = prev }
                    else { prev.text.append(contentsOf: String(c)); self[col - 1, y] = prev }
                    continue
                } else { continue }
            }
            if used + w > limit { break }
            if col >= 0 {
                self[col, y] = Cell(String(c), width: w, style: style)
                if w == 2 { self[col + 1, y] = Cell("", width: 0, style: style) }
            }
            col += w
            used += w
        }
        return used
    }

    /// Fills a rectangle with blanks of a style (backgrounds for fields and bars).
    public mutating func fill(x: Int, y: Int, width: Int, height: Int = 1, style: Style) {
        for row in max(0, y)..<min(size.height, y + height) {
            for col in max(0, x)..<min(size.width, x + width) {
                self[col, row] = Cell(" ", width: 1, style: style)
            }
        }
    }

    /// Changes the style of existing cells (highlighting a row) without touching their text.
    public mutating func restyle(x: Int, y: Int, width: Int, style: Style) {
        guard y >= 0, y < size.height else { return }
        for col in max(0, x)..<min(size.width, x + width) { self[col, y].style = style }
    }

    /// The rows as plain text, trailing spaces removed: what golden tests compare.
    public var lines: [String] {
        (0..<size.height).map { y in
            var line = ""
            for x in 0..<size.width where !self[x, y].isContinuation { line += self[x, y].text }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// The whole grid as text, one line per row.
    public var text: String { lines.joined(separator: "\n") }
}
