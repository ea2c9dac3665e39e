import Foundation
import Hummingbird
public import Logging
public import Metrics
public import Prometheus
public import WardenCore
public import WardenServer

/// The authorization server as a library: configuration, storage, keys and the services behind
/// each endpoint. ``router()`` gives the Hummingbird routes; `warden serve` and the tests both
/// build the server this way.
public struct AuthorizationServer: Sendable {
    public let configuration: AuthorizationServerConfiguration
    public let store: any AuthorizationStore
    public let keys: KeyManager
    public let tokens: TokenService
    public let introspection: IntrospectionService
    public let revocation: TokenRevocationService
    /// Registered request-signing keys, for the services their clients may call.
    public let clientSigningKeys: ClientSigningKeyService
    /// `POST /oauth2/security-events` (issue 14).
    public let securityEvents: SecurityEventIntake
    public let authorization: AuthorizationFlow
    public let secretHasher: ClientSecretHasher
    public let timeSource: TimeSource
    public let metrics: ServerMetrics
    /// Where `/metrics` reads from; `nil` serves no `/metrics`.
    public let prometheus: PrometheusCollectorRegistry?
    let logger: Logger
    /// The one reader of the revocation feed behind every open revocation stream.
    let revocationFanOut: RevocationFanOut
    /// The open revocation streams, counted against their limits.
    let revocationStreams: RevocationStreamAdmission
    /// Set once a forwarding header from an untrusted peer has been logged.
    let untrustedForwardingNoticed = StopFlag()
    /// `scopes_supported` for the metadata document, served from memory.
    let scopeNames: LastKnownValue<[String]>
    /// Logs a storage outage once, not once per failed request.
    let storageOutage: StorageOutageLog

    /// The service that applies other nodes' changes at once, when the store can report them
    /// (PostgreSQL); `nil` for a store used by one node (SQLite). Run it beside the HTTP server.
    public var changeService: StoreChangeService? {
        store.changeNotifier.map { StoreChangeService(notifier: $0, tokens: tokens, keys: keys, logger: logger) }
    }

    /// Checks the master key against the database and creates the first signing key if needed.
    public static func start(
        configuration: AuthorizationServerConfiguration,
        store: any AuthorizationStore,
        masterKey: MasterKey,
        passwordHashing: PasswordHashing = .init(),
        throttle: BruteForceGuard = BruteForceGuard(),
        timeSource: TimeSource = .system,
        metricsFactory: (any MetricsFactory)? = nil,
        prometheus: PrometheusCollectorRegistry? = nil,
        logger: Logger = Logger(label: "warden.server")
    ) async throws -> AuthorizationServer {
        let metrics = ServerMetrics(factory: metricsFactory)
        let keys = KeyManager(configuration: configuration.keys, store: store, masterKey: masterKey, timeSource: timeSource, logger: logger)
        if try await keys.bootstrap() {
            logger.info("generated the first signing key", metadata: ["alg": "\(configuration.keys.algorithm)"])
        }
        let tokens = TokenService(configuration: configuration, store: store, keys: keys, masterKey: masterKey, throttle: throttle, passwordHashing: passwordHashing, timeSource: timeSource, metrics: metrics, logger: logger)
        let server = AuthorizationServer(
            configuration: configuration,
            store: store,
            keys: keys,
            tokens: tokens,
            introspection: IntrospectionService(tokens: tokens),
            revocation: TokenRevocationService(tokens: tokens),
            clientSigningKeys: ClientSigningKeyService(tokens: tokens, masterKey: masterKey, logger: logger),
            securityEvents: SecurityEventIntake(tokens: tokens, logger: logger),
            authorization: AuthorizationFlow(tokens: tokens, masterKey: masterKey),
            secretHasher: ClientSecretHasher(masterKey: masterKey),
            timeSource: timeSource,
            metrics: metrics,
            prometheus: prometheus,
            logger: logger,
            revocationFanOut: RevocationFanOut(
                store: store,
                signal: tokens.revocationSignal,
                pollInterval: configuration.revocationStreamPollInterval,
                pageLimit: configuration.revocationPageLimit
            ),
            revocationStreams: RevocationStreamAdmission(
                maximum: configuration.maximumRevocationStreams,
                maximumPerAddress: configuration.maximumRevocationStreamsPerAddress,
                wake: { [signal = tokens.revocationSignal] in signal.signal() }
            ),
            scopeNames: LastKnownValue(refreshAfter: configuration.recordCacheLifetime, timeSource: timeSource) {
                try await store.scopes().map(\.scope.rawValue)
            },
            storageOutage: StorageOutageLog(logger: logger)
        )
        // Read now, so the metadata document is in memory before the database could go away.
        _ = try await server.scopeNames.value()
        return server
    }
}
