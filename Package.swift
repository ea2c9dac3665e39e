// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "warden",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "WardenCore", targets: ["WardenCore"]),
        .library(name: "WardenHummingbird", targets: ["WardenHummingbird"]),
        .library(name: "WardenVapor", targets: ["WardenVapor"]),
        .library(name: "WardenOpenAPI", targets: ["WardenOpenAPI"]),
        .library(name: "WardenTesting", targets: ["WardenTesting"]),
        .library(name: "WardenClient", targets: ["WardenClient"]),
        .library(name: "WardenServer", targets: ["WardenServer"]),
        .library(name: "WardenServerHummingbird", targets: ["WardenServerHummingbird"]),
        .library(name: "WardenSQLite", targets: ["WardenSQLite"]),
        .library(name: "WardenPostgres", targets: ["WardenPostgres"]),
        .library(name: "WardenStoreConformance", targets: ["WardenStoreConformance"]),
        .library(name: "WardenTelemetry", targets: ["WardenTelemetry"]),
        .library(name: "WardenExecutor", targets: ["WardenExecutor"]),
        .executable(name: "warden", targets: ["warden"]),
        .executable(name: "scopes-tutorial", targets: ["ScopesTutorialCLI"]),
        .executable(name: "scopes-tutorial-vapor", targets: ["ScopesTutorialVaporCLI"]),
        .executable(name: "shop-demo", targets: ["ShopDemoCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-http-structured-headers.git", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        // Traces over OTLP/HTTP only (issue 16): the gRPC trait would build grpc-swift too.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // The framework-neutral core: scopes, claims, the verifier, static key sets, revocations,
        // the bearer rules and the form codec. Never imports a web framework, an HTTP client or NIO.
        .target(
            name: "WardenCore",
            dependencies: [
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                // The tracing API only (spans for verification, issue 16); no exporter.
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        // Swift's global executor on NIO's event loops, jobs run as generic ones (issue 16): for
        // the executables' `main`, and services that want the same.
        .target(
            name: "WardenExecutor",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Turning tracing on from the OpenTelemetry variables: the only target that imports
        // swift-otel (the commands depend on it; the libraries see only the tracing API).
        .target(
            name: "WardenTelemetry",
            dependencies: [
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The OpenAPI document of a protected API and its `/docs` page, for every adapter:
        // framework-neutral (OpenAPIKit, HTTPTypes).
        .target(
            name: "WardenOpenAPI",
            dependencies: [
                "WardenCore",
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Resource-server adapter for Hummingbird: authenticator, scoped route groups, errors, OpenAPI.
        .target(
            name: "WardenHummingbird",
            dependencies: [
                "WardenCore",
                "WardenOpenAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        // The resource-server side for Vapor 4: the same rules as WardenHummingbird (WardenCore's
        // Bearer/ folder), adapted.
        .target(
            name: "WardenVapor",
            dependencies: [
                "WardenCore",
                "WardenClient",
                "WardenOpenAPI",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test helpers for users' own tests: generated keys, a key set, a token minter.
        .target(
            name: "WardenTesting",
            dependencies: [
                "WardenCore",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Calling other services and following the authorization server: token providers, the
        // remote (JWKS) key set, the revocation-feed subscriber.
        .target(
            name: "WardenClient",
            dependencies: [
                "WardenCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The authorization server as a library: grants, keys, sign-in pages, storage protocols.
        // No web framework (its routes are WardenServerHummingbird's).
        .target(
            name: "WardenServer",
            dependencies: [
                "WardenCore",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Alert webhooks (issue 14): the server's only outgoing HTTP.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The authorization server's HTTP endpoints on Hummingbird: routes, the OAuth form and
        // JSON edges, the revocation stream, its OpenAPI document, /metrics.
        .target(
            name: "WardenServerHummingbird",
            dependencies: [
                "WardenServer",
                "WardenCore",
                "WardenHummingbird",
                "WardenOpenAPI",
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The embedded default storage: one SQLite file.
        .target(
            name: "WardenSQLite",
            dependencies: [
                "WardenServer",
                "WardenCore",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Storage for several server nodes: PostgreSQL.
        .target(
            name: "WardenPostgres",
            dependencies: [
                "WardenServer",
                "WardenCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // What any AuthorizationStore must do, as swift-testing checks a store's own tests run
        // (both of Warden's stores do, in StoreConformanceTests).
        .target(
            name: "WardenStoreConformance",
            dependencies: ["WardenServer", "WardenCore"],
            swiftSettings: swiftSettings
        ),
        // The `warden` command line as a library (tests run its commands in-process).
        .target(
            name: "WardenCLI",
            dependencies: [
                "WardenServer",
                "WardenExecutor",
                "WardenServerHummingbird",
                "WardenSQLite",
                "WardenPostgres",
                "WardenCore",
                "WardenTelemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "warden",
            dependencies: [
                "WardenCLI",
                "WardenExecutor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The FastAPI "OAuth2 scopes" tutorial rebuilt on Warden: what both builds share (users,
        // scopes, the password grant, the answers), then one library + thin @main per framework.
        .target(
            name: "ScopesTutorialCore",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "WardenCore",
                "WardenClient",
                "WardenOpenAPI",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Examples/ScopesTutorial/Sources/ScopesTutorialCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ScopesTutorial",
            dependencies: [
                "ScopesTutorialCore",
                "WardenExecutor",
                "WardenCore",
                "WardenHummingbird",
                "WardenOpenAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Examples/ScopesTutorial/Sources/ScopesTutorial",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ScopesTutorialCLI",
            dependencies: [
                "ScopesTutorial",
                "ScopesTutorialCore",
                "WardenTelemetry",
                "WardenExecutor",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Examples/ScopesTutorial/Sources/ScopesTutorialCLI",
            swiftSettings: swiftSettings
        ),
        // Both builds started on a free port, with one HTTP client: what the tutorial's tests
        // (and WardenServerTests' tutorial-against-Warden tests) run against.
        .target(
            name: "ScopesTutorialTesting",
            dependencies: [
                "ScopesTutorial",
                "ScopesTutorialCore",
                "ScopesTutorialVapor",
                "WardenCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Examples/ScopesTutorial/Sources/ScopesTutorialTesting",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ScopesTutorialVapor",
            dependencies: [
                "ScopesTutorialCore",
                "WardenCore",
                "WardenVapor",
                "WardenOpenAPI",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/ScopesTutorial/Sources/ScopesTutorialVapor",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ScopesTutorialVaporCLI",
            dependencies: [
                "ScopesTutorialVapor",
                "ScopesTutorialCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/ScopesTutorial/Sources/ScopesTutorialVaporCLI",
            swiftSettings: swiftSettings
        ),
        // The README's Swift blocks, each with exactly its imports (Tests/Readme/run_readme.py
        // checks the README against these files).
        .testTarget(
            name: "ReadmeSnippetTests",
            dependencies: [
                "WardenCore",
                "WardenClient",
                "WardenHummingbird",
                "WardenTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WardenVaporTests",
            dependencies: [
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                "WardenCore",
                "WardenVapor",
                "WardenOpenAPI",
                "WardenClient",
                "WardenTesting",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WardenTelemetryTests",
            dependencies: ["WardenTelemetry"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WardenCoreTests",
            dependencies: [
                "WardenCore",
                "WardenTesting",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        // The remote key set against a real JWKS endpoint (a Hummingbird app on loopback).
        .testTarget(
            name: "WardenClientTests",
            dependencies: [
                "WardenClient",
                "WardenCore",
                "WardenTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WardenHummingbirdTests",
            dependencies: [
                "WardenExecutor",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                "WardenCore",
                "WardenClient",
                "WardenHummingbird",
                "WardenOpenAPI",
                "WardenTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WardenServerTests",
            dependencies: [
                "WardenServer",
                "WardenServerHummingbird",
                "WardenStoreConformance",
                "WardenPostgres",
                "WardenClient",
                "WardenTesting",
                "ScopesTutorialCore",
                "ScopesTutorialTesting",
                "WardenSQLite",
                "WardenCLI",
                "WardenCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The shop (issue 4): order and payment services built only on Warden's public products,
        // the demo that runs them with an authorization server, and its tests.
        .target(
            name: "ShopServices",
            dependencies: [
                "WardenCore",
                "WardenExecutor",
                "WardenHummingbird",
                "WardenClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/Shop/Sources/ShopServices",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ShopDemo",
            dependencies: [
                "ShopServices",
                "WardenExecutor",
                "WardenCore",
                "WardenClient",
                "WardenServer",
                "WardenServerHummingbird",
                "WardenSQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Examples/Shop/Sources/ShopDemo",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ShopDemoCLI",
            dependencies: [
                "ShopDemo",
                "WardenCore",
                "WardenTelemetry",
                "WardenExecutor",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/Shop/Sources/ShopDemoCLI",
            swiftSettings: swiftSettings
        ),
        // Issue 5's propagation benchmark: how long a revocation on one node takes to reach a
        // resource server subscribed to another (Benchmarks/cluster/run.sh runs it).
        .executableTarget(
            name: "PropagationProbe",
            dependencies: [
                "WardenCore",
                "WardenClient",
                "WardenTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/cluster/PropagationProbe",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ShopTests",
            dependencies: [
                "ShopDemo",
                "ShopServices",
                "WardenCore",
                "WardenClient",
                "WardenServer",
                "WardenServerHummingbird",
                "WardenSQLite",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Examples/Shop/Tests/ShopTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScopesTutorialTests",
            dependencies: [
                "ScopesTutorialCore",
                "ScopesTutorialTesting",
                "WardenCore",
                "WardenTesting",
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Examples/ScopesTutorial/Tests/ScopesTutorialTests",
            swiftSettings: swiftSettings
        ),
    ]
)
