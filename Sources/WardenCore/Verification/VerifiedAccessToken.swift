/// An access token that passed every check of an ``AccessTokenVerifier``: signature by a known
/// key, type, issuer, audience, time window and revocation. Only the verifier creates one.
public struct VerifiedAccessToken: Sendable, Hashable {
    public let claims: AccessTokenClaims
    /// The `kid` of the key that verified it.
    public let keyID: String
    public let algorithm: SignatureAlgorithm

    init(claims: AccessTokenClaims, keyID: String, algorithm: SignatureAlgorithm) {
        self.claims = claims
        self.keyID = keyID
        self.algorithm = algorithm
    }

    public var subject: String { claims.subject }
    public var clientID: String { claims.clientID }
    public var tokenID: String { claims.tokenID }
    public var scope: ScopeSet { claims.scope }
    public var actor: ActorClaim? { claims.actor }
    /// `cnf.jkt`: the thumbprint of the key this token is bound to (DPoP, RFC 9449), if any.
    public var keyThumbprint: String? { claims.keyThumbprint }

    /// Whether the token names a client acting for itself, not a user: RFC 9068 §2.2 has `sub`
    /// be the client's own identifier when no resource owner is involved (client credentials).
    /// A route that serves "the current user" must refuse such a token, or a client named like a
    /// user would pass as that user.
    public var isClientItself: Bool { claims.subject == claims.clientID }
}
