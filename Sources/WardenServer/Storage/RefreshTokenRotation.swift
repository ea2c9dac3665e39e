public import Foundation

/// How a used refresh token was rotated: when, and into which token (its hash).
public struct RefreshTokenRotation: Sendable, Hashable {
    public var usedAt: Date
    public var successor: [UInt8]

    public init(usedAt: Date, successor: [UInt8]) {
        self.usedAt = usedAt
        self.successor = successor
    }
}
