import Synchronization

/// What a ``BodyService`` returned, read once its group has stopped.
final class ResultBox<T: Sendable>: Sendable {
    private let value = Mutex<T?>(nil)

    func set(_ newValue: T) {
        value.withLock { $0 = newValue }
    }

    /// The value; if the body never returned one (it threw, or a signal stopped the group
    /// before it began), `CancellationError`.
    func get() throws -> T {
        guard let result = value.withLock({ $0 }) else { throw CancellationError() }
        return result
    }
}
