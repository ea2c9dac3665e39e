public import WardenCore

extension Scope {
    /// "Read information about the current user."
    public static let me: Scope = "me"
    /// "Read items."
    public static let items: Scope = "items"
}

/// The scopes the tutorial knows, with the descriptions the login page and OpenAPI show.
public enum TutorialScopes {
    public static let all: [(scope: Scope, description: String)] = [
        (.me, "Read information about the current user."),
        (.items, "Read items."),
    ]

    public static var known: ScopeSet { ScopeSet(all.map(\.scope)) }
}
