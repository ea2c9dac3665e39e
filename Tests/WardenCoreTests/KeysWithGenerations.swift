import Foundation
import Synchronization
import WardenCore

/// A key source whose keys at hand change when a test says so, and which counts how often it is
/// asked for one (issue 16: cached hits ask only when its generation or an answer's end moved).
final class KeysWithGenerations: VerificationKeySource {
    private struct State {
        var keys: StaticKeySet
        var generation: UInt64 = 1
        var usableUntil: Date
        var lookups = 0
    }

    private let state: Mutex<State>
    let timeSource: TimeSource

    init(_ keys: StaticKeySet, usableUntil: Date, timeSource: TimeSource) {
        state = Mutex(State(keys: keys, usableUntil: usableUntil))
        self.timeSource = timeSource
    }

    /// Installs `keys` (a new generation) usable until `usableUntil`.
    func install(_ keys: StaticKeySet, usableUntil: Date) {
        state.withLock { state in
            state.keys = keys
            state.usableUntil = usableUntil
            state.generation += 1
        }
    }

    var lookups: Int { state.withLock { $0.lookups } }

    func verificationKey(id: String) async throws(TokenVerificationError) -> VerificationKey? {
        verificationKeyAtHand(id: id)
    }

    func verificationKeyAtHand(id: String) -> VerificationKey? { keyAtHand(id: id)?.key }

    func keyAtHand(id: String) -> KeyAtHand? {
        let now = timeSource.now()
        return state.withLock { state in
            state.lookups += 1
            guard now <= state.usableUntil, let key = state.keys.verificationKeyAtHand(id: id) else { return nil }
            return KeyAtHand(key: key, generation: state.generation, usableUntil: state.usableUntil)
        }
    }

    func keysAtHandStand(generation: UInt64, until: Date) -> Bool {
        let now = timeSource.now()
        return state.withLock { $0.generation == generation } && now <= until
    }
}
