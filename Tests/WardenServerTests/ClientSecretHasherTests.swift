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

extension ClientSecretHasherTests {
    /// RFC 4231 §4 (HMAC-SHA-256 test cases 1, 2, 6, 7): known answers from outside swift-crypto,
    /// including a 131-byte key (hashed first) and a message over several blocks.
    @Test(arguments: [
        ([UInt8](repeating: 0x0B, count: 20), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xAA, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xAA, count: 131),
         "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func rfc4231KnownAnswers(key: [UInt8], message: String, expected: String) {
        let code = ClientSecretHasher(key: SymmetricKey(data: key)).hash(message)
        #expect(code.map { String(format: "%02x", $0) }.joined() == expected)
    }

    /// One hasher, many tasks at once: the precomputed states are shared and only ever copied.
    @Test func concurrentUseGivesTheSameCodes() async {
        let hasher = ClientSecretHasher(key: SymmetricKey(data: [UInt8](repeating: 0x42, count: 32)))
        let secrets = (0..<64).map { "secret-\($0)-" + String(repeating: "x", count: $0) }
        let expected = secrets.map(hasher.hash)
        await withTaskGroup(of: Bool.self) { group in
            for round in 0..<8 {
                group.addTask {
                    (0..<200).allSatisfy { index in
                        let at = (index + round) % secrets.count
                        return hasher.hash(secrets[at]) == expected[at] && hasher.matches(secrets[at], hash: expected[at])
                    }
                }
            }
            for await allMatched in group { #expect(allMatched) }
        }
    }
}
