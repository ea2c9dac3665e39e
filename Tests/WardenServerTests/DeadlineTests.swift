import Synchronization
import Testing
import WardenServer
@testable import WardenPostgres

/// The deadline every PostgreSQL statement runs under: it answers at the deadline even when the
/// operation ignores cancellation, passes results and errors through, and leaves nothing
/// registered behind.
@Suite(.timeLimit(.minutes(1))) struct DeadlineTests {
    /// A watch of the test's own: the shared one also serves the PostgreSQL tests running alongside.
    let watches = DeadlineWatch(granularity: .milliseconds(50))

    /// An operation that ignores cancellation: it returns only when released.
    final class Gate: Sendable {
        private let waiter = Mutex<CheckedContinuation<Void, Never>?>(nil)
        private let opened = Mutex(false)
        func wait() async {
            await withCheckedContinuation { continuation in
                let openNow = opened.withLock { opened in
                    if !opened { waiter.withLock { $0 = continuation } }
                    return opened
                }
                if openNow { continuation.resume() }
            }
        }
        func open() {
            opened.withLock { $0 = true }
            waiter.withLock { $0.take() }?.resume()
        }
    }

    @Test func passesResultsAndErrorsThrough() async throws {
        #expect(try await Deadline.run(.seconds(5), watches: watches) { 42 } == 42)
        await #expect(throws: StoreError.self) {
            try await Deadline.run(.seconds(5), watches: watches) { () async throws -> Int in throw StoreError(.conflict, "exists") }
        }
        #expect(watches.pendingCount == 0)
    }

    @Test func answersAtTheDeadlineWhenTheOperationIgnoresCancellation() async throws {
        let gate = Gate()
        let started = ContinuousClock.now
        do {
            _ = try await Deadline.run(.milliseconds(200), watches: watches) { () async -> Int in
                await gate.wait()
                return 1
            }
            Issue.record("the stuck operation's result came back")
        } catch let error as StoreError {
            #expect(error.code == .unavailable)
        }
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(200))
        gate.open()
        #expect(watches.pendingCount == 0)
    }

    @Test func theCallersCancellationEndsTheWait() async throws {
        let gate = Gate()
        let call = Task {
            try await Deadline.run(.seconds(30), watches: watches) { () async -> Int in
                await gate.wait()
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        gate.open()
        #expect(watches.pendingCount == 0)
    }

    @Test func manyConcurrentOperationsLeaveNothingRegistered() async throws {
        let sum = try await withThrowingTaskGroup(of: Int.self) { group in
            for value in 1...500 {
                group.addTask { [watches] in try await Deadline.run(.seconds(5), watches: watches) { value } }
            }
            return try await group.reduce(0, +)
        }
        #expect(sum == 500 * 501 / 2)
        #expect(watches.pendingCount == 0)
    }
}
