import Crypto
import Foundation

/// Client secrets are stored as HMAC-SHA256 under a key derived from the master key: a stolen
/// database alone does not let anyone test guesses, and checking costs microseconds, not the
/// ~70 ms of bcrypt, on the client-credentials hot path. Comparison is constant-time
/// (swift-crypto's `isValidAuthenticationCode`).
public struct ClientSecretHasher: Sendable {
    private let key: SymmetricKey

    public init(masterKey: MasterKey) {
        self.key = masterKey.derivedKey(purpose: "client-secret")
    }

    public func hash(_ secret: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: key))
    }

    public func matches(_ secret: String, hash: [UInt8]) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(hash, authenticating: Array(secret.utf8), using: key)
    }
}
