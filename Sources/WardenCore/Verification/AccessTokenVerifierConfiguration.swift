/// What an ``AccessTokenVerifier`` accepts. A plain struct with defaulted values.
public struct AccessTokenVerifierConfiguration: Sendable {
    /// `iss` must equal this exactly (RFC 9068 §4).
    public var issuer: String
    /// `aud` must contain this (RFC 9068 §4): the identifier of this resource server.
    public var audience: String
    /// Clock skew allowed on `exp`, `nbf` and `iat`. On `exp` it is never more than the
    /// revocation list keeps entries past expiry (``RevocationList/retention``): a token accepted
    /// past its `exp` must still be found revoked if it was.
    public var leeway: Duration = .seconds(60)
    /// Tokens whose `exp - iat` is longer are refused (``TokenVerificationError/Reason/lifetimeTooLong``):
    /// a token minted to live for months by a stolen or misused key is not accepted for months.
    /// Warden issues 5 minutes by default; a day is far above any sane access token.
    public var maximumTokenLifetime: Duration = .seconds(24 * 3600)
    /// Tokens longer than this are refused before any parsing.
    public var maximumTokenSize: Int = 8 * 1024
    /// How many verified tokens to remember; 0 turns the cache off.
    public var cacheCapacity: Int = 10_000

    /// Whether `aud` is checked against ``audience``. Only ``acceptingAnyAudience(issuer:)`` turns it off.
    public private(set) var checksAudience = true

    public init(issuer: String, audience: String) {
        self.issuer = issuer
        self.audience = audience
    }

    /// For the authorization server itself (introspection, revocation, token exchange): every
    /// check but the audience one, which the server makes afterwards against the calling client.
    /// A resource server must never use this.
    public static func acceptingAnyAudience(issuer: String) -> AccessTokenVerifierConfiguration {
        var configuration = AccessTokenVerifierConfiguration(issuer: issuer, audience: "")
        configuration.checksAudience = false
        configuration.cacheCapacity = 0
        return configuration
    }
}
