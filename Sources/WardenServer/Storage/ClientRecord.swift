public import Foundation
public import WardenCore

/// A registered OAuth client (RFC 6749 §2).
public struct ClientRecord: Sendable, Hashable {
    public var id: String
    /// Keyed hash of the secret (see ``ClientSecretHasher``); `nil` for public clients.
    public var secretHash: [UInt8]?
    /// The grants this client may use (`grant_type` values).
    public var grants: Set<GrantType>
    /// The most this client's tokens may carry, and what it gets when it asks for nothing.
    public var scopes: ScopeSet
    /// Exact redirect URIs for the authorization code flow (RFC 6749 §3.1.2).
    public var redirectURIs: [String]
    /// Audiences it may ask for; the first is its default (docs/architecture.md).
    public var audiences: [String]
    /// Its access tokens' lifetime, when not the server's default.
    public var accessTokenLifetime: Duration?
    /// Its token requests must carry a DPoP proof (RFC 9449 §5.2, `dpop_bound_access_tokens`):
    /// every token it gets is bound to its key.
    public var requiresDPoP: Bool
    /// The keys it signs requests with (RFC 9421), for the services it calls to learn.
    public var signingKeys: [ClientSigningKey]
    /// Disabled (issue 14, `warden client update --disabled`): it cannot authenticate or get
    /// tokens, and the tokens it had are revoked; `--enabled` lets it in again.
    public var disabled: Bool
    public var createdAt: Date

    public init(
        id: String,
        secretHash: [UInt8]?,
        grants: Set<GrantType>,
        scopes: ScopeSet,
        redirectURIs: [String] = [],
        audiences: [String] = [],
        accessTokenLifetime: Duration? = nil,
        requiresDPoP: Bool = false,
        signingKeys: [ClientSigningKey] = [],
        disabled: Bool = false,
        createdAt: Date = Date()
    ) {
        self.disabled = disabled
        self.id = id
        self.secretHash = secretHash
        self.grants = grants
        self.scopes = scopes
        self.redirectURIs = redirectURIs
        self.audiences = audiences
        self.accessTokenLifetime = accessTokenLifetime
        self.requiresDPoP = requiresDPoP
        self.signingKeys = signingKeys
        self.createdAt = createdAt
    }

    /// Public clients (RFC 6749 §2.1) have no secret.
    public var isPublic: Bool { secretHash == nil }

    /// Whether changing this client to `new` takes something away that its live tokens carry
    /// or were got with (issue 14): a scope, a grant, an audience, its secret (a rotation is
    /// how a leaked secret is answered), a DPoP requirement newly set, or it is disabled. Such a
    /// change revokes the client's tokens (``ClientTokenRevocation``).
    public func revokesTokens(whenChangedTo new: ClientRecord) -> Bool {
        !scopes.subtracting(new.scopes).isEmpty || !grants.isSubset(of: new.grants) || !audiences.allSatisfy(new.audiences.contains)
            || new.secretHash != secretHash || (new.requiresDPoP && !requiresDPoP) || (new.disabled && !disabled)
    }
}
