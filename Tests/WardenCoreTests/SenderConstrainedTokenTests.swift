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
}
