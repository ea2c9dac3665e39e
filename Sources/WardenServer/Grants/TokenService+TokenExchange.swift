import Foundation
import WardenCore

extension TokenService {
    /// RFC 8693 token exchange, for a service turning the user token it received into one for
    /// the next service (architecture.md decision 4):
    /// - the subject token must be a live access token of this server that was meant for the
    ///   exchanging client (its `aud` contains the client id) or issued to it;
    /// - the new `aud` is the requested `audience`/`resource`, which the client must be allowed;
    /// - scopes ⊆ the subject token's ∩ what the client may delegate (`invalid_scope` beyond);
    /// - `act` names the client, with the subject token's own `act` nested (§4.1);
    /// - it never outlives the subject token.
    func tokenExchange(_ grant: TokenExchangeGrantRequest, _ request: TokenRequest, client: ClientRecord, binding: String?) async throws -> TokenResponse {
        let subjectToken = grant.subjectToken
        let requested = grant.scope
        let now = timeSource.now()

        let subject: VerifiedAccessToken
        do { subject = try await verifier.verify(subjectToken) } catch {
            throw OAuthError.invalidGrant("The subject token is invalid.")
        }
        // The mirror of the revocation feed first (no query for a token revoked long ago), then
        // the store itself: the mirror follows it within half a second, and a token revoked by
        // `warden user update` a moment ago must not be exchanged into a fresh one (issue 14).
        guard !(try await revocations.isRevoked(subject.claims)), !(try await store.isRevoked(tokenID: subject.tokenID)) else {
            throw OAuthError.invalidGrant("The subject token is invalid.")
        }
        // The verifier allows clock leeway past `exp`; a new token from an expired one would be
        // born expired, so here the subject token must still be live, strictly.
        guard subject.claims.expiresAt > now else { throw OAuthError.invalidGrant("The subject token has expired.") }
        if let bound = subject.keyThumbprint {
            // A token bound to a key (RFC 9449) stays sender-constrained through the exchange:
            // its own client proves that key; another client (a service it was sent to, under
            // DPoP) gets a token bound to its own key, never a bearer one.
            if subject.clientID == client.id, binding != bound {
                throw OAuthError.invalidDPoPProof("Exchanging your own bound token needs a proof by its key.")
            }
            guard binding != nil else { throw OAuthError.invalidDPoPProof("A bound subject token is exchanged only with a DPoP proof.") }
        }
        guard subject.claims.audience.contains(client.id) || subject.clientID == client.id else {
            throw OAuthError.invalidGrant("The subject token was not issued for this client.")
        }
        // A user's token (a family begun by their sign-in): the user as they are now bounds it —
        // disabled or deleted, nothing; a scope taken away, not delegated (issue 14: a change
        // takes effect at once, not when the revocation feed's mirror catches up).
        let recorded = try await store.issuedToken(id: subject.tokenID)
        var user: UserRecord?
        if let recorded, recorded.isUserSession {
            guard let current = try await store.user(named: subject.subject), !current.disabled else {
                throw OAuthError.invalidGrant("The subject token is invalid.")
            }
            user = current
        }
        let delegable = subject.scope.intersection(client.scopes).intersection(user?.scopes ?? subject.scope)
        let scope: ScopeSet
        if requested.isEmpty {
            scope = delegable
        } else {
            guard requested.isSubset(of: delegable) else {
                throw OAuthError.invalidScope("The requested scope exceeds the subject token's or what this client may delegate.")
            }
            scope = requested
        }
        guard !scope.isEmpty else { throw OAuthError.invalidScope("No scope of the subject token may be delegated by this client.") }
        let audience = try audience(for: request, client: client)
        let actor = ActorClaim(subject: client.id, previous: subject.actor)
        // Exchanged tokens join the subject token's family, so revoking that family reaches them.
        let familyID = recorded?.familyID ?? IssuedTokenRecord.clientChainFamily(startingWith: subject.tokenID)
        // The clients whose tokens this one comes from: narrowing or deleting any of them revokes
        // it (issue 14) — their client entries name only their own tokens.
        let lineage = IssuedTokenRecord.derivation(from: recorded, clientID: subject.clientID)
        let minted = try await mint(subject: subject.subject, client: client, audience: audience, scope: scope, actor: actor, familyID: familyID,
                                    derivedFrom: lineage, notAfter: subject.claims.expiresAt, keyThumbprint: binding, now: now)
        if let user { try await confirmUserSession(minted.claims, of: user, familyID: familyID, subjectTokenID: subject.tokenID, client: client, now: now) }
        // Recorded first, checked after: a client entry written before this token was recorded
        // is read here; one written after finds the token in its sweep (`ClientTokenRevocation`).
        // Every client of the lineage issued its token no later than the subject token's `iat`.
        if try await revocations.freshlyCoversClientTokens(lineage, issuedAt: subject.claims.issuedAt) {
            _ = try await store.revoke(tokenID: minted.claims.tokenID, expiresAt: minted.claims.expiresAt, at: now)
            revocations.record(tokenID: minted.claims.tokenID, expiresAt: minted.claims.expiresAt)
            try await audit("token.refused", client: client, claims: minted.claims, outcome: "invalid_grant", detail: "a client the subject token came from was narrowed while the token was issued")
            throw OAuthError.invalidGrant("The subject token is invalid.")
        }
        try await audit("token.exchanged", client: client, claims: minted.claims, outcome: "success", detail: "from jti \(subject.tokenID), act \(actor.chain.joined(separator: ","))")
        return respond(minted, issuedTokenType: Self.accessTokenType)
    }
}
