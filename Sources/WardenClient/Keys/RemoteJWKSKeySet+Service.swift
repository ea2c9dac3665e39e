public import ServiceLifecycle
import WardenCore

extension RemoteJWKSKeySet: Service {
    /// Refreshes the keys when their cache lifetime ends (and retries with backoff on failure)
    /// until graceful shutdown. Graceful shutdown ends it at once, a fetch under way included:
    /// a JWKS endpoint that does not answer would otherwise hold the application's shutdown for
    /// the request's whole time limit.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                let succeeded = await self.refreshUnlessCancelled()
                guard !Task.isCancelled else { return }
                failures = succeeded ? 0 : failures + 1
                let delay = self.secondsUntilRefresh(lastAttemptSucceeded: succeeded, failures: failures)
                try await Task.sleep(for: .seconds(delay))
            }
        }
    }
}
