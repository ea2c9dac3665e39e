import Foundation
import Logging
import MetricsTestKit
import ServiceLifecycle
import Synchronization
import Testing
import WardenClient
import WardenCore

/// What a resource server's operator sees of its revocation feed: whether a stream is open, for
/// how long it has not been, the feed's metrics, and one warning per long outage.
@Suite(.timeLimit(.minutes(1))) struct RevocationFeedHealthTests {
    final class LogLines: TextOutputStream, Sendable {
        private let text = Mutex("")
        var value: String { text.withLock { $0 } }
        func write(_ string: String) { text.withLock { $0 += string } }
    }

    private static func run(
        _ subscriber: RevocationFeedSubscriber,
        _ body: () async throws -> Void
    ) async throws {
        let group = ServiceGroup(configuration: .init(services: [subscriber], gracefulShutdownSignals: [], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func anUnreachableFeedIsReportedAndWarnedOfOnce() async throws {
        let metrics = TestMetrics()
        let lines = LogLines()
        var configuration = RevocationFeedSubscriber.Configuration()
        configuration.connectTimeout = .milliseconds(100)
        configuration.initialBackoff = .milliseconds(10)
        configuration.maximumBackoff = .milliseconds(50)
        configuration.outageWarning = .milliseconds(300)
        // Port 1 on loopback: nothing listens there. User information must never reach the log.
        let subscriber = RevocationFeedSubscriber(
            url: "http://feed-user:feed-password@127.0.0.1:1/oauth2/revocations?x=secret",
            revocations: RevocationList(),
            configuration: configuration,
            metricsFactory: metrics,
            logger: Logger(label: "feed") { StreamLogHandler(label: $0, stream: lines, metadataProvider: nil) }
        )
        try await Self.run(subscriber) {
            let warned = try await eventually { subscriber.connectionCount >= 5 && lines.value.contains("revocation feed unreachable") }
            #expect(warned)
            #expect(!subscriber.isConnected)
            let outage = subscriber.disconnectedFor ?? .zero
            #expect(outage >= .milliseconds(300))
        }
        let connectFailures = try metrics.expectCounter("warden.revocations.feed.interruptions", [("reason", "connect")]).totalValue
        #expect(connectFailures >= 4, "\(connectFailures) of \(subscriber.connectionCount)")
        #expect(try metrics.expectGauge("warden.revocations.feed.connected").lastValue == 0)
        let warnings = lines.value.components(separatedBy: "revocation feed unreachable").count - 1
        #expect(warnings == 1)
        #expect(lines.value.contains("url=http://127.0.0.1:1/oauth2/revocations"))
        // The warning says why, not only that.
        #expect(lines.value.contains("last_error=") && !lines.value.contains("last_error=none"))
        #expect(!lines.value.contains("feed-password") && !lines.value.contains("secret"))
    }

    @Test func anOpenStreamIsReportedAndItsInterruptionsCounted() async throws {
        let metrics = TestMetrics()
        let feed = StallingRevocationFeed(.silentAfterOneEvent)
        try await feed.run { url in
            var configuration = RevocationFeedSubscriber.Configuration()
            configuration.stallTimeout = .milliseconds(300)
            configuration.initialBackoff = .milliseconds(10)
            let subscriber = RevocationFeedSubscriber(url: url, revocations: RevocationList(), configuration: configuration, metricsFactory: metrics)
            try await Self.run(subscriber) {
                // Read together: the stream (stalling by design every 300 ms) may be gone again
                // by a later look on a loaded machine.
                let connected = try await eventually { subscriber.isConnected && subscriber.disconnectedFor == nil }
                #expect(connected)
                let stalled = try await eventually { subscriber.stallCount >= 2 }
                #expect(stalled)
            }
            #expect(!subscriber.isConnected)
        }
        #expect(try metrics.expectCounter("warden.revocations.feed.events").totalValue >= 2)
        #expect(try metrics.expectCounter("warden.revocations.feed.interruptions", [("reason", "stalled")]).totalValue >= 2)
        let connected = try metrics.expectGauge("warden.revocations.feed.connected").values
        #expect(connected.contains(1) && connected.last == 0)
    }
}
