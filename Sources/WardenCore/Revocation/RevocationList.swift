public import Foundation
import Synchronization

/// Revoked token ids (`jti`) that a verifier refuses. Each entry is kept until the token it
/// revokes would have expired anyway (plus the verifier's leeway), then dropped.
///
/// Filled by whatever learns of revocations: the server's revocation feed, an admin call, a test.
public final class RevocationList: Sendable {
    private struct Storage {
        var entries: [String: Date] = [:]
        var nextPurge: Date = .distantPast
    }

    private let storage = Mutex(Storage())
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
            }
            if now >= storage.nextPurge {
                storage.entries = storage.entries.filter { $0.value > now }
                storage.nextPurge = now.addingTimeInterval(60)
            }
        }
    }

    public func isRevoked(tokenID: String) -> Bool {
        storage.withLock { $0.entries[tokenID] != nil }
    }

    /// Entries currently held (expired ones may linger until the next purge).
    public var count: Int { storage.withLock { $0.entries.count } }

    /// Drops entries whose token has expired.
    public func removeExpired() {
        let now = timeSource.now()
        storage.withLock { storage in
            storage.entries = storage.entries.filter { $0.value > now }
            storage.nextPurge = now.addingTimeInterval(60)
        }
    }
}
