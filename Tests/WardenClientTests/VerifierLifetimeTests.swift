import Foundation
import Testing
import WardenClient
import WardenCore
import WardenTesting

/// Cached verifications die with their key, tokens minted to live too long are refused, and a
/// revoked token is never accepted again past its `exp` (issue 11, item 7).
@Suite struct VerifierLifetimeTests {
    @Test func aCachedTokenIsRefusedOnceItsKeyLeavesTheKeySet() async throws {
        let issuer = await TestTokenIssuer()
        let successor = await TestTokenIssuer(keyID: "next-key")
        let endpoint = JWKSEndpoint()
        endpoint.serve([issuer.signingKey.verificationKey])
        try await endpoint.run { url in
            let keys = RemoteJWKSKeySet(url: url)
            let verifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: keys)
            let token = try issuer.token()
            _ = try await verifier.verify(token)
            _ = try await verifier.verify(token)  // from the cache
            #expect(verifier.cache.count == 1)
            // The authorization server withdraws the key (a compromise): the next key set no
            // longer has it.
            endpoint.serve([successor.signingKey.verificationKey])
            #expect(await keys.refresh())
            do throws(TokenVerificationError) {
                _ = try await verifier.verify(token)
                Issue.record("a token whose key was withdrawn was accepted from the cache")
            } catch {
                #expect(error.reason == .unknownKey)
            }
            #expect(verifier.cache.count == 0)
        }
    }

    /// The same on the path adapters take first (issue 16): a cached hit does not look its key
    /// up while the key set has installed nothing since and its answer is within its maximum
    /// age — and the moment either changes, the hit is no longer answered from the cache alone.
    @Test func aCachedHitWithoutSuspendingStopsWithItsKeyOrItsKeySetsAge() async throws {
        let issuer = await TestTokenIssuer()
        let successor = await TestTokenIssuer(keyID: "next-key")
        let endpoint = JWKSEndpoint()
        endpoint.serve([issuer.signingKey.verificationKey])
        try await endpoint.run { url in
            let clock = ManualTimeSource()
            var configuration = RemoteJWKSConfiguration()
            configuration.maximumStaleAge = .seconds(3600)
            let keys = RemoteJWKSKeySet(url: url, configuration: configuration, timeSource: clock.timeSource)
            let verifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: keys, timeSource: clock.timeSource)
            #expect(await keys.refresh())
            let token = try issuer.token(lifetime: .seconds(7200), now: clock.now)
            // Verified at hand (the key's answer remembered with it), then hits.
            #expect(try verifier.verifyWithoutSuspending(token) != nil)
            #expect(try verifier.verifyWithoutSuspending(token) != nil)
            // The same keys installed again: the hit looks the key up again and still passes.
            #expect(await keys.refresh())
            #expect(try verifier.verifyWithoutSuspending(token) != nil)
            // Past the key set's maximum age (by its clock), nothing is answered at hand.
            endpoint.fail()
            clock.advance(by: .seconds(3601))
            #expect(try verifier.verifyWithoutSuspending(token) == nil)
            // Fresh again, then the key withdrawn: not answered at hand, refused by `verify`.
            endpoint.serve([issuer.signingKey.verificationKey])
            #expect(await keys.refresh())
            #expect(try verifier.verifyWithoutSuspending(token) != nil)
            endpoint.serve([successor.signingKey.verificationKey])
            #expect(await keys.refresh())
            #expect(try verifier.verifyWithoutSuspending(token) == nil)
            do throws(TokenVerificationError) {
                _ = try await verifier.verify(token)
                Issue.record("a token whose key was withdrawn was accepted from the cache")
            } catch {
                #expect(error.reason == .unknownKey)
            }
        }
    }

    /// A key set that republishes a token's `kid` with other key material (a compromised key
    /// replaced in place) takes the cached token with it, on both paths: the cache answers only
    /// for the key material the token was verified with (`VerificationKey.fingerprint`).
    @Test func aCachedTokenIsRefusedOnceItsKidNamesOtherKeyMaterial() async throws {
        let issuer = await TestTokenIssuer()
        let impostor = await TestTokenIssuer()
        #expect(issuer.signingKey.verificationKey.id == impostor.signingKey.verificationKey.id)
        let endpoint = JWKSEndpoint()
        endpoint.serve([issuer.signingKey.verificationKey])
        try await endpoint.run { url in
            let keys = RemoteJWKSKeySet(url: url)
            let verifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: keys)
            #expect(await keys.refresh())
            let atHand = try issuer.token(subject: "at-hand")
            let awaited = try issuer.token(subject: "awaited")
            #expect(try verifier.verifyWithoutSuspending(atHand) != nil)
            _ = try await verifier.verify(awaited)
            #expect(verifier.cache.count == 2)
            endpoint.serve([impostor.signingKey.verificationKey])
            #expect(await keys.refresh())
            // Not answered from the cache without suspending; `verify` checks the signature
            // afresh, against the key there is now, and refuses.
            #expect(try verifier.verifyWithoutSuspending(atHand) == nil)
            for token in [atHand, awaited] {
                do throws(TokenVerificationError) {
                    _ = try await verifier.verify(token)
                    Issue.record("a token verified with replaced key material was accepted from the cache")
                } catch {
                    #expect(error.reason == .badSignature)
                }
            }
            #expect(verifier.cache.count == 0)
            // The same material republished (a refetch): its tokens still pass.
            let again = try impostor.token()
            #expect(try verifier.verifyWithoutSuspending(again) != nil)
            #expect(await keys.refresh())
            #expect(try verifier.verifyWithoutSuspending(again) != nil)
        }
    }

    @Test func tokensMintedToLiveLongerThanTheMaximumAreRefused() async throws {
        let issuer = await TestTokenIssuer()
        let verifier = issuer.verifier()
        _ = try await verifier.verify(try issuer.token(lifetime: .seconds(24 * 3600)))
        let tooLong = try issuer.token(lifetime: .seconds(24 * 3600 + 1))
        do throws(TokenVerificationError) {
            _ = try await verifier.verify(tooLong)
            Issue.record("a token living a day and a second was accepted")
        } catch {
            #expect(error.reason == .lifetimeTooLong)
        }
        var configuration = issuer.verifierConfiguration
        configuration.maximumTokenLifetime = .seconds(600)
        let strict = AccessTokenVerifier(configuration: configuration, keys: try issuer.keySet())
        await #expect(throws: TokenVerificationError.self) { _ = try await strict.verify(try issuer.token(lifetime: .seconds(601))) }
    }

    @Test func aLeewayLongerThanTheRevocationRetentionNeverAcceptsARevokedTokenAgain() async throws {
        let issuer = await TestTokenIssuer()
        let clock = ManualTimeSource()
        let revocations = RevocationList(retentionPastExpiry: .seconds(60), timeSource: clock.timeSource)
        var configuration = issuer.verifierConfiguration
        configuration.leeway = .seconds(300)
        let verifier = AccessTokenVerifier(configuration: configuration, keys: try issuer.keySet(), revocations: revocations, timeSource: clock.timeSource)
        let now = clock.timeSource.now()
        let token = try issuer.token(lifetime: .seconds(60), now: now, modify: { $0.tokenID = "revoked-one" })
        revocations.revoke(tokenID: "revoked-one", expiresAt: now.addingTimeInterval(60))
        // 61 s past exp the list has dropped the entry; with a 300 s leeway the token used to pass.
        clock.advance(by: .seconds(121))
        revocations.removeExpired()
        #expect(!revocations.isRevoked(tokenID: "revoked-one"))
        do throws(TokenVerificationError) {
            _ = try await verifier.verify(token)
            Issue.record("a revoked token was accepted after its revocation entry expired")
        } catch {
            #expect(error.reason == .expired)
        }
    }
}
