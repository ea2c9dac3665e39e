/// A request signature that passed every check of its policy.
public struct VerifiedHTTPSignature: Sendable {
    public let label: String
    public let keyID: String
    public let algorithm: HTTPSignatureAlgorithm
    public let created: Int
    public let components: [SignatureComponent]
}
