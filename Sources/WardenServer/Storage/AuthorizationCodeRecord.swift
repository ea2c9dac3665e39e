public import Foundation
public import WardenCore

/// An authorization code as stored (RFC 6749 §4.1.2): its SHA-256, what it grants, and the PKCE
/// challenge (RFC 7636) the redeeming request must answer.
public struct AuthorizationCodeRecord: Sendable, Hashable {
    public var hash: [UInt8]
    public var clientID: String
    public var subject: String
    public var scope: ScopeSet
    public var audience: [String]
    public var redirectURI: String
    /// S256 challenge: BASE64URL(SHA256(code_verifier)).
    public var codeChallenge: String
    /// The token family the first redemption starts (so a replay can revoke it).
    public var familyID: String
    public var expiresAt: Date
    /// `dpop_jkt` of the authorization request (RFC 9449 §10): the redeeming token request must
    /// carry a proof by this key.
    public var dpopKeyThumbprint: String?

    public init(hash: [UInt8], clientID: String, subject: String, scope: ScopeSet, audience: [String], redirectURI: String, codeChallenge: String, familyID: String, expiresAt: Date, dpopKeyThumbprint: String? = nil) {
        self.hash = hash
        self.clientID = clientID
        self.subject = subject
        self.scope = scope
        self.audience = audience
        self.redirectURI = redirectURI
        self.codeChallenge = codeChallenge
        self.familyID = familyID
        self.expiresAt = expiresAt
        self.dpopKeyThumbprint = dpopKeyThumbprint
    }
}
