import Synchronization

/// One request's time in storage, in all. A token request makes several statements (client,
/// scopes, the grant's own, the audit); with a timeout per statement, a node cut off from its
/// database would answer after several timeouts. The server runs such a request in a budget
/// (``run(limit:_:)``); a store with a timeout of its own (PostgreSQL's `query_timeout`) gives each
/// statement only what the request has not yet spent *in storage* (``remaining(of:)``), and adds
/// what the statement took (``record(_:)``), so the request fails within one timeout in all.
/// Time outside storage (bcrypt, reading the body, waiting for a core) is not counted: a busy but
/// healthy node must not answer 503.
///
/// Only request handlers that end with their response use it: a task started inside (a stream's
/// shared reader) would inherit the budget; background work uses `Task.detached`.
public final class StorageRequestBudget: Sendable {
    @TaskLocal public static var current: StorageRequestBudget?

    /// A cap below the store's own timeout (`/health` answers within a second).
    let limit: Duration?
    private let spent = Mutex<Duration>(.zero)

    init(limit: Duration?) {
        self.limit = limit
    }

    /// What is left of `timeout` for the current request (all of it outside one).
    public static func remaining(of timeout: Duration) -> Duration {
        guard let current else { return timeout }
        let allowed = current.limit.map { min($0, timeout) } ?? timeout
        return allowed - current.spent.withLock { $0 }
    }

    /// Counts `elapsed` (one statement, the wait for a connection included) against the current
    /// request's budget.
    public static func record(_ elapsed: Duration) {
        current?.spent.withLock { $0 += elapsed }
    }

    /// Runs `body` as one request for the budget, in at most `limit` of storage time if given.
    /// `nonisolated(nonsending)`, as the other functions on introspection's path: they run where
    /// their caller runs — on its actor, when it has one — so calling one is no executor switch
    /// in and out (SE-0461; issue 16: introspection made ~49 `swift_task_switch` calls a request,
    /// 43 with these, JWKS 30).
    public nonisolated(nonsending) static func run<T>(limit: Duration? = nil, _ body: nonisolated(nonsending) () async throws -> T) async throws -> T {
        try await $current.withValue(StorageRequestBudget(limit: limit)) { try await body() }
    }
}
