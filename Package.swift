// swift-tools-version: 6.0
import PackageDescription

/// Settings shared by every target.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "ordrecon",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ordrecon", targets: ["ordrecon"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The SQLite C library from the system (Debian: libsqlite3-dev).
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // libcurl from the system (Debian: libcurl4-openssl-dev), with typed setopt wrappers.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // libpq, PostgreSQL's client library, from the system (Debian: libpq-dev).
        .systemLibrary(
            name: "CPostgres",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // libharu from the system (Debian: libhpdf-dev; no pkg-config file), for the PDF invoices.
        .systemLibrary(
            name: "CHaru",
            providers: [.apt(["libhpdf-dev"])]
        ),
        // Pure domain: statuses, transitions, money, time, parsing, judging, config, the records and
        // reports that cross the ports, and the ports (the store port, the HTTP client). No I/O, no C.
        .target(
            name: "OrdreconCore",
            swiftSettings: swiftSettings
        ),
        // The SQLite adapter of Core's store port: schema, migrations, state, audit log, files, runs,
        // invoices and refunds records.
        .target(
            name: "OrdreconStore",
            dependencies: ["OrdreconCore", "CSQLite"],
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL adapter of Core's store port (libpq): the same schema, answers and rules
        // as the SQLite store, with its own migrations, the ingest lock and refund claims that let
        // several nodes share one database.
        .target(
            name: "OrdreconPostgres",
            dependencies: ["OrdreconCore", "CPostgres"],
            swiftSettings: swiftSettings
        ),
        // The run, through Core's store port (it never sees SQLite): inbox scanning, claiming files,
        // batches, archive/failed, rejections, lock, and the refund relay.
        .target(
            name: "OrdreconEngine",
            dependencies: [
                "OrdreconCore", "OrdreconInvoices", "OrdreconLogging",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP adapter of the payment gateway: libcurl clients behind the core's
        // `ConcurrentHTTPClient` port, that only speak HTTP (the relay that decides what to send
        // and records it is in OrdreconEngine/Refunds).
        .target(
            name: "OrdreconGateway",
            dependencies: ["OrdreconCore", "CCurl"],
            swiftSettings: swiftSettings
        ),
        // GST tax invoices and credit notes as PDF (libharu, embedded DejaVu fonts).
        .target(
            name: "OrdreconInvoices",
            dependencies: [
                "OrdreconCore", "CHaru",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // A payment gateway to run locally and in tests, which can be told to misbehave.
        .target(
            name: "OrdreconMockGateway",
            dependencies: [
                "OrdreconCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Structured log lines (logfmt or JSON Lines) for swift-log, with secrets kept out.
        .target(
            name: "OrdreconLogging",
            dependencies: ["OrdreconCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // What runs and the daemon did, as Prometheus metrics (the text of the scrape endpoint and
        // of the textfile; the engine's MetricsTextfile writes that file).
        .target(
            name: "OrdreconMetrics",
            dependencies: [
                "OrdreconCore",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // `ordrecon watch`: inbox watching, refund dispatch and metrics as services of one group.
        .target(
            name: "OrdreconDaemon",
            dependencies: [
                "OrdreconCore", "OrdreconEngine", "OrdreconGateway", "OrdreconMetrics", "OrdreconLogging",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ],
            swiftSettings: swiftSettings
        ),
        // Realistic feed workloads for tests and the benchmark.
        .target(
            name: "OrdreconWorkload",
            dependencies: ["OrdreconCore", "OrdreconLogging"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ordrecon",
            dependencies: ["OrdreconApp"],
            swiftSettings: swiftSettings
        ),
        // Every command, under the executable: the composition root. Tests call it in process
        // (`Ordrecon.execute`) with their own folder, environment and outputs.
        .target(
            name: "OrdreconApp",
            dependencies: [
                "OrdreconCore", "OrdreconStore", "OrdreconPostgres", "OrdreconEngine", "OrdreconWorkload",
                "OrdreconGateway", "OrdreconMockGateway", "OrdreconLogging", "OrdreconMetrics", "OrdreconDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OrdreconTestSupport",
            dependencies: ["CSQLite", "CPostgres", "OrdreconCore", "OrdreconStore", "OrdreconPostgres", "OrdreconApp"],
            path: "Tests/OrdreconTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrdreconCoreTests",
            dependencies: ["OrdreconCore", "OrdreconTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrdreconStoreTests",
            dependencies: ["OrdreconCore", "OrdreconStore", "OrdreconPostgres", "OrdreconTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrdreconEndToEndTests",
            dependencies: [
                "OrdreconCore", "OrdreconEngine", "OrdreconPostgres", "OrdreconWorkload", "OrdreconTestSupport",
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrdreconGatewayTests",
            dependencies: [
                "OrdreconCore", "OrdreconStore", "OrdreconGateway", "OrdreconMockGateway", "OrdreconTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrdreconEngineTests",
            dependencies: [
                "OrdreconCore", "OrdreconStore", "OrdreconGateway", "OrdreconEngine", "OrdreconTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrdreconDaemonTests",
            dependencies: [
                "OrdreconDaemon", "OrdreconCore", "OrdreconStore", "OrdreconEngine", "OrdreconMetrics",
                "OrdreconTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrdreconLoggingTests",
            dependencies: ["OrdreconLogging", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrdreconMetricsTests",
            dependencies: [
                "OrdreconMetrics", "OrdreconEngine", "OrdreconGateway", "OrdreconCore", "OrdreconTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrdreconWorkloadTests",
            dependencies: ["OrdreconWorkload", "OrdreconCore", "OrdreconTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrdreconInvoicesTests",
            dependencies: ["OrdreconInvoices", "OrdreconCore", "OrdreconTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
