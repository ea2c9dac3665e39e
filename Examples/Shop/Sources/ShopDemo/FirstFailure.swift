import Synchronization

/// The first error one of several concurrent tasks ended with (`ShopCluster.run`: a server group
/// that could not start).
final class FirstFailure: Sendable {
    private let error = Mutex<(any Error)?>(nil)

    func record(_ failure: any Error) {
        error.withLock { $0 = $0 ?? failure }
    }

    /// Throws the recorded error, if any.
    func check() throws {
        if let failure = error.withLock({ $0 }) { throw failure }
    }
}
