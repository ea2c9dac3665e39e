import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import WardenCore

/// Keeps a verifier's ``RevocationList`` in step with the authorization server: follows its
/// revocation stream (`GET /oauth2/revocations`, `Accept: text/event-stream`) and adds every
/// revoked `jti` until the token would have expired. Reconnects by itself with backoff and
/// resumes after the last cursor it saw (`Last-Event-ID`), so nothing is missed across
/// reconnects. A stream that goes silent (no event and no heartbeat for
/// ``Configuration/stallTimeout``) is taken for a dead connection and replaced: a half-open TCP
/// connection (the server's host gone without closing it) never ends by itself, and behind it
/// revocations would silently stop arriving. A swift-service-lifecycle `Service`: add it to
/// your `ServiceGroup`.
public final class RevocationFeedSubscriber: Service {
    public struct Configuration: Sendable {
        /// First reconnect delay; doubles per failure up to ``maximumBackoff``.
        public var initialBackoff: Duration = .milliseconds(250)
        public var maximumBackoff: Duration = .seconds(30)
        /// How long connecting and receiving the response head may take (async-http-client
        /// retries a refused connection until then); the stream itself then stays open.
        public var connectTimeout: Duration = .seconds(10)
        /// How long an open stream may deliver nothing at all before it is dropped and a new
        /// one opened. The server sends a heartbeat comment on an idle stream every 15 s (its
        /// `revocationStreamHeartbeat`); keep this a few heartbeats longer than that.
        public var stallTimeout: Duration = .seconds(45)
        public init() {}
    }

    public let url: String
    public let revocations: RevocationList
    let configuration: Configuration
    let httpClient: HTTPClient
    let logger: Logger

    private struct State {
        var cursor: Int64
        var connections = 0
        var received = 0
        var stalls = 0
        /// When the open stream last delivered bytes (or was opened).
        var lastActivity = ContinuousClock.now
    }
    private let state: Mutex<State>

    /// - Parameters:
    ///   - url: the revocation feed, e.g. `https://auth.example.com/oauth2/revocations`.
    ///   - after: resume after this cursor (0: every revocation the server still holds).
    public init(url: String, revocations: RevocationList, after: Int64 = 0, configuration: Configuration = .init(), httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "warden.revocations")) {
        self.url = url
        self.revocations = revocations
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.state = Mutex(State(cursor: after))
    }

    /// The last cursor received.
    public var cursor: Int64 { state.withLock { $0.cursor } }
    /// How many connections were opened (successful or not).
    public var connectionCount: Int { state.withLock { $0.connections } }
    /// How many revocations were received.
    public var receivedCount: Int { state.withLock { $0.received } }
    /// How many streams were dropped for delivering nothing for ``Configuration/stallTimeout``.
    public var stallCount: Int { state.withLock { $0.stalls } }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var backoff = self.configuration.initialBackoff
            while !Task.isCancelled {
                do {
                    let received = try await self.follow()
                    if received { backoff = self.configuration.initialBackoff }
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.debug("revocation stream failed", metadata: ["error": "\(error)"])
                }
                guard !Task.isCancelled else { return }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, self.configuration.maximumBackoff)
            }
        }
    }

    /// One connection: returns when the server ends the stream; whether it delivered anything.
    private func follow() async throws -> Bool {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "text/event-stream")
        let cursor = state.withLock { state in
            state.connections += 1
            return state.cursor
        }
        request.headers.add(name: "Last-Event-ID", value: String(cursor))
        let response = try await httpClient.execute(request, timeout: .milliseconds(Int64(configuration.connectTimeout.timeInterval * 1000)))
        guard response.status == .ok, response.headers.first(name: "Content-Type")?.hasPrefix("text/event-stream") == true else {
            throw SubscriberError(description: "revocation stream answered \(response.status.code)")
        }
        logger.debug("revocation stream connected", metadata: ["after": "\(cursor)"])
        state.withLock { $0.lastActivity = .now }
        // The stream is read by one child task and watched by another; whichever ends first
        // ends both (cancelling the read closes the connection).
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                var parser = ServerSentEventParser()
                var received = false
                for try await buffer in response.body {
                    self.state.withLock { $0.lastActivity = .now }
                    for event in try parser.feed(buffer.readableBytesView) where event.event == "revocation" {
                        self.apply(event)
                        received = true
                    }
                }
                return received
            }
            group.addTask {
                try await self.watchForStall()
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
    }

    /// Throws once the open stream has delivered nothing for the stall timeout.
    private func watchForStall() async throws {
        let limit = configuration.stallTimeout
        while true {
            let idle = ContinuousClock.now - state.withLock { $0.lastActivity }
            guard idle < limit else {
                state.withLock { $0.stalls += 1 }
                logger.notice("revocation stream silent; reconnecting", metadata: ["silent_for": "\(idle)"])
                throw SubscriberError(description: "revocation stream delivered nothing for \(idle)")
            }
            try await Task.sleep(for: limit - idle)
        }
    }

    private func apply(_ event: ServerSentEventParser.Event) {
        guard let id = event.id.flatMap({ Int64($0) }),
            let payload = try? StrictJSONParser().parse(Array(event.data.utf8)).objectValue,
            let jti = payload["jti"]?.stringValue, !jti.isEmpty,
            let exp = payload["exp"]?.numberValue
        else {
            logger.debug("malformed revocation event ignored")
            return
        }
        revocations.revoke(tokenID: jti, expiresAt: Date(timeIntervalSince1970: exp))
        state.withLock { state in
            state.cursor = max(state.cursor, id)
            state.received += 1
        }
    }

    struct SubscriberError: Error, CustomStringConvertible {
        let description: String
    }
}
