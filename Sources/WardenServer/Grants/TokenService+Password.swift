import Foundation
import WardenCore

extension TokenService {
    /// RFC 6749 §4.3, for clients that enable it (first-party apps). The password is checked with
    /// bcrypt; wrong user, wrong password, locked out and disabled all answer `invalid_grant`
    /// with the same description, so the answer never reveals whether a user exists.
    func password(_ grant: PasswordGrantRequest, _ request: TokenRequest, client: ClientRecord, binding: String?) async throws -> TokenResponse {
        let requested = grant.scope
        let user = try await passwords.authenticate(username: grant.username, password: grant.password, remoteAddress: request.remoteAddress, clientID: client.id)
        let now = timeSource.now()
        let scope = try ScopePolicy.grant(requested: requested, client: client, user: user, known: try await knownScopes())
        let audience = try audience(for: request, client: client)
        let familyID = OpaqueToken.generate(bytes: 16)
        let minted = try await mint(subject: user.name, client: client, audience: audience, scope: scope, familyID: familyID, keyThumbprint: binding, now: now)
        var refresh: String?
        if client.grants.contains(.refreshToken) {
            refresh = try await newRefreshToken(familyID: familyID, client: client, subject: user.name, scope: scope, audience: audience, binding: binding, now: now)
        }
        try await confirmUserSession(minted.claims, of: user, familyID: familyID, client: client, now: now)
        try await audit("token.issued", client: client, claims: minted.claims, outcome: "success", detail: "password")
        return respond(minted, refreshToken: refresh)
    }
}
