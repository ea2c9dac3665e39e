public import Foundation

/// One entry of the revocation feed: a revoked `jti`, until when the token would have lived,
/// and the cursor that orders the feed.
public struct RevocationRecord: Sendable, Hashable {
    public var cursor: Int64
    public var tokenID: String
    public var expiresAt: Date
    public var revokedAt: Date

    public init(cursor: Int64, tokenID: String, expiresAt: Date, revokedAt: Date) {
        self.cursor = cursor
        self.tokenID = tokenID
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}
