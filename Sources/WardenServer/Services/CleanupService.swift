import Foundation
public import Logging
public import ServiceLifecycle
public import WardenCore

/// Deletes what has outlived its use, every ``interval``: expired authorization codes, refresh
/// tokens, issued-token records, revocation entries (an hour past the token's expiry) and audit
/// rows past retention, and signing keys no longer published. A swift-service-lifecycle
/// `Service`; `warden serve` runs it.
public struct CleanupService: Service {
    let store: any AuthorizationStore
    let auditRetention: Duration
    let interval: Duration
    let timeSource: TimeSource
    let logger: Logger

    public init(store: any AuthorizationStore, auditRetention: Duration, interval: Duration = .seconds(600), timeSource: TimeSource = .system, logger: Logger = Logger(label: "warden.cleanup")) {
        self.store = store
        self.auditRetention = auditRetention
        self.interval = interval
        self.timeSource = timeSource
        self.logger = logger
    }

    /// Rows of each table one statement deletes at most; between batches the store is free for
    /// issuance (issue 17: a cleanup of millions of rows must never stall the token endpoint).
    public var batchSize = 1000
    /// The pause between batches.
    public var batchPause: Duration = .milliseconds(20)

    /// One pass, in batches until nothing is left; returns how many rows went.
    @discardableResult
    public func runOnce() async throws -> Int {
        let now = timeSource.now()
        var deleted = 0
        // A bound on one pass (10 million rows a table at the default batch size); the next
        // pass goes on.
        for _ in 0..<10_000 {
            let batch = try await store.deleteExpired(before: now, auditBefore: now.addingTimeInterval(-auditRetention.timeInterval), limit: batchSize)
            deleted += batch
            guard batch > 0, !Task.isCancelled else { break }
            try? await Task.sleep(for: batchPause)
        }
        deleted += try await store.deleteUnpublishedSigningKeys(at: now)
        if deleted > 0 { logger.info("cleanup", metadata: ["deleted": "\(deleted)"]) }
        return deleted
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await runOnce() } catch {
                    // Shutting down (say, the port could not be bound) cancels a pass under way:
                    // not a failure worth a line before the reason the server stopped.
                    if Task.isCancelled { break }
                    logger.warning("cleanup failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
