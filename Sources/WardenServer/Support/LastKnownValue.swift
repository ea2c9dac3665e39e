import Foundation
import Synchronization
package import WardenCore

/// A value read from storage and served from memory, for answers that must not wait on the
/// database (the metadata document's `scopes_supported`). The first caller reads it; after
/// ``refreshAfter`` the next caller starts a reread in the background and gets the value it
/// had; a failed reread keeps that value. With `refreshAfter` zero (tests that must see a
/// change at once) every call reads, and falls back to the last value only when the read fails.
package final class LastKnownValue<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var readAt: Date = .distantPast
        var reading = false
    }
    private let state = Mutex(State())
    let refreshAfter: TimeInterval
    let timeSource: TimeSource
    let load: @Sendable () async throws -> Value

    package init(refreshAfter: Duration, timeSource: TimeSource, load: @escaping @Sendable () async throws -> Value) {
        self.refreshAfter = refreshAfter.timeInterval
        self.timeSource = timeSource
        self.load = load
    }

    package func value() async throws -> Value {
        let now = timeSource.now()
        let (known, reread) = state.withLock { state -> (Value?, Bool) in
            guard let value = state.value, refreshAfter > 0 else { return (nil, false) }
            guard now.timeIntervalSince(state.readAt) >= refreshAfter, !state.reading else { return (value, false) }
            state.reading = true
            return (value, true)
        }
        if let known {
            // Detached: the request's task-locals (its storage budget) are not the reread's.
            if reread { Task.detached { [self] in _ = try? await read(at: now) } }
            return known
        }
        do {
            return try await read(at: now)
        } catch {
            if let fallback = state.withLock({ $0.value }) { return fallback }
            throw error
        }
    }

    private func read(at now: Date) async throws -> Value {
        do {
            let value = try await load()
            state.withLock { state in
                state.value = value
                state.readAt = now
                state.reading = false
            }
            return value
        } catch {
            state.withLock { $0.reading = false }
            throw error
        }
    }
}
