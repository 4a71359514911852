// swift-tools-version: 6.0
import PackageDescription

// Layers, each importing only the ones above it:
//   CareplanCore    domain, catalogues, flows, the repository protocol, the plan document that the review screen
//                   and every export show (no terminal, no database)
//   CareplanStore   the repository's logic once, over a small SQL layer with no driver (issue 16): the audit
//                   chain, digests, conflicts, sign-in, follow-up, reports and the schema steps
//   CareplanSQLite  the SQLite engine under it, one file through GRDB: the only module that imports GRDB
//   CareplanPostgres the PostgreSQL engine under it, through postgres-nio: the only module that imports it
//   CareplanStores  choosing and opening a store from --store (a path or postgres://), and copying stores
//   TermUI          keys, cells, grids, widgets drawn into grids (no terminal)
//   CareplanScreens screens as values: update(message) -> [Command]; render -> grid; their messages and
//                   commands, the session they read, the chrome around them and the registry (no store)
//   CareplanRuntime the program: dispatches keys to the screen shown and runs its commands against the
//                   repository (the Runtime), feeding back the answers; the only screen-side code holding it
//   CursesBackend   the only code that calls ncurses
//   careplan        command line, wiring and the run loop
let package = Package(
    name: "careplan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "careplan", targets: ["careplan"]),
        .executable(name: "careplan-pdf", targets: ["careplan-pdf"]),
        .executable(name: "careplan-bench", targets: ["careplan-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // PostgreSQL (issue 16): postgres-nio alone, with the NIO packages it is built on for TLS and futures.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
    ],
    targets: [
        .target(name: "CareplanText"),
        .target(name: "CareplanCore", dependencies: ["CareplanText", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "CareplanStore",
            dependencies: [
                "CareplanCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CareplanSQLite",
            dependencies: ["CareplanCore", "CareplanStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "CareplanPostgres",
            dependencies: [
                "CareplanCore", "CareplanStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "CareplanStores", dependencies: ["CareplanCore", "CareplanStore", "CareplanSQLite", "CareplanPostgres"]),
        .target(name: "CWidth"),
        .target(name: "TermUI", dependencies: ["CWidth", "CareplanText"]),
        .target(name: "CareplanScreens", dependencies: ["CareplanCore", "TermUI", .product(name: "Logging", package: "swift-log")]),
        .target(name: "CareplanRuntime", dependencies: ["CareplanScreens", "CareplanCore", "TermUI", .product(name: "Logging", package: "swift-log")]),
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        .target(name: "CursesBackend", dependencies: ["CNcursesw", "TermUI", "CareplanText"]),
        .executableTarget(
            name: "careplan",
            dependencies: [
                "CareplanCore", "CareplanSQLite", "CareplanStores", "TermUI", "CareplanScreens", "CareplanRuntime", "CursesBackend", "CareplanExport", "CareplanText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Exports (issue 3): PDF through Pango and Cairo, plain text, FHIR R4.
        .systemLibrary(
            name: "CPangoCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev"])]
        ),
        .target(name: "CareplanExport", dependencies: ["CareplanCore", "TermUI"]),
        // The PDF drawing, in its own program so that careplan itself never loads Pango and Cairo.
        .target(name: "CareplanPDF", dependencies: ["CareplanExport", "CPangoCairo"]),
        .executableTarget(name: "careplan-pdf", dependencies: ["CareplanExport", "CareplanPDF"]),
        // A program on a real pseudo-terminal and a model of its screen: for the benchmark and end-to-end tests.
        .target(name: "PseudoTerminal"),
        // The reliability tests' seed and scale knobs, shared by three test targets.
        .target(name: "ReliabilityKnobs"),
        // Tests only: a repository wrapper that fails writes as a full disk or a read-only store would.
        .target(name: "RepositoryTestSupport", dependencies: ["CareplanCore"]),
        .executableTarget(name: "careplan-bench", dependencies: ["CareplanCore", "CareplanSQLite", "CareplanStores", "CareplanPostgres", "CareplanExport", "CareplanScreens", "PseudoTerminal"]),
        .testTarget(name: "CareplanExportTests", dependencies: ["CareplanExport", "CareplanCore", "CareplanSQLite", "CareplanScreens", "careplan-pdf"], exclude: ["Golden", "Documents", "fhir_check.py"]),
        .testTarget(name: "CareplanCoreTests", dependencies: ["CareplanCore"]),
        // The SQLite store's own tests: files, permissions, schema, the audit trail attacked with raw SQL.
        .testTarget(name: "CareplanSQLiteTests", dependencies: ["CareplanSQLite", "CareplanStore", "CareplanCore", "ReliabilityKnobs",
                                                         .product(name: "GRDB", package: "GRDB.swift")],
                    exclude: ["Fixtures"]),
        // What every repository must do; each implementation adds its factory (one line) to run it.
        .testTarget(name: "RepositoryContractTests", dependencies: ["CareplanCore", "CareplanStore", "CareplanSQLite", "CareplanStores", "RepositoryTestSupport", "ReliabilityKnobs"]),
        // The SQL layer and its dialects, without a database.
        .testTarget(name: "CareplanStoreTests", dependencies: ["CareplanStore", "CareplanCore"]),
        // The PostgreSQL engine: addresses, pgpass, placeholders, the schema beside SQLite's, lost connections.
        .testTarget(name: "CareplanPostgresTests", dependencies: ["CareplanPostgres", "CareplanSQLite", "CareplanStores", "CareplanCore", "RepositoryTestSupport"]),
        // Opening a store from --store, and copying stores between engines.
        .testTarget(name: "CareplanStoresTests", dependencies: ["CareplanStores", "CareplanCore"]),
        .testTarget(name: "TermUITests", dependencies: ["TermUI", "CursesBackend"]),
        // (GRDB for the fuzz test only: it reads every text the store holds, and copies a staff PIN's slow hash.)
        .testTarget(name: "CareplanScreensTests", dependencies: ["CareplanScreens", "CareplanRuntime", "CareplanCore", "CareplanSQLite", "RepositoryTestSupport", "CareplanExport",
                                                          "TermUI", "ReliabilityKnobs", .product(name: "GRDB", package: "GRDB.swift")],
                    exclude: ["Golden", "Documents", "fhir_check.py"]),
        .testTarget(name: "EndToEndTests", dependencies: ["careplan", "CareplanCore", "CareplanStore", "CareplanSQLite", "CareplanStores", "PseudoTerminal", "ReliabilityKnobs", "RepositoryTestSupport"]),
    ]
)
