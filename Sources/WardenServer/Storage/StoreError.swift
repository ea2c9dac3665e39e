/// A storage failure in the server's own terms. Backends turn their errors into these; the
/// backend's message goes to `debugDescription` and debug logs only. Where a backend knows the
/// cause in words a person can act on ("the directory /x does not exist", "the server does not
/// offer TLS: use sslmode=disable or require"), it goes in `reason`, which `description`
/// includes: the CLI prints it and the server logs it once per outage. A reason never holds a
/// password or a secret.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// Something with the same identity exists already.
        case conflict
        /// The database could not be reached or answered with an error.
        case unavailable
        /// The database settings cannot work as given (a malformed URL, an unknown option).
        case misconfigured
        /// A stored value could not be read back.
        case corrupt
    }
    public let code: Code
    public let debugDescription: String
    /// The cause and what to do about it, for people; nil when not known.
    public let reason: String?

    public init(_ code: Code, _ debugDescription: String, reason: String? = nil) {
        self.code = code
        self.debugDescription = debugDescription
        self.reason = reason
    }

    public var description: String {
        let summary = switch code {
        case .conflict: "already exists"
        case .unavailable: "storage unavailable"
        case .misconfigured: "invalid database URL"
        case .corrupt: "stored data unreadable"
        }
        guard let reason else { return summary }
        return "\(summary): \(reason)"
    }

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
