/// The master key is missing, malformed, unreadable or not the one the database was created with.
public struct MasterKeyError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
