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
/// A token being issued while the change is written is not missed: the change (with the user's
/// new `sessionsNotBefore`) is written before this lists the tokens, and issuance records its
/// token before it reads the user again (`TokenService.confirmUserSession`) — one of the two
/// sees the other. Idempotent: running it
/// again (`warden user end-sessions`) finishes what a failure interrupted.
public enum SubjectRevocation {
    public struct Outcome: Sendable, Hashable {
        public var accessTokens: Int
        public var refreshFamilies: Int
    }

    /// `warden user end-sessions`: the user's ``UserRecord/sessionsNotBefore`` set to `now`
    /// (compare-and-set; sign-in pages, codes and tokens in flight notice it), then
    /// ``revokeAll(of:in:at:)``. `existed` is false for a name with no user (a deleted user's
    /// leftovers are still ended).
    public static func endSessions(of name: String, in store: any AuthorizationStore, at now: Date) async throws -> (outcome: Outcome, existed: Bool) {
        var existed = false
        for _ in 0..<5 {
            guard let stored = try await store.user(named: name) else { break }
            var user = stored
            user.sessionsNotBefore = now
            if try await store.updateUser(user, replacing: stored) { existed = true; break }
        }
        if !existed, try await store.user(named: name) != nil { throw StoreError(.conflict, "user \(name) kept changing") }
        return (try await revokeAll(of: name, in: store, at: now), existed)
    }

    public static func revokeAll(of subject: String, in store: any AuthorizationStore, at now: Date) async throws(StoreError) -> Outcome {
        let families = try await store.refreshTokenFamilies(subject: subject, liveAt: now)
        for family in families {
            try await store.revokeRefreshTokenFamily(family, at: now)
        }
        // Counted are the tokens this revoked, not those revoked before (by an earlier change,
        // a replay, RFC 7009): the operator reads what this change ended. The list is taken
        // again after each pass until one adds nothing: an exchange whose subject token was
        // still unrevoked when it checked records its token before that check, so a pass after
        // the revocation sees it (`TokenService.confirmUserSession`). Bounded, for a user whose
        // clients keep signing in while this runs.
        var revoked = 0
        for _ in 0..<20 {
            var added = 0
            // A client whose id equals the user's name keeps its own exchanged tokens.
            for token in try await store.issuedTokens(subject: subject, liveAt: now) where token.isUserSession {
                guard !(try await store.isRevoked(tokenID: token.tokenID)) else { continue }
                _ = try await store.revoke(tokenID: token.tokenID, expiresAt: token.expiresAt, at: now)
                added += 1
            }
            revoked += added
            if added == 0 { break }
        }
        return Outcome(accessTokens: revoked, refreshFamilies: families.count)
    }
}
