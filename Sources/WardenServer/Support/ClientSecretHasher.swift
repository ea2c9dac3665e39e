import Crypto
import Foundation

/// Client secrets are stored as HMAC-SHA256 under a key derived from the master key: a stolen
/// database alone does not let anyone test guesses, and checking costs microseconds, not the
/// ~70 ms of bcrypt, on the client-credentials hot path. Comparison is constant-time
/// (swift-crypto's `MessageAuthenticationCode ==`, `safeCompare`).
public struct ClientSecretHasher: Sendable {
    /// The keyed HMAC state, set up once and copied per use (the key schedule is the costly part).
    private let keyed: HMAC<SHA256>

    public init(masterKey: MasterKey) {
        self.keyed = HMAC<SHA256>(key: masterKey.derivedKey(purpose: "client-secret"))
    }

    private func code(_ secret: String) -> HMAC<SHA256>.MAC {
        var mac = keyed
        // The secret's bytes where they are (issue 16: no copy per client authentication).
        if secret.utf8.withContiguousStorageIfAvailable({ mac.update(data: UnsafeRawBufferPointer($0)) }) == nil {
            mac.update(data: Array(secret.utf8))
        }
        return mac.finalize()
    }

    public func hash(_ secret: String) -> [UInt8] {
        Array(code(secret))
    }

    public func matches(_ secret: String, hash: [UInt8]) -> Bool {
        code(secret) == hash
    }
}
