import Foundation
import Synchronization
import WardenCore

/// The server's in-memory copy of the revocation feed, so introspection and token exchange ask
/// memory, not the database, whether a `jti` is revoked. Revocations made by this process are
/// recorded at once; others (the CLI, another process) are read from the feed after the last
/// cursor, at most once per ``syncInterval`` (one indexed query returning only what is new).
final class RevocationMirror: Sendable {
    let store: any AuthorizationStore
    let list: RevocationList
    let syncInterval: TimeInterval
    let timeSource: TimeSource
    private struct State {
        var cursor: Int64 = 0
        var lastSync: Date = .distantPast
    }
    private let state = Mutex(State())
    static let pageSize = 1000

    init(store: any AuthorizationStore, syncInterval: Duration, timeSource: TimeSource) {
        self.store = store
        self.list = RevocationList(timeSource: timeSource)
        self.syncInterval = syncInterval.timeInterval
        self.timeSource = timeSource
    }

    /// By its `jti` or by a client entry (``RevocationRecord/clientEntry``).
    nonisolated(nonsending) func isRevoked(_ claims: AccessTokenClaims) async throws -> Bool {
        try await syncIfStale()
        return list.isRevoked(claims)
    }

    /// Whether a client entry revokes what `clientID` was issued at `issuedAt` (a refresh token,
    /// a code: issue 14).
    func coversClientTokens(_ clientID: String, issuedAt: Date) async throws -> Bool {
        try await syncIfStale()
        return list.isRevoked(clientID: clientID, issuedAt: issuedAt)
    }

    /// Whether a client entry covers any of `clientIDs`' tokens issued at `issuedAt`, read after
    /// catching up with the store now, whatever the interval: a check made after writing
    /// something that a concurrent revocation's sweep may have missed (issue 14).
    func freshlyCoversClientTokens(_ clientIDs: [String], issuedAt: Date) async throws -> Bool {
        try await sync(from: state.withLock { state in
            state.lastSync = timeSource.now()
            return state.cursor
        })
        return clientIDs.contains { list.isRevoked(clientID: $0, issuedAt: issuedAt) }
    }

    /// Another node added revocations: read the feed on the next check.
    func invalidate() {
        state.withLock { $0.lastSync = .distantPast }
    }

    /// A revocation this process just stored.
    func record(tokenID: String, expiresAt: Date) {
        list.revoke(tokenID: tokenID, expiresAt: expiresAt)
    }

    private nonisolated(nonsending) func syncIfStale() async throws {
        let now = timeSource.now()
        // One caller syncs; the others use what is there (at most one interval old).
        let (due, cursor) = state.withLock { state -> (Bool, Int64) in
            guard syncInterval <= 0 || now.timeIntervalSince(state.lastSync) >= syncInterval else { return (false, state.cursor) }
            state.lastSync = now
            return (true, state.cursor)
        }
        guard due else { return }
        try await sync(from: cursor)
    }

    private func sync(from cursor: Int64) async throws {
        var next = cursor
        do {
            while true {
                let page = try await store.revocations(after: next, limit: Self.pageSize)
                for entry in page { entry.apply(to: list) }
                next = page.last?.cursor ?? next
                // Page by page: a concurrent reader (every exchange reads afresh) starts after
                // what is already applied, not from where this one started.
                let reached = next
                state.withLock { $0.cursor = max($0.cursor, reached) }
                if page.count < Self.pageSize { break }
            }
        } catch {
            // Try again on the next call rather than trusting a stale copy for a whole interval.
            state.withLock { $0.lastSync = .distantPast }
            throw error
        }
        state.withLock { $0.cursor = max($0.cursor, next) }
    }
}
