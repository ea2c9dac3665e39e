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
    /// decided), a good proof passes without an `await`; a replay, another key's proof and an
    /// unbound token are refused as `verify` refuses them; anything else wrong with a proof
    /// makes it `nil`, and `verify` refuses and reports it once — the proof was not remembered.
    @Test func aDPoPRequestIsVerifiedWithoutSuspendingOnceItsHeaderIsKnown() async throws {
        let issuer = await TestTokenIssuer()
        let key = await DPoPProofSigner.generateES256()
        let thief = await DPoPProofSigner.generateES256()
        let token = try issuer.token(scope: ["a"]) { $0.keyThumbprint = key.thumbprint }
        let unbound = try issuer.token(scope: ["a"])
        let verifier = issuer.verifier()
        let refusals = RecordedRefusals()
        var configuration = BearerAuthenticatorConfiguration(realm: "r")
        configuration.dpop = DPoPAcceptance(externalBaseURL: "https://api.example.com")
        configuration.refusals = refusals
        let uri = "https://api.example.com/orders"
        let presented = PresentedAccessToken(value: token, isDPoP: true)
        func atHand(_ proof: String, token presented: PresentedAccessToken = presented, method: String = "GET") throws -> VerifiedAccessToken? {
            try BearerGate.verifyWithoutSuspending(presented, proofs: [proof], method: method, path: "/orders", with: verifier, configuration: configuration)
        }
        func waited(_ proof: String, token presented: PresentedAccessToken = presented, method: String = "GET") async throws -> VerifiedAccessToken {
            try await BearerGate.verify(presented, proofs: [proof], method: method, path: "/orders", with: verifier, configuration: configuration)
        }
        let dpopRefusal = BearerRefusal.invalidDPoPProof(realm: "r").offering(configuration.dpop, errorScheme: .dpop)

        // The client's first proof: its header is not decided yet.
        let first = try key.proof(method: "GET", uri: uri, accessToken: token)
        #expect(try atHand(first) == nil)
        #expect(try await waited(first).subject == "test-user")
        // Its next proofs: no suspension.
        let second = try key.proof(method: "GET", uri: uri, accessToken: token)
        let passed = try atHand(second)
        #expect(passed?.keyThumbprint == key.thumbprint)
        // Replayed, on either path.
        #expect(throws: dpopRefusal) { _ = try atHand(second) }
        await #expect(throws: dpopRefusal) { _ = try await waited(second) }
        // Wrong method and a missing ath: not decided here, refused by `verify` (once reported).
        let wrongMethod = try key.proof(method: "POST", uri: uri, accessToken: token)
        #expect(try atHand(wrongMethod) == nil)
        await #expect(throws: dpopRefusal) { _ = try await waited(wrongMethod) }
        let noAth = try key.proof(method: "GET", uri: uri)
        #expect(try atHand(noAth) == nil)
        await #expect(throws: dpopRefusal) { _ = try await waited(noAth) }
        // Another key's proof (its header decided by an earlier refused request): refused here.
        let stolen = try thief.proof(method: "GET", uri: uri, accessToken: token)
        await #expect(throws: dpopRefusal) { _ = try await waited(stolen) }
        #expect(throws: dpopRefusal) { _ = try atHand(try thief.proof(method: "GET", uri: uri, accessToken: token)) }
        // An unbound token under DPoP: invalid_token, on the DPoP challenge.
        let unboundPresented = PresentedAccessToken(value: unbound, isDPoP: true)
        let unboundProof = try key.proof(method: "GET", uri: uri, accessToken: unbound)
        #expect(throws: BearerRefusal.invalidToken(realm: "r").offering(configuration.dpop, errorScheme: .dpop)) { _ = try atHand(unboundProof, token: unboundPresented) }
        // Each refusal reported once, with the check that failed.
        #expect(refusals.all.map(\.reason) == ["replayed", "replayed", "wrongMethod", "missingClaim", "keyMismatch", "keyMismatch", "tokenNotBound"])
    }
}
