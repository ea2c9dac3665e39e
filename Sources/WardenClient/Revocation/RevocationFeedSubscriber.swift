public import AsyncHTTPClient
public import CoreMetrics
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import Synchronization
public import WardenCore

/// Keeps a verifier's ``RevocationList`` in step with the authorization server: follows its
/// revocation stream (`GET /oauth2/revocations`, `Accept: text/event-stream`) and adds every
/// revoked `jti` until the token would have expired. Reconnects by itself with backoff and
/// resumes after the last cursor it saw (`Last-Event-ID`), so nothing is missed across
/// reconnects. A stream that goes silent (no event and no heartbeat for
/// ``Configuration/stallTimeout``) is taken for a dead connection and replaced: a half-open TCP
/// connection (the server's host gone without closing it) never ends by itself, and behind it
/// revocations would silently stop arriving. While no stream is open, revoked tokens are
/// accepted until they expire: ``isConnected`` and ``disconnectedFor`` tell a health check, the
/// metrics (``RevocationFeedMetrics``) an alert, and an outage longer than
/// ``Configuration/outageWarning`` is logged as a warning. A swift-service-lifecycle `Service`:
/// add it to your `ServiceGroup`.
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
        /// An outage (no open stream) this long is logged as a warning, once; its end as a notice.
        public var outageWarning: Duration = .seconds(30)
        /// A stream that delivered a revocation, or stayed open this long, worked: after it the
        /// backoff starts again from ``initialBackoff``, so a quiet stream ended by a server
        /// restart is reopened at once, not after the delay earlier failures built up.
        public var workingStreamDuration: Duration = .seconds(5)
        public init() {}
    }

    public let url: String
    public let revocations: RevocationList
    let configuration: Configuration
    let httpClient: HTTPClient
    let logger: Logger
    private let metrics: RevocationFeedMetrics
    /// The URL as logged: scheme, host, port and path (never user information or a query).
    private let printableURL: String

    private struct State {
        var cursor: Int64
        var connections = 0
        var received = 0
        var stalls = 0
        /// When the open stream last delivered bytes (or was opened).
        var lastActivity = ContinuousClock.now
        /// Since when no stream has been open (the start counts); nil while one is.
        var disconnectedSince: ContinuousClock.Instant? = .now
        var outageWarned = false
        /// Why the last attempt failed, for the outage warning (never holds a token or secret:
        /// connection errors, status codes, parser refusals).
        var lastFailure: String?
        /// When the open stream was opened, and how many revocations had arrived by then.
        var openedAt = ContinuousClock.now
        var receivedAtOpen = 0
        /// Set when a stream ends that worked (delivered a revocation or stayed open a while):
        /// the next reconnect starts again from the initial backoff.
        var resetBackoff = false
    }
    private let state: Mutex<State>

    /// - Parameters:
    ///   - url: the revocation feed, e.g. `https://auth.example.com/oauth2/revocations`.
    ///   - after: resume after this cursor (0: every revocation the server still holds).
    ///   - metricsFactory: where the metrics go; `nil`: the process's `MetricsSystem`.
    public init(url: String, revocations: RevocationList, after: Int64 = 0, configuration: Configuration = .init(), httpClient: HTTPClient = .shared, metricsFactory: (any MetricsFactory)? = nil, logger: Logger = Logger(label: "warden.revocations")) {
        self.url = url
        self.revocations = revocations
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.metrics = RevocationFeedMetrics(factory: metricsFactory)
        self.printableURL = LoggableURL.describe(url)
        self.state = Mutex(State(cursor: after))
        metrics.connected.record(0)
    }

    /// The last cursor received.
    public var cursor: Int64 { state.withLock { $0.cursor } }
    /// How many connections were opened (successful or not).
    public var connectionCount: Int { state.withLock { $0.connections } }
    /// How many revocations were received.
    public var receivedCount: Int { state.withLock { $0.received } }
    /// How many streams were dropped for delivering nothing for ``Configuration/stallTimeout``.
    public var stallCount: Int { state.withLock { $0.stalls } }
    /// Whether a stream is open now.
    public var isConnected: Bool { state.withLock { $0.disconnectedSince == nil } }
    /// How long no stream has been open (since the start, if none ever was); nil while one is.
    /// Revocations made meanwhile arrive when the stream is back (it resumes after the last
    /// cursor); until then the tokens they revoke are accepted.
    public var disconnectedFor: Duration? {
        state.withLock { $0.disconnectedSince.map { ContinuousClock.now - $0 } }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var backoff = self.configuration.initialBackoff
            while !Task.isCancelled {
                do {
                    try await self.follow()
                } catch is CancellationError {
                    return
                } catch let refusal as SubscriberError {
                    self.logger.debug("revocation stream failed", metadata: ["error": "\(refusal)"])
                    self.state.withLock { $0.lastFailure = "\(refusal)" }
                    // RFC 9110 §10.2.3: a server at its stream limit (429/503) says when to come
                    // back; wait at least that long (capped by the maximum backoff).
                    if let retryAfter = refusal.retryAfter {
                        backoff = max(backoff, min(retryAfter, self.configuration.maximumBackoff))
                    }
                } catch {
                    self.logger.debug("revocation stream failed", metadata: ["error": "\(error)"])
                    self.state.withLock { $0.lastFailure = "\(error)" }
                }
                guard !Task.isCancelled else { return }
                if self.state.withLock({ state in defer { state.resetBackoff = false }; return state.resetBackoff }) {
                    backoff = self.configuration.initialBackoff
                }
                self.warnOfALongOutage()
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, self.configuration.maximumBackoff)
            }
        }
    }

    /// One connection: returns when the server ends the stream.
    private func follow() async throws {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "text/event-stream")
        let cursor = state.withLock { state in
            state.connections += 1
            return state.cursor
        }
        request.headers.add(name: "Last-Event-ID", value: String(cursor))
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .milliseconds(Int64(configuration.connectTimeout.timeInterval * 1000)))
            guard response.status == .ok, response.headers.first(name: "Content-Type")?.hasPrefix("text/event-stream") == true else {
                let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil }
                throw SubscriberError(description: "revocation stream answered \(response.status.code)", retryAfter: retryAfter.map { .seconds(min($0, 3600)) })
            }
        } catch {
            if !(error is CancellationError) { metrics.record(.connect) }
            throw error
        }
        logger.debug("revocation stream connected", metadata: ["after": "\(cursor)"])
        markConnected()
        do {
            try await read(response)
            markDisconnected(.ended)
        } catch let error as StreamStalled {
            markDisconnected(.stalled)
            throw error
        } catch is CancellationError {
            markDisconnected(nil)
            throw CancellationError()
        } catch {
            markDisconnected(.error)
            throw error
        }
    }

    /// Reads an open stream until it ends, breaks or stalls.
    private func read(_ response: HTTPClientResponse) async throws {
        // The stream is read by one child task and watched by another; whichever ends first
        // ends both (cancelling the read closes the connection).
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var parser = ServerSentEventParser()
                for try await buffer in response.body {
                    self.state.withLock { $0.lastActivity = .now }
                    for event in try parser.feed(buffer.readableBytesView) where event.event == "revocation" {
                        self.apply(event)
                    }
                }
            }
            group.addTask {
                try await self.watchForStall()
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Throws once the open stream has delivered nothing for the stall timeout.
    private func watchForStall() async throws {
        let limit = configuration.stallTimeout
        while true {
            let idle = ContinuousClock.now - state.withLock { $0.lastActivity }
            guard idle < limit else {
                logger.notice("revocation stream silent; reconnecting", metadata: ["silent_for": "\(idle)"])
                throw StreamStalled(idle: idle)
            }
            try await Task.sleep(for: limit - idle)
        }
    }

    private func markConnected() {
        let outage = state.withLock { state -> (length: Duration, warned: Bool)? in
            state.lastActivity = .now
            state.openedAt = .now
            state.receivedAtOpen = state.received
            defer {
                state.disconnectedSince = nil
                state.outageWarned = false
            }
            return state.disconnectedSince.map { (ContinuousClock.now - $0, state.outageWarned) }
        }
        metrics.connected.record(1)
        if let outage, outage.warned {
            logger.notice("revocation feed back", metadata: ["url": "\(printableURL)", "outage": "\(outage.length)"])
        }
    }

    /// `reason` nil: stopped on purpose (cancellation, shutdown), not counted.
    private func markDisconnected(_ reason: RevocationFeedMetrics.Interruption?) {
        // The metric first, then the count a caller reads (`stallCount`): whoever sees the
        // count sees the metric too (CI caught the other order once, under load).
        if let reason { metrics.record(reason) }
        metrics.connected.record(0)
        state.withLock { state in
            state.disconnectedSince = .now
            state.resetBackoff = state.received > state.receivedAtOpen || ContinuousClock.now - state.openedAt >= configuration.workingStreamDuration
            if reason == .stalled { state.stalls += 1 }
        }
    }

    /// Logs once per outage, when it has lasted ``Configuration/outageWarning``.
    private func warnOfALongOutage() {
        let outage = state.withLock { state -> (length: Duration, failure: String?)? in
            guard let since = state.disconnectedSince, !state.outageWarned else { return nil }
            let length = ContinuousClock.now - since
            guard length >= configuration.outageWarning else { return nil }
            state.outageWarned = true
            return (length, state.lastFailure)
        }
        if let outage {
            logger.warning(
                "revocation feed unreachable; revoked tokens are accepted until they expire",
                metadata: ["url": "\(printableURL)", "outage": "\(outage.length)", "last_error": "\(outage.failure ?? "none")"]
            )
        }
    }

    private func apply(_ event: ServerSentEventParser.Event) {
        guard let id = event.id.flatMap({ Int64($0) }),
            let payload = try? StrictJSONParser().parse(Array(event.data.utf8)).objectValue,
            let exp = payload["exp"]?.numberValue
        else {
            logger.debug("malformed revocation event ignored")
            return
        }
        if let jti = payload["jti"]?.stringValue, !jti.isEmpty {
            revocations.revoke(tokenID: jti, expiresAt: Date(timeIntervalSince1970: exp))
        } else if let clientID = payload["client_id"]?.stringValue, !clientID.isEmpty, let before = payload["iat_before"]?.numberValue {
            // A client entry (issue 14): every token of the client issued before `iat_before`.
            revocations.revokeTokens(ofClient: clientID, issuedBefore: Date(timeIntervalSince1970: before), expiresAt: Date(timeIntervalSince1970: exp))
        } else {
            logger.debug("malformed revocation event ignored")
            return
        }
        state.withLock { state in
            state.cursor = max(state.cursor, id)
            state.received += 1
        }
        metrics.events.increment()
    }

    struct StreamStalled: Error, CustomStringConvertible {
        let idle: Duration
        var description: String { "revocation stream delivered nothing for \(idle)" }
    }

    struct SubscriberError: Error, CustomStringConvertible {
        let description: String
        /// The server's `Retry-After` in seconds, when it sent one.
        var retryAfter: Duration? = nil
    }
}
