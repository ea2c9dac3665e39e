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

extension UserRecord {
    /// Whether changing this record into `new` ends the user's sessions (issue 14): a scope
    /// taken away, the user disabled, or a new password (whoever knew the old one — the usual
    /// reason for an administrator's reset — keeps nothing). Adding scopes or enabling ends
    /// nothing.
    public func endsSessions(whenChangedTo new: UserRecord) -> Bool {
        !scopes.subtracting(new.scopes).isEmpty || (new.disabled && !disabled) || new.passwordHash != passwordHash
    }
}
