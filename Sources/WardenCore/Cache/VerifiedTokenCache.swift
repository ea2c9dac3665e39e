import Crypto
import Foundation
import Synchronization

/// Remembers tokens that passed verification, keyed by the SHA-256 of the token bytes (never the
/// token itself), so a repeated token costs a hash and a lookup instead of a signature check.
///
/// Bounded: when full, an arbitrary entry makes room (an attacker cannot grow it). An entry is
/// never returned after its token's `exp` (plus leeway); the verifier drops it when its `jti`
/// is revoked.
public final class VerifiedTokenCache: Sendable {
    struct Entry {
        let token: VerifiedAccessToken
        let validUntil: Date
    }

    private let entries: Mutex<[SHA256Digest: Entry]>
    public let capacity: Int

    public init(capacity: Int = 10_000) {
        precondition(capacity >= 0, "capacity must not be negative")
        self.capacity = capacity
        self.entries = Mutex([:])
        entries.withLock { $0.reserveCapacity(min(capacity, 1 << 16)) }
    }

    /// The SHA-256 of `token`, fed as one buffer to the concrete hash (the generic `DataProtocol`
    /// entry point costs runtime metadata lookups on every call).
    static func key(for token: UnsafeRawBufferPointer) -> SHA256Digest {
        var hash = SHA256()
        hash.update(bufferPointer: token)
        return hash.finalize()
    }

    func lookup(_ key: SHA256Digest, now: Date) -> VerifiedAccessToken? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now < entry.validUntil else {
                entries[key] = nil
                return nil
            }
            return entry.token
        }
    }

    func insert(_ token: VerifiedAccessToken, for key: SHA256Digest, validUntil: Date) {
        guard capacity > 0 else { return }
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil, let victim = entries.keys.first {
                entries[victim] = nil
            }
            entries[key] = Entry(token: token, validUntil: validUntil)
        }
    }

    func remove(_ key: SHA256Digest) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    public var count: Int { entries.withLock { $0.count } }
}
