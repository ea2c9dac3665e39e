public import Foundation

/// A DPoP proof that passed every check of RFC 9449 §4.3 for its request.
public struct VerifiedDPoPProof: Sendable, Hashable {
    /// The RFC 7638 thumbprint of the proof's key: what a bound token carries as `cnf.jkt`.
    public let keyThumbprint: String
    public let algorithm: SignatureAlgorithm
    /// `jti`
    public let proofID: String
    /// `iat`
    public let issuedAt: Date
    /// `nonce`, if the proof carried one.
    public let nonce: String?
}
