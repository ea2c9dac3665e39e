import Synchronization
import WardenServer

/// Runs an operation with a deadline that holds even when the operation ignores cancellation.
/// A task group would not do: it waits for every child, so a query stuck on a connection that
/// went silent (a node cut off from the database) would hold the request well past its timeout.
/// Here the caller gets `StoreError(.unavailable)` at the deadline (``DeadlineWatch``, up to its
/// granularity late); the operation is cancelled and left to finish on its own. Hand-written: no
/// listed package has a deadline like this.
enum Deadline {
    private final class Outcome<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, any Error>?
            var work: Task<Void, Never>?
            var watch: UInt64?
            var failed = false
        }
        private let state: Mutex<State>
        private let watches: DeadlineWatch

        init(_ continuation: CheckedContinuation<T, any Error>, watches: DeadlineWatch) {
            state = Mutex(State(continuation: continuation))
            self.watches = watches
        }

        func attach(watch: UInt64) {
            let finished = state.withLock { state in
                state.watch = state.continuation == nil ? nil : watch
                return state.continuation == nil
            }
            if finished { watches.remove(watch) }
        }

        func attach(work: Task<Void, Never>) {
            let cancelWork = state.withLock { state in
                state.work = work
                return state.continuation == nil && state.failed
            }
            if cancelWork { work.cancel() }
        }

        /// Resumes the caller once; later results are dropped. On failure (deadline,
        /// cancellation) the operation is cancelled and left to finish.
        func finish(_ result: Result<T, any Error>) {
            let failed: Bool
            if case .failure = result { failed = true } else { failed = false }
            let (continuation, work, watch) = state.withLock { state in
                let taken = (state.continuation, state.work, state.watch)
                if state.continuation != nil {
                    state.continuation = nil
                    state.failed = failed
                }
                return taken
            }
            guard let continuation else { return }
            if let watch { watches.remove(watch) }
            if failed { work?.cancel() }
            continuation.resume(with: result)
        }
    }

    static func run<T: Sendable>(_ timeout: Duration, watches: DeadlineWatch = .shared, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let cancelled = Mutex<(@Sendable () -> Void)?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let outcome = Outcome(continuation, watches: watches)
                let watch = watches.add(deadline: .now + timeout) {
                    outcome.finish(.failure(StoreError(.unavailable, "no answer from PostgreSQL within \(timeout)")))
                }
                outcome.attach(watch: watch)
                let work = Task {
                    do { outcome.finish(.success(try await operation())) } catch { outcome.finish(.failure(error)) }
                }
                outcome.attach(work: work)
                cancelled.withLock { $0 = { outcome.finish(.failure(CancellationError())) } }
                // Cancelled before the handler above was in place: the handler has already run.
                if Task.isCancelled { outcome.finish(.failure(CancellationError())) }
            }
        } onCancel: {
            cancelled.withLock { $0 }?()
        }
    }
}
