public import WardenClient
public import WardenCore

/// Where the tutorial's verifier finds keys: its own key (it mints its tokens), or the JWKS of
/// a Warden authorization server it trusts.
public enum TutorialKeys: VerificationKeySource {
    case local(StaticKeySet)
    case remote(RemoteJWKSKeySet)

    public func verificationKey(id: String) async throws(TokenVerificationError) -> VerificationKey? {
        switch self {
        case .local(let keys): try await keys.verificationKey(id: id)
        case .remote(let keys): try await keys.verificationKey(id: id)
        }
    }
}
