import Synchronization
import WardenServer

/// Runs an operation with a deadline that holds even when the operation ignores cancellation.
/// A task group would not do: it waits for every child, so a query stuck on a connection that
/// went silent (a node cut off from the database) would hold the request well past its timeout.
/// Here the caller gets `StoreError(.unavailable)` at the deadline; the operation is cancelled
/// and left to finish on its own. Hand-written: no listed package has a deadline like this.
enum Deadline {
    private final class Outcome<T: Sendable>: Sendable {
        private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, work: Task<Void, Never>?, timer: Task<Void, Never>?)>((nil, nil, nil))

        init(_ continuation: CheckedContinuation<T, any Error>) {
            state.withLock { $0.continuation = continuation }
        }

        func attach(work: Task<Void, Never>, timer: Task<Void, Never>) {
            let finished = state.withLock { state in
                state.work = work
                state.timer = timer
                return state.continuation == nil
            }
            if finished { timer.cancel() }
        }

        /// Resumes the caller once; later results are dropped. Cancels whatever still runs.
        func finish(_ result: Result<T, any Error>) {
            let (continuation, work, timer) = state.withLock { state in
                defer { state.continuation = nil }
                return (state.continuation, state.work, state.timer)
            }
            guard let continuation else { return }
            timer?.cancel()
            if case .failure = result { work?.cancel() }
            continuation.resume(with: result)
        }
    }

    static func run<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let cancelled = Mutex<(@Sendable () -> Void)?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let outcome = Outcome(continuation)
                let work = Task {
                    do { outcome.finish(.success(try await operation())) } catch { outcome.finish(.failure(error)) }
                }
                let timer = Task {
                    guard (try? await Task.sleep(for: timeout)) != nil else { return }
                    outcome.finish(.failure(StoreError(.unavailable, "no answer from PostgreSQL within \(timeout)")))
                }
                outcome.attach(work: work, timer: timer)
                cancelled.withLock { $0 = { outcome.finish(.failure(CancellationError())) } }
            }
        } onCancel: {
            cancelled.withLock { $0 }?()
        }
    }
}
