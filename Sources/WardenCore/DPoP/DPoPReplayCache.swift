import Foundation
import Synchronization

/// The `jti`s of DPoP proofs seen within their window (RFC 9449 §11.1), bounded: at most
/// `capacity` entries, each kept until its proof could no longer pass the time check. When full,
/// the oldest entry goes first, so a flood of proofs can shorten how long a `jti` is remembered
/// but never grows memory. In memory: several instances of one service each keep their own, so
/// a proof replayed to another instance within the window passes there (a shared store, or
/// server nonces, closes that; see the README).
final class DPoPReplayCache: Sendable {
    private struct State {
        var expiries: [String: Date] = [:]
        /// Insertion order, for eviction; entries already removed are skipped.
        var order: [(key: String, expires: Date)] = []
        var head = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Records `key` until `expires`; `false` when it is already recorded and not yet expired.
    func insert(_ key: String, expires: Date, now: Date) -> Bool {
        state.withLock { state in
            if let known = state.expiries[key], known > now { return false }
            // Drop expired entries from the front, then the oldest while full.
            while state.head < state.order.count {
                let first = state.order[state.head]
                let current = state.expiries[first.key]
                if current != first.expires {
                    state.head += 1  // replaced or removed since
                } else if first.expires <= now || state.expiries.count >= capacity {
                    state.expiries[first.key] = nil
                    state.head += 1
                } else {
                    break
                }
            }
            if state.head > 1024, state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
            state.expiries[key] = expires
            state.order.append((key, expires))
            return true
        }
    }

    var count: Int { state.withLock { $0.expiries.count } }
}
