/// One request's time for storage, in all. A token request makes several statements (client,
/// scopes, the grant's own, the audit); with a timeout per statement, a node cut off from its
/// database would answer after several timeouts. The server marks when such a request began
/// (``run(_:)``); a store with a timeout of its own (PostgreSQL's `query_timeout`) gives each
/// statement only what is left of it, so the request fails within one timeout in all.
///
/// Only request handlers that end with their response use it: a task started inside (a stream's
/// shared reader) would inherit the mark and find its time spent.
public enum StorageRequestBudget {
    @TaskLocal public static var startedAt: ContinuousClock.Instant?

    /// What is left of `timeout` for the current request (all of it outside one).
    public static func remaining(of timeout: Duration) -> Duration {
        guard let startedAt else { return timeout }
        return timeout - (ContinuousClock.now - startedAt)
    }

    /// Runs `body` as one request for the budget.
    public static func run<T>(_ body: () async throws -> T) async throws -> T {
        try await $startedAt.withValue(ContinuousClock.now) { try await body() }
    }
}
