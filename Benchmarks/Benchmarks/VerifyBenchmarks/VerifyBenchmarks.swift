import Benchmark
import Crypto
import Foundation
import JWTKit
import WardenCore
import WardenTesting

/// The four numbers of issue 2, measured in one run so their ratios mean something:
/// raw swift-crypto P-256 verify (the floor), bare jwt-kit ES256 verify, Warden's whole verify
/// path (cache off) and Warden with a repeated (cached) token. `ratios.py` turns them into ratios.
///
/// Every sample runs 1,000 verifications (`scalingFactor: .kilo`), the same for every benchmark:
/// a sample of one call measures the clock reads and the caches the harness cooled between
/// samples (the cached path read 1.5 µs that way, 0.65 µs at 1,000 per sample), not the verifier.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 200_000
    )

    formBenchmarks()

    Benchmark("P-256 verify (swift-crypto, raw)") { benchmark in
        let fixture = await Fixture.make()
        let parts = fixture.token.split(separator: ".")
        let signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: Base64URL.decodeCanonical(Array(parts[2].utf8))!)
        let publicKey = fixture.rawPublicKey
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            // ES256 = SHA-256 of the signing input + P-256 verify.
            blackHole(publicKey.isValidSignature(signature, for: SHA256.hash(data: signingInput)))
        }
        benchmark.stopMeasurement()
    }

    Benchmark("ES256 verify (jwt-kit, bare)") { benchmark in
        let fixture = await Fixture.make()
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: fixture.jwtKitPublicKey, kid: "bench")
        try await measureJWTKit(benchmark, keys, fixture.token)
    }

    Benchmark("ES256 verify (Warden, full path, cache off)") { benchmark in
        let fixture = await Fixture.make()
        let verifier = fixture.issuer.verifier(configure: { $0.cacheCapacity = 0 })
        try await measureVerify(benchmark, verifier, fixture.token)
    }

    // Where the time goes: the signature step alone, and the whole path with a MAC that costs ~1 µs
    // (so what remains is Warden's parsing and checks).
    Benchmark("ES256 signature step only (Warden key → jwt-kit)") { benchmark in
        let fixture = await Fixture.make()
        let parts = fixture.token.split(separator: ".")
        let signingInput = Array("\(parts[0]).\(parts[1])".utf8)[...]
        let signature = Base64URL.decodeCanonical(Array(parts[2].utf8))!
        let key = fixture.issuer.signingKey.verificationKey
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(key.isValidSignature(signature, for: signingInput))
        }
        benchmark.stopMeasurement()
    }

    Benchmark("HS256 verify (Warden, full path, cache off)") { benchmark in
        let key = try await SigningKey.hmac(secret: [UInt8](repeating: 7, count: 32), id: "bench")
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service", signingKey: key)
        let token = try issuer.token(subject: "alice", scope: ["order.read", "order.write"], lifetime: .seconds(3600))
        let verifier = issuer.verifier(configure: { $0.cacheCapacity = 0 })
        try await measureVerify(benchmark, verifier, token)
    }

    Benchmark("ES256 verify (Warden, repeated token, cached)") { benchmark in
        let fixture = await Fixture.make()
        let verifier = fixture.issuer.verifier()
        _ = try await verifier.verify(fixture.token)
        try await measureVerify(benchmark, verifier, fixture.token)
    }

    // What adapters call first on a request (issue 16): no `await`, a cache hit.
    Benchmark("ES256 verify (Warden, repeated token, cached, without suspending)") { benchmark in
        let fixture = await Fixture.make()
        let verifier = fixture.issuer.verifier()
        _ = try await verifier.verify(fixture.token)
        var checksum = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            checksum &+= try verifier.verifyWithoutSuspending(fixture.token)?.tokenID.utf8.count ?? 0
        }
        benchmark.stopMeasurement()
        blackHole(checksum)
    }

    // The verified-token cache's key for an ES256 signature (86 characters): SHA-256 of it, as
    // before, beside the standard library's seeded SipHash of the same bytes.
    func cacheKey(_ name: String, _ hash: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        Benchmark("cache key: \(name) of the signature (86 B)") { benchmark in
            let signature = Array(String(repeating: "MEUCIQDx", count: 11).utf8.prefix(86))
            signature.withUnsafeBytes { bytes in
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { hash(bytes) }
                benchmark.stopMeasurement()
            }
        }
    }
    cacheKey("SHA-256") { bytes in
        var hash = SHA256()
        hash.update(bufferPointer: bytes)
        blackHole(hash.finalize())
    }
    cacheKey("Hasher (SipHash-1-3)") { bytes in
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        blackHole(hasher.finalize())
    }
}

// The measured loops run in nonisolated functions, off the main actor, as a server's request
// handlers do: a loop on the main actor would pay two executor hops per `await`, which is the
// benchmark's cost, not the verifier's.

func measureVerify(_ benchmark: Benchmark, _ verifier: AccessTokenVerifier<StaticKeySet>, _ token: String) async throws {
    var checksum = 0
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        checksum &+= try await verifier.verify(token).tokenID.utf8.count
    }
    benchmark.stopMeasurement()
    blackHole(checksum)
}

func measureJWTKit(_ benchmark: Benchmark, _ keys: JWTKeyCollection, _ token: String) async throws {
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        blackHole(try await keys.verify(token, as: BenchmarkPayload.self))
    }
    benchmark.stopMeasurement()
}

/// One ES256 key and one realistic token, the same for every benchmark.
struct Fixture {
    let issuer: TestTokenIssuer
    let token: String
    let rawPublicKey: P256.Signing.PublicKey
    let jwtKitPublicKey: ES256PublicKey

    static func make() async -> Fixture {
        let privateKey = ES256PrivateKey()
        let signingKey = try! await SigningKey.es256(privateKey, id: "bench")
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service", signingKey: signingKey)
        let token = try! issuer.token(subject: "alice", scope: ["order.read", "order.write"], lifetime: .seconds(3600))
        let parameters = privateKey.publicKey.parameters!
        let x = Base64URL.decodeCanonical(Array(parameters.x.utf8))!
        let y = Base64URL.decodeCanonical(Array(parameters.y.utf8))!
        let raw = try! P256.Signing.PublicKey(rawRepresentation: x + y)
        return Fixture(issuer: issuer, token: token, rawPublicKey: raw, jwtKitPublicKey: privateKey.publicKey)
    }
}

/// The claims jwt-kit decodes (with JSONDecoder) for the bare comparison.
struct BenchmarkPayload: JWTPayload {
    let iss: IssuerClaim
    let sub: SubjectClaim
    let aud: AudienceClaim
    let exp: ExpirationClaim
    let iat: IssuedAtClaim
    let jti: IDClaim
    let client_id: String
    let scope: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
