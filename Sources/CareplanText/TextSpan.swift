/// How one text became another, as the one stretch that differs: `old[start..<end]` was replaced by
/// `inserted`, everything before and after is the same. Typing between two saves of a note is such a
/// stretch, which lets a note merge what two terminals typed at different places without copying either,
/// and lets an editor keep its cursor beside the same words when the text changes under it.
public struct TextSpan: Equatable, Sendable {
    public var start: Int
    public var end: Int
    public var inserted: [Character]

    /// The stretch from `old` to `new`: the longest common start first, then the longest common end of
    /// what is left (so text added after a repeated word counts as added after the last of them).
    public init(from old: [Character], to new: [Character]) {
        var start = 0
        while start < old.count, start < new.count, old[start] == new[start] { start += 1 }
        var same = 0
        while same < old.count - start, same < new.count - start, old[old.count - 1 - same] == new[new.count - 1 - same] { same += 1 }
        self.start = start
        end = old.count - same
        inserted = Array(new[start..<(new.count - same)])
    }

    public var isEmpty: Bool { start == end && inserted.isEmpty }

    /// Where a position in the old text is in the new one: before the stretch it stays, after it it moves
    /// by what the stretch grew or shrank; inside it goes to the stretch's end. At the very start of a text
    /// added there, it stays before it (the text arrived beside the cursor, not under it).
    public func map(_ position: Int) -> Int {
        if position <= start { return position }
        if position >= end { return position + inserted.count - (end - start) }
        return start + inserted.count
    }

    /// Two stretches of the same old text that do not touch: both can be made.
    public func overlaps(_ other: TextSpan) -> Bool {
        if start == end && other.start == other.end { return start == other.start }  // two insertions at one place
        return start < other.end && other.start < end || start == other.start
    }

    /// `old` with this stretch and `other` (which must not overlap it) both made.
    public func applied(with other: TextSpan, to old: [Character]) -> [Character] {
        let (first, second) = start <= other.start ? (self, other) : (other, self)
        return Array(old[..<first.start]) + first.inserted + Array(old[first.end..<second.start]) + second.inserted + Array(old[second.end...])
    }
}
