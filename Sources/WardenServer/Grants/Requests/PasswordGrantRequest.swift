public import WardenCore

/// `grant_type=password` (RFC 6749 §4.3.2): the user's name and password, the scopes asked for.
public struct PasswordGrantRequest: Sendable {
    public let username: String
    public let password: String
    public let scope: ScopeSet

    init(_ parameters: [String: String]) throws(OAuthError) {
        username = try GrantParameters.required("username", in: parameters)
        password = try GrantParameters.required("password", in: parameters)
        scope = try GrantParameters.scope(in: parameters)
    }
}
