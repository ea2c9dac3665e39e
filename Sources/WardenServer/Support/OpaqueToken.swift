import Crypto
import Foundation
import WardenCore

/// Opaque random strings (refresh tokens, authorization codes, client secrets, token ids) and
/// the hashes they are stored under. 256 bits from the system CSPRNG, base64url without padding.
public enum OpaqueToken {
    /// A new random token with `bytes` bytes of entropy.
    public static func generate(bytes: Int = 32) -> String {
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: bytes * 8))
        return Base64URL.encode(key.withUnsafeBytes { Array($0) })
    }

    /// SHA-256 of the token: what is stored. High-entropy tokens need no slow hash.
    public static func hash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }
}
