import Crypto
import Foundation

/// Client secrets are stored as HMAC-SHA256 under a key derived from the master key: a stolen
/// database alone does not let anyone test guesses, and checking costs microseconds, not the
/// ~70 ms of bcrypt, on the client-credentials hot path.
///
/// The HMAC is RFC 2104's construction over swift-crypto's SHA-256, written out here (a few
/// lines) for speed alone: `HMAC<SHA256>`'s `update` and `==` are generic over `DataProtocol`
/// and `ContiguousBytes` and not inlinable, and their metadata lookups were ~2 % of an
/// introspection request (issue 16, `perf`; docs/benchmarks.md). The codes are byte for byte
/// `HMAC<SHA256>`'s (`ClientSecretHasherTests` compares them on random keys and messages), so
/// stored hashes stay valid. The comparison is constant-time: every byte is looked at, whatever
/// differs (swift-crypto's `safeCompare` is internal).
public struct ClientSecretHasher: Sendable {
    /// SHA-256 after the key XOR ipad block, and after the key XOR opad block (RFC 2104 §2),
    /// set up once and copied per use: the key's two blocks are not hashed again per check.
    private let inner: SHA256
    private let outer: SHA256

    public init(masterKey: MasterKey) {
        self.init(key: masterKey.derivedKey(purpose: "client-secret"))
    }

    init(key: SymmetricKey) {
        // RFC 2104 §2: a key longer than the block (64 bytes) is hashed first; a shorter one is
        // padded with zeros to the block.
        var block = [UInt8](repeating: 0, count: SHA256.blockByteCount)
        key.withUnsafeBytes { bytes in
            let material = bytes.count > SHA256.blockByteCount ? Array(SHA256.hash(data: bytes)) : Array(bytes)
            block.replaceSubrange(0..<material.count, with: material)
        }
        var inner = SHA256(), outer = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        outer.update(data: block.map { $0 ^ 0x5C })
        self.inner = inner
        self.outer = outer
    }

    /// HMAC-SHA256(key, secret's UTF-8), with the non-generic `update(bufferPointer:)`.
    private func code(_ secret: String) -> SHA256.Digest {
        var inner = self.inner
        // The secret's bytes where they are (issue 16: no copy per client authentication).
        if secret.utf8.withContiguousStorageIfAvailable({ inner.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            Array(secret.utf8).withUnsafeBytes { inner.update(bufferPointer: $0) }
        }
        let innerDigest = inner.finalize()
        var outer = self.outer
        innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }

    public func hash(_ secret: String) -> [UInt8] {
        Array(code(secret))
    }

    public func matches(_ secret: String, hash: [UInt8]) -> Bool {
        let computed = code(secret)
        guard hash.count == SHA256.byteCount else { return false }
        return computed.withUnsafeBytes { computed in
            hash.withUnsafeBytes { stored in
                // No early exit: the time does not tell where the first difference is.
                var difference: UInt8 = 0
                for index in 0..<SHA256.byteCount { difference |= computed[index] ^ stored[index] }
                return difference == 0
            }
        }
    }
}
