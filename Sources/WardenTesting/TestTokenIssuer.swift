import Crypto
public import Foundation
public import WardenCore

/// Mints access tokens for tests, with a key generated in the test: use it to test your own
/// Warden-protected routes without an authorization server.
///
/// ```swift
/// let issuer = await TestTokenIssuer()
/// let verifier = issuer.verifier()
/// let token = try issuer.token(subject: "alice", scope: ["me", "items"])
/// ```
public struct TestTokenIssuer: Sendable {
    public var issuer: String
    public var audience: String
    public let signingKey: SigningKey
    public let signer: AccessTokenSigner

    /// A new issuer with a freshly generated ES256 key.
    public init(issuer: String = "https://warden.test", audience: String = "test-api", keyID: String = "test-key") async {
        await self.init(issuer: issuer, audience: audience, signingKey: SigningKey.generateES256(id: keyID))
    }

    /// An issuer that signs with `signingKey` (any algorithm Warden supports).
    public init(issuer: String = "https://warden.test", audience: String = "test-api", signingKey: SigningKey) async {
        self.issuer = issuer
        self.audience = audience
        self.signingKey = signingKey
        self.signer = AccessTokenSigner(key: signingKey)
    }

    /// A key set holding this issuer's public key (and `otherKeys`).
    public func keySet(adding otherKeys: [VerificationKey] = []) throws -> StaticKeySet {
        try StaticKeySet([signingKey.verificationKey] + otherKeys)
    }

    public var verifierConfiguration: AccessTokenVerifierConfiguration {
        AccessTokenVerifierConfiguration(issuer: issuer, audience: audience)
    }

    /// A verifier that accepts this issuer's tokens for ``audience``.
    public func verifier(
        configure: (inout AccessTokenVerifierConfiguration) -> Void = { _ in },
        revocations: RevocationList = RevocationList(),
        timeSource: TimeSource = .system
    ) -> AccessTokenVerifier<StaticKeySet> {
        var configuration = verifierConfiguration
        configure(&configuration)
        // A key set made of one key cannot have duplicate kids.
        return AccessTokenVerifier(configuration: configuration, keys: try! keySet(), revocations: revocations, timeSource: timeSource)
    }

    /// Valid claims for `subject`, issued now, expiring after `lifetime`.
    public func claims(
        subject: String = "test-user",
        scope: ScopeSet = [],
        clientID: String = "test-client",
        lifetime: Duration = .seconds(300),
        now: Date = Date()
    ) -> AccessTokenClaims {
        AccessTokenClaims(
            issuer: issuer,
            subject: subject,
            audience: [audience],
            expiresAt: now.addingTimeInterval(Double(lifetime.components.seconds)),
            issuedAt: now,
            tokenID: UUID().uuidString,
            clientID: clientID,
            scope: scope
        )
    }

    /// A signed token for `subject` with `scope`; `modify` may change any claim first.
    public func token(
        subject: String = "test-user",
        scope: ScopeSet = [],
        clientID: String = "test-client",
        lifetime: Duration = .seconds(300),
        now: Date = Date(),
        modify: (inout AccessTokenClaims) -> Void = { _ in }
    ) throws -> String {
        var claims = claims(subject: subject, scope: scope, clientID: clientID, lifetime: lifetime, now: now)
        modify(&claims)
        return try signer.sign(claims)
    }

    /// Signs arbitrary header and payload JSON text with this issuer's key: for testing how
    /// your service treats hostile tokens (odd headers, duplicate members, missing claims).
    public func signRaw(headerJSON: String, payloadJSON: String) throws -> String {
        let input = Base64URL.encode(Array(headerJSON.utf8)) + "." + Base64URL.encode(Array(payloadJSON.utf8))
        let signature = try signingKey.sign(Array(input.utf8))
        return input + "." + Base64URL.encode(signature)
    }
}
