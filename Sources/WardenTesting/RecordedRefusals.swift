import Synchronization
public import WardenCore

/// An ``AccessRefusalReporter`` that keeps what it is told, for tests: give it to a verifier or
/// a bearer configuration (`refusals`), then read ``all``.
public final class RecordedRefusals: AccessRefusalReporter {
    private let recorded = Mutex<[AccessRefusal]>([])

    public init() {}

    public func report(_ refusal: AccessRefusal) {
        recorded.withLock { $0.append(refusal) }
    }

    /// Everything reported so far, in order.
    public var all: [AccessRefusal] { recorded.withLock { $0 } }

    /// Forgets what was reported.
    public func clear() { recorded.withLock { $0.removeAll() } }
}
