import Synchronization
import WardenCore

/// Counts the open revocation streams, in all and per client address (IPv4 one by one, IPv6 by
/// /64), and admits a new one within the limits
/// (``AuthorizationServerConfiguration/maximumRevocationStreams``,
/// ``AuthorizationServerConfiguration/maximumRevocationStreamsPerAddress``).
///
/// At the limit of one address the *oldest* stream of that address is closed to make room,
/// rather than the new one refused: a stream whose client vanished without closing the
/// connection (a NAT flush, a killed host) holds its place until a write to it fails, and the
/// client's reconnection must not be refused meanwhile. An address can only ever close its own
/// streams. At the limit in all, a new stream is refused (`503`).
package final class RevocationStreamAdmission: Sendable {
    /// Why a stream was not admitted.
    package enum Refusal: Error, Equatable {
        case tooManyInAll
    }

    /// An admitted stream's place; given back when the last reference goes away — when the
    /// stream ends, or when its response is dropped unsent (the client left before the head was
    /// written and the body never ran).
    package final class Slot: Sendable {
        /// Set when a newer stream from the same address took this one's place: the stream
        /// ends at its next look.
        package let evicted: StopFlag
        private let release: @Sendable () -> Void
        package init(evicted: StopFlag, release: @escaping @Sendable () -> Void) {
            self.evicted = evicted
            self.release = release
        }
        deinit { release() }
    }

    private struct Open {
        var total = 0
        var nextID: UInt64 = 0
        /// Per address, its streams' ids, oldest first.
        var byAddress: [String: [UInt64]] = [:]
        var evictionFlags: [UInt64: StopFlag] = [:]
    }
    let maximum: Int
    let maximumPerAddress: Int
    /// Wakes streams waiting for news, so an evicted one notices at once.
    let wake: @Sendable () -> Void
    private let open = Mutex(Open())

    package init(maximum: Int, maximumPerAddress: Int, wake: @escaping @Sendable () -> Void = {}) {
        self.maximum = maximum
        self.maximumPerAddress = max(1, maximumPerAddress)
        self.wake = wake
    }

    package var count: Int { open.withLock { $0.total } }

    /// Admits a stream from `address`, closing that address's oldest stream when it is at its
    /// limit; refuses it when the server is at its limit in all.
    package func admit(address: String?) throws(Refusal) -> Slot {
        let key = IPAddressRange.bucket(for: address)
        let evicted = StopFlag()
        let outcome: (id: UInt64, evicting: StopFlag?)? = open.withLock { open in
            var evicting: StopFlag?
            let mine = open.byAddress[key, default: []]
            // Streams already told to go still count until they are gone; skip past them.
            if let oldest = mine.first(where: { !(open.evictionFlags[$0]?.isSet ?? true) }),
                mine.filter({ !(open.evictionFlags[$0]?.isSet ?? true) }).count >= maximumPerAddress
            {
                evicting = open.evictionFlags[oldest]
            } else if open.total >= maximum {
                return nil
            }
            open.nextID += 1
            let id = open.nextID
            open.total += 1
            open.byAddress[key, default: []].append(id)
            open.evictionFlags[id] = evicted
            return (id, evicting)
        }
        guard let outcome else { throw .tooManyInAll }
        if let evicting = outcome.evicting {
            evicting.set()
            wake()
        }
        return Slot(evicted: evicted) { [self] in release(key, id: outcome.id) }
    }

    private func release(_ key: String, id: UInt64) {
        open.withLock { open in
            open.total -= 1
            open.evictionFlags[id] = nil
            var mine = open.byAddress[key, default: []]
            mine.removeAll { $0 == id }
            open.byAddress[key] = mine.isEmpty ? nil : mine
        }
    }
}
