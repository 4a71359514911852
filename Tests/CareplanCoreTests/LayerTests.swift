import Foundation
import XCTest

/// The layers as Package.swift describes them: the database driver stays inside the store's module, so a
/// second repository (PostgreSQL) replaces one module, not code spread through the program.
final class LayerTests: XCTestCase {
    /// Every Swift file under Sources, with the modules it imports.
    static func imports() throws -> [(file: URL, modules: [String])] {
        let sources = ConfigurationTests.root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" }
        return try files.map { file in
            (file, try String(contentsOf: file, encoding: .utf8).split(separator: "\n").compactMap { line in
                let words = line.split(separator: " ")
                guard let i = words.firstIndex(of: "import"), words[..<i].allSatisfy({ $0.hasPrefix("@") }), i + 1 < words.count else { return nil }
                return words[i + 1].split(separator: ".").first.map(String.init)
            })
        }
    }

    func testOnlyTheSQLiteModuleImportsGRDB() throws {
        let files = try Self.imports()
        XCTAssertGreaterThan(files.count, 20)
        let outside = files.filter { !$0.file.path.contains("/Sources/CareplanSQLite/") && $0.modules.contains { $0.hasPrefix("GRDB") } }
        XCTAssertEqual(outside.map(\.file.lastPathComponent), [], "GRDB imported outside CareplanSQLite")
    }

    func testOnlyThePostgreSQLModuleImportsPostgresNIO() throws {
        let outside = try Self.imports().filter { !$0.file.path.contains("/Sources/CareplanPostgres/") && $0.modules.contains("PostgresNIO") }
        XCTAssertEqual(outside.map(\.file.lastPathComponent), [], "PostgresNIO imported outside CareplanPostgres")
    }

    /// The store's logic runs over its SQL layer alone, so both engines run the same code.
    func testTheStoreModuleImportsNoDriver() throws {
        let store = try Self.imports().filter { $0.file.path.contains("/Sources/CareplanStore/") }
        XCTAssertGreaterThan(store.count, 20)
        let allowed: Set<String> = ["CareplanCore", "Foundation", "Crypto", "CryptoExtras", "Synchronization"]
        let drivers = store.filter { !Set($0.modules).isSubset(of: allowed) }
        XCTAssertEqual(drivers.map { "\($0.file.lastPathComponent): \($0.modules)" }, [], "CareplanStore imports a driver")
    }

    /// Screens give commands; only the runtime (in CareplanRuntime, with the program that makes it) holds the
    /// repository, so nothing in the screens' module may name it.
    func testNoScreenTouchesTheRepository() throws {
        let screens = ConfigurationTests.root.appendingPathComponent("Sources/CareplanScreens")
        let files = try FileManager.default.contentsOfDirectory(at: screens, includingPropertiesForKeys: nil).filter { $0.pathExtension == "swift" }
        XCTAssertGreaterThan(files.count, 10)
        let touching = try files.filter { file in
            try String(contentsOf: file, encoding: .utf8).split(separator: "\n").contains { line in
                !line.trimmingCharacters(in: .whitespaces).hasPrefix("//")
                    && ["CareRepository", ".store", "store.", "store:", "Repository.", "Runtime("].contains { line.contains($0) }
            }
        }
        XCTAssertEqual(touching.map(\.lastPathComponent), [], "the repository used outside the runtime")
    }
}
