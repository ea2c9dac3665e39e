import Foundation
import Logging
import Synchronization
import WardenCore

/// Brute-force counters kept in the store, so that failures on every node on one database add
/// up to one count and a lockout holds on all of them. Counting is one atomic upsert per failure;
/// the lockouts are mirrored in memory — reloaded at most every `refreshInterval`, and at once
/// when another node announces one (``invalidate()``, from LISTEN/NOTIFY) — so the check that
/// precedes every authentication costs no query.
///
/// A success clears the stored count only for keys that failed on this node (clearing on every
/// success would be a write per token issued); a count another node made simply expires after
/// the policy's reset interval.
final class SharedFailureCounts: Sendable {
    private struct Mirror {
        var lockouts: [String: Date] = [:]
        var loadedAt: Date?
        var loading = false
        var failedHere: Set<String> = []
    }
    let store: any AuthorizationStore
    let refreshInterval: TimeInterval
    let logger: Logger
    private let mirror = Mutex(Mirror())
    /// At most this many lockouts are mirrored (the latest ending).
    static let mirrorCapacity = 100_000

    init(store: any AuthorizationStore, refreshInterval: Duration, logger: Logger) {
        self.store = store
        self.refreshInterval = refreshInterval.timeInterval
        self.logger = logger
    }

    /// Seconds until the first of `keys` is unlocked, or `nil` when none is locked.
    func lockedOut(_ keys: [String], now: Date) async -> TimeInterval? {
        let reload = mirror.withLock { mirror in
            guard !mirror.loading else { return false }
            if let loadedAt = mirror.loadedAt, loadedAt <= now, now.timeIntervalSince(loadedAt) < refreshInterval { return false }
            mirror.loading = true
            return true
        }
        if reload { await self.reload(now: now) }
        return mirror.withLock { mirror in
            keys.compactMap { key in
                guard let until = mirror.lockouts[key], until > now else { return nil }
                return until.timeIntervalSince(now)
            }.max()
        }
    }

    private func reload(now: Date) async {
        var loaded: [String: Date]?
        do {
            loaded = try await store.authenticationLockouts(at: now, limit: Self.mirrorCapacity)
        } catch {
            logger.warning("could not reload lockouts; keeping the last ones", metadata: ["error": "\(error)"])
        }
        mirror.withLock { mirror in
            if let loaded { mirror.lockouts = loaded }
            mirror.loadedAt = now
            mirror.loading = false
        }
    }

    /// Makes the next check reload the lockouts (another node locked something out).
    func invalidate() {
        mirror.withLock { $0.loadedAt = nil }
    }

    func recordFailure(_ key: String, policy: FailureThrottle, now: Date) async {
        mirror.withLock { mirror in
            if mirror.failedHere.count >= Self.mirrorCapacity { mirror.failedHere.removeAll() }
            mirror.failedHere.insert(key)
        }
        do {
            let failures = try await store.countAuthenticationFailure(key: key, at: now, resetBefore: now.addingTimeInterval(-policy.resetInterval))
            guard let duration = policy.lockDuration(afterFailures: failures) else { return }
            let until = now.addingTimeInterval(duration)
            mirror.withLock { mirror in mirror.lockouts[key] = max(mirror.lockouts[key] ?? .distantPast, until) }
            try await store.lockAuthentication(key: key, until: until)
        } catch {
            logger.warning("authentication failure not counted in the store; counted on this node only", metadata: ["error": "\(error)"])
        }
    }

    func recordSuccess(_ key: String, now: Date) async {
        guard mirror.withLock({ $0.failedHere.remove(key) != nil }) else { return }
        do {
            try await store.clearAuthenticationFailures(key: key, at: now)
        } catch {
            logger.warning("could not clear a failure count", metadata: ["error": "\(error)"])
        }
    }
}
