/// Where a verifier finds the key for a token's `kid`.
///
/// Implementations match `kid` exactly and never fall back to a default key.
public protocol VerificationKeySource: Sendable {
    /// The key whose id is exactly `id`, or `nil` when there is none.
    /// - Throws: ``TokenVerificationError/Reason/keysUnavailable`` when the source has no usable
    ///   keys at all (e.g. a JWKS endpoint unreachable past the maximum age of its last answer).
    func verificationKey(id: String) async throws(TokenVerificationError) -> VerificationKey?

    /// The key whose id is exactly `id` when the source has it at hand — usable now, nothing to
    /// fetch, reload or wait for — or `nil`, and then ``verificationKey(id:)`` decides. A
    /// remembered token is accepted without suspending when its key is at hand (issue 16: each
    /// suspension on a request's path costs an executor switch).
    func verificationKeyAtHand(id: String) -> VerificationKey?
}

extension VerificationKeySource {
    /// Nothing at hand: every lookup goes through ``verificationKey(id:)``.
    public func verificationKeyAtHand(id: String) -> VerificationKey? { nil }
}
