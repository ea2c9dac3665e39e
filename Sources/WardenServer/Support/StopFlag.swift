import Synchronization

/// A one-way flag a shutdown handler sets and a loop checks.
package final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    package init() {}
    package var isSet: Bool { value.load(ordering: .acquiring) }
    package func set() { value.store(true, ordering: .releasing) }
}
