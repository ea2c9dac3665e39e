public import Foundation

/// Where "now" comes from. Everything in Warden that depends on wall-clock time takes one, so
/// tests move time instead of sleeping.
public struct TimeSource: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) { self.read = read }

    public func now() -> Date { read() }

    /// The system clock.
    public static let system = TimeSource { Date() }

    /// Always the same instant.
    public static func fixed(_ date: Date) -> TimeSource { TimeSource { date } }
}
