public import WardenCore

/// A user of the tutorial app, as FastAPI's `UserInDB`: the password only as a bcrypt hash.
public struct TutorialUser: Sendable {
    public let username: String
    public let email: String
    public let fullName: String
    public let disabled: Bool
    let passwordHash: String
    /// The scopes this user may be granted (architecture.md decision 3: a token only gets scopes its
    /// holder is allowed, whatever was requested).
    public let allowedScopes: ScopeSet
}
