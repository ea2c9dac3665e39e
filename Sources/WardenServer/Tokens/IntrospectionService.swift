import Foundation
import Logging
import WardenCore

/// RFC 7662 token introspection. The caller must authenticate as a confidential client
/// (§2.1). A token is `active` only if it is this server's, unexpired, unrevoked, and meant for
/// the caller: an access token whose `aud` contains the caller's id or that was issued to the
/// caller; a refresh token of the caller. Everything else is `{"active": false}` (§2.2), with
/// no hint why.
public struct IntrospectionService: Sendable {
    let store: any AuthorizationStore
    let clients: ClientAuthenticator
    let verifier: AccessTokenVerifier<KeyManager>
    let revocations: RevocationMirror
    let timeSource: TimeSource

    init(tokens: TokenService) {
        self.store = tokens.store
        self.clients = tokens.clients
        self.verifier = tokens.verifier
        self.revocations = tokens.revocations
        self.timeSource = tokens.timeSource
    }

    public func introspect(token: String, credentials: ClientCredentials?, remoteAddress: String?) async throws -> JSONValue {
        let caller = try await clients.authenticate(credentials, remoteAddress: remoteAddress, allowPublic: false)
        let inactive: JSONValue = .object(["active": .bool(false)])
        guard !token.isEmpty, token.utf8.count <= 16 * 1024 else { return inactive }
        if let verified = try? await verifier.verify(token) {
            let claims = verified.claims
            guard claims.audience.contains(caller.id) || claims.clientID == caller.id else { return inactive }
            guard !(try await revocations.isRevoked(tokenID: claims.tokenID)) else { return inactive }
            var members: [String: JSONValue] = [
                "active": .bool(true),
                "scope": .string(claims.scope.description),
                "client_id": .string(claims.clientID),
                "sub": .string(claims.subject),
                "aud": claims.audience.count == 1 ? .string(claims.audience[0]) : .array(claims.audience.map(JSONValue.string)),
                "iss": .string(claims.issuer),
                "exp": .number(claims.expiresAt.timeIntervalSince1970.rounded(.down)),
                "iat": .number(claims.issuedAt.timeIntervalSince1970.rounded(.down)),
                "jti": .string(claims.tokenID),
                "token_type": "Bearer",
            ]
            if let actor = claims.actor { members["act"] = Self.json(actor) }
            return .object(members)
        }
        if let refresh = try await store.refreshToken(hash: OpaqueToken.hash(token)), refresh.clientID == caller.id {
            // `refreshToken(hash:)` returns used and revoked tokens too; redeeming one now is a replay.
            guard refresh.expiresAt > timeSource.now(), try await isRedeemable(refresh) else { return inactive }
            return .object([
                "active": .bool(true),
                "scope": .string(refresh.scope.description),
                "client_id": .string(refresh.clientID),
                "sub": .string(refresh.subject),
                "exp": .number(refresh.expiresAt.timeIntervalSince1970.rounded(.down)),
                "iat": .number(refresh.issuedAt.timeIntervalSince1970.rounded(.down)),
                "token_type": "refresh_token",
            ])
        }
        return inactive
    }

    private func isRedeemable(_ refresh: RefreshTokenRecord) async throws -> Bool {
        try await store.isRefreshTokenActive(hash: refresh.hash)
    }

    static func json(_ actor: ActorClaim) -> JSONValue {
        var members: [String: JSONValue] = ["sub": .string(actor.subject)]
        if let previous = actor.previous?.value { members["act"] = json(previous) }
        return .object(members)
    }
}
