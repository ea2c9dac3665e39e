public import Foundation

/// Revokes every token a client was issued until now (issue 14: `warden client update`
/// narrowing it, `warden client delete`), with one client entry on the revocation feed:
/// client-credentials tokens are not recorded one by one (issue 17), so they cannot be listed;
/// services, introspection and token exchange refuse a token of the client whose `iat` is before
/// the entry's time.
public enum ClientTokenRevocation {
    /// How far past the change the entry reaches: a running server may issue from its cached
    /// client record for a second (``AuthorizationServerConfiguration/recordCacheLifetime``), and
    /// `iat` is whole seconds. Tokens the client gets in these seconds are revoked too; the
    /// next one after them is good.
    public static let margin: TimeInterval = 2

    /// The longest a Warden access token lives (`warden serve --token-lifetime` and a client's
    /// are at most a day): the entry is kept until the last token it covers would have expired.
    public static let longestTokenLifetime: TimeInterval = 86_400

    /// Stores the client entry, timed by the database's clock unless `now` is given; returns it.
    /// Then change the client (within the margin: a server may issue from its old record until
    /// it rereads it), then ``revokeExchangedTokens(from:in:)``.
    @discardableResult
    public static func revokeTokens(of clientID: String, in store: any AuthorizationStore, at given: Date? = nil) async throws -> RevocationRecord {
        var now = given ?? Date()
        if given == nil { now = try await store.currentTime() }
        let issuedBefore = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + margin).rounded(.up))
        return try await store.revoke(
            tokenID: RevocationRecord.clientEntryID(clientID: clientID, issuedBefore: issuedBefore),
            expiresAt: issuedBefore.addingTimeInterval(longestTokenLifetime), at: now
        )
    }

    /// After the entry: revokes the live tokens other clients got by exchanging one of this
    /// client's (``IssuedTokenRecord/derivedFrom``; a service's token exchanged from a narrowed
    /// client's kept the scope taken away otherwise), in one statement, each on the feed by its
    /// `jti`. Not timed by the margin — an exchange after the entry of a token it covers is
    /// refused, whenever the client record changes: the exchange records its token and then
    /// reads the feed afresh (`TokenService.tokenExchange`), so either this sees its token or it
    /// sees the entry. Tried three times; tokens recorded before `derived_from` was kept (SQLite
    /// schema 7) are not found: they end at their `exp`.
    public static func revokeExchangedTokens(from clientID: String, in store: any AuthorizationStore) async throws {
        var attempt = 0
        while true {
            do {
                try await store.revokeIssuedTokens(derivedFrom: clientID, liveAt: try await store.currentTime())
                return
            } catch {
                attempt += 1
                guard attempt < 3 else { throw error }
                try await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }
}
