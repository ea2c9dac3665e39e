import Crypto
import Foundation
import Testing
@testable import WardenServer

/// `ClientSecretHasher` writes RFC 2104's HMAC out over SHA-256 (for speed): its codes must be
/// swift-crypto's `HMAC<SHA256>` codes byte for byte (so stored hashes stay valid), and a
/// stored hash matches only its own secret.
@Suite struct ClientSecretHasherTests {
    @Test func codesAreSwiftCryptosHMACForKeysAndSecretsOfEveryLength() {
        var random = SystemRandomNumberGenerator()
        // Keys shorter than, as long as, and longer than SHA-256's 64-byte block.
        for keyLength in [1, 16, 32, 63, 64, 65, 100, 200] {
            let key = SymmetricKey(data: (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &random) })
            let hasher = ClientSecretHasher(key: key)
            // Secrets across one and several blocks, ASCII and not.
            for length in [0, 1, 25, 55, 56, 63, 64, 65, 119, 120, 128, 300] {
                let ascii = String((0..<length).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0x21...0x7E, using: &random))) })
                for secret in [ascii, ascii + "é€😀", String(repeating: "ß", count: length)] {
                    let expected = Array(HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: key))
                    #expect(hasher.hash(secret) == expected, "key \(keyLength) B, secret \(secret.utf8.count) B")
                    #expect(hasher.matches(secret, hash: expected))
                }
            }
        }
    }

    @Test func aHashMatchesOnlyItsSecret() throws {
        let hasher = ClientSecretHasher(masterKey: try MasterKey(bytes: Array(repeating: 7 as UInt8, count: 32)))
        let secret = "report-service-secret-0123456789"
        let hash = hasher.hash(secret)
        #expect(hash.count == 32)
        #expect(hasher.matches(secret, hash: hash))
        // Every single bit flipped, anywhere: no match.
        for index in hash.indices {
            for bit in 0..<8 {
                var changed = hash
                changed[index] ^= 1 << bit
                #expect(!hasher.matches(secret, hash: changed))
            }
        }
        // Shorter, longer, empty stored values; a near secret; another master key.
        #expect(!hasher.matches(secret, hash: Array(hash.dropLast())))
        #expect(!hasher.matches(secret, hash: hash + [0]))
        #expect(!hasher.matches(secret, hash: []))
        #expect(!hasher.matches(secret + "x", hash: hash))
        #expect(!hasher.matches(String(secret.dropLast()), hash: hash))
        let other = ClientSecretHasher(masterKey: try MasterKey(bytes: Array(repeating: 8 as UInt8, count: 32)))
        #expect(!other.matches(secret, hash: hash))
    }
}
