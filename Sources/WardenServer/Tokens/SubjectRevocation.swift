public import Foundation

/// Ends every session of a user: their refresh-token families revoked, and every access token
/// recorded for them put on the revocation feed, so that services refuse it within the feed's
/// latency instead of when it expires. Used when a user loses a scope or is disabled or deleted
/// (`warden user update/delete`, issue 14: permission changes take effect at once).
///
/// All of the user's tokens, not only those carrying a removed scope: an access token's scope is
/// not stored (per-token rows are kept small, issue 17), and a narrowed user signs in again and
/// gets tokens with what they may have now. Tokens of the client-credentials grant name no user
/// and are not touched.
///
/// A token being issued while the change is written is not missed: the change is written
/// before this lists the tokens, and issuance records its token before it reads the user again
/// (`TokenService.confirmUserSession`) — one of the two sees the other. Idempotent: running it
/// again (`warden user end-sessions`) finishes what a failure interrupted.
public enum SubjectRevocation {
    public struct Outcome: Sendable, Hashable {
        public var accessTokens: Int
        public var refreshFamilies: Int
    }

    public static func revokeAll(of subject: String, in store: any AuthorizationStore, at now: Date) async throws(StoreError) -> Outcome {
        let families = try await store.refreshTokenFamilies(subject: subject, liveAt: now)
        for family in families {
            try await store.revokeRefreshTokenFamily(family, at: now)
        }
        // A client whose id equals the user's name keeps its own exchanged tokens.
        let tokens = try await store.issuedTokens(subject: subject, liveAt: now).filter(\.isUserSession)
        // Counted are the tokens this revoked, not those revoked before (by an earlier change,
        // a replay, RFC 7009): the operator reads what this change ended.
        var revoked = 0
        for token in tokens where !(try await store.isRevoked(tokenID: token.tokenID)) {
            _ = try await store.revoke(tokenID: token.tokenID, expiresAt: token.expiresAt, at: now)
            revoked += 1
        }
        return Outcome(accessTokens: revoked, refreshFamilies: families.count)
    }
}
