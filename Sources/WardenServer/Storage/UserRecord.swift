public import Foundation
public import WardenCore

/// A resource owner who can log in.
public struct UserRecord: Sendable, Hashable {
    public var name: String
    /// bcrypt hash of the password.
    public var passwordHash: String
    /// The scopes this user may grant.
    public var scopes: ScopeSet
    public var disabled: Bool
    public var createdAt: Date

    public init(name: String, passwordHash: String, scopes: ScopeSet, disabled: Bool = false, createdAt: Date = Date()) {
        self.name = name
        self.passwordHash = passwordHash
        self.scopes = scopes
        self.disabled = disabled
        self.createdAt = createdAt
    }
}
