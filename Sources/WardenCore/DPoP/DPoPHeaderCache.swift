import Synchronization

/// What a proof's protected header decided, by the header's exact base64url text: its
/// algorithm, its key (built through jwt-kit) and that key's thumbprint. A client signs every
/// proof with one key under one header, so after its first proof the header's JSON, the
/// thumbprint and the key are not made again (building a key goes through jwt-kit's key
/// collection, an actor: a hop per proof). Only headers whose proof verified are kept; the
/// checks are the same for the same text, so nothing is skipped that could come out otherwise.
/// Bounded: when full, an arbitrary entry makes room (a flood of headers costs the others a
/// rebuild, never a wrong answer). Keyed by the header's bytes, not a `String`: Swift compares
/// strings by canonical equivalence, so a header spelled with, say, U+212A for `K` would have
/// matched a cached ASCII one (found by a review). Headers over ``maximumHeaderSize`` are not
/// kept (a large RSA key's is ~1 KB; a flood of 8 KB ones would otherwise hold ~100 MB).
final class DPoPHeaderCache: Sendable {
    struct Entry: Sendable {
        let algorithm: SignatureAlgorithm
        let key: VerificationKey
        let thumbprint: String
    }

    let capacity: Int
    static let maximumHeaderSize = 2048
    private let entries = Mutex<[[UInt8]: Entry]>([:])

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    func entry(for header: [UInt8]) -> Entry? {
        guard header.count <= Self.maximumHeaderSize else { return nil }
        return entries.withLock { $0[header] }
    }

    func insert(_ entry: Entry, for header: [UInt8]) {
        guard capacity > 0, header.count <= Self.maximumHeaderSize else { return }
        entries.withLock { entries in
            if entries[header] == nil, entries.count >= capacity { entries.remove(at: entries.startIndex) }
            entries[header] = entry
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
