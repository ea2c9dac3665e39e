import WardenCore

/// A key source with nothing at hand (`verificationKeyAtHand` is the protocol's `nil`): every
/// verification asks, as with a JWKS not fetched yet.
struct KeysOnlyByAsking: VerificationKeySource {
    let keys: StaticKeySet

    func verificationKey(id: String) async throws(TokenVerificationError) -> VerificationKey? {
        try await keys.verificationKey(id: id)
    }
}
