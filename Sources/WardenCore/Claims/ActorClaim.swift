/// The `act` claim of RFC 8693 §4.1: the party acting for the subject, and, nested, the party
/// that party acted for before it (the delegation chain, most recent first).
public struct ActorClaim: Sendable, Hashable {
    /// `sub` of the acting party (for Warden, a client id).
    public var subject: String
    /// The previous actor in the chain, if the token was exchanged more than once.
    public var previous: Box?

    public init(subject: String, previous: ActorClaim? = nil) {
        self.subject = subject
        self.previous = previous.map(Box.init)
    }

    /// Every actor's subject, most recent first.
    public var chain: [String] {
        var result = [subject]
        var next = previous?.value
        while let actor = next {
            result.append(actor.subject)
            next = actor.previous?.value
        }
        return result
    }

    /// Indirection for the recursive `act` claim.
    public final class Box: Sendable, Hashable {
        public let value: ActorClaim
        init(_ value: ActorClaim) { self.value = value }
        public static func == (lhs: Box, rhs: Box) -> Bool { lhs.value == rhs.value }
        public func hash(into hasher: inout Hasher) { hasher.combine(value) }
    }
}
