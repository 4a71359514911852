/// One place for what text careplan accepts, shared by the store (CareplanCore) and the editing widgets
/// (TermUI), which is why it is a module of its own with no dependencies.
///
/// What may reach the store and the exports from the keyboard, a paste or a file: printable text only.
/// Terminal escape sequences, control characters and bidirectional overrides (which can make a printed
/// plan say something other than what was typed) are removed; invalid UTF-8 was already replaced by U+FFFD
/// when the bytes were decoded.
public enum TextCleaner {
    /// Whether a scalar is dropped: C0 and C1 controls (after newline/tab handling), DEL, bidi controls
    /// (U+061C, U+200E, U+200F, U+202A-202E, U+2066-2069), the byte-order mark U+FEFF and the zero-width space
    /// U+200B (pasted from web pages and e-mail; unseen, it would print as a replacement character).
    @inline(__always)
    public static func isDropped(_ v: UInt32) -> Bool {
        switch v {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: return true
        default: return false
        }
    }

    /// `text` without its escape sequences (other controls are left to the caller).
    static func withoutEscapeSequences(_ text: some StringProtocol) -> String {
        var sequence = EscapeSequences()
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars where !sequence.swallows(u.value) { out.append(u) }
        return String(out)
    }

    /// Typed or pasted text as the Characters an editing widget inserts. `multiline`: CR LF, CR, LF, U+2028
    /// and U+2029 become "\n"; otherwise a space. Tabs become a space. (Escape sequences are taken apart by
    /// the key decoder before text gets here; `singleLine`/`multiLine` also remove any that reach the store.)
    public static func characters(_ text: some StringProtocol, multiline: Bool) -> [Character] {
        var out: [Character] = []
        out.reserveCapacity(text.utf8.count)
        // An escape sequence goes whole, not just its ESC: "ESC[31mRED" is "RED", never "[31mRED".
        let text = text.unicodeScalars.contains { $0.value == 0x1B || (0x80...0x9F).contains($0.value) }
            ? withoutEscapeSequences(text) : String(text)
        for c in text {
            if let a = c.asciiValue {
                if a >= 0x20 && a < 0x7F { out.append(c) }
                else if a == 0x0A || a == 0x0D { out.append(multiline ? "\n" : " ") }
                else if a == 0x09 { out.append(" ") }
                continue  // other ASCII controls dropped
            }
            if c == "\r\n" || c == "\u{2028}" || c == "\u{2029}" { out.append(multiline ? "\n" : " "); continue }
            var clean = true
            for s in c.unicodeScalars where isDropped(s.value) { clean = false; break }
            if clean { out.append(c); continue }
            var kept = String.UnicodeScalarView()
            for s in c.unicodeScalars where !isDropped(s.value) { kept.append(s) }
            out.append(contentsOf: String(kept))
        }
        return out
    }

    /// One line of text (names, fields): newlines and tabs become spaces, runs of spaces are kept as typed,
    /// leading and trailing spaces are trimmed by `trimmed`.
    public static func singleLine(_ s: String) -> String {
        clean(s, keepNewlines: false)
    }

    /// Notes: newlines are kept (CR LF and CR become LF), tabs become spaces.
    public static func multiLine(_ s: String) -> String {
        clean(s, keepNewlines: true)
    }

    static func clean(_ s: String, keepNewlines: Bool) -> String {
        var out = String.UnicodeScalarView()
        var sequence = EscapeSequences()
        var scalars = s.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let u = pending ?? scalars.next() {
            pending = nil
            let v = u.value
            if sequence.swallows(v) { continue }
            if v == 0x0D {  // CR, or CR LF
                if keepNewlines { out.append("\n") } else { out.append(" ") }
                if let n = scalars.next(), n.value != 0x0A { pending = n }
                continue
            }
            if v == 0x0A { out.append(keepNewlines ? "\n" : " "); continue }
            if v == 0x09 { out.append(" "); continue }
            if v == 0x2028 || v == 0x2029 { out.append(keepNewlines ? "\n" : " "); continue }
            if isDropped(v) || (0xFFF9...0xFFFB).contains(v) { continue }  // also interlinear annotations
            out.append(u)
        }
        return String(out)
    }

    /// A single-line value as stored: cleaned, trimmed, and cut to `maxLength` characters.
    public static func field(_ s: String, maxLength: Int) -> String {
        let cleaned = singleLine(s).trimmingSpaces()
        return cleaned.count > maxLength ? String(cleaned.prefix(maxLength)) : cleaned
    }
}

/// The one reader of terminal escape sequences in text, a scalar at a time (so a paste read in pieces is
/// followed across them): CSI (ESC [ or C1 0x9B, parameters and intermediates, a final byte), the string
/// sequences OSC, DCS, SOS, PM and APC (ESC ] P X ^ _ or C1 0x9D 0x90 0x98 0x9E 0x9F, up to BEL, ST or
/// ESC \), and other ESC sequences (intermediates 0x20-0x2F, then a final byte). A scalar that cannot
/// continue a sequence ends it and is itself text, so "ESC[日本語" loses only the ESC[.
public struct EscapeSequences: Sendable, Equatable {
    enum State: Sendable, Equatable { case text, escape, csi, string, stringEscape }
    var state = State.text
    public init() {}

    /// Whether `v` belongs to an escape sequence (drop it); false: it is text.
    public mutating func swallows(_ v: UInt32) -> Bool {
        switch state {
        case .text:
            switch v {
            case 0x1B: state = .escape
            case 0x9B: state = .csi
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F: state = .string
            default: return false
            }
            return true
        case .escape:
            switch v {
            case 0x5B: state = .csi                                   // [
            case 0x5D, 0x50, 0x58, 0x5E, 0x5F: state = .string        // ] P X ^ _
            case 0x1B, 0x20...0x2F: break                             // intermediates: the final byte is still to come
            case 0x30...0x7E: state = .text                           // the final byte
            default: state = .text; return swallows(v)
            }
            return true
        case .csi:
            if (0x20...0x3F).contains(v) { return true }
            state = .text
            return (0x40...0x7E).contains(v) ? true : swallows(v)
        case .string:
            switch v {
            case 0x07, 0x9C: state = .text
            case 0x1B: state = .stringEscape
            default: break
            }
            return true
        case .stringEscape:
            state = .text  // ESC \ is the string terminator; after a lone ESC the string ends too
            return v == 0x5C ? true : swallows(v)
        }
    }
}

extension String {
    /// Leading and trailing ASCII spaces removed (Foundation-free, so the core stays light).
    public func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
