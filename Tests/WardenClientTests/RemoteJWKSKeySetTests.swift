import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import WardenClient
import WardenCore
import WardenTesting

/// A real JWKS endpoint on loopback whose answers the test controls, counting requests.
final class JWKSEndpoint: Sendable {
    struct State {
        var body: [UInt8] = []
        var status: HTTPResponse.Status = .ok
        var cacheControl: String? = "max-age=300"
        var requests = 0
        var otherRequests = 0
    }
    let state = Mutex(State())

    func serve(_ keys: [VerificationKey]) { state.withLock { $0.body = JSONWebKeySet.document(for: keys); $0.status = .ok } }
    func fail() { state.withLock { $0.status = .internalServerError } }
    var requests: Int { state.withLock { $0.requests } }
    var otherRequests: Int { state.withLock { $0.otherRequests } }

    /// Runs a server for the duration of `body`, passing the JWKS URL.
    func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.get("jwks") { _, _ -> Response in
            let (bytes, status, cacheControl) = self.state.withLock { state in
                state.requests += 1
                return (state.body, state.status, state.cacheControl)
            }
            var headers: HTTPFields = [.contentType: "application/json"]
            if let cacheControl { headers[.cacheControl] = cacheControl }
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("**") { _, _ -> HTTPResponse.Status in
            self.state.withLock { $0.otherRequests += 1 }
            return .notFound
        }
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress!.port!) }
        )
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "jwks-endpoint")))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // However the server ends, the wait for its port below ends too (no hang).
                defer { ready.continuation.finish() }
                try await services.run()
            }
            var iterator = ready.stream.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.waitForAll()
                throw CancellationError()  // ended without an error and without serving
            }
            do {
                try await body("http://127.0.0.1:\(port)/jwks")
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
        }
    }
}

@Suite struct RemoteJWKSKeySetTests {
    @Test func fetchesKeysAndVerifiesTokens() async throws {
        let issuer = await TestTokenIssuer()
        let endpoint = JWKSEndpoint()
        endpoint.serve([issuer.signingKey.verificationKey])
        try await endpoint.run { url in
            let keys = RemoteJWKSKeySet(url: url)
            let verifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: keys)
            // Nothing fetched yet: no key at hand, the token is left to `verify` (which fetches).
            #expect(keys.verificationKeyAtHand(id: "test-key") == nil)
            let beforeFetch = try verifier.verifyWithoutSuspending(try issuer.token())
            #expect(beforeFetch == nil)
            _ = try await verifier.verify(try issuer.token())
            #expect(keys.keyIDs == ["test-key"])
            #expect(endpoint.requests == 1)
            // Fetched: at hand, and a new token verifies without suspending (no request).
            #expect(keys.verificationKeyAtHand(id: "test-key") != nil)
            let atHand = try verifier.verifyWithoutSuspending(try issuer.token(subject: "bob"))
            #expect(atHand?.subject == "bob")
            #expect(endpoint.requests == 1)
        }
    }

    @Test func aFloodOfUnknownKeyIDsCausesAtMostOneRefetchPerCooldown() async throws {
        let issuer = await TestTokenIssuer()
        let endpoint = JWKSEndpoint()
        endpoint.serve([issuer.signingKey.verificationKey])
        try await endpoint.run { url in
            let clock = ManualTimeSource()
            let keys = RemoteJWKSKeySet(url: url, timeSource: clock.timeSource)
            #expect(await keys.refresh())
            #expect(endpoint.requests == 1)
            let found = try await withThrowingTaskGroup(of: VerificationKey?.self) { group in
                for index in 0..<200 { group.addTask { try await keys.verificationKey(id: "forged-\(index)") } }
                return try await group.reduce(into: 0) { $0 += $1 == nil ? 0 : 1 }
            }
            #expect(found == 0)
            #expect(endpoint.requests == 2)  // the first unknown kid refetched once; the rest waited or were refused
            _ = try await keys.verificationKey(id: "forged-again")
            #expect(endpoint.requests == 2)
            clock.advance(by: .seconds(31))
            _ = try await keys.verificationKey(id: "forged-later")
            #expect(endpoint.requests == 3)
        }
    }

    @Test func anUnknownKeyIDPicksUpARotatedKey() async throws {
        let old = await TestTokenIssuer(keyID: "old")
        let new = await TestTokenIssuer(keyID: "new")
        let endpoint = JWKSEndpoint()
        endpoint.serve([old.signingKey.verificationKey])
        try await endpoint.run { url in
            let keys = RemoteJWKSKeySet(url: url)
            let verifier = AccessTokenVerifier(configuration: old.verifierConfiguration, keys: keys)
            _ = try await verifier.verify(try old.token())
            endpoint.serve([old.signingKey.verificationKey, new.signingKey.verificationKey])
            _ = try await verifier.verify(try new.token())
            #expect(keys.keyIDs == ["new", "old"])
        }
    }

    @Test func keepsTheLastGoodKeysUpToTheirMaximumAge() async throws {
        let issuer = await TestTokenIssuer()
        let endpoint = JWKSEndpoint()
        endpoint.serve([issuer.signingKey.verificationKey])
        try await endpoint.run { url in
            let clock = ManualTimeSource()
            var configuration = RemoteJWKSConfiguration()
            configuration.maximumStaleAge = .seconds(3600)
            let keys = RemoteJWKSKeySet(url: url, configuration: configuration, timeSource: clock.timeSource)
            let verifier = AccessTokenVerifier(
                configuration: issuer.verifierConfiguration, keys: keys, timeSource: clock.timeSource
            )
            #expect(await keys.refresh())
            endpoint.fail()
            clock.advance(by: .seconds(1800))
            #expect(await keys.refresh() == false)
            _ = try await verifier.verify(try issuer.token(now: clock.now))
            clock.advance(by: .seconds(1801))
            let later = try issuer.token(subject: "other", now: clock.now)
            // Past the maximum age no key is at hand: the path without suspending leaves the
            // token to `verify`, which refuses.
            #expect(keys.verificationKeyAtHand(id: "test-key") == nil)
            let leftToVerify = try verifier.verifyWithoutSuspending(later)
            #expect(leftToVerify == nil)
            do {
                _ = try await verifier.verify(later)
                Issue.record("stale keys were used")
            } catch let error as TokenVerificationError {
                #expect(error.reason == .keysUnavailable)
                #expect(error.description == "The token cannot be verified right now.")
            }
        }
    }

    @Test func boundsTheCacheLifetimeFromCacheControl() async throws {
        let issuer = await TestTokenIssuer()
        let endpoint = JWKSEndpoint()
        endpoint.serve([issuer.signingKey.verificationKey])
        try await endpoint.run { url in
            let clock = ManualTimeSource()
            for (header, expected) in [("max-age=5", 30.0), ("public, max-age=600", 600.0), ("max-age=99999999", 86_400.0), ("no-store", 30.0)] {
                endpoint.state.withLock { $0.cacheControl = header }
                let keys = RemoteJWKSKeySet(url: url, timeSource: clock.timeSource)
                #expect(await keys.refresh())
                #expect(keys.secondsUntilRefreshForTesting == expected)
            }
            endpoint.state.withLock { $0.cacheControl = nil }
            let keys = RemoteJWKSKeySet(url: url, timeSource: clock.timeSource)
            #expect(await keys.refresh())
            #expect(keys.secondsUntilRefreshForTesting == 300)
        }
    }

    @Test func refusesOversizedAndBrokenDocuments() async throws {
        let endpoint = JWKSEndpoint()
        try await endpoint.run { url in
            var configuration = RemoteJWKSConfiguration()
            configuration.maximumDocumentSize = 1024
            endpoint.state.withLock { $0.body = Array(("{\"keys\":[" + String(repeating: " ", count: 2000) + "]}").utf8) }
            #expect(await RemoteJWKSKeySet(url: url, configuration: configuration).refresh() == false)
            endpoint.state.withLock { $0.body = Array("not json".utf8) }
            #expect(await RemoteJWKSKeySet(url: url).refresh() == false)
            endpoint.state.withLock { $0.body = Array(#"{"keys":[]}"#.utf8) }
            let keys = RemoteJWKSKeySet(url: url)
            #expect(await keys.refresh() == false)
            await #expect(throws: TokenVerificationError.self) { try await keys.verificationKey(id: "any") }
        }
    }

    @Test func neverFetchesKeysNamedInTheTokenHeader() async throws {
        let issuer = await TestTokenIssuer()
        let attacker = await TestTokenIssuer()
        let endpoint = JWKSEndpoint()
        endpoint.serve([issuer.signingKey.verificationKey])
        try await endpoint.run { url in
            let base = url.replacingOccurrences(of: "/jwks", with: "")
            let keys = RemoteJWKSKeySet(url: url)
            let verifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: keys)
            let now = Int(Date().timeIntervalSince1970)
            let header = #"{"alg":"ES256","kid":"test-key","typ":"at+jwt","jku":"\#(base)/attacker-jwks","x5u":"\#(base)/attacker-x5u"}"#
            let payload = #"{"iss":"https://warden.test","sub":"a","aud":"test-api","exp":\#(now + 60),"iat":\#(now),"jti":"j","client_id":"c"}"#
            await #expect(throws: TokenVerificationError.self) {
                try await verifier.verify(try attacker.signRaw(headerJSON: header, payloadJSON: payload))
            }
            #expect(endpoint.otherRequests == 0)
        }
    }

    @Test func runsAsAServiceUntilCancelled() async throws {
        let issuer = await TestTokenIssuer()
        let endpoint = JWKSEndpoint()
        endpoint.serve([issuer.signingKey.verificationKey])
        try await endpoint.run { url in
            let keys = RemoteJWKSKeySet(url: url)
            let service = Task { try await keys.run() }
            // Wait for the first background fetch (an event, not a span of time).
            for _ in 0..<500 where keys.keyIDs.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            #expect(keys.keyIDs == ["test-key"])
            service.cancel()
            try await service.value
        }
    }
}
