public import Foundation

/// An access token issued on behalf of a user, remembered by `jti` so that revoking its family
/// (a replayed code or refresh token, RFC 6749 §4.1.2, RFC 9700 §4.14.2) can revoke it too.
public struct IssuedTokenRecord: Sendable, Hashable {
    public var tokenID: String
    public var familyID: String?
    public var clientID: String
    public var subject: String
    public var expiresAt: Date

    public init(tokenID: String, familyID: String?, clientID: String, subject: String, expiresAt: Date) {
        self.tokenID = tokenID
        self.familyID = familyID
        self.clientID = clientID
        self.subject = subject
        self.expiresAt = expiresAt
    }
}

extension IssuedTokenRecord {
    /// The family of tokens exchanged from a token that belongs to no user's sign-in (a
    /// client-credentials token): `exchange:` and the first token's `jti`.
    public static func clientChainFamily(startingWith tokenID: String) -> String { "exchange:" + tokenID }

    /// Whether this token belongs to a user's sign-in (a family begun by a code or a password),
    /// not to a chain of exchanges from a client's own token — whose `sub` is a client id, which
    /// may happen to equal a user name.
    public var isUserSession: Bool { familyID.map { !$0.hasPrefix("exchange:") } ?? false }
}
