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
    /// Sessions begun before this instant are over (issue 14): set when a change ends the
    /// user's sessions (`warden user update`, `end-sessions`). Sign-in pages, codes, refreshes
    /// and exchanges begun earlier are refused, and a token being issued while it is written
    /// notices the change (`TokenService.confirmUserSession`).
    public var sessionsNotBefore: Date?

    public init(name: String, passwordHash: String, scopes: ScopeSet, disabled: Bool = false, createdAt: Date = Date(), sessionsNotBefore: Date? = nil) {
        self.name = name
        self.passwordHash = passwordHash
        self.scopes = scopes
        self.disabled = disabled
        self.createdAt = createdAt
        self.sessionsNotBefore = sessionsNotBefore
    }

    /// Whether a session begun at `start` is still allowed (begun at or after
    /// ``sessionsNotBefore``).
    public func allowsSession(begunAt start: Date) -> Bool {
        sessionsNotBefore.map { start >= $0 } ?? true
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
