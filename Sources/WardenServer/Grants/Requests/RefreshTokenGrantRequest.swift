public import WardenCore

/// `grant_type=refresh_token` (RFC 6749 §6): the refresh token and the scopes asked for (a
/// subset of the token's, checked by the grant).
public struct RefreshTokenGrantRequest: Sendable {
    public let refreshToken: String
    public let scope: ScopeSet

    init(_ parameters: [String: String]) throws(OAuthError) {
        refreshToken = try GrantParameters.required("refresh_token", in: parameters)
        scope = try GrantParameters.scope(in: parameters)
    }
}
