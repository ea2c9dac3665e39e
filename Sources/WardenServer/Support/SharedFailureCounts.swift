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
        /// When the latest mirrored lockout ends (set with every change to `lockouts`): before
        /// it someone may be locked, after it nobody is (``surelyLocksNobody(at:)``).
        var lastLockEnds = Date.distantPast
        /// Counts ``invalidate()`` calls: a reload that began before one does not count as fresh.
        var generation = 0
        var loadedAt: Date?
        var loading = false
        /// Loaded at least once: later reloads run in the background.
        var everLoaded = false
        var failedHere: Set<String> = []
        /// The last reload / count failed: logged once until one succeeds.
        var reloadFailing = false
        var countFailing = false
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
        await reloadIfDue(now: now)
        return mirror.withLock { mirror in
            keys.compactMap { key in
                guard let until = mirror.lockouts[key], until > now else { return nil }
                return until.timeIntervalSince(now)
            }.max()
        }
    }

    /// `true` when the mirror was loaded from the store at least once, is fresh (no reload due)
    /// and locks nobody at `now`; `false` when someone may be locked, a reload is due or the
    /// store never answered — then ``lockedOut(_:now:)`` answers (and reloads). Every client
    /// authentication asks it first, and a healthy server has locked nobody: then no key is
    /// built, no list made, no dictionary searched, nothing awaited (issue 16).
    func surelyLocksNobody(at now: Date) -> Bool {
        mirror.withLock { mirror in
            guard mirror.everLoaded, let loadedAt = mirror.loadedAt, loadedAt <= now, now.timeIntervalSince(loadedAt) < refreshInterval else { return false }
            return mirror.lastLockEnds <= now
        }
    }

    /// Reloads the lockouts when the last load is older than `refreshInterval` (or was
    /// invalidated). Once loaded, a reload never holds a request (a node cut off from its
    /// database would otherwise spend each request's query_timeout here): the last lockouts
    /// answer meanwhile, and this node's own failures are in the mirror at once anyway.
    private func reloadIfDue(now: Date) async {
        let (reload, inBackground, generation) = mirror.withLock { mirror -> (Bool, Bool, Int) in
            guard !mirror.loading else { return (false, false, 0) }
            if let loadedAt = mirror.loadedAt, loadedAt <= now, now.timeIntervalSince(loadedAt) < refreshInterval { return (false, false, 0) }
            mirror.loading = true
            return (true, mirror.everLoaded, mirror.generation)
        }
        if reload, inBackground {
            Task.detached { [self] in await self.reload(now: now, generation: generation) }
        } else if reload {
            await self.reload(now: now, generation: generation)
        }
    }

    /// Replaces the mirror with the store's lockouts, keeping those it holds that still run and
    /// end later than the store says (this node's own, counted while the store was being read:
    /// a lockout is never shortened, so the later end is the true one). An ``invalidate()``
    /// while it read leaves the mirror due for another reload (the store may have changed after
    /// the read).
    private func reload(now: Date, generation: Int) async {
        var loaded: [String: Date]?
        var failure: (any Error)?
        do {
            loaded = try await store.authenticationLockouts(at: now, limit: Self.mirrorCapacity)
        } catch {
            failure = error
        }
        let (firstFailure, recovered) = mirror.withLock { mirror -> (Bool, Bool) in
            if let loaded {
                var merged = loaded
                for (key, until) in mirror.lockouts where until > now && merged.count < 2 * Self.mirrorCapacity {
                    merged[key] = max(merged[key] ?? .distantPast, until)
                }
                mirror.lockouts = merged
                mirror.lastLockEnds = merged.values.max() ?? .distantPast
            }
            mirror.loadedAt = mirror.generation == generation ? now : nil
            mirror.loading = false
            mirror.everLoaded = mirror.everLoaded || loaded != nil
            defer { mirror.reloadFailing = failure != nil }
            return (failure != nil && !mirror.reloadFailing, failure == nil && mirror.reloadFailing)
        }
        if let failure, firstFailure {
            logger.warning("could not reload lockouts; keeping the last ones until the database answers", metadata: ["error": "\(failure)"])
        } else if recovered {
            logger.notice("lockouts reloaded again")
        }
    }

    /// Makes the next check reload the lockouts (another node locked something out).
    func invalidate() {
        mirror.withLock { mirror in
            mirror.loadedAt = nil
            mirror.generation &+= 1
        }
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
            mirror.withLock { mirror in
                mirror.lockouts[key] = max(mirror.lockouts[key] ?? .distantPast, until)
                mirror.lastLockEnds = max(mirror.lastLockEnds, until)
            }
            try await store.lockAuthentication(key: key, until: until)
            if mirror.withLock({ mirror in defer { mirror.countFailing = false }; return mirror.countFailing }) {
                logger.notice("authentication failures counted in the store again")
            }
        } catch {
            // Once per outage, not per failed sign-in.
            if mirror.withLock({ mirror in defer { mirror.countFailing = true }; return !mirror.countFailing }) {
                logger.warning("authentication failures not counted in the store (counted on this node only) until the database answers", metadata: ["error": "\(error)"])
            }
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
