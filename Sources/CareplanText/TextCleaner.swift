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

    /// Typed or pasted text as the Characters an editing widget inserts. `multiline`: CR LF, CR, LF, U+2028
    /// and U+2029 become "\n"; otherwise a space. Tabs become a space. (Escape sequences are taken apart by
    /// the key decoder before text gets here; `singleLine`/`multiLine` also remove any that reach the store.)
    public static func characters(_ text: some StringProtocol, multiline: Bool) -> [Character] {
        var out: [Character] = []
        out.reserveCapacity(text.utf8.count)
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
        var scalars = s.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let u = pending ?? scalars.next() {
            pending = nil
            let v = u.value
            if v == 0x1B {  // ESC: drop the whole escape sequence (CSI ... final byte, OSC ... BEL/ST)
                guard let next = scalars.next() else { break }
                if next == "[" {
                    // CSI: parameter and intermediate bytes (0x20-0x3F), then a final byte (0x40-0x7E). Anything
                    // else ends a broken sequence and is kept, so "ESC[日本語" loses only the ESC[.
                    while let c = scalars.next() {
                        if (0x40...0x7E).contains(c.value) { break }
                        if !(0x20...0x3F).contains(c.value) { pending = c; break }
                    }
                } else if next == "]" || next == "P" || next == "_" || next == "^" {
                    while let c = scalars.next() {
                        if c.value == 0x07 { break }
                        if c.value == 0x1B { _ = scalars.next(); break }
                    }
                }
                continue
            }
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

extension String {
    /// Leading and trailing ASCII spaces removed (Foundation-free, so the core stays light).
    public func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
