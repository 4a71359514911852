/// What may reach the store and the exports from the keyboard, a paste or a file: printable text only.
/// Terminal escape sequences, control characters and bidirectional overrides (which can make a printed
/// plan say something other than what was typed) are removed; invalid UTF-8 was already replaced by U+FFFD
/// when the bytes were decoded.
public enum TextCleaner {
    /// Bidirectional embedding, override and isolate controls, and directional marks.
    static func isBidiControl(_ v: UInt32) -> Bool {
        (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
    }

    static func isControl(_ v: UInt32) -> Bool { v < 0x20 || (0x7F...0x9F).contains(v) }

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
                    while let c = scalars.next(), !(0x40...0x7E).contains(c.value) {}
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
            if isControl(v) || isBidiControl(v) { continue }
            if (0xFFF9...0xFFFB).contains(v) || v == 0xFEFF { continue }  // interlinear annotations, BOM
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
