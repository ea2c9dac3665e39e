import Crypto
import Foundation
import JWTKit
import Testing
import WardenCore
import WardenTesting

@Suite struct AccessTokenVerifierTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func payload(_ overrides: [String: String?] = [:], now: Date? = nil) -> String {
        let t = Int((now ?? self.now).timeIntervalSince1970)
        var members: [String: String] = [
            "iss": #""https://warden.test""#, "sub": #""alice""#, "aud": #""test-api""#,
            "exp": "\(t + 300)", "iat": "\(t)", "jti": #""id-1""#, "client_id": #""web""#, "scope": #""me items""#,
        ]
        for (name, value) in overrides { members[name] = value }
        return "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    let header = #"{"alg":"ES256","kid":"test-key","typ":"at+jwt"}"#

    func expectRefusal(
        _ token: String, _ reason: TokenVerificationError.Reason,
        verifier: AccessTokenVerifier<StaticKeySet>, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        // The path adapters take first (issue 16) refuses alike, or leaves the decision to
        // `verify` when the key is not at hand (an unknown `kid`).
        do {
            if try verifier.verifyWithoutSuspending(token) != nil {
                Issue.record("token was accepted without suspending", sourceLocation: sourceLocation)
            } else {
                #expect(reason == .unknownKey, "only an unknown key is left to verify()", sourceLocation: sourceLocation)
            }
        } catch {
            #expect(error.reason == reason, sourceLocation: sourceLocation)
        }
        do {
            _ = try await verifier.verify(token)
            Issue.record("token was accepted", sourceLocation: sourceLocation)
        } catch {
            #expect(error.reason == reason, sourceLocation: sourceLocation)
            #expect(error.description == "The access token is invalid.", sourceLocation: sourceLocation)
        }
    }

    /// Issue 16: without suspending, a token verifies to what `verify` gives — first by its key at
    /// hand, then from the cache — and a revocation or expiry after caching is refused as there.
    @Test func verifyingWithoutSuspendingGivesWhatVerifyGives() async throws {
        let clock = ManualTimeSource(now)
        let issuer = await TestTokenIssuer()
        let revocations = RevocationList()
        let verifier = issuer.verifier(configure: { $0.leeway = .zero }, revocations: revocations, timeSource: clock.timeSource)
        let token = try issuer.token(subject: "alice", lifetime: .seconds(120), now: now)
        let first = try #require(try verifier.verifyWithoutSuspending(token))
        #expect(verifier.cache.count == 1)
        let again = try #require(try verifier.verifyWithoutSuspending(token))
        let byVerify = try await issuer.verifier(timeSource: clock.timeSource).verify(token)
        #expect(first == byVerify && again == byVerify)
        #expect(first.subject == "alice" && first.keyID == byVerify.keyID)
        // Revoked once cached: refused, and forgotten.
        let other = try issuer.token(subject: "bob", lifetime: .seconds(120), now: now)
        let bob = try #require(try verifier.verifyWithoutSuspending(other))
        revocations.revoke(tokenID: bob.tokenID, expiresAt: bob.claims.expiresAt)
        #expect { try verifier.verifyWithoutSuspending(other) } throws: { ($0 as? TokenVerificationError)?.reason == .revoked }
        #expect(verifier.cache.count == 1)
        // Expired once cached: the cache does not answer; the check refuses.
        clock.advance(by: .seconds(121))
        #expect { try verifier.verifyWithoutSuspending(token) } throws: { ($0 as? TokenVerificationError)?.reason == .expired }
    }

    /// A key source with nothing at hand (the protocol's default) leaves every token to `verify`,
    /// cached ones too: their key is confirmed by the source each time, as before.
    @Test func aKeySourceWithNothingAtHandLeavesEveryTokenToVerify() async throws {
        struct AsksEveryTime: VerificationKeySource {
            let keys: StaticKeySet
            func verificationKey(id: String) async throws(TokenVerificationError) -> VerificationKey? {
                try await keys.verificationKey(id: id)
            }
        }
        let issuer = await TestTokenIssuer()
        let verifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: AsksEveryTime(keys: try issuer.keySet()))
        let token = try issuer.token()
        #expect(try verifier.verifyWithoutSuspending(token) == nil)
        _ = try await verifier.verify(token)
        #expect(verifier.cache.count == 1)
        #expect(try verifier.verifyWithoutSuspending(token) == nil)
        // Refusals that need no key are still made at once.
        #expect { try verifier.verifyWithoutSuspending("not a token") } throws: { ($0 as? TokenVerificationError)?.reason == .malformed }
    }

    func fixture() async -> (TestTokenIssuer, AccessTokenVerifier<StaticKeySet>) {
        let issuer = await TestTokenIssuer()
        return (issuer, issuer.verifier(timeSource: .fixed(now)))
    }

    @Test func acceptsAValidTokenAndExposesItsClaims() async throws {
        let (issuer, verifier) = await fixture()
        let token = try issuer.signRaw(headerJSON: header, payloadJSON: payload(["act": #"{"sub":"order-service","act":{"sub":"gateway"}}"#]))
        let verified = try await verifier.verify(token)
        #expect(verified.subject == "alice")
        #expect(verified.clientID == "web")
        #expect(verified.tokenID == "id-1")
        #expect(verified.scope == ["me", "items"])
        #expect(verified.actor?.chain == ["order-service", "gateway"])
        #expect(verified.keyID == "test-key")
        #expect(verified.algorithm == .es256)
    }

    @Test func acceptsTokensMintedByTheSigner() async throws {
        let issuer = await TestTokenIssuer()
        let verifier = issuer.verifier()
        let verified = try await verifier.verify(try issuer.token(subject: "bob", scope: ["me"]))
        #expect(verified.subject == "bob")
        #expect(verified.claims.audience == ["test-api"])
    }

    @Test(arguments: ["at+jwt", "AT+JWT", "application/at+jwt", "Application/AT+JWT"])
    func acceptsTheAccessTokenTypeInAnySpelling(typ: String) async throws {
        let (issuer, verifier) = await fixture()
        let token = try issuer.signRaw(headerJSON: #"{"alg":"ES256","kid":"test-key","typ":"\#(typ)"}"#, payloadJSON: payload())
        _ = try await verifier.verify(token)
    }

    @Test(arguments: [#""JWT""#, #""jwt""#, #""at+jwt2""#, "null", "1"])
    func refusesOtherTypes(typ: String) async throws {
        let (issuer, verifier) = await fixture()
        let token = try issuer.signRaw(headerJSON: #"{"alg":"ES256","kid":"test-key","typ":\#(typ)}"#, payloadJSON: payload())
        await expectRefusal(token, .wrongType, verifier: verifier)
    }

    @Test func refusesAMissingType() async throws {
        let (issuer, verifier) = await fixture()
        let token = try issuer.signRaw(headerJSON: #"{"alg":"ES256","kid":"test-key"}"#, payloadJSON: payload())
        await expectRefusal(token, .wrongType, verifier: verifier)
    }

    @Test(arguments: ["none", "None", "NONE", "nOnE"])
    func refusesAlgNoneInAnySpelling(alg: String) async throws {
        let (_, verifier) = await fixture()
        let input = Base64URL.encode(Array(#"{"alg":"\#(alg)","kid":"test-key","typ":"at+jwt"}"#.utf8)) + "." + Base64URL.encode(Array(payload().utf8))
        await expectRefusal(input + ".", .malformed, verifier: verifier)
        await expectRefusal(input + ".AA", .unsupportedAlgorithm, verifier: verifier)
    }

    @Test func refusesAHeaderAlgDifferentFromTheKeys() async throws {
        let (issuer, verifier) = await fixture()
        let token = try issuer.signRaw(headerJSON: #"{"alg":"ES384","kid":"test-key","typ":"at+jwt"}"#, payloadJSON: payload())
        await expectRefusal(token, .algorithmMismatch, verifier: verifier)
    }

    @Test func refusesHS256SignedWithThePublicKey() async throws {
        let (issuer, verifier) = await fixture()
        // The classic confusion attack: MAC the token with the public key's bytes.
        let publicKey = issuer.signingKey.verificationKey.publicJWK!
        let keyMaterial = Array(JSONValue.object(publicKey).serialized())
        let input = Base64URL.encode(Array(#"{"alg":"HS256","kid":"test-key","typ":"at+jwt"}"#.utf8)) + "." + Base64URL.encode(Array(payload().utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: keyMaterial))
        await expectRefusal(input + "." + Base64URL.encode(Array(mac)), .algorithmMismatch, verifier: verifier)
    }

    @Test(arguments: [#""other-key""#, #""../test-key""#, #""test-key ""#, #""TEST-KEY""#, "1", "null", #""""#])
    func refusesUnknownKeyIDs(kid: String) async throws {
        let (issuer, verifier) = await fixture()
        let token = try issuer.signRaw(headerJSON: #"{"alg":"ES256","kid":\#(kid),"typ":"at+jwt"}"#, payloadJSON: payload())
        await expectRefusal(token, .unknownKey, verifier: verifier)
    }

    @Test func refusesAMissingKeyIDInsteadOfUsingADefaultKey() async throws {
        let (issuer, verifier) = await fixture()
        let token = try issuer.signRaw(headerJSON: #"{"alg":"ES256","typ":"at+jwt"}"#, payloadJSON: payload())
        await expectRefusal(token, .unknownKey, verifier: verifier)
    }

    @Test func ignoresEmbeddedKeysInTheHeader() async throws {
        let (_, verifier) = await fixture()
        // An attacker signs with their own key and offers it in jwk/jku/x5u under our kid.
        let attacker = await TestTokenIssuer()
        let jwk = String(decoding: JSONValue.object(attacker.signingKey.verificationKey.publicJWK!).serialized(), as: UTF8.self)
        let header = #"{"alg":"ES256","kid":"test-key","typ":"at+jwt","jwk":\#(jwk),"jku":"http://127.0.0.1:9/jwks","x5u":"http://127.0.0.1:9/x5u"}"#
        let token = try attacker.signRaw(headerJSON: header, payloadJSON: payload())
        await expectRefusal(token, .badSignature, verifier: verifier)
    }

    @Test func refusesCriticalExtensions() async throws {
        let (issuer, verifier) = await fixture()
        for crit in [#"["exp"]"#, #"["b64"]"#, "[]", #""x""#] {
            let token = try issuer.signRaw(headerJSON: #"{"alg":"ES256","kid":"test-key","typ":"at+jwt","crit":\#(crit)}"#, payloadJSON: payload())
            await expectRefusal(token, .unsupportedCritical, verifier: verifier)
        }
    }

    @Test func refusesATokenSignedByAnotherKey() async throws {
        let (_, verifier) = await fixture()
        let attacker = await TestTokenIssuer()  // same kid "test-key", other key
        await expectRefusal(try attacker.signRaw(headerJSON: header, payloadJSON: payload()), .badSignature, verifier: verifier)
    }

    @Test func refusesThePsychicSignature() async throws {
        let (_, verifier) = await fixture()
        // CVE-2022-21449: r = s = 0 must never verify.
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload().utf8))
        await expectRefusal(input + "." + Base64URL.encode([UInt8](repeating: 0, count: 64)), .badSignature, verifier: verifier)
        await expectRefusal(input + "." + Base64URL.encode([UInt8](repeating: 0, count: 63)), .badSignature, verifier: verifier)
    }

    @Test func refusesATamperedPayload() async throws {
        let (issuer, verifier) = await fixture()
        let token = try issuer.signRaw(headerJSON: header, payloadJSON: payload())
        let parts = token.split(separator: ".")
        let forged = Base64URL.encode(Array(payload(["scope": #""me items admin""#]).utf8))
        await expectRefusal("\(parts[0]).\(forged).\(parts[2])", .badSignature, verifier: verifier)
    }

    @Test(arguments: [
        ("exp", nil as String?), ("iss", nil), ("aud", nil), ("sub", nil), ("jti", nil), ("client_id", nil), ("iat", nil),
    ])
    func refusesMissingRequiredClaims(name: String, value: String?) async throws {
        let (issuer, verifier) = await fixture()
        let token = try issuer.signRaw(headerJSON: header, payloadJSON: payload([name: value]))
        await expectRefusal(token, .missingClaim, verifier: verifier)
    }

    @Test(arguments: [
        ("exp", #""soon""#), ("exp", "-1"), ("sub", "1"), ("sub", #""""#), ("aud", "[1]"), ("aud", "{}"),
        ("scope", #""me\"x""#), ("scope", #""me  items""#), ("scope", #"["me"]"#), ("act", #"{"client":"x"}"#), ("act", #""svc""#),
    ])
    func refusesIllTypedClaims(name: String, value: String) async throws {
        let (issuer, verifier) = await fixture()
        let token = try issuer.signRaw(headerJSON: header, payloadJSON: payload([name: value]))
        await expectRefusal(token, .invalidClaim, verifier: verifier)
    }

    @Test func refusesTheWrongIssuerOrAudience() async throws {
        let (issuer, verifier) = await fixture()
        await expectRefusal(try issuer.signRaw(headerJSON: header, payloadJSON: payload(["iss": #""https://warden.test/""#])), .wrongIssuer, verifier: verifier)
        await expectRefusal(try issuer.signRaw(headerJSON: header, payloadJSON: payload(["aud": #""payment-service""#])), .wrongAudience, verifier: verifier)
        await expectRefusal(try issuer.signRaw(headerJSON: header, payloadJSON: payload(["aud": #"["a","b"]"#])), .wrongAudience, verifier: verifier)
        _ = try await verifier.verify(try issuer.signRaw(headerJSON: header, payloadJSON: payload(["aud": #"["a","test-api"]"#])))
    }

    @Test func honoursExpiryNotBeforeAndIssuedAtWithLeeway() async throws {
        let (issuer, verifier) = await fixture()
        let t = Int(now.timeIntervalSince1970)
        await expectRefusal(try issuer.signRaw(headerJSON: header, payloadJSON: payload(["exp": "\(t - 61)"])), .expired, verifier: verifier)
        _ = try await verifier.verify(try issuer.signRaw(headerJSON: header, payloadJSON: payload(["exp": "\(t - 30)"])))
        await expectRefusal(try issuer.signRaw(headerJSON: header, payloadJSON: payload(["nbf": "\(t + 120)"])), .notYetValid, verifier: verifier)
        _ = try await verifier.verify(try issuer.signRaw(headerJSON: header, payloadJSON: payload(["nbf": "\(t + 30)", "jti": #""j2""#])))
        await expectRefusal(try issuer.signRaw(headerJSON: header, payloadJSON: payload(["iat": "\(t + 120)"])), .issuedInFuture, verifier: verifier)
    }

    @Test func leewayIsConfigurable() async throws {
        let issuer = await TestTokenIssuer()
        let strict = issuer.verifier(configure: { $0.leeway = .zero }, timeSource: .fixed(now))
        let t = Int(now.timeIntervalSince1970)
        await expectRefusal(try issuer.signRaw(headerJSON: header, payloadJSON: payload(["exp": "\(t - 1)"])), .expired, verifier: strict)
    }

    @Test func refusesDuplicateMembers() async throws {
        let (issuer, verifier) = await fixture()
        // jwt-kit keeps the first "sub", Python the last: Warden refuses both readings.
        let payloadWithDuplicate = payload().dropLast() + #","sub":"admin"}"#
        await expectRefusal(try issuer.signRaw(headerJSON: header, payloadJSON: String(payloadWithDuplicate)), .malformed, verifier: verifier)
        let headerWithDuplicate = #"{"alg":"ES256","kid":"test-key","kid":"other","typ":"at+jwt"}"#
        await expectRefusal(try issuer.signRaw(headerJSON: headerWithDuplicate, payloadJSON: payload()), .malformed, verifier: verifier)
    }

    @Test func refusesPaddingAndNonCanonicalBase64() async throws {
        let (issuer, verifier) = await fixture()
        let token = try issuer.signRaw(headerJSON: header, payloadJSON: payload())
        let parts = token.split(separator: ".").map(String.init)
        await expectRefusal(parts[0] + "==." + parts[1] + "." + parts[2], .malformed, verifier: verifier)
        await expectRefusal(parts[0] + "." + parts[1] + "." + parts[2] + "=", .malformed, verifier: verifier)
        // Flip the unused low bits of the last signature character: same bytes, other spelling.
        var signature = Array(parts[2].utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let last = alphabet.firstIndex(of: signature.last!)!
        signature[signature.count - 1] = alphabet[last | 0x03]
        if last | 0x03 != last {
            await expectRefusal(parts[0] + "." + parts[1] + "." + String(decoding: signature, as: UTF8.self), .malformed, verifier: verifier)
        }
        await expectRefusal(parts[0] + "." + parts[1].replacingOccurrences(of: "-", with: "+") + "x." + parts[2], .malformed, verifier: verifier)
    }

    @Test(arguments: ["", ".", "..", "a.b", "a.b.c.d", "e30.e30.", ".e30.AA", "not a token", "e30.e30.AA"])
    func refusesMalformedEnvelopes(token: String) async throws {
        let (_, verifier) = await fixture()
        do {
            _ = try await verifier.verify(token)
            Issue.record("accepted \(token)")
        } catch {
            #expect([.malformed, .wrongType].contains(error.reason))
        }
    }

    @Test func refusesOversizedTokensBeforeParsing() async throws {
        let (issuer, verifier) = await fixture()
        let big = try issuer.signRaw(headerJSON: header, payloadJSON: payload(["pad": "\"" + String(repeating: "x", count: 9000) + "\""]))
        await expectRefusal(big, .oversized, verifier: verifier)
        await expectRefusal(String(repeating: "A", count: 1_000_000), .oversized, verifier: verifier)
    }

    @Test func consultsTheRevocationList() async throws {
        let issuer = await TestTokenIssuer()
        let revocations = RevocationList()
        let verifier = issuer.verifier(revocations: revocations)
        let token = try issuer.token()
        let verified = try await verifier.verify(token)
        #expect(verifier.cache.count == 1)
        revocations.revoke(tokenID: verified.tokenID, expiresAt: verified.claims.expiresAt)
        do {
            _ = try await verifier.verify(token)
            Issue.record("revoked token accepted")
        } catch {
            #expect(error.reason == .revoked)
        }
        #expect(verifier.cache.count == 0)
        // A revoked token is refused on the uncached path too.
        let fresh = issuer.verifier(revocations: revocations)
        await expectRefusal(token, .revoked, verifier: fresh)
    }

    /// Cached hits ask the revocation list only when it has taken a revocation since their token
    /// was last found unrevoked (issue 16): a revocation of *another* token makes every hit check
    /// again once, and the token's own revocation after that still refuses it — on both paths, with
    /// hits running on other threads meanwhile.
    @Test func aRevocationAfterTheListMovedStillRefusesACachedToken() async throws {
        let issuer = await TestTokenIssuer()
        let revocations = RevocationList()
        let verifier = issuer.verifier(revocations: revocations)
        for round in 0..<20 {
            let token = try issuer.token(subject: "alice\(round)")
            let other = try issuer.token(subject: "bob\(round)")
            let verified = try await verifier.verify(token)
            let bob = try await verifier.verify(other)
            let before = revocations.generation
            revocations.revoke(tokenID: bob.tokenID, expiresAt: bob.claims.expiresAt)
            #expect(revocations.generation != before)
            // Checked again, found unrevoked, noted: the next hits skip the list's lock.
            #expect(try verifier.verifyWithoutSuspending(token)?.tokenID == verified.tokenID)
            #expect(try await verifier.verify(token).tokenID == verified.tokenID)
            // Hits on other threads while the token is revoked; once `revoke` has returned, no
            // verification passes.
            let hitting = Task.detached {
                for _ in 0..<2_000 { _ = try? verifier.verifyWithoutSuspending(token) }
            }
            revocations.revoke(tokenID: verified.tokenID, expiresAt: verified.claims.expiresAt)
            #expect { try verifier.verifyWithoutSuspending(token) } throws: { ($0 as? TokenVerificationError)?.reason == .revoked }
            await expectRefusal(token, .revoked, verifier: verifier)
            await hitting.value
            await expectRefusal(token, .revoked, verifier: verifier)
        }
    }

    /// A cached hit asks its key source for the key only when the source's keys at hand have
    /// changed since or the answer it was cached with has run out (issue 16: the lookup took a
    /// remote key set's lock on every hit); a withdrawn key or an answer past its end is never
    /// taken from the cache.
    @Test func aCachedHitAsksForItsKeyOnlyWhenTheKeysChangedOrTheAnswerRanOut() async throws {
        let clock = ManualTimeSource(now)
        let issuer = await TestTokenIssuer()
        let successor = await TestTokenIssuer(keyID: "next-key")
        let keys = KeysWithGenerations(try issuer.keySet(), usableUntil: now.addingTimeInterval(600), timeSource: clock.timeSource)
        let verifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: keys, timeSource: clock.timeSource)
        let token = try issuer.token(lifetime: .seconds(3600), now: now)
        #expect(try verifier.verifyWithoutSuspending(token) != nil)
        #expect(keys.lookups == 1)
        for _ in 0..<5 { #expect(try verifier.verifyWithoutSuspending(token) != nil) }
        #expect(keys.lookups == 1)
        // The same keys installed again: one lookup, noted, then none.
        keys.install(try issuer.keySet(), usableUntil: now.addingTimeInterval(600))
        #expect(try verifier.verifyWithoutSuspending(token) != nil)
        #expect(try verifier.verifyWithoutSuspending(token) != nil)
        #expect(keys.lookups == 2)
        // The answer's end passed: asked again, and the key is not at hand any more.
        clock.advance(by: .seconds(601))
        #expect(try verifier.verifyWithoutSuspending(token) == nil)
        // Usable again, then the key withdrawn: never answered at hand, refused by `verify`.
        keys.install(try issuer.keySet(), usableUntil: now.addingTimeInterval(7200))
        #expect(try verifier.verifyWithoutSuspending(token) != nil)
        keys.install(try successor.keySet(), usableUntil: now.addingTimeInterval(7200))
        #expect(try verifier.verifyWithoutSuspending(token) == nil)
        await #expect(throws: TokenVerificationError.self) { try await verifier.verify(token) }
    }

    /// A client entry (issue 14: a client narrowed or deleted) revokes the client's tokens issued
    /// before its time — cached or not — and no other client's, nor later ones.
    @Test func aClientEntryRevokesTheClientsEarlierTokens() async throws {
        let issuer = await TestTokenIssuer()
        let revocations = RevocationList()
        let verifier = issuer.verifier(revocations: revocations)
        let start = Date()
        let earlier = try issuer.token(clientID: "svc", now: start.addingTimeInterval(-10))
        let otherClients = try issuer.token(clientID: "other", now: start.addingTimeInterval(-10))
        let later = try issuer.token(clientID: "svc", now: start)
        _ = try await verifier.verify(earlier)
        revocations.revokeTokens(ofClient: "svc", issuedBefore: start.addingTimeInterval(-5), expiresAt: start.addingTimeInterval(3600))
        await expectRefusal(earlier, .revoked, verifier: verifier)
        await expectRefusal(earlier, .revoked, verifier: issuer.verifier(revocations: revocations))
        #expect(try await verifier.verify(otherClients).clientID == "other")
        #expect(try await verifier.verify(later).clientID == "svc")
        // A later entry moves the time on; an earlier one never moves it back.
        revocations.revokeTokens(ofClient: "svc", issuedBefore: start.addingTimeInterval(1), expiresAt: start.addingTimeInterval(3600))
        revocations.revokeTokens(ofClient: "svc", issuedBefore: start.addingTimeInterval(-100), expiresAt: start.addingTimeInterval(3600))
        await expectRefusal(later, .revoked, verifier: verifier)
        // Expired entries go.
        revocations.revokeTokens(ofClient: "gone", issuedBefore: start, expiresAt: start.addingTimeInterval(-3600))
        #expect(revocations.count == 1)
    }

    @Test func cachesVerifiedTokensButNeverPastExpiry() async throws {
        let clock = ManualTimeSource(now)
        let issuer = await TestTokenIssuer()
        let verifier = issuer.verifier(configure: { $0.leeway = .zero }, timeSource: clock.timeSource)
        let token = try issuer.token(lifetime: .seconds(120), now: now)
        _ = try await verifier.verify(token)
        _ = try await verifier.verify(token)
        #expect(verifier.cache.count == 1)
        clock.advance(by: .seconds(121))
        await expectRefusal(token, .expired, verifier: verifier)
        #expect(verifier.cache.count == 0)
    }

    /// The cache finds a token by a keyed hash of its end and keeps the signed part to compare
    /// (issue 16): a cached token's signature under other claims is a forgery, refused by the
    /// signature check on both paths, and the cached token still answers from the cache.
    @Test func aCachedSignatureUnderOtherClaimsIsNotTheCachedToken() async throws {
        let issuer = await TestTokenIssuer()
        let verifier = issuer.verifier()
        let token = try issuer.token(subject: "alice")
        let other = try issuer.token(subject: "mallory", scope: ["orders.write"])
        _ = try await verifier.verify(token)
        #expect(verifier.cache.count == 1)
        let signature = token.split(separator: ".")[2]
        let otherParts = other.split(separator: ".")
        let forged = "\(otherParts[0]).\(otherParts[1]).\(signature)"
        await expectRefusal(forged, .badSignature, verifier: verifier)
        do {
            _ = try verifier.verifyWithoutSuspending(forged)
            Issue.record("a cached signature under other claims was accepted")
        } catch {
            #expect(error.reason == .badSignature)
        }
        // One byte of the signed part changed (the payload's last character): refused too.
        var tampered = Array(token.utf8)
        let payloadEnd = tampered.lastIndex(of: UInt8(ascii: "."))! - 1
        tampered[payloadEnd] = tampered[payloadEnd] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(await verifier.refusal(of: String(decoding: tampered, as: UTF8.self)) != nil)
        // The cached token is untouched: still one entry, still answered from it.
        #expect(verifier.cache.count == 1)
        let again = try verifier.verifyWithoutSuspending(token)
        #expect(again?.subject == "alice")
        // No `.` at all: no JWS, refused before the cache is asked.
        #expect(await verifier.refusal(of: String(repeating: "A", count: 200)) == .malformed)
    }

    @Test func cacheIsBounded() async throws {
        let issuer = await TestTokenIssuer()
        let verifier = issuer.verifier(configure: { $0.cacheCapacity = 5 })
        for index in 0..<20 { _ = try await verifier.verify(try issuer.token(subject: "user-\(index)")) }
        #expect(verifier.cache.count == 5)
    }

    @Test func revocationEntriesLastUntilTheTokenWouldHaveExpired() {
        let clock = ManualTimeSource(now)
        let list = RevocationList(retentionPastExpiry: .seconds(60), timeSource: clock.timeSource)
        list.revoke(tokenID: "a", expiresAt: now.addingTimeInterval(300))
        list.revoke(tokenID: "old", expiresAt: now.addingTimeInterval(-3600))
        #expect(list.isRevoked(tokenID: "a"))
        #expect(!list.isRevoked(tokenID: "old"))
        clock.advance(by: .seconds(359))
        list.removeExpired()
        #expect(list.isRevoked(tokenID: "a"))
        clock.advance(by: .seconds(2))
        list.removeExpired()
        #expect(!list.isRevoked(tokenID: "a"))
        #expect(list.count == 0)
    }
}
