public import Foundation
import Synchronization
import WardenCore

/// Counts authentication failures per key and, from the ``threshold``-th failure on, locks the
/// key out with exponential backoff (``baseDelay`` doubling per further failure, capped at
/// ``maximumDelay``). A success clears the count. The counts here are this process's; the server
/// also keeps them in the store for every node (``BruteForceGuard``), with this type's policy.
public final class FailureThrottle: Sendable {
    private struct Entry {
        var failures: Int
        var lockedUntil: Date
        var lastFailure: Date
    }
    public let threshold: Int
    public let baseDelay: TimeInterval
    public let maximumDelay: TimeInterval
    private let entries = Mutex([String: Entry]())
    /// When the latest lock this throttle set ends: before it nobody may be locked, after it
    /// nobody is — the question "is anyone locked?" without a key (issue 16: every client
    /// authentication asks it, and a healthy server has locked nobody).
    private let lastLockEnds = Mutex(Date.distantPast)

    public init(threshold: Int = 5, baseDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(15 * 60)) {
        self.threshold = threshold
        self.baseDelay = baseDelay.timeInterval
        self.maximumDelay = maximumDelay.timeInterval
    }

    /// How long a key is locked after its `failures`-th failure in a row, `nil` below the threshold.
    public func lockDuration(afterFailures failures: Int) -> TimeInterval? {
        guard failures >= threshold else { return nil }
        let exponent = min(failures - threshold, 30)
        return min(baseDelay * pow(2, Double(exponent)), maximumDelay)
    }

    /// Failures longer ago than this do not count against a new burst.
    public var resetInterval: TimeInterval { maximumDelay * 2 }

    /// Seconds until the first of `keys` is unlocked, or `nil` when none is locked.
    /// Whether any key may be locked at `now` (`false`: none is).
    public func locksAnyone(at now: Date) -> Bool {
        lastLockEnds.withLock { $0 } > now
    }

    public func lockedOut(_ keys: [String], now: Date) -> TimeInterval? {
        entries.withLock { entries in
            keys.compactMap { key in
                guard let entry = entries[key], entry.lockedUntil > now else { return nil }
                return entry.lockedUntil.timeIntervalSince(now)
            }.max()
        }
    }

    public func recordFailure(_ keys: [String], now: Date) {
        entries.withLock { entries in
            if entries.count > 100_000 {
                // Bounded memory under a flood of distinct keys: forget entries idle for an hour.
                entries = entries.filter { now.timeIntervalSince($0.value.lastFailure) < 3600 }
            }
            for key in keys {
                var entry = entries[key] ?? Entry(failures: 0, lockedUntil: .distantPast, lastFailure: now)
                if now.timeIntervalSince(entry.lastFailure) > resetInterval { entry.failures = 0 }
                entry.failures += 1
                entry.lastFailure = now
                if let delay = lockDuration(afterFailures: entry.failures) {
                    entry.lockedUntil = now.addingTimeInterval(delay)
                    let ends = entry.lockedUntil
                    lastLockEnds.withLock { $0 = max($0, ends) }
                }
                entries[key] = entry
            }
        }
    }

    public func recordSuccess(_ keys: [String]) {
        entries.withLock { entries in
            for key in keys { entries[key] = nil }
        }
    }
}
