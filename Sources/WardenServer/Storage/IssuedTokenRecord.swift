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
