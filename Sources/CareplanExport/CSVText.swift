import Foundation

/// CSV as RFC 4180 writes it and a spreadsheet or a registry's loader reads it: UTF-8 (no byte-order mark),
/// CRLF line ends, a field quoted when it holds a comma, a quote or a line end (its quotes doubled).
public enum CSVText {
    public static func encode(_ rows: [[String]]) -> String {
        rows.map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
