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
    /// Active access tokens' answers, built once per token (``IntrospectionAnswers``).
    let answers: IntrospectionAnswers

    package init(tokens: TokenService) {
        self.store = tokens.store
        self.clients = tokens.clients
        self.verifier = tokens.verifier
        self.revocations = tokens.revocations
        self.timeSource = tokens.timeSource
        self.answers = IntrospectionAnswers()
    }

    /// The introspection response, as JSON bytes (§2.2). Runs on the caller's executor
    /// (`nonisolated(nonsending)`): from an actor, a verification that misses the cache runs on it.
    /// `remoteAddress` is worked out only if client authentication needs it (``ClientAuthenticator``).
    /// RFC 7662 §2.2's answer for any token not active, built once (issue 16: building it per
    /// request was an array copy and an allocation of every introspection, active or not).
    private static let inactive = Array(#"{"active":false}"#.utf8)

    public nonisolated(nonsending) func introspect(token: String, credentials: ClientCredentials?, remoteAddress: @autoclosure () -> String?) async throws -> [UInt8] {
        let caller = try await clients.authenticate(credentials, remoteAddress: remoteAddress(), allowPublic: false)
        let inactive = Self.inactive
        guard !token.isEmpty, token.utf8.count <= 16 * 1024 else { return inactive }
        // Without suspending when it can (the server's own keys are always at hand): issue 16.
        // A refusal counts once: `verify` only when the key was not at hand.
        let verified: VerifiedAccessToken?
        do {
            if let atHand = try verifier.verifyWithoutSuspending(token) { verified = atHand } else { verified = try await verifier.verify(token) }
        } catch {
            verified = nil
        }
        if let verified {
            let claims = verified.claims
            // RFC 7662 §2.2: active means not expired — by this server's clock, with none of the
            // leeway the verifier allows for other clocks.
            guard claims.expiresAt > timeSource.now() else { return inactive }
            guard claims.audience.contains(caller.id) || claims.clientID == caller.id else { return inactive }
            guard !(try await revocations.isRevoked(claims)) else { return inactive }
            return answers.answer(for: claims, token: token, build: Self.activeAnswer)
        }
        if let refresh = try await store.refreshToken(hash: OpaqueToken.hash(token)), refresh.clientID == caller.id {
            // `refreshToken(hash:)` returns used and revoked tokens too; redeeming one now is a replay.
            guard refresh.expiresAt > timeSource.now(), try await store.isRefreshTokenActive(hash: refresh.hash) else { return inactive }
            var writer = JSONObjectWriter()
            writer.add("active", true)
            writer.add("scope", refresh.scope.description)
            writer.add("client_id", refresh.clientID)
            writer.add("sub", refresh.subject)
            writer.add("exp", refresh.expiresAt)
            writer.add("iat", refresh.issuedAt)
            writer.add("token_type", "refresh_token")
            return writer.finish()
        }
        return inactive
    }

    /// RFC 7662 §2.2's answer for an active access token: what its claims say (built once per
    /// token, ``IntrospectionAnswers``).
    static func activeAnswer(_ claims: AccessTokenClaims) -> [UInt8] {
        var writer = JSONObjectWriter()
        writer.add("active", true)
        writer.add("scope", claims.scope.description)
        writer.add("client_id", claims.clientID)
        writer.add("sub", claims.subject)
        if claims.audience.count == 1 { writer.add("aud", claims.audience[0]) } else { writer.add("aud", claims.audience) }
        writer.add("iss", claims.issuer)
        writer.add("exp", claims.expiresAt)
        writer.add("iat", claims.issuedAt)
        writer.add("jti", claims.tokenID)
        // RFC 9449 §6.2: a bound token is `DPoP`, with the key's thumbprint in `cnf.jkt`.
        writer.add("token_type", claims.keyThumbprint == nil ? "Bearer" : "DPoP")
        if let actor = claims.actor { writer.addRaw("act", actor.jsonBytes()) }
        if let jkt = claims.keyThumbprint { writer.addRaw("cnf", JSONValue.object(["jkt": .string(jkt)]).serialized()) }
        return writer.finish()
    }
}
