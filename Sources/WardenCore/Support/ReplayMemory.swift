import Crypto
import Foundation
import Synchronization

/// What was seen once and must not pass twice within its window — DPoP proofs' `jti`s (RFC 9449
/// §11.1), HTTP message signatures' nonces or signatures (RFC 9421 §7.2.2) — bounded: at most
/// `capacity` entries, each kept until what it stands for could no longer pass the time check.
/// An entry still inside its window is never dropped (that would let a captured proof be
/// replayed after a flood of others): when the memory is full of live entries, new ones are
/// turned away (``Outcome/full``) until some expire — the server says it is busy, never lets one
/// through. In memory: several instances of one service each keep their own, so something
/// replayed to another instance within the window passes there (a shared store would close
/// that; short windows narrow it; see the README).
final class ReplayMemory: Sendable {
    /// A key kept as 128 bits of its SHA-256, not as text: ~100 bytes less per proof remembered
    /// (247 → see docs/benchmarks.md). Two keys sharing them would make a fresh proof look
    /// replayed (refused), never a replay look fresh.
    struct Digest: Hashable {
        let high: UInt64
        let low: UInt64

        init(_ key: String) {
            let hash = SHA256.hash(data: Array(key.utf8))
            (high, low) = hash.withUnsafeBytes { ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
        }
    }

    private struct State {
        var expiries: [Digest: Date] = [:]
        /// Insertion order, for eviction; entries already removed are skipped.
        var order: [(key: Digest, expires: Date)] = []
        var head = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    enum Outcome: Equatable {
        case inserted
        /// Recorded before and not yet expired: a replay.
        case seen
        /// Full of entries still inside their window.
        case full
    }

    /// Records `key` until `expires`.
    func insert(_ text: String, expires: Date, now: Date) -> Outcome {
        let key = Digest(text)
        return state.withLock { state in
            if let known = state.expiries[key], known > now { return .seen }
            // Drop expired entries from the front (they expire in about the order they came).
            while state.head < state.order.count {
                let first = state.order[state.head]
                let current = state.expiries[first.key]
                if current != first.expires {
                    state.head += 1  // replaced or removed since
                } else if first.expires <= now {
                    state.expiries[first.key] = nil
                    state.head += 1
                } else {
                    break
                }
            }
            guard state.expiries.count < capacity else { return .full }
            if state.head > 1024, state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
            state.expiries[key] = expires
            state.order.append((key, expires))
            return .inserted
        }
    }

    var count: Int { state.withLock { $0.expiries.count } }
}
