import Foundation
public import Logging
public import ServiceLifecycle
public import WardenCore

/// Writes the client-credentials issuance counted by ``IssuanceAuditAggregator``: every
/// ``interval``, one audit row per client, scope set and finished minute, and one `info` log line
/// per row (the summary an operator reads under load); at shutdown, everything counted. A
/// swift-service-lifecycle `Service`; `warden serve` runs it (put it before the HTTP server in the
/// group, so that it stops after it).
public struct IssuanceAuditService: Service {
    let aggregator: IssuanceAuditAggregator
    let store: any AuthorizationStore
    let interval: Duration
    let timeSource: TimeSource
    let logger: Logger

    public init(aggregator: IssuanceAuditAggregator, store: any AuthorizationStore, interval: Duration = .seconds(10), timeSource: TimeSource = .system, logger: Logger = Logger(label: "warden.audit")) {
        self.aggregator = aggregator
        self.store = store
        self.interval = interval
        self.timeSource = timeSource
        self.logger = logger
    }

    /// Writes the finished minutes (all of them with `all`); returns how many rows were written.
    /// A row that cannot be written (the store unreachable) is put back for the next flush; at
    /// shutdown it is logged with its count instead.
    @discardableResult
    public func flush(all: Bool = false) async -> Int {
        let buckets = aggregator.drain(finishedBefore: all ? nil : timeSource.now())
        var written = 0
        for bucket in buckets {
            let detail = "client_credentials: \(bucket.count) token\(bucket.count == 1 ? "" : "s") in the minute from \(bucket.minute.formatted(.iso8601)), jti \(bucket.firstTokenID) … \(bucket.lastTokenID)"
            do {
                try await store.appendAudit(AuditEvent(at: bucket.minute, event: "token.issued", clientID: bucket.clientID, scope: bucket.scope,
                                                       tokenID: bucket.lastTokenID, outcome: "success", detail: detail))
                written += 1
                logger.info("tokens issued", metadata: [
                    "client_id": "\(PrintableText.escaped(bucket.clientID))", "scope": "\(bucket.scope)", "count": "\(bucket.count)",
                    "minute": "\(bucket.minute.formatted(.iso8601))",
                ])
            } catch {
                logger.error("an issuance audit row could not be written\(all ? "" : "; kept for the next try")", metadata: [
                    "client_id": "\(PrintableText.escaped(bucket.clientID))", "count": "\(bucket.count)", "error": "\(error)",
                ])
                if !all { aggregator.restore(bucket) }
            }
        }
        return written
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await flush()
                try? await Task.sleep(for: interval)
            }
        }
        // Shutting down: what was counted is written (the HTTP server has stopped before).
        await flush(all: true)
    }
}
