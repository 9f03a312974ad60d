// swift-tools-version: 6.2
import PackageDescription

let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        .executable(name: "gatehouse-bench", targets: ["gatehouse-bench"]),
        .executable(name: "gatehouse-bench-claude", targets: ["gatehouse-bench-claude"]),
        .executable(name: "gatehouse-confine", targets: ["gatehouse-confine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // C libraries, thin shims only.
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ"),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl"),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),

        // Shared modules.
        .target(name: "Messages", dependencies: [crypto]),
        .target(name: "Transport", dependencies: ["CZeroMQ", logging]),
        .target(name: "HTTP", dependencies: ["CCurl", logging]),
        .target(name: "Telegram", dependencies: ["HTTP", "Messages", "Settings", "Telemetry", logging, metrics]),
        .target(name: "Rendering"),
        .target(name: "Settings", dependencies: ["Messages", logging, lifecycle]),
        .target(name: "PeerLink", dependencies: ["Messages", "Transport", "Settings", "Telemetry", logging, lifecycle]),
        // Metrics: swift-metrics into a Prometheus registry per process; the guard serves everyone's on one endpoint.
        .target(name: "Telemetry", dependencies: [
            "Messages", metrics, logging, .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // Scheduled jobs: cron expressions, next run times in a time zone, `/schedule` parsed. Pure.
        .target(name: "Schedules"),
        // Tool screening: the shell grammar, Bash rules, file and network rules, the operator's policy file.
        .target(name: "ToolPolicy", dependencies: ["Messages"]),
        // The executor's outbound proxy: every connection a CLI (or a tool it runs) makes is screened at connect time.
        .target(name: "OutboundProxy", dependencies: [
            "ToolPolicy", logging, lifecycle,
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        ]),

        // The guard's durable state: the ledger (protocol + SQLite), the audit chain, content sealed at rest.
        .target(name: "Ledger", dependencies: [
            "Messages", "Settings", "ToolPolicy", logging, crypto, .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Who may go on: access tokens, lockout, rate buckets, cost limits, the anomaly detector. Pure.
        .target(name: "AccessControl", dependencies: ["Ledger", "Messages", crypto]),
        // Input screening: text, names, paths and uploads checked before anything is stored or run. Pure.
        .target(name: "Validation", dependencies: ["Messages", "ToolPolicy"]),
        // The CURVE keys of the guard's peers: who may connect on which link.
        .target(name: "PeerKeys", dependencies: [
            "Messages", "Transport", "Settings", logging, .product(name: "GRDB", package: "GRDB.swift"),
        ]),

        // Memory a quiet program hands back: free heap pages and the code pages its start-up ran.
        .target(name: "ProcessMemory", dependencies: ["CMalloc", logging, lifecycle]),

        // The four programs.
        .target(name: "Ingress", dependencies: ["Messages", "Transport", "PeerLink", "Telegram", "Settings", logging, lifecycle]),
        .target(name: "Guard", dependencies: [
            "Messages", "Transport", "Settings", "ToolPolicy", "Schedules", "Rendering", "ProcessMemory", "Telemetry",
            "Ledger", "AccessControl", "Validation", "PeerKeys", logging, lifecycle, crypto, metrics,
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "Executor", dependencies: [
            "Messages", "Transport", "PeerLink", "Settings", "ToolPolicy", "OutboundProxy", logging, lifecycle, crypto,
            .product(name: "Subprocess", package: "swift-subprocess"),
            // Archive uploads: gzip and raw deflate streams inflated a window at a time.
            .product(name: "CompressNIO", package: "compress-nio"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "Egress", dependencies: ["Messages", "Transport", "PeerLink", "Telegram", "Rendering", "Settings", logging, lifecycle]),
        // The webhook receiver: the one program exposed to the internet, holding only the webhook secrets.
        .target(name: "Webhooks", dependencies: [
            "Messages", "Transport", "PeerLink", "Settings", logging, lifecycle, crypto,
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOPosix", package: "swift-nio"),
        ]),

        // The operator's command line: runs any of the four programs, or all of them (`gatehouse up`).
        .executableTarget(name: "gatehouse", dependencies: [
            "Ingress", "Guard", "Ledger", "AccessControl", "PeerKeys", "Executor", "Egress", "Webhooks", "ProcessMemory", "Settings", "Messages", "ToolPolicy", "OutboundProxy", "Schedules", logging, lifecycle,
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Subprocess", package: "swift-subprocess"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "SystemPackage", package: "swift-system"),
            "Transport",
        ]),

        // The executor starts every Claude Code CLI through this C trampoline: Landlock, no_new_privs and
        // resource limits, then exec (swift-subprocess has no pre-exec hook). Installed next to `gatehouse`.
        // Linked statically, like gatehouse-bench-claude: SwiftPM links every executable with the Swift driver, which
        // would otherwise load libswiftCore (and the loader's work) into every CLI start.
        .executableTarget(
            name: "gatehouse-confine", path: "Sources/Confine",
            linkerSettings: [.unsafeFlags(["-static-executable"])]),

        // Benchmarks: the real programs' code against the test doubles, numbers printed (`swift run -c release gatehouse-bench`).
        .executableTarget(name: "gatehouse-bench", dependencies: [
            "Egress", "Guard", "Ledger", "PeerKeys", "Executor", "Transport", "Messages", "Settings", "TestSupport", "HTTP", logging, crypto,
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ], path: "Benchmarks/GatehouseBench"),
        // A scripted stand-in for the Claude Code CLI that answers at once (or after `bench-sleep-ms=N`).
        // Linked with the static standard library: loading libswiftCore would add ~2 ms to every "CLI start".
        .executableTarget(
            name: "gatehouse-bench-claude", path: "Benchmarks/FakeClaude",
            linkerSettings: [.unsafeFlags(["-static-executable"])]),

        // Test doubles for what lives outside the machine: Telegram and the Anthropic API.
        .target(name: "TestSupport", dependencies: [
            "Messages", "Transport", logging,
            .product(name: "Subprocess", package: "swift-subprocess"),
            // Archives built byte by byte for the archive tests (gzip and deflate through zlib).
            .product(name: "CompressNIO", package: "compress-nio"), .product(name: "NIOCore", package: "swift-nio"),
        ], path: "Tests/Support", resources: [.copy("Fixtures")]),

        .testTarget(name: "MessagesTests", dependencies: ["Messages"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering"]),
        .testTarget(name: "SchedulesTests", dependencies: ["Schedules"]),
        .testTarget(name: "TransportTests", dependencies: ["Transport", logging]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings", logging, lifecycle]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", logging]),
        .testTarget(name: "GuardTests", dependencies: [
            "Guard", "Ledger", "AccessControl", "Validation", "PeerKeys", "Messages", "Settings", "TestSupport", "ToolPolicy", logging,
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "ProcessMemoryTests", dependencies: ["ProcessMemory", logging, lifecycle]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "Messages", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AccessControlTests", dependencies: ["AccessControl", "Ledger", "Messages"]),
        .testTarget(name: "ValidationTests", dependencies: ["Validation", "TestSupport"], exclude: ["Corpus"]),
        .testTarget(name: "PeerKeysTests", dependencies: ["PeerKeys", "Settings", logging]),
        .testTarget(name: "ToolPolicyTests", dependencies: ["ToolPolicy", "Messages", "TestSupport"]),
        .testTarget(name: "OutboundProxyTests", dependencies: [
            "OutboundProxy", "ToolPolicy", "TestSupport", logging,
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "EgressTests", dependencies: ["Egress", "Messages", "TestSupport"]),
        .testTarget(name: "IngressTests", dependencies: [
            "Ingress", "Telegram", "Messages", "HTTP", "Settings", "TestSupport", logging,
        ]),
        .testTarget(name: "FaultTests", dependencies: ["TestSupport", "Messages"]),
        .testTarget(name: "EndToEndTests", dependencies: [
            // Ledger: `ContentCipher`, to read the database as the privacy tests must (decrypted).
            "TestSupport", "Messages", "Guard", "Ledger", crypto, .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "SupportTests", dependencies: [
            "TestSupport", "Messages", .product(name: "Subprocess", package: "swift-subprocess"),
        ]),
        .testTarget(name: "ExecutorTests", dependencies: ["Executor", "OutboundProxy", "TestSupport", "Messages", "Transport", logging]),
        .testTarget(name: "SandboxTests", dependencies: ["Executor"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport", logging]),
        .testTarget(name: "NetworkTests", dependencies: ["TestSupport"]),
        .testTarget(name: "WebhooksTests", dependencies: [
            "Webhooks", "Messages", "Transport", "Settings", "HTTP", "TestSupport", logging, crypto, lifecycle,
        ]),
    ]
)
