public import WardenCore

/// `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693 §2.1): the access
/// token to exchange and the scopes asked for. Only access tokens are exchanged and issued, and
/// the authenticated client is always the actor (no `actor_token`).
public struct TokenExchangeGrantRequest: Sendable {
    public let subjectToken: String
    public let scope: ScopeSet

    init(_ parameters: [String: String]) throws(OAuthError) {
        subjectToken = try GrantParameters.required("subject_token", in: parameters)
        let subjectTokenType = try GrantParameters.required("subject_token_type", in: parameters)
        guard subjectTokenType == TokenService.accessTokenType else {
            throw OAuthError.invalidRequest("Only access tokens can be exchanged (subject_token_type).")
        }
        if let requestedType = parameters["requested_token_type"], requestedType != TokenService.accessTokenType {
            throw OAuthError.invalidRequest("Only access tokens can be issued (requested_token_type).")
        }
        // Warden's delegation is always the authenticated client; an actor token adds nothing.
        guard parameters["actor_token"] == nil, parameters["actor_token_type"] == nil else {
            throw OAuthError.invalidRequest("actor_token is not supported; the client is the actor.")
        }
        scope = try GrantParameters.scope(in: parameters)
    }
}
