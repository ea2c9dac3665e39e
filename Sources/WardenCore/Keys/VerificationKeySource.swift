/// Where a verifier finds the key for a token's `kid`.
///
/// Implementations match `kid` exactly and never fall back to a default key.
public protocol VerificationKeySource: Sendable {
    /// The key whose id is exactly `id`, or `nil` when there is none.
    /// - Throws: ``TokenVerificationError/Reason/keysUnavailable`` when the source has no usable
    ///   keys at all (e.g. a JWKS endpoint unreachable past the maximum age of its last answer).
    func verificationKey(id: String) async throws(TokenVerificationError) -> VerificationKey?
}
