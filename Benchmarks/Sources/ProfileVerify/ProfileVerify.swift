import Crypto
import Foundation
import WardenCore
import WardenTesting

/// A plain loop over Warden's verify path for profilers (`valgrind --tool=callgrind`), which
/// count instructions, not seconds, or `perf record`. Usage: ProfileVerify [hs256|es256]
/// [iterations] [cached|raw|at-hand|parallel [threads] [distinct]] (at-hand: cached, by
/// `verifyWithoutSuspending`, as adapters verify a request's token first; parallel: the same on
/// one thread and on `threads` at once, rounds of 1 s alternating, iterations / 1,000,000 rounds
/// (at least 3) — how cache hits scale over cores, ParallelHits.swift).
@main
struct ProfileVerify {
    static func main() async throws {
        let arguments = CommandLine.arguments
        let algorithm = arguments.count > 1 ? arguments[1] : "hs256"
        let iterations = arguments.count > 2 ? Int(arguments[2])! : 20_000
        let key = algorithm == "es256"
            ? await SigningKey.generateES256(id: "bench")
            : try await SigningKey.hmac(secret: [UInt8](repeating: 7, count: 32), id: "bench")
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service", signingKey: key)
        let token = try issuer.token(subject: "alice", scope: ["order.read", "order.write"], lifetime: .seconds(3600))
        if arguments.count > 3 && arguments[3] == "raw" {
            // The floor, in the same loop shape: SHA-256 of the signing input + P-256 verify.
            let parts = token.split(separator: ".")
            let input = Array("\(parts[0]).\(parts[1])".utf8)
            let signature = try P256.Signing.ECDSASignature(rawRepresentation: Base64URL.decodeCanonical(Array(parts[2].utf8))!)
            let jwk = key.verificationKey.publicJWK!
            let x = Base64URL.decodeCanonical(Array(jwk["x"]!.stringValue!.utf8))!
            let y = Base64URL.decodeCanonical(Array(jwk["y"]!.stringValue!.utf8))!
            let publicKey = try P256.Signing.PublicKey(rawRepresentation: x + y)
            let start = ContinuousClock.now
            var valid = 0
            for _ in 0..<iterations where publicKey.isValidSignature(signature, for: SHA256.hash(data: input)) { valid += 1 }
            print("raw P-256: \(valid) verified, \((ContinuousClock.now - start) / iterations) each")
            return
        }
        if arguments.count > 3 && arguments[3] == "parallel" {
            let verifier = issuer.verifier()
            let threads = arguments.count > 4 ? Int(arguments[4])! : ProcessInfo.processInfo.activeProcessorCount
            // `distinct`: a token of its own for each thread; otherwise all present one.
            let distinct = arguments.count > 5 && arguments[5] == "distinct"
            var tokens = [token]
            if distinct {
                for index in 1..<threads { tokens.append(try issuer.token(subject: "user\(index)", scope: ["order.read"], lifetime: .seconds(3600))) }
            }
            for token in tokens { _ = try await verifier.verify(token) }
            ParallelHits.compare(verifier, tokens, threads: threads, rounds: max(iterations / 1_000_000, 3))
            return
        }
        let cached = arguments.count > 3 && (arguments[3] == "cached" || arguments[3] == "at-hand")
        if arguments.count > 3 && arguments[3] == "at-hand" {
            let verifier = issuer.verifier()
            _ = try await verifier.verify(token)
            let (accepted, elapsed) = await Task.detached { () -> (Int, Duration) in
                var accepted = 0
                let start = ContinuousClock.now
                for _ in 0..<iterations where (try? verifier.verifyWithoutSuspending(token)) != nil { accepted += 1 }
                return (accepted, ContinuousClock.now - start)
            }.value
            print("\(algorithm) at hand: \(accepted) verified, \(elapsed / iterations) each")
            return
        }
        let verifier = issuer.verifier(configure: { $0.cacheCapacity = cached ? 10_000 : 0 })
        // Off the main actor, as a server's request handlers are: no executor hop per call.
        let (accepted, elapsed) = await Task.detached { await loop(verifier, token, iterations) }.value
        print("\(algorithm): \(accepted) verified, \(elapsed / iterations) each")
    }
}

func loop(_ verifier: AccessTokenVerifier<StaticKeySet>, _ token: String, _ iterations: Int) async -> (Int, Duration) {
    var accepted = 0
    let start = ContinuousClock.now
    for _ in 0..<iterations {
        if (try? await verifier.verify(token)) != nil { accepted += 1 }
    }
    return (accepted, ContinuousClock.now - start)
}
