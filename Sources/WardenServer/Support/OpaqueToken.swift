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

    /// A new random identifier (token ids): `bytes` bytes of entropy as lowercase hex, so that it
    /// never begins with "-" (a base64url string does one time in 64) and an operator can pass it
    /// to `warden token revoke` or any other command line as a plain argument.
    public static func identifier(bytes: Int = 16) -> String {
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: bytes * 8))
        return key.withUnsafeBytes { raw in
            let digits = Array("0123456789abcdef".utf8)
            var text: [UInt8] = []
            text.reserveCapacity(raw.count * 2)
            for byte in raw {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0F)])
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    /// SHA-256 of the token: what is stored. High-entropy tokens need no slow hash.
    public static func hash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }
}
