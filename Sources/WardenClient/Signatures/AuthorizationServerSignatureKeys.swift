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
///   within the first, one added within the second.
/// - Concurrent lookups of one id share one request; at most
///   ``Configuration/maximumLookupsInFlight`` ids are asked for at once (beyond that, and when the
///   server cannot be reached without a key in memory, `keysUnavailable`: the request is answered
///   503, not 401). A key whose lifetime ended is kept while the server is unreachable, up to
///   ``Configuration/maximumStaleAge``.
/// - The cache holds at most ``Configuration/maximumEntries`` ids.
public final class AuthorizationServerSignatureKeys: HTTPSignatureKeySource {
    public struct Configuration: Sendable {
        public var keyLifetime: Duration = .seconds(60)
        public var unknownKeyLifetime: Duration = .seconds(10)
        public var maximumStaleAge: Duration = .seconds(3600)
        public var maximumEntries = 1000
        public var maximumLookupsInFlight = 8
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

    struct State {
        var entries: [String: Entry] = [:]
        var inFlight: [String: Task<Entry?, Never>] = [:]
        var lookupCount = 0
    }

    let state = Mutex(State())

    /// - Parameters:
    ///   - endpoint: the server's `…/oauth2/signing-keys` (``AuthorizationServerConnection/signatureKeys(clientID:clientSecret:configuration:)``
    ///     builds it from the issuer).
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
        enum Decision { case found(HTTPSignatureKey?), join(Task<Entry?, Never>), busy }
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
            guard state.inFlight.count < configuration.maximumLookupsInFlight else { return .busy }
            state.lookupCount += 1
            let task = Task { await self.fetch(id) }
            state.inFlight[id] = task
            return .join(task)
        }
        switch decision {
        case .found(let key):
            return key
        case .busy:
            throw HTTPSignatureError(.keysUnavailable, detail: "too many key lookups at once")
        case .join(let task):
            let fetched = await task.value
            return try state.withLock { (state) throws(HTTPSignatureError) -> HTTPSignatureKey? in
                state.inFlight[id] = nil
                if let fetched {
                    store(fetched, for: id, in: &state, now: now)
                    if case .known(let key, _) = fetched { return key }
                    return nil
                }
                // Unreachable: a key known before stays in use for a while.
                if case .known(let key, let fetchedAt) = state.entries[id], now < fetchedAt.addingTimeInterval(configuration.maximumStaleAge.timeInterval) {
                    return key
                }
                throw HTTPSignatureError(.keysUnavailable, detail: "the authorization server cannot be asked for key \(id)")
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

    /// The server's answer for `id`: `.known`, `.unknown` (404), or `nil` when it could not be had.
    private func fetch(_ id: String) async -> Entry? {
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
            return nil
        }
        let now = timeSource.now()
        switch status {
        case .ok:
            break
        case .notFound:
            return .unknown(until: now.addingTimeInterval(configuration.unknownKeyLifetime.timeInterval))
        default:
            // 401: this service's own credentials are wrong — an operator's problem, said loudly.
            logger.error("signing key lookup refused", metadata: ["endpoint": "\(LoggableURL.describe(endpoint))", "status": "\(status.code)", "client_id": "\(clientID)"])
            return nil
        }
        guard let json = (try? StrictJSONParser().parse(Array(body.readableBytesView)))?.objectValue,
            json["key_id"]?.stringValue == id,
            let owner = json["client_id"]?.stringValue, id == owner || id.hasPrefix(owner + ":"),
            let algorithm = json["algorithm"]?.stringValue.flatMap(HTTPSignatureAlgorithm.init(rawValue:)),
            let jwk = json["jwk"]?.objectValue,
            var key = try? HTTPSignatureKey.jwk(jwk, id: id, allowingSecret: true),
            key.algorithm == algorithm
        else {
            logger.error("signing key lookup answered with something that is not a usable key", metadata: ["endpoint": "\(LoggableURL.describe(endpoint))"])
            return nil
        }
        key.clientID = owner
        return .known(key, fetchedAt: now)
    }
}
