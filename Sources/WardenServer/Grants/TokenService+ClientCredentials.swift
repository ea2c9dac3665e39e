import WardenCore

extension TokenService {
    /// RFC 6749 §4.4: the client acts for itself; `sub` is the client id. No refresh token
    /// (§4.4.3).
    func clientCredentials(_ grant: ClientCredentialsGrantRequest, _ request: TokenRequest, client: ClientRecord, binding: String?) async throws -> TokenResponse {
        let now = timeSource.now()
        let scope = try ScopePolicy.grant(requested: grant.scope, client: client, user: nil, known: try await knownScopes())
        let audience = try audience(for: request, client: client)
        let minted = try await mint(subject: client.id, client: client, audience: audience, scope: scope, familyID: nil, keyThumbprint: binding, now: now)
        try await audit("token.issued", client: client, claims: minted.claims, outcome: "success", detail: "client_credentials")
        return respond(minted)
    }
}
