public import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import Synchronization
public import WardenCore

/// The request-signing keys (RFC 9421) of the clients that call this service, as the
/// authorization server has them registered (`warden client create … --signing-jwk FILE` or
/// `--signing-secret-stdin`): asked for by `keyid` at its `POST /oauth2/signing-keys`,
/// authenticated as this service's own confidential client, whose id must be one of the signing
/// client's audiences (the server answers 404 otherwise).
///
/// - A key found is used for ``Configuration/keyLifetime``, an unknown id remembered as unknown
///   for ``Configuration/unknownKeyLifetime``: a key removed at the server stops working here
///   within the first (plus the server's own record cache, a second), one added within the second.
/// - Concurrent lookups of one id share one request; at most
///   ``Configuration/maximumLookupsInFlight`` ids are asked for at once and at most
///   ``Configuration/maximumLookupsPerSecond`` a second (a flood of made-up key ids costs the
///   server that much, no more). Beyond that, a key known before is used while it is younger than
///   ``Configuration/maximumStaleAge``; otherwise `keysUnavailable` (the request is answered 503,
///   not 401).
/// - The server unreachable or failing (5xx): a key known before stays in use up to
///   ``Configuration/maximumStaleAge``, and no new lookup is tried for ``Configuration/failureBackoff``.
///   The server *refusing* this service (401, 403, 429: its credentials wrong, or its address
///   locked out): no key is used past its lifetime — a removed key must not live on — and the
///   refusal is logged as an error.
/// - Key ids that are not visible ASCII (no registered one is) are unknown without a lookup.
/// - The cache holds at most ``Configuration/maximumEntries`` ids.
public final class AuthorizationServerSignatureKeys: HTTPSignatureKeySource {
    public struct Configuration: Sendable {
        public var keyLifetime: Duration = .seconds(60)
        public var unknownKeyLifetime: Duration = .seconds(10)
        public var maximumStaleAge: Duration = .seconds(3600)
        public var maximumEntries = 1000
        public var maximumLookupsInFlight = 8
        public var maximumLookupsPerSecond = 50
        public var failureBackoff: Duration = .seconds(2)
        public var requestTimeout: Duration = .seconds(5)
        public init() {}
    }

    public let endpoint: String
    public let configuration: Configuration
    let clientID: String
    let clientSecret: String
    let httpClient: HTTPClient
    let timeSource: TimeSource
    let logger: Logger

    enum Entry {
        case known(HTTPSignatureKey, fetchedAt: Date)
        case unknown(until: Date)
    }

    enum Outcome: Sendable {
        case known(HTTPSignatureKey)
        case unknown
        /// No answer, or a 5xx: a stale key may stand in.
        case unreachable
        /// 401, 403, 429, or an answer that is not a key: no stale key.
        case refused
    }

    struct State {
        var entries: [String: Entry] = [:]
        var inFlight: [String: Task<Outcome, Never>] = [:]
        var lookupCount = 0
        /// After a failure: no new lookup until then; whether a stale key may be used meanwhile.
        var pause: (until: Date, staleAllowed: Bool)?
        var window: (start: Date, lookups: Int)?
    }

    let state = Mutex(State())

    /// - Parameters:
    ///   - endpoint: the server's `…/oauth2/signing-keys` (``AuthorizationServerConnection/signatureKeys(clientID:clientSecret:configuration:)``
    ///     builds it from the issuer). Use `https` to any other host than this one: the answer may
    ///     hold a shared secret.
    ///   - clientID, clientSecret: this service's own confidential client (sent with HTTP Basic,
    ///     never logged).
    public init(
        endpoint: String,
        clientID: String,
        clientSecret: String,
        configuration: Configuration = .init(),
        httpClient: HTTPClient = .shared,
        timeSource: TimeSource = .system,
        logger: Logger = Logger(label: "warden.signature-keys")
    ) {
        self.endpoint = endpoint
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.configuration = configuration
        self.httpClient = httpClient
        self.timeSource = timeSource
        self.logger = logger
    }

    /// How many requests were sent to the server (successful or not).
    public var lookupCount: Int { state.withLock { $0.lookupCount } }

    public func key(id: String) async throws(HTTPSignatureError) -> HTTPSignatureKey? {
        enum Decision { case found(HTTPSignatureKey?), join(Task<Outcome, Never>), unavailable }
        guard id.utf8.count <= 256, !id.isEmpty, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        let now = timeSource.now()
        let decision = state.withLock { state -> Decision in
            switch state.entries[id] {
            case .known(let key, let fetchedAt) where now < fetchedAt.addingTimeInterval(configuration.keyLifetime.timeInterval):
                return .found(key)
            case .unknown(let until) where now < until:
                return .found(nil)
            default:
                break
            }
            if let task = state.inFlight[id] { return .join(task) }
            let stale = staleKey(id, in: state, now: now)
            if let pause = state.pause, now < pause.until {
                return pause.staleAllowed ? stale.map(Decision.found) ?? .unavailable : .unavailable
            }
            if state.window == nil || now >= state.window!.start.addingTimeInterval(1) { state.window = (now, 0) }
            guard state.inFlight.count < configuration.maximumLookupsInFlight, state.window!.lookups < configuration.maximumLookupsPerSecond else {
                return stale.map(Decision.found) ?? .unavailable
            }
            state.window!.lookups += 1
            state.lookupCount += 1
            // The task that asks is the one that records the answer and frees the slot.
            let task = Task { () -> Outcome in
                let outcome = await self.fetch(id)
                self.record(outcome, for: id)
                return outcome
            }
            state.inFlight[id] = task
            return .join(task)
        }
        switch decision {
        case .found(let key):
            return key
        case .unavailable:
            throw HTTPSignatureError(.keysUnavailable, detail: "key \(id) cannot be asked for now")
        case .join(let task):
            switch await task.value {
            case .known(let key):
                return key
            case .unknown:
                return nil
            case .unreachable:
                if let key = state.withLock({ staleKey(id, in: $0, now: timeSource.now()) }) { return key }
                throw HTTPSignatureError(.keysUnavailable, detail: "the authorization server cannot be asked for key \(id)")
            case .refused:
                throw HTTPSignatureError(.keysUnavailable, detail: "the authorization server refused the lookup of key \(id)")
            }
        }
    }

    /// A key fetched before, younger than the stale limit.
    private func staleKey(_ id: String, in state: State, now: Date) -> HTTPSignatureKey? {
        guard case .known(let key, let fetchedAt) = state.entries[id], now < fetchedAt.addingTimeInterval(configuration.maximumStaleAge.timeInterval) else { return nil }
        return key
    }

    private func record(_ outcome: Outcome, for id: String) {
        let now = timeSource.now()
        state.withLock { state in
            state.inFlight[id] = nil
            switch outcome {
            case .known(let key): store(.known(key, fetchedAt: now), for: id, in: &state, now: now)
            case .unknown: store(.unknown(until: now.addingTimeInterval(configuration.unknownKeyLifetime.timeInterval)), for: id, in: &state, now: now)
            case .unreachable: state.pause = (now.addingTimeInterval(configuration.failureBackoff.timeInterval), true)
            case .refused: state.pause = (now.addingTimeInterval(configuration.failureBackoff.timeInterval), false)
            }
        }
    }

    private func store(_ entry: Entry, for id: String, in state: inout State, now: Date) {
        if state.entries[id] == nil, state.entries.count >= configuration.maximumEntries {
            // Bounded: drop what is stale, then unknown ids, then any one.
            state.entries = state.entries.filter { _, entry in
                switch entry {
                case .known(_, let fetchedAt): now < fetchedAt.addingTimeInterval(configuration.keyLifetime.timeInterval)
                case .unknown(let until): now < until
                }
            }
            if state.entries.count >= configuration.maximumEntries {
                state.entries = state.entries.filter { if case .known = $0.value { true } else { false } }
            }
            if state.entries.count >= configuration.maximumEntries, let any = state.entries.keys.first {
                state.entries[any] = nil
            }
        }
        state.entries[id] = entry
    }

    /// The server's answer for `id`.
    private func fetch(_ id: String) async -> Outcome {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let credentials = "\(FormEncoding.encode(clientID)):\(FormEncoding.encode(clientSecret))"
        request.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode([("key_id", id)])))
        let status: HTTPResponseStatus
        let body: ByteBuffer
        do {
            let (httpClient, timeout) = (httpClient, configuration.requestTimeout)
            (status, body) = try await TimeLimit.run(timeout) { [request] in
                let response = try await httpClient.execute(request, timeout: .milliseconds(Int64(timeout.timeInterval * 1000)))
                return (response.status, try await response.body.collect(upTo: 64 * 1024))
            }
        } catch {
            logger.warning("signing key lookup failed", metadata: ["endpoint": "\(LoggableURL.describe(endpoint))", "error": "\(error)"])
            return .unreachable
        }
        switch status.code {
        case 200:
            break
        case 404:
            return .unknown
        case 500...:
            logger.warning("signing key lookup failed", metadata: ["endpoint": "\(LoggableURL.describe(endpoint))", "status": "\(status.code)"])
            return .unreachable
        default:
            // 401: this service's own credentials are wrong, or its address locked out — an
            // operator's problem, said loudly.
            logger.error("signing key lookup refused", metadata: ["endpoint": "\(LoggableURL.describe(endpoint))", "status": "\(status.code)", "client_id": "\(clientID)"])
            return .refused
        }
        guard let json = (try? StrictJSONParser().parse(Array(body.readableBytesView)))?.objectValue,
            json["key_id"]?.stringValue?.utf8.elementsEqual(id.utf8) == true,
            let owner = json["client_id"]?.stringValue, id == owner || id.hasPrefix(owner + ":"),
            let algorithm = json["algorithm"]?.stringValue.flatMap(HTTPSignatureAlgorithm.init(rawValue:)),
            let jwk = json["jwk"]?.objectValue,
            var key = try? HTTPSignatureKey.jwk(jwk, id: id, allowingSecret: true),
            key.algorithm == algorithm
        else {
            logger.error("signing key lookup answered with something that is not a usable key", metadata: ["endpoint": "\(LoggableURL.describe(endpoint))"])
            return .refused
        }
        key.clientID = owner
        return .known(key)
    }
}
