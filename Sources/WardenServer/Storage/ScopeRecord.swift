public import WardenCore

/// A scope the server knows, with the description shown on consent pages and in metadata.
public struct ScopeRecord: Sendable, Hashable {
    public var scope: Scope
    public var description: String

    public init(scope: Scope, description: String) {
        self.scope = scope
        self.description = description
    }
}
