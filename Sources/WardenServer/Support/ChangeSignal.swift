import Synchronization

/// Wakes every waiter when something changed (a revocation was stored), so the revocation
/// stream pushes at once instead of at its next poll. Waiting always ends by the timeout, so a
/// change made by another process (the `warden` CLI) is still picked up by polling.
public final class ChangeSignal: Sendable {
    private struct State {
        var next: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Waits not yet ended.
        var active: Set<UInt64> = []
        /// Ids ended before their continuation was registered (registration then resumes at once).
        var resolved: Set<UInt64> = []
    }
    private let state = Mutex(State())

    public init() {}

    /// Wakes everyone waiting now.
    public func signal() {
        let waiters = state.withLock { state in
            let waiters = state.waiters
            state.waiters.removeAll()
            // Waits that have not registered their continuation yet end as soon as they do.
            state.resolved.formUnion(state.active.subtracting(waiters.keys))
            state.active.removeAll()
            return waiters
        }
        for continuation in waiters.values { continuation.resume() }
    }

    /// Returns at the next ``signal()``, after `timeout`, or when the task is cancelled.
    public func wait(timeout: Duration) async {
        let id = state.withLock { state in
            state.next += 1
            state.active.insert(state.next)
            return state.next
        }
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
