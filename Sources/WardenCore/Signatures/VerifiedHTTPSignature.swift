/// A request signature that passed every check of its policy.
public struct VerifiedHTTPSignature: Sendable {
    public let label: String
    public let keyID: String
    public let algorithm: HTTPSignatureAlgorithm
    public let created: Int
    public let components: [SignatureComponent]
    /// The client that owns the key, when the key source knows it (``HTTPSignatureKey/clientID``).
    public var clientID: String? = nil
}
