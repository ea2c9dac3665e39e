import Crypto
import Foundation
import Testing
import WardenCore
import WardenTesting

/// Tokens bound to a key (`cnf.jkt`, RFC 9449 §6.1): the claim read strictly, written back,
/// and such a token refused when presented as a bearer token (§7.2).
@Suite struct SenderConstrainedTokenTests {
    @Test func theConfirmationClaimIsReadStrictlyAndWrittenBack() async throws {
        let issuer = await TestTokenIssuer()
        let signer = await DPoPProofSigner.generateES256()
        let bound = try issuer.token(scope: ["a"]) { $0.keyThumbprint = signer.thumbprint }
        let verified = try await issuer.verifier().verify(bound)
        #expect(verified.keyThumbprint == signer.thumbprint)
        #expect(try await issuer.verifier().verify(try issuer.token(scope: ["a"])).keyThumbprint == nil)
        // Another confirmation method, a jkt that is no SHA-256, a jkt of the wrong type.
        let base = #""iss":"\#(issuer.issuer)","sub":"s","aud":"\#(issuer.audience)","exp":\#(Int(Date().timeIntervalSince1970) + 60),"iat":\#(Int(Date().timeIntervalSince1970)),"jti":"j","client_id":"c""#
        for cnf in [#"{"x5t#S256":"abc"}"#, #"{"jkt":"short"}"#, #"{"jkt":1}"#, #""jkt""#] {
            let token = try issuer.signRaw(headerJSON: #"{"alg":"ES256","kid":"\#(issuer.signingKey.id)","typ":"at+jwt"}"#, payloadJSON: "{\(base),\"cnf\":\(cnf)}")
            await #expect(throws: TokenVerificationError.self, "\(cnf)") { _ = try await issuer.verifier().verify(token) }
        }
    }

    @Test func aBoundTokenPresentedAsBearerIsRefused() async throws {
        let issuer = await TestTokenIssuer()
        let signer = await DPoPProofSigner.generateES256()
        let bound = try issuer.token(scope: ["a"]) { $0.keyThumbprint = signer.thumbprint }
        await #expect(throws: BearerRefusal.invalidToken(realm: "r")) {
            _ = try await BearerGate.verify(bound, with: issuer.verifier(), realm: "r")
        }
        _ = try await BearerGate.verify(try issuer.token(scope: ["a"]), with: issuer.verifier(), realm: "r")
    }

    /// Under DPoP without suspending (issue 16): from a client's second proof on (its header
    /// decided), a request is decided without an `await`, in `verify`'s order and with its
    /// refusals, each reported once; it waits (`nil`, nothing counted, reported or remembered)
    /// only for an undecided header or a key not at hand, and `verify` then accepts the same proof.
    @Test func aDPoPRequestIsVerifiedWithoutSuspendingOnceItsHeaderIsKnown() async throws {
        let issuer = await TestTokenIssuer()
        let key = await DPoPProofSigner.generateES256()
        let thief = await DPoPProofSigner.generateES256()
        let token = try issuer.token(scope: ["a"]) { $0.keyThumbprint = key.thumbprint }
        let unbound = try issuer.token(scope: ["a"])
        let refusals = RecordedRefusals()
        // The verifier's own refusals (the token's) go to the same record: none may come twice.
        let verifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: try issuer.keySet(), refusals: refusals)
        let asking = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: KeysOnlyByAsking(keys: try issuer.keySet()), refusals: refusals)
        var configuration = BearerAuthenticatorConfiguration(realm: "r")
        configuration.dpop = DPoPAcceptance(externalBaseURL: "https://api.example.com")
        configuration.refusals = refusals
        let uri = "https://api.example.com/orders"
        let presented = PresentedAccessToken(value: token, isDPoP: true)
        func atHand(_ proof: String, token presented: PresentedAccessToken = presented, configuration: BearerAuthenticatorConfiguration = configuration) throws -> VerifiedAccessToken? {
            try BearerGate.verifyWithoutSuspending(presented, proofs: [proof], method: "GET", path: "/orders", with: verifier, configuration: configuration)
        }
        func waited(_ proof: String, token presented: PresentedAccessToken = presented, configuration: BearerAuthenticatorConfiguration = configuration) async throws -> VerifiedAccessToken {
            try await BearerGate.verify(presented, proofs: [proof], method: "GET", path: "/orders", with: verifier, configuration: configuration)
        }
        let dpopRefusal = BearerRefusal.invalidDPoPProof(realm: "r").offering(configuration.dpop, errorScheme: .dpop)

        // The client's first proof: its header is not decided yet.
        let first = try key.proof(method: "GET", uri: uri, accessToken: token)
        #expect(try atHand(first) == nil)
        #expect(try await waited(first).subject == "test-user")
        // Its next proofs: no suspension.
        let second = try key.proof(method: "GET", uri: uri, accessToken: token)
        #expect(try atHand(second)?.keyThumbprint == key.thumbprint)
        // Replayed, on either path.
        #expect(throws: dpopRefusal) { _ = try atHand(second) }
        await #expect(throws: dpopRefusal) { _ = try await waited(second) }
        // A key not at hand: nothing decided or remembered here; `verify` accepts the same proof.
        let third = try key.proof(method: "GET", uri: uri, accessToken: token)
        #expect(try BearerGate.verifyWithoutSuspending(presented, proofs: [third], method: "GET", path: "/orders", with: asking, configuration: configuration) == nil)
        #expect(try await waited(third).subject == "test-user")
        // Each check that fails, refused here as `verify` refuses it.
        var signature = try key.proof(method: "GET", uri: uri, accessToken: token)
        signature.removeLast(4)
        signature += signature.hasSuffix("AAAA") ? "BBBB" : "AAAA"
        let failing: [(String, String)] = [
            ("wrongMethod", try key.proof(method: "POST", uri: uri, accessToken: token)),
            ("wrongURI", try key.proof(method: "GET", uri: "https://api.example.com/other", accessToken: token)),
            ("missingClaim", try key.proof(method: "GET", uri: uri)),
            ("accessTokenMismatch", try key.proof(method: "GET", uri: uri, accessToken: unbound)),
            ("outsideTimeWindow", try key.proof(method: "GET", uri: uri, accessToken: token, issuedAt: Date().addingTimeInterval(-600))),
            ("badSignature", signature),
        ]
        for (reason, proof) in failing {
            #expect(throws: dpopRefusal, "\(reason)") { _ = try atHand(proof) }
        }
        // Another key's proof (its header decided by an earlier refused request): refused here.
        let stolen = try thief.proof(method: "GET", uri: uri, accessToken: token)
        await #expect(throws: dpopRefusal) { _ = try await waited(stolen) }
        #expect(throws: dpopRefusal) { _ = try atHand(try thief.proof(method: "GET", uri: uri, accessToken: token)) }
        // An unbound token under DPoP: invalid_token, on the DPoP challenge.
        let unboundProof = try key.proof(method: "GET", uri: uri, accessToken: unbound)
        #expect(throws: BearerRefusal.invalidToken(realm: "r").offering(configuration.dpop, errorScheme: .dpop)) {
            _ = try atHand(unboundProof, token: PresentedAccessToken(value: unbound, isDPoP: true))
        }
        // A forged token with a good proof: refused as the token it is, the proof never checked
        // (a garbage token costs no signature check of its proof).
        let forged = String(token.dropLast(6)) + (token.hasSuffix("AAAAAA") ? "BBBBBB" : "AAAAAA")
        #expect(throws: BearerRefusal.invalidToken(realm: "r").offering(configuration.dpop, errorScheme: .dpop)) {
            _ = try atHand(try key.proof(method: "GET", uri: uri, accessToken: forged), token: PresentedAccessToken(value: forged, isDPoP: true))
        }
        // A service asking for its nonce: a proof without it is told the nonce, on either path.
        var withNonces = configuration
        let nonces = DPoPNonces(key: SymmetricKey(size: .bits256))
        withNonces.dpop = DPoPAcceptance(externalBaseURL: "https://api.example.com", verifier: configuration.dpop!.verifier, nonces: nonces)
        #expect(throws: BearerRefusal.useDPoPNonce(realm: "r", nonce: nonces.current()).offering(withNonces.dpop, errorScheme: .dpop)) {
            _ = try atHand(try key.proof(method: "GET", uri: uri, accessToken: token), configuration: withNonces)
        }
        #expect(try atHand(try key.proof(method: "GET", uri: uri, accessToken: token, nonce: nonces.current()), configuration: withNonces) != nil)
        // Each refusal reported once, with the check that failed (the forged token by the verifier).
        #expect(refusals.all.map(\.reason) == [
            "replayed", "replayed", "wrongMethod", "wrongURI", "missingClaim", "accessTokenMismatch", "outsideTimeWindow", "badSignature",
            "keyMismatch", "keyMismatch", "tokenNotBound", "badSignature",
        ])
    }
}
