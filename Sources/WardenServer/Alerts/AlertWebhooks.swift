import AsyncHTTPClient
import Crypto
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import Synchronization
import WardenCore

/// Delivers each new alert to the operator's webhooks (issue 14: `warden serve --alert-webhook
/// URL`): one `POST` per alert and URL, the body ``AlertRecord/json`` (`application/json`).
/// A delivery that fails (no connection, no whole answer within the timeout, 408, 429 or 5xx) is
/// tried again after 1, 2, 4 and 8 s, then given up and logged; any other answer (a redirect
/// too: never followed) is final. Each
/// URL has its own bounded queue and worker, so a slow or dead webhook delays only itself: when
/// alerts come faster than a webhook takes them, new ones are dropped for it (they stay in
/// `warden alerts`) and counted in a log line — detection itself never waits for a webhook. A
/// swift-service-lifecycle `Service`: at graceful shutdown each worker finishes the alert it is
/// delivering and delivers what is still queued for a few seconds more, then logs what it could
/// not (an alert cut off at the end of that grace may arrive twice: its `id` tells). Put it before the HTTP server in a `ServiceGroup`, so that it stops after
/// it (alerts raised while requests drain are delivered).
/// With a secret, deliveries are signed as Standard Webhooks specifies (``init(urls:secret:capacity:attempts:timeout:retryDelay:shutdownGrace:logger:)``).
/// (Hand-written on async-http-client and swift-crypto: no listed package delivers webhooks.)
public final class AlertWebhooks: Service, Sendable {
    public let urls: [String]
    let capacity: Int
    let attempts: Int
    let timeout: Duration
    let retryDelay: Duration
    /// How long queued alerts still get at shutdown.
    let shutdownGrace: Duration
    /// The Standard Webhooks signing key, when the operator gave a secret.
    let signingKey: SymmetricKey?
    let logger: Logger
    private struct Pending {
        var alerts: [AlertRecord] = []
        var dropped = 0
    }
    /// One queue per URL, in the order of ``urls``.
    private let pending: Mutex<[Pending]>
    private let wakes: [(stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation)]

    /// - Parameter secret: with one (`whsec_` and the key in base64, as Standard Webhooks
    ///   writes it), every delivery is signed: `webhook-id` (the alert's id, the same on every
    ///   retry), `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 of
    ///   HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` — any Standard Webhooks library checks it.
    /// - Throws: when a URL is not an absolute `http`/`https` URL, or the secret is malformed.
    public init(
        urls: [String], secret: String? = nil, capacity: Int = 1000, attempts: Int = 5, timeout: Duration = .seconds(5), retryDelay: Duration = .seconds(1),
        shutdownGrace: Duration = .seconds(5), logger: Logger = Logger(label: "warden.alerts")
    ) throws {
        if let secret {
            guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))), (24...64).contains(key.count) else {
                throw AlertWebhookError(description: "the webhook secret must be whsec_ and 24 to 64 bytes in base64 (e.g. whsec_$(head -c 32 /dev/urandom | base64))")
            }
            self.signingKey = SymmetricKey(data: key)
        } else {
            self.signingKey = nil
        }
        for url in urls {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false else {
                throw AlertWebhookError(description: "an alert webhook must be an http(s) URL with a host: \(Self.name(url))")
            }
        }
        self.urls = urls
        self.capacity = max(1, capacity)
        self.attempts = max(1, attempts)
        self.timeout = timeout
        self.retryDelay = retryDelay
        self.shutdownGrace = shutdownGrace
        self.logger = logger
        self.pending = Mutex(Array(repeating: Pending(), count: urls.count))
        self.wakes = urls.map { _ in AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1)) }
    }

    /// Queues `alert` for every webhook (never waits).
    public func enqueue(_ alert: AlertRecord) {
        pending.withLock { queues in
            for index in queues.indices {
                // Full: the new alert is the one dropped (counted, and it stays in `warden
                // alerts`); the earliest alerts of a flood are the ones a person needs.
                if queues[index].alerts.count < capacity { queues[index].alerts.append(alert) } else { queues[index].dropped += 1 }
            }
        }
        for wake in wakes { wake.continuation.yield() }
    }

    /// Alerts queued and not yet delivered or given up, per URL (for tests and diagnostics).
    public var queued: [Int] { pending.withLock { $0.map(\.alerts.count) } }

    public func run() async throws {
        // Its own client: a redirect is never followed (a webhook that answers 3xx would send the
        // alert where nobody configured it); the answer is final and logged.
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        // No client spans (issue 16): async-http-client's record `url.full`, and a webhook's
        // path is often its secret.
        configuration.tracing.tracer = nil
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await withTaskGroup(of: Void.self) { group in
            for index in urls.indices { group.addTask { await self.work(index, client: client) } }
        }
        try? await client.shutdown()
    }

    private func work(_ index: Int, client: HTTPClient) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Until shutdown ends the stream; then what is still queued, the alert being
                // delivered finishing first (not cut off: it would arrive twice).
                for await _ in self.wakes[index].stream { await self.deliverQueued(index, client: client) }
                await self.deliverQueued(index, client: client)
            }
            group.addTask {
                // Graceful shutdown (or cancellation): no new wakes, then a few seconds' grace.
                try? await gracefulShutdown()
                self.wakes[index].continuation.finish()
                try? await Task.sleep(for: self.shutdownGrace)
            }
            await group.next()
            group.cancelAll()
        }
        let left = pending.withLock { $0[index].alerts.count }
        if left > 0 {
            logger.error("alerts not delivered at shutdown", metadata: ["url": "\(Self.name(urls[index]))", "alerts": "\(left)"])
        }
    }

    /// Delivers this URL's queue in order until it is empty or the task is cancelled; an alert
    /// whose delivery a cancellation cut off stays first in the queue.
    private func deliverQueued(_ index: Int, client: HTTPClient) async {
        let url = urls[index]
        while !Task.isCancelled {
            // Only this worker removes from its queue: the first alert stays there until done.
            let (next, dropped) = pending.withLock { queues -> (AlertRecord?, Int) in
                let dropped = queues[index].dropped
                queues[index].dropped = 0
                return (queues[index].alerts.first, dropped)
            }
            if dropped > 0 {
                logger.error("an alert webhook fell behind; alerts dropped from its queue", metadata: ["url": "\(Self.name(url))", "dropped": "\(dropped)"])
            }
            guard let alert = next else { return }
            guard await deliver(alert.json.serialized(), alert: alert, to: url, client: client) else { return }
            pending.withLock { queues in _ = queues[index].alerts.removeFirst() }
        }
    }

    /// Delivers one alert, retrying what is worth it. Returns `false` when a cancellation cut it
    /// off (it is to be tried again), `true` when it was delivered or given up (and logged).
    private func deliver(_ body: [UInt8], alert: AlertRecord, to url: String, client: HTTPClient) async -> Bool {
        var delay = retryDelay
        for attempt in 1...attempts {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "warden-alerts")
            if let signingKey {
                // Standard Webhooks: a fresh timestamp per attempt, the same id on every one.
                let timestamp = String(Int(Date().timeIntervalSince1970))
                let signed = Array("\(alert.id).\(timestamp).".utf8) + body
                let signature = Data(HMAC<SHA256>.authenticationCode(for: signed, using: signingKey)).base64EncodedString()
                request.headers.add(name: "webhook-id", value: alert.id)
                request.headers.add(name: "webhook-timestamp", value: timestamp)
                request.headers.add(name: "webhook-signature", value: "v1,\(signature)")
            }
            request.body = .bytes(ByteBuffer(bytes: body))
            var failure: String
            do {
                let status = try await post(request, client: client)
                if (200..<300).contains(status) { return true }
                failure = "status \(status)"
                guard status == 408 || status == 429 || status >= 500 else {
                    logger.error("alert webhook refused the alert", metadata: ["alert": "\(alert.id)", "url": "\(Self.name(url))", "status": "\(status)"])
                    return true
                }
            } catch {
                failure = "\(error)"
            }
            if Task.isCancelled { return false }
            guard attempt < attempts else {
                logger.error("alert webhook unreachable; alert not delivered", metadata: [
                    "alert": "\(alert.id)", "url": "\(Self.name(url))", "attempts": "\(attempt)", "last_error": "\(failure)",
                ])
                return true
            }
            try? await Task.sleep(for: delay)
            if Task.isCancelled { return false }
            delay *= 2
        }
        return true
    }

    /// One POST, its whole answer within ``timeout`` (async-http-client's deadline ends at the
    /// response head: a webhook trickling its body must not hold the queue). The status code.
    private func post(_ request: HTTPClientRequest, client: HTTPClient) async throws -> Int {
        let timeout = self.timeout
        return try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask {
                let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.timeInterval * 1e9)))
                for try await _ in response.body {}
                return Int(response.status.code)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let status = try await group.next() ?? nil else { throw AlertWebhookError(description: "no whole answer within \(timeout)") }
            return status
        }
    }
}

extension AlertWebhooks {
    /// A webhook as a log names it: scheme, host and port only — a webhook's path or query is
    /// often its secret (a chat service's incoming-webhook URL), so neither is ever logged.
    static func name(_ url: String) -> String {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else { return "(unparsable URL)" }
        return "\(scheme)://\(host)\(parts.port.map { ":\($0)" } ?? "")/…"
    }
}

/// A webhook URL that cannot work.
public struct AlertWebhookError: Error, CustomStringConvertible {
    public let description: String
}
