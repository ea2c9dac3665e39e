/// A key that cannot be used (too short, too small, wrong type); raised at configuration time.
public struct KeyConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
