import Crypto
import Foundation
import Synchronization

/// Remembers tokens that passed verification, so a repeated token costs a hash, a lookup and a
/// comparison instead of a signature check.
///
/// Never the token itself: an entry is found by the SHA-256 of the token's signature segment and
/// keeps the part the signature covers (`header.payload`, RFC 7515 §7.1 — what the claims already
/// say, and no credential without its signature). A presented token is the cached one only when
/// its signature hashes to the entry's key *and* its signed part is byte for byte the entry's
/// (issue 16: hashing the ~90-byte signature instead of the whole ~600-byte token). A memory dump
/// of the cache yields no token that a resource server would accept.
///
/// Bounded: when full, an arbitrary entry makes room (an attacker cannot grow it). By count: an
/// entry holds the token's claims and signed part — ~0.5 KiB for a usual token, at most the
/// verifier's `maximumTokenSize` (8 KiB by default: 10,000 entries of the largest tokens ~80 MB). An entry is
/// never returned after its token's `exp` (plus leeway); the verifier drops it when its `jti`
/// is revoked.
public final class VerifiedTokenCache: Sendable {
    struct Entry {
        let token: VerifiedAccessToken
        let validUntil: Date
        /// The token's `header.payload` bytes.
        let signedPart: [UInt8]
    }

    private let entries: Mutex<[SHA256Digest: Entry]>
    public let capacity: Int

    public init(capacity: Int = 10_000) {
        precondition(capacity >= 0, "capacity must not be negative")
        self.capacity = capacity
        self.entries = Mutex([:])
        entries.withLock { $0.reserveCapacity(min(capacity, 1 << 16)) }
    }

    /// A compact JWS's signed part and its signature: split at its last `.`. `nil` without one
    /// (no JWS; the verifier refuses it, uncached).
    static func split(_ token: UnsafeRawBufferPointer) -> (signedPart: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer)? {
        guard let dot = token.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        return (UnsafeRawBufferPointer(rebasing: token[..<dot]), UnsafeRawBufferPointer(rebasing: token[(dot + 1)...]))
    }

    /// The SHA-256 of `signature`, fed as one buffer to the concrete hash (the generic
    /// `DataProtocol` entry point costs runtime metadata lookups on every call).
    static func key(signature: UnsafeRawBufferPointer) -> SHA256Digest {
        var hash = SHA256()
        hash.update(bufferPointer: signature)
        return hash.finalize()
    }

    private static func sameBytes(_ stored: [UInt8], _ presented: UnsafeRawBufferPointer) -> Bool {
        stored.withUnsafeBytes { stored in
            guard stored.count == presented.count else { return false }
            guard let lhs = stored.baseAddress, let rhs = presented.baseAddress else { return true }
            return memcmp(lhs, rhs, stored.count) == 0
        }
    }

    /// ``lookup(_:now:)`` for a token as text, read where the string keeps its bytes (not copied).
    func lookup(_ token: String, now: Date) -> VerifiedAccessToken? {
        if let found = token.utf8.withContiguousStorageIfAvailable({ lookup(UnsafeRawBufferPointer($0), now: now) }) { return found }
        return Array(token.utf8).withUnsafeBytes { lookup($0, now: now) }
    }

    /// ``remove(_:)`` for a token as text.
    func remove(_ token: String) {
        Array(token.utf8).withUnsafeBytes { remove($0) }
    }

    /// The verification remembered for exactly these token bytes, if it is still valid.
    func lookup(_ token: UnsafeRawBufferPointer, now: Date) -> VerifiedAccessToken? {
        guard capacity > 0, let (signedPart, signature) = Self.split(token) else { return nil }
        let key = Self.key(signature: signature)
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now < entry.validUntil else {
                entries[key] = nil
                return nil
            }
            // The same signature over other bytes is another token (a forgery, or garbage): not
            // this entry, and the entry stays.
            guard Self.sameBytes(entry.signedPart, signedPart) else { return nil }
            return entry.token
        }
    }

    func insert(_ verified: VerifiedAccessToken, for token: UnsafeRawBufferPointer, validUntil: Date) {
        guard capacity > 0, let (signedPart, signature) = Self.split(token) else { return }
        let key = Self.key(signature: signature)
        let entry = Entry(token: verified, validUntil: validUntil, signedPart: Array(signedPart))
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil, let victim = entries.keys.first {
                entries[victim] = nil
            }
            entries[key] = entry
        }
    }

    /// Forgets these token bytes' verification.
    func remove(_ token: UnsafeRawBufferPointer) {
        guard capacity > 0, let (signedPart, signature) = Self.split(token) else { return }
        let key = Self.key(signature: signature)
        entries.withLock { entries in
            guard let entry = entries[key], entry.signedPart.withUnsafeBytes({ $0.elementsEqual(signedPart) }) else { return }
            entries[key] = nil
        }
    }

    public var count: Int { entries.withLock { $0.count } }
}
