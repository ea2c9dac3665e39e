import WardenCore

/// How a ``RemoteJWKSKeySet`` caches and refreshes. All durations are defaulted.
public struct RemoteJWKSConfiguration: Sendable {
    /// Cache lifetime when the response carries no `Cache-Control: max-age`.
    public var defaultCacheLifetime: Duration = .seconds(300)
    /// A `max-age` below this (or `no-cache`/`no-store`) is raised to it.
    public var minimumCacheLifetime: Duration = .seconds(30)
    /// A `max-age` above this is lowered to it.
    public var maximumCacheLifetime: Duration = .seconds(86_400)
    /// After a refetch caused by an unknown `kid`, further unknown `kid`s cause no fetch for this long.
    public var unknownKeyRefetchCooldown: Duration = .seconds(30)
    /// How long the last good keys stay usable while the endpoint fails.
    public var maximumStaleAge: Duration = .seconds(86_400)
    /// Retry delay after a failed background refresh (doubles up to the default cache lifetime).
    public var retryDelay: Duration = .seconds(5)
    /// Deadline of one JWKS request. async-http-client retries refused connections until then, so
    /// this is also how long the first request waits when the endpoint is down.
    public var requestTimeout: Duration = .seconds(5)
    /// Larger JWKS responses are refused.
    public var maximumDocumentSize: Int = 256 * 1024

    public init() {}
}
