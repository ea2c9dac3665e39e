public import CoreMetrics
public import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
import Synchronization
public import WardenCore

/// Watches this node's clock against the database's. Client entries on the revocation feed
/// (issue 14: `warden client update` narrowing a client) are timed by the database and reach
/// ``ClientTokenRevocation/margin`` past the change; a node whose clock runs ahead of the
/// database's by more than that stamps `iat`s the entry does not cover, so a token issued with
/// the old rights in those seconds would live on. Every ``interval`` the skew (this clock minus
/// the database's) is the gauge `warden.database.clock_skew_seconds`, and past ``tolerance`` a
/// warning says so — once, and again when it is back within. A swift-service-lifecycle `Service`;
/// `warden serve` runs it.
public final class ClockSkewService: Service, Sendable {
    let store: any AuthorizationStore
    let interval: Duration
    let timeSource: TimeSource
    let logger: Logger
    let gauge: Gauge
    private let warned = Mutex(false)

    /// Half the client entry's margin: a skew past it is worth a person's look before it matters.
    public static let tolerance: TimeInterval = ClientTokenRevocation.margin / 2

    public init(store: any AuthorizationStore, interval: Duration = .seconds(60), timeSource: TimeSource = .system,
                metricsFactory: (any MetricsFactory)? = nil, logger: Logger = Logger(label: "warden.clock")) {
        self.store = store
        self.interval = interval
        self.timeSource = timeSource
        self.logger = logger
        self.gauge = Gauge(label: "warden.database.clock_skew_seconds", factory: metricsFactory ?? MetricsSystem.factory)
    }

    /// This clock minus the database's, read at the middle of the query; also sets the gauge and
    /// warns (or clears the warning).
    @discardableResult
    public func measureOnce() async throws -> TimeInterval {
        let before = timeSource.now()
        let database = try await store.currentTime()
        let after = timeSource.now()
        let skew = before.addingTimeInterval(after.timeIntervalSince(before) / 2).timeIntervalSince(database)
        gauge.record(skew)
        let beyond = abs(skew) > Self.tolerance
        let changed = warned.withLock { state in
            defer { state = beyond }
            return state != beyond
        }
        if changed, beyond {
            logger.warning("this node's clock differs from the database's", metadata: [
                "skew_seconds": "\(String(format: "%.1f", skew))",
                "effect": "\(skew > 0 ? "tokens issued here just before a client is narrowed may outlive the narrowing" : "a client narrowed from here revokes more of its new tokens than it should")",
                "fix": "synchronize the clocks (NTP)",
            ])
        } else if changed {
            logger.notice("this node's clock agrees with the database's again", metadata: ["skew_seconds": "\(String(format: "%.1f", skew))"])
        }
        return skew
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await self.measureOnce() } catch {
                    if Task.isCancelled { break }
                    self.logger.debug("clock skew not measured", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: self.interval)
            }
        }
    }
}
