// swift-tools-version:6.2
// libFuzzer targets for Warden's hand-written parsers (issue 17). Built with the fuzzer and the
// address sanitizer by run.sh; never part of `swift test`. Each target's LLVMFuzzerTestOneInput
// checks a property (a round trip, agreement with a reference) and traps when it fails.
import PackageDescription

let package = Package(
    name: "warden-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "warden", path: ".."),
    ],
    targets: [
        .executableTarget(name: "FuzzBase64URL", dependencies: [.product(name: "WardenCore", package: "warden")]),
        .executableTarget(name: "FuzzJSON", dependencies: [.product(name: "WardenCore", package: "warden")]),
        .executableTarget(name: "FuzzAuthorization", dependencies: [.product(name: "WardenCore", package: "warden")]),
    ]
)
