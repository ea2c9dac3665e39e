public import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import Synchronization
public import WardenCore

/// Sends what a service refuses to the authorization server (issue 14), so that patterns no
/// single service sees — one user refused everywhere, forged tokens at one service, a revoked
/// token replayed — raise alerts there. Give it to the verifier (`refusals:`, the 401s) and the
/// bearer configuration (`refusals`, the 403s), and run it as a `Service`.
///
/// Each refusal is one RFC 8417 Security Event Token payload (`iss` this service's client id,
/// `iat`, `jti`, `events` keyed by `<issuer>/events/access-refused`), unsigned: they go in
/// batches of up to ``Configuration/batchSize`` as a JSON array to
/// `POST <issuer>/oauth2/security-events`, authenticated as the service's confidential client
/// (HTTP Basic, RFC 6749 §2.3.1). `report` never waits and never fails: refusals alike wait as
/// one with a count, the queue is bounded (``Configuration/capacity`` distinct refusals; when
/// full, new ones are dropped and counted); a batch the
/// server does not take is counted as lost and logged, never retried for ever. Never a token.
/// (Hand-written: no listed package delivers SETs.)
public final class SecurityEventReporter: AccessRefusalReporter, Service {
    public struct Configuration: Sendable {
        public var capacity = 10_000
        /// Of ``capacity``, refusals that name no one (forged or garbage tokens, bad proofs and
        /// signatures: no `sub`, `client_id` or `jti`) take at most this many places: a flood of
        /// garbage never crowds out the refusals of real tokens (one burst alert needs only 50).
        public var anonymousCapacity = 1_000
        public var batchSize = 100
        /// How long a refusal may wait for others to fill its batch.
        public var interval: Duration = .seconds(5)
        public var timeout: Duration = .seconds(5)
        /// At graceful shutdown, how long what is queued may still take to go.
        public var shutdownGrace: Duration = .seconds(5)
        public init() {}
    }

    /// The event URI of a refusal under `issuer` (RFC 8417 §2.2: a URI the issuer controls).
    public static func eventURI(issuer: String) -> String {
        (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/events/access-refused"
    }

    let endpoint: String
    let eventURI: String
    let identity: ClientIdentity
    let configuration: Configuration
    let httpClient: HTTPClient
    let logger: Logger
    /// What makes refusals alike: the same check failing for the same token at the same route
    /// (a token fixes its subject, client and scopes; a route its requirement). Two strings to
    /// hash on a refusal's path, not the whole refusal (issue 14's benchmark).
    private struct Alike: Hashable {
        var kind: AccessRefusal.Kind
        var reason: String?
        var route: String?
        var tokenID: String?
    }

    /// Refusals waiting, each once (the first of its kind) with how many alike came, and how
    /// many of them name no one.
    private struct Pending {
        var refusals: [Alike: (first: AccessRefusal, count: Int)] = [:]
        var anonymous = 0
        var dropped = 0
        var sent = 0
        var lost = 0
    }
    private let state = Mutex(Pending())
    private let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    /// - Parameters:
    ///   - issuer: the authorization server.
    ///   - identity: this service's confidential client (the one it exchanges tokens with).
    ///   - endpoint: where to send, when not `<issuer>/oauth2/security-events` (a server
    ///     reached under another name than its issuer).
    public init(issuer: String, identity: ClientIdentity, endpoint: String? = nil, configuration: Configuration = .init(), httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "warden.security-events")) {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.endpoint = endpoint ?? base + "/oauth2/security-events"
        self.eventURI = Self.eventURI(issuer: issuer)
        self.identity = identity
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
    }

    /// Refusals delivered, dropped because the queue was full, and lost with a batch the server
    /// did not take.
    public var counts: (sent: Int, dropped: Int, lost: Int) { state.withLock { ($0.sent, $0.dropped, $0.lost) } }

    /// Queues `refusal`. Refusals alike (the same check failing for the same token at the same
    /// route: one client hammering a route, one garbage token replayed) wait as one, with a
    /// count: a flood costs a dictionary lookup each, one place in the queue and one payload
    /// per batch.
    public func report(_ refusal: AccessRefusal) {
        let key = Alike(kind: refusal.kind, reason: refusal.reason, route: refusal.route, tokenID: refusal.tokenID)
        let isAnonymous = refusal.subject == nil && refusal.clientID == nil && refusal.tokenID == nil
        let full = state.withLock { state -> Bool in
            if let index = state.refusals.index(forKey: key) {
                state.refusals.values[index].count += 1
                return false
            }
            guard state.refusals.count < configuration.capacity, !isAnonymous || state.anonymous < configuration.anonymousCapacity else {
                state.dropped += 1
                return false
            }
            if isAnonymous { state.anonymous += 1 }
            state.refusals[key] = (refusal, 1)
            return state.refusals.count >= configuration.batchSize
        }
        if full { wake.continuation.yield() }
    }

    public func run() async throws {
        let interval = configuration.interval
        let grace = configuration.shutdownGrace
        await withTaskGroup(of: Void.self) { group in
            // A tick every interval, besides the wake-ups of a full batch.
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    self.wake.continuation.yield()
                }
            }
            group.addTask {
                for await _ in self.wake.stream { await self.sendQueued() }
                // Stopping: what is queued goes once more (the batch being sent finished first).
                await self.sendQueued()
            }
            group.addTask {
                // Graceful shutdown (or cancellation): no new wake-ups, then the grace.
                try? await gracefulShutdown()
                self.wake.continuation.finish()
                try? await Task.sleep(for: grace)
            }
            // The sender done with the queue, or the grace over: stop the rest.
            await group.next()
            group.cancelAll()
        }
        // What the grace did not cover is lost: counted and said.
        let left = state.withLock { state -> Int in
            let left = state.refusals.values.reduce(0) { $0 + $1.count }
            state.refusals.removeAll()
            state.anonymous = 0
            state.lost += left
            return left
        }
        if left > 0 { logger.warning("security events not sent at shutdown", metadata: ["events": "\(left)"]) }
    }

    private func sendQueued() async {
        while !Task.isCancelled {
            let batch = state.withLock { state -> [(refusal: AccessRefusal, count: Int)] in
                let taken = Array(state.refusals.prefix(configuration.batchSize))
                if taken.count == state.refusals.count {
                    state.refusals.removeAll(keepingCapacity: true)
                } else {
                    for (key, _) in taken { state.refusals[key] = nil }
                }
                let batch = taken.map { (refusal: $0.value.first, count: $0.value.count) }
                state.anonymous -= batch.count(where: { $0.refusal.subject == nil && $0.refusal.clientID == nil && $0.refusal.tokenID == nil })
                return batch
            }
            guard !batch.isEmpty else { return }
            await send(batch)
        }
    }

    private func send(_ batch: [(refusal: AccessRefusal, count: Int)]) async {
        let body = JSONValue.array(batch.map { payload($0.refusal, count: $0.count) }).serialized()
        let refusals = batch.reduce(0) { $0 + $1.count }
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let credentials = FormEncoding.encode(identity.clientID) + ":" + FormEncoding.encode(identity.clientSecret)
        request.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        request.body = .bytes(ByteBuffer(bytes: body))
        var failure: String?
        do {
            let response = try await httpClient.execute(request, timeout: .nanoseconds(Int64(configuration.timeout.timeInterval * 1e9)))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if response.status.code != 202 && response.status.code != 200 { failure = "status \(response.status.code)" }
        } catch {
            failure = "\(error)"
        }
        state.withLock { state in
            if failure == nil { state.sent += refusals } else { state.lost += refusals }
        }
        if let failure {
            logger.warning("security events not delivered; batch dropped", metadata: ["events": "\(refusals)", "error": "\(failure)"])
        }
    }

    /// One refusal as an RFC 8417 SET payload; `count` (when more than one) says how many alike
    /// came since `iat`.
    func payload(_ refusal: AccessRefusal, count: Int = 1) -> JSONValue {
        var event: [String: JSONValue] = [
            "kind": .string(refusal.kind.rawValue),
            "scopes_required": .array(refusal.requiredScopes.map { .string($0.rawValue) }),
            "scopes_held": .array(refusal.heldScopes.map { .string($0.rawValue) }),
        ]
        if let reason = refusal.reason { event["reason"] = .string(reason) }
        if let route = refusal.route { event["route"] = .string(route) }
        if let requirement = refusal.requirement { event["requirement"] = .string(requirement) }
        // The server takes at most a million alike in one payload (a flood past that is no less
        // a flood).
        if count > 1 { event["count"] = .number(Double(min(count, 1_000_000))) }
        if let subject = refusal.subject { event["sub"] = .string(subject) }
        if let clientID = refusal.clientID { event["client_id"] = .string(clientID) }
        if let tokenID = refusal.tokenID { event["token_jti"] = .string(tokenID) }
        if let issuedAt = refusal.tokenIssuedAt { event["token_iat"] = .number(issuedAt.timeIntervalSince1970.rounded(.down)) }
        return .object([
            "iss": .string(identity.clientID),
            "iat": .number(refusal.at.timeIntervalSince1970.rounded(.down)),
            "jti": .string(UUID().uuidString.lowercased()),
            "events": .object([eventURI: .object(event)]),
        ])
    }
}
