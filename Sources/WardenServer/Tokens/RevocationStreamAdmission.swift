import Synchronization

/// Counts the open revocation streams, in all and per client address, and admits a new one
/// only below both limits (``AuthorizationServerConfiguration/maximumRevocationStreams`` and
/// ``AuthorizationServerConfiguration/maximumRevocationStreamsPerAddress``).
final class RevocationStreamAdmission: Sendable {
    /// Why a stream was not admitted.
    enum Refusal: Error, Equatable {
        case tooManyFromAddress
        case tooManyInAll
    }

    /// An admitted stream's place; given back when the last reference goes away — when the
    /// stream ends, or when its response is dropped unsent (the client left before the head was
    /// written and the body never ran).
    final class Slot: Sendable {
        private let release: @Sendable () -> Void
        init(release: @escaping @Sendable () -> Void) { self.release = release }
        deinit { release() }
    }

    private struct Counts {
        var total = 0
        var perAddress: [String: Int] = [:]
    }
    let maximum: Int
    let maximumPerAddress: Int
    private let counts = Mutex(Counts())

    init(maximum: Int, maximumPerAddress: Int) {
        self.maximum = maximum
        self.maximumPerAddress = maximumPerAddress
    }

    var open: Int { counts.withLock { $0.total } }

    func admit(address: String?) throws(Refusal) -> Slot {
        let key = address ?? "unknown"
        let refusal: Refusal? = counts.withLock { counts in
            if counts.perAddress[key, default: 0] >= maximumPerAddress { return .tooManyFromAddress }
            if counts.total >= maximum { return .tooManyInAll }
            counts.total += 1
            counts.perAddress[key, default: 0] += 1
            return nil
        }
        if let refusal { throw refusal }
        return Slot { [self] in release(key) }
    }

    private func release(_ key: String) {
        counts.withLock { counts in
            counts.total -= 1
            let left = counts.perAddress[key, default: 1] - 1
            counts.perAddress[key] = left > 0 ? left : nil
        }
    }
}
