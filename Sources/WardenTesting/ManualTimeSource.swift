public import Foundation
import Synchronization
public import WardenCore

/// A clock that moves only when told: hand `timeSource` to a verifier, key set or revocation
/// list, then ``advance(by:)`` instead of sleeping.
public final class ManualTimeSource: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = Date()) { current = Mutex(start) }

    public var now: Date { current.withLock { $0 } }

    public func advance(by duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public func set(_ date: Date) { current.withLock { $0 = date } }

    public var timeSource: TimeSource { TimeSource { [self] in self.now } }
}
