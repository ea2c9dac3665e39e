import Foundation
import WardenCore

extension TokenService {
    /// RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every use returns a new refresh token in
    /// the same family and burns the old one; an already-used token is `invalid_grant` and
    /// revokes the whole family (refresh tokens and the access tokens issued from it). A
    /// refresh may narrow the access token's scope, never widen it; the new refresh token keeps
    /// the original scope (RFC 6749 §6).
    func refreshToken(_ request: TokenRequest, client: ClientRecord) async throws -> TokenResponse {
        let presented = try request.require("refresh_token")
        let requested = try ScopePolicy.parse(request["scope"])
        let now = timeSource.now()
        let hash = OpaqueToken.hash(presented)
        // Check the owner before redeeming, so another client cannot burn someone's token.
        guard let existing = try await store.refreshToken(hash: hash), existing.clientID == client.id else {
            throw OAuthError.invalidGrant("The refresh token is invalid.")
        }
        let record = try await firstRedemption(
            try await store.redeemRefreshToken(hash: hash, at: now),
            replayEvent: "token.refresh_reuse",
            client: client,
            refusal: .invalidGrant("The refresh token is invalid."),
            now: now
        )
        guard record.expiresAt > now else { throw OAuthError.invalidGrant("The refresh token is invalid.") }
        // The user may have been disabled or deleted since.
        guard let user = try await store.user(named: record.subject), !user.disabled else {
            try await revokeFamily(record.familyID, now: now)
            throw OAuthError.invalidGrant("The refresh token is invalid.")
        }
        guard requested.isSubset(of: record.scope) else {
            throw OAuthError.invalidScope("A refresh cannot widen the scope.")
        }
        // What the client and user may have today still bounds the token.
        let scope = (requested.isEmpty ? record.scope : requested).intersection(client.scopes).intersection(user.scopes)
        let minted = try await mint(subject: record.subject, client: client, audience: record.audience, scope: scope, familyID: record.familyID, now: now)
        let refresh = try await newRefreshToken(familyID: record.familyID, client: client, subject: record.subject, scope: record.scope, audience: record.audience, now: now)
        try await audit("token.refreshed", client: client, claims: minted.claims, outcome: "success")
        return respond(minted, refreshToken: refresh)
    }
}
