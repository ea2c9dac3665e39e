public import Foundation

/// An access token issued on behalf of a user, remembered by `jti` so that revoking its family
/// (a replayed code or refresh token, RFC 6749 §4.1.2, RFC 9700 §4.14.2) can revoke it too.
public struct IssuedTokenRecord: Sendable, Hashable {
    public var tokenID: String
    public var familyID: String?
    public var clientID: String
    public var subject: String
    public var expiresAt: Date
    /// For a token got by exchange (RFC 8693): the clients whose tokens it was exchanged from,
    /// the first one's first — the token the chain began with, then each exchange's. Narrowing
    /// or deleting any of them revokes it (issue 14: ``ClientTokenRevocation``); empty for a
    /// token issued directly, and for rows recorded before this was kept.
    public var derivedFrom: [String]

    public init(tokenID: String, familyID: String?, clientID: String, subject: String, expiresAt: Date, derivedFrom: [String] = []) {
        self.tokenID = tokenID
        self.familyID = familyID
        self.clientID = clientID
        self.subject = subject
        self.expiresAt = expiresAt
        self.derivedFrom = derivedFrom
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

    /// The most clients a chain of exchanges remembers, which bounds the stored row: a longer
    /// chain keeps its origin and its latest ones (the claims reader refuses `act` nested deeper
    /// than this anyway).
    public static let longestDerivation = 16

    /// The lineage of a token exchanged from one of `clientID`'s: this record's, then `clientID`
    /// (each client once).
    public static func derivation(from subject: IssuedTokenRecord?, clientID: String) -> [String] {
        var chain = subject?.derivedFrom ?? []
        if !chain.contains(clientID) { chain.append(clientID) }
        guard chain.count > longestDerivation else { return chain }
        return [chain[0]] + chain.suffix(longestDerivation - 1)
    }
}
