import Logging
import WardenCore

extension TokenService {
    /// RFC 6749 §4.4: the client acts for itself; `sub` is the client id. No refresh token
    /// (§4.4.3).
    func clientCredentials(_ grant: ClientCredentialsGrantRequest, _ request: TokenRequest, client: ClientRecord, binding: String?) async throws -> TokenResponse {
        let now = timeSource.now()
        let scope = try ScopePolicy.grant(requested: grant.scope, client: client, user: nil, known: try await knownScopes())
        let audience = try audience(for: request, client: client)
        let minted = try await mint(subject: client.id, client: client, audience: audience, scope: scope, familyID: nil, keyThumbprint: binding, now: now)
        if let issuanceAudit {
            // Counted by the minute (IssuanceAuditAggregator); the token's own line at debug.
            issuanceAudit.record(clientID: client.id, scope: minted.claims.scope, tokenID: minted.claims.tokenID, at: now)
            logger.debug("token issued", metadata: ["client_id": "\(PrintableText.escaped(client.id))", "jti": "\(minted.claims.tokenID)", "grant": "client_credentials"])
        } else {
            try await audit("token.issued", client: client, claims: minted.claims, outcome: "success", detail: "client_credentials")
        }
        return respond(minted)
    }
}
