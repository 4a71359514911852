import CareplanStore
import Foundation
import NIOCore
import PostgresNIO

/// A value bound with the type of SQLite's storage class it holds (int8, float8, text, bytea), chosen at run time.
extension SQLValue: PostgresDynamicTypeEncodable {
    public var psqlType: PostgresDataType {
        switch self { case .null, .text: .text; case .int64: .int8; case .double: .float8; case .blob: .bytea }
    }
    public var psqlFormat: PostgresFormat { .binary }
    public func encode<E: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<E>) {
        switch self {
        case .null: break
        case .int64(let i): buffer.writeInteger(i)
        case .double(let d): buffer.writeInteger(d.bitPattern)
        case .text(let s): buffer.writeString(s)
        case .blob(let data): buffer.writeBytes(data)    // Data, not [UInt8]: postgres-nio takes [UInt8] as an array
        }
    }
}

extension PostgresCell {
    /// A result as one of SQLite's storage classes: bool as 0/1, int2/4/8 as int64, numeric as int64 when whole.
    func sqlValue() throws -> SQLValue {
        guard bytes != nil else { return .null }
        switch dataType {
        case .bool: return .int64(try decode(Bool.self) ? 1 : 0)
        case .int2, .int4, .int8: return .int64(try decode(Int64.self))
        case .float4, .float8: return .double(try decode(Double.self))
        case .numeric:
            let text = try decode(Decimal.self).description    // sum(bigint) is numeric; exact through its text
            if let whole = Int64(text) { return .int64(whole) }
            return .double(Double(text) ?? .nan)
        case .bytea: return .blob(try decode(Data.self))
        default: return .text(try decode(String.self))
        }
    }
}
