/// Where a bearer authenticator (Hummingbird's or Vapor's) looks for a token and how it names itself.
public struct BearerAuthenticatorConfiguration: Sendable {
    /// The `realm` of `WWW-Authenticate` challenges. Must not contain `"` or `\`.
    public var realm: String = "warden"
    /// Accept `access_token` in the URI query (RFC 6750 §2.3). Off by default: URIs end up in logs
    /// and histories. While off, a query token is refused with 400 `invalid_request`.
    public var allowsQueryToken = false
    /// Accept `access_token` in a form-encoded body (RFC 6750 §2.2) on non-GET requests.
    public var allowsFormBodyToken = false
    /// The largest form body read when looking for `access_token`.
    public var maximumFormBodySize = 64 * 1024
    /// Accept DPoP-bound tokens (`Authorization: DPoP …` with a `DPoP` proof, RFC 9449 §7).
    /// `nil` (the default): bearer tokens only, and a token bound to a key is refused.
    public var dpop: DPoPAcceptance?
    /// Told of every 403 `insufficient_scope` with its route (issue 14;
    /// `WardenClient.SecurityEventReporter` sends them to the authorization server). The 401s
    /// are the verifier's to tell (its `refusals`).
    public var refusals: (any AccessRefusalReporter)?

    public init(realm: String = "warden") {
        precondition(!realm.contains("\"") && !realm.contains("\\"), "realm must not contain '\"' or '\\'")
        self.realm = realm
    }
}
