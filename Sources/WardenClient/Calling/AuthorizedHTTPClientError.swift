public import WardenCore

/// Why a call to another service could not be made. ``description`` is safe to show; it never
/// contains a token or secret.
public struct AuthorizedHTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// No target with that name is configured.
        case unknownTarget
        /// The call needs the incoming user token, and this task handles no authenticated request.
        case noIncomingToken
        /// The authorization server refused to issue the token (its OAuth error is attached).
        case tokenRefused
        /// The authorization server could not be reached or answered garbage.
        case authorizationServerUnavailable
        /// The target's whole answer did not arrive within the timeout, or was larger than allowed
        /// (``AuthorizedHTTPClient/collect(_:to:timeout:upTo:)``).
        case targetAnswerIncomplete
        /// The target requires signed requests and this call could not be signed (its body was
        /// not given as bytes, or a covered component is missing).
        case cannotSign
    }
    public let code: Code
    /// The authorization server's error, for ``Code/tokenRefused``.
    public let oauthError: OAuthError?
    public let description: String
    /// The server's `DPoP-Nonce` with a `use_dpop_nonce` refusal (RFC 9449 §8): retried once.
    var nonce: String?

    init(_ code: Code, _ description: String, oauthError: OAuthError? = nil) {
        self.code = code
        self.description = description
        self.oauthError = oauthError
    }
}
