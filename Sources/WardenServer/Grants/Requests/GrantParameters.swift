import WardenCore

/// The parameters of one grant's token request, typed (RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6;
/// RFC 8693 §2.1). Each is checked here in the order the grants always checked them, so the
/// first mistake is the one answered.
public enum GrantParameters: Sendable {
    case authorizationCode(AuthorizationCodeGrantRequest)
    case clientCredentials(ClientCredentialsGrantRequest)
    case password(PasswordGrantRequest)
    case refreshToken(RefreshTokenGrantRequest)
    case tokenExchange(TokenExchangeGrantRequest)

    /// `grantType` must be one of ``GrantType/supported``.
    init(grantType: GrantType, parameters: [String: String]) throws(OAuthError) {
        switch grantType {
        case .authorizationCode: self = .authorizationCode(try AuthorizationCodeGrantRequest(parameters))
        case .clientCredentials: self = .clientCredentials(try ClientCredentialsGrantRequest(parameters))
        case .password: self = .password(try PasswordGrantRequest(parameters))
        case .refreshToken: self = .refreshToken(try RefreshTokenGrantRequest(parameters))
        default: self = .tokenExchange(try TokenExchangeGrantRequest(parameters))
        }
    }

    /// A required, non-empty parameter.
    static func required(_ name: String, in parameters: [String: String]) throws(OAuthError) -> String {
        guard let value = parameters[name], !value.isEmpty else { throw OAuthError.invalidRequest("\(name) is required.") }
        return value
    }

    /// The `scope` parameter (RFC 6749 §3.3): none is the empty set; a malformed one is
    /// `invalid_scope`.
    static func scope(in parameters: [String: String]) throws(OAuthError) -> ScopeSet {
        guard let value = parameters["scope"] else { return [] }
        do { return try ScopeSet(parsing: value) } catch { throw OAuthError.invalidScope("The scope parameter is malformed.") }
    }
}
