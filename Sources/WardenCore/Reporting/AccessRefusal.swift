public import Foundation

/// Something a protected service refused (issue 14: services report what they refuse, so that
/// the authorization server can see patterns no single service sees). Never holds a token: the
/// token is named by its `jti`, and only when its signature was good.
public struct AccessRefusal: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// 401: the token failed verification (``reason`` says which check).
        case invalidToken = "invalid_token"
        /// 403: a valid token without the route's scopes.
        case insufficientScope = "insufficient_scope"
        /// 401: a DPoP-bound token without a good proof by its key (RFC 9449 §7.1): presented
        /// as a bearer token, with a proof by another key, or a proof that fails a check
        /// (``reason`` says which).
        case invalidDPoPProof = "invalid_dpop_proof"
        /// 401: a request signature (RFC 9421) missing or failing a check (``reason``).
        case invalidSignature = "invalid_signature"
    }

    public var kind: Kind
    /// Which check failed: for ``Kind/invalidToken`` the verifier's reason (`expired`,
    /// `badSignature`, `revoked`, …), for ``Kind/invalidDPoPProof`` the proof's (`replayed`,
    /// `wrongURI`, … or `noProof`, `keyMismatch`), for ``Kind/invalidSignature`` the signature's.
    public var reason: String?
    /// The route as registered (`/orders/{id}`), when known.
    public var route: String?
    /// Sets, not sorted strings: a refusal is made on the request's path (issue 14's benchmark),
    /// its text written in the background.
    public var requiredScopes: ScopeSet
    /// The route's requirement as ``ScopeRequirement`` writes it (`all(order.read, any(a, b))`),
    /// when it has alternatives: ``requiredScopes`` then lists every scope it mentions.
    public var requirement: String?
    public var heldScopes: ScopeSet
    /// From a token whose signature was good; `nil` otherwise (a forgery's claims are not
    /// reported as anyone's).
    public var subject: String?
    public var clientID: String?
    public var tokenID: String?
    /// The token's `iat` (with ``tokenID``): lets the authorization server tell a token its
    /// client entries revoked (issue 14) from a made-up one.
    public var tokenIssuedAt: Date?
    public var at: Date

    public init(
        kind: Kind, reason: String? = nil, route: String? = nil, requiredScopes: ScopeSet = [], requirement: String? = nil, heldScopes: ScopeSet = [],
        subject: String? = nil, clientID: String? = nil, tokenID: String? = nil, tokenIssuedAt: Date? = nil, at: Date = Date()
    ) {
        self.tokenIssuedAt = tokenIssuedAt
        self.requirement = requirement
        self.kind = kind
        self.reason = reason
        self.route = route
        self.requiredScopes = requiredScopes
        self.heldScopes = heldScopes
        self.subject = subject
        self.clientID = clientID
        self.tokenID = tokenID
        self.at = at
    }
}
