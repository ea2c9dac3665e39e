import WardenCore

/// `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.5): the code, the PKCE
/// verifier (its syntax checked here) and the redirect URI given with the authorization request.
public struct AuthorizationCodeGrantRequest: Sendable {
    public let code: String
    public let codeVerifier: String
    /// Compared with the one of the authorization request by the grant (§4.1.3: required when
    /// that request had one; Warden's always do).
    public let redirectURI: String?

    init(_ parameters: [String: String]) throws(OAuthError) {
        code = try GrantParameters.required("code", in: parameters)
        codeVerifier = try GrantParameters.required("code_verifier", in: parameters)
        // RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~].
        guard (43...128).contains(codeVerifier.utf8.count), codeVerifier.utf8.allSatisfy(Self.isUnreservedCharacter) else {
            throw OAuthError.invalidGrant("The code_verifier is malformed.")
        }
        redirectURI = parameters["redirect_uri"]
    }

    /// RFC 3986 unreserved characters, as RFC 7636 allows in a verifier.
    static func isUnreservedCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
