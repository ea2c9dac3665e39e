public import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Tracing
public import WardenCore

/// Keys fetched from a JWKS URL (RFC 7517 §5), for resource servers verifying an authorization
/// server's tokens.
///
/// - Keys are cached for the response's `Cache-Control: max-age`, within configured bounds.
/// - The background refresh is a swift-service-lifecycle `Service` (``run()``).
/// - A token with an unknown `kid` triggers at most one refetch per cooldown, and concurrent
///   lookups share that one fetch, so a flood of forged `kid`s cannot make it fetch per request.
/// - When the endpoint fails, the last good keys stay in use up to ``RemoteJWKSConfiguration/maximumStaleAge``.
public final class RemoteJWKSKeySet: VerificationKeySource {
    public let url: String
    public let configuration: RemoteJWKSConfiguration
    let httpClient: HTTPClient
    let timeSource: TimeSource
    let logger: Logger

    struct State {
        var keys = KeysByID([])
        /// When the current keys were fetched; nil until the first success.
        var fetchedAt: Date?
        /// When the cache lifetime of the current keys ends.
        var freshUntil: Date?
        /// When a lookup last caused a fetch (for the cooldown).
        var lastLookupFetch: Date?
        var inFlight: Task<Bool, Never>?
        var fetchCount = 0
    }

    let state = Mutex(State())
    /// Moves with every answer installed (issue 16: `KeyAtHand`): a verifier's cached token whose
    /// key was at hand at this generation needs no lookup — no lock — while it has not moved and
    /// that answer is within its maximum age. Bumped inside the lock after the keys are in.
    private let keysGeneration = Atomic<UInt64>(0)

    public init(
        url: String,
        configuration: RemoteJWKSConfiguration = .init(),
        httpClient: HTTPClient = .shared,
        timeSource: TimeSource = .system,
        logger: Logger = Logger(label: "warden.jwks")
    ) {
        self.url = url
        self.configuration = configuration
        self.httpClient = httpClient
        self.timeSource = timeSource
        self.logger = logger
    }

    /// How many fetches were started (successful or not).
    public var fetchCount: Int { state.withLock { $0.fetchCount } }

    /// The ids of the keys in use now.
    public var keyIDs: [String] { state.withLock { $0.keys.sortedIDs } }

    /// The key while the last answer is usable (within its maximum age); otherwise `nil`, and
    /// ``verificationKey(id:)`` fetches or refuses.
    public func verificationKeyAtHand(id: String) -> VerificationKey? {
        let now = timeSource.now()
        return state.withLock { state in isUsable(state, now: now) ? state.keys[id: id] : nil }
    }

    /// The key while the last answer is usable, and until when it is (its maximum age).
    public func keyAtHand(id: String) -> KeyAtHand? {
        let now = timeSource.now()
        return state.withLock { state in
            guard isUsable(state, now: now), let fetchedAt = state.fetchedAt, let key = state.keys[id: id] else { return nil }
            // Read inside the lock: installs bump it there, so this is the generation of these keys.
            return KeyAtHand(
                key: key,
                generation: keysGeneration.load(ordering: .relaxed),
                usableUntil: fetchedAt.addingTimeInterval(configuration.maximumStaleAge.timeInterval)
            )
        }
    }

    /// No answer installed since `generation`, and `until` (the answer's maximum age) not past —
    /// ``verificationKeyAtHand(id:)`` would still hand out the same key.
    public func keysAtHandStand(generation: UInt64, until: Date) -> Bool {
        keysGeneration.load(ordering: .acquiring) == generation && timeSource.now() <= until
    }

    public func verificationKey(id: String) async throws(TokenVerificationError) -> VerificationKey? {
        enum Decision { case found(VerificationKey), missing, join(Task<Bool, Never>) }
        let now = timeSource.now()
        let decision: Decision = state.withLock { state in
            let usable = isUsable(state, now: now)
            if usable, let key = state.keys[id: id] { return .found(key) }
            if let task = state.inFlight { return .join(task) }
            if let last = state.lastLookupFetch,
                now.timeIntervalSince(last) < configuration.unknownKeyRefetchCooldown.timeInterval
            {
                return .missing
            }
            // Only a refetch for an unknown kid among usable keys arms the cooldown; a cold
            // cache fetches at once (a failed fetch arms it too, see startFetch).
            if usable { state.lastLookupFetch = now }
            let task = startFetch(&state)
            return .join(task)
        }
        switch decision {
        case .found(let key): return key
        case .missing: break
        case .join(let task): _ = await task.value
        }
        let now2 = timeSource.now()
        return try state.withLock { state throws(TokenVerificationError) in
            guard isUsable(state, now: now2) else { throw TokenVerificationError(.keysUnavailable) }
            return state.keys[id: id]
        }
    }

    /// Fetches the JWKS now (joining a fetch already under way). Returns whether it succeeded.
    @discardableResult
    public func refresh() async -> Bool {
        let task = state.withLock { state in state.inFlight ?? startFetch(&state) }
        return await task.value
    }

    /// ``refresh()``, but the fetch is cancelled with the calling task (the refresh service at
    /// shutdown); a verification waiting on the same fetch then finds no keys, as at any failure.
    func refreshUnlessCancelled() async -> Bool {
        let task = state.withLock { state in state.inFlight ?? startFetch(&state) }
        return await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
    }

    private func isUsable(_ state: State, now: Date) -> Bool {
        guard let fetchedAt = state.fetchedAt else { return false }
        return now.timeIntervalSince(fetchedAt) <= configuration.maximumStaleAge.timeInterval
    }

    /// Must be called with the lock held.
    private func startFetch(_ current: inout State) -> Task<Bool, Never> {
        current.fetchCount += 1
        let task = Task { [self] in
            let result = await fetch()
            state.withLock { state in
                state.inFlight = nil
                if let (keys, lifetime) = result {
                    let now = timeSource.now()
                    state.keys = KeysByID(keys)
                    state.fetchedAt = now
                    state.freshUntil = now.addingTimeInterval(lifetime)
                    keysGeneration.wrappingAdd(1, ordering: .releasing)
                } else {
                    state.lastLookupFetch = timeSource.now()
                }
            }
            return result != nil
        }
        current.inFlight = task
        return task
    }

    /// One GET of the JWKS. Returns the keys and their cache lifetime, or nil on any failure.
    /// With tracing on (issue 16), a `warden.jwks_fetch` span: a verification that waits for it
    /// (an unknown `kid`) shows the wait as its child.
    private func fetch() async -> ([VerificationKey], TimeInterval)? {
        guard let tracer = WardenTracing.activeTracer else { return await fetchKeys() }
        return await tracer.withSpan("warden.jwks_fetch", ofKind: .client) { span in
            span.attributes["url.full"] = LoggableURL.describe(url)
            let fetched = await fetchKeys()
            span.attributes["warden.jwks.keys"] = fetched?.0.count ?? 0
            if fetched == nil { span.setStatus(SpanStatus(code: .error)) }
            return fetched
        }
    }

    private func fetchKeys() async -> ([VerificationKey], TimeInterval)? {
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
            TraceContextPropagation.inject(into: &request.headers, for: httpClient)
            // The request timeout covers the body too (TimeLimit: the client's own ends at the head).
            let httpClient = httpClient
            let maximumSize = configuration.maximumDocumentSize
            let (status, headers, body) = try await TimeLimit.run(configuration.requestTimeout) { [request] in
                let response = try await httpClient.execute(request, timeout: .init(self.configuration.requestTimeout))
                guard response.status == .ok else { return (response.status, response.headers, ByteBuffer()) }
                return (response.status, response.headers, try await response.body.collect(upTo: maximumSize))
            }
            guard status == .ok else {
                logger.warning("JWKS fetch failed", metadata: ["url": "\(LoggableURL.describe(url))", "status": "\(status.code)"])
                return nil
            }
            let parsed = try await JSONWebKeySet.parse(Array(body.readableBytesView))
            for reason in parsed.skipped {
                logger.debug("JWKS key skipped", metadata: ["url": "\(LoggableURL.describe(url))", "reason": "\(reason)"])
            }
            guard !parsed.keys.isEmpty else {
                logger.warning("JWKS has no usable keys", metadata: ["url": "\(LoggableURL.describe(url))"])
                return nil
            }
            let maxAge = CacheControlMaxAge.seconds(in: headers.first(name: "Cache-Control"))
            let lifetime = maxAge.map(Double.init) ?? configuration.defaultCacheLifetime.timeInterval
            let bounded = min(
                max(lifetime, configuration.minimumCacheLifetime.timeInterval),
                configuration.maximumCacheLifetime.timeInterval
            )
            logger.debug("JWKS fetched", metadata: ["url": "\(LoggableURL.describe(url))", "kids": "\(parsed.keys.map(\.id))"])
            return (parsed.keys, bounded)
        } catch {
            logger.warning("JWKS fetch failed", metadata: ["url": "\(LoggableURL.describe(url))", "error": "\(error)"])
            return nil
        }
    }

    /// Seconds until the cached keys are due for refresh after a successful fetch (for tests).
    package var secondsUntilRefreshForTesting: TimeInterval {
        let (fetchedAt, freshUntil) = state.withLock { ($0.fetchedAt, $0.freshUntil) }
        guard let fetchedAt, let freshUntil else { return 0 }
        return freshUntil.timeIntervalSince(fetchedAt)
    }

    /// Seconds until the next background refresh is due.
    func secondsUntilRefresh(lastAttemptSucceeded: Bool, failures: Int) -> TimeInterval {
        if !lastAttemptSucceeded {
            let backoff = configuration.retryDelay.timeInterval * pow(2, Double(min(failures, 10)))
            return min(backoff, configuration.defaultCacheLifetime.timeInterval)
        }
        let freshUntil = state.withLock { $0.freshUntil } ?? timeSource.now()
        return max(freshUntil.timeIntervalSince(timeSource.now()), configuration.minimumCacheLifetime.timeInterval)
    }
}
