import Foundation
import Synchronization
import WardenCore

/// Counts authentication failures per key and, from the ``threshold``-th failure on, locks the
/// key out with exponential backoff (``baseDelay`` doubling per further failure, capped at
/// ``maximumDelay``). A success clears the count. In memory, per server process; see
/// ``BruteForceGuard`` for how the server uses it.
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

    public init(threshold: Int = 5, baseDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(15 * 60)) {
        self.threshold = threshold
        self.baseDelay = baseDelay.timeInterval
        self.maximumDelay = maximumDelay.timeInterval
    }

    /// Seconds until the first of `keys` is unlocked, or `nil` when none is locked.
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
                // Failures long ago do not count against a new burst.
                if now.timeIntervalSince(entry.lastFailure) > maximumDelay * 2 { entry.failures = 0 }
                entry.failures += 1
                entry.lastFailure = now
                if entry.failures >= threshold {
                    let exponent = min(entry.failures - threshold, 30)
                    let delay = min(baseDelay * pow(2, Double(exponent)), maximumDelay)
                    entry.lockedUntil = now.addingTimeInterval(delay)
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
