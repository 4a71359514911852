/// A validated NHS number: ten digits whose last is a Modulus 11 check digit.
/// Shown 3 3 4 (`943 476 5919`); stored as the ten digits.
public struct NHSNumber: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let digits: String

    public static let fhirSystem = "https://fhir.nhs.uk/Id/nhs-number"

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case notDigits
        case wrongLength(Int)
        case checkDigitIsTen
        case checkDigitMismatch(expected: Int, found: Int)

        public var description: String {
            switch self {
            case .empty: return "Enter the 10-digit NHS number"
            case .notDigits: return "An NHS number has digits only (spaces are fine)"
            case .wrongLength(let n): return "An NHS number has 10 digits; this has \(n)"
            case .checkDigitIsTen: return "Not a valid NHS number (no check digit fits): check it"
            case .checkDigitMismatch: return "Not a valid NHS number: the check digit does not match"
            }
        }
    }

    /// Accepts spaces and hyphens between digits, as people type and print them.
    public static func parse(_ input: String) -> Result<NHSNumber, Problem> {
        let compact = input.filter { $0 != " " && $0 != "-" }
        if compact.isEmpty { return .failure(.empty) }
        guard compact.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.notDigits) }
        guard compact.count == 10 else { return .failure(.wrongLength(compact.count)) }
        let values = compact.map { Int(String($0))! }
        switch checkDigit(for: values.prefix(9)) {
        case nil: return .failure(.checkDigitIsTen)
        case let expected? where expected != values[9]:
            return .failure(.checkDigitMismatch(expected: expected, found: values[9]))
        default: return .success(NHSNumber(unchecked: compact))
        }
    }

    public init?(_ input: String) {
        guard case .success(let n) = NHSNumber.parse(input) else { return nil }
        self = n
    }

    private init(unchecked digits: String) { self.digits = digits }

    /// Modulus 11 over the first nine digits, weights 10 down to 2; nil when the result is 10 (never issued).
    public static func checkDigit<C: Collection>(for nine: C) -> Int? where C.Element == Int {
        precondition(nine.count == 9)
        let sum = zip(nine, stride(from: 10, through: 2, by: -1)).reduce(0) { $0 + $1.0 * $1.1 }
        let check = 11 - sum % 11
        if check == 11 { return 0 }
        if check == 10 { return nil }
        return check
    }

    /// `943 476 5919`
    public var formatted: String {
        let d = Array(digits)
        return String(d[0..<3]) + " " + String(d[3..<6]) + " " + String(d[6..<10])
    }

    public var description: String { formatted }
    public static func < (a: NHSNumber, b: NHSNumber) -> Bool { a.digits < b.digits }

    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let n = NHSNumber(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid NHS number"))
        }
        self = n
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(digits)
    }

    private static func format6(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 6 - s.count)) + s
    }

    /// The fictional range (999 000 0000 to 999 999 9999) is never issued: demos and tests use only these.
    /// Every valid fictional number in serial order (about 10/11 of the million serials).
    public static func fictionalNumbers() -> some Sequence<NHSNumber> {
        (0..<1_000_000).lazy.compactMap { serial -> NHSNumber? in
            let nine = ("999" + format6(serial)).map { Int(String($0))! }
            guard let check = checkDigit(for: nine) else { return nil }
            return NHSNumber(unchecked: "999" + format6(serial) + String(check))
        }
    }
}
