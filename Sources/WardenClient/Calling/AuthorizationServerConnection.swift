public import AsyncHTTPClient
public import Logging
public import ServiceLifecycle
public import WardenCore

/// What a resource server needs from its authorization server, from one URL: the signing keys
/// (its JWKS, refreshed in the background), a deny list kept current from its revocation feed,
/// and verifiers for this service's audience. Add ``services`` to your `ServiceGroup`.
///
/// ```swift
/// let auth = AuthorizationServerConnection(issuer: "https://auth.example.com")
/// let verifier = auth.verifier(audience: "order-service")
/// ```
public struct AuthorizationServerConnection: Sendable {
    public let issuer: String
    /// Its token endpoint (`/oauth2/token`), for an ``AuthorizedHTTPClient``'s ``ClientIdentity``.
    public let tokenEndpoint: String
    public let keys: RemoteJWKSKeySet
    public let revocations: RevocationList
    public let revocationFeed: RevocationFeedSubscriber
    /// Its `/oauth2/signing-keys` (``signatureKeys(clientID:clientSecret:configuration:)``).
    public let signingKeysEndpoint: String
    let httpClient: HTTPClient
    let timeSource: TimeSource
    let logger: Logger

    /// - Parameters:
    ///   - issuer: the authorization server's issuer URL; its JWKS is at `/oauth2/jwks` and its
    ///     revocation feed at `/oauth2/revocations` below it (Warden's paths).
    public init(
        issuer: String,
        keysConfiguration: RemoteJWKSConfiguration = .init(),
        feedConfiguration: RevocationFeedSubscriber.Configuration = .init(),
        httpClient: HTTPClient = .shared,
        timeSource: TimeSource = .system,
        logger: Logger = Logger(label: "warden.resource-server")
    ) {
        self.issuer = issuer
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.tokenEndpoint = base + "/oauth2/token"
        self.signingKeysEndpoint = base + "/oauth2/signing-keys"
        (self.httpClient, self.timeSource, self.logger) = (httpClient, timeSource, logger)
        self.keys = RemoteJWKSKeySet(url: base + "/oauth2/jwks", configuration: keysConfiguration, httpClient: httpClient, timeSource: timeSource, logger: logger)
        self.revocations = RevocationList(timeSource: timeSource)
        self.revocationFeed = RevocationFeedSubscriber(url: base + "/oauth2/revocations", revocations: revocations, configuration: feedConfiguration, httpClient: httpClient, logger: logger)
    }

    /// A verifier for tokens meant for `audience`, trusting only this issuer's keys and refusing
    /// revoked tokens.
    /// With `refusals`, every refused token is told to it (a ``SecurityEventReporter``).
    public func verifier(
        audience: String, refusals: (any AccessRefusalReporter)? = nil, configure: (inout AccessTokenVerifierConfiguration) -> Void = { _ in }
    ) -> AccessTokenVerifier<RemoteJWKSKeySet> {
        var configuration = AccessTokenVerifierConfiguration(issuer: issuer, audience: audience)
        configure(&configuration)
        return AccessTokenVerifier(configuration: configuration, keys: keys, revocations: revocations, refusals: refusals)
    }

    /// A reporter of this service's refusals to the authorization server (issue 14), sending as
    /// `identity` (the service's confidential client). Run it with the other services.
    public func securityEvents(identity: ClientIdentity, configuration: SecurityEventReporter.Configuration = .init()) -> SecurityEventReporter {
        SecurityEventReporter(issuer: issuer, identity: identity, configuration: configuration, httpClient: httpClient, logger: logger)
    }

    /// The request-signing keys of the clients that may call this service, asked of the
    /// authorization server as `clientID` (this service's own confidential client, whose id is
    /// in those clients' audiences): for ``HTTPSignatureVerifier``.
    public func signatureKeys(
        clientID: String,
        clientSecret: String,
        configuration: AuthorizationServerSignatureKeys.Configuration = .init()
    ) -> AuthorizationServerSignatureKeys {
        AuthorizationServerSignatureKeys(
            endpoint: signingKeysEndpoint, clientID: clientID, clientSecret: clientSecret, configuration: configuration,
            httpClient: httpClient, timeSource: timeSource, logger: logger
        )
    }

    /// The background work to run: key refresh and the revocation feed.
    public var services: [any Service] { [keys, revocationFeed] }
}
