public import Foundation
public import WardenCore

/// A refresh token as stored: only the SHA-256 of the opaque token, its family (every token
/// rotated from the same original grant) and what it may be exchanged for.
public struct RefreshTokenRecord: Sendable, Hashable {
    public var hash: [UInt8]
    public var familyID: String
    public var clientID: String
    public var subject: String
    public var scope: ScopeSet
    public var audience: [String]
    public var issuedAt: Date
    public var expiresAt: Date
    /// The thumbprint of the DPoP key the token is bound to (RFC 9449 §5.2: a public client's
    /// refresh token, issued with a proof, is redeemed only with a proof by the same key).
    public var keyThumbprint: String?

    public init(hash: [UInt8], familyID: String, clientID: String, subject: String, scope: ScopeSet, audience: [String], issuedAt: Date, expiresAt: Date, keyThumbprint: String? = nil) {
        self.hash = hash
        self.familyID = familyID
        self.clientID = clientID
        self.subject = subject
        self.scope = scope
        self.audience = audience
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.keyThumbprint = keyThumbprint
    }
}
