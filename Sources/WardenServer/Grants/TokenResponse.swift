public import WardenCore

/// A successful token response (RFC 6749 §5.1; RFC 8693 §2.2.1 adds `issued_token_type`).
public struct TokenResponse: Sendable {
    public var accessToken: String
    public var expiresIn: Int
    public var scope: ScopeSet
    public var refreshToken: String?
    public var issuedTokenType: String?
    /// The claims of the access token, for audit and tests (never serialized).
    public var claims: AccessTokenClaims

    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "access_token": .string(accessToken),
            // RFC 6750 §4 spells it "Bearer"; clients compare case-insensitively (RFC 6749 §5.1).
            // A token bound to a DPoP key is "DPoP" (RFC 9449 §5).
            "token_type": claims.keyThumbprint == nil ? "Bearer" : "DPoP",
            "expires_in": .number(Double(expiresIn)),
            "scope": .string(scope.description),
        ]
        if let refreshToken { members["refresh_token"] = .string(refreshToken) }
        if let issuedTokenType { members["issued_token_type"] = .string(issuedTokenType) }
        return .object(members)
    }
}
