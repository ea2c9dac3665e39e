import Crypto
import Foundation
import WardenCore

extension TokenService {
    /// RFC 6749 §4.1.3 with PKCE (RFC 7636, S256 only): the code is single-use and short-lived;
    /// `redirect_uri` must match the authorization request's exactly; a second use is
    /// `invalid_grant` and revokes everything the first use issued (§4.1.2).
    func authorizationCode(_ grant: AuthorizationCodeGrantRequest, client: ClientRecord, binding: String?) async throws -> TokenResponse {
        let code = grant.code
        let verifier = grant.codeVerifier
        let now = timeSource.now()
        let hash = OpaqueToken.hash(code)
        // Everything the presenter could get wrong is checked before the code is redeemed, so a
        // code sent by another client, late, or with a wrong redirect_uri or verifier is not
        // burned for its rightful client (as refresh tokens are checked before rotation).
        guard let stored = try await store.authorizationCode(hash: hash) else {
            throw OAuthError.invalidGrant("The authorization code is invalid.")
        }
        guard stored.clientID == client.id else {
            try await audit("token.refused", client: client, outcome: "invalid_grant", detail: "authorization code of another client")
            throw OAuthError.invalidGrant("The authorization code is invalid.")
        }
        guard stored.expiresAt > now else { throw OAuthError.invalidGrant("The authorization code has expired.") }
        // RFC 9449 §10: a code bound with `dpop_jkt` is redeemed only with a proof by that key
        // (checked before redemption, so it is not burned).
        if let bound = stored.dpopKeyThumbprint, binding != bound {
            throw OAuthError.invalidDPoPProof("The authorization code is bound to another DPoP key.")
        }
        // §4.1.3: redirect_uri is required when the authorization request had one; Warden always does.
        guard grant.redirectURI == stored.redirectURI else { throw OAuthError.invalidGrant("The redirect_uri does not match.") }
        let challenge = Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8))))
        // Both values are public once the code is redeemed; a plain comparison suffices.
        guard challenge == stored.codeChallenge else { throw OAuthError.invalidGrant("The code_verifier does not match.") }
        // Issue 14: a code issued before the client was narrowed (a client entry covers it), or
        // for an audience taken from it since, gives nothing.
        let codeIssuedAt = stored.expiresAt.addingTimeInterval(-configuration.authorizationCodeLifetime.timeInterval)
        if try await revocations.coversClientTokens(client.id, issuedAt: codeIssuedAt) || !stored.audience.allSatisfy(client.audiences.contains) {
            try await audit("token.refused", client: client, subject: stored.subject, outcome: "invalid_grant", detail: "authorization code issued before the client was narrowed")
            throw OAuthError.invalidGrant("The authorization code is invalid.")
        }
        let record = try await firstRedemption(
            try await store.redeemAuthorizationCode(hash: hash, at: now),
            replayEvent: "token.code_reuse",
            client: client,
            refusal: .invalidGrant("The authorization code is invalid."),
            now: now
        )
        // The user may have been disabled, or their sessions ended, since the code was issued
        // (issue 14): the code's issue time is its expiry less the code lifetime.
        let issuedAt = record.expiresAt.addingTimeInterval(-configuration.authorizationCodeLifetime.timeInterval)
        guard let user = try await store.user(named: record.subject), !user.disabled, user.allowsSession(begunAt: issuedAt) else {
            throw OAuthError.invalidGrant("The authorization code is invalid.")
        }
        let scope = record.scope.intersection(client.scopes).intersection(user.scopes)
        let minted = try await mint(subject: record.subject, client: client, audience: record.audience, scope: scope, familyID: record.familyID, keyThumbprint: binding, now: now)
        var refresh: String?
        if client.grants.contains(.refreshToken) {
            refresh = try await newRefreshToken(familyID: record.familyID, client: client, subject: record.subject, scope: scope, audience: record.audience, binding: binding, now: now)
        }
        try await confirmUserSession(minted.claims, of: user, familyID: record.familyID, client: client, now: now)
        try await audit("token.issued", client: client, claims: minted.claims, outcome: "success", detail: "authorization_code")
        return respond(minted, refreshToken: refresh)
    }
}
