import WardenCore

/// Runs an operation under a time limit that covers all of it: async-http-client's request
/// deadline ends once the response head has arrived, so a server that sends its head and then
/// stalls the body (a JWKS or token endpoint gone half-open) would otherwise hold the caller, and
/// every caller joined to it, for ever. On the limit the operation is cancelled and
/// ``Exceeded`` thrown. For operations that end promptly when cancelled, as async-http-client's
/// requests and bodies do (a task group waits for its children); one that ignores cancellation
/// needs a detached deadline instead (WardenPostgres's `Deadline`).
package enum TimeLimit {
    package struct Exceeded: Error, CustomStringConvertible {
        package let limit: Duration
        package var description: String { "no complete answer within \(limit)" }
    }

    package static func run<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard case .some(.some(let value)) = try await group.next() else { throw Exceeded(limit: limit) }
            return value
        }
    }
}
