import Foundation
import Logging
import WardenCore

/// RFC 7009 token revocation. The client authenticates (public clients by `client_id`) and may
/// revoke only its own tokens: an access token by its `jti` (it joins the revocation feed), a
/// refresh token with its whole family (and the family's access tokens). An unknown, foreign or
/// already invalid token changes nothing and still answers 200 (§2.2).
public struct TokenRevocationService: Sendable {
    let tokens: TokenService

    package init(tokens: TokenService) { self.tokens = tokens }

    public func revoke(token: String, tokenTypeHint: String?, credentials: ClientCredentials?, remoteAddress: String?) async throws {
        let client = try await tokens.clients.authenticate(credentials, remoteAddress: remoteAddress, allowPublic: true)
        if let hint = tokenTypeHint, hint != "access_token", hint != "refresh_token" {
            // §2.2.1: a hint the server does not understand.
            throw OAuthError(code: "unsupported_token_type", description: "The token_type_hint is not supported.")
        }
        guard !token.isEmpty, token.utf8.count <= 16 * 1024 else { return }
        let now = tokens.timeSource.now()
        if let verified = try? await tokens.verifier.verify(token) {
            guard verified.clientID == client.id else {
                try await tokens.audit("token.revoke_refused", client: client, claims: verified.claims, outcome: "ignored", detail: "not the client's token")
                return
            }
            try await tokens.store.revoke(tokenID: verified.tokenID, expiresAt: verified.claims.expiresAt, at: now)
            tokens.revocations.record(tokenID: verified.tokenID, expiresAt: verified.claims.expiresAt)
            tokens.revocationSignal.signal()
            try await tokens.audit("token.revoked", client: client, claims: verified.claims, outcome: "success", detail: "access token")
            return
        }
        if let refresh = try await tokens.store.refreshToken(hash: OpaqueToken.hash(token)) {
            guard refresh.clientID == client.id else {
                try await tokens.audit("token.revoke_refused", client: client, subject: refresh.subject, outcome: "ignored", detail: "not the client's refresh token")
                return
            }
            try await tokens.revokeFamily(refresh.familyID, now: now)
            try await tokens.audit("token.revoked", client: client, subject: refresh.subject, outcome: "success", detail: "refresh token family \(refresh.familyID)")
        }
    }
}
