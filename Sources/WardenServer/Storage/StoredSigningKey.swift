public import Foundation
public import WardenCore

/// A signing key as stored: the private key sealed with the master key, and its life:
/// published from `createdAt`, signing from `activatesAt`, retired (no longer signing) at
/// `retiredAt`, and published until `publishedUntil` (the last token it signed has expired).
public struct StoredSigningKey: Sendable, Hashable {
    public var id: String
    public var algorithm: SignatureAlgorithm
    /// AES-GCM sealed box (nonce ‖ ciphertext ‖ tag) of the private key's serialization.
    public var sealedPrivateKey: [UInt8]
    public var createdAt: Date
    public var activatesAt: Date
    public var retiredAt: Date?
    public var publishedUntil: Date?

    public init(
        id: String,
        algorithm: SignatureAlgorithm,
        sealedPrivateKey: [UInt8],
        createdAt: Date,
        activatesAt: Date,
        retiredAt: Date? = nil,
        publishedUntil: Date? = nil
    ) {
        self.id = id
        self.algorithm = algorithm
        self.sealedPrivateKey = sealedPrivateKey
        self.createdAt = createdAt
        self.activatesAt = activatesAt
        self.retiredAt = retiredAt
        self.publishedUntil = publishedUntil
    }

    /// Whether the key belongs in the JWKS at `now`.
    public func isPublished(at now: Date) -> Bool {
        guard let publishedUntil else { return true }
        return publishedUntil > now
    }

    /// Whether the key may sign at `now`.
    public func maySign(at now: Date) -> Bool {
        activatesAt <= now && retiredAt.map { $0 > now } ?? true
    }
}
