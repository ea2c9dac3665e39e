import Synchronization

/// Wakes every waiter when something changed (a revocation was stored), so the revocation
/// stream pushes at once instead of at its next poll. Waiting always ends by the timeout, so a
/// change made by another process (the `warden` CLI) is still picked up by polling.
///
/// A waiter reads ``generation`` before it looks for changes and passes it to
/// ``wait(after:timeout:)``: a signal that came in between (after the look found nothing, before
/// the wait began) then ends the wait at once instead of being lost until the timeout.
public final class ChangeSignal: Sendable {
    private struct State {
        /// How many times ``signal()`` was called.
        var generation: UInt64 = 0
        var next: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Waits not yet ended.
        var active: Set<UInt64> = []
        /// Ids ended before their continuation was registered (registration then resumes at once).
        var resolved: Set<UInt64> = []
    }
    private let state = Mutex(State())

    public init() {}

    /// How many signals there have been so far.
    public var generation: UInt64 {
        state.withLock { $0.generation }
    }

    /// Wakes everyone waiting now, and ends at once any wait begun after a ``generation`` read
    /// before this call.
    public func signal() {
        let waiters = state.withLock { state in
            state.generation &+= 1
            let waiters = state.waiters
            state.waiters.removeAll()
            // Waits that have not registered their continuation yet end as soon as they do.
            state.resolved.formUnion(state.active.subtracting(waiters.keys))
            state.active.removeAll()
            return waiters
        }
        for continuation in waiters.values { continuation.resume() }
    }

    /// Returns at once if there was a ``signal()`` since `generation` was read; otherwise at the
    /// next ``signal()``, after `timeout`, or when the task is cancelled.
    public func wait(after generation: UInt64, timeout: Duration) async {
        let registered = state.withLock { state -> UInt64? in
            guard state.generation == generation else { return nil }
            state.next += 1
            state.active.insert(state.next)
            return state.next
        }
        guard let id = registered else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state in
                        if state.resolved.remove(id) != nil { return true }
                        state.waiters[id] = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
            }
            await group.next()
            group.cancelAll()
            resume(id)
        }
    }

    private func resume(_ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            // Already woken by signal(): nothing left to do.
            guard state.active.remove(id) != nil else { return nil }
            if let continuation = state.waiters.removeValue(forKey: id) { return continuation }
            state.resolved.insert(id)
            return nil
        }
        continuation?.resume()
    }
}
