// swift-tools-version:6.2
// libFuzzer targets for Warden's hand-written parsers (issue 17). Built with the fuzzer and the
// address sanitizer (and -enable-testing, so targets may reach internal and `package` parsers
// through `@testable import`; every target depends on WardenCore alone) by run.sh; never part of `swift test`. Each target's
// LLVMFuzzerTestOneInput checks a property (a round trip, agreement with a reference) and traps
// when it fails.
import PackageDescription

let core: Target.Dependency = .product(name: "WardenCore", package: "warden")

let package = Package(
    name: "warden-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "warden", path: ".."),
        .package(url: "https://github.com/apple/swift-http-structured-headers.git", from: "1.7.0"),
    ],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(name: "FuzzBase64URL", dependencies: ["FuzzSupport", core]),
        .executableTarget(name: "FuzzJSON", dependencies: ["FuzzSupport", core]),
        .executableTarget(name: "FuzzTokenJSON", dependencies: ["FuzzSupport", core]),
        .executableTarget(name: "FuzzAuthorization", dependencies: ["FuzzSupport", core]),
        .executableTarget(name: "FuzzForm", dependencies: ["FuzzSupport", core]),
        .executableTarget(name: "FuzzDPoPProof", dependencies: ["FuzzSupport", core]),
        .executableTarget(name: "FuzzSignatureFields", dependencies: [
            "FuzzSupport", core, .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
        ]),
        // The three parsers of WardenClient and WardenPostgres live in WardenCore (NIO-free):
        // depending on those modules built NIO, NIOSSL, HTTP/2, AsyncHTTPClient and PostgresNIO
        // with the sanitizers, most of the fuzzers' build time.
        .executableTarget(name: "FuzzServerSentEvents", dependencies: ["FuzzSupport", core]),
        .executableTarget(name: "FuzzCacheControl", dependencies: ["FuzzSupport", core]),
        .executableTarget(name: "FuzzPostgresURL", dependencies: ["FuzzSupport", core]),
        // IPAddressRange moved to WardenCore for this target (it was in WardenServer, on NIO).
        .executableTarget(name: "FuzzIPAddressRange", dependencies: ["FuzzSupport", core]),
    ]
)
