import Synchronization

/// What a proof's protected header decided, by the header's exact base64url text: its
/// algorithm, its key (built through jwt-kit) and that key's thumbprint. A client signs every
/// proof with one key under one header, so after its first proof the header's JSON, the
/// thumbprint and the key are not made again (building a key goes through jwt-kit's key
/// collection, an actor: a hop per proof). Only headers whose proof verified are kept; the
/// checks are the same for the same text, so nothing is skipped that could come out otherwise.
/// Bounded: when full, an arbitrary entry makes room (a flood of headers costs the others a
/// rebuild, never a wrong answer).
final class DPoPHeaderCache: Sendable {
    struct Entry: Sendable {
        let algorithm: SignatureAlgorithm
        let key: VerificationKey
        let thumbprint: String
    }

    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    func entry(for header: String) -> Entry? {
        entries.withLock { $0[header] }
    }

    func insert(_ entry: Entry, for header: String) {
        guard capacity > 0 else { return }
        entries.withLock { entries in
            if entries[header] == nil, entries.count >= capacity { entries.remove(at: entries.startIndex) }
            entries[header] = entry
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
