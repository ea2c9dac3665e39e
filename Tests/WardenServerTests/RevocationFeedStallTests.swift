import Logging
import ServiceLifecycle
import Testing
import WardenClient
import WardenCore

/// A revocation stream that stays open but delivers nothing is a dead connection: the subscriber
/// replaces it and resumes after the last cursor, and a stream kept alive by heartbeats is left
/// alone.
@Suite(.timeLimit(.minutes(1))) struct RevocationFeedStallTests {
    private static func subscribe(
        to url: String,
        stallTimeout: Duration,
        _ body: (RevocationFeedSubscriber, RevocationList) async throws -> Void
    ) async throws {
        var configuration = RevocationFeedSubscriber.Configuration()
        configuration.stallTimeout = stallTimeout
        configuration.initialBackoff = .milliseconds(10)
        try await subscribe(to: url, configuration: configuration, body)
    }

    private static func subscribe(
        to url: String,
        configuration: RevocationFeedSubscriber.Configuration,
        _ body: (RevocationFeedSubscriber, RevocationList) async throws -> Void
    ) async throws {
        let revocations = RevocationList()
        let subscriber = RevocationFeedSubscriber(url: url, revocations: revocations, configuration: configuration)
        let group = ServiceGroup(configuration: .init(services: [subscriber], gracefulShutdownSignals: [], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await body(subscriber, revocations)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func aSilentStreamIsReplacedAndResumesAfterTheLastCursor() async throws {
        let feed = StallingRevocationFeed(.silentAfterOneEvent)
        try await feed.run { url in
            // 1.5 s: each connection's first event is read before the stall watcher fires, also
            // on a loaded machine (300 ms was not always).
            try await Self.subscribe(to: url, stallTimeout: .milliseconds(1500)) { subscriber, revocations in
                let reconnected = try await eventually { subscriber.connectionCount >= 3 }
                #expect(reconnected)
                #expect(subscriber.stallCount >= 2)
                // Each new connection resumed after the event the previous one delivered.
                let ids = feed.lastEventIDs
                #expect(ids.first == "0")
                for (index, id) in ids.enumerated().dropFirst() {
                    #expect(id == String(index), "connection \(index + 1) sent Last-Event-ID \(id ?? "none")")
                }
                #expect(revocations.isRevoked(tokenID: "jti-1") && revocations.isRevoked(tokenID: "jti-2"))
            }
        }
    }

    @Test func heartbeatsKeepAStreamOpen() async throws {
        let feed = StallingRevocationFeed(.heartbeatsAfterOneEvent(every: .milliseconds(50)))
        try await feed.run { url in
            // 5 s: a loaded machine that stops this process for a second or two must not look
            // like a silent stream.
            try await Self.subscribe(to: url, stallTimeout: .seconds(5)) { subscriber, revocations in
                #expect(try await eventually { revocations.isRevoked(tokenID: "jti-1") })
                // Longer than the stall timeout, with a heartbeat every 50 ms all along.
                try await Task.sleep(for: .seconds(8))
                #expect(subscriber.stallCount == 0)
                #expect(subscriber.connectionCount == 1)
            }
        }
    }

    /// Quiet streams that stay open a while and then end (a server restarting at a quiet time)
    /// are reopened at the initial backoff each time; without the reset the delays would double
    /// (50, 100, 200 … ms: ten connections would take over 25 s instead of about 1.5).
    @Test func aQuietStreamThatWorkedIsReopenedAtOnce() async throws {
        let feed = StallingRevocationFeed(.quietlyEndsAfter(.milliseconds(100)))
        try await feed.run { url in
            var configuration = RevocationFeedSubscriber.Configuration()
            configuration.initialBackoff = .milliseconds(50)
            configuration.maximumBackoff = .seconds(30)
            configuration.workingStreamDuration = .milliseconds(50)
            try await Self.subscribe(to: url, configuration: configuration) { subscriber, _ in
                let reopened = try await eventually(within: 20) { subscriber.connectionCount >= 10 }
                #expect(reopened, "\(subscriber.connectionCount) connections")
            }
        }
    }

    /// A stream that ends before it worked (no revocation, shorter than the working duration)
    /// is a failure: the delays keep doubling, so a server that hangs up at once is not hammered.
    @Test func aStreamThatEndsAtOnceBacksOff() async throws {
        let feed = StallingRevocationFeed(.quietlyEndsAfter(.milliseconds(20)))
        try await feed.run { url in
            var configuration = RevocationFeedSubscriber.Configuration()
            configuration.initialBackoff = .milliseconds(50)
            configuration.maximumBackoff = .seconds(30)
            configuration.workingStreamDuration = .seconds(1)
            try await Self.subscribe(to: url, configuration: configuration) { subscriber, _ in
                try await Task.sleep(for: .seconds(3))
                // Doubling from 50 ms: about 6 connections in 3 s; without backoff, over 40.
                #expect(subscriber.connectionCount <= 10, "\(subscriber.connectionCount) connections")
            }
        }
    }
}
