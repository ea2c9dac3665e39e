public import WardenCore

/// How the server signs and rotates.
public struct KeyConfiguration: Sendable {
    /// The algorithm of new keys: ES256 (default), EdDSA or RS256.
    public var algorithm: SignatureAlgorithm = .es256
    /// How long a new key is published before it signs: at least the JWKS cache lifetime, so
    /// every resource server has it before the first token it signs arrives.
    public var publishDelay: Duration = .seconds(300)
    /// The longest access-token lifetime any client has; a retired key stays published this long
    /// (plus ``retentionLeeway``) after it stopped signing.
    public var maximumTokenLifetime: Duration = .seconds(3600)
    /// Verifiers' clock leeway, added to how long retired keys stay published.
    public var retentionLeeway: Duration = .seconds(60)
    /// How often the keys are reread from the database.
    public var refreshInterval: Duration = .seconds(5)

    public init() {}
}
