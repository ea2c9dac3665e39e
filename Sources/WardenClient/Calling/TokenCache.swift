import Foundation
import Synchronization
import WardenCore

/// Tokens by key until they are due for renewal, with single flight: concurrent callers wanting
/// the same token share one request to the authorization server. Bounded in size.
final class TokenCache: Sendable {
    private struct State {
        var tokens: [String: IssuedToken] = [:]
        var inFlight: [String: Task<IssuedToken, any Error>] = [:]
    }
    private let state = Mutex(State())
    let capacity: Int
    let timeSource: TimeSource

    init(capacity: Int = 10_000, timeSource: TimeSource) {
        self.capacity = capacity
        self.timeSource = timeSource
    }

    func token(for key: String, fetch: @escaping @Sendable () async throws -> IssuedToken) async throws -> IssuedToken {
        let now = timeSource.now()
        let found: Result<IssuedToken, Never>?
        let task: Task<IssuedToken, any Error>?
        (found, task) = state.withLock { state in
            if let cached = state.tokens[key], cached.renewAt > now { return (.success(cached), nil) }
            if let running = state.inFlight[key] { return (nil, running) }
            let task = Task { try await fetch() }
            state.inFlight[key] = task
            return (nil, task)
        }
        if case .success(let value)? = found { return value }
        guard let task else { preconditionFailure("a cache miss always has a task") }
        do {
            let token = try await task.value
            state.withLock { state in
                state.inFlight[key] = nil
                if state.tokens.count >= capacity { state.tokens.removeAll(keepingCapacity: true) }
                state.tokens[key] = token
            }
            return token
        } catch {
            state.withLock { $0.inFlight[key] = nil }
            throw error
        }
    }

    /// Forgets a token the target refused, so the next call fetches a new one.
    func invalidate(_ key: String, ifValue value: String) {
        state.withLock { state in
            if state.tokens[key]?.value == value { state.tokens[key] = nil }
        }
    }

    var count: Int { state.withLock { $0.tokens.count } }
}
