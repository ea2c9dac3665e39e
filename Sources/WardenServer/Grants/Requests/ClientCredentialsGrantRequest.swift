public import WardenCore

/// `grant_type=client_credentials` (RFC 6749 §4.4.2): the scopes asked for.
public struct ClientCredentialsGrantRequest: Sendable, Equatable {
    public let scope: ScopeSet

    init(_ parameters: [String: String]) throws(OAuthError) {
        scope = try GrantParameters.scope(in: parameters)
    }
}
