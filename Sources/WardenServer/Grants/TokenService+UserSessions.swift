import Foundation
import WardenCore

extension TokenService {
    /// The last step of issuing a user's token (issue 14: a permission change takes effect at
    /// once). `warden user update` writes the change, then lists the user's recorded tokens and
    /// revokes them (`SubjectRevocation`); a token issued meanwhile — its user read before the
    /// change (a password grant in the middle of bcrypt, a refresh, an exchange) — may be
    /// recorded after that listing. So, having recorded its token, issuance reads the user
    /// again: of the two, one sees the other's write. If the change ends sessions, or the
    /// refresh family was revoked meanwhile, the family is revoked (this token with it) and the
    /// request refused; the client signs in again and gets what the user may have now.
    ///
    /// - Parameters:
    ///   - user: the user as read when this issuance began.
    ///   - refreshToken: for a refresh, the hash of the successor stored: still active, or the
    ///     family was revoked after it was stored.
    ///   - subjectTokenID: for an exchange, the subject token: revoked meanwhile (the sweep
    ///     revokes it after listing; this token was recorded before this check, so the sweep's
    ///     next listing finds it if this check came too early). Then only this token is revoked.
    func confirmUserSession(_ claims: AccessTokenClaims, of user: UserRecord, familyID: String, refreshToken successor: [UInt8]? = nil, subjectTokenID: String? = nil, client: ClientRecord, now: Date) async throws {
        var reason: String?
        if let current = try await store.user(named: user.name) {
            if current.sessionsNotBefore != user.sessionsNotBefore || user.endsSessions(whenChangedTo: current) || current.disabled
                || !claims.scope.isSubset(of: current.scopes)
            {
                reason = "the user changed while the token was issued"
            } else if let successor, !(try await store.isRefreshTokenActive(hash: successor)) {
                reason = "the refresh token family was revoked while the token was issued"
            } else if let subjectTokenID, try await store.isRevoked(tokenID: subjectTokenID) {
                // Only the token just made: the subject token may have gone for reasons that are
                // not the user's (a client narrowed, RFC 7009) — the sign-in it came from stays
                // (a review found a narrowed service ending users' web sessions here).
                revocations.record(tokenID: claims.tokenID, expiresAt: claims.expiresAt)
                _ = try await store.revoke(tokenID: claims.tokenID, expiresAt: claims.expiresAt, at: now)
                try await audit("token.refused", client: client, subject: user.name, claims: claims, outcome: "invalid_grant", detail: "the subject token was revoked while the token was issued")
                throw OAuthError.invalidGrant("The subject token is invalid.")
            }
        } else {
            reason = "the user was deleted while the token was issued"
        }
        guard let reason else { return }
        try await revokeFamily(familyID, now: now)
        try await audit("token.refused", client: client, subject: user.name, claims: claims, outcome: "invalid_grant", detail: reason + "; family \(familyID) revoked")
        throw OAuthError.invalidGrant("The user's sessions were ended; sign in again.")
    }
}
