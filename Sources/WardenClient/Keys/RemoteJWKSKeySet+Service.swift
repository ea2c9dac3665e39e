public import ServiceLifecycle
import WardenCore

extension RemoteJWKSKeySet: Service {
    /// Refreshes the keys when their cache lifetime ends (and retries with backoff on failure)
    /// until graceful shutdown.
    public func run() async throws {
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let succeeded = await refresh()
            failures = succeeded ? 0 : failures + 1
            let delay = secondsUntilRefresh(lastAttemptSucceeded: succeeded, failures: failures)
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: .seconds(delay))
                }
            } catch {
                return
            }
        }
    }
}
