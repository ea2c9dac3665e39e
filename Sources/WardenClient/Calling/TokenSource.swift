/// Which token a call to another service carries (architecture.md decision 4: no silent forwarding).
public struct TokenSource: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case ownIdentity
        case exchangingIncomingToken
        case forwardingIncomingToken
    }
    let kind: Kind

    /// The service's own token (client credentials): for calls it makes for itself.
    public static let ownIdentity = TokenSource(kind: .ownIdentity)
    /// The incoming user token exchanged (RFC 8693) for one with the target's audience, only the
    /// scopes the call needs, and `act` naming this service: for calls made on a user's behalf.
    public static let exchangingIncomingToken = TokenSource(kind: .exchangingIncomingToken)
    /// The incoming token as it is. Only when the target is meant to receive that very token
    /// (same audience); named so that it is never chosen by accident.
    public static let forwardingIncomingTokenUnchanged = TokenSource(kind: .forwardingIncomingToken)

    public var description: String {
        switch kind {
        case .ownIdentity: "own identity (client credentials)"
        case .exchangingIncomingToken: "token exchange"
        case .forwardingIncomingToken: "forwarding the incoming token unchanged"
        }
    }
}
