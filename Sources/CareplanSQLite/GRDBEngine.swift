import CareplanCore
import Foundation
import GRDB

/// Reads and durable writes, and what SQLite's failures mean to a nurse.
extension CareStore {
    /// Runs `body` in an IMMEDIATE transaction: the write lock is taken at the start, so two processes
    /// never both read a revision and then both write (WAL would refuse the second with BUSY_SNAPSHOT).
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        if let refused = writesRefused { throw StoreError.cannotWrite(refused) }
        do {
            return try db.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                anchorAuditHead(db)
                return result!
            }
        } catch let e as StoreError {
            throw e
        } catch let e as DatabaseError {
            throw StoreError.cannotWrite(describe(e))
        }
    }

    static func explain(_ e: DatabaseError) -> String {
        switch e.resultCode {
        case .SQLITE_FULL: return WriteFailure.diskFull.rawValue
        case .SQLITE_READONLY: return WriteFailure.readOnly.rawValue
        case .SQLITE_BUSY, .SQLITE_LOCKED: return WriteFailure.busy.rawValue
        case .SQLITE_IOERR: return WriteFailure.diskError.rawValue
        case .SQLITE_CANTOPEN: return WriteFailure.cannotOpen.rawValue
        case .SQLITE_ERROR where e.message?.hasPrefix("no such table") == true:
            // Only a store changed outside careplan lacks one of its tables.
            return "the store is damaged: \(e.message ?? "a table is missing") (it was changed outside careplan). Run `careplan check --store`, "
                + "then restore the last backup"
        default: return "database error \(e.resultCode.rawValue)"
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try db.read(body) }
        catch let e as StoreError { throw e }
        catch let e as DatabaseError { throw StoreError.cannotOpen(describe(e)) }
    }
}
