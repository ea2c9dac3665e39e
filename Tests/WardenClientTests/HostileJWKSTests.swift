import Foundation
import Synchronization
import Testing
@testable import WardenClient
import WardenCore
import WardenTesting

/// A resource server survives whatever its authorization server's JWKS endpoint sends: a clear
/// refusal (no keys, the token refused), never a trap (issue 11, item 6).
@Suite struct HostileJWKSTests {
    @Test(arguments: ["=", "==", ",", " , ,", "max-age", "max-age=", "max-age==", "=max-age", "max-age=-1", "max-age=1e3",
                      "max-age=99999999999999999999999999", "max-age=\"\"", "max-age=\"", "\u{0}", String(repeating: ",", count: 10_000)])
    func anyCacheControlHeaderGivesANumberOrNothing(header: String) {
        let seconds = CacheControlMaxAge.seconds(in: header)
        #expect(seconds == nil || seconds! >= 0)
    }

    @Test func hugeMaxAgeIsTheLargestRepresentableAndStillBoundedByTheKeySet() async throws {
        #expect(CacheControlMaxAge.seconds(in: "max-age=99999999999999999999999999") == Int.max)
        let issuer = await TestTokenIssuer()
        let endpoint = JWKSEndpoint()
        endpoint.serve([issuer.signingKey.verificationKey])
        endpoint.state.withLock { $0.cacheControl = "max-age=99999999999999999999999999" }
        try await endpoint.run { url in
            let keys = RemoteJWKSKeySet(url: url)
            #expect(await keys.refresh())
            _ = try await AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: keys).verify(try issuer.token())
        }
    }

    @Test func aBareEqualsSignAsCacheControlNoLongerCrashesTheResourceServer() async throws {
        let issuer = await TestTokenIssuer()
        let endpoint = JWKSEndpoint()
        endpoint.serve([issuer.signingKey.verificationKey])
        endpoint.state.withLock { $0.cacheControl = "=" }
        try await endpoint.run { url in
            let keys = RemoteJWKSKeySet(url: url)
            #expect(await keys.refresh())
        }
    }

    @Test(arguments: [
        "", "{", "{\"keys\":", "{\"keys\": \"x\"}", "{\"keys\": [1, \"a\", null, {}]}", "{\"keys\": [{\"kty\": 1}]}",
        "{\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": 1e999, \"y\": []}]}", "[]", "null", "\u{FEFF}{\"keys\":[]}",
        "{\"keys\": [{\"kty\": \"RSA\", \"n\": \"AQAB\", \"e\": \"" + String(repeating: "A", count: 100_000) + "\"}]}",
        // Past the 256 KiB document limit.
        "{\"keys\": [" + String(repeating: "{},", count: 100_000) + "{}]}",
        "{\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-256\", \"kid\": \"test-key\", \"x\": \"AAAA\", \"y\": \"AAAA\"}]}",
    ])
    func brokenKeySetsAreRefusedAndTokensWithThem(body: String) async throws {
        let issuer = await TestTokenIssuer()
        let endpoint = JWKSEndpoint()
        endpoint.state.withLock { $0.body = Array(body.utf8) }
        try await endpoint.run { url in
            let keys = RemoteJWKSKeySet(url: url)
            #expect(await keys.refresh() == false)
            await #expect(throws: TokenVerificationError.self) {
                _ = try await AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: keys).verify(try issuer.token())
            }
        }
    }
}
