/// What a protected handler receives: the verified token, what the route required (added up
/// through its groups) and what the token granted.
public struct AuthorizedToken: Sendable {
    public let token: VerifiedAccessToken
    /// The route's whole requirement: every enclosing group's and its own.
    public let requiredScopes: ScopeRequirement
    /// The scopes the token grants.
    public var grantedScopes: ScopeSet { token.scope }

    public init(token: VerifiedAccessToken, requiredScopes: ScopeRequirement) {
        self.token = token
        self.requiredScopes = requiredScopes
    }

    public var subject: String { token.subject }
    public var clientID: String { token.clientID }
}
