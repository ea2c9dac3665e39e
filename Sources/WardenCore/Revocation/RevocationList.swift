public import Foundation
import Synchronization

/// Revoked token ids (`jti`) that a verifier refuses. Each entry is kept until the token it
/// revokes would have expired anyway (plus the verifier's leeway), then dropped.
///
/// Filled by whatever learns of revocations: the server's revocation feed, an admin call, a test.
public final class RevocationList: Sendable {
    private struct Storage {
        var entries: [String: Date] = [:]
        /// Client entries: every token of the client issued before `issuedBefore`, until `until`.
        var clients: [String: (issuedBefore: Date, until: Date)] = [:]
        var nextPurge: Date = .distantPast

        mutating func purge(now: Date) {
            entries = entries.filter { $0.value > now }
            if !clients.isEmpty { clients = clients.filter { $0.value.until > now } }
            nextPurge = now.addingTimeInterval(60)
        }
    }

    private let storage = Mutex(Storage())
    /// Moves on with every revocation (issue 16): a verifier's cache remembers the generation it
    /// last found a token unrevoked at, and a hit asks the list's lock only when a revocation has
    /// come since. Every cached request on every core took that lock before; a generation that
    /// does not move is a line all cores only read. Bumped after the entry is in (inside the lock,
    /// releasing), read before a check (acquiring): a check that began before a revocation's entry
    /// was in sees a generation the revocation then moves past.
    private let revocations = Atomic<UInt64>(0)
    /// Extra time an entry is kept past the token's `exp`, to cover verifiers' leeway.
    public let retention: TimeInterval
    let timeSource: TimeSource

    public init(retentionPastExpiry: Duration = .seconds(60), timeSource: TimeSource = .system) {
        self.retention = retentionPastExpiry.timeInterval
        self.timeSource = timeSource
    }

    /// Revokes `tokenID` until `expiresAt` (the token's `exp`).
    public func revoke(tokenID: String, expiresAt: Date) {
        let now = timeSource.now()
        storage.withLock { storage in
            let until = expiresAt.addingTimeInterval(retention)
            if until > now {
                storage.entries[tokenID] = max(storage.entries[tokenID] ?? .distantPast, until)
                // Only when an entry went in: every move sends every cached token's next hit to
                // the lock (a flood of revocations of expired tokens must not).
                revocations.wrappingAdd(1, ordering: .releasing)
            }
            if now >= storage.nextPurge { storage.purge(now: now) }
        }
    }

    /// Revokes every token of `clientID` issued before `issuedBefore` (its `iat` earlier),
    /// until `expiresAt` (when the last of them would have expired): the feed's client entries,
    /// sent when a client is narrowed or deleted. A later entry for the same client moves the
    /// time on.
    public func revokeTokens(ofClient clientID: String, issuedBefore: Date, expiresAt: Date) {
        let now = timeSource.now()
        storage.withLock { storage in
            let until = expiresAt.addingTimeInterval(retention)
            guard until > now else { return }
            let known = storage.clients[clientID]
            storage.clients[clientID] = (max(known?.issuedBefore ?? .distantPast, issuedBefore), max(known?.until ?? .distantPast, until))
            revocations.wrappingAdd(1, ordering: .releasing)
        }
    }

    public func isRevoked(tokenID: String) -> Bool {
        storage.withLock { $0.entries[tokenID] != nil }
    }

    /// Whether a token is revoked: by its `jti`, or by a client entry for its `client_id`
    /// covering its `iat`.
    public func isRevoked(tokenID: String, clientID: String, issuedAt: Date) -> Bool {
        storage.withLock { storage in
            if storage.entries[tokenID] != nil { return true }
            guard !storage.clients.isEmpty, let entry = storage.clients[clientID] else { return false }
            return issuedAt < entry.issuedBefore
        }
    }

    /// Whether a client entry covers what `clientID` was issued at `issuedAt` (its tokens, and
    /// at the authorization server its refresh tokens and codes).
    public func isRevoked(clientID: String, issuedAt: Date) -> Bool {
        storage.withLock { storage in
            guard !storage.clients.isEmpty, let entry = storage.clients[clientID] else { return false }
            return issuedAt < entry.issuedBefore
        }
    }

    /// Whether a token with these claims is revoked (``isRevoked(tokenID:clientID:issuedAt:)``).
    public func isRevoked(_ claims: AccessTokenClaims) -> Bool {
        isRevoked(tokenID: claims.tokenID, clientID: claims.clientID, issuedAt: claims.issuedAt)
    }

    /// Whether a verified token is revoked, read from it field by field (no copy of its claims:
    /// the cache's hit path asks this on every request, issue 16).
    func isRevoked(_ token: VerifiedAccessToken) -> Bool {
        isRevoked(tokenID: token.tokenID, clientID: token.clientID, issuedAt: token.claims.issuedAt)
    }

    /// Moves whenever an entry goes in (a revocation of a token not yet expired, a client entry):
    /// read it *before* asking ``isRevoked(tokenID:clientID:issuedAt:)``,
    /// and an unchanged generation later means that answer still stands (purges never move it:
    /// they only drop entries of tokens that have expired).
    package var generation: UInt64 { revocations.load(ordering: .acquiring) }

    /// Entries currently held, `jti`s and clients (expired ones may linger until the next purge).
    public var count: Int { storage.withLock { $0.entries.count + $0.clients.count } }

    /// Drops entries whose token has expired.
    public func removeExpired() {
        let now = timeSource.now()
        storage.withLock { $0.purge(now: now) }
    }
}
