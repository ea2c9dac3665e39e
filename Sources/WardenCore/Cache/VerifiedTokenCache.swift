import Foundation
import Synchronization

/// Remembers tokens that passed verification, so a repeated token costs a lookup, a comparison and
/// one hash instead of a signature check.
///
/// Never the token itself: an entry keeps the part the signature covers (`header.payload`, RFC
/// 7515 §7.1 — what the claims already say, and no credential without its signature), the token's
/// last 8 bytes (its key in the table: the end of its signature, ~44 bits of it — a signature's
/// last base64url character carries 2 to 4) and a 64-bit keyed hash of its signature. A presented
/// token is the cached one only when its last 8 bytes are the entry's key, it starts with the
/// entry's signed part byte for byte followed by `.`, *and* the rest (its signature, the last 8
/// bytes included) hashes to the entry's hash.
///
/// The hash is the standard library's SipHash-1-3, keyed with a random 64-bit value of this cache
/// besides the process's own seed (so it stays secret even under `SWIFT_DETERMINISTIC_HASHING`).
/// Only verified tokens enter. Someone who knows a cached token's signed part but not its
/// signature (or they would hold the token) passes for it only by matching the signature's hash,
/// 2^-64 a request on a 64-bit platform (`Hasher`'s `Int`) — and its last 8 characters too unless
/// they know them (truncated tokens in logs show them): never practical.
///
/// Why the key is the raw bytes, not a keyed hash of them as before (issue 16): the table hashes
/// its keys anyway, only verified tokens enter it (an attacker's lookups add no entries, so no
/// chosen tails crowd a bucket, seeded hashing or not), and a second keyed hash cost ~90 ns a
/// request in `perf` for what the signature's hash already gives. Two cached tokens that end alike
/// (~2^-44 a pair) share a key: the later replaces the earlier, which is then verified again — a
/// miss, never a wrong answer.
///
/// What a memory dump gives: 8 of a signature's characters (of an ES256 one's 86), the signature's
/// hash *and* its key (they are in the same memory). SipHash is not one-way for whoever holds its
/// key: a signature that passes for a cached one is a search of ~2^64 per entry — hard, not
/// impossible, within the token's lifetime. The SHA-256 of the signature this replaced (issue 16:
/// ~160 ns and an allocation a hit, against ~60 ns and none; docs/benchmarks.md, ordo-one "cache
/// key: …") was one-way, but a dump of a serving process holds the tokens of recent requests
/// anyway (NIO's buffers and freed memory are not wiped, the handler's `IncomingAccessToken`): the
/// cache was never what kept them out.
///
/// Bounded: when full, an arbitrary entry makes room (an attacker cannot grow it). By count: an
/// entry holds the token's claims and signed part — ~0.5 KiB for a usual token, at most the
/// verifier's `maximumTokenSize` (8 KiB by default: 10,000 entries of the largest tokens ~80 MB). An entry is
/// never returned after its token's `exp` (plus leeway); the verifier drops it when its `jti`
/// is revoked.
///
/// Shared by every core (issue 16): the table is split into up to 64 shards, each with its own
/// lock, no two on one cache line, chosen by the token's key — event loops verifying different
/// tokens no longer queue on one lock (one lock for all made two threads' hits *slower*
/// together than one thread's alone: `ProfileVerify es256 N parallel 2 distinct`). Each shard
/// holds at most its share of `capacity` and evicts on its own — so a cache of 10,000 starts
/// evicting at ~8,000 distinct tokens (its fullest shard full), not at 10,000. A cache of fewer
/// than 128 entries is one shard.
///
/// An entry also keeps the revocation list's generation its token was last found unrevoked at
/// (``RevocationList/generation``), its key source's last answer (``KeyAtHand``) and the key
/// material it was verified with (``VerificationKey/fingerprint``): the verifier asks the list
/// and the source again only when they have moved, and answers only for that material.
public final class VerifiedTokenCache: Sendable {
    struct Entry {
        let token: VerifiedAccessToken
        let validUntil: Date
        /// The token's `header.payload` bytes.
        let signedPart: [UInt8]
        /// The keyed hash of the token's signature segment (the bytes after `signedPart` and `.`).
        let signatureHash: Int
        /// The revocation list's generation, read before the token was last found unrevoked.
        var revocationGeneration: UInt64
        /// The key source's generation when the token's key was last at hand (`nil`: look it up
        /// on every hit), and until when that answer stands (``KeyAtHand``).
        var keyGeneration: UInt64?
        var keyUsableUntil: Date
        /// The ``VerificationKey/fingerprint`` of the key its signature was checked with.
        let keyFingerprint: UInt64
    }

    private let shards: InlineArray<64, Shard>
    /// `shardCount - 1`, `shardCount` a power of two.
    private let shardMask: UInt64
    private let signatureSeed: UInt64
    public let capacity: Int

    public init(capacity: Int = 10_000) {
        precondition(capacity >= 0, "capacity must not be negative")
        self.capacity = capacity
        // At least 64 entries a shard, so a shard's share of the capacity is not its rounding.
        var count = 1
        while count < 64, capacity / (count * 2) >= 64 { count *= 2 }
        let perShard = capacity / count
        self.shardMask = UInt64(count - 1)
        self.shards = InlineArray { index in Shard(capacity: index < count ? perShard : 0) }
        self.signatureSeed = UInt64.random(in: .min ... .max)
    }

    /// The entry's key for these token bytes: their last 8 bytes as they are (a shorter token's
    /// bytes and its length), no search for the signature's `.` and no hash of ours on a lookup.
    private static func key(_ token: UnsafeRawBufferPointer) -> UInt64 {
        if token.count >= 8 { return token.loadUnaligned(fromByteOffset: token.count - 8, as: UInt64.self) }
        var key = UInt64(token.count) << 56
        for (index, byte) in token.enumerated() { key |= UInt64(byte) << (8 * index) }
        return key
    }

    /// The shard of a key: a multiplicative hash's top bits (the key is base64url text, whose
    /// low bits vary little), not secret — a shard is a lock, the table inside it hashes seeded.
    private func shard(of key: UInt64) -> Int {
        Int(truncatingIfNeeded: ((key &* 0x9E37_79B9_7F4A_7C15) >> 58) & shardMask)
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> Int {
        var hasher = Hasher()
        hasher.combine(seed)
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    /// Whether `token` is the entry's token: its signed part, then `.`, then a signature whose
    /// keyed hash is the entry's.
    private func isToken(_ token: UnsafeRawBufferPointer, of entry: Entry) -> Bool {
        let length = entry.signedPart.count
        guard token.count > length, token[length] == UInt8(ascii: ".") else { return false }
        let sameSignedPart = entry.signedPart.withUnsafeBytes { stored in
            guard let lhs = stored.baseAddress, let rhs = token.baseAddress else { return length == 0 }
            return memcmp(lhs, rhs, length) == 0
        }
        guard sameSignedPart else { return false }
        return Self.hash(UnsafeRawBufferPointer(rebasing: token[(length + 1)...]), seed: signatureSeed) == entry.signatureHash
    }

    /// ``lookup(_:now:)`` for a token as text, read where the string keeps its bytes (not copied).
    func lookup(_ token: some StringProtocol, now: Date) -> Hit? {
        if let found = token.utf8.withContiguousStorageIfAvailable({ lookup(UnsafeRawBufferPointer($0), now: now) }) { return found }
        return Array(token.utf8).withUnsafeBytes { lookup($0, now: now) }
    }

    /// ``remove(_:)`` for a token as text.
    func remove(_ token: some StringProtocol) {
        Array(token.utf8).withUnsafeBytes { remove($0) }
    }

    /// The verification remembered for exactly these token bytes, if it is still valid.
    func lookup(_ token: UnsafeRawBufferPointer, now: Date) -> Hit? {
        guard capacity > 0 else { return nil }
        let key = Self.key(token)
        return shards[shard(of: key)].entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now < entry.validUntil else {
                entries[key] = nil
                return nil
            }
            // Other bytes are another token (a forgery, garbage, or a rare collision of keys): not
            // this entry, and the entry stays. Compared under the lock: copied out to compare after
            // it, a hit paid two more reference counts — ~30 ns alone, no better on two threads
            // presenting one token (`ProfileVerify … parallel 2`: x1.22 against x1.15).
            guard isToken(token, of: entry) else { return nil }
            return Hit(
                token: entry.token, revocationGeneration: entry.revocationGeneration, keyGeneration: entry.keyGeneration,
                keyUsableUntil: entry.keyUsableUntil, keyFingerprint: entry.keyFingerprint
            )
        }
    }

    /// Remembers a verification until `validUntil`; `revocationGeneration` is the revocation
    /// list's generation read before the token was found unrevoked, `verifiedWith` the key its
    /// signature was checked with and `key` the key source's answer for it (when it had the key
    /// at hand).
    func insert(
        _ verified: VerifiedAccessToken, for token: UnsafeRawBufferPointer, validUntil: Date, revocationGeneration: UInt64,
        verifiedWith verificationKey: VerificationKey, key: KeyAtHand?
    ) {
        // A compact JWS's signed part ends at its last `.` (RFC 7515 §7.1); without one it is no
        // JWS (and was never verified).
        guard capacity > 0, let dot = token.lastIndex(of: UInt8(ascii: ".")) else { return }
        let tableKey = Self.key(token)
        let entry = Entry(
            token: verified,
            validUntil: validUntil,
            signedPart: Array(token[..<dot]),
            signatureHash: Self.hash(UnsafeRawBufferPointer(rebasing: token[(dot + 1)...]), seed: signatureSeed),
            revocationGeneration: revocationGeneration,
            keyGeneration: key?.generation,
            keyUsableUntil: key?.usableUntil ?? .distantPast,
            keyFingerprint: verificationKey.fingerprint
        )
        let shard = shard(of: tableKey)
        let shardCapacity = shards[shard].capacity
        shards[shard].entries.withLock { entries in
            if entries.count >= shardCapacity, entries[tableKey] == nil, let victim = entries.keys.first {
                entries[victim] = nil
            }
            entries[tableKey] = entry
        }
    }

    /// Notes what a hit found asking again: that these token bytes were unrevoked at
    /// `unrevokedAt` (the list's generation read before that check), and their key's new answer
    /// from the key source — so later hits need not ask again until those move on. Only the
    /// entry of exactly these bytes: another token under the same key was checked on its own.
    func note(_ token: UnsafeRawBufferPointer, unrevokedAt: UInt64?, key: KeyAtHand?) {
        guard capacity > 0, unrevokedAt != nil || key != nil else { return }
        let tableKey = Self.key(token)
        shards[shard(of: tableKey)].entries.withLock { entries in
            guard let entry = entries[tableKey], isToken(token, of: entry) else { return }
            // A generation read earlier than the entry's, noted late, never moves it back.
            if let unrevokedAt { entries[tableKey]?.revocationGeneration = max(entry.revocationGeneration, unrevokedAt) }
            if let key {
                entries[tableKey]?.keyGeneration = key.generation
                entries[tableKey]?.keyUsableUntil = key.usableUntil
            }
        }
    }

    /// ``note(_:unrevokedAt:key:)`` for a token as text.
    func note(_ token: some StringProtocol, unrevokedAt: UInt64?, key: KeyAtHand?) {
        if token.utf8.withContiguousStorageIfAvailable({ note(UnsafeRawBufferPointer($0), unrevokedAt: unrevokedAt, key: key) }) != nil { return }
        Array(token.utf8).withUnsafeBytes { note($0, unrevokedAt: unrevokedAt, key: key) }
    }

    /// Forgets these token bytes' verification.
    func remove(_ token: UnsafeRawBufferPointer) {
        guard capacity > 0 else { return }
        let key = Self.key(token)
        shards[shard(of: key)].entries.withLock { entries in
            guard let entry = entries[key], isToken(token, of: entry) else { return }
            entries[key] = nil
        }
    }

    public var count: Int {
        var total = 0
        for index in 0...Int(shardMask) { total += shards[index].entries.withLock { $0.count } }
        return total
    }
}
