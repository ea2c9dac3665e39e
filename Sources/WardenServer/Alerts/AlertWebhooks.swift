import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import Synchronization
import WardenCore

/// Delivers each new alert to the operator's webhooks (issue 14: `warden serve --alert-webhook
/// URL`): one `POST` per alert and URL, the body ``AlertRecord/json`` (`application/json`).
/// A delivery that fails (no connection, a timeout, 408, 429 or 5xx) is tried again after
/// 1, 2, 4 and 8 s, then given up and logged; any other answer is final. The queue is bounded:
/// when alerts come faster than the webhooks take them, new ones are dropped (they stay in
/// `warden alerts`) and counted in a log line — detection itself never waits for a webhook. A swift-service-lifecycle
/// `Service`: at shutdown it delivers what is queued for a few seconds more, then stops.
/// (Hand-written on async-http-client: no listed package delivers webhooks.)
public final class AlertWebhooks: Service, Sendable {
    public let urls: [String]
    let capacity: Int
    let attempts: Int
    let timeout: TimeAmount
    let retryDelay: Duration
    let logger: Logger
    private let queue = Mutex<(alerts: [AlertRecord], dropped: Int)>(([], 0))
    private let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    /// - Throws: when a URL is not an absolute `http`/`https` URL.
    public init(urls: [String], capacity: Int = 1000, attempts: Int = 5, timeout: Duration = .seconds(5), retryDelay: Duration = .seconds(1), logger: Logger = Logger(label: "warden.alerts")) throws {
        for url in urls {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false else {
                throw AlertWebhookError(description: "an alert webhook must be an http(s) URL with a host: \(Self.name(url))")
            }
        }
        self.urls = urls
        self.capacity = max(1, capacity)
        self.attempts = max(1, attempts)
        self.timeout = .nanoseconds(Int64(timeout.timeInterval * 1e9))
        self.retryDelay = retryDelay
        self.logger = logger
    }

    /// Queues `alert` for every webhook (never waits).
    public func enqueue(_ alert: AlertRecord) {
        queue.withLock { queue in
            // Full: the new alert is the one dropped (counted, and it stays in `warden alerts`);
            // the earliest alerts of a flood are the ones a person needs.
            guard queue.alerts.count < capacity else { queue.dropped += 1; return }
            queue.alerts.append(alert)
        }
        wake.continuation.yield()
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in self.wake.stream {
                await self.deliverQueued()
                if Task.isCancelled { break }
            }
        }
        // Shutting down: what is still queued gets a few seconds.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.deliverQueued() }
            group.addTask { try? await Task.sleep(for: .seconds(5)) }
            await group.next()
            group.cancelAll()
        }
    }

    private func deliverQueued() async {
        while true {
            let (next, dropped) = queue.withLock { queue -> (AlertRecord?, Int) in
                let dropped = queue.dropped
                queue.dropped = 0
                return (queue.alerts.isEmpty ? nil : queue.alerts.removeFirst(), dropped)
            }
            if dropped > 0 { logger.error("alert webhooks fell behind; alerts dropped from the queue", metadata: ["dropped": "\(dropped)"]) }
            guard let alert = next else { return }
            let body = alert.json.serialized()
            await withTaskGroup(of: Void.self) { group in
                for url in urls { group.addTask { await self.deliver(body, alert: alert, to: url) } }
            }
        }
    }

    private func deliver(_ body: [UInt8], alert: AlertRecord, to url: String) async {
        var delay = retryDelay
        for attempt in 1...attempts {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "warden-alerts")
            request.body = .bytes(ByteBuffer(bytes: body))
            var failure: String
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: timeout)
                _ = try? await response.body.collect(upTo: 64 * 1024)
                let status = Int(response.status.code)
                if (200..<300).contains(status) { return }
                failure = "status \(status)"
                guard status == 408 || status == 429 || status >= 500 else {
                    logger.error("alert webhook refused the alert", metadata: ["alert": "\(alert.id)", "url": "\(Self.name(url))", "status": "\(status)"])
                    return
                }
            } catch {
                failure = "\(error)"
            }
            guard attempt < attempts, !Task.isCancelled else {
                logger.error("alert webhook unreachable; alert not delivered", metadata: [
                    "alert": "\(alert.id)", "url": "\(Self.name(url))", "attempts": "\(attempt)", "last_error": "\(failure)",
                ])
                return
            }
            try? await Task.sleep(for: delay)
            delay *= 2
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
