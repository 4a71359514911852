import Foundation
import XCTest

/// The layers as Package.swift describes them: the database driver stays inside the store's module, so a
/// second repository (PostgreSQL) replaces one module, not code spread through the program.
final class LayerTests: XCTestCase {
    func testOnlyTheSQLiteModuleImportsGRDB() throws {
        let sources = ConfigurationTests.root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" }
        XCTAssertGreaterThan(files.count, 20)
        let outside = try files.filter { !$0.path.contains("/Sources/CareplanSQLite/") }.filter { file in
            try String(contentsOf: file, encoding: .utf8).split(separator: "\n").contains { $0.hasPrefix("import GRDB") || $0.hasPrefix("@testable import GRDB") }
        }
        XCTAssertEqual(outside.map(\.lastPathComponent), [], "GRDB imported outside CareplanSQLite")
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
