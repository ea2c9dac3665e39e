import Foundation
import Synchronization
import WardenCore

/// A small read-through cache with a fixed lifetime per entry, for records the hot paths read on
/// every request (clients, the scope list). Changes made by another process (the `warden` CLI)
/// are seen within one ``lifetime``; a lifetime of zero turns caching off. Bounded: when full,
/// it starts over. Absent values (`nil`) are cached too, so a flood of unknown ids costs one
/// lookup each per lifetime.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let expiresAt: Date
    }
    private let entries = Mutex<[Key: Entry]>([:])
    let lifetime: TimeInterval
    let capacity: Int
    let timeSource: TimeSource

    init(lifetime: Duration, capacity: Int = 10_000, timeSource: TimeSource) {
        self.lifetime = lifetime.timeInterval
        self.capacity = capacity
        self.timeSource = timeSource
    }

    nonisolated(nonsending) func value(for key: Key, load: nonisolated(nonsending) () async throws -> Value) async throws -> Value {
        guard lifetime > 0 else { return try await load() }
        let now = timeSource.now()
        if let entry = entries.withLock({ $0[key] }), entry.expiresAt > now { return entry.value }
        let value = try await load()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(value: value, expiresAt: now.addingTimeInterval(lifetime))
        }
        return value
    }

    /// Forgets everything (after this process changed what is cached).
    func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
