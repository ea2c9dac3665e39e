/// A storage failure in the server's own terms. Backends turn their errors into these; the
/// backend's message goes to `debugDescription` and debug logs only.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// Something with the same identity exists already.
        case conflict
        /// The database could not be reached or answered with an error.
        case unavailable
        /// A stored value could not be read back.
        case corrupt
    }
    public let code: Code
    public let debugDescription: String

    public init(_ code: Code, _ debugDescription: String) {
        self.code = code
        self.debugDescription = debugDescription
    }

    public var description: String {
        switch code {
        case .conflict: "already exists"
        case .unavailable: "storage unavailable"
        case .corrupt: "stored data unreadable"
        }
    }

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
