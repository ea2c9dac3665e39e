import Foundation
import WardenCore

extension TokenService {
    /// RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every use returns a new refresh token in
    /// the same family and burns the old one; an already-used token is `invalid_grant` and
    /// revokes the whole family (refresh tokens and the access tokens issued from it). A
    /// refresh may narrow the access token's scope, never widen it; the new refresh token keeps
    /// the original scope (RFC 6749 §6).
    ///
    /// A rotation survives a lost answer (a node killed, a connection cut): the successor is
    /// stored before the old token is marked used, and within
    /// ``AuthorizationServerConfiguration/refreshTokenRetryWindow`` the old token may be presented
    /// again as long as its successor was never used — the successor is revoked and a new one
    /// issued, so there is never more than one live token per family.
    func refreshToken(_ grant: RefreshTokenGrantRequest, client: ClientRecord, binding: String?) async throws -> TokenResponse {
        let presented = grant.refreshToken
        let requested = grant.scope
        let now = timeSource.now()
        let hash = OpaqueToken.hash(presented)
        // Check the owner before redeeming, so another client cannot burn someone's token; and
        // everything a client could get wrong, so an error does not burn it either.
        guard let existing = try await store.refreshToken(hash: hash), existing.clientID == client.id, existing.expiresAt > now else {
            throw OAuthError.invalidGrant("The refresh token is invalid.")
        }
        // RFC 9449 §5.2: a token bound to a DPoP key is redeemed only with a proof by that key
        // (checked before redemption: whoever copied it without the key cannot burn it).
        if let bound = existing.keyThumbprint, binding != bound {
            throw OAuthError.invalidGrant("The refresh token is bound to a DPoP key; present a proof by that key.")
        }
        guard requested.isSubset(of: existing.scope) else {
            throw OAuthError.invalidScope("A refresh cannot widen the scope.")
        }
        // The user may have been disabled or deleted since.
        guard let user = try await store.user(named: existing.subject), !user.disabled else {
            try await revokeFamily(existing.familyID, now: now)
            throw OAuthError.invalidGrant("The refresh token is invalid.")
        }
        // The client narrowed, disabled or deleted since the token was issued (a client entry
        // on the feed covers it, issue 14), or an audience it carries taken away: the sign-in
        // ends here — checked before redemption, so this refusal burns nothing a retry would
        // then report as a reuse (a review's false refresh_token_reuse alert).
        if try await revocations.coversClientTokens(client.id, issuedAt: existing.issuedAt)
            || !existing.audience.allSatisfy(client.audiences.contains) {
            try await revokeFamily(existing.familyID, now: now)
            try await audit("token.refused", client: client, subject: existing.subject, outcome: "invalid_grant", detail: "refresh token issued before the client was narrowed; family \(existing.familyID) revoked")
            throw OAuthError.invalidGrant("The refresh token is invalid.")
        }

        let successorToken = OpaqueToken.generate()
        let successor = RefreshTokenRecord(
            hash: OpaqueToken.hash(successorToken), familyID: existing.familyID, clientID: client.id, subject: existing.subject,
            scope: existing.scope, audience: existing.audience, issuedAt: now,
            // The family's absolute lifetime: a rotation never extends the sign-in.
            expiresAt: existing.expiresAt,
            // The binding stays with the family; a public client's unbound family is bound from
            // its first refresh with a proof (RFC 9449 §5: a refresh token issued to a public
            // client that sent a valid proof is bound to that key).
            keyThumbprint: existing.keyThumbprint ?? (client.secretHash == nil ? binding : nil)
        )
        try await store.storeRefreshToken(successor)
        let redemption = try await store.redeemRefreshToken(hash: hash, at: now, rotatedInto: successor.hash)
        let record: RefreshTokenRecord
        if case .alreadyUsed(let used) = redemption, try await retriesLostRotation(of: hash, into: successor.hash, now: now) {
            try await audit("token.refresh_retried", client: client, subject: used.subject, outcome: "success", detail: "unused successor revoked")
            record = used
        } else if case .alreadyUsed(let used) = redemption, try await store.refreshTokenRotation(hash: hash) == nil {
            // Revoked, not rotated into a live successor: its family was revoked (sessions ended,
            // a reuse found before, RFC 7009). Refused as before, but not reported as a reuse —
            // which raises an alert — since the family's owner presenting it is the normal case
            // after `warden user end-sessions` (found by a review).
            _ = try? await store.revokeUnusedRefreshToken(hash: successor.hash, at: now)
            try await revokeFamily(used.familyID, now: now)
            try await audit("token.refused", client: client, subject: used.subject, outcome: "invalid_grant", detail: "refresh token of a revoked family")
            throw OAuthError.invalidGrant("The refresh token is invalid.")
        } else {
            do {
                record = try await firstRedemption(redemption, replayEvent: "token.refresh_reuse", client: client, refusal: .invalidGrant("The refresh token is invalid."), now: now)
            } catch {
                _ = try? await store.revokeUnusedRefreshToken(hash: successor.hash, at: now)
                throw error
            }
        }

        // What the client and user may have today still bounds the token.
        let scope = (requested.isEmpty ? record.scope : requested).intersection(client.scopes).intersection(user.scopes)
        let minted = try await mint(subject: record.subject, client: client, audience: record.audience, scope: scope, familyID: record.familyID, keyThumbprint: binding, now: now)
        try await confirmUserSession(minted.claims, of: user, familyID: record.familyID, refreshToken: successor.hash, client: client, now: now)
        try await audit("token.refreshed", client: client, claims: minted.claims, outcome: "success")
        return respond(minted, refreshToken: successorToken)
    }

    /// Whether presenting the used token `hash` again is the retry of a rotation whose answer was
    /// lost: it was used within the retry window and its successor never was. If so, `successor`
    /// takes the old successor's place and the old successor is revoked — in that order, each
    /// step atomic: a failure between the two leaves a state the next retry completes (the old
    /// successor, never delivered, stays unknown to anyone), and if the old successor turns out
    /// to have been used after all, this is a reuse and the caller revokes the family.
    private func retriesLostRotation(of hash: [UInt8], into successor: [UInt8], now: Date) async throws -> Bool {
        let window = configuration.refreshTokenRetryWindow.timeInterval
        guard window > 0, let rotation = try await store.refreshTokenRotation(hash: hash),
            now.timeIntervalSince(rotation.usedAt) <= window,
            try await store.replaceRefreshTokenSuccessor(hash: hash, previous: rotation.successor, successor: successor)
        else { return false }
        return try await store.revokeUnusedRefreshToken(hash: rotation.successor, at: now)
    }
}
