/// The two decisions every protected route makes, the same for every framework: a presented
/// token verified (401 `invalid_token`, or 503 when its keys cannot be had), and the route's
/// added-up scope requirement checked against the verified token (401 without a token, 403
/// `insufficient_scope` naming every scope the route needs).
public enum BearerGate {
    /// Verifies `token`; why it failed is the verifier's (logged and counted there), never the client's.
    public static func verify<Keys: VerificationKeySource>(_ token: String, with verifier: AccessTokenVerifier<Keys>, realm: String) async throws(BearerRefusal) -> VerifiedAccessToken {
        let verified: VerifiedAccessToken
        do {
            verified = try await verifier.verify(token)
        } catch {
            if error.reason == .keysUnavailable { throw BearerRefusal.temporarilyUnavailable(realm: realm) }
            throw BearerRefusal.invalidToken(realm: realm)
        }
        // RFC 9449 §7.2: a token bound to a key (`cnf.jkt`) is worthless without a proof by that
        // key; presented as a bearer token, it is refused.
        guard verified.claims.keyThumbprint == nil else { throw BearerRefusal.invalidToken(realm: realm) }
        return verified
    }

    /// Admits a request to a route needing `requirement`: its verified token, or a refusal.
    public static func admit(_ token: VerifiedAccessToken?, requirement: ScopeRequirement, realm: String) throws(BearerRefusal) -> AuthorizedToken {
        guard let token else {
            throw BearerRefusal.missingCredentials(realm: realm, scope: requirement.mentionedScopes)
        }
        guard requirement.isSatisfied(by: token.scope) else {
            throw BearerRefusal.insufficientScope(realm: realm, scope: requirement.mentionedScopes)
        }
        return AuthorizedToken(token: token, requiredScopes: requirement)
    }
}
