/// An OAuth 2 error response (RFC 6749 §5.2, plus RFC 8707's `invalid_target`): a registered
/// code, a description safe to show the client, and the HTTP status that goes with it.
public struct OAuthError: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let errorDescription: String
    /// Seconds after which the request may be tried again (`Retry-After`, RFC 9110 §10.2.3),
    /// for `temporarily_unavailable`.
    public let retryAfter: Int?
    /// A fresh DPoP nonce for the client to use (`DPoP-Nonce`, RFC 9449 §8), with
    /// `use_dpop_nonce`.
    public var dpopNonce: String? = nil

    public init(code: String, description: String, retryAfter: Int? = nil) {
        self.code = code
        self.errorDescription = description
        self.retryAfter = retryAfter
    }

    public static func invalidRequest(_ description: String) -> OAuthError { .init(code: "invalid_request", description: description) }
    public static func invalidClient(_ description: String) -> OAuthError { .init(code: "invalid_client", description: description) }
    public static func invalidGrant(_ description: String) -> OAuthError { .init(code: "invalid_grant", description: description) }
    public static func unauthorizedClient(_ description: String) -> OAuthError { .init(code: "unauthorized_client", description: description) }
    public static func unsupportedGrantType(_ description: String) -> OAuthError { .init(code: "unsupported_grant_type", description: description) }
    public static func invalidScope(_ description: String) -> OAuthError { .init(code: "invalid_scope", description: description) }
    public static func invalidTarget(_ description: String) -> OAuthError { .init(code: "invalid_target", description: description) }
    public static func accessDenied(_ description: String) -> OAuthError { .init(code: "access_denied", description: description) }
    public static func serverError(_ description: String) -> OAuthError { .init(code: "server_error", description: description) }
    /// RFC 9449 §8: the proof must carry the server's nonce, given in `DPoP-Nonce`.
    public static func useDPoPNonce(_ nonce: String) -> OAuthError {
        var error = OAuthError(code: "use_dpop_nonce", description: "The authorization server requires a nonce in the DPoP proof.")
        error.dpopNonce = nonce
        return error
    }

    /// RFC 9449 §5, §7.1: a DPoP proof that fails a check.
    public static func invalidDPoPProof(_ description: String) -> OAuthError { .init(code: "invalid_dpop_proof", description: description) }
    public static func temporarilyUnavailable(_ description: String, retryAfter: Int? = nil) -> OAuthError { .init(code: "temporarily_unavailable", description: description, retryAfter: retryAfter) }

    /// RFC 6749 §5.2: 400, except `invalid_client` (401); `access_denied` is 403 outside redirects.
    public var statusCode: Int {
        switch code {
        case "invalid_client": 401
        case "access_denied": 403
        case "server_error": 500
        case "temporarily_unavailable": 503
        default: 400
        }
    }

    /// `{"error": …, "error_description": …}`
    public var jsonBody: [UInt8] {
        JSONValue.object(["error": .string(code), "error_description": .string(errorDescription)]).serialized()
    }

    /// The header fields every adapter answers with: RFC 6749 §5.2 JSON, never cached (§5.1);
    /// `invalid_client` carries a challenge (§5.2); `Retry-After` when the error says when to
    /// try again.
    public var headerFields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("Pragma", "no-cache"),
        ]
        if code == "invalid_client" { fields.append(("WWW-Authenticate", "Basic realm=\"warden\"")) }
        if let retryAfter { fields.append(("Retry-After", "\(retryAfter)")) }
        if let dpopNonce { fields.append(("DPoP-Nonce", dpopNonce)) }
        return fields
    }

    public var description: String { "\(code): \(errorDescription)" }
}
