// swift-tools-version:6.2
// Benchmarks live in their own package so they never slow `swift test` (as swift-certificates
// and jwt-kit do). Run: `swift package --disable-sandbox benchmark` here, or `./run.sh` for ratios.
import PackageDescription

let package = Package(
    name: "warden-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "warden", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-structured-headers.git", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "VerifyBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WardenCore", package: "warden"),
                .product(name: "WardenTesting", package: "warden"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/VerifyBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A plain loop for profilers; not a benchmark.
        .executableTarget(
            name: "ProfileVerify",
            dependencies: [
                .product(name: "WardenCore", package: "warden"),
                .product(name: "WardenTesting", package: "warden"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/ProfileVerify"
        ),
        // The routes issue 16's cached target compares, over HTTP and in process.
        .target(
            name: "ResourceRoutes",
            dependencies: [
                .product(name: "WardenCore", package: "warden"),
                .product(name: "WardenHummingbird", package: "warden"),
                .product(name: "WardenTesting", package: "warden"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Sources/ResourceRoutes"
        ),
        // Those routes through Hummingbird's router in process, interleaved, by CPU time.
        .executableTarget(
            name: "ProfileRoutes",
            dependencies: ["ResourceRoutes"],
            path: "Sources/ProfileRoutes"
        ),
        // Those routes through Hummingbird's router in process: no HTTP, no socket (issue 16).
        .executableTarget(
            name: "RouteBenchmarks",
            dependencies: [
                "ResourceRoutes",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WardenCore", package: "warden"),
                .product(name: "WardenHummingbird", package: "warden"),
                .product(name: "WardenTesting", package: "warden"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Benchmarks/RouteBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The resource server of resource/run.sh: plain, bearer and DPoP routes, proofs, floors.
        .executableTarget(
            name: "ResourceServerBench",
            dependencies: [
                "ResourceRoutes",
                .product(name: "WardenCore", package: "warden"),
                .product(name: "WardenExecutor", package: "warden"),
                .product(name: "WardenHummingbird", package: "warden"),
                .product(name: "WardenClient", package: "warden"),
                .product(name: "WardenTesting", package: "warden"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/ResourceServerBench"
        ),
    ]
)
