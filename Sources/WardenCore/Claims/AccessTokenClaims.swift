public import Foundation

/// The claims of a JWT access token (RFC 9068 §2.2), as Warden issues and verifies them.
public struct AccessTokenClaims: Sendable, Hashable {
    /// `iss`
    public var issuer: String
    /// `sub`: the resource owner, or the client itself for client credentials.
    public var subject: String
    /// `aud`: the resource servers this token is meant for.
    public var audience: [String]
    /// `exp`
    public var expiresAt: Date
    /// `iat`
    public var issuedAt: Date
    /// `nbf`, when present.
    public var notBefore: Date?
    /// `jti`: the identifier used for revocation.
    public var tokenID: String
    /// `client_id`: the client the token was issued to.
    public var clientID: String
    /// `scope`
    public var scope: ScopeSet
    /// `act` (RFC 8693 §4.1): who is acting on the subject's behalf, with earlier actors nested.
    public var actor: ActorClaim?
    /// `cnf.jkt` (RFC 9449 §6.1): the RFC 7638 thumbprint of the key the token is bound to; a
    /// resource server accepts the token only with a DPoP proof by that key. `nil`: a bearer token.
    public var keyThumbprint: String?

    public init(
        issuer: String,
        subject: String,
        audience: [String],
        expiresAt: Date,
        issuedAt: Date,
        notBefore: Date? = nil,
        tokenID: String,
        clientID: String,
        scope: ScopeSet,
        actor: ActorClaim? = nil,
        keyThumbprint: String? = nil
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.tokenID = tokenID
        self.clientID = clientID
        self.scope = scope
        self.actor = actor
        self.keyThumbprint = keyThumbprint
    }
}
